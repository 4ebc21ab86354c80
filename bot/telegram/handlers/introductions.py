"""The buttons under a digest and the answers to introduction requests.

`dg:i<id>` "Introduce me", `dg:n<id>` "Not relevant", `dg:p` "Pause digests";
`in:y<id>` / `in:n<id>` accept or decline a request. Every rule lives in `analysis.introductions`
and is checked against the database for the person who pressed; here a refusal becomes a short
toast (a forged or stale payload never raises). Messages to the *other* person go straight
through the bot: they are not part of that person's screen, so no lock of theirs is needed.

Outcomes the asker has not heard yet are told by a JobQueue job (`start_expiry`) that also
closes requests left unanswered for 14 days: its clock is a parameter (`tell_outcomes`), so a
test can move two weeks ahead without waiting. A failed send leaves the outcome for the next
tick; a blocked asker is marked inactive and not told again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler

from analysis import introductions
from analysis.introductions import Outcome, Party
from bot.digests import schedule
from bot.services import Services
from bot.telegram import callbacks, screens
from bot.telegram.context import HelixApp, HelixContext
from bot.telegram.render import esc
from bot.telegram.turns import Turn, off_loop, user_turn
from intake.i18n import t

log = logging.getLogger(__name__)

EXPIRY_EVERY = timedelta(hours=1)
EXPIRY_JOB = "introductions-expiry"


def mention(party: Party) -> str:
    """`<a href="tg://user?id=…">Name</a>`: a link to the person that needs no username."""
    return f'<a href="tg://user?id={party.telegram_id}">{esc(party.name)}</a>'


def html_t(key: str, lang: str, **fields: str) -> str:
    """A catalog text escaped for HTML, then filled with fields that are HTML already."""
    return esc(t(key, lang)).format(**fields)


async def _send(bot: Bot, services: Services, party: Party, text: str, **kwargs: Any) -> str:
    """Send to someone other than the presser: "sent", "gone" (never reachable: no chat, or
    they blocked the bot, now marked inactive) or "later" (worth another try)."""
    if party.telegram_id is None:
        return "gone"
    try:
        await bot.send_message(party.telegram_id, text, **kwargs)
    except Forbidden:
        await off_loop(services.store.mark_inactive, f"tg:{party.telegram_id}")
        return "gone"
    except TelegramError as exc:
        log.warning("could not reach leader %s: %s", party.leader_id, exc)
        return "later"
    return "sent"


async def _toast(turn: Turn, key: str) -> None:
    if turn.query is not None:
        await screens.quietly(turn.query.answer(t(key, turn.lang)))


def request_html(asked: introductions.Asked) -> str:
    assert asked.asker is not None
    assert asked.target is not None
    lang = asked.target.language
    reasons = "\n".join(f"• {esc(line)}" for line in asked.reason.splitlines())
    return "\n\n".join(
        [
            html_t(
                "outreach.intro.request",
                lang,
                asker=f"<b>{esc(asked.asker.name)}</b>",
                initiative=esc(asked.asker.initiative),
            ),
            f"{esc(t('outreach.intro.why', lang))}\n{reasons}",
            esc(t("outreach.intro.terms", lang)),
        ]
    )


def answer_markup(request_id: int, lang: str) -> InlineKeyboardMarkup:
    def button(key: str, code: str) -> InlineKeyboardButton:
        data = callbacks.encode(callbacks.INTRO, f"{code}{request_id}")
        return InlineKeyboardButton(t(key, lang), callback_data=data)

    return InlineKeyboardMarkup(
        [
            [
                button("outreach.button.accept", callbacks.INTRO_ACCEPT),
                button("outreach.button.decline", callbacks.INTRO_DECLINE),
            ]
        ]
    )


async def _introduce(turn: Turn, initiative_id: int) -> None:
    now = datetime.now(UTC)
    asked = await off_loop(introductions.ask, turn.services.engine, turn.key, initiative_id, now)
    if asked.outcome != "sent" or asked.target is None or asked.request_id is None:
        await _toast(turn, f"outreach.intro.{asked.outcome}")
        return
    markup = answer_markup(asked.request_id, asked.target.language)
    sent = await _send(
        turn.context.bot, turn.services, asked.target, request_html(asked), reply_markup=markup
    )
    if sent != "sent":
        log.info("introduction request %s waits: the target was not reachable", asked.request_id)
    await _toast(turn, "outreach.intro.sent_toast")
    await turn.send_html(
        html_t("outreach.intro.sent", turn.lang, initiative=esc(asked.target.initiative))
    )


async def _pause(turn: Turn) -> None:
    leader_id = await off_loop(introductions.pause, turn.services.engine, turn.key)
    if leader_id is None:
        await _toast(turn, "outreach.no_leader")
        return
    await schedule.sync(turn.context.application, [leader_id])
    await _toast(turn, "outreach.pause.toast")
    await turn.say(t("outreach.pause.done", turn.lang))


@user_turn
async def on_digest_button(turn: Turn) -> None:
    """Introduce me / Not relevant / Pause, under a digest (or a preview)."""
    press = callbacks.decode(turn.query.data if turn.query else None)
    choice = callbacks.numbered(press.arg, "inp") if press is not None else None
    if choice is None:
        await _toast(turn, "outreach.stale")
        return
    action, number = choice
    if action == callbacks.DIGEST_PAUSE and number is None:
        await _pause(turn)
    elif action == callbacks.DIGEST_INTRODUCE and number is not None:
        await _introduce(turn, number)
    elif action == callbacks.DIGEST_NOT_RELEVANT and number is not None:
        counted = await off_loop(
            introductions.not_relevant, turn.services.engine, turn.key, number
        )
        await _toast(turn, "outreach.not_relevant.toast" if counted else "outreach.stale")
    else:
        await _toast(turn, "outreach.stale")


async def _accepted(turn: Turn, outcome: Outcome) -> None:
    """Both learn the other's name and a link; the asker is told once (marked told)."""
    asker, target = outcome.asker, outcome.target
    if asker is None or target is None:
        return
    await turn.send_html(
        html_t(
            "outreach.intro.accepted_target",
            target.language,
            mention=mention(asker),
            initiative=esc(asker.initiative),
        )
    )
    if await _tell(turn.context.bot, turn.services, outcome):
        await off_loop(
            introductions.told, turn.services.engine, outcome.request_id, datetime.now(UTC)
        )


