"""The terminal chat, scripted: a full interview, resume across runs, commands and bad input.

Runs the real engine and the real store on a SQLite file; input is fed line by line and the
rendered output is read back as text, the way a person at a terminal would see it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from sqlmodel import Session, select

from analysis.demo import seed_if_empty as seed_demo_data
from bot.services import Services, open_services
from bot.settings import Settings
from bot.terminal import TerminalChat
from intake.engine.prompt import Prompt
from intake.storage.tables import Initiative, Submission
from knowledge.base import KnowledgeBase
from knowledge.config import KnowledgeConfig

KNOWLEDGE_FIXTURES = Path(__file__).resolve().parents[1] / "knowledge" / "fixtures" / "docs"


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings = Settings(_env_file=None, HELIX_DATA_DIR=tmp_path, HELIX_DEMO_DATA=False)  # type: ignore[call-arg]
    opened = open_services(settings)
    yield opened
    opened.close()


class Script:
    """Feeds lines to the chat: fixed ones first, then an optional responder per prompt."""

    def __init__(self, lines: list[str], responder: Callable[[Prompt], str] | None = None):
        self.lines = list(lines)
        self.responder = responder
        self.chat: TerminalChat | None = None
        self.reads = 0

    def __call__(self, _: str) -> str:
        self.reads += 1
        assert self.reads < 400, "the chat never finished"
        if self.lines:
            return self.lines.pop(0)
        if self.responder is None or self.chat is None or self.chat.prompt is None:
            raise EOFError
        return self.responder(self.chat.prompt)


def run_chat(
    services: Services, script: Script, *, user: str = "term:ana", lang: str = "en"
) -> str:
    out = io.StringIO()
    chat = TerminalChat(
        services,
        user_key=user,
        console=Console(file=out, width=120, color_system=None),
        read=script,
        language=lang,
    )
    script.chat = chat
    chat.run()
    return out.getvalue()


def answer_everything(added: set[str]) -> Callable[[Prompt], str]:
    """A patient user: answers each screen plausibly, adds one item to every list, submits."""

    def respond(prompt: Prompt) -> str:
        if prompt.kind == "repeat_menu":
            if prompt.path not in added and prompt.can_add:
                added.add(str(prompt.path))
                return "a"
            return "d"
        if prompt.kind == "review":
            return "s"
        if prompt.kind == "submitted":
            return "/quit"  # the closing screen stays open for /peers and the like
        return {
            "note": "",
            "select_one": "1",
            "select_multiple": "1",
            "likert": "4",
            "list": "Halve food waste; Feed more families",
            "url": "example.org",
            "year": "2019",
            "integer": "12",
            "decimal": "3,5",
        }.get(prompt.question_type or "", "Rescuing surplus food in Eastbrook")

    return respond


def test_a_full_interview_reaches_the_domain_tables(services: Services) -> None:
    output = run_chat(services, Script([], answer_everything(set())))
    assert "version 1" in output
    with Session(services.engine) as session:
        initiative = session.exec(select(Initiative)).one()
        assert initiative.name == "Rescuing surplus food in Eastbrook"
        assert [s.revision for s in session.exec(select(Submission))] == [1]


def test_leaving_midway_keeps_answers_and_the_next_run_welcomes_back(services: Services) -> None:
    first = run_chat(services, Script(["", "Ana Ruiz"]))  # then input ends (Ctrl-D)
    assert "Your answers are saved" in first
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["leader_name"] == "Ana Ruiz"

    second = run_chat(services, Script(["1", "Food Rescue Eastbrook"]))
    assert "Welcome back" in second
    assert "1. Continue" in second
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["initiative_name"] == "Food Rescue Eastbrook"
    assert state.answers["leader_name"] == "Ana Ruiz"


def test_start_over_keeps_old_answers_aside(services: Services) -> None:
    run_chat(services, Script(["", "Ana Ruiz"]))
    run_chat(services, Script(["3"]))
    state = services.store.current("term:ana")
    assert state is not None
    assert "leader_name" not in state.answers
    assert state.stale["leader_name"] == "Ana Ruiz"


def test_back_skip_and_required_questions(services: Services) -> None:
    output = run_chat(services, Script(["", "/skip", "Ana Ruiz", "/back", "Ana María Ruiz"]))
    assert "can't be skipped" in output
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["leader_name"] == "Ana María Ruiz"


def test_switching_language_translates_the_next_screens(services: Services) -> None:
    output = run_chat(services, Script(["/language es", "", "/language fr"]))
    assert "¿" in output  # the Spanish questions
    assert "Elige un idioma" in output  # the usage line, in Spanish
    state = services.store.current("term:ana")
    assert state is not None
    assert state.language == "es"


@pytest.mark.parametrize(
    "line",
    ["/nonsense", "", "   ", "x" * 5000, "<b>&*_[", "'; DROP TABLE interview; --", "🙂‏\u200b"],
)
def test_bad_input_gets_an_answer_and_loses_nothing(services: Services, line: str) -> None:
    output = run_chat(services, Script(["", "Ana Ruiz", line]))
    after_name = output.split("initiative called?", 1)[1]
    reply = after_name.split("\n", 3)[-1]  # past the question's hint and command keys
    assert reply.replace("Your answers are saved", "").strip(), "the chat went silent"
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["leader_name"] == "Ana Ruiz"


def test_ask_and_explain_use_the_knowledge_base(services: Services, tmp_path: Path) -> None:
    config = KnowledgeConfig(docs_dir=KNOWLEDGE_FIXTURES, chroma_path=tmp_path / "kb")
    services.provide_knowledge(KnowledgeBase.open(config), owned=True)
    output = run_chat(services, Script(["/ask what is a production system?", "/ask", "/explain"]))
    assert "Sources: Production system" in output
    assert "Write your question after /ask" in output
    assert "no special term" in output  # the opening note has no term to explain


def test_a_keyword_only_answer_says_so_in_the_terminal(services: Services) -> None:
    from knowledge.chunking import chunk_documents
    from knowledge.documents import load_documents

    config = KnowledgeConfig(docs_dir=KNOWLEDGE_FIXTURES)
    chunks = chunk_documents(load_documents(KNOWLEDGE_FIXTURES).documents)
    services.provide_knowledge(KnowledgeBase(config, chunks, warning="model missing"), owned=True)
    output = run_chat(services, Script(["/ask what is a production system?"]))
    assert "Production system" in output.split("Sources:", 1)[1]
    assert "keyword search only and may be less precise" in output


def test_after_sending_the_leader_sees_listed_peers_and_again_with_peers(
    services: Services,
) -> None:
    assert seed_demo_data(services.engine) == 30
    output = run_chat(services, Script([], answer_everything(set())))
    after = output.split("version 1", 1)[1]
    assert "Initiatives working on the same issue as" in after
    assert "Second Harvest Kitchen" in after or "Port Calder Food Rescue" in after
    assert "Observatorio del Desperdicio Alimentario" not in output  # not listed: never shown
    assert "never contact details" in after
    again = run_chat(services, Script(["1", "/peers", "/quit"]))
    assert "Initiatives working on the same issue as" in again


def test_peers_before_sending_says_what_to_do(services: Services) -> None:
    output = run_chat(services, Script(["/peers", "/quit"]))
    assert "Send your interview first" in output


def test_a_spanish_leader_reads_peers_and_their_reasons_in_spanish(services: Services) -> None:
    assert seed_demo_data(services.engine) == 30
    output = run_chat(services, Script([], answer_everything(set())), user="term:eva", lang="es")
    assert "Iniciativas que trabajan en el mismo tema que" in output
    assert "trabaja en un tema parecido" in output
    assert "works on a similar issue" not in output


def test_mydata_in_the_terminal_shows_everything_stored(services: Services) -> None:
    run_chat(services, Script(["", "Ana Ruiz"]))
    output = run_chat(services, Script(["1", "/mydata", "/quit"]))
    assert "Everything Helix stores about you" in output
    assert "Ana Ruiz" in output.split("Everything Helix stores about you", 1)[1]


def test_mydata_for_a_new_user_says_nothing_is_stored(services: Services) -> None:
    output = run_chat(services, Script(["/mydata", "/quit"]), user="term:nobody")
    assert "Everything Helix stores about you" in output or "stores nothing" in output


def test_deleteme_asks_first_and_no_keeps_everything(services: Services) -> None:
    run_chat(services, Script(["", "Ana Ruiz"]))
    output = run_chat(services, Script(["1", "/deleteme", "no", "/quit"]))
    assert "cannot be undone" in output
    assert "Nothing was erased" in output
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["leader_name"] == "Ana Ruiz"


def test_deleteme_erases_says_how_many_and_ends_the_chat(services: Services) -> None:
    run_chat(services, Script(["", "Ana Ruiz"]))
    output = run_chat(services, Script(["1", "/deleteme", "yes"]))
    assert "Erased (records per table)" in output
    assert "interview: 1" in output
    assert services.store.current("term:ana") is None
    assert services.store.personal_data("term:ana").get("interviews") in (None, [])


def test_an_erased_name_is_gone_from_the_db_and_wal_files_while_the_store_is_open(
    services: Services, tmp_path: Path
) -> None:
    name = "Zyxwvut Quonset"
    run_chat(services, Script(["", name]))
    files = sorted(tmp_path.glob("*.db*"))
    assert any(name.encode() in f.read_bytes() for f in files), "the name was never written"
    run_chat(services, Script(["1", "/deleteme", "yes"]))
    for f in sorted(tmp_path.glob("*.db*")):  # the engine is still open
        assert name.encode() not in f.read_bytes(), f"{f.name} still holds the erased name"


@pytest.mark.parametrize("command", ["/quit", "/exit"])
def test_quit_works_at_the_resume_menu(services: Services, command: str) -> None:
    run_chat(services, Script(["", "Ana Ruiz"]))
    script = Script([command, "never read"])
    output = run_chat(services, script)
    assert "Your answers are saved" in output
    assert script.lines == ["never read"]


def test_help_works_at_the_resume_menu(services: Services) -> None:
    run_chat(services, Script(["", "Ana Ruiz"]))
    output = run_chat(services, Script(["/help", "1"]))
    assert "/deleteme" in output
    assert "initiative called?" in output  # "1" still continued after the help


def test_help_lists_mydata_and_deleteme(services: Services) -> None:
    output = run_chat(services, Script(["/help", "/quit"]))
    assert "/mydata" in output
    assert "/deleteme" in output


def test_stored_control_characters_are_never_echoed_raw(services: Services) -> None:
    hostile = "Ana\x1b[2J\x1b]0;pwned\x07\x00\x7f\x9b31m Ruiz"
    run_chat(services, Script(["", hostile]))
    output = run_chat(services, Script(["2", "/review", "/mydata", "/quit"]))
    assert "Ana" in output
    assert "Ruiz" in output
    for bad in ("\x1b", "\x00", "\x7f", "\x9b", "\x07"):
        assert bad not in output


def test_a_superscript_digit_after_edit_is_not_a_crash(services: Services) -> None:
    """'¹'.isdigit() is True but int('¹') raises: the review must answer, not crash."""
    output = run_chat(services, Script(["/review", "e ¹", "/quit"]))
    assert "didn't understand" in output


def test_typed_text_meets_the_import_rules_and_the_chat_goes_on(services: Services) -> None:
    """Issue 12 item 8: a surrogate or an invisible name is refused, escapes never stored."""
    lines = ["", "\ud800\ud800", "\u200b\u200b", "Ana\x1b[2J\x1b]0;pwned\x07\x00\x7f Ruiz"]
    output = run_chat(services, Script(lines))
    assert "could not be read" in output
    assert "only invisible characters" in output
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["leader_name"] == "Ana Ruiz"
    assert "initiative called?" in output.rsplit("only invisible characters", 1)[1]


def test_a_spanish_word_answers_a_choice_and_a_wrong_number_says_the_range(
    services: Services,
) -> None:
    """Typed text goes through the same engine as on Telegram: "participa" picks "Participa en
    nuestra iniciativa" (the first choice question of the core is how an organisation relates)."""
    plain = answer_everything(set())
    typed = ["9", "1 2", "participa", "/quit"]

    def respond(prompt: Prompt) -> str:
        if prompt.path == "organisations[0].org_tie" or typed[0] != "9":
            return typed.pop(0)
        return plain(prompt)

    output = run_chat(services, Script([], respond), lang="es")
    assert "Aquí no hay opción 9. Elige un número del 1 al 4" in output
    assert "Elige un único número del 1 al 4" in output
    state = services.store.current("term:ana")
    assert state is not None
    assert state.answers["organisations"][0]["org_tie"] == "takes_part"
