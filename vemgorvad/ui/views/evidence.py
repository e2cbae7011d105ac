"""The evidence graph of an answer: what it stood on, drawn as a small graph.

The nodes are the actors, duties, laws and target groups of the answer's facts and of its
graph paths; the edges are the relations the answer used, each pointing the way the
graph states it (a path step ``^funds`` from Ebbamottagningen to Socialnämnden is drawn
as Socialnämnden → Ebbamottagningen, "finansierar"). Every node and edge carries the
passage it comes from, so a click opens it in the Källa view (``data-vgv-passage``).

:func:`evidence_graph` makes the model (plain data, also useful to a test or a script),
:func:`layout` places it in three columns — who, what, under which law and for whom —
and :func:`render_evidence_graph` draws it as SVG.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.ui.viewmodels.common import ACTOR_STYLES, OTHER_STYLE, passage_anchor
from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import pick, t

COLUMN_OF = {"actor": 0, "duty": 1, "law": 2, "group": 2}
"""Where a node kind stands: who, what, under which law / for whom."""

COLUMN_WIDTH = (190, 270, 210)
COLUMN_GAP = 150
LEFT_MARGIN = 130
"""Room left of the actors for the arcs between them and their labels."""
LINE_HEIGHT = 15
NODE_GAP = 14
PAD = 12
CHARS = {0: 24, 1: 36, 2: 27}
"""Characters per line in each column's nodes (12 px text)."""
MAX_LINES = 3

LAW_COLOUR = "#334155"
GROUP_COLOUR = "#0f766e"
EDGE_COLOUR = "#57606a"
LABEL_COLOUR = "#4c1d95"


@dataclass
class Node:
    id: str
    kind: str  # actor | duty | law | group
    label: str
    passage_id: str | None
    category: str | None = None
    extracted: bool = False
    column: int = 0
    x: float = 0.0
    y: float = 0.0
    lines: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        return float(COLUMN_WIDTH[self.column])

    @property
    def height(self) -> float:
        return len(self.lines) * LINE_HEIGHT + 12


@dataclass
class Edge:
    source: str
    target: str
    label: str
    passage_id: str | None
    extracted: bool = False


@dataclass
class EvidenceGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def node(self, node: Node) -> str:
        if node.id not in self.nodes:
            self.nodes[node.id] = node
        elif node.passage_id and not self.nodes[node.id].passage_id:
            self.nodes[node.id].passage_id = node.passage_id
        return node.id

    def through_duty(self, source: str, target: str) -> bool:
        """Whether a duty of ``source`` already leads to ``target``."""
        duties = {x.target for x in self.edges if x.source == source}
        return any(
            x.source in duties and x.target == target and self.nodes[x.source].kind == "duty"
            for x in self.edges
        )

    def edge(self, edge: Edge) -> None:
        key = (edge.source, edge.target, edge.label)
        if edge.source != edge.target and all(
            (old.source, old.target, old.label) != key for old in self.edges
        ):
            self.edges.append(edge)


def _entity_kind(kg: KnowledgeGraph | None, iri: str) -> tuple[str, str | None]:
    entity = kg.entity(iri) if kg is not None else None
    if entity is None:
        return "group", None
    if entity.kind == "actor":
        return "actor", entity.category
    if entity.kind in ("law", "provision"):
        return "law", None
    return "group", None


def _relation_text(relation: str, lang: str, labels: dict[str, dict[str, Any]]) -> str:
    name = relation.lstrip("^")
    if name in labels:
        return pick(labels[name], lang)
    key = f"relation_{name}"
    text = t(lang, key)
    return name if text == key else text


def _ref_node(
    kg: KnowledgeGraph | None, ref: dict[str, Any], lang: str, passage_id: str | None
) -> Node:
    kind, category = _entity_kind(kg, str(ref["id"]))
    label = pick(ref, lang)
    entity = kg.entity(str(ref["id"])) if kg is not None else None
    provision = entity is not None and entity.kind == "provision"
    if kind == "law" and not provision and ref.get("citation") and ref["citation"] not in label:
        label = f"{label} ({ref['citation']})"
    return Node(str(ref["id"]), kind, label, passage_id, category)


