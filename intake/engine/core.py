"""The pure interview engine: `start`, `step`, `render`. No I/O, no clock, no Telegram.

`step(definition, state, event)` returns a new state and the prompt to show. It never raises on
any event: an event that does not fit the current screen (an old button, a toggle on a text
question, an index out of range) returns the *same* state and the current screen with a
localized reason, because chat users press stale buttons all the time and must never get stuck.

Design choices worth knowing:
- Navigation is derived from the answers (see `intake.engine.nav`); `cursor` only marks a question
  re-opened by Back or Edit. Answering it returns to the first open question (or the review):
  other answers are kept, so going back never costs the user their later work.
- Edits that make answers irrelevant move them to `stale`. If such a question becomes relevant
  again it is asked anew, with the stale value shown as `current_value`; Done keeps it.
- Repeat item paths use 0-based indexes (`stakeholders[0].st_name`), like `RepeatEdit(index)`.
- Deep dives (`intake.engine.dives`) are taken after sending with `Choose(<gate>)`; the review,
  an edit or sending ends a dive's list walk with every answer kept.
"""

from __future__ import annotations

from intake.engine.answer import Outcome, answer_event, refuse, without
from intake.engine.dives import dive_for, end_walk, take, walking
from intake.engine.events import (
    Back,
    Cancel,
    Choose,
    Done,
    Edit,
    Event,
    Restart,
    Review,
    SetLanguage,
    Start,
    Submit,
)
from intake.engine.names import open_incomplete
from intake.engine.nav import (
    back_target,
    current,
    draft_item,
    first_open,
    gates,
    is_relevant,
    pending_item,
    split_item_path,
)
from intake.engine.parsing import Refusal
from intake.engine.prompt import Prompt
from intake.engine.reconcile import reconcile
from intake.engine.repeat import item_back, menu_event, open_inner_edit
from intake.engine.screens import build_prompt, draft_label
from intake.engine.state import InterviewState
from intake.form.definition import FormDefinition
from intake.i18n import t


def start(definition: FormDefinition, *, language: str = "en") -> InterviewState:
    """A fresh interview pinned to the definition's version, in a language the form speaks."""
    if language not in definition.languages:
        language = definition.default_language
    return InterviewState(
        form_id=definition.form_id, form_version=definition.version, language=language
    )


def render(definition: FormDefinition, state: InterviewState) -> Prompt:
    """The current screen, without changing anything (resume, refresh)."""
    return build_prompt(definition, _normalized(definition, state))


def step(
    definition: FormDefinition, state: InterviewState, event: Event
) -> tuple[InterviewState, Prompt]:
    """Apply one event; refusals keep the state unchanged and explain why in the prompt."""
    state = _normalized(definition, state)
    outcome = _dispatch(definition, state, event)
    if outcome.state is state:
        return state, build_prompt(definition, state, error=outcome.error, notice=outcome.notice)
    new_state = _settle(definition, reconcile(definition, outcome.state))
    return new_state, build_prompt(
        definition, new_state, error=outcome.error, notice=outcome.notice
    )


def _normalized(definition: FormDefinition, state: InterviewState) -> InterviewState:
    """A state as the engine itself would have left it; the very same object when it already is
    (states from storage or another form version are repaired instead of crashing a screen)."""
    clean = _settle(definition, reconcile(definition, state))
    return state if clean == state else clean


def _settle(definition: FormDefinition, state: InterviewState) -> InterviewState:
    """First arrival at the review screen turns an in-progress interview into `review`; a
    draft entry set aside by an edit from the review comes back once that edit is answered;
    a list menu about to show with an entry missing answers opens that entry instead."""
    pending = state.pending
    if (
        "draft" in pending
        and "item" not in pending
        and state.cursor is None
        and not pending.get("reviewing")
    ):
        restored = {**without(pending, "draft"), "item": pending["draft"]}
        state = state.model_copy(update={"pending": restored})
    state = open_incomplete(definition, state)
    if (
        state.status == "in_progress"
        and not state.pending.get("reviewing")
        and current(definition, state) is None
    ):
        return state.model_copy(update={"status": "review"})
    return state


def _dispatch(definition: FormDefinition, state: InterviewState, event: Event) -> Outcome:
    if isinstance(event, SetLanguage):
        return _set_language(definition, state, event.language)
    if isinstance(event, Restart):
        return _restart(state)
    if state.status == "cancelled":
        return _while_paused(definition, state, event)
    if state.status == "submitted":
        return _while_submitted(definition, state, event)
    if isinstance(event, Review | Edit | Submit) and walking(state):
        state = end_walk(state)  # leaving a deep dive's walk keeps every answer given
    if isinstance(event, Start):
        return Outcome(state.model_copy(update={"pending": without(state.pending, "reviewing")}))
    if isinstance(event, Cancel):
        pending = {**without(state.pending, "toggles"), "paused_from": state.status}
        return Outcome(state.model_copy(update={"status": "cancelled", "pending": pending}))
    if isinstance(event, Review):
        return Outcome(state.model_copy(update={"pending": {**state.pending, "reviewing": True}}))
    if isinstance(event, Submit):
        return _submit(definition, state)
    if isinstance(event, Edit):
        return _edit(definition, state, event.path)
    if isinstance(event, Back):
        return _back(definition, state)
    location = current(definition, state)
    if location is None:
        if isinstance(event, Done) and state.pending.get("reviewing"):
            return Outcome(
                state.model_copy(update={"pending": without(state.pending, "reviewing")})
            )
        return refuse(definition, state, Refusal("engine.error.on_review"))
    if location.group is None and location.question.type == "repeat":
        return menu_event(definition, state, location.question, event)
    return answer_event(definition, state, location, event)


