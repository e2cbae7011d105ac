"""The passage index with the real model and real FAISS: search, persistence, rebuilds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from vemgorvad import settings
from vemgorvad.corpus.load import load_corpus
from vemgorvad.corpus.model import Passage
from vemgorvad.index import storage
from vemgorvad.index.context import chunking
from vemgorvad.index.embed import Embedder
from vemgorvad.index.lexical import LexicalIndex
from vemgorvad.index.manifest import MANIFEST_FILE
from vemgorvad.index.search import Hit, IndexMismatch, PassageIndex

MEMO = "SCN-2022-00355"
SMALL_STATUTE = "SFS 2021:995"


class CountingEmbedder(Embedder):
    """The real model, counting the passages it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner.model, inner.name, inner.onnx)
        self.embedded = 0

    def encode_passages(self, passages):
        self.embedded += len(passages)
        return super().encode_passages(passages)


@pytest.fixture(scope="module")
def corpus_passages() -> list[Passage]:
    """The memo and one small statute from the real corpus (~80 passages, quick to embed)."""
    documents = load_corpus(settings.ROOT / "corpus").documents
    chosen = [d for d in documents if d.id in (MEMO, SMALL_STATUTE)]
    assert len(chosen) == 2
    return [p for d in chosen for p in d.passages]


@pytest.fixture(scope="module")
def index(corpus_passages, embedder, tmp_path_factory) -> PassageIndex:
    return PassageIndex.build(corpus_passages, tmp_path_factory.mktemp("index") / "idx", embedder)


def memo_passage(passages: list[Passage], words: str) -> str:
    (found,) = [p.id for p in passages if words in p.text]
    return found


@pytest.mark.parametrize(
    ("question", "words"),
    [
        (
            "Vilket land var först med att göra det olagligt att betala för sex?",
            "första landet i världen",
        ),
        (
            "Vem styr polisens insatser mot människohandel på riksnivå?",
            "Nationella operativa avdelningen",
        ),
    ],
)
@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_a_swedish_paraphrase_finds_its_passage(index, corpus_passages, question, words, mode):
    wanted = memo_passage(corpus_passages, words)
    hits = index.search(question, k=3, mode=mode)
    assert wanted in [hit.passage_id for hit in hits]


def test_hits_are_ranked_and_carry_both_scores(index):
    hits = index.search("Vilket ansvar har socialtjänsten för offer för människohandel?", k=5)
    assert [hit.rank for hit in hits] == [1, 2, 3, 4, 5]
    assert all(
        isinstance(hit, Hit) and hit.dense is not None and hit.lexical is not None for hit in hits
    )
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    dense_hits = index.search("Vilket ansvar har socialtjänsten?", k=3, mode="dense")
    assert all(hit.lexical is None and hit.score == hit.dense for hit in dense_hits)
    bm25_hits = index.search("människohandelsbrottet", k=3, mode="bm25")
    assert bm25_hits and all(hit.dense is None and hit.lexical > 0 for hit in bm25_hits)
    assert index.passage(hits[0].passage_id).id == hits[0].passage_id


def test_search_vector_is_dense_search_without_embedding(index, embedder):
    query = "Hur samverkar socialtjänsten med polisen?"
    vector = embedder.encode_queries([query])[0]
    assert index.search_vector(vector, 4) == index.search(query, k=4, mode="dense")


def test_an_english_question_leans_on_the_dense_side(index):
    query = "Which authority coordinates the regional coordinators against trafficking?"
    assert index.coverage(query) < 0.5
    hybrid = index.search(query, k=3)
    dense = index.search(query, k=3, mode="dense")
    assert hybrid[0].passage_id == dense[0].passage_id


