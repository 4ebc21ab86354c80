"""The change system as a graph: who works with, knows of and engages whom.

`graph` builds the shared graph contract (docs/architecture.md) from profiles, `names` matches
the partners people name to known initiatives, `export` writes GraphML (Gephi) and Kumu JSON.
"""

from analysis.network.export import kumu_json, write_graphml, write_kumu
from analysis.network.graph import build_graph

__all__ = ["build_graph", "kumu_json", "write_graphml", "write_kumu"]
