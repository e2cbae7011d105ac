"""The Fråga (Ask) view: an answer dict of :meth:`Engine.ask` rendered as HTML.

The summary says plainly when the engine abstains or is unsure; facts are cards (actor →
duty → law → target group, with the date and the quoted words); each graph path is a
the answer's evidence graph (:mod:`vemgorvad.ui.views.evidence`) draws what the facts and
paths stood on; the cited passages show their rank and a plain-language strength (from
the calibrated score, thresholds in ``locales/strength.json``), the answering sentence
in ``<mark class='vgv-evidence'>``, the facts' quoted words in ``<mark class='vgv-quote'>``
and a link that opens them in the Källa view. Statements the extractor found (not a
person) carry a mark "automatiskt funnen".
"""

from __future__ import annotations

from typing import Any

from vemgorvad import settings
from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.qa.answer import TEXTS as ENGINE_TEXTS
from vemgorvad.qa.facts import english_name
from vemgorvad.ui.views.html import (
    actor_badge,
    e,
    extracted_mark,
    find_quote,
    mark,
    passage_link,
)
from vemgorvad.ui.views.i18n import pick, strength, t

UNCERTAIN_PREFIXES = tuple(words["uncertain"] for words in ENGINE_TEXTS.values())
"""How the engine begins a summary it is unsure of."""

QUOTE_MARK = "<mark class='vgv-quote'>"
EVIDENCE_MARK = "<mark class='vgv-evidence'>"

SHOWN_PASSAGES = 5
"""How many passages a person reads (the answer contract's "first five")."""


def status(answer: dict[str, Any]) -> str:
    """ "abstain", "uncertain" or "answer"."""
    if not answer.get("answerable"):
        return "abstain"
    confidence = answer.get("confidence")
    if (confidence is not None and confidence < settings.UNCERTAIN_BELOW) or str(
        answer.get("summary", "")
    ).startswith(UNCERTAIN_PREFIXES):
        return "uncertain"
    return "answer"


def _strength_badge(score: Any, lang: str) -> str:
    level = strength(float(score)) if isinstance(score, int | float) else None
    if level is None:
        return ""
    return (
        f"<span class='vgv-strength vgv-strength-{level}' data-strength='{level}'>"
        f"{e(t(lang, f'strength_{level}'))}</span>"
    )


def render_summary(answer: dict[str, Any], lang: str) -> str:
    """The summary in a box that says whether it is an answer, uncertain or an abstention,
    how strong the best match is, and, when the question is in another language than the
    page, that the answer follows the question's language."""
    kind = status(answer)
    title = {"abstain": "abstain_title", "uncertain": "uncertain_title"}.get(kind, "answer_title")
    summary = str(answer.get("summary", ""))
    if kind == "uncertain":
        for prefix in UNCERTAIN_PREFIXES:
            summary = summary.removeprefix(prefix).strip()
    icon = {"abstain": "⊘", "uncertain": "⚠", "answer": "✓"}[kind]
    meta = _strength_badge(answer.get("confidence"), lang) if kind != "abstain" else ""
    language = str(answer.get("language") or lang)
    note = ""
    if language != lang and language in ("sv", "en"):
        note = (
            f"<div class='vgv-meta vgv-lang-note' data-answer-lang='{e(language)}'>"
            f"{e(t(lang, 'answer_language', question_language=t(lang, f'lang_name_{language}')))}</div>"
        )
    return (
        f"<div class='vgv-summary vgv-{kind}' data-status='{kind}' role='status'>"
        f"<div class='vgv-summary-title'>{icon} {e(t(lang, title))} {meta}</div>"
        f"<div class='vgv-summary-text' lang='{e(language)}'>{e(summary)}</div>{note}</div>"
    )


def _category(kg: KnowledgeGraph | None, iri: str) -> str | None:
    entity = kg.entity(iri) if kg is not None else None
    return entity.category if entity is not None else None


def _law_label(law: dict[str, Any], lang: str) -> str:
    label = pick(law, lang)
    citation = law.get("citation")
    if citation and citation not in label:
        return f"{label} ({citation})"
    return label


def fact_language(fact: dict[str, Any], lang: str) -> str:
    """The language a fact is said in: a statement found in a Swedish text has no English,
    and its subject is then named in Swedish too, not half in each language (a citation
    is said in the answer's language).

    >>> fact_language({"kind": "duty", "statement": "ska samverka", "statement_en": None}, "en")
    'sv'
    """
    if lang == "en" and not fact.get("statement_en") and fact.get("kind") != "citation":
        return "sv"
    return lang


