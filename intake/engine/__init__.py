"""The pure interview engine: `start`, `step` and `render` over a form, with no I/O at all.

A surface (Telegram, the terminal) turns what a person does into an `Event`, calls `step`, and
shows the `Prompt` it gets back; `InterviewState` is the whole conversation as plain data, which
storage persists. Nothing here reads a clock, a database or a network, so every rule of the
interview is testable on its own. The modules behind this face: `core` (dispatch), `answer`,
`repeat` (list entries), `names` (names typed at a list menu), `dives` (deep dives offered
after sending), `progress` (section x of y, questions left), `screens` (state -> prompt), `nav`
(where the interview stands), `reconcile` (repairs a state after the form changed), `parsing`
(typed answers), `glossary` (the terms a screen explains, in the user's language).
"""

from intake.engine.core import render, start, step
from intake.engine.events import (
    Back,
    Cancel,
    Choose,
    Done,
    Edit,
    Event,
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
    Toggle,
)
from intake.engine.prompt import (
    ChoiceView,
    OfferView,
    Progress,
    Prompt,
    RepeatItemView,
    ReviewLine,
    TermView,
)
from intake.engine.state import InterviewState

__all__ = [
    "Back",
    "Cancel",
    "ChoiceView",
    "Choose",
    "Done",
    "Edit",
    "Event",
    "InterviewState",
    "OfferView",
    "Progress",
    "Prompt",
    "RepeatAdd",
    "RepeatEdit",
    "RepeatItemView",
    "RepeatRemove",
    "Restart",
    "Review",
    "ReviewLine",
    "SetLanguage",
    "Skip",
    "Start",
    "Submit",
    "TermView",
    "Text",
    "Toggle",
    "render",
    "start",
    "step",
]
