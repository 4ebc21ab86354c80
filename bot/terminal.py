"""The terminal chat: the same interview as on Telegram, typed in a terminal.

It is a thin surface like the Telegram adapter: it turns typed lines into engine events and
renders prompts as numbered text. Input and output are injected so tests can script a session.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from bot.explain import meanings, pick, topics
from bot.progress import progress_line
from bot.safe_text import terminal_safe
from bot.services import Services
from bot.terminal_keys import keys_line, offer_for
from intake.engine import (
    Back,
    Cancel,
    Choose,
    Done,
    Edit,
    Event,
    Prompt,
    RepeatAdd,
    RepeatEdit,
    RepeatRemove,
    Restart,
    Review,
    SetLanguage,
    Skip,
    Start,
    Submit,
    Text,
)
from intake.i18n import LANGUAGES, t

log = logging.getLogger(__name__)
InputFn = Callable[[str], str]
# The engine's messages say "choose Done" / "Continue": typing the word does just that.
DONE_WORDS = frozenset({"done", "listo", "continue", "continuar"})

# Confirming /deleteme: option 1 or a yes in either language; anything else keeps the data.
YES_WORDS = frozenset({"1", "y", "yes", "s", "si", "sí"})
# Commands answered at the resume menu without leaving it.
MENU_COMMANDS = frozenset({"help", "mydata"})


class TerminalChat:
    """One user's interview in a terminal, resumable across runs through the store."""

    def __init__(
        self,
        services: Services,
        *,
        user_key: str,
        console: Console,
        read: InputFn,
        language: str = "en",
    ) -> None:
        self.services = services
        self.user_key = user_key
        self.console = console
        self.read = read
        self.language = language
        self.prompt: Prompt | None = None
        self.interrupted = False  # Ctrl-C ended the session (the CLI exits 130)

    # ── the loop ────────────────────────────────────────────────────────────────
    def run(self) -> None:
        """Greet, then read lines until the user quits, pauses, erases their data or input ends.

        Ctrl-C at any prompt says goodbye (everything typed so far is already stored) instead of
        a traceback, and sets `interrupted` for the CLI's exit status."""
        try:
            self._run()
        except KeyboardInterrupt:
            self.interrupted = True
            self.say("")
            self.say(t("chat.interrupted", self.language))

    def _run(self) -> None:
        store = self.services.store
        state, prompt, resumed = store.open(self.user_key, language=self.language)
        self.language = state.language
        self.say(t("chat.welcome_back" if resumed else "chat.welcome", self.language))
        if resumed and state.status != "cancelled":
            chosen = self._welcome_back(prompt, submitted=state.status == "submitted")
            if chosen is None:
                return
            prompt, pending = chosen
            if pending is not None:
                self.show(prompt)
                if self.handle(pending):
                    return
                prompt = self.prompt or prompt
        elif resumed:
            _, prompt = store.apply(self.user_key, Start())
        self.show(prompt)
        while True:
            line = self._read()
            if line is None:
                self.say(t("chat.saved_bye", self.language))
                return
            finished = self.handle(line)
            if finished:
                return

    def _read(self) -> str | None:
        try:
            return self.read("> ")
        except EOFError:
            return None

    def _welcome_back(
        self, prompt: Prompt, *, submitted: bool
    ) -> tuple[Prompt, str | None] | None:
        """Offer Continue / Review / Start over: a returning user is never silently restarted.

        For a submitted interview "continue" means reviewing it: editing and sending again
        makes a new revision. Commands work here too: /help and /mydata answer and show the
        menu again, /quit ends the session (None), and any other command continues the
        interview and is returned to be handled on the first screen.
        """
        self.say(t("chat.resume_menu", self.language))
        while True:
            line = self._read()
            if line is None:
                return prompt, None
            choice = line.strip().lower()
            continuing: Event = Review() if submitted else Start()
            if choice.startswith("/"):
                name = choice[1:].partition(" ")[0]
                if name in MENU_COMMANDS:
                    self._command(line.strip())
                    self.say(t("chat.resume_menu", self.language))
                    continue
                if name in ("quit", "exit"):
                    self.say(t("chat.saved_bye", self.language))
                    return None
                return self.services.store.apply(self.user_key, continuing)[1], line
            if choice in ("", "1", "c"):
                return self.services.store.apply(self.user_key, continuing)[1], None
            if choice in ("2", "r"):
                return self.services.store.apply(self.user_key, Review())[1], None
            if choice in ("3", "n"):
                return self.services.store.apply(self.user_key, Restart())[1], None
            self.say(t("chat.resume_menu", self.language))

    def handle(self, line: str) -> bool:
        """Handle one typed line; returns True when the session should end."""
        text = line.strip()
        if text.startswith("/"):
            return self._command(text)
        event = self._event_for(text)
        if event is None:
            self.say(t("chat.unknown_input", self.language))
            return False
        return self._apply(event)

    def _apply(self, event: Event) -> bool:
        before = self.prompt.kind if self.prompt else None
        state, prompt = self.services.store.apply(self.user_key, event)
        self.language = state.language
        if prompt.kind == "submitted" and before != "submitted":
            self._closing(prompt, state.answers)
            return False
        self.show(prompt)
        return isinstance(event, Cancel) and prompt.kind == "cancelled"

    def _closing(self, prompt: Prompt, answers: dict[str, object]) -> None:
        """After sending: thanks, who else works on this issue, and what happens next. The
        review's keys wait for /review: the leader is done, not asked to edit."""
        self.prompt = prompt
        self.say(f"[bold]{escape(prompt.text)}[/bold]")
        self._peers()  # the payoff for the leader's time: who else works on this
        shared = answers.get("consent_listed") == "yes" or (
            answers.get("consent_introductions") == "yes"
        )
        self.say(t("chat.next.listed" if shared else "chat.next.unlisted", self.language))
        self._offers(prompt)
        self.say(f"[dim]{t('chat.next.commands', self.language)}[/dim]")

    def _offers(self, prompt: Prompt) -> None:
        """The deep dives still open, numbered: typing the number or a word of one takes it."""
        if not prompt.offers:
            return
        self.say(t("chat.offers", self.language))
        for n, offer in enumerate(prompt.offers, start=1):
            self.say(f"  {n}. {escape(offer.text)}")
        self.say(f"[dim]{t('chat.keys_offers', self.language)}[/dim]")

    def _event_for(self, text: str) -> Event | None:
        """Map a typed line to an event for the current screen."""
        prompt = self.prompt
        if prompt is not None and prompt.question_type == "note":
            return Done()  # a note is acknowledged by pressing Enter
        has_done = prompt is not None and bool(prompt.current_value or prompt.choices)
        if has_done and (not text or text.lower() in DONE_WORDS):
            return Done()  # Enter (or "done") keeps the shown answer or confirms the ticks
        if prompt is None or prompt.kind == "question":
            return Text(text=text)
        word, _, rest = text.lower().partition(" ")
        index = int(rest) - 1 if rest.strip().isdecimal() else None
        if prompt.kind == "repeat_menu":
            if word in ("a", "add") and not rest.strip():
                return RepeatAdd()
            if word in ("d", *DONE_WORDS) and not rest.strip():
                return Done()
            if word in ("e", "edit") and index is not None:
                return RepeatEdit(index=index)
            if word in ("r", "remove") and index is not None:
                return RepeatRemove(index=index)
            # Anything else is for the engine: names ("A; B; C") or its own words ("none").
            return Text(text=text) if text else None
        if prompt.kind == "submitted" and (offer := offer_for(text, prompt.offers)) is not None:
            return Choose(value=offer.value)  # a deep dive taken by its number or a word
        if prompt.kind in ("review", "submitted"):  # a submitted interview can be edited again
            if prompt.can_continue and word in ("c", *DONE_WORDS):
                return Done()  # back to the kept draft entry or the open questions
            if word in ("s", "submit", "send", "enviar"):
                return Submit()
            if word in ("e", "edit") and index is not None and 0 <= index < len(prompt.review):
                return Edit(path=prompt.review[index].path)
            return None
        return Start()

    def _command(self, text: str) -> bool:
        name, _, arg = text[1:].partition(" ")
        name = name.lower()
        simple: dict[str, Event] = {"back": Back(), "skip": Skip(), "review": Review()}
        if name in simple:
            return self._apply(simple[name])
        if name == "cancel":
            self._apply(Cancel())
            return True
        if name in ("quit", "exit"):
            self.say(t("chat.saved_bye", self.language))
            return True
        if name == "help":
            self.say(t("chat.help", self.language))
            return False
        if name == "language":
            lang = arg.strip().lower()
            if lang not in LANGUAGES:
                self.say(t("chat.language_usage", self.language, languages=", ".join(LANGUAGES)))
                return False
            return self._apply(SetLanguage(language=lang))
        if name == "explain":
            self._explain(arg)
            return False
        if name == "ask":
            self._ask(arg)
            return False
        if name == "peers":
            self._peers()
            return False
        if name == "mydata":
            self._mydata()
            return False
        if name == "deleteme":
            return self._deleteme()
        self.say(t("chat.unknown_command", self.language, command=escape(name)))
        return False

    # ── the user's own data ─────────────────────────────────────────────────────
    def _mydata(self) -> None:
        """Everything stored about this user, as indented JSON (the same as Telegram's /mydata)."""
        data = self.services.store.personal_data(self.user_key)
        if not any(value for name, value in data.items() if name != "user_key"):
            self.say(t("bot.mydata.empty", self.language))
            return
        dumped = json.dumps(data, indent=2, ensure_ascii=False, default=str, sort_keys=True)
        self.say(f"[bold]{t('bot.mydata.heading', self.language)}[/bold]")
        self.say(escape(dumped))

    def _deleteme(self) -> bool:
        """Ask, then erase everything about this user and say how many rows went, per table.

        Returns True (end the session) after an erasure: the interview no longer exists, and
        carrying on would quietly start a new one.
        """
        lang = self.language
        self.say(t("bot.delete.confirm", lang))
        self.say(f"1. {t('bot.delete.yes', lang)}   2. {t('bot.delete.no', lang)}")
        line = self._read()
        if line is None or line.strip().lower() not in YES_WORDS:
            self.say(t("bot.delete.cancelled", lang))
            if self.prompt is not None:
                self.show(self.prompt)
            return False
        counts = self.services.store.erase(self.user_key)
        removed = {table: n for table, n in counts.items() if n}
        if not removed:
            self.say(t("bot.delete.nothing", lang))
        else:
            self.say(t("bot.delete.done", lang))
            for table, n in sorted(removed.items()):
                self.say(f"  • {escape(table)}: {n}")
        self.prompt = None
        return True

    # ── peers and knowledge ─────────────────────────────────────────────────────
    def _peers(self) -> None:
        from bot.peers import peers_lines

        try:
            found = self.services.leader_peers(self.user_key, self.language)
        except Exception:  # matching is a bonus: never end the chat over it
            log.exception("finding peers failed")
            self.say(t("peers.unavailable", self.language))
            return
        for line in peers_lines(found, self.language):
            self.say(escape(line))

    def _explain(self, typed: str) -> None:
        """/explain: the only topic at once; with several, a numbered list, and /explain N (or
        a word of the topic) explains that one. A term is asked of the knowledge base in the
        user's language; the options topic lists what each option means."""
        lang = self.language
        found = topics(self.prompt, lang)
        if not found:
            self.say(t("chat.nothing_to_explain", lang))
            return
        chosen = pick(found, typed) if typed.strip() else found[0] if len(found) == 1 else None
        if chosen is None:
            if typed.strip():
                self.say(t("chat.explain_unknown", lang, typed=escape(typed.strip()[:60])))
            self.say(t("chat.explain_list", lang))
            for n, topic in enumerate(found, start=1):
                self.say(f"  {n}. {escape(topic.label)}")
            self.say(f"[dim]{t('chat.explain_pick', lang, n=min(2, len(found)))}[/dim]")
            return
        if chosen.term is not None:
            self._ask(chosen.term.question)
        elif self.prompt is not None:
            self.say(f"[bold]{t('bot.explain.meanings_heading', lang)}[/bold]")
            for label, meaning in meanings(self.prompt):
                self.say(f"  • [bold]{escape(label)}[/bold] — {escape(meaning)}")
        if self.prompt is not None:
            self.show(self.prompt)

    def _ask(self, question: str) -> None:
        if not question.strip():
            self.say(t("chat.ask_usage", self.language))
            return
        from bot.answers import answer_text, is_degraded
        from knowledge.answer import answer

        if not self.services.knowledge_ready():
            self.say(f"[dim]{t('chat.knowledge_loading', self.language)}[/dim]")
        result = answer(question, self.services.knowledge())
        self.say(escape(answer_text(result, self.language)))
        if result.sources:
            titles = ", ".join(escape(s.title) for s in result.sources)
            self.say(f"[dim]{t('chat.sources', self.language)}: {titles}[/dim]")
        if is_degraded(result):
            self.say(f"[dim]{t('knowledge.degraded', self.language)}[/dim]")

    # ── rendering ───────────────────────────────────────────────────────────────
    def say(self, text: str) -> None:
        """The one way out to the terminal: control and escape characters never reach it."""
        self.console.print(terminal_safe(text), highlight=False)

    def show(self, prompt: Prompt) -> None:
        """Render one prompt as numbered text."""
        self.prompt = prompt
        lang = self.language
        if prompt.notice:
            self.say(f"[green]{escape(prompt.notice)}[/green]")
        if prompt.error:
            self.say(f"[yellow]{escape(prompt.error)}[/yellow]")
        head = progress_line(prompt, lang)
        if head:
            self.say(f"[dim]── {escape(head)} ──[/dim]")
        self.say(f"[bold]{escape(prompt.text)}[/bold]")
        if prompt.hint:
            self.say(f"[dim]{escape(prompt.hint)}[/dim]")
        if prompt.current_value:
            self.say(t("chat.current_value", lang, value=escape(prompt.current_value)))
        for n, choice in enumerate(prompt.choices, start=1):
            mark = "✅ " if choice.selected else ""
            self.say(f"  {n}. {mark}{escape(choice.label)}")
        for item in prompt.items:
            self.say(f"  {item.index + 1}. {escape(item.label)}")
        for n, line in enumerate(prompt.review, start=1):
            indent = "     " if line.level > 1 else "  "  # an entry's details under its name
            self.say(f"{indent}{n}. {escape(line.label)}: [cyan]{escape(line.value)}[/cyan]")
        self.say(f"[dim]{keys_line(prompt, self.language)}[/dim]")
        self._offers(prompt)