def test_a_named_document_lends_its_closest_passages_to_the_candidates(index, embedder):
    query = "Vilket ansvar har socialtjänsten för offer för människohandel?"
    vector = embedder.encode_queries([query])[0]
    depth = 3
    everything = index.candidates(query, vector, len(index))
    in_statute = [c for c in everything if index.passage(c.passage_id).document == SMALL_STATUTE]
    closest = sorted(in_statute, key=lambda c: -max(c.dense, c.window))[:depth]
    plain = index.candidates(query, vector, depth)
    named = index.candidates(query, vector, depth, documents={SMALL_STATUTE})
    assert {c.passage_id for c in closest} <= {c.passage_id for c in named}
    assert {c.passage_id for c in named} == {c.passage_id for c in plain} | {
        c.passage_id for c in closest
    }


def test_a_named_documents_passages_are_scored_by_the_query_without_its_name(index, embedder):
    query = "Vad säger förordningen om länsstyrelsernas arbete mot mäns våld om samordning?"
    rest = "Vad säger lagen om samordning?"
    vector, rest_vector = embedder.encode_queries([query, rest])
    whole = {c.passage_id: c for c in index.candidates(query, vector, len(index))}
    without = {c.passage_id: c for c in index.candidates(rest, rest_vector, len(index))}
    mixed = index.candidates(
        query, vector, len(index), documents={SMALL_STATUTE}, within=(rest, rest_vector)
    )
    assert len(mixed) == len(index)
    for c in mixed:
        inside = index.passage(c.passage_id).document == SMALL_STATUTE
        expected = (without if inside else whole)[c.passage_id]
        assert (c.dense, c.window, c.lexical) == pytest.approx(
            (expected.dense, expected.window, expected.lexical)
        )
    inside_best = max(
        (c for c in mixed if index.passage(c.passage_id).document == SMALL_STATUTE),
        key=lambda c: c.dense,
    )
    assert inside_best.dense != pytest.approx(whole[inside_best.passage_id].dense)


def test_a_repealed_sections_notice_is_drawn_only_when_cited(embedder, tmp_path):
    def section(number: str, text: str) -> Passage:
        return Passage(f"SFS 2014:322 {number} §", "SFS 2014:322", "Brottsskadelag", text, len(sections))

    sections: list[Passage] = []
    sections.append(section("8", "8 § Brottsskadeersättning betalas för kränkning."))
    sections.append(section("9", "9 § Har upphävts genom lag (2021:399)."))
    sections.append(section("10", "10 § Brottsskadeersättning betalas till den del skadan inte täcks av annan ersättning."))
    index = PassageIndex.build(sections, tmp_path / "index", embedder)
    query = "Brottsskadelag"
    vector = embedder.encode_queries([query])[0]
    everything = index.candidates(query, vector, len(index), documents={"SFS 2014:322"})
    assert [c.passage_id for c in everything] and "SFS 2014:322 9 §" not in {
        c.passage_id for c in everything
    }
    cited = index.candidates(query, vector, len(index), include=["SFS 2014:322 9 §"])
    assert "SFS 2014:322 9 §" in {c.passage_id for c in cited}
    # plain search (``vemgorvad search``) still finds it
    assert "SFS 2014:322 9 §" in {h.passage_id for h in index.search(query, k=3, mode="dense")}


def test_odd_requests(index):
    assert index.search("   ", k=5) == []
    assert index.search("socialtjänst", k=0) == []
    with pytest.raises(ValueError, match="unknown search mode"):
        index.search("socialtjänst", mode="fuzzy")
    with pytest.raises(KeyError):
        index.passage("no such passage")


def write_corpus(folder: Path, second_paragraph: str) -> list[Passage]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stod.txt").write_text(
        "Stöd till brottsoffer\n\n"
        "Socialnämnden ska verka för att den som utsatts för brott får stöd och hjälp.\n\n"
        f"{second_paragraph}\n\n"
        "Polisen utreder brott och samverkar med socialtjänsten.\n",
        encoding="utf-8",
    )
    (folder / "barn.txt").write_text(
        "Barn som far illa\n\n"
        "När socialtjänsten får en anmälan om att ett barn far illa ska en bedömning göras genast.\n\n"
        "Skolan ska anmäla till socialnämnden om den misstänker att ett barn far illa.\n",
        encoding="utf-8",
    )
    return [p for d in load_corpus(folder).documents for p in d.passages]


