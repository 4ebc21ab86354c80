"""Typed answers: which events a text message becomes, and what is remembered about it.

Long answers: Telegram apps cut a pasted text longer than 4096 characters into several messages
sent within a second or two. Each part is handled as it arrives (so nothing waits in memory),
and a part that follows a near-limit part of a long_text answer within `JOIN_WINDOW` seconds is
joined to it instead of being taken on its own:

- the first part was accepted and the user moved on: `Edit(path)` + `Text(first + rest)`, so the
  stored answer becomes the whole text and the user is back where they were;
- the first part was refused (too long for the question): `Text(first + rest)` on the same
  question, so the tail alone is never accepted as if it were the answer, and the refusal names
  the real length of what was pasted.

The window is measured with Telegram's message dates, never the local clock. Edited messages use
the same memory: an edit of a remembered answer becomes `Edit(path)` + `Text(new text)`.
"""

from __future__ import annotations

import re

from telegram import Message

from bot.telegram.context import HelixContext, TypedAnswer, UserMemory
from bot.telegram.split import utf16_len
from bot.telegram.turns import load
from intake.engine import Edit, Event, InterviewState, Prompt, Text

JOIN_WINDOW = 5  # seconds between the parts of one pasted text
SPLIT_HINT = 3000  # a part this long (UTF-16 units) was probably cut by the Telegram app
_ITEM_PATH = re.compile(r"([a-z][a-z0-9_]*)\[(\d+)\]\.([a-z][a-z0-9_]*)")


def answer_at(state: InterviewState, path: str) -> object:
    """The stored answer at a path (`goals`, `stakeholders[0].st_note`), or None."""
    match = _ITEM_PATH.fullmatch(path)
    if match is None:
        return state.answers.get(path)
    items = state.answers.get(match[1])
    index = int(match[2])
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        return items[index].get(match[3])
    return None


async def state_if_joining(
    context: HelixContext, key: str, memory: UserMemory, message: Message
) -> InterviewState | None:
    """The stored interview, read only when this message may continue an accepted long answer."""
    last = _continued(memory, message)
    if last is None or not last.accepted:
        return None
    state, _ = await load(context, key)
    return state


def _continued(memory: UserMemory, message: Message) -> TypedAnswer | None:
    """The near-limit long_text part this message follows closely, if any."""
    last = memory.typed[-1] if memory.typed else None
    if last is None or not last.long or last.length < SPLIT_HINT:
        return None
    return last if message.date.timestamp() - last.timestamp <= JOIN_WINDOW else None


def events_for(
    memory: UserMemory, prompt: Prompt, state: InterviewState | None, message: Message
) -> tuple[tuple[Event, ...], str | None]:
    """The events for a typed message, and the path of the long answer it joins (if any)."""
    text = message.text or ""
    last = _continued(memory, message)
    if last is not None and not last.accepted and last.path == prompt.path:
        return (Text(text=f"{last.fragment}\n{text}"),), last.path
    if last is not None and last.accepted and last.path != prompt.path and state is not None:
        stored = answer_at(state, last.path)
        if isinstance(stored, str):
            return (Edit(path=last.path), Text(text=f"{stored}\n{text}")), last.path
    if prompt.kind == "review" and text.strip().isdecimal():
        number = int(text.strip())
        if 1 <= number <= len(prompt.review):
            return (Edit(path=prompt.review[number - 1].path),), None
    return (Text(text=text),), None


def remember(
    memory: UserMemory,
    prompt: Prompt,
    message: Message,
    events: tuple[Event, ...],
    joined: str | None,
    accepted: bool,
) -> None:
    """Note which question a typed message answered, for later edits and long-text joins."""
    path = joined or (prompt.path if prompt.kind == "question" else None)
    if path is None or not isinstance(events[-1], Text):
        return
    long = joined is not None or prompt.question_type == "long_text"
    size = utf16_len(message.text or "")
    fragment = events[-1].text if long and size >= SPLIT_HINT else ""
    memory.typed.append(
        TypedAnswer(
            message.message_id,
            path,
            message.date.timestamp(),
            size,
            long=long,
            accepted=accepted,
            fragment=fragment,
        )
    )


def edit_events(record: TypedAnswer, prompt: Prompt, text: str) -> tuple[Event, ...]:
    """An edited answer: answer again in place, or re-open its question first."""
    if prompt.path == record.path:
        return (Text(text=text),)
    return (Edit(path=record.path), Text(text=text))
