"""Values made safe to write: valid UTF-8 text and standard JSON, whatever is in the database.

Export is the last line of defence. The importer refuses lone surrogates and non-finite numbers
at the edge, but older imports, hand edits or a future path in may still have stored them, and
one such value must never stop an export after its first record or leave a file no spreadsheet
or JSON parser opens. So every exporter passes what it writes through here:

- a lone surrogate (`"\\ud800"`: half a UTF-16 pair, not a character; UTF-8 cannot encode it)
  becomes U+FFFD, the replacement character, so the rest of the text survives visibly damaged
  rather than the whole file being lost;
- a non-finite number (NaN, Infinity) becomes `null`: standard JSON has no spelling for it, and
  `null` ("no usable value") is what it meant; `json.dumps(allow_nan=False)` then guarantees no
  `NaN` token slips out.
"""

from __future__ import annotations

import json
import math
from typing import Any

from intake.text import REPLACEMENT, replace_surrogates

__all__ = ["REPLACEMENT", "clean", "clean_text", "dumps"]


def clean_text(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (unchanged, same object, if none)."""
    return replace_surrogates(text)


def clean(value: Any) -> Any:
    """`value` (JSON-like) with text cleaned and non-finite numbers as `None`, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {(clean_text(k) if isinstance(k, str) else k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value


def dumps(value: Any, **options: Any) -> str:
    """Standard JSON text of `value` after `clean` (never `NaN`, never a lone surrogate)."""
    return json.dumps(clean(value), ensure_ascii=False, allow_nan=False, **options)