def test_a_changed_document_re_embeds_alone(embedder, tmp_path, monkeypatch):
    lexical_builds: list[int] = []
    build_lexical = LexicalIndex.build
    monkeypatch.setattr(
        LexicalIndex,
        "build",
        lambda texts, **kw: lexical_builds.append(len(texts)) or build_lexical(texts, **kw),
    )
    counting = CountingEmbedder(embedder)
    directory = tmp_path / "index"
    first = write_corpus(tmp_path / "corpus", "Kvinnojouren erbjuder skyddat boende.")
    progress: list[tuple[int, int]] = []
    window_progress: list[tuple[int, int]] = []
    built = PassageIndex.build(
        first,
        directory,
        counting,
        progress=lambda d, t: progress.append((d, t)),
        window_progress=lambda d, t: window_progress.append((d, t)),
    )
    # each passage is embedded whole and sentence by sentence (one sentence each here)
    assert len(first) == 5 and len(built.windows.windows) == 5
    assert counting.embedded == 10
    # each stage says what it has to do before its first batch (a bar's clock starts
    # there, not after a batch already done), and ends done
    assert progress[0] == (0, 5) and progress[-1] == (5, 5)
    assert window_progress[0] == (0, 5) and window_progress[-1] == (5, 5)

    counting.embedded = 0
    PassageIndex.build(first, directory, counting)
    assert counting.embedded == 0 and lexical_builds == [5]  # BM25 kept as well

    second = write_corpus(
        tmp_path / "corpus", "Kvinnojouren erbjuder skyddat boende för kvinnor och barn."
    )
    rebuilt = PassageIndex.build(second, directory, counting)
    # the changed passage and its one sentence; every other vector is reused
    assert counting.embedded == 2 and rebuilt.embedded == 1 and lexical_builds == [5, 5]
    changed = {p.id for p in second} - {p.id for p in first}
    assert len(changed) == 1
    (new_id,) = changed
    assert rebuilt.search("skyddat boende för kvinnor och barn", k=1)[0].passage_id == new_id
    before = built.manifest.documents
    after = rebuilt.manifest.documents
    assert [doc for doc in after if after[doc] != before.get(doc)] == ["stod"]

    loaded = PassageIndex.load(directory, embedder)
    assert [p.id for p in loaded.passages] == [p.id for p in second]
    query = "Vem utreder brott?"
    assert loaded.search(query, k=3) == rebuilt.search(query, k=3)

    # BM25 with other parameters is another index: the stored one is not reused
    monkeypatch.setattr(settings, "BM25_B", 0.5)
    PassageIndex.build(second, directory, counting)
    assert counting.embedded == 2 and lexical_builds == [5, 5, 5]

    # so is BM25 analysed by other code (a changed lemmatiser): the vectors stay
    monkeypatch.setattr(storage, "analyzer_stamp", lambda: "another analyser")
    PassageIndex.build(second, directory, counting)
    assert counting.embedded == 2 and lexical_builds == [5, 5, 5, 5]


@pytest.fixture
def small_index_dir(embedder, tmp_path) -> Path:
    directory = tmp_path / "index"
    PassageIndex.build(
        write_corpus(tmp_path / "corpus", "Kvinnojouren finns."), directory, embedder
    )
    return directory


def edit_manifest(directory: Path, **changes: object) -> None:
    path = directory / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"model": "intfloat/multilingual-e5-large"}, "model"),
        ({"dimension": 1024}, "dimension"),
        ({"format_version": 999}, "format version"),
        ({"chunking": {"dense_heading": True, "lexical_heading": False}}, "chunking"),
    ],
)
def test_a_mismatched_manifest_is_refused(small_index_dir, embedder, changes, named):
    edit_manifest(small_index_dir, **changes)
    with pytest.raises(IndexMismatch) as refused:
        PassageIndex.load(small_index_dir, embedder)
    message = str(refused.value)
    assert named in message and "vemgorvad build" in message


