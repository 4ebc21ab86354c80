"""Turn an engine `Prompt` into Telegram HTML and an inline keyboard.

Every piece of text that comes from a user or a form passes through `html.escape`, so answers
like `<b>&*_[` arrive as typed and can never break a message. Buttons follow the screen:
choices as buttons (ticks for multi-select, 1-5 for likert), the repeat menu's Add / Edit /
Remove / Done, the review's Edit buttons and Submit, and Back / Skip where the engine allows them,
then an Explain button per term and "What the options mean" where the options carry meanings.
Button payloads come from `bot.telegram.callbacks`, which ties each one to this screen.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.explain import meanings
from bot.progress import progress_line
from bot.telegram import callbacks
from intake.engine import Prompt
from intake.form import BUTTON_LABEL_MAX
from intake.i18n import t

#: Telegram lays out at most 8 buttons per row and (undocumented) about 100 per message.
MAX_BUTTONS = 96
MAX_ROW = 8
#: More choices than this are listed as numbered text (the engine accepts a typed number).
MAX_CHOICE_BUTTONS = 40
SHORT_LABEL = 14
VALUE_PREVIEW = 200
Row = list[InlineKeyboardButton]


@dataclass(frozen=True)
class Rendered:
    """One screen: HTML text (may need splitting) and the keyboard for its last part."""

    text: str
    markup: InlineKeyboardMarkup | None


def esc(text: str) -> str:
    """Escape user or form text for Telegram HTML."""
    return html.escape(text, quote=False)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        clip(label.replace("\n", " "), BUTTON_LABEL_MAX) or "·", callback_data=data
    )


def render_prompt(prompt: Prompt, lang: str) -> Rendered:
    """The full screen for `prompt` in `lang` (the language of the system texts on buttons)."""
    return Rendered(text=prompt_text(prompt, lang), markup=prompt_markup(prompt, lang))


def prompt_text(prompt: Prompt, lang: str) -> str:
    lines: list[str] = []
    if prompt.notice:
        lines.append(f"<i>{esc(prompt.notice)}</i>")
    if prompt.error:
        lines.append(f"⚠️ {esc(prompt.error)}")
    progress = progress_line(prompt, lang)
    if progress:
        lines.append(f"<i>{esc(progress)}</i>")
    head = "\n".join(lines)
    body = [f"<b>{esc(prompt.text)}</b>"]
    if prompt.hint:
        body.append(f"<i>{esc(prompt.hint)}</i>")
    if prompt.current_value:
        value = clip(prompt.current_value, VALUE_PREVIEW)
        body.append(esc(t("bot.current_value", lang, value=value)))
    if len(prompt.choices) > MAX_CHOICE_BUTTONS:
        body.extend(f"{n}. {esc(c.label)}" for n, c in enumerate(prompt.choices, start=1))
    body.extend(f"{i.index + 1}. {esc(i.label)}" for i in prompt.items)
    body.extend(
        f"{'    ' if r.level > 1 else ''}{n}. <b>{esc(r.label)}</b>: {esc(r.value)}"
        for n, r in enumerate(prompt.review, start=1)
    )
    if prompt.kind == "question" and not prompt.choices and prompt.question_type != "note":
        body.append(f"<i>{esc(t('bot.type_answer', lang))}</i>")
    if prompt.offers:  # the buttons under this text take them
        body.append(f"\n{esc(t('bot.offers', lang))}")
    text = "\n".join(body)
    return f"{head}\n\n{text}" if head else text


def prompt_markup(prompt: Prompt, lang: str) -> InlineKeyboardMarkup | None:
    screen = callbacks.fingerprint(prompt)
    if prompt.kind == "question":
        rows = _question_rows(prompt, lang, screen)
    elif prompt.kind == "repeat_menu":
        rows = _menu_rows(prompt, lang, screen)
    elif prompt.kind in ("review", "submitted"):
        rows = _review_rows(prompt, lang, screen)
    else:  # cancelled: one way back in
        rows = [[_button(t("bot.button.continue", lang), callbacks.encode(callbacks.RESUME, "c"))]]
    rows = _cap(rows)
    return InlineKeyboardMarkup(rows) if rows else None


def _question_rows(prompt: Prompt, lang: str, screen: str) -> list[Row]:
    rows: list[Row] = []
    choices = prompt.choices if len(prompt.choices) <= MAX_CHOICE_BUTTONS else ()
    if prompt.question_type == "likert" and all(c.label == c.value for c in choices):
        rows.append(
            [
                _button(c.label, callbacks.encode(callbacks.ANSWER, screen, n))
                for n, c in enumerate(choices)
            ]
        )
    elif prompt.question_type == "likert":  # worded levels: one per row, number first
        rows.extend(
            [_button(f"{c.value} · {c.label}", callbacks.encode(callbacks.ANSWER, screen, n))]
            for n, c in enumerate(choices)
        )
    elif prompt.question_type == "select_multiple":
        for n, c in enumerate(choices):
            mark = "✅" if c.selected else "▫️"
            rows.append(
                [_button(f"{mark} {c.label}", callbacks.encode(callbacks.TOGGLE, screen, n))]
            )
        rows.append(
            [_button(t("bot.button.done", lang), callbacks.encode(callbacks.DONE, screen))]
        )
    elif choices:
        buttons = [
            _button(
                f"• {c.label}" if c.selected else c.label,
                callbacks.encode(callbacks.ANSWER, screen, n),
            )
            for n, c in enumerate(choices)
        ]
        width = 2 if all(len(c.label) <= SHORT_LABEL for c in choices) else 1
        rows.extend(buttons[i : i + width] for i in range(0, len(buttons), width))
    if prompt.question_type == "note":
        rows.append(
            [_button(t("bot.button.continue", lang), callbacks.encode(callbacks.DONE, screen))]
        )
    elif prompt.current_value and prompt.question_type != "select_multiple":
        rows.append(
            [_button(t("bot.button.keep", lang), callbacks.encode(callbacks.DONE, screen))]
        )
    rows.extend(_nav_rows(prompt, lang, screen))
    return rows


def _nav_rows(prompt: Prompt, lang: str, screen: str) -> list[Row]:
    nav: Row = []
    if prompt.can_back:
        nav.append(_button(t("bot.button.back", lang), callbacks.encode(callbacks.BACK, screen)))
    if prompt.can_skip:
        nav.append(_button(t("bot.button.skip", lang), callbacks.encode(callbacks.SKIP, screen)))
    rows = [nav] if nav else []
    # Every term gets its button (the form's questions carry three at most; `_cap` keeps the
    # whole keyboard within Telegram's limit should a form list many more).
    for n, term in enumerate(prompt.terms):
        label = t("bot.button.explain", lang, term=term.label)
        rows.append([_button(label, callbacks.encode(callbacks.EXPLAIN, screen, n))])
    if meanings(prompt):
        label = t("bot.button.meanings", lang)
        rows.append([_button(label, callbacks.encode(callbacks.MEANINGS, screen))])
    return rows


def _menu_rows(prompt: Prompt, lang: str, screen: str) -> list[Row]:
    rows: list[Row] = []
    for item in prompt.items:
        number = item.index + 1
        rows.append(
            [
                _button(
                    t("bot.button.edit_item", lang, number=number),
                    callbacks.encode(callbacks.EDIT_ITEM, screen, item.index),
                ),
                _button(
                    t("bot.button.remove_item", lang, number=number),
                    callbacks.encode(callbacks.REMOVE_ITEM, screen, item.index),
                ),
            ]
        )
    last: Row = []
    if prompt.can_add:
        label = t("bot.button.add_another" if prompt.items else "bot.button.add", lang)
        last.append(_button(label, callbacks.encode(callbacks.ADD, screen)))
    if prompt.can_finish:
        last.append(_button(t("bot.button.done", lang), callbacks.encode(callbacks.DONE, screen)))
    if last:
        rows.append(last)
    return rows + _nav_rows(prompt, lang, screen)


def _review_rows(prompt: Prompt, lang: str, screen: str) -> list[Row]:
    # After sending: the deep dives still open come first, one per row, each with its cost.
    rows: list[Row] = [
        [_button(offer.text, callbacks.encode(callbacks.OFFER, screen, n))]
        for n, offer in enumerate(prompt.offers)
    ]
    edits = [
        _button(
            t("bot.button.edit_line", lang, number=n + 1),
            callbacks.encode(callbacks.EDIT_LINE, screen, n),
        )
        for n in range(len(prompt.review))
    ][: MAX_BUTTONS - 8 - len(rows)]
    rows += [edits[i : i + 5] for i in range(0, len(edits), 5)]
    if prompt.kind == "review":
        last: Row = []
        if prompt.can_continue:  # back to a kept draft entry or the open questions
            last.append(
                _button(t("bot.button.continue", lang), callbacks.encode(callbacks.DONE, screen))
            )
        if prompt.can_back:
            last.append(
                _button(t("bot.button.back", lang), callbacks.encode(callbacks.BACK, screen))
            )
        last.append(
            _button(t("bot.button.submit", lang), callbacks.encode(callbacks.SUBMIT, screen))
        )
        rows.append(last)
    return rows


def _cap(rows: list[Row]) -> list[Row]:
    """Keep within Telegram's keyboard limits: rows of at most 8, at most ~100 buttons."""
    capped: list[Row] = []
    total = 0
    for row in rows:
        for start in range(0, len(row), MAX_ROW):
            chunk = row[start : start + MAX_ROW][: MAX_BUTTONS - total]
            if chunk:
                capped.append(chunk)
                total += len(chunk)
    return capped


def answered_text(prompt: Prompt, value: str) -> str:
    """What a question message turns into once answered: the question and the value given."""
    return f"<b>{esc(prompt.text)}</b>\n➡️ <i>{esc(clip(value, VALUE_PREVIEW))}</i>"


def chosen_value(prompt: Prompt, press: callbacks.Press, lang: str) -> str | None:
    """The human-readable value a press on `prompt` gave, for the answered message."""
    index = press.index if press.index is not None else -1
    if press.op == callbacks.ANSWER and 0 <= index < len(prompt.choices):
        return prompt.choices[index].label
    if press.op == callbacks.SKIP:
        return t("bot.skipped", lang)
    if press.op == callbacks.DONE and prompt.kind == "question":
        if prompt.question_type == "select_multiple":
            return ", ".join(c.label for c in prompt.choices if c.selected) or "—"
        if prompt.question_type == "note":
            return t("bot.seen", lang)
        return prompt.current_value
    return None
