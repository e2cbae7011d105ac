"""Legal text analysis: Swedish legal citations found in text, each with a citable IRI.

It reads text and needs no graph: :func:`parse` and :class:`LegalRefParser` give
:class:`LegalRef`\\ s; the grammar, law names and IRI templates are data files in
``data/``. What a reference names in the knowledge graph is decided above, in
:mod:`vemgorvad.graph.resolve`.
"""

from vemgorvad.legal.citation import provision_fragment
from vemgorvad.legal.grammar import act_names, act_names_en
from vemgorvad.legal.parser import KINDS, LegalRef, LegalRefParser, parse

__all__ = [
    "KINDS",
    "LegalRef",
    "LegalRefParser",
    "act_names",
    "act_names_en",
    "parse",
    "provision_fragment",
]