def test_a_missing_or_damaged_index_is_refused(small_index_dir, embedder, tmp_path):
    with pytest.raises(IndexMismatch, match=r"no index in .*vemgorvad build"):
        PassageIndex.load(tmp_path / "nowhere", embedder)
    np.save(small_index_dir / "vectors.npy", np.zeros((2, embedder.dimension), np.float32))
    with pytest.raises(IndexMismatch, match="disagree"):
        PassageIndex.load(small_index_dir, embedder)


def test_another_models_vectors_are_not_reused(small_index_dir, embedder, tmp_path):
    edit_manifest(small_index_dir, model="some-other-model")
    counting = CountingEmbedder(embedder)
    passages = write_corpus(tmp_path / "corpus", "Kvinnojouren finns.")
    rebuilt = PassageIndex.build(passages, small_index_dir, counting)
    # every passage again, whole and by its sentences: none of the other model's vectors
    assert counting.embedded == len(passages) + len(rebuilt.windows.windows)


def test_vectors_made_by_other_embedding_code_are_not_reused(small_index_dir, embedder, tmp_path):
    # same model, same texts, but the code that cut and embedded them has changed since
    manifest = json.loads((small_index_dir / MANIFEST_FILE).read_text())
    assert manifest["chunking"]["encoder"] == chunking()["encoder"]
    edit_manifest(small_index_dir, chunking={**manifest["chunking"], "encoder": "older code"})
    counting = CountingEmbedder(embedder)
    passages = write_corpus(tmp_path / "corpus", "Kvinnojouren finns.")
    rebuilt = PassageIndex.build(passages, small_index_dir, counting)
    assert counting.embedded == len(passages) + len(rebuilt.windows.windows)
    assert rebuilt.manifest.chunking == chunking()


def test_the_encoder_stamp_covers_the_cutting_of_sentences(monkeypatch):
    # a sentence window's vector depends on where sentences end: a change to the splitter
    # or to its abbreviations must make a rebuild embed the windows again
    from vemgorvad.index import context

    assert {"corpus/sentences.py", "corpus/data/abbreviations.txt"} <= set(context.ENCODER_SOURCES)
    package = Path(context.__file__).parent.parent
    assert all((package / name).is_file() for name in context.ENCODER_SOURCES)
    stamp = context.encoder_stamp()
    context.encoder_stamp.cache_clear()
    monkeypatch.setattr(context, "ENCODER_SOURCES", context.ENCODER_SOURCES[:-1])
    assert context.encoder_stamp() != stamp
    context.encoder_stamp.cache_clear()


def test_a_folder_with_other_files_is_not_replaced(embedder, tmp_path):
    (tmp_path / "keep.txt").write_text("not an index")
    with pytest.raises(ValueError, match="refusing"):
        PassageIndex.build(write_corpus(tmp_path / "corpus", "Hej."), tmp_path, embedder)
    assert (tmp_path / "keep.txt").exists()


def test_the_hnsw_index_finds_what_exact_search_finds(index, corpus_passages, embedder, tmp_path):
    shutil.copytree(index.directory, tmp_path / "hnsw")
    hnsw = PassageIndex.build(corpus_passages, tmp_path / "hnsw", embedder, dense_kind="hnsw")
    assert hnsw.embedded == 0 and hnsw.manifest.dense_kind == "hnsw"
    loaded = PassageIndex.load(tmp_path / "hnsw", embedder)
    assert loaded.manifest.dense_kind == "hnsw"
    query = "Vilka uppgifter har regionkoordinatorerna?"
    exact = [h.passage_id for h in index.search(query, k=5, mode="dense")]
    approximate = [h.passage_id for h in loaded.search(query, k=5, mode="dense")]
    assert approximate[0] == exact[0] and len(set(exact) & set(approximate)) >= 4


def test_an_empty_corpus_gives_an_empty_index(embedder, tmp_path):
    empty = PassageIndex.build([], tmp_path / "index", embedder)
    assert empty.search("socialtjänst") == [] and len(empty) == 0
    assert PassageIndex.load(tmp_path / "index", embedder).search("socialtjänst") == []
