"""Building the knowledge graph: the ontology, the curated facts and the loaded corpus.

The knowledge lives in Turtle (``ontology.ttl`` and ``graph/data/*.ttl``); this module
only joins it to the corpus:

* every document and passage becomes a node (``vgv:Document``, ``vgv:Passage``);
* every curated fact's ``vgv:quote`` is found in the one passage of its
  ``vgv:inDocument`` that contains it (white space and case folded), and the fact gets
  ``prov:wasDerivedFrom`` that passage; a quote found in no passage or in several is a
  :class:`FactError` naming the facts file, the fact and the quote;
* every ``vgv:Relationship`` also gets its direct triple ``subject relation object``;
* every statute document is linked to its regulation node (created from the SFS header
  when the facts do not name it) and each of its sections (§) becomes a
  ``vgv:Provision`` with a lagen.nu IRI such as ``https://lagen.nu/2001:453#K5P11``.

>>> from vemgorvad.corpus.load import load_corpus
>>> graph = build_graph(load_corpus(settings.corpus_dir()).documents)  # doctest: +SKIP
>>> validate(graph)[0]  # doctest: +SKIP
True
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from vemgorvad import settings
from vemgorvad.corpus.model import Document, Passage
from vemgorvad.graph.actor_names import municipality_of
from vemgorvad.legal import act_names, act_names_en, provision_fragment
from vemgorvad.text import MONTHS, fold, iso_date
from vemgorvad.vocab import FACT, LAGEN, PREFIXES, VGV, document_iri, passage_iri

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
"""The curated Turtle: every ``*.ttl`` here except the shapes is loaded into the graph."""

SHAPES = DATA_DIR / "shapes.ttl"
"""The SHACL shapes the built graph must conform to."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECTION_ID = re.compile(
    r"^SFS (?P<sfs>\S+) (?:(?P<chapter>\d+(?: ?[a-z])?) kap\. )?(?P<section>\d+(?: ?[a-z])?) §$"
)
"""A statute passage that is one section: ``SFS 2001:453 5 kap. 11 a §``, ``SFS 2017:937 4 §``.
Ids with a ``(2)`` suffix (a second text of the same section) are left without a node."""
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_ENTERS_INTO_FORCE = re.compile(
    rf"Denna\s+(?:lag|förordning|balk|kungörelse)\s+träder\s+i\s+kraft\s+den\s+"
    rf"(?P<day>\d{{1,2}})\s+(?P<month>{'|'.join(MONTHS)})\s+(?P<year>\d{{4}})[^.]*\."
)
"""The sentence of a statute's transitional provisions that says when it enters into force."""


