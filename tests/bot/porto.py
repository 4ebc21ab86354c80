"""The Porto fridge leader (tests/personas.py) on both chat surfaces: what the tests check.

The engine-level persona test counts the inputs of the core path; these helpers let the
Telegram and terminal tests hold the same leader to the same budget through the real surfaces
and read back what landed in the domain tables.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from intake.storage.db import session_scope
from intake.storage.tables import Initiative, PartnerTie, PsLink, Stakeholder
from tests.personas import PORTO, PORTO_DIVES

#: The core path's promise: at most 25 inputs before the first Send.
CORE_BUDGET = 25
#: Everything the leader answers, core and deep dives.
PORTO_ALL: dict[str, Any] = {**PORTO, **PORTO_DIVES}
PORTO_ORGS = tuple(entry["org_name"] for entry in PORTO["organisations"])


def organisations_in_tables(engine: Engine) -> dict[str, set[tuple[Any, ...]]]:
    """The initiative's organisations as the domain tables hold them, one set per table."""
    with session_scope(engine) as session:
        stakeholders = {(s.name, s.sector, s.role) for s in session.exec(select(Stakeholder))}
        ties = {(t.partner_name, t.kind, t.depth) for t in session.exec(select(PartnerTie))}
        links = {(p.actor, p.segment, p.relation) for p in session.exec(select(PsLink))}
    return {"stakeholder": stakeholders, "partner_tie": ties, "ps_link": links}


#: After the organisation details dive: each organisation named once, in the table its tag says.
PORTO_TABLES = {
    "stakeholder": {("Câmara Municipal do Porto", "government", "lends space")},
    "partner_tie": {("Banco Alimentar do Porto", "works_with", 2)},
    "ps_link": {
        ("Continente", "retail", "partnership"),
        ("Pingo Doce", "retail", "partnership"),
    },
}


def initiative_revision(engine: Engine) -> int:
    """How many times the one initiative was sent (the core, then one Send per dive)."""
    with session_scope(engine) as session:
        return session.exec(select(Initiative)).one().revision
