"""Value-chain segments per production system, for PS segment coverage.

Mirrors the `ps_segments` choices of the interview form (intake/forms/scs_intake.yaml), grouped
by their production-system tags. Segments tagged for every system (rules, finance flows,
research and technology) cut across the chain, so they are reported apart, not as links of it.
Kept here rather than read from the form so analysis does not depend on intake's layout.
"""

from __future__ import annotations

CHAINS: dict[str, tuple[str, ...]] = {
    "food": ("inputs", "farming", "processing", "logistics", "retail", "consumption", "waste"),
    "energy": ("generation", "transmission", "distribution", "consumption"),
    "health": ("payers", "providers", "suppliers", "patients"),
    "water": ("water_supply", "distribution", "sanitation", "consumption"),
    "housing": ("construction", "tenure", "land_planning", "waste"),
    "mobility": ("vehicles", "transport_services", "land_planning", "consumption"),
    "finance": ("banking", "investment", "insurance"),
}
CROSS_CUTTING: tuple[str, ...] = ("regulation", "finance", "technology")
