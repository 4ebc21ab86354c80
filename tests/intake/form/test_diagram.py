"""The Mermaid diagram: sections as subgraphs, conditions on edges, repeat loops, review last."""

from __future__ import annotations

from intake.form.definition import FormDefinition
from intake.form.diagram import mermaid


def test_diagram_structure(mini: FormDefinition) -> None:
    text = mermaid(mini)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '    subgraph s_about["About"]' in lines
    assert '    subgraph s_people["People"]' in lines
    assert lines.count("    end") == 4  # three sections and the repeat item
    assert '    q_initiative_name["What is your initiative called?"]' in lines
    assert "    q_welcome --> q_initiative_name" in lines
    assert "    q_systems -->|\"selected(systems, 'food')\"| q_food_detail" in lines
    assert "    q_systems -.->|\"not: selected(systems, 'food')\"| q_stage" in lines
    assert "    q_food_detail --> q_stage" in lines


def test_repeat_is_a_loop_and_review_ends(mini: FormDefinition) -> None:
    lines = mermaid(mini).splitlines()
    assert '    q_stakeholders{{"Who takes part?"}}' in lines
    assert '    q_stakeholders -->|"add"| q_st_name' in lines
    assert "    q_st_note --> q_stakeholders" in lines
    assert '    q_stakeholders -->|"count(stakeholders) #gt; 0"| q_story' in lines
    assert "    q_story --> review" in lines
    assert '    review -->|"submit"| submitted' in lines


def test_diagram_is_localized_and_escaped(mini: FormDefinition) -> None:
    text = mermaid(mini, language="es")
    assert 'subgraph s_about["Acerca de"]' in text
    assert '"¿Cómo se llama tu iniciativa?"' in text
    data = mini.model_dump()
    data["questions"][1]["label"]["en"] = 'Say "hi" <b>' + " and more" * 10
    text = mermaid(FormDefinition.model_validate(data))
    node = next(line for line in text.splitlines() if line.startswith("    q_initiative_name["))
    assert node.startswith('    q_initiative_name["Say #quot;hi#quot; #lt;b#gt; and more')
    assert node.endswith('…"]')
