"""The packaged form (v2) end to end on Telegram: the Porto fridge leader through the emulator.

The leader walks exactly as the engine-level persona test does (tests/personas.py `walk`:
every choice a tap, a multi-select its taps plus Done, the organisations typed in one message),
but every input here is a real update sent to the running bot: a button on the live keyboard
or a text message. So the core's input budget, the typed names at the list menu, the offers on
the sent screen and the projection into the domain tables are all checked through Telegram.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.telegram import callbacks
from intake.engine import Choose, Done, Event, RepeatAdd, Skip, Submit, Text, Toggle
from intake.engine.prompt import Prompt
from intake.engine.state import InterviewState
from intake.i18n import t
from tests.bot.porto import (
    CORE_BUDGET,
    PORTO_ALL,
    PORTO_ORGS,
    PORTO_TABLES,
    initiative_revision,
    organisations_in_tables,
)
from tests.bot.telegram.harness import (
    BotHarness,
    bot_harness,
    live_keyboard,
    loopback_env,
    stored_state,
)
from tests.bot.telegram.outreach import send_forged, toasts
from tests.intake.engine.dive_walks import TO_SENT
from tests.intake.forms import DIVES_FORM
from tests.personas import Walk, walk
from tests.telegram_emulator import SimulatedUser

SIMPLE = {Done: callbacks.DONE, Skip: callbacks.SKIP, RepeatAdd: callbacks.ADD}


@pytest.fixture
async def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotHarness]:
    """The bot on the packaged form (`form_path=None`), no knowledge base needed."""
    loopback_env(monkeypatch)
    async with bot_harness(tmp_path, knowledge=False, form_path=None) as running:
        yield running


def button_data(prompt: Prompt, event: Event) -> str:
    """The callback data of the live button that stands for `event` on `prompt`."""
    screen = callbacks.fingerprint(prompt)
    if isinstance(event, Choose) and prompt.kind == "submitted":
        index = [offer.value for offer in prompt.offers].index(event.value)
        return callbacks.encode(callbacks.OFFER, screen, index)
    if isinstance(event, Choose | Toggle):
        op = callbacks.ANSWER if isinstance(event, Choose) else callbacks.TOGGLE
        index = [choice.value for choice in prompt.choices].index(event.value)
        return callbacks.encode(op, screen, index)
    if isinstance(event, Submit):
        return callbacks.encode(callbacks.SUBMIT, screen)
    return callbacks.encode(SIMPLE[type(event)], screen)


@dataclass
class Phone:
    """The leader's phone: turns the persona's inputs into updates and counts them."""

    harness: BotHarness
    user: SimulatedUser
    sent: int = 0
    seen: list[str] = field(default_factory=list)  # each screen as shown, with its buttons

    async def send(self, event: Event) -> tuple[InterviewState, Prompt]:
        prompt = self.harness.prompt(self.user)
        if isinstance(event, Text):
            await self.harness.say(self.user, event.text)
        else:
            data = button_data(prompt, event)
            assert data in {b["callback_data"] for b in live_keyboard(self.user).buttons}, data
            await self.harness.press(self.user, data)
        self.sent += 1
        live = live_keyboard(self.user)
        shown = live.text or ""
        self.seen.append("\n".join([shown, *live.button_texts]))
        after = self.harness.prompt(self.user)
        if "⚠️" in shown.split("\n\n", 1)[0]:  # a refusal is said above the screen
            after = after.model_copy(update={"error": shown})
        return stored_state(self.harness, self.user), after

    async def walk(self, prompt: Prompt) -> Walk:
        """The persona's walk from `prompt` to the next Send, every input sent from this phone."""
        loop = asyncio.get_running_loop()

        def apply(event: Event) -> tuple[InterviewState, Prompt]:
            return asyncio.run_coroutine_threadsafe(self.send(event), loop).result(timeout=60)

        return await asyncio.to_thread(walk, apply, prompt, PORTO_ALL, dives=False)


async def test_the_porto_leader_sends_the_core_then_takes_a_dive(packaged: BotHarness) -> None:
    user = packaged.user(7001, first_name="Inês")
    phone = Phone(packaged, user)
    await packaged.command(user, "start")
    core = await phone.walk(packaged.prompt(user))
    assert core.core <= CORE_BUDGET, core.screens  # every update after /start, up to the Send
    assert phone.sent == core.core
    sent = packaged.prompt(user)
    assert [offer.value for offer in sent.offers] == [
        "dd_strategy",
        "dd_orgs",
        "dd_system",
        "dd_profile",
    ]
    _, first = await phone.send(Choose(value="dd_orgs"))  # a tap on the sent screen
    dive = await phone.walk(first)
    assert dive.core == 11 + 1  # each organisation's details, then Send
    shown = "\n".join(phone.seen)
    assert "Section 1 of 6 · 1 question left · You and your initiative" in shown
    assert "Section 4 of 6 · 1 question left · Who is involved" in shown  # the typed names
    assert "Have a few more minutes?" in shown  # the offers on the sent screen
    assert "Strategy: 5 questions, about 3 minutes" in shown  # as a button
    assert "Section 7 of 7" in shown  # the dive taken counts as a section of its own
    state = stored_state(packaged, user)
    assert state.status == "submitted"
    assert [entry["org_name"] for entry in state.answers["organisations"]] == list(PORTO_ORGS)
    assert packaged.services is not None
    assert organisations_in_tables(packaged.services.engine) == PORTO_TABLES
    assert initiative_revision(packaged.services.engine) == 2  # the core, then the dive
    left = [offer.value for offer in packaged.prompt(user).offers]
    assert left == ["dd_strategy", "dd_system", "dd_profile"]
    packaged.emulator.assert_no_rejections()


async def test_an_offer_button_with_forged_data_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback_env(monkeypatch)
    async with bot_harness(tmp_path, knowledge=False, form_path=DIVES_FORM) as harness:
        user = harness.user(7002)
        phone = Phone(harness, user)
        await harness.command(user, "start")
        for event in TO_SENT:
            await phone.send(event)
        sent = harness.prompt(user)
        assert sent.kind == "submitted"
        assert len(sent.offers) == 3
        offers = [b for b in live_keyboard(user).buttons if b["callback_data"].startswith("o:")]
        assert [b["text"] for b in offers] == [offer.text for offer in sent.offers]
        screen = callbacks.fingerprint(sent)
        for data in (
            callbacks.encode(callbacks.OFFER, screen, 9),  # no such offer on this screen
            callbacks.encode(callbacks.OFFER, "0badf00d", 0),  # drawn for another screen
            f"o:{screen}:x",  # not an index
            f"o:{screen}",  # no index at all
        ):
            await send_forged(harness, user, data)
        assert toasts(user).count(t("bot.stale", "en")) == 4
        state = stored_state(harness, user)
        assert state.status == "submitted"
        assert not any(state.answers.get(offer.value) == "yes" for offer in sent.offers)
        await harness.press(user, offers[0]["callback_data"])  # the real one still works
        assert harness.prompt(user).kind == "question"
        assert stored_state(harness, user).answers[sent.offers[0].value] == "yes"
