"""Import speed: indexes on the names an import matches on, and each initiative's import hash.

Without the indexes every imported line scanned both tables, so an import of n records took
time growing with n squared (100,000 small records: over two minutes). `import_hash` is the
fingerprint of the import line that last wrote the initiative (NULL after any other writer), so
re-importing an unchanged file need not read every record back. Written by hand like 0001.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("initiative") as batch:
        batch.add_column(sa.Column("import_hash", sa.String(), nullable=True))
    op.create_index("ix_initiative_name", "initiative", ["name"], unique=False)
    op.create_index("ix_leader_name", "leader", ["name"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_leader_name", table_name="leader")
    op.drop_index("ix_initiative_name", table_name="initiative")
    with op.batch_alter_table("initiative") as batch:
        batch.drop_column("import_hash")