def _add_fact(
    graph: EvidenceGraph,
    fact: dict[str, Any],
    lang: str,
    kg: KnowledgeGraph | None,
    labels: dict[str, dict[str, Any]],
) -> None:
    passage = (fact.get("source") or {}).get("passage_id")
    extracted = bool(fact.get("extracted"))
    actor = fact.get("actor") or {}
    obj = fact.get("object") or {}
    subject = graph.node(_ref_node(kg, actor, lang, passage)) if actor.get("id") else None
    if fact.get("kind") in ("relationship", "citation"):
        if obj.get("id"):
            target = graph.node(_ref_node(kg, obj, lang, passage))
            if subject:
                text = _relation_text(str(fact.get("relation", "")), lang, labels)
                graph.edge(Edge(subject, target, text, passage, extracted))
        return
    duty = graph.node(
        Node(
            str(fact.get("id") or f"fact-{len(graph.nodes)}"),
            "duty",
            pick(fact, lang, "statement"),
            passage,
            extracted=extracted,
        )
    )
    if subject:
        verb = "eg_assesses" if fact.get("kind") == "assessment" else "eg_has_duty"
        graph.edge(Edge(subject, duty, t(lang, verb), passage, extracted))
    for law in fact.get("laws") or []:
        graph.edge(
            Edge(
                duty,
                graph.node(_ref_node(kg, law, lang, passage)),
                t(lang, "eg_under"),
                passage,
                extracted,
            )
        )
    for group in fact.get("target_groups") or []:
        graph.edge(
            Edge(
                duty,
                graph.node(_ref_node(kg, group, lang, passage)),
                t(lang, "eg_for"),
                passage,
                extracted,
            )
        )


def _add_path(
    graph: EvidenceGraph,
    path: list[dict[str, Any]],
    lang: str,
    kg: KnowledgeGraph | None,
    labels: dict[str, dict[str, Any]],
) -> None:
    for i in range(0, len(path) - 2, 2):
        left, step, right = path[i], path[i + 1], path[i + 2]
        passage = step.get("passage_id")
        a = graph.node(_ref_node(kg, left, lang, passage))
        b = graph.node(_ref_node(kg, right, lang, passage))
        relation = str(step.get("relation", ""))
        source, target = (b, a) if relation.startswith("^") else (a, b)
        if graph.through_duty(source, target):
            continue  # already drawn: the actor → its duty → that law or group
        graph.edge(Edge(source, target, _relation_text(relation, lang, labels), passage))


def evidence_graph(
    answer: dict[str, Any], lang: str = "sv", kg: KnowledgeGraph | None = None
) -> EvidenceGraph:
    """The graph an answer stood on: its facts' entities and duties, and its paths' edges.

    Args:
        answer: an answer of :meth:`Engine.ask`.
        lang: the reader's language (labels, relation names, duty statements).
        kg: the knowledge graph, for each entity's kind and colour and the relations' names.

    Returns:
        the nodes (by id) and directed edges, not yet placed (see :func:`layout`).
    """
    from vemgorvad.graph.walks import relation_labels

    labels = relation_labels(kg) if kg is not None else {}
    graph = EvidenceGraph()
    if not answer.get("answerable"):
        return graph
    for fact in answer.get("facts") or []:
        _add_fact(graph, fact, lang, kg, labels)
    for path in answer.get("paths") or []:
        _add_path(graph, path, lang, kg, labels)
    return graph


def layout(graph: EvidenceGraph) -> tuple[float, float]:
    """Place the nodes in columns (actors that act on the left; actors only acted upon
    in the middle with the duties; laws and groups on the right). Returns (width, height)."""
    acting = {edge.source for edge in graph.edges}
    for node in graph.nodes.values():
        column = COLUMN_OF[node.kind]
        if node.kind == "actor" and node.id not in acting:
            column = 1
        node.column = column
        wrapped = textwrap.wrap(node.label, CHARS[column]) or [""]
        if len(wrapped) > MAX_LINES:
            wrapped = wrapped[:MAX_LINES]
            wrapped[-1] = wrapped[-1][: CHARS[column] - 1].rstrip() + "…"
        node.lines = wrapped
    left = PAD + (
        LEFT_MARGIN
        if any(
            graph.nodes[x.source].column == graph.nodes[x.target].column == 0 for x in graph.edges
        )
        else 0
    )
    xs = [left + sum(COLUMN_WIDTH[:c]) + COLUMN_GAP * c for c in range(3)]
    heights = []
    order = {node_id: i for i, node_id in enumerate(graph.nodes)}
    for column in range(3):
        y = PAD + 20.0
        for node in sorted(
            (n for n in graph.nodes.values() if n.column == column),
            key=lambda n: (_barycentre(graph, n, order), order[n.id]),
        ):
            node.x, node.y = xs[column], y
            y += node.height + NODE_GAP
        heights.append(y)
    used = [c for c in range(3) if any(n.column == c for n in graph.nodes.values())]
    right = max((xs[c] + COLUMN_WIDTH[c] for c in used), default=0.0)
    return right + PAD + 40, max(heights) + PAD


