"""The convener's workbook: `helix export --format xlsx`, one sheet per domain table.

CSV and JSON Lines are the import format (a database moves by exporting and importing them);
the workbook is for people instead. A convener opens it to see who is in the change system, so
it speaks their language: one sheet each for initiatives, the organisations they named, their
ties, their production-system links and their needs and offers; every choice code shown as the
form's label in the export language (an unknown code, say from an old import, is shown as it
is, never dropped); dates as real dates; a `Source` column on every sheet so demo and imported
rows are told from interviews at a glance. It is not read back by `helix import`.

The workbook is written in openpyxl's write-only mode, all five sheets side by side while the
initiatives stream past a chunk at a time, so memory stays flat however big the database is.
Column widths and the frozen, styled header are set before the first row (write-only mode
cannot go back), which is why widths are fixed per column rather than measured.

Safety is the export's usual (see `analysis.export`): text passes `standard_json.clean_text`
(a lone surrogate becomes U+FFFD), control characters the file format forbids become U+FFFD,
every text cell is typed as text, and a cell a spreadsheet would read as a formula
(`intake.records.formulas.FORMULA_STARTS`) also gets Excel's own "quote prefix" style, so it
stays text even after someone edits it, while its value is unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Engine

from analysis import standard_json
from analysis.profiles import Profile, iter_profiles
from intake.form import FormDefinition, load_definition
from intake.i18n import LANGUAGES, t
from intake.records.formulas import FORMULA_STARTS
from intake.records.model import TASKS

SHEETS = ("initiatives", "organisations", "ties", "ps_links", "needs_offers")
"""Sheet keys in workbook order; titles come from `export.sheet.<key>` in the locale file."""
DATE_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
_WRAP = Alignment(vertical="top", wrap_text=True)

# (column key, width in characters): a column key is a locale key `export.column.<key>`, or a
# task (`task:<name>`, headed by the task's name from the form's `tasks` choice list).
_INITIATIVE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("initiative", 32),
    ("issue", 28),
    ("production_system", 22),
    ("region", 20),
    ("website", 26),
    ("form", 22),
    ("change_type", 26),
    ("stage", 24),
    ("geo_levels", 22),
    ("goals", 48),
    *((f"task:{task}", 18) for task in TASKS),
    ("listed", 14),
    ("introductions", 14),
    ("digest", 12),
    ("staff", 16),
    ("budget", 18),
    ("leader", 22),
    ("source", 12),
    ("created", 17),
    ("updated", 17),
    ("id", 20),
)
_COLUMNS: dict[str, tuple[tuple[str, int], ...]] = {
    "initiatives": _INITIATIVE_COLUMNS,
    "organisations": (
        ("initiative", 32),
        ("organisation", 32),
        ("sector", 24),
        ("relates", 30),
        ("detail", 36),
        ("source", 12),
    ),
    "ties": (
        ("initiative", 32),
        ("partner", 32),
        ("tie", 30),
        ("sector", 24),
        ("relation", 28),
        ("depth", 14),
        ("source", 12),
    ),
    "ps_links": (
        ("initiative", 32),
        ("actor", 32),
        ("segment", 28),
        ("engagement", 26),
        ("engagement_depth", 14),
        ("source", 12),
    ),
    "needs_offers": (
        ("initiative", 32),
        ("kind", 16),
        ("category", 26),
        ("detail", 48),
        ("source", 12),
    ),
}


@dataclass(frozen=True)
class Labels:
    """Codes to words in one language: the form's choice labels and the export's own texts."""

    definition: FormDefinition
    language: str = "en"

    def choice(self, list_name: str, code: Any) -> Any:
        """The label of `code` in the form's choice list, or `code` itself when unknown."""
        if not isinstance(code, str):
            return code
        for choice in self.definition.choices.get(list_name, []):
            if choice.name == code:
                return self.definition.text(choice.label, self.language)
        return code

    def choices(self, list_name: str, codes: Iterable[Any]) -> str:
        return "; ".join(str(self.choice(list_name, code)) for code in codes)

    def text(self, key: str) -> str:
        return t(f"export.{key}", self.language)

    def word(self, group: str, code: str | None) -> str | None:
        """An export text for a code (`export.source.demo`), or the code when there is none."""
        if code is None:
            return None
        try:
            return self.text(f"{group}.{code}")
        except KeyError:
            return code

    def header(self, column: str) -> str:
        """A task column is headed by the task's name as the form's `tasks` list words it
        ("Visioning: shared goals and roadmaps" -> "Visioning")."""
        if column.startswith("task:"):
            label = self.choice("tasks", column.removeprefix("task:"))
            return str(label).split(":", 1)[0]
        return self.text(f"column.{column}")


