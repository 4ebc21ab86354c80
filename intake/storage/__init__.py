"""Where interviews and the domain rows live: SQLModel tables, migrations and the stores.

`InterviewStore` runs the engine write-through (every answer is durable before any reply);
`projection` turns a submitted interview into a record and `rows` writes records into the domain
tables analysis reads. The same code serves SQLite (the embedded default) and PostgreSQL.
"""

from intake.storage.db import create_db_engine, normalize_url, session_scope, upgrade_database
from intake.storage.interviews import InterviewStore

__all__ = [
    "InterviewStore",
    "create_db_engine",
    "normalize_url",
    "session_scope",
    "upgrade_database",
]