class FactError(Exception):
    """Curated facts that cannot be built.

    The message has one line per problem, each naming the file (and line, where the
    Turtle parser gives one), the fact and the quote.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def facts_files() -> list[Path]:
    """The curated Turtle files in ``graph/data/``, in a stable order, without the shapes."""
    return sorted(path for path in DATA_DIR.glob("*.ttl") if path.name != SHAPES.name)


def build_graph(
    documents: Sequence[Document],
    ontology: Path = settings.ONTOLOGY,
    facts: Sequence[Path] | None = None,
) -> Graph:
    """Build the knowledge graph of the ontology, the curated facts and the documents.

    Args:
        documents: the loaded corpus (memos and statutes).
        ontology: the TBox in Turtle.
        facts: the curated facts files; by default :func:`facts_files`.

    Returns:
        One graph with the project's prefixes bound.

    Raises:
        FactError: a Turtle file does not parse (file and line), or a fact's quote is in
            no passage or in several. Facts whose document is not in the corpus are
            left out with a warning.
    """
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("lagen", LAGEN)
    _parse_into(graph, ontology)
    origins: dict[Node, Path] = {}
    for path in facts_files() if facts is None else facts:
        for subject in _parse_into(graph, path).subjects(unique=True):
            origins.setdefault(subject, path)
    for document in documents:
        _add_document(graph, document)
    _resolve_quotes(graph, documents, origins)
    _materialise_relationships(graph)
    for document in documents:
        if document.sfs:
            _add_statute(graph, document)
    logger.info("built a graph of %d triples from %d documents", len(graph), len(documents))
    return graph


def validate(graph: Graph) -> tuple[bool, str]:
    """Check a built graph against ``shapes.ttl`` with pyshacl (ontology mixed in, no inference).

    Returns:
        Whether the graph conforms, and pyshacl's report text.
    """
    from pyshacl import validate as shacl_validate

    shapes = Graph().parse(SHAPES, format="turtle")
    ontology = Graph().parse(settings.ONTOLOGY, format="turtle")
    conforms, _report, text = shacl_validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    return bool(conforms), str(text)


# --- parsing ---------------------------------------------------------------------------


def _parse_into(graph: Graph, path: Path) -> Graph:
    """Parse one Turtle file, add it to ``graph`` and return it on its own."""
    part = Graph()
    try:
        part.parse(path, format="turtle")
    except BadSyntax as error:
        line = getattr(error, "lines", None)
        where = f"{path}:{line + 1}" if isinstance(line, int) else str(path)
        reason = getattr(error, "_why", None) or str(error).splitlines()[0]
        raise FactError([f"{where}: Turtle syntax error: {reason}"]) from error
    except (OSError, ValueError) as error:
        raise FactError([f"{path}: cannot be read as Turtle: {error}"]) from error
    graph += part
    return part


# --- documents and passages ------------------------------------------------------------


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date) if _ISO_DATE.match(value) else Literal(value)


_MUNICIPALITY_NAMED = re.compile(r"\b([A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)?) (kommun|stad)s?\b")


def document_municipality(document: Document) -> str | None:
    """The municipality a document is from (``dcterms:spatial``): its issuer's ("Uppsala
    kommun, Socialförvaltningen"), else, for a text that is no statute, the one
    municipality it names, if it names only one ("Västerås stad"; not "Varje kommun": a
    word the text also writes in lower case is no name). A statute is every municipality's.
    """
    if document.issuer and (municipality := municipality_of(document.issuer)):
        return municipality
    if document.sfs:
        return None
    lower = {w for p in document.passages for w in re.findall(r"\b[a-zåäö]+\b", p.text)}
    named = {
        f"{match[1]} {match[2]}"
        for passage in document.passages
        for match in _MUNICIPALITY_NAMED.finditer(passage.text)
        if match[1].casefold() not in lower
    }
    return named.pop() if len(named) == 1 else None


def _add_document(graph: Graph, document: Document) -> None:
    node = document_iri(document.id)
    graph.add((node, RDF.type, VGV.Document))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, DCTERMS.identifier, Literal(document.id)))
    graph.add((node, DCTERMS.title, Literal(document.title)))
    graph.add((node, VGV.kind, Literal(document.kind)))
    if document.date:
        graph.add((node, DCTERMS.date, _date(document.date)))
    if document.issuer:
        graph.add((node, DCTERMS.publisher, Literal(document.issuer)))
    if municipality := document_municipality(document):
        graph.add((node, DCTERMS.spatial, Literal(municipality)))
    for passage in document.passages:
        _add_passage(graph, node, passage)


def _add_passage(graph: Graph, document_node: URIRef, passage: Passage) -> None:
    node = passage_iri(passage.id)
    graph.add((node, RDF.type, VGV.Passage))
    graph.add((node, VGV.passageId, Literal(passage.id)))
    graph.add((node, DCTERMS.isPartOf, document_node))
    graph.add((node, VGV.text, Literal(passage.text)))
    graph.add((node, VGV.ordinal, Literal(passage.ordinal)))
    if passage.section:
        graph.add((node, VGV.section, Literal(passage.section)))


# --- facts -----------------------------------------------------------------------------


def _fact_classes(graph: Graph) -> set[Node]:
    return {c for c in graph.transitive_subjects(RDFS.subClassOf, VGV.Fact) if c is not None}


def _resolve_quotes(graph: Graph, documents: Iterable[Document], origins: dict[Node, Path]) -> None:
    """Add ``prov:wasDerivedFrom`` from each fact to the one passage holding its quote."""
    index: dict[Node, list[tuple[str, Passage]]] = {
        document_iri(document.id): [(fold(p.text), p) for p in document.passages]
        for document in documents
    }
    facts = {
        fact for fact_class in _fact_classes(graph) for fact in graph.subjects(RDF.type, fact_class)
    } | set(graph.subjects(VGV.quote, None))
    problems: list[str] = []
    for fact in sorted(facts, key=str):
        name = fact.n3(graph.namespace_manager)
        where = str(origins.get(fact, "?"))
        quotes = list(graph.objects(fact, VGV.quote))
        in_documents = list(graph.objects(fact, VGV.inDocument))
        if len(quotes) != 1 or len(in_documents) != 1:
            problems.append(
                f"{where}: {name}: needs exactly one vgv:quote and one vgv:inDocument "
                f"(has {len(quotes)} and {len(in_documents)})"
            )
            continue
        quote, document = str(quotes[0]), in_documents[0]
        document_name = document.n3(graph.namespace_manager)
        if document not in index:
            # The document was taken out of the corpus: its facts cannot be sourced, so
            # they leave the graph, and the rest of the build goes on.
            logger.warning("%s: %s: document %s is not in the corpus; fact left out", where, name, document_name)
            graph.remove((fact, None, None))
            continue
        wanted = fold(quote)
        hits = [passage for text, passage in index[document] if wanted in text]
        if len(hits) == 1:
            graph.add((fact, PROV.wasDerivedFrom, passage_iri(hits[0].id)))
        elif not hits:
            problems.append(f"{where}: {name}: quote in no passage of {document_name}: «{quote}»")
        else:
            ids = ", ".join(passage.id for passage in hits)
            problems.append(f"{where}: {name}: quote in several passages ({ids}): «{quote}»")
    if problems:
        raise FactError(problems)


def _materialise_relationships(graph: Graph) -> None:
    """Add ``subject relation object`` for every reified relationship."""
    for relationship in list(graph.subjects(RDF.type, VGV.Relationship)):
        subject = graph.value(relationship, VGV.subject)
        relation = graph.value(relationship, VGV.relation)
        target = graph.value(relationship, VGV.object)
        if subject is not None and isinstance(relation, URIRef) and target is not None:
            graph.add((subject, relation, target))


# --- statutes and provisions -----------------------------------------------------------


def _swedish_label(graph: Graph, node: Node) -> str | None:
    for label in graph.objects(node, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == "sv":
            return str(label)
    return None


def _kind_from_title(graph: Graph, title: str) -> Node:
    """The regulation kind whose Swedish label is the title's first word ("Lag", "Förordning")."""
    first_word = title.split(" ", 1)[0].casefold()
    for kind in graph.subjects(SKOS.inScheme, VGV.RegulationKinds):
        label = _swedish_label(graph, kind)
        if label and label.casefold() == first_word:
            return kind
    return VGV.Lag  # a "balk" (Brottsbalk, Föräldrabalk) is an act


