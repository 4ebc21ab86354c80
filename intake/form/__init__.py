"""The interview as data: the form definition, its condition language, its linter and diagram.

Owns `scs_intake.yaml` (the packaged form) and everything that reads a form without running it.
Depends on nothing else in `intake` except the message catalogs (`intake.i18n`).
"""

from intake.form.checks import LintIssue, lint
from intake.form.definition import (
    BUTTON_LABEL_MAX,
    DEFAULT_FORM,
    SELECT_TYPES,
    AnswerType,
    Choice,
    DefinitionError,
    FormDefinition,
    Localized,
    Question,
    Term,
    load_definition,
)
from intake.form.diagram import mermaid

__all__ = [
    "BUTTON_LABEL_MAX",
    "DEFAULT_FORM",
    "SELECT_TYPES",
    "AnswerType",
    "Choice",
    "DefinitionError",
    "FormDefinition",
    "LintIssue",
    "Localized",
    "Question",
    "Term",
    "lint",
    "load_definition",
    "mermaid",
]