def fact_subject(fact: dict[str, Any], lang: str) -> str:
    """What a fact's statement is said of, as a reader names it: its actor, or the
    strategy or law it is about; empty when the statement names it itself ("Palermo-
    protokollet antogs …") or the fact has none (a citation: its passage is the subject).

    >>> fact_subject({"actor": None, "subject": {"label": "Nationella strategin"},
    ...               "statement": "presenterades av regeringen"}, "sv")
    'Nationella strategin'
    """
    lang = fact_language(fact, lang)
    subject = fact.get("actor") or fact.get("subject")
    name = pick(subject, lang)
    return "" if name and name in pick(fact, lang, "statement") and not fact.get("actor") else name


def fact_text(fact: dict[str, Any], lang: str, name: str) -> str:
    """A fact as a line of text: its statement after its subject's ``name``, a finding
    as its assessor's ("Enligt Socialförvaltningen: …").

    >>> fact_text({"kind": "assessment", "statement": "arbetet behöver bli långsiktigt"},
    ...           "sv", "Socialförvaltningen")
    'Enligt Socialförvaltningen: arbetet behöver bli långsiktigt'
    """
    lang = fact_language(fact, lang)
    statement = pick(fact, lang, "statement")
    if lang == "en" and name and fact.get("kind") != "citation":
        name = english_name(name)
    if fact.get("kind") == "assessment" and name:
        return ENGINE_TEXTS[lang]["assessment"].format(name=name, statement=statement)
    text = f"{name} {statement}" if name else statement
    return text[:1].upper() + text[1:]


def _fact_head(fact: dict[str, Any], lang: str, kg: KnowledgeGraph | None) -> str:
    """Who → what → whom. A citation has no actor: its passage is what is a section of
    a law or cites one, and its statement names the law already ("är ur Socialtjänstlagen"),
    so no arrow repeats it."""
    lang = fact_language(fact, lang)
    actor = fact.get("actor") or {}
    statement = pick(fact, lang, "statement")
    passage_id = (fact.get("source") or {}).get("passage_id")
    name = pick(actor, lang) if actor.get("id") else fact_subject(fact, lang)
    if actor.get("id"):
        head = actor_badge(actor["id"], name, _category(kg, actor["id"]))
    elif fact.get("kind") == "citation":
        head = passage_link(passage_id)
    else:
        head = f"<b>{e(name)}</b>" if name else ""
    obj = fact.get("object") or {}
    arrow = ""
    named = not actor.get("id") and pick(obj, lang) in statement
    if obj.get("id") and not named:
        category = _category(kg, obj["id"])
        target = (
            actor_badge(obj["id"], pick(obj, lang), category)
            if category
            else f"<b>{e(pick(obj, lang))}</b>"
        )
        arrow = f" <span class='vgv-arrow'>→</span> {target}"
    mark_extracted = extracted_mark(fact, lang)
    said = f"<span class='vgv-statement'>{e(statement)}</span>"
    assessment = fact.get("kind") == "assessment" and head
    if lang == "en" and head and name and english_name(name) != name:
        # "The Social Welfare Committee …", "According to the …", as the sentence says it
        head = f"{'the' if assessment else 'The'} {head}"
    if assessment:  # a finding is its assessor's
        text = e(ENGINE_TEXTS[lang]["assessment"]).format(name=head, statement=said)
    else:
        text = f"{head} {said}" if head else said
    return f"<div class='vgv-fact-head'>{text}{arrow}{mark_extracted}</div>"


def _fact_meta(fact: dict[str, Any], lang: str) -> str:
    parts = []
    if fact.get("laws"):
        laws = ", ".join(
            f"<span class='vgv-law'>{e(_law_label(law, lang))}</span>" for law in fact["laws"]
        )
        parts.append(f"<span class='vgv-k'>{e(t(lang, 'law'))}:</span> {laws}")
    if fact.get("target_groups"):
        groups = ", ".join(
            f"<span class='vgv-group'>{e(pick(group, lang))}</span>"
            for group in fact["target_groups"]
        )
        parts.append(f"<span class='vgv-k'>{e(t(lang, 'group'))}:</span> {groups}")
    if fact.get("since"):
        parts.append(f"<span class='vgv-k'>{e(t(lang, 'since'))}:</span> {e(fact['since'])}")
    return f"<div class='vgv-meta'>{' · '.join(parts)}</div>" if parts else ""