@user_turn
async def on_intro_answer(turn: Turn) -> None:
    """The target accepts or declines a request (only theirs, only while open)."""
    query = turn.query
    press = callbacks.decode(query.data if query else None)
    choice = callbacks.numbered(press.arg, "yn") if press is not None else None
    if query is None or choice is None or choice[1] is None:
        await _toast(turn, "outreach.stale")
        return
    action, request_id = choice
    accept = action == callbacks.INTRO_ACCEPT
    outcome = await off_loop(
        introductions.answer, turn.services.engine, turn.key, request_id, accept, datetime.now(UTC)
    )
    if outcome.status == "stale":
        await _toast(turn, "outreach.intro.answer_stale")
        return
    await screens.quietly(query.answer())
    if isinstance(query.message, Message):
        await screens.quietly(query.message.edit_reply_markup(reply_markup=None))
    if outcome.status == "accepted":
        await _accepted(turn, outcome)
    else:
        await turn.say(t("outreach.intro.declined_target", turn.lang))


async def _tell(bot: Bot, services: Services, outcome: Outcome) -> bool:
    """Tell the asker how it went: a mention link if accepted, else the same kind words.

    True when this outcome is settled (told, or the asker can never be told)."""
    asker, target = outcome.asker, outcome.target
    if asker is None:
        return True  # the asker erased their data: nobody to tell
    if outcome.status == "accepted" and target is not None:
        text = html_t(
            "outreach.intro.accepted_asker",
            asker.language,
            mention=mention(target),
            initiative=esc(target.initiative),
        )
    else:
        name = esc(target.initiative) if target is not None else "…"
        text = html_t("outreach.intro.not_this_time", asker.language, initiative=name)
    return await _send(bot, services, asker, text) != "later"


async def tell_outcomes(bot: Bot, services: Services, now: datetime) -> int:
    """Expire old requests, tell every asker who is owed an answer; returns how many were told."""
    owed = await off_loop(introductions.due_to_tell, services.engine, now)
    count = 0
    for outcome in owed:
        if await _tell(bot, services, outcome):
            await off_loop(introductions.told, services.engine, outcome.request_id, now)
            count += 1
    return count


async def expiry_tick(context: HelixContext) -> None:
    told = await tell_outcomes(context.bot, context.services, datetime.now(UTC))
    if told:
        log.info("told %d askers how their introduction went", told)


def start_expiry(app: HelixApp) -> None:
    """`post_init`: the hourly job that closes old requests and tells the askers."""
    if app.job_queue is not None:
        app.job_queue.run_repeating(expiry_tick, EXPIRY_EVERY, first=60, name=EXPIRY_JOB)


def register(app: HelixApp) -> None:
    """Digest buttons and introduction answers (work in any chat the message is in)."""
    app.add_handler(
        CallbackQueryHandler(on_digest_button, pattern=callbacks.pattern(callbacks.DIGEST))
    )
    app.add_handler(
        CallbackQueryHandler(on_intro_answer, pattern=callbacks.pattern(callbacks.INTRO))
    )
