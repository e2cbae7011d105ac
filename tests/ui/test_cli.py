"""The question commands of the CLI, run as a user runs them: ``ask``, ``eval``, ``search``.

Their output is a contract (``shared/spec/answer-contract.md``): other tools read it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vemgorvad import settings
from vemgorvad.qa.evaluate import fold

OWN_QUESTIONS = Path(__file__).resolve().parents[1] / "qa" / "questions.jsonl"
METRICS = {
    "passage_hit@1",
    "passage_hit@5",
    "mrr@10",
    "actor_recall",
    "law_recall",
    "abstain_accuracy",
    "p50_ms",
    "p95_ms",
}


def command(build_root: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``vemgorvad ARGS`` over a build."""
    env = {**os.environ, "VEMGORVAD_BUILD": str(build_root), "HF_HUB_OFFLINE": "1"}
    return [sys.executable, "-m", "vemgorvad.ui.cli", *args], env


def vemgorvad(build_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv, env = command(build_root, *args)
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def root(built: Path) -> Path:
    return built.parent.parent


def test_ask_json_follows_the_contract(root, engine):
    done = vemgorvad(root, "ask", "Vem samordnar regionkoordinatorerna?", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["answerable"] is True and answer["summary"]
    assert len(answer["passages"]) >= 5
    assert any(fact["actor"]["label"] == "Jämställdhetsmyndigheten" for fact in answer["facts"])
    for fact in answer["facts"]:
        passage = engine.passages[fact["source"]["passage_id"]]
        assert fold(fact["source"]["quote"]) in fold(passage.text)


def test_ask_answers_an_english_question_in_english(root, engine):
    question = "Who coordinates the regional coordinators?"
    english = [fact for fact in engine.ask(question)["facts"] if fact.get("statement_en")]
    assert english, "the curated facts carry English statements"
    done = vemgorvad(root, "ask", question)
    assert done.returncode == 0, done.stderr
    assert english[0]["statement_en"] in done.stdout
    assert english[0]["statement"] not in done.stdout


def test_ask_names_the_passage_a_citation_is_about(root, engine):
    # a citation fact has no actor: its passage is a section of a law, or cites one
    question = "Vilka ska anmäla till socialnämnden om de misstänker att ett barn far illa?"
    citations = [f for f in engine.ask(question)["facts"] if f["kind"] == "citation"]
    assert citations, "the first passages are sections of a statute"
    done = vemgorvad(root, "ask", question)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("  • ")]
    assert lines and not any(line.startswith("  •  ") for line in lines)  # no empty subject
    for fact in citations:
        assert f"  • [{fact['source']['passage_id']}] {fact['statement']}" in lines


def test_ask_says_a_path_in_the_answers_language(root, engine):
    # a path was printed as "Offer för människohandel -^serves-> Socialnämnden …": Swedish
    # names in an English answer, and the relation's code, read backwards, as it was stored
    question = "How is Nexus connected to the Swedish Gender Equality Agency?"
    paths = engine.ask(question)["paths"]
    assert paths, "the question names two entities the graph joins"
    done = vemgorvad(root, "ask", question)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("  ↔ ")]
    assert len(lines) == len(paths)
    for line, path in zip(lines, paths, strict=True):
        names = [step.get("label_en") or step["label"] for step in path if "relation" not in step]
        assert line.startswith(f"  ↔ {names[0]} ") and line.endswith(f" {names[-1]}")
        assert "^" not in line and "->" not in line and ("→" in line or "←" in line)
    assert "Swedish Gender Equality Agency" in lines[0] and "Jämställdhetsmyndigheten" not in lines[0]


def test_eval_prints_results_and_metrics(root, tmp_path):
    lines = OWN_QUESTIONS.read_text(encoding="utf-8").splitlines()
    chosen = [json.loads(line) for line in lines if line.strip()]
    sample = [q for q in chosen if q["gold_passage"]][:3] + [
        q for q in chosen if not q["gold_passage"]
    ][:1]
    questions = tmp_path / "few.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in sample) + "\n")
    done = vemgorvad(root, "eval", str(questions), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r["id"] for r in report["results"]] == [q["id"] for q in sample]
    assert all(r["seconds"] > 0 and "passages" in r["answer"] for r in report["results"])
    assert report["metrics"].keys() >= METRICS
    assert report["metrics"]["questions"] == len(sample)
    assert report["metrics"]["abstain_accuracy"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json\n", "not JSON"), ('{"id": "x"}\n', '"question" string')],
)
def test_eval_refuses_a_bad_question_file_in_one_line(root, tmp_path, content, message):
    questions = tmp_path / "bad.jsonl"
    questions.write_text(content, encoding="utf-8")
    done = vemgorvad(root, "eval", str(questions), "--json")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_search_ranks_passages(root):
    done = vemgorvad(root, "search", "nationell rapportör människohandel", "-k", "3", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    scores = [p["score"] for p in result["passages"]]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    assert "nationell rapportör" in result["passages"][0]["text"]


def test_asking_before_anything_is_built_says_what_to_do(tmp_path):
    done = vemgorvad(tmp_path / "empty", "ask", "Vem samordnar arbetet?")
    assert done.returncode != 0
    assert "vemgorvad build" in done.stderr and "Traceback" not in done.stderr


def test_a_reader_that_stops_early_gets_no_traceback(root):
    # `vemgorvad ask … | head -1`: the pipe closes before the answer is written
    argv, env = command(root, "ask", "Vad gör Nexus?")
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=settings.ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0, error
    assert "Traceback" not in error and "BrokenPipeError" not in error
