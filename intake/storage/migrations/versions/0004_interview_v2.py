"""Interview v2: carry every stored interview of the first form over to form version 2.

The first form kept organisations in four lists and asked one question per task; version 2 has
one organisations list and two task pick lists (see `intake.form.upgrade`, which says what moves
where and keeps every old answer in `stale`). Interviews are also upgraded as they are loaded, so
this migration only spares each row that work and makes the stored data speak one model.
Submissions are left as they were sent (a record of the past); the domain tables
(stakeholder, partner_tie, ps_link) already are the model both forms project into.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 08:30:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intake.form.upgrade import is_old, upgrade_state

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INTERVIEW = sa.table("interview", sa.column("id", sa.Integer), sa.column("state", sa.JSON))


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_INTERVIEW.c.id, _INTERVIEW.c.state)).all()
    for row_id, state in rows:
        if isinstance(state, str):  # a driver that hands JSON back as text
            state = json.loads(state)
        if isinstance(state, dict) and is_old(state):
            bind.execute(
                _INTERVIEW.update()
                .where(_INTERVIEW.c.id == row_id)
                .values(state=upgrade_state(state))
            )


def downgrade() -> None:
    """Nothing to undo by hand: the old answers stay in each state's `stale`."""