def render_facts(answer: dict[str, Any], lang: str = "sv", kg: KnowledgeGraph | None = None) -> str:
    """The answer's facts as cards: actor → statement → object, law, target group, date;
    a statement the extractor found is marked so (``data-extracted='1'``)."""
    facts = answer.get("facts") or []
    if not facts:
        return ""
    cards = []
    for fact in facts:
        source = fact.get("source") or {}
        quote = ""
        if source.get("quote"):
            link = passage_link(source.get("passage_id"), t(lang, "show_in_source"))
            quote = (
                f"<div class='vgv-quote-line'><q lang='sv'>{e(source['quote'])}</q> "
                f"<span class='vgv-meta'>{link}</span></div>"
            )
        extracted = int(bool(fact.get("extracted")))
        cards.append(
            f"<div class='vgv-card vgv-fact' data-fact='{e(fact.get('id'))}' data-extracted='{extracted}'>"
            + _fact_head(fact, lang, kg)
            + _fact_meta(fact, lang)
            + quote
            + "</div>"
        )
    return f"<h3 class='vgv-h'>{e(t(lang, 'facts'))}</h3>" + "".join(cards)


def _quotes(answer: dict[str, Any]) -> dict[str, list[str]]:
    quotes: dict[str, list[str]] = {}
    for fact in answer.get("facts") or []:
        source = fact.get("source") or {}
        if source.get("passage_id") and source.get("quote"):
            quotes.setdefault(source["passage_id"], []).append(source["quote"])
    for path in answer.get("paths") or []:
        for edge in path[1::2]:
            if edge.get("passage_id") and edge.get("quote"):
                quotes.setdefault(edge["passage_id"], []).append(edge["quote"])
    return quotes


def _passage_text(text: str, sentences: list[str], quotes: list[str]) -> str:
    """A passage with its answering sentences marked, and else the facts' quotes."""
    evidence = [span for sentence in sentences for span in find_quote(text, sentence)]
    quoted = [
        span
        for quote in quotes
        for span in find_quote(text, quote)
        if not any(start <= span[0] and span[1] <= end for start, end in evidence)
    ]
    marks = [(start, end, EVIDENCE_MARK) for start, end in evidence]
    marks += [(start, end, QUOTE_MARK) for start, end in quoted]
    out, position = [], 0
    for start, end, opening in sorted(marks):
        if start < position:
            continue
        out.append(mark(text[position:start], []))
        out.append(mark(text[start:end], [(0, end - start)], opening))
        position = end
    out.append(mark(text[position:], []))
    return "".join(out)


def render_passages(answer: dict[str, Any], lang: str = "sv", limit: int = SHOWN_PASSAGES) -> str:
    """The first passages with rank and strength, the answering sentence marked, each
    linked to the Källa view."""
    quotes = _quotes(answer)
    sentences: dict[str, list[str]] = {}
    for item in answer.get("evidence") or []:
        if item.get("passage_id") and item.get("text"):
            sentences.setdefault(item["passage_id"], []).append(item["text"])
    cards = []
    for rank, passage in enumerate((answer.get("passages") or [])[:limit], start=1):
        text = str(passage.get("text", ""))
        meta = " · ".join(
            part
            for part in (
                f"<b class='vgv-rank'>{e(t(lang, 'rank', rank=rank))}</b>",
                _strength_badge(passage.get("score"), lang),
                f"<span lang='sv'>{e(passage.get('document'))}</span>",
                f"<span lang='sv'>{e(passage.get('section'))}</span>"
                if passage.get("section")
                else "",
                passage_link(passage["id"], t(lang, "show_in_source")),
            )
            if part
        )
        answering = " data-answering='1'" if sentences.get(passage["id"]) else ""
        cards.append(
            f"<div class='vgv-card vgv-passage' data-passage='{e(passage['id'])}' data-rank='{rank}'{answering}>"
            f"<div class='vgv-meta'>{meta}</div>"
            f"<div class='vgv-passage-text' lang='sv'>"
            f"{_passage_text(text, sentences.get(passage['id'], []), quotes.get(passage['id'], []))}</div>"
            f"<div class='vgv-meta vgv-pid'><code>{e(passage['id'])}</code></div></div>"
        )
    if not cards:
        return ""
    return f"<h3 class='vgv-h'>{e(t(lang, 'passages'))}</h3>" + "".join(cards)