def _barycentre(graph: EvidenceGraph, node: Node, order: dict[str, int]) -> float:
    """The mean height of the placed nodes of earlier columns that point at a node (a
    column sorted by it crosses fewer edges); a node with none keeps its order."""
    heights = [
        graph.nodes[edge.source].y
        for edge in graph.edges
        if edge.target == node.id and graph.nodes[edge.source].column < node.column
    ]
    if not heights:
        return 1e6 + order[node.id]
    return sum(heights) / len(heights)


def _anchor_attr(passage_id: str | None) -> str:
    if not passage_id:
        return ""
    return f" data-vgv-passage='{e(passage_anchor(passage_id))}' tabindex='0' role='link'"


def _node_svg(node: Node) -> str:
    if node.kind == "actor":
        fill, ink, stroke = ACTOR_STYLES.get(node.category or "", OTHER_STYLE)[1], "#ffffff", "none"
    elif node.kind == "law":
        fill, ink, stroke = LAW_COLOUR, "#ffffff", "none"
    elif node.kind == "group":
        fill, ink, stroke = GROUP_COLOUR, "#ffffff", "none"
    else:
        fill, ink, stroke = "#ffffff", "#1f2937", "#6b7280"
    dash = " stroke-dasharray='5 3'" if node.extracted else ""
    lines = "".join(
        f"<tspan x='{node.x + 8:.0f}' y='{node.y + 18 + i * LINE_HEIGHT:.0f}'>{e(line)}</tspan>"
        for i, line in enumerate(node.lines)
    )
    return (
        f"<g class='vgv-eg-node vgv-eg-{node.kind}' data-kind='{node.kind}'"
        f" data-extracted='{int(node.extracted)}'{_anchor_attr(node.passage_id)}>"
        f"<title>{e(node.label)}</title>"
        f"<rect x='{node.x:.0f}' y='{node.y:.0f}' rx='6' width='{node.width:.0f}' "
        f"height='{node.height:.0f}' fill='{fill}' stroke='{stroke}' stroke-width='1.2'{dash}/>"
        f"<text font-size='12' fill='{ink}'>{lines}</text></g>"
    )


def _edge_points(a: Node, b: Node) -> tuple[str, float, float, str]:
    """An SVG path from node a to node b ending at b's edge, and its label's place."""
    ay, by = a.y + a.height / 2, b.y + b.height / 2
    if a.column < b.column:
        x1, x2 = a.x + a.width, b.x
        bend = (x2 - x1) / 2
        d = f"M{x1:.0f},{ay:.0f} C{x1 + bend:.0f},{ay:.0f} {x2 - bend:.0f},{by:.0f} {x2 - 2:.0f},{by:.0f}"
        return d, (x1 + x2) / 2, (ay + by) / 2 - 4, "middle"
    if a.column > b.column:
        x1, x2 = a.x, b.x + b.width
        bend = (x1 - x2) / 2
        d = f"M{x1:.0f},{ay:.0f} C{x1 - bend:.0f},{ay:.0f} {x2 + bend:.0f},{by:.0f} {x2 + 2:.0f},{by:.0f}"
        return d, (x1 + x2) / 2, (ay + by) / 2 - 4, "middle"
    reach = 36 + abs(by - ay) * 0.2
    if a.column == 0:  # who acts on whom: an arc in the margin left of the actors
        x = a.x
        d = f"M{x:.0f},{ay:.0f} C{x - reach:.0f},{ay:.0f} {x - reach:.0f},{by:.0f} {x - 2:.0f},{by:.0f}"
        return d, x - reach * 0.75 - 3, (ay + by) / 2 + 4, "end"
    x = a.x + a.width
    d = f"M{x:.0f},{ay:.0f} C{x + reach:.0f},{ay:.0f} {x + reach:.0f},{by:.0f} {x + 2:.0f},{by:.0f}"
    return d, x + reach * 0.75 + 3, (ay + by) / 2 + 4, "start"


