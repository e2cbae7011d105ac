"""The sentence rules of the statement extractor: duties, passives, lists, relations.

One :class:`SentenceReader` reads one passage, sentence by sentence, against the actor
mentions :class:`vemgorvad.graph.statements.StatementExtractor` found in it. The words
it looks for are in ``graph/data/statement_patterns.json``; this module only knows the
shapes of Swedish clauses: subject before the finite verb ("Socialnämnden ska …"), the
verb before the subject after a fronted phrase ("Vid behov ska regionkoordinatorn …"),
a passive with its agent ("… meddelas av förvaltningsrätten"), and a numbered list
whose items complete the sentence that opens it.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

from rdflib.namespace import ORG

from vemgorvad.corpus.model import Document, Passage
from vemgorvad.corpus.sentences import sentence_spans
from vemgorvad.graph.statement_model import Cue, Mention, Statement, compiled
from vemgorvad.text import iso_date
from vemgorvad.vocab import VGV

if TYPE_CHECKING:
    from vemgorvad.graph.statements import StatementExtractor

_PREFIXES = {"org": str(ORG), "vgv": str(VGV)}
_TRAILING = re.compile(r"[\s,;:–-]*(?:\b(?:och|samt|men|dels|eller)\b[\s,]*)?$", re.IGNORECASE)



def _relation_iri(name: str) -> str:
    prefix, local = name.split(":", 1)
    return _PREFIXES[prefix] + local


class SentenceReader:
    """The statements of one passage.

    Args:
        extractor: the extractor (graph, patterns, qualifiers).
        document: the passage's document.
        passage: the passage.
        mentions: its actor mentions, in text order.
    """

    def __init__(
        self,
        extractor: StatementExtractor,
        document: Document,
        passage: Passage,
        mentions: list[Mention],
    ) -> None:
        self.x = extractor
        self.data: dict[str, Any] = extractor.data
        self.document = document
        self.passage = passage
        self.text = passage.text
        self.mentions = mentions
        self.spans = sentence_spans(self.text)
        self.out: list[Statement] = []

    def statements(self) -> list[Statement]:
        """Every duty and relationship of the passage."""
        if not self.mentions:
            return []
        previous: list[Mention] = []
        for index, (a, b) in enumerate(self.spans):
            inside = [m for m in self.mentions if a <= m.start and m.end <= b]
            inside = self._plural(a, b, previous) + inside
            previous = inside
            if not inside:
                continue
            self._duties(index, a, b, inside)
            self._responsibility_falls(a, b, inside)
            self._passives(a, b, inside)
            self._relations(a, b, inside)
            self._assessments(a, b, inside)
        return self.out

    def _plural(self, a: int, b: int, previous: list[Mention]) -> list[Mention]:
        """"Dessa aktörer" at the start of a sentence: the actors the sentence before listed."""
        found = compiled(self.data["plural_anaphor"]).match(self.text[a:b])
        if found is None or len(previous) < 2:
            return []
        listed = previous[1:] if self._at_clause_start(self._start_of(previous[0]), previous[0]) else previous
        return [Mention(a + found.start(), a + found.end(), m.entity, anaphor=True) for m in listed]

    def _start_of(self, mention: Mention) -> int:
        return next(a for a, b in self.spans if a <= mention.start < b)

    # -- helpers ---------------------------------------------------------------------

    def _statement(self, **fields: Any) -> Statement:
        return Statement(passage_id=self.passage.id, document_id=self.document.id, **fields)

    def _quote(self, a: int, b: int) -> str:
        quote = self.text[a:b].strip()
        return re.sub(self.data["amendment_note"], "", quote, flags=re.IGNORECASE).strip()

    def _phrase(self, text: str) -> str:
        text = re.sub(self.data["amendment_note"], "", text.strip(), flags=re.IGNORECASE)
        text = _TRAILING.sub("", text.rstrip(" .")).strip()
        limit = int(self.data["max_statement"])
        if len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0] + " …"
        return re.sub(r"\s+", " ", text)

    def _since(self, sentence: str) -> str | None:
        match = compiled(self.data["since"]).search(sentence)
        if match is None:
            return None
        return iso_date(match["day"], match["month"], match["year"])

    def _at_clause_start(self, a: int, mention: Mention) -> bool:
        before = self.text[a : mention.start]
        before = compiled(self.data["sentence_start"]).sub("", before, count=1)
        before = compiled(self.data["staff"]).sub("", before)  # "Handläggarna vid mottagningen gör …"
        if not before.strip():
            return True
        openers = compiled(rf"(?:^\s*|(?:[,;:]|\b(?:{self.data['clause_openers']}))\s+)$")
        if openers.search(before):
            return True
        owner = compiled(r"\b[\wåäö:-]+s\s+$").search(before)  # "Socialförvaltningens uppsökande verksamhet"
        return owner is not None and bool(openers.search(before[: owner.start()]))

    def _confidence(self, rule: str, mention: Mention) -> float:
        table = self.data["confidence"]
        return round(float(table[rule]) + (float(table["anaphor"]) if mention.anaphor else 0.0), 2)

    # -- duties ----------------------------------------------------------------------

    def _cue(self, a: int, b: int, mention: Mention, inside: list[Mention]) -> Cue | None:
        after = self.text[mention.end : b]
        before = self.text[a : mention.start]
        if compiled(self.data["not_subject_after"]).match(after):
            return None
        if self.text[mention.start : mention.end].casefold() in self.data["not_bearers"]:
            return None
        subject_first = self._at_clause_start(a, mention)
        # the last of joined subjects, after an insertion: "Polismyndigheten och
        # Åklagarmyndigheten, och i förekommande fall Säkerhetspolisen, ska …"
        joined = not subject_first and self._joined_to_clause_start(a, mention, inside)
        subject_first = subject_first or joined
        comma = ",?" if joined else ""
        gap = rf"^{comma}\s+(?:\([^)]{{1,30}}\)\s+)?(?:(?:{self.data['adverbs']})\s+)*"
        for cue in self.data["duty_cues"]:
            if subject_first and "after" in cue:
                found = compiled(gap + cue["after"]).match(after)
                if found:
                    say = cue["say"] or re.sub(r"\s+", " ", after[found.start("cue") : found.end()].lower())
                    rule = cue.get("confidence_rule") or ("activity" if not cue["say"] else "after")
                    return Cue(mention, mention.start, mention.end + found.end(), cue["modality"],
                                say, rule, cue.get("negated"))
            if "before" not in cue:
                continue
            front = compiled(cue["before"]).search(before)
            if front is None or (cue.get("genitive") and self.text[mention.end - 1] != "s"):
                continue
            if not cue.get("genitive") and not before[: front.start()].strip():
                continue  # "Ska socialnämnden …?": a question or a condition, no fronted phrase
            if any(0 <= a + front.start() - m.end <= 1 and self._at_clause_start(a, m) for m in inside):
                continue  # "Polismyndigheten har regeringens uppdrag": the subject came first
            rest = after.lstrip()
            offset = len(after) - len(rest)
            tail = compiled(cue["inverted_after"]).match(rest) if "inverted_after" in cue else None
            if "inverted_after" in cue and tail is None:
                continue
            start = mention.end + offset + (tail.end() if tail else 0)
            rule = "genitive" if cue.get("genitive") else "inverted"
            words = tail.group() if tail else ""
            # "Kommunens yttersta ansvar gäller även …" is said as written
            say = words if cue.get("verbatim") else cue["say"] or f"{front['cue']} {words}".lower()
            say = re.sub(r"\s+", " ", say).strip()
            return Cue(mention, a + front.start(), start, cue["modality"], say, rule,
                        cue.get("negated"))
        return None

    def _joined_to_clause_start(self, a: int, mention: Mention, inside: list[Mention]) -> bool:
        """Whether the mention ends a chain of subjects joined by "och", "eller" or a comma
        whose first opens the clause (its cue is then its own; :meth:`_coordinated` gives
        the others theirs)."""
        joined = compiled(self.data["coordination"])
        current = mention
        for m in reversed([m for m in inside if m.end <= mention.start]):
            if not joined.fullmatch(self.text[m.end : current.start]):
                return False
            if self._at_clause_start(a, m):
                return True
            current = m
        return False

    def _coordinated(self, a: int, cues: list[Cue], inside: list[Mention]) -> list[Cue]:
        """Cues for subjects joined to a found one: "Polismyndigheten eller, om …, Kriminalvården
        ska", "TRIS, MVU, Uppsala kvinnojour, Kvinnobyrå med flera kan …"."""
        joined = compiled(self.data["coordination"])
        out = []
        for cue in cues:
            out.append(cue)
            if cue.rule in ("inverted", "genitive"):
                following = [m for m in inside if m.start >= cue.action]
                lead = compiled(r"^\s*(?:och|samt|eller)\s+$")
                if following and lead.match(self.text[cue.action : following[0].start]):
                    out[-1] = Cue(cue.mention, cue.cut, following[0].end, cue.modality, cue.say,
                                   cue.rule, cue.negatable)
                    out.append(Cue(following[0], cue.cut, following[0].end, cue.modality,
                                    cue.say, cue.rule, cue.negatable))
                continue
            chain, current = [], cue.mention
            for m in reversed([m for m in inside if m.end <= cue.mention.start]):
                if not joined.fullmatch(self.text[m.end : current.start]):
                    break
                chain.append(m)
                current = m
            if chain and self._at_clause_start(a, chain[-1]):
                out += [Cue(m, m.start, cue.action, cue.modality, cue.say, cue.rule, cue.negatable) for m in chain]
        return sorted(out, key=lambda c: (c.cut, c.mention.start))

    def _duties(self, index: int, a: int, b: int, inside: list[Mention]) -> None:
        cues = [c for c in (self._cue(a, b, m, inside) for m in inside) if c is not None]
        cues = self._coordinated(a, cues, inside)
        seen_subjects: set[str] = set()
        for number, cue in enumerate(cues):
            later = [c.cut for c in cues[number + 1 :] if c.cut > cue.action]
            end = min(later) if later else b
            if end < cue.action:
                continue
            modality, say = cue.modality, cue.say
            action = self.text[cue.action : end]
            negation = compiled(self.data["negation"]).match(action)
            if cue.negatable and negation:
                modality, say = cue.negatable, f"{say} {negation.group().strip().lower()}"
                action = action[negation.end() :]
            phrase = self._phrase(action)
            sentence = self.text[a:b]
            key = f"{cue.mention.entity}|{cue.action}"
            if key in seen_subjects:
                continue
            seen_subjects.add(key)
            items = self._list_items(index) if not sentence.rstrip().endswith(".") else []
            if items:
                limit = int(self.data["list_intro_max"])
                intro = phrase if len(phrase) <= limit else phrase[:limit].rsplit(" ", 1)[0] + " …"
                for item_a, item_b in items:
                    item = self._phrase(compiled(self.data["list_item"]).sub("", self.text[item_a:item_b]))
                    self._duty(cue.mention, modality, f"{say} {intro} {item}", item_a, item_b, "list_item")
            elif len(phrase) >= 3:
                self._duty(cue.mention, modality, f"{say} {phrase}", a, b, cue.rule)

    def _list_items(self, index: int) -> list[tuple[int, int]]:
        items = []
        item = compiled(self.data["list_item"])
        for a, b in self.spans[index + 1 :]:
            if not item.match(self.text[a:b]):
                break
            items.append((a, b))
        return items

    def _duty(self, mention: Mention, modality: str, statement: str, a: int, b: int, rule: str) -> None:
        """Add a duty of the mention's actor, quoting ``text[a:b]`` (a sentence or a list item)."""
        quote = self._quote(a, b)
        if len(quote) < 10:
            return  # the shapes want a quote a reader can find
        sentence = self.text[a:b]
        self.out.append(
            self._statement(
                kind="duty",
                subject=str(mention.entity),
                predicate=modality,
                statement=re.sub(r"\s+([,;.])", r"\1", re.sub(r"\s+", " ", statement)).strip(),
                quote=quote,
                laws=self.x.laws(self.document, self.passage, sentence),
                groups=self.x.target_groups(sentence),
                since=self._since(sentence),
                confidence=self._confidence(rule, mention),
                rule=rule,
            )
        )

    def _responsibility_falls(self, a: int, b: int, inside: list[Mention]) -> None:
        """The responsibility named before its bearer: "… faller ansvaret för mera
        långsiktigt stöd på ursprungslandet", "ligger huvudansvaret för X hos kommunen"."""
        pattern = compiled(self.data["responsibility_falls"])
        for mention in inside:
            found = pattern.search(self.text[a : mention.start])
            if found is None:
                continue
            say = "har huvudansvaret för" if found["which"].lower() == "huvudansvaret" else "ansvarar för"
            self._duty(mention, "AnsvararFor", f"{say} {self._phrase(found['what'])}", a, b, "inverted")

    # -- passives --------------------------------------------------------------------

    def _passives(self, a: int, b: int, inside: list[Mention]) -> None:
        rules = self.data["passive"]
        verbs = "|".join(sorted(rules["verbs"], key=len, reverse=True))
        agent = compiled(rf"\b(?P<verb>{verbs})\s+(?:(?:också|även|endast|bara)\s+)?av\s+$")
        for number, mention in enumerate(inside):
            before = self.text[a : mention.start]
            found = agent.search(before)
            if found is None:
                continue
            head = compiled(self.data["sentence_start"]).sub("", before[: found.start()], count=1)
            head = re.split(r"[,;]", head)[-1].strip()
            aux = compiled(r"\s*\b(?P<aux>har|hade|ska|skall|kan|får|bör|måste)(?:\s+(?:inte|också|även))?\s*$")
            auxiliary = aux.search(head)
            modality = rules["modality"]
            if auxiliary:
                modality = "Ska" if auxiliary["aux"].lower() in ("ska", "skall") else modality
                head = head[: auxiliary.start()]
            if not head or len(head) > 160 or compiled(self.data["passive"]["not_head"]).search(head):
                continue
            thing = head[0].lower() + head[1:] if not head[:2].isupper() else head
            active = rules["verbs"][found["verb"].lower()]
            self._duty(mention, modality, self._phrase(f"{active} {thing}"), a, b, "passive")
            for applicant in inside[number + 1 :]:
                between = self.text[mention.end : applicant.end]
                if compiled(rules["applicant"]).search(self.text[mention.end : applicant.start]):
                    say = self._phrase(f"{rules['applicant_say']} {thing}")
                    self._duty(applicant, "Gor", say, a, b, "applicant")
                    break
                if len(between) > 80:
                    break

    # -- assessments -----------------------------------------------------------------

    def _assessments(self, a: int, b: int, inside: list[Mention]) -> None:
        """An actor's finding: "Förvaltningen bedömer att …", "Samtidigt uttalar regeringen
        att …", "Förvaltningens bedömning är att …"; the statement is what follows "att"."""
        rule = self.data["assessment"]
        for mention in inside:
            after = self.text[mention.end : b]
            before = self.text[a : mention.start]
            found = None
            if self._at_clause_start(a, mention):
                found = compiled(rule["after"]).match(after)
                if found is None and self.text[mention.end - 1] == "s":
                    found = compiled(rule["genitive"]).match(after)
            front = compiled(rule["before"]).search(before)
            if found is None and front is not None and before[: front.start()].strip():
                found = compiled(rule["inverted_after"]).match(after)
            if found is None:
                continue
            phrase = self._phrase(after[found.end() :])
            quote = self._quote(a, b)
            if len(phrase) < 10 or len(quote) < 10:
                continue
            self.out.append(
                self._statement(
                    kind="assessment",
                    subject=str(mention.entity),
                    predicate=str(VGV.assessor),
                    statement=phrase,
                    quote=quote,
                    confidence=self._confidence("assessment", mention),
                    rule="assessment",
                )
            )
            return  # one finding a sentence: "X bedömer att Y anser att …" is X's

    # -- relationships ---------------------------------------------------------------

    def _relations(self, a: int, b: int, inside: list[Mention]) -> None:
        for rule in self.data["relations"]:
            for subject, target in self._pairs(rule, a, b, inside):
                if subject.entity == target.entity:
                    continue
                label = self.x.label(target.entity) or self.text[target.start : target.end]
                self.out.append(
                    self._statement(
                        kind="relationship",
                        subject=str(subject.entity),
                        predicate=_relation_iri(rule["relation"]),
                        object=str(target.entity),
                        statement=f"{rule['say']} {label}",
                        quote=self._quote(a, b),
                        since=self._since(self.text[a:b]),
                        confidence=round(float(rule["confidence"]), 2),
                        rule=rule["relation"],
                    )
                )

    def _pairs(
        self, rule: dict[str, Any], a: int, b: int, inside: list[Mention]
    ) -> list[tuple[Mention, Mention]]:
        """(subject, object) mention pairs a relation rule finds in one sentence."""
        pairs: list[tuple[Mention, Mention]] = []
        text = self.text
        if "between" in rule:
            for left, right in itertools.pairwise(inside):
                if not compiled(rule["between"]).fullmatch(text[left.end : right.start]):
                    continue
                if "object_head" in rule and not (  # "X är förvaltningens enhet": a genitive's unit
                    text[right.end - 1 : right.end] == "s"
                    and compiled(rule["object_head"]).match(text[right.end : b])
                ):
                    continue
                # "X har regeringens uppdrag": the genitive's owner is the subject
                pairs.append((right, left) if rule.get("reverse") else (left, right))
        if "passive_agent" in rule:  # "finansieras med stöd av X", "bedrivs av X"
            for number, funder in enumerate(inside):
                if compiled(rule["passive_agent"]).search(text[a : funder.start]):
                    funded = [m for m in inside[:number] if m.entity != funder.entity]
                    if not funded and "subject_after" in rule:  # "På uppdrag av X har Y …"
                        funded = [
                            m for m in inside[number + 1 : number + 2]
                            if compiled(rule["subject_after"]).fullmatch(text[funder.end : m.start])
                        ]
                        pairs += [(funder, m) for m in funded if m.entity != funder.entity]
                        continue
                    funded = funded or [m for m in self.mentions if m.entity != funder.entity][:1]
                    pairs += [(funder, m) for m in funded[:1]]
        for key in ("funder_list", "object_list", "verb"):
            if key not in rule:
                continue
            for cue in compiled(rule[key]).finditer(text, a, b):
                subjects = [
                    m for m in inside
                    if m.end <= cue.start() and (rule.get("reverse") or self._at_clause_start(a, m))
                ]
                if not subjects:
                    continue
                if key == "verb":
                    targets = [
                        m for m in inside
                        if abs(m.start - cue.start()) < 120
                        and compiled(rule["object_before"]).search(text[a : m.start])
                        and not re.search(r"bidra\w*\s+till\s+$", text[a : m.start], re.IGNORECASE)
                    ]
                else:
                    targets = self._listed(cue.end(), b, inside)
                if rule.get("reverse"):  # "I nätverket ingår X, Y": X and Y are members
                    pairs += [(t, subjects[-1]) for t in targets]
                    continue
                for target in targets:  # "X … föreningsbidrag från Y": Y is the funder
                    received = "received_from" in rule and compiled(rule["received_from"]).search(
                        text[cue.end() : target.start]
                    )
                    pairs.append((target, subjects[0]) if received else (subjects[0], target))
        if "object_after" in rule:
            for number, target in enumerate(inside):
                if compiled(rule["object_after"]).search(text[max(a, target.start - 60) : target.start]):
                    subjects = [m for m in inside[:number] if self._at_clause_start(a, m)]
                    pairs += [(subjects[0], target)] if subjects else []
        return pairs

    def _listed(self, start: int, b: int, inside: list[Mention]) -> list[Mention]:
        """The mentions that follow a cue as a list: "med Polismyndigheten, Länsstyrelsen och …"."""
        after = [m for m in inside if m.start >= start]
        if not after or after[0].start - start > int(self.data["list_reach"]):
            return []
        listed = [after[0]]
        gap = compiled(self.data["list_gap"])
        for left, right in itertools.pairwise(after):
            if not gap.match(self.text[left.end : right.start]):
                break
            listed.append(right)
        return listed
