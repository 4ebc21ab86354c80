"""The initiative record: one line of `helix import` and of `helix export`.

Import and export share this one model, so whatever Helix writes it can read back unchanged.
Input is accepted generously (a task list as names, a stakeholder as a bare name, `yes`/`no` for
consent, `;`-separated text in CSV cells); output is always the one canonical shape
(`to_json`), which is what makes export -> import -> export byte-identical.

Field names are the contract in docs/architecture.md; fields the model does not know are kept
in `extra` (never an error). Unknown keys inside nested objects are refused instead: a typo like
`{"leader": {"nmae": ...}}` would otherwise silently drop data.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from intake.records.cleaning import CleaningError, parse_json, strip_text

SYSTEM_TASKS: tuple[str, ...] = (
    "visioning",
    "organizing",
    "learning",
    "innovating",
    "financing",
    "measuring",
    "advocating",
)
"""The seven change-system tasks (Helix's list adapted from Waddell), in interview order.

Task coverage is about these seven: they are what a change system as a whole needs done.
"""
TASKS: tuple[str, ...] = (*SYSTEM_TASKS, "delivering")
"""Every task a record may rate: the seven, then Helix's own operational task, `delivering`
(running a service or making a product day to day), which many initiatives mainly do but which
is not a change-system task. New names only ever go last, so older files still import."""
TaskLevel = Literal["none", "minor", "core"]
_LEVEL_NUMBERS = {0: "none", 1: "minor", 2: "core"}
STORED = {"stored": True}
"""Validation context for records read back from the database (see `_website`)."""
_WEBSITE = re.compile(
    r"[a-z][a-z0-9+.-]*://\S+$|(?:[^\s/.:]+\.)+[^\W\d_][\w-]*[^\W_](?::\d+)?(?:[/?#]\S*)?$",
    re.IGNORECASE,
)


def _strip(value: Any) -> Any:
    return strip_text(value) if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    value = _strip(value)
    return None if value == "" else value


Text = Annotated[str, BeforeValidator(_strip), Field(min_length=1)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Depth = Annotated[Annotated[int, Field(ge=1, le=5)] | None, BeforeValidator(_blank_to_none)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StakeholderRecord(_Part):
    name: Text
    sector: OptionalText = None
    role: OptionalText = None


class PartnerRecord(_Part):
    """An initiative or organisation the leader works with (`works_with` edge)."""

    name: Text
    sector: OptionalText = None
    relation: OptionalText = None
    depth: Depth = None


class PsLinkRecord(_Part):
    """A production-system actor the initiative engages, and how (relation = engagement mode)."""

    actor: Text
    relation: OptionalText = None
    segment: OptionalText = None
    depth: Depth = None


class LeaderRecord(_Part):
    name: OptionalText = None
    telegram_id: Annotated[int, Field(ge=-(2**63), le=2**63 - 1)] | None = None
    """A 64-bit integer, as the database column is; a larger one is refused, not overflowed."""


class NeedRecord(_Part):
    category: Text
    detail: OptionalText = None


class ConsentRecord(_Part):
    listed: bool = False
    introductions: bool = False
    digest: OptionalText = None


def _items(key: str) -> BeforeValidator:
    def convert(value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, list):
            return [{key: item} if isinstance(item, str) else item for item in value]
        return value

    return BeforeValidator(convert)


def _text_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, list):
        return [item.strip() if isinstance(item, str) else item for item in value]
    return value


TextList = Annotated[list[Text], BeforeValidator(_text_list)]


class InitiativeRecord(BaseModel):
    """One initiative with everything Helix knows about it, in the import/export format."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: OptionalText = None
    name: Text
    issue: Text
    production_system: OptionalText = None
    region: OptionalText = None
    website: OptionalText = None
    initiative_form: OptionalText = None
    change_type: OptionalText = None
    stage: OptionalText = None
    leader: LeaderRecord | None = None
    goals: TextList = Field(default_factory=list)
    geo_levels: TextList = Field(default_factory=list)
    stakeholders: Annotated[list[StakeholderRecord], _items("name")] = Field(default_factory=list)
    partners: Annotated[list[PartnerRecord], _items("name")] = Field(default_factory=list)
    known_initiatives: TextList = Field(default_factory=list)
    ps_links: Annotated[list[PsLinkRecord], _items("actor")] = Field(default_factory=list)
    tasks: dict[str, TaskLevel] = Field(default_factory=dict)
    needs: Annotated[list[NeedRecord], _items("category")] = Field(default_factory=list)
    offers: Annotated[list[NeedRecord], _items("category")] = Field(default_factory=list)
    consent: ConsentRecord | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        """Spreadsheets turn ids into numbers; an id is a label, so keep it as text."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("leader", mode="before")
    @classmethod
    def _leader_by_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @field_validator("tasks", mode="before")
    @classmethod
    def _task_levels(cls, value: Any) -> Any:
        """`[names]` means those tasks are core; levels may also be 0/1/2. Names are checked.

        `task_visioning` (the interview's question name) is accepted for `visioning`.
        """
        if value is None:
            return {}
        if isinstance(value, list):
            if not all(isinstance(name, str) for name in value):
                raise ValueError('a task list holds task names, such as ["visioning"]')
            value = {name: "core" for name in value}
        if not isinstance(value, dict):
            return value
        levels: dict[str, Any] = {}
        for raw_name, level in value.items():
            name = str(raw_name).strip().lower().removeprefix("task_")  # question names too
            if name not in TASKS:
                raise ValueError(f"unknown task {raw_name!r}; tasks are: {', '.join(TASKS)}")
            if isinstance(level, int) and not isinstance(level, bool):
                level = _LEVEL_NUMBERS.get(level, level)
            levels[name] = level.strip().lower() if isinstance(level, str) else level
        return {name: levels[name] for name in TASKS if name in levels}

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A dotted host with a letter top-level domain, or any address with a scheme.

        `1.5` (a spreadsheet's number in the wrong column) would otherwise become `https://1.5`.
        A rule for what comes in, not for what is stored: rows read back (`STORED`) were
        accepted by the rules of their day, and one old value must not stop every export.
        """
        if value is None or _WEBSITE.match(value) or info.context == STORED:
            return value
        raise ValueError("not a website address (such as example.org or https://...)")

    @field_validator("extra", mode="before")
    @classmethod
    def _extra_mapping(cls, value: Any) -> Any:
        return {} if value is None else value

    def merged_extra(self) -> dict[str, Any]:
        """`extra` plus every unknown top-level field (those win: they are more explicit)."""
        return {**self.extra, **(self.model_extra or {})}

    def unknown_fields(self) -> list[str]:
        return list(self.model_extra or {})

    def to_json(self) -> dict[str, Any]:
        """The canonical output shape: known fields in order, empty values left out."""
        data = self.model_dump(mode="json", exclude={"extra"})
        for key in list(self.model_extra or {}):
            data.pop(key, None)
        out: dict[str, Any] = {}
        for key, value in data.items():
            cleaned = _drop_empty(value)
            if cleaned not in (None, [], {}):
                out[key] = cleaned
        extra = self.merged_extra()
        if extra:
            out["extra"] = extra
        return out


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


FIELD_NAMES: tuple[str, ...] = tuple(InitiativeRecord.model_fields)
"""Known top-level fields in canonical order (also the CSV/XLSX column order)."""


def describe_errors(error: ValidationError) -> str:
    """Pydantic's errors as one short sentence a spreadsheet owner can act on."""
    problems: list[str] = []
    for item in error.errors():
        where = _location(item.get("loc", ()))
        kind = item.get("type", "")
        if kind == "missing":
            problems.append(f"missing required field '{where}'")
        elif kind == "extra_forbidden":
            problems.append(f"unknown field '{where}'")
        elif kind in {"string_too_short", "too_short"}:
            problems.append(f"'{where}' must not be empty")
        else:
            message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
            given = item.get("input")
            shown = "" if isinstance(given, dict | list) else f" (got {given!r:.60})"
            problems.append(f"'{where}': {message}{shown}")
    return "; ".join(problems)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).startswith(("function-", "list[", "dict[", "str", "int")):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text or "record"


# --- flat (CSV / XLSX) cells --------------------------------------------------------------

_TEXT_LISTS = frozenset({"goals", "geo_levels", "known_initiatives"})
_OBJECT_LISTS = frozenset({"stakeholders", "partners", "ps_links", "needs", "offers"})
_OBJECTS = frozenset({"leader", "consent", "tasks", "extra"})


def to_cells(record: InitiativeRecord) -> dict[str, str | int]:
    """One spreadsheet row: scalars as they are, lists and objects as JSON (unambiguous)."""
    data = record.to_json()
    cells: dict[str, str | int] = {}
    for key in FIELD_NAMES:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, dict | list):
            cells[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            cells[key] = value
    return cells


def from_cells(cells: dict[str, str]) -> dict[str, Any]:
    """A spreadsheet row as record input. Empty cells are left out (they keep stored values).

    Lists may be JSON or `;`-separated text; `tasks` may also read `visioning=core; learning`;
    `leader` may be just a name; dotted columns (`leader.name`) build nested objects.
    """
    data: dict[str, Any] = {}
    for column, raw in cells.items():
        text = raw.strip()
        if not text:
            continue
        head, _, tail = column.partition(".")
        if tail:
            nested = data.setdefault(head, {})
            if isinstance(nested, dict):
                nested[tail] = text
            continue
        data[column] = _cell_value(column, text)
    return data


def _cell_value(column: str, text: str) -> Any:
    if text[0] in "[{":
        try:
            return parse_json(text)
        except CleaningError as exc:
            raise CellError(column, str(exc).removeprefix("record: ")) from None
        except json.JSONDecodeError as exc:
            if text[0] == "{" or column in _OBJECTS:
                raise CellError(column, f"not valid JSON ({exc.msg})") from None
    if column in _TEXT_LISTS or column in _OBJECT_LISTS:
        return _split(text)
    if column == "tasks":
        items = _split(text)
        if any("=" in item or ":" in item for item in items):
            return dict(_pair(item, default="core") for item in items)
        return items
    if column == "consent":
        return dict(_pair(item, default="yes") for item in _split(text))
    return text


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _pair(item: str, *, default: str) -> tuple[str, str]:
    for sep in ("=", ":"):
        if sep in item:
            key, _, value = item.partition(sep)
            return key.strip(), value.strip()
    return item, default


class CellError(ValueError):
    """A spreadsheet cell that cannot be read; the message names the column."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"column '{column}': {reason}")