def _label_places(graph: EvidenceGraph) -> list[tuple[str, float, float, str]]:
    """Each edge's path and label place, labels moved down until none overlaps another."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for edge in graph.edges:
        d, x, y, anchor = _edge_points(graph.nodes[edge.source], graph.nodes[edge.target])
        width = len(edge.label) * 6.0 + 4
        left = {"start": x, "end": x - width}.get(anchor, x - width / 2)
        while any(
            left < r and left + width > l_ and y - 11 < b and y + 2 > t_ for l_, t_, r, b in placed
        ):
            y += 12
        placed.append((left, y - 11, left + width, y + 2))
        out.append((d, x, y, anchor))
    return out


def _edge_svg(
    edge: Edge, graph: EvidenceGraph, marker: str, place: tuple[str, float, float, str]
) -> str:
    a, b = graph.nodes[edge.source], graph.nodes[edge.target]
    d, lx, ly, anchor = place
    dash = " stroke-dasharray='6 4'" if edge.extracted else ""
    return (
        f"<g class='vgv-eg-edge' data-from='{e(edge.source)}' data-to='{e(edge.target)}'"
        f" data-extracted='{int(edge.extracted)}'{_anchor_attr(edge.passage_id)}>"
        f"<title>{e(a.label)} → {e(edge.label)} → {e(b.label)}</title>"
        f"<path d='{d}' fill='none' stroke='{EDGE_COLOUR}' stroke-width='1.4'{dash} "
        f"marker-end='url(#{marker})'/>"
        f"<path d='{d}' fill='none' stroke='transparent' stroke-width='10'/>"
        f"<text x='{lx:.0f}' y='{ly:.0f}' text-anchor='{anchor}' font-size='11' "
        f"fill='{LABEL_COLOUR}' stroke='#ffffff' stroke-width='3' paint-order='stroke'>"
        f"{e(edge.label)}</text></g>"
    )


def _legend(lang: str, extracted: bool) -> str:
    items = [
        (ACTOR_STYLES["MunicipalActor"][1], "eg_legend_actor"),
        ("#ffffff", "eg_legend_duty"),
        (LAW_COLOUR, "eg_legend_law"),
        (GROUP_COLOUR, "eg_legend_group"),
    ]
    parts = [
        f"<span class='vgv-eg-key'><i style='background:{colour}'></i>{e(t(lang, key))}</span>"
        for colour, key in items
    ]
    if extracted:
        parts.append(
            f"<span class='vgv-eg-key vgv-eg-key-dashed'>{e(t(lang, 'eg_legend_extracted'))}</span>"
        )
    return f"<div class='vgv-meta vgv-eg-legend'>{''.join(parts)}</div>"


def render_evidence_graph(
    answer: dict[str, Any], lang: str = "sv", kg: KnowledgeGraph | None = None
) -> str:
    """The evidence graph as an SVG drawing with a legend ("" when the answer has none)."""
    graph = evidence_graph(answer, lang, kg)
    if not graph.nodes:
        return ""
    width, height = layout(graph)
    marker = "vgv-eg-arrow"
    drawing = (
        f"<svg class='vgv-eg-svg' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width:.0f} {height:.0f}' "
        f"width='{width:.0f}' height='{height:.0f}' role='img' aria-label='{e(t(lang, 'evidence_graph'))}'>"
        f"<defs><marker id='{marker}' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='8' "
        f"markerHeight='8' orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='{EDGE_COLOUR}'/></marker></defs>"
        + "".join(
            _edge_svg(edge, graph, marker, place)
            for edge, place in zip(graph.edges, _label_places(graph), strict=True)
        )
        + "".join(_node_svg(node) for node in graph.nodes.values())
        + "</svg>"
    )
    extracted = any(n.extracted for n in graph.nodes.values()) or any(
        x.extracted for x in graph.edges
    )
    return (
        f"<h3 class='vgv-h'>{e(t(lang, 'evidence_graph'))}</h3>"
        f"<p class='vgv-meta'>{e(t(lang, 'evidence_graph_intro'))}</p>"
        f"<figure class='vgv-card vgv-eg' data-nodes='{len(graph.nodes)}' data-edges='{len(graph.edges)}'>"
        f"<div class='vgv-eg-scroll'>{drawing}</div>{_legend(lang, extracted)}</figure>"
    )
