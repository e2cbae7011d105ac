"""Measuring answers against a question file (``shared/spec/answer-contract.md``).

Each metric is computed over the questions it applies to: passage metrics over those
with a gold passage, actor and law recall over those with gold actors or laws,
abstention over all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from vemgorvad.text import fold


def read_questions(path: Path) -> list[dict[str, Any]]:
    """Read a question file (JSON Lines), with a clear error naming a bad line."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from error
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise ValueError(f'{path}:{number}: needs an object with a "question" string')
        questions.append(item)
    return questions


def first_gold_rank(answer: dict[str, Any], gold: list[str], depth: int = 10) -> int | None:
    """The 1-based rank of the first passage holding a gold substring, or None."""
    needles = [fold(g) for g in gold]
    for rank, passage in enumerate(answer["passages"][:depth], start=1):
        text = fold(passage["text"])
        if any(n in text for n in needles):
            return rank
    return None


def evidence_holds(answer: dict[str, Any], gold: list[str]) -> bool:
    """Whether the answer's evidence sentences (up to three, joined) hold a gold substring."""
    joined = fold(" ".join(e["text"] for e in (answer.get("evidence") or [])[:3]))
    return bool(joined) and any(fold(g) in joined for g in gold)


def _names(ref: dict[str, Any] | None) -> set[str]:
    if not ref:
        return set()
    return {fold(ref["label"]), *(fold(a) for a in ref.get("alt_labels", []))}


def answer_actors(answer: dict[str, Any]) -> list[set[str]]:
    """The names of every actor an answer gives, in facts and in paths."""
    found = []
    for fact in answer["facts"]:
        found.append(_names(fact.get("actor")))
        obj = fact.get("object")
        if obj and "citation" not in obj:
            found.append(_names(obj))
    for path in answer["paths"]:
        found.extend(_names(step) for step in path if "label" in step)
    return [names for names in found if names]


def answer_laws(answer: dict[str, Any]) -> list[set[str]]:
    """The names of every law an answer gives, in facts and in paths."""
    found = [_names(law) for fact in answer["facts"] for law in fact.get("laws", [])]
    found += [_names(f.get("object")) for f in answer["facts"] if f.get("object")]
    for path in answer["paths"]:
        found.extend(_names(step) for step in path if "label" in step)
    return [names for names in found if names]


def recall(gold: list[str], found: list[set[str]]) -> float:
    names = set().union(*found) if found else set()
    return sum(fold(g) in names for g in gold) / len(gold)


def metrics(items: Iterable[tuple[dict[str, Any], dict[str, Any], float]]) -> dict[str, Any]:
    """The eval metrics over (question, answer, seconds) triples."""
    hit1, hit5, rr, actors, laws, abstain, seconds = [], [], [], [], [], [], []
    evidence, negatives, answered = [], [], []
    for question, answer, took in items:
        seconds.append(took)
        gold = question.get("gold_passage") or []
        abstain.append(answer["answerable"] == bool(gold))
        if gold:
            answered.append(bool(answer["answerable"]))
            evidence.append(evidence_holds(answer, gold))
        else:
            negatives.append(not answer["answerable"])
        if gold:
            rank = first_gold_rank(answer, gold)
            hit1.append(rank == 1)
            hit5.append(rank is not None and rank <= 5)
            rr.append(1.0 / rank if rank else 0.0)
        if question.get("gold_actors"):
            actors.append(recall(question["gold_actors"], answer_actors(answer)))
        if question.get("gold_laws"):
            laws.append(recall(question["gold_laws"], answer_laws(answer)))

    def mean(values: list[float] | list[bool]) -> float | None:
        return round(float(np.mean(values)), 4) if values else None

    ms = np.array(seconds) * 1000 if seconds else np.zeros(1)
    return {
        "questions": len(seconds),
        "passage_hit@1": mean(hit1),
        "passage_hit@5": mean(hit5),
        "mrr@10": mean(rr),
        "actor_recall": mean(actors),
        "law_recall": mean(laws),
        "abstain_accuracy": mean(abstain),
        "abstain_on_negatives": mean(negatives),
        "answered_when_answerable": mean(answered),
        "evidence_hit": mean(evidence),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
    }


def evaluate(
    questions: list[dict[str, Any]],
    ask: Callable[[str], dict[str, Any]],
    on_question: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Answer every question with ``ask`` and measure; the eval contract's JSON as a dict."""
    results = []
    timed = []
    for number, question in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = ask(question["question"])
        took = time.perf_counter() - started
        results.append({"id": question.get("id"), "seconds": round(took, 4), "answer": answer})
        timed.append((question, answer, took))
        if on_question:
            on_question(number, len(questions))
    return {"results": results, "metrics": metrics(timed)}
