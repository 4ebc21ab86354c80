"""A linter for interview definitions, run in tests and CI before a form reaches users.

Loading a form only checks its shape; most real mistakes are *between* questions: a condition
that names a question asked later (the engine would silently treat it as unanswered), a choice
that is misspelled inside `selected()` (the follow-up can never appear), a missing Spanish
label, or a choice label too long for a button. Each finding names the question so the author
can jump straight to it. (Button data carries the screen's fingerprint and a choice *index*,
never the choice name, so a choice name's length is no concern of the form's.)
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from intake.form.definition import (
    BUTTON_LABEL_MAX,
    LIKERT_POINTS,
    SELECT_TYPES,
    FormDefinition,
    Localized,
    Question,
)
from intake.form.expressions import CONTEXT_NAMES, Expression, ExpressionError, parse
from intake.i18n import missing_translations

Severity = Literal["error", "warning"]
_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class LintIssue:
    severity: Severity
    question: str | None
    message: str


def lint(definition: FormDefinition) -> list[LintIssue]:
    """All findings, errors first in form order; an empty list means the form is clean."""
    issues: list[LintIssue] = []
    issues += _names(definition)
    issues += _structure(definition)
    issues += _dives(definition)
    issues += _references(definition)
    issues += _translations(definition)
    issues += _glossary(definition)
    issues += _buttons(definition)
    return sorted(issues, key=lambda issue: issue.severity != "error")


def _names(definition: FormDefinition) -> list[LintIssue]:
    counts = Counter(q.name for q in definition.all_questions())
    issues = [
        LintIssue("error", name, f"the name {name!r} is used {n} times; names must be unique")
        for name, n in counts.items()
        if n > 1
    ]
    for list_name, choices in definition.choices.items():
        for name, n in Counter(c.name for c in choices).items():
            if n > 1:
                issues.append(
                    LintIssue("error", None, f"choice {name!r} repeats in {list_name!r}")
                )
    return issues


def _structure(definition: FormDefinition) -> list[LintIssue]:
    issues: list[LintIssue] = []
    if definition.default_language not in definition.languages:
        issues.append(LintIssue("error", None, "default_language is not among `languages`"))
    for question in definition.questions:
        if definition.section(question.section) is None:
            issues.append(
                LintIssue("error", question.name, f"unknown section {question.section!r}")
            )
    for question in definition.all_questions():
        issues += _question_structure(definition, question)
    return issues


def _question_structure(definition: FormDefinition, question: Question) -> list[LintIssue]:
    name = question.name
    issues: list[LintIssue] = []

    def error(message: str) -> None:
        issues.append(LintIssue("error", name, message))

    if question.choices is not None:
        if question.choices not in definition.choices:
            error(f"unknown choice list {question.choices!r}")
        elif not definition.choices[question.choices]:
            error(f"choice list {question.choices!r} is empty")
    choice_names = {c.name for c in definition.choices_for(question)}
    if question.type in SELECT_TYPES:
        for exclusive in question.exclusive:
            if exclusive not in choice_names:
                error(f"exclusive choice {exclusive!r} is not in {question.choices!r}")
    elif question.type == "likert" and question.choices:
        # Worded levels: one label per point of the 1-5 scale, so a stored number keeps its
        # meaning and analysis can go on reading it as a number.
        if choice_names and choice_names != set(LIKERT_POINTS):
            error(f"a likert's choice list must name exactly {', '.join(LIKERT_POINTS)}")
        if question.choice_filter or question.exclusive:
            error("choice_filter and exclusive only apply to select questions")
    elif question.choices or question.choice_filter or question.exclusive:
        error("choices, choice_filter and exclusive only apply to select questions (or likert)")
    low, high = question.min_select, question.max_select
    if low is not None and high is not None and low > high:
        error(f"min_select {low} is greater than max_select {high}")
    limits = question.constraint
    if limits is not None:
        if limits.min is not None and limits.max is not None and limits.min > limits.max:
            error(f"constraint min {limits.min} is greater than max {limits.max}")
        if (
            limits.min_len is not None
            and limits.max_len is not None
            and limits.min_len > limits.max_len
        ):
            error(f"constraint min_len {limits.min_len} is greater than max_len {limits.max_len}")
    if question.repeat is not None:
        spec = question.repeat
        inner_names = {inner.name for inner in question.questions}
        if spec.min > spec.max:
            error(f"repeat min {spec.min} is greater than max {spec.max}")
        if spec.key is not None and spec.key not in inner_names:
            error(f"repeat key {spec.key!r} is not one of the inner questions")
        templates = [spec.label] if isinstance(spec.label, str) else list(spec.label.values())
        for field in {f for template in templates for f in _FIELD.findall(template)}:
            if field not in inner_names:
                error(f"item label uses {{{field}}}, which is not an inner question")
    return issues


def _dives(definition: FormDefinition) -> list[LintIssue]:
    """A deep dive's gate is a yes/no question of its own section (the sent screen answers it
    yes), and a walk names a top-level list whose entries the dive revisits."""
    issues: list[LintIssue] = []
    for section in definition.sections:
        dive = section.deep_dive
        if dive is None:
            continue
        where = f"deep dive {section.name!r}"
        gate = definition.question(dive.gate)
        if gate is None or definition.parent_of(gate.name) is not None:
            issues.append(
                LintIssue("error", None, f"{where}: no top-level question {dive.gate!r}")
            )
        elif gate.section != section.name:
            issues.append(
                LintIssue("error", gate.name, f"{where}: its gate is in section {gate.section!r}")
            )
        elif gate.type != "select_one" or {
            choice.name for choice in definition.choices_for(gate)
        } != {"yes", "no"}:
            issues.append(
                LintIssue("error", gate.name, f"{where}: a gate is a select_one over yes/no")
            )
        if dive.walk is not None:
            walked = definition.question(dive.walk)
            if (
                walked is None
                or walked.type != "repeat"
                or definition.parent_of(walked.name) is not None
            ):
                issues.append(
                    LintIssue(
                        "error", None, f"{where}: walk {dive.walk!r} is not a top-level list"
                    )
                )
            elif dive.minutes is None and dive.minutes_each is None:
                issues.append(
                    LintIssue("warning", None, f"{where}: give minutes_each for an honest offer")
                )
        elif dive.minutes is None:
            issues.append(LintIssue("warning", None, f"{where}: give minutes for an honest offer"))
    return issues


def _references(definition: FormDefinition) -> list[LintIssue]:
    """Conditions may only use questions asked before (inside a repeat: earlier siblings too).
    Deep-dive gates are answered after sending, from outside the order: any condition may use
    them (a list's details wait for the organisations dive)."""
    issues: list[LintIssue] = []
    unreachable: set[str] = set()
    gates = {s.deep_dive.gate for s in definition.sections if s.deep_dive is not None}
    top_seen: list[str] = [*gates]
    for question in definition.questions:
        issues += _check_question(definition, question, set(top_seen), unreachable)
        siblings: list[str] = []
        for inner in question.questions:
            visible = set(top_seen) | set(siblings)
            issues += _check_question(definition, inner, visible, unreachable)
            siblings.append(inner.name)
        top_seen.append(question.name)
    return issues


def _check_question(
    definition: FormDefinition, question: Question, visible: set[str], unreachable: set[str]
) -> list[LintIssue]:
    issues: list[LintIssue] = []
    known = {q.name for q in definition.all_questions()}
    fields = {
        "relevant": (question.relevant, set()),
        "constraint": (question.constraint.expr if question.constraint else None, {"value"}),
        "choice_filter": (question.choice_filter, {"choice", "tags"}),
    }
    for field, (source, context) in fields.items():
        if not source:
            continue
        try:
            expression = parse(source)
        except ExpressionError as exc:
            issues.append(LintIssue("error", question.name, f"{field}: {exc}"))
            continue
        for name in sorted(expression.names):
            problem = _reference_problem(name, question.name, visible, known, context)
            if problem:
                issues.append(LintIssue("error", question.name, f"{field}: {problem}"))
        for target, choice in sorted(expression.selected_pairs):
            target_question = definition.question(target)
            if target_question is not None and target_question.type in SELECT_TYPES:
                names = {c.name for c in definition.choices_for(target_question)}
                if choice not in names:
                    issues.append(
                        LintIssue(
                            "warning" if field != "relevant" else "error",
                            question.name,
                            f"{field}: {choice!r} is not a choice of {target!r}",
                        )
                    )
        if field == "relevant" and (
            question.name in expression.names
            or _truth(expression, definition, unreachable) is False
        ):
            unreachable.add(question.name)
            issues.append(
                LintIssue(
                    "error", question.name, "unreachable: its relevant condition is never true"
                )
            )
    return issues


def _reference_problem(
    name: str, own: str, visible: set[str], known: set[str], context: set[str]
) -> str | None:
    if name in context:
        return None
    if name in CONTEXT_NAMES:
        return f"{name!r} is only available in another kind of condition"
    if name == own:
        return f"refers to itself ({name!r}); use `value` in constraints"
    if name not in known:
        return f"unknown question {name!r}"
    if name not in visible:
        return f"refers to {name!r}, which is asked later or inside another repeat"
    return None


def _truth(
    expression: Expression, definition: FormDefinition, unreachable: set[str]
) -> bool | None:
    """Abstract truth: False when the condition can never hold, None when it depends on answers."""

    def walk(node: ast.expr) -> bool | None:
        if isinstance(node, ast.Constant):
            return bool(node.value)
        if isinstance(node, ast.BoolOp):
            parts = [walk(value) for value in node.values]
            if isinstance(node.op, ast.And):
                return False if False in parts else (True if all(parts) else None)
            return True if True in parts else (False if all(p is False for p in parts) else None)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = walk(node.operand)
            return None if inner is None else not inner
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id in unreachable:
                return False if node.func.id in {"selected", "answered"} else None
            if node.func.id == "selected" and isinstance(first, ast.Name):
                return _selected_truth(definition, first.id, node.args[1])
        return None

    return walk(expression.tree)


def _selected_truth(definition: FormDefinition, target: str, choice: ast.expr) -> bool | None:
    question = definition.question(target)
    if question is None or not isinstance(choice, ast.Constant):
        return None
    if question.type not in SELECT_TYPES:
        return False
    return None if choice.value in {c.name for c in definition.choices_for(question)} else False


def _translations(definition: FormDefinition) -> list[LintIssue]:
    issues: list[LintIssue] = []

    def need(texts: Localized | str | None, question: str | None, what: str) -> None:
        if texts is None or isinstance(texts, str):
            return
        for lang in definition.languages:
            if not texts.get(lang, "").strip():
                issues.append(LintIssue("error", question, f"{what} has no {lang!r} text"))

    need(definition.title, None, "form title")
    for section in definition.sections:
        need(section.title, None, f"section {section.name!r} title")
    for question in definition.all_questions():
        need(question.label, question.name, "label")
        need(question.short, question.name, "short label")
        need(question.hint, question.name, "hint")
        if question.constraint is not None:
            need(question.constraint.message, question.name, "constraint message")
        if question.repeat is not None:
            need(question.repeat.label, question.name, "item label")
    for list_name, choices in definition.choices.items():
        for choice in choices:
            need(choice.label, None, f"choice {list_name}.{choice.name}")
            need(choice.meaning, None, f"meaning of choice {list_name}.{choice.name}")
    for key, term in definition.glossary.items():
        need(term.label, None, f"term {key!r} label")
        need(term.ask, None, f"term {key!r} question")
    for key, lang in missing_translations():
        issues.append(LintIssue("error", None, f"message {key!r} has no {lang!r} text"))
    return issues


def _glossary(definition: FormDefinition) -> list[LintIssue]:
    """A question's term needs a glossary entry, or Explain would ask in English only."""
    issues: list[LintIssue] = []
    used: set[str] = set()
    for question in definition.all_questions():
        for term in question.terms:
            used.add(term)
            if term not in definition.glossary:
                issues.append(
                    LintIssue("error", question.name, f"term {term!r} has no glossary entry")
                )
    for key in definition.glossary.keys() - used:
        issues.append(
            LintIssue("warning", None, f"glossary term {key!r} is not used by any question")
        )
    return issues


def _buttons(definition: FormDefinition) -> list[LintIssue]:
    """Choices become inline buttons: a label longer than a button shows is clipped."""
    issues: list[LintIssue] = []
    for question in definition.all_questions():
        if question.type not in SELECT_TYPES:
            continue
        for choice in definition.choices_for(question):
            for lang, label in choice.label.items():
                if len(label) > BUTTON_LABEL_MAX:
                    issues.append(
                        LintIssue(
                            "warning",
                            question.name,
                            f"choice {choice.name!r} label ({lang}) is {len(label)} characters;"
                            f" buttons fit about {BUTTON_LABEL_MAX}",
                        )
                    )
    return issues
