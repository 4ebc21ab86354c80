"""A Mermaid flowchart of the interview, generated from the definition.

Authors and reviewers reason about branching far better from a picture than from YAML; generating
it means the picture can never drift from the form the engine actually runs. Sections become
subgraphs, conditional questions get edges labelled with their condition (and a dotted bypass),
repeat groups become a menu node with a loop through the inner questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.form.definition import FormDefinition, Question

LABEL_MAX = 60


@dataclass(frozen=True)
class _Source:
    """A node the flow can come from; `bypass` marks the path taken when a question is skipped."""

    node: str
    bypass: str | None = None
    label: str | None = None


def _escape(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > LABEL_MAX:
        text = text[: LABEL_MAX - 1] + "…"
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _edge(source: _Source, target: str, label: str | None = None) -> str:
    if source.bypass is not None:
        return f'    {source.node} -.->|"not: {_escape(source.bypass)}"| {target}'
    label = label or source.label
    if label:
        return f'    {source.node} -->|"{_escape(label)}"| {target}'
    return f"    {source.node} --> {target}"


def _flow(
    lines: list[str], sources: list[_Source], node: str, question: Question
) -> list[_Source]:
    """Connect `sources` to `node`; a conditional question also lets the flow pass it by."""
    for source in sources:
        lines.append(_edge(source, node, question.relevant))
    if question.relevant:
        return [_Source(node), *[_Source(s.node, question.relevant) for s in sources]]
    return [_Source(node)]


def mermaid(definition: FormDefinition, language: str = "en") -> str:
    """The interview as a `flowchart TD` in Mermaid syntax, labels in `language`."""
    nodes: list[str] = ["flowchart TD", '    start(["Start"])']
    edges: list[str] = []
    sources = [_Source("start")]
    by_section: dict[str | None, list[Question]] = {}
    for question in definition.questions:
        by_section.setdefault(question.section, []).append(question)
    for section_name, questions in by_section.items():
        section = definition.section(section_name)
        title = definition.text(section.title, language) if section else str(section_name)
        nodes.append(f'    subgraph s_{section_name}["{_escape(title)}"]')
        for question in questions:
            nodes.extend(_nodes(definition, question, language))
        nodes.append("    end")
    for question in definition.questions:
        if question.type == "repeat":
            menu = f"q_{question.name}"
            sources = _flow(edges, sources, menu, question)
            inner_sources = [_Source(menu, label="add")]
            for inner in question.questions:
                inner_sources = _flow(edges, inner_sources, f"q_{inner.name}", inner)
            for source in inner_sources:
                edges.append(_edge(source, menu))
            sources = [_Source(menu, label="done"), *sources[1:]]
        else:
            sources = _flow(edges, sources, f"q_{question.name}", question)
    nodes.append('    review[["Review"]]')
    nodes.append('    submitted(["Submitted"])')
    for source in sources:
        edges.append(_edge(source, "review"))
    edges.append('    review -->|"submit"| submitted')
    edges.append('    review -.->|"edit"| start')
    return "\n".join([*nodes, *edges]) + "\n"


def _nodes(definition: FormDefinition, question: Question, language: str) -> list[str]:
    label = _escape(definition.label(question, language))
    node = f"q_{question.name}"
    if question.type == "repeat":
        lines = [f'    {node}{{{{"{label}"}}}}']
        lines.append(f'    subgraph r_{question.name}["{_escape(question.name)} item"]')
        for inner in question.questions:
            inner_label = _escape(definition.label(inner, language))
            lines.append(f'    q_{inner.name}["{inner_label}"]')
        lines.append("    end")
        return lines
    if question.type == "note":
        return [f'    {node}>"{label}"]']
    return [f'    {node}["{label}"]']
