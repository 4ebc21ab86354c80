"""The change system as a picture: initiatives above, production-system actors below, bridges
between them highlighted (`drawing` draws with matplotlib's Agg backend; `layout` places)."""

from analysis.maps.drawing import ColourBy, NotEnoughData, render_map

__all__ = ["ColourBy", "NotEnoughData", "render_map"]
