"""The terminal as a surface of its own: its own words (no buttons), every key in /help, typed
names in a list menu, a draft-safe /review, a closing screen after sending, and Ctrl-C."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from bot.services import Services
from bot.terminal import TerminalChat
from bot.terminal_keys import offer_for
from intake.engine.prompt import OfferView, Prompt
from intake.i18n import t
from tests.bot.test_cli import ENTRY
from tests.bot.test_terminal import Script, answer_everything, run_chat
from tests.bot.test_terminal import services as services

#: Words that only make sense with Telegram's buttons ("pulsa Intro", press Enter, is fine).
TELEGRAM_WORDS = re.compile(
    r"\b(buttons?|tap|tapping|untick|tick|botón|botones|pulsa listo|desmarca)\b"
)


def flat(text: str) -> str:
    """The output with the console's line wrapping undone."""
    return " ".join(text.split())


def then_quit(respond: Callable[[Prompt], str]) -> Callable[[Prompt], str]:
    """A patient user who, once the interview is sent, reads the closing screen and quits."""

    def step(prompt: Prompt) -> str:
        return "/quit" if prompt.kind == "submitted" else respond(prompt)

    return step


def typing_a_name_at_the_first_list(
    then: list[str], name: str = "Porto Food Bank"
) -> Callable[[Prompt], str]:
    """Answers everything until the first list menu, types a name there, then `then`."""
    plain = answer_everything(set())
    state = {"typed": False}

    def respond(prompt: Prompt) -> str:
        if state["typed"]:
            return then.pop(0) if then else "/quit"
        if prompt.kind == "repeat_menu":
            state["typed"] = True
            return name
        return plain(prompt)

    return respond


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_whole_interview_speaks_terminal_not_telegram(services: Services, lang: str) -> None:
    output = run_chat(services, Script([], then_quit(answer_everything(set()))), lang=lang)
    assert TELEGRAM_WORDS.findall(output.lower()) == []


def test_help_names_every_key_of_every_screen(services: Services) -> None:
    output = run_chat(services, Script(["/help", "/quit"]))
    helped = flat(output.split("/help", 1)[1])
    for key in ("a add", "e N", "r N", "d done", "s send", "c continue", "Enter"):
        assert key in helped, key


def test_a_name_typed_at_a_list_menu_starts_a_new_entry(services: Services) -> None:
    output = run_chat(services, Script([], typing_a_name_at_the_first_list([])))
    assert "I didn't understand that" not in output
    state = services.store.current("term:ana")
    assert state is not None
    assert state.pending["item"]["values"] == {"org_name": "Porto Food Bank"}


def test_several_names_typed_at_once_become_entries_asked_one_by_one(
    services: Services,
) -> None:
    """The engine splits "A; B; C" into entries; the terminal passes the line on as typed."""
    names = "Porto Food Bank; Câmara do Porto; Continente"
    output = run_chat(services, Script([], typing_a_name_at_the_first_list(["1"], names)))
    state = services.store.current("term:ana")
    assert state is not None
    entries = state.answers["organisations"]
    assert [entry["org_name"] for entry in entries] == names.split("; ")
    assert entries[0]["org_tie"] == "takes_part"  # "1" answered the first entry's link
    assert state.pending["item"]["index"] == 1  # then the next entry's missing link
    assert "3 entries added" in output


def test_offers_are_taken_by_number_or_by_a_word_of_their_name() -> None:
    offers = tuple(
        OfferView(value=gate, label=label, questions=3, minutes=2, text=f"{label}: 3 questions")
        for gate, label in (
            ("dd_strategy", "Strategy"),
            ("dd_orgs", "Organisation details"),
            ("dd_profile", "Profile, size and details"),
        )
    )
    taken = {line: offer_for(line, offers) for line in ("2", " 3 ", "strat", "ORGANISATION")}
    assert {line: o.value for line, o in taken.items() if o} == {
        "2": "dd_orgs",
        " 3 ": "dd_profile",
        "strat": "dd_strategy",
        "ORGANISATION": "dd_orgs",
    }
    for unclear in ("details", "0", "4", "de", "", "x"):  # two titles, no such number, too short
        assert offer_for(unclear, offers) is None, unclear


def test_the_progress_line_in_spanish(services: Services) -> None:
    output = run_chat(services, Script(["/quit"]), lang="es")
    assert "Sección 1 de 6 · quedan 2 preguntas · Tú y tu iniciativa" in output


def test_a_name_starting_with_a_menu_key_is_a_name_not_the_key(services: Services) -> None:
    """ "A tenants' association" is not `a` (add) followed by words that would be lost."""
    run_chat(services, Script([], typing_a_name_at_the_first_list([], "A tenants' association")))
    state = services.store.current("term:ana")
    assert state is not None
    assert state.pending["item"]["values"] == {"org_name": "A tenants' association"}


def test_review_mid_entry_keeps_it_and_c_continues_it(services: Services) -> None:
    then = ["/review", "c", "/review", "s"]
    output = run_chat(services, Script([], typing_a_name_at_the_first_list(then)))
    review = flat(output)
    assert "Your unfinished entry “Porto Food Bank” is kept" in review
    assert "c continue" in review
    assert "“Porto Food Bank” is half entered" in review  # "s" asked to finish it first
    state = services.store.current("term:ana")
    assert state is not None
    assert state.status != "submitted"
    assert state.pending["item"]["values"] == {"org_name": "Porto Food Bank"}


def test_after_sending_a_closing_screen_says_what_happens_next(services: Services) -> None:
    output = run_chat(services, Script([], then_quit(answer_everything(set()))))
    after = flat(output.split("version 1", 1)[1])
    assert t("chat.next.listed", "en") in after
    for command in ("/peers", "/review", "/mydata", "/deleteme", "/quit"):
        assert command in after, command
    assert "e N" not in after  # the review's keys belong to the review, not the closing screen
    assert after.endswith(t("chat.saved_bye", "en"))


def test_ctrl_c_at_a_question_says_goodbye_and_keeps_the_answers(services: Services) -> None:
    lines = iter(["", "Ana Ruiz"])

    def read(_: str) -> str:
        line = next(lines, None)
        if line is None:
            raise KeyboardInterrupt
        return line

    out = io.StringIO()
    chat = TerminalChat(
        services, user_key="term:ana", console=Console(file=out, width=120), read=read
    )
    chat.run()
    assert chat.interrupted
    assert out.getvalue().rstrip().endswith(t("chat.interrupted", "en"))
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["leader_name"] == "Ana Ruiz"


def test_ctrl_c_in_helix_chat_says_goodbye_and_exits_130(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELIX_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env |= {"HELIX_DATA_DIR": str(tmp_path), "HELIX_DEMO_DATA": "false"}
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "chat", "--user", "ana"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    seen = b""
    while b"> " not in seen:  # the first prompt: the chat now waits for a line
        chunk = os.read(process.stdout.fileno(), 4096)
        assert chunk, "helix chat ended before its first prompt"
        seen += chunk
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert t("chat.interrupted", "en") in flat((seen + out).decode())
    assert b"Traceback" not in err