def _act_name(graph: Graph, act: URIRef, fallback: str) -> str:
    """How a provision's label names its act: "socialtjänstlagen", "förordning (2017:937) …"."""
    name = _swedish_label(graph, act) or fallback
    if len(name) > 1 and not name[1].isupper():
        name = name[0].lower() + name[1:]
    return name


def add_english_names(graph: Graph, act: URIRef, sfs: str) -> None:
    """A statute's English title (``skos:prefLabel``@en) and other English names
    (``skos:altLabel``@en) from :func:`vemgorvad.legal.act_names_en`, if it has one: an
    English question names it so ("the Criminal Injuries Compensation Act")."""
    names = act_names_en(sfs)
    if names:
        graph.add((act, SKOS.prefLabel, Literal(names[0], lang="en")))
    for name in names[1:]:
        graph.add((act, SKOS.altLabel, Literal(name, lang="en")))


def _add_entry_into_force(graph: Graph, document: Document, act: URIRef) -> None:
    """The statute's own entry into force as a dated event, sourced to the sentence of its
    transitional provisions that says it ("Denna lag träder i kraft den 1 januari 1989 …"),
    so that "När trädde LVM i kraft?" has a fact of every statute, curated or not. Only the
    date its header gives (``Ikraft``) counts: an amendment's transitional provisions say
    when the amendment entered into force, not the act."""
    in_force = document.meta.get("in_force") or ""
    if not _ISO_DATE.match(in_force):
        return
    for passage in document.passages:
        for match in _ENTERS_INTO_FORCE.finditer(passage.text):
            if iso_date(match["day"], match["month"], match["year"]) != in_force:
                continue
            event = FACT[f"ikrafttradande-{document.sfs}".replace(":", "-")]
            graph.add((event, RDF.type, VGV.RegulationEvent))
            graph.add((event, VGV.regulation, act))
            graph.add((event, VGV.eventKind, VGV.EnteredIntoForce))
            graph.add((event, VGV.date, Literal(in_force, datatype=XSD.date)))
            said = f"trädde i kraft den {int(match['day'])} {match['month']} {match['year']}"
            graph.add((event, VGV.statement, Literal(said, lang="sv")))
            month = _MONTHS_EN[MONTHS.index(match["month"])]
            said = f"came into force on {int(match['day'])} {month} {match['year']}"
            graph.add((event, VGV.statement, Literal(said, lang="en")))
            graph.add((event, VGV.quote, Literal(match.group())))
            graph.add((event, VGV.inDocument, document_iri(document.id)))
            graph.add((event, PROV.wasDerivedFrom, passage_iri(passage.id)))
            graph.add((event, PROV.wasGeneratedBy, VGV.corpusLoader))
            return


