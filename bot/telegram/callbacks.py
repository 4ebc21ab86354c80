"""The callback-data scheme of every inline button, and how a press becomes an engine event.

Interview buttons carry `op:fingerprint[:index]`. The fingerprint is a short hash of the screen
the button was drawn for (kind, path, choice names, items, review lines), so a press can be
checked against the screen the user is on *now*: an old button from a question already answered,
or from before a restart, is recognised and answered as stale instead of being applied to the
wrong question. Arguments are indexes into that same screen (choices, items, review lines,
terms), never raw user text, so every payload is a few bytes, far below Telegram's 64-byte cap.
Terms count in the fingerprint by their language-free keys, so a language switch keeps them.

Buttons that do not belong to an interview screen (welcome-back menu, language, delete
confirmation, /digest settings) use fixed payloads: `w:c`, `l:es`, `del:yes`, `ds:h18`.
Digest and introduction buttons must work weeks later and after restarts, so they carry
database ids (`dg:i12` introduce me to initiative 12, `dg:n12` not relevant, `dg:p` pause,
`in:y7` / `in:n7` accept or decline request 7); their handlers check every id against the
database and the user who pressed, so a forged payload can only ever act on the presser's own
rows. Every payload is built by `encode` and every handler pattern by `pattern`, both here, so
no other module spells callback data (`bot/digests/markup.py` builds digest payloads through
`encode`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from intake.engine import (
    Back,
    Choose,
    Done,
    Edit,
    Event,
    Prompt,
    RepeatAdd,
    RepeatEdit,
    RepeatRemove,
    Skip,
    Submit,
    Toggle,
)

MAX_CALLBACK_BYTES = 64

# Interview screen operations (fingerprinted).
ANSWER = "a"  # pick choice i (select_one, likert)
TOGGLE = "t"  # flip choice i (select_multiple)
DONE = "d"  # confirm ticks, keep the earlier answer, continue after a note, finish a list
BACK = "b"
SKIP = "s"
EXPLAIN = "x"  # explain term i, then show the same question again
MEANINGS = "m"  # say what each option on the screen means, then show the question again
ADD = "ra"
EDIT_ITEM = "re"
REMOVE_ITEM = "rr"
EDIT_LINE = "e"  # review line i
SUBMIT = "S"
OFFER = "o"  # take deep dive i offered on the sent screen
SCREEN_OPS = frozenset(
    {ANSWER, TOGGLE, DONE, BACK, SKIP, EXPLAIN, ADD, EDIT_ITEM, REMOVE_ITEM, EDIT_LINE, SUBMIT}
    | {OFFER, MEANINGS}
)
#: Screen buttons that explain rather than answer: no engine event stands behind them.
KNOWLEDGE_OPS = frozenset({EXPLAIN, MEANINGS})
INDEXED_OPS = frozenset({ANSWER, TOGGLE, EXPLAIN, EDIT_ITEM, REMOVE_ITEM, EDIT_LINE, OFFER})

# Fixed menus.
RESUME = "w"  # w:c continue, w:r review, w:n start over
RESUME_CONTINUE, RESUME_REVIEW, RESUME_START_OVER = "c", "r", "n"
LANGUAGE = "l"  # l:<code>
DELETE = "del"  # del:yes / del:no
DELETE_YES, DELETE_NO = "yes", "no"
DIGEST = "dg"  # dg:i<initiative id> introduce me, dg:n<initiative id> not relevant, dg:p pause
DIGEST_INTRODUCE, DIGEST_NOT_RELEVANT, DIGEST_PAUSE = "i", "n", "p"
INTRO = "in"  # in:y<request id> accept, in:n<request id> decline
INTRO_ACCEPT, INTRO_DECLINE = "y", "n"
SETTINGS = "ds"  # /digest settings: ds:w, ds:d3, ds:h14, ds:qs ... (see `settings_choice`)
SET_WEEKLY, SET_MONTHLY, SET_OFF = "w", "m", "o"
SET_DAY, SET_HOUR = "d", "h"  # bare: open the picker; with a number: choose it
SET_QUIET_NOTE, SET_QUIET_SKIP = "qn", "qs"
SET_ZONE, SET_PREVIEW = "z", "v"
_SETTING_ACTIONS = frozenset(
    {SET_WEEKLY, SET_MONTHLY, SET_OFF, SET_DAY, SET_HOUR, SET_QUIET_NOTE, SET_QUIET_SKIP}
    | {SET_ZONE, SET_PREVIEW}
)
_NUMBERED = frozenset({SET_DAY, SET_HOUR})
FIXED_OPS = frozenset({RESUME, LANGUAGE, DELETE, DIGEST, INTRO, SETTINGS})


@dataclass(frozen=True)
class Press:
    """A decoded button press."""

    op: str
    fingerprint: str = ""
    index: int | None = None
    arg: str = ""


def fingerprint(prompt: Prompt) -> str:
    """8 hex digits identifying a screen by what its buttons refer to, not by its wording.

    Ticks, notices and errors are left out so that toggling or a refusal keeps buttons valid;
    choice names, item labels, review lines and the deep dives offered are in, so a changed
    list invalidates them (a dive taken since is no longer on offer).
    """
    parts = [prompt.kind, prompt.path or "", prompt.question_type or ""]
    parts += [c.value for c in prompt.choices]
    parts += [f"offer={o.value}" for o in prompt.offers]
    parts += [f"{i.index}={i.label}" for i in prompt.items]
    parts += [f"{r.path}={r.value}" for r in prompt.review]
    parts += [term.key for term in prompt.terms]  # keys, so a language switch keeps them
    digest = hashlib.blake2s("\x1f".join(parts).encode("utf-8"), digest_size=4)
    return digest.hexdigest()


def encode(op: str, screen: str = "", index: int | None = None) -> str:
    """`op:screen[:index]` for screen buttons; `op:arg` for fixed menus (screen = the arg)."""
    data = f"{op}:{screen}" if index is None else f"{op}:{screen}:{index}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def pattern(*ops: str) -> str:
    """The CallbackQueryHandler pattern that matches presses of exactly these operations."""
    return "^(" + "|".join(re.escape(op) for op in sorted(ops)) + "):"


def decode(data: str | None) -> Press | None:
    """The press, or None for anything malformed (a forged or foreign payload is harmless)."""
    if not data or len(data) > MAX_CALLBACK_BYTES:
        return None
    op, _, rest = data.partition(":")
    if op in FIXED_OPS:
        return Press(op=op, arg=rest) if rest and rest.isascii() and rest.isalnum() else None
    if op not in SCREEN_OPS:
        return None
    screen, _, raw_index = rest.partition(":")
    if len(screen) != 8 or not all(ch in "0123456789abcdef" for ch in screen):
        return None
    if op in INDEXED_OPS:
        if not (raw_index.isascii() and raw_index.isdigit()) or len(raw_index) > 4:
            return None
        return Press(op=op, fingerprint=screen, index=int(raw_index))
    return None if raw_index else Press(op=op, fingerprint=screen)


def numbered(arg: str, actions: str) -> tuple[str, int | None] | None:
    """`i12` -> ("i", 12), `p` -> ("p", None) for a fixed menu whose arg is a letter of
    `actions` plus an optional id; None for anything else (a forged or foreign payload)."""
    action, number = arg[:1], arg[1:]
    if not action or action not in actions:
        return None
    if not number:
        return action, None
    if not (number.isascii() and number.isdigit()) or len(number) > 12:
        return None
    return action, int(number)


def settings_choice(press: Press | None) -> tuple[str, int | None] | None:
    """A /digest settings button as (action, number): ("d", 3), ("h", None), ("w", None)."""
    if press is None or press.op != SETTINGS:
        return None
    for action in sorted(_SETTING_ACTIONS, key=len, reverse=True):
        if press.arg.startswith(action):
            rest = press.arg[len(action) :]
            if not rest:
                return action, None
            if action in _NUMBERED and rest.isascii() and rest.isdigit() and len(rest) <= 2:
                return action, int(rest)
            return None
    return None


def event_for(press: Press, prompt: Prompt) -> Event | None:
    """The engine event a screen button stands for on `prompt`; None if the index is invalid."""
    index = press.index if press.index is not None else -1
    simple: dict[str, Event] = {
        DONE: Done(),
        BACK: Back(),
        SKIP: Skip(),
        ADD: RepeatAdd(),
        SUBMIT: Submit(),
    }
    if press.op in simple:
        return simple[press.op]
    if press.op in (ANSWER, TOGGLE) and 0 <= index < len(prompt.choices):
        value = prompt.choices[index].value
        return Choose(value=value) if press.op == ANSWER else Toggle(value=value)
    if press.op in (EDIT_ITEM, REMOVE_ITEM) and any(i.index == index for i in prompt.items):
        return RepeatEdit(index=index) if press.op == EDIT_ITEM else RepeatRemove(index=index)
    if press.op == EDIT_LINE and 0 <= index < len(prompt.review):
        return Edit(path=prompt.review[index].path)
    if press.op == OFFER and 0 <= index < len(prompt.offers):
        return Choose(value=prompt.offers[index].value)
    return None
