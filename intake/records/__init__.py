"""The initiative record: one line of `helix import` and of `helix export`, and the importer.

`model` is the format itself (validation, canonical JSON, spreadsheet cells) and imports nothing
else from `intake`; storage reads and writes it. The importer (`intake.records.importer`) is
imported by name, not from here, because it needs storage and storage needs the model.
"""

from intake.records.model import (
    FIELD_NAMES,
    SYSTEM_TASKS,
    TASKS,
    CellError,
    InitiativeRecord,
    describe_errors,
    from_cells,
    to_cells,
)

__all__ = [
    "FIELD_NAMES",
    "SYSTEM_TASKS",
    "TASKS",
    "CellError",
    "InitiativeRecord",
    "describe_errors",
    "from_cells",
    "to_cells",
]