def _set_language(definition: FormDefinition, state: InterviewState, language: str) -> Outcome:
    if language not in definition.languages:
        names = ", ".join(definition.languages)
        return refuse(
            definition, state, Refusal("engine.error.language_unknown", {"languages": names})
        )
    changed = state.model_copy(update={"language": language})
    return Outcome(changed, notice=t("engine.notice.language", language))


def _restart(state: InterviewState) -> Outcome:
    """Start over: every answer moves to `stale` (kept, shown again as the earlier answer)."""
    restarted = state.model_copy(
        update={
            "status": "in_progress",
            "answers": {},
            "stale": {**state.stale, **state.answers},
            "skipped": (),
            "pending": {},
            "cursor": None,
            "trail": (),
        }
    )
    return Outcome(restarted, notice=t("engine.notice.restarted", state.language))


def _while_paused(definition: FormDefinition, state: InterviewState, event: Event) -> Outcome:
    if isinstance(event, Start):
        previous = state.pending.get("paused_from")
        # A stored state may hold anything here (hand-edited, older versions): compare as text.
        status = previous if previous in ("in_progress", "review") else "in_progress"
        resumed = state.model_copy(
            update={
                "status": status,
                "pending": without(state.pending, "paused_from", "reviewing"),
            }
        )
        return Outcome(resumed, notice=t("engine.notice.resumed", state.language))
    if isinstance(event, Cancel):
        return Outcome(state)
    return refuse(definition, state, Refusal("engine.error.paused"))


def _while_submitted(definition: FormDefinition, state: InterviewState, event: Event) -> Outcome:
    """After sending: viewing, taking a deep dive on offer, editing (which re-opens for a new
    revision) or restart."""
    if isinstance(event, Start | Review):
        return Outcome(state)
    if isinstance(event, Choose) and dive_for(definition, event.value) is not None:
        taken = take(definition, state, event.value)
        if taken is None:
            return refuse(definition, state, Refusal("engine.error.offer_unknown"))
        return Outcome(taken)
    if isinstance(event, Edit):
        reopened = state.model_copy(update={"status": "review"})
        outcome = _edit(definition, reopened, event.path)
        return outcome if outcome.error is None else Outcome(state, error=outcome.error)
    return refuse(definition, state, Refusal("engine.error.already_submitted"))


def _submit(definition: FormDefinition, state: InterviewState) -> Outcome:
    if "draft" in state.pending and "item" not in state.pending:  # set aside by an edit
        restored = {**without(state.pending, "draft"), "item": state.pending["draft"]}
        state = state.model_copy(update={"pending": restored})
    if draft_item(state) is not None:  # never send (and drop) a half-entered entry silently
        opened = state.model_copy(update={"pending": without(state.pending, "reviewing")})
        label = draft_label(definition, opened) or ""
        return Outcome(opened, error=t("engine.error.draft_open", state.language, entry=label))
    if first_open(definition, state) is not None:
        pending = without(state.pending, "reviewing", "toggles", "item")
        opened = state.model_copy(update={"pending": pending, "cursor": None})
        return Outcome(opened, error=t("engine.error.questions_left", state.language))
    submitted = state.model_copy(
        update={
            "status": "submitted",
            "revision": state.revision + 1,
            "pending": {},
            "cursor": None,
        }
    )
    return Outcome(submitted)


def _edit(definition: FormDefinition, state: InterviewState, path: str) -> Outcome:
    """Re-open one answer; a half-entered list entry waits aside (`draft`) and comes back once
    this edit is answered. A refused edit leaves everything as it was, draft included."""
    item = draft_item(state)
    if item is None:
        return _open_answer(definition, state, path.strip())
    parked = {**without(state.pending, "item"), "draft": item}
    outcome = _open_answer(definition, state.model_copy(update={"pending": parked}), path.strip())
    return outcome if outcome.error is None else Outcome(state, error=outcome.error)


def _open_answer(definition: FormDefinition, state: InterviewState, path: str) -> Outcome:
    inner = split_item_path(path)
    if inner is not None:
        group = definition.question(inner[0])
        if (
            group is not None
            and group.type == "repeat"
            and definition.parent_of(group.name) is None
        ):
            outcome = open_inner_edit(definition, state, group, inner[1], inner[2])
            if outcome is not None:
                return outcome
        return refuse(definition, state, Refusal("engine.error.edit_unknown"))
    question = definition.question(path)
    if (
        question is None
        or question.name in gates(definition)  # taken from the sent screen, never edited
        or definition.parent_of(path) is not None
        or question.type == "note"
        or not is_relevant(definition, question, state.answers)
    ):
        return refuse(definition, state, Refusal("engine.error.edit_unknown"))
    pending = without(state.pending, "item", "toggles", "reviewing")
    return Outcome(state.model_copy(update={"cursor": question.name, "pending": pending}))


def _back(definition: FormDefinition, state: InterviewState) -> Outcome:
    if state.pending.get("reviewing") and draft_item(state) is not None:
        return Outcome(state.model_copy(update={"pending": without(state.pending, "reviewing")}))
    if pending_item(state) is not None and current(definition, state) is not None:
        return item_back(definition, state)
    target = back_target(definition, state)
    if target is None:
        return refuse(definition, state, Refusal("engine.error.no_back"))
    pending = without(state.pending, "item", "toggles", "reviewing")
    return Outcome(state.model_copy(update={"cursor": target, "pending": pending}))