def write_workbook(
    engine: Engine,
    path: Path,
    *,
    language: str = "en",
    definition: FormDefinition | None = None,
) -> int:
    """Write the convener's workbook to `path`; returns how many initiatives it holds."""
    if language not in LANGUAGES:
        raise ValueError(
            f"unknown export language {language!r}; use one of {', '.join(LANGUAGES)}"
        )
    labels = Labels(definition or load_definition(), language)
    workbook = Workbook(write_only=True)
    sheets = {key: _new_sheet(workbook, key, labels) for key in SHEETS}
    count = 0
    for profile in iter_profiles(engine):
        for key, rows in sheet_rows(profile, labels).items():
            for row in rows:
                sheets[key].append([_cell(sheets[key], value) for value in row])
        count += 1
    workbook.save(path)
    return count


def _new_sheet(workbook: Workbook, key: str, labels: Labels) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(labels.text(f"sheet.{key}"))
    columns = _COLUMNS[key]
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for column, _ in columns:
        cell = WriteOnlyCell(sheet, value=labels.header(column))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, _WRAP
        header.append(cell)
    sheet.append(header)
    return sheet


def sheet_rows(profile: Profile, labels: Labels) -> dict[str, list[list[Any]]]:
    """One initiative's rows on every sheet, as plain values in the columns' order."""
    record = profile.record
    name, source = record.name, labels.word("source", profile.source)
    extra = record.merged_extra()
    consent = record.consent
    yes_no = {True: labels.choice("yes_no", "yes"), False: labels.choice("yes_no", "no")}
    initiative = [
        name,
        record.issue,
        labels.choice("ps_systems", record.production_system),
        record.region,
        record.website,
        labels.choice("initiative_forms", record.initiative_form),
        labels.choice("change_types", record.change_type),
        labels.choice("stages", record.stage),
        labels.choices("geo_levels", record.geo_levels),
        "; ".join(record.goals),
        *(labels.word("task_level", record.tasks.get(task)) for task in TASKS),
        yes_no[consent.listed] if consent else None,
        yes_no[consent.introductions] if consent else None,
        labels.choice("frequencies", consent.digest) if consent else None,
        labels.choice("staff_bands", extra.get("staff_band")),
        labels.choice("budget_bands", extra.get("budget_band")),
        record.leader.name if record.leader else None,
        source,
        profile.created_at,
        profile.updated_at,
        record.id or profile.key,
    ]
    relates = {kind: labels.word("relates", kind) for kind in ("stakeholder", "works_with")}
    organisations = [
        [name, s.name, labels.choice("sectors", s.sector), relates["stakeholder"], s.role, source]
        for s in record.stakeholders
    ]
    organisations += [
        [
            name,
            p.name,
            labels.choice("sectors", p.sector),
            relates["works_with"],
            labels.choice("relations", p.relation),
            source,
        ]
        for p in record.partners
    ]
    known = labels.word("relates", "knows_of")
    organisations += [[name, n, None, known, None, source] for n in record.known_initiatives]
    actor = labels.word("relates", "ps_actor")
    organisations += [
        [name, link.actor, None, actor, labels.choice("engagement_modes", link.relation), source]
        for link in record.ps_links
    ]
    ties = [
        [
            name,
            p.name,
            relates["works_with"],
            labels.choice("sectors", p.sector),
            labels.choice("relations", p.relation),
            p.depth,
            source,
        ]
        for p in record.partners
    ]
    ties += [[name, n, known, None, None, None, source] for n in record.known_initiatives]
    ps_links = [
        [
            name,
            link.actor,
            labels.choice("ps_segments", link.segment),
            labels.choice("engagement_modes", link.relation),
            link.depth,
            source,
        ]
        for link in record.ps_links
    ]
    needs_offers = [
        [name, labels.word("kind", kind), labels.choice("exchange", c.category), c.detail, source]
        for kind, items in (("need", record.needs), ("offer", record.offers))
        for c in items
    ]
    needs_offers += [  # a detail about all of them, shown once (see intake.storage.projection)
        [name, labels.word("kind", kind), labels.word("kind", "general"), extra[key], source]
        for kind, key in (("need", "needs_detail"), ("offer", "offers_detail"))
        if isinstance(extra.get(key), str)
    ]
    return {
        "initiatives": [initiative],
        "organisations": organisations,
        "ties": ties,
        "ps_links": ps_links,
        "needs_offers": needs_offers,
    }


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A typed cell: text as text (never a formula), numbers as numbers, dates as dates."""
    cell = WriteOnlyCell(sheet, value=None)
    if value is None or value == "":
        return cell
    if isinstance(value, datetime):
        # Excel has no time zones; stored times are UTC and the header says so.
        cell.value = value.astimezone(UTC).replace(tzinfo=None)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value if math.isfinite(value) else None
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", standard_json.clean_text(str(value)))
        cell.value = text
        cell.data_type = "s"
        if text[:1] in FORMULA_STARTS:
            cell.quotePrefix = True
    return cell
