"""The project's RDF namespaces and IRI minting, shared by every floor.

The ontology's terms live in ``ontology.ttl`` under :data:`VGV`; instances under
``https://w3id.org/vemgorvad/id/<kind>/``. Swedish statutes are named by their
lagen.nu IRIs (``https://lagen.nu/2001:453``) so that a node is also a link to the text.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef

VGV = Namespace("https://w3id.org/vemgorvad/ns#")
"""The ontology (TBox)."""

ID = "https://w3id.org/vemgorvad/id/"
ACTOR = Namespace(ID + "actor/")
LAW = Namespace(ID + "law/")
GROUP = Namespace(ID + "group/")
FACT = Namespace(ID + "fact/")
DOC = Namespace(ID + "doc/")
PASSAGE = Namespace(ID + "passage/")
LAGEN = Namespace("https://lagen.nu/")
RPUBL = Namespace("http://rinfo.lagrummet.se/ns/2008/11/rinfo/publ#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES = {
    "vgv": VGV,
    "actor": ACTOR,
    "law": LAW,
    "group": GROUP,
    "fact": FACT,
    "doc": DOC,
    "passage": PASSAGE,
    "rpubl": RPUBL,
    "eli": ELI,
    "oa": OA,
}


def slug(label: str) -> str:
    """A readable IRI segment for a label: ascii, lower case, hyphens.

    >>> slug("Länsstyrelsen i Stockholms län")
    'lansstyrelsen-i-stockholms-lan'
    """
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def passage_iri(passage_id: str) -> URIRef:
    """The IRI of a passage, from its stable id.

    >>> passage_iri("SFS 2001:453 5 kap. 11 §")
    rdflib.term.URIRef('https://w3id.org/vemgorvad/id/passage/SFS%202001%3A453%205%20kap.%2011%20%C2%A7')
    """
    return URIRef(PASSAGE + quote(passage_id, safe=""))


def document_iri(document_id: str) -> URIRef:
    """The IRI of a document, from its id."""
    return URIRef(DOC + quote(document_id, safe=""))
