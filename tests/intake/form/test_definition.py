"""Loading forms: valid files load, broken ones fail with the file and question named."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.form.definition import DefinitionError, FormDefinition, load_definition

GOOD_HEAD = """
form_id: t
version: "1"
languages: [en, es]
title: {en: T, es: T}
sections: [{name: s, title: {en: S, es: S}}]
"""


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "form.yaml"
    path.write_text(GOOD_HEAD + body, encoding="utf-8")
    return path


def test_fixture_form_loads_with_lookups(mini: FormDefinition) -> None:
    assert mini.form_id == "mini"
    st_name = mini.question("st_name")
    assert st_name is not None
    parent = mini.parent_of("st_name")
    assert parent is not None
    assert parent.name == "stakeholders"
    assert mini.parent_of("goals") is None
    assert mini.question("nope") is None
    systems = mini.question("systems")
    assert systems is not None
    assert [c.name for c in mini.choices_for(systems)] == ["food", "energy", "health", "none"]
    assert mini.choice_label(systems, "food", "es") == "Alimentación"
    assert [q.name for q in mini.all_questions()][-4:] == [
        "st_name",
        "st_system",
        "st_note",
        "story",
    ]


def test_labels_fall_back_to_english(mini: FormDefinition) -> None:
    name = mini.question("initiative_name")
    assert name is not None
    assert mini.label(name, "es") == "¿Cómo se llama tu iniciativa?"
    assert mini.label(name, "fr") == "What is your initiative called?"
    assert mini.short_label(name, "es") == "Nombre"
    assert mini.text({"es": "solo"}, "en") == "solo"
    assert mini.text(None, "en") == ""


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "questions: [ {name: a\n")
    with pytest.raises(DefinitionError, match=r"form\.yaml: not valid YAML"):
        load_definition(path)


def test_unknown_key_names_the_question(tmp_path: Path) -> None:
    body = """
questions:
  - {name: ok, section: s, type: text, label: {en: A, es: A}}
  - {name: goals, section: s, type: text, requried: true, label: {en: B, es: B}}
"""
    with pytest.raises(DefinitionError) as caught:
        load_definition(_write(tmp_path, body))
    message = str(caught.value)
    assert "form.yaml" in message
    assert "question 'goals'" in message
    assert "requried" in message


def test_bad_type_and_missing_spec_are_reported(tmp_path: Path) -> None:
    body = """
questions:
  - {name: a, section: s, type: date, label: {en: A}}
  - {name: b, section: s, type: repeat, label: {en: B}}
  - {name: c, section: s, type: select_one, label: {en: C}}
"""
    with pytest.raises(DefinitionError) as caught:
        load_definition(_write(tmp_path, body))
    message = str(caught.value)
    assert "question 'a'" in message
    assert "question 'b'" in message
    assert "question 'c'" in message
    assert "a repeat needs" in message
    assert "needs `choices" in message


def test_nested_repeat_is_refused(tmp_path: Path) -> None:
    body = """
questions:
  - name: outer
    section: s
    type: repeat
    label: {en: O}
    repeat: {max: 2}
    questions:
      - name: inner
        type: repeat
        label: {en: I}
        repeat: {max: 2}
        questions: [{name: deep, type: text, label: {en: D}}]
"""
    with pytest.raises(DefinitionError, match="cannot be nested"):
        load_definition(_write(tmp_path, body))


def test_missing_file_and_non_mapping(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot read"):
        load_definition(tmp_path / "absent.yaml")
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="expected a mapping"):
        load_definition(path)


def test_choice_errors_name_the_list(tmp_path: Path) -> None:
    body = """
questions:
  - {name: a, section: s, type: select_one, choices: colours, label: {en: A}}
choices:
  colours:
    - {name: red, label: {en: Red}}
    - {name: blue, lable: {en: Blue}}
"""
    with pytest.raises(DefinitionError) as caught:
        load_definition(_write(tmp_path, body))
    assert "choices.colours[1] ('blue')" in str(caught.value)
    assert "lable" in str(caught.value)