def _add_statute(graph: Graph, document: Document) -> None:
    """Link a statute's regulation node to its text and add a provision per section."""
    sfs = document.sfs or ""
    act = LAGEN[sfs]
    graph.add((act, VGV.hasText, document_iri(document.id)))
    if (act, RDF.type, VGV.Regulation) not in graph:
        graph.add((act, RDF.type, VGV.Regulation))
        graph.add((act, VGV.regulationKind, _kind_from_title(graph, document.title)))
        graph.add((act, SKOS.prefLabel, Literal(document.title, lang="sv")))
        for name in act_names(sfs):  # "LVM", "brottsskadelagen": how readers name it
            graph.add((act, SKOS.altLabel, Literal(name, lang="sv")))
        add_english_names(graph, act, sfs)
        graph.add((act, VGV.citation, Literal(f"SFS {sfs}")))
        graph.add((act, PROV.wasGeneratedBy, VGV.corpusLoader))
        in_force = document.meta.get("in_force")
        if in_force:
            graph.add((act, VGV.inForce, _date(in_force)))
    _add_entry_into_force(graph, document, act)
    name = _act_name(graph, act, document.title)
    for passage in document.passages:
        match = _SECTION_ID.match(passage.id)
        if not match or match["sfs"] != sfs:
            continue
        chapter = (match["chapter"] or "").replace(" ", "")
        section = match["section"].replace(" ", "")
        reference = passage.id.removeprefix(f"SFS {sfs} ")
        fragment = provision_fragment({"chapter": chapter or None, "section": section})
        provision = URIRef(f"{act}#{fragment}")
        label = Literal(f"{reference} {name}", lang="sv")
        curated = any((provision, RDF.type, c) in graph for c in (VGV.Regulation, VGV.Provision))
        if not curated:
            graph.add((provision, PROV.wasGeneratedBy, VGV.corpusLoader))
        existing = _swedish_label(graph, provision)
        if existing is None:
            graph.add((provision, SKOS.prefLabel, label))
        elif existing != str(label):
            graph.add((provision, SKOS.altLabel, label))
        graph.add((provision, RDF.type, VGV.Provision))
        graph.add((provision, RDF.type, VGV.Regulation))  # entailed; stated for plain queries
        graph.add((provision, VGV.regulationKind, VGV.Bestammelse))
        graph.add((provision, DCTERMS.isPartOf, act))
        graph.add((provision, VGV.passage, passage_iri(passage.id)))
        graph.add((provision, VGV.citation, Literal(passage.id)))
