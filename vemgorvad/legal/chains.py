"""Lists of provisions ("7 kap. 22, 23 och 26 §§") cut into references.

:class:`ChainBuilder` is fed the chain tokens of one run (numbers, unit words, separators)
and gives each provision it reads as a :class:`Proto`: its span and its levels
(``{"chapter": "7", "section": "22"}``), before the act it belongs to is known.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from vemgorvad.legal.grammar import Grammar, Token


@dataclass(eq=False)
class _Seg:
    """One level of one provision: "7 kap." (chapter 7) or "22" (section 22)."""

    level: str
    value: str
    start: int
    end: int
    own: bool = True  # written with its own unit word, not shared ("22" in "22 och 26 §§")


@dataclass(eq=False)
class _Item:
    segs: dict[str, _Seg]


@dataclass
class _Pending:
    kind: str  # number | ordinal | letter
    value: str
    start: int
    end: int
    after_unit: bool  # straight after "§" or "stycket": a punkt unless a unit word follows
    sep_before: bool


@dataclass
class Proto:
    """A reference cut from a list, before its act is known."""

    start: int
    end: int
    levels: dict[str, str]


@dataclass
class _Chain:
    items: list[_Item] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    prev_role: str | None = None
    sep_seen: bool = False
    point_marker: bool = False
    range_level: str | None = None  # "3-5" after a resolved "3": the level "5" takes

    @property
    def empty(self) -> bool:
        return not self.items and not self.pending


class ChainBuilder:
    """Turns the chain tokens of one run into provisions (levels and spans)."""

    def __init__(self, grammar: Grammar) -> None:
        self.g = grammar
        self.rank = {level: i for i, level in enumerate(grammar.levels)}
        self.chain = _Chain()

    def reset(self) -> None:
        self.chain = _Chain()

    def feed(self, tok: Token) -> None:
        c = self.chain
        role = tok.role
        if role.startswith("unit:"):
            self._resolve(role.removeprefix("unit:"), tok)
        elif role in ("number", "ordinal", "letter"):
            if role == "number":
                value = (tok.group("num") or "") + (tok.group("letter", "letter_i") or "")
            elif role == "ordinal":
                value = str(self.g.ordinals[(tok.group("ordinal") or "").lower()])
            else:
                value = tok.group("letter") or ""
            after_unit = c.prev_role in ("unit:section", "unit:paragraph")
            if role == "letter" and not after_unit:
                self.settle()
                c.prev_role = "other"
                return
            self.settle()
            pending = _Pending(role, value, tok.start, tok.end, after_unit, c.sep_seen)
            c.sep_seen = False
            level = "point" if c.point_marker else c.range_level
            c.point_marker, c.range_level = False, None
            if level is not None and role == "number":
                self._place(level, pending, tok.end, own=True)
            else:
                c.pending.append(pending)
        elif role in ("sep", "dash"):
            self.settle()
            c.sep_seen = True
            c.range_level = None
            if role == "dash" and not c.pending and c.items and c.prev_role in ("number", "letter"):
                c.range_level = max(c.items[-1].segs, key=lambda lv: self.rank[lv])
        elif role == "point_marker":
            self.settle()
            # "punkt 4" only inside a provision ("41 § anvisningarna punkt 4"), not on its own
            c.point_marker = bool(c.items)
        else:  # connector
            self.settle()
        c.prev_role = role

    def settle(self) -> None:
        """A lone number straight after "§"/"stycket" with no unit of its own is a punkt."""
        c = self.chain
        if len(c.pending) == 1 and c.pending[0].after_unit and c.pending[0].kind != "ordinal":
            p = c.pending.pop()
            self._place("point", p, p.end, own=True)

    def _resolve(self, level: str, unit: Token) -> None:
        c = self.chain
        pending, c.pending = c.pending, []
        for i, p in enumerate(pending):
            if p.kind == "ordinal" and level not in ("paragraph", "point", "sentence"):
                continue
            last = i == len(pending) - 1
            self._place(level, p, unit.end if last else p.end, own=last)

    def _place(self, level: str, p: _Pending, end: int, own: bool) -> None:
        items = self.chain.items
        seg = _Seg(level, p.value.replace(" ", ""), p.start, end, own)
        last = items[-1] if items else None
        if last is not None and not p.sep_before and level not in last.segs:
            top = min(self.rank[lv] for lv in last.segs)
            if self.rank[level] > top:  # refines the provision before: "7 kap." + "22"
                last.segs[level] = seg
                last.segs = dict(sorted(last.segs.items(), key=lambda kv: self.rank[kv[0]]))
                return
        inherited: dict[str, _Seg] = {}
        if last is not None:
            lowest = max(last.segs, key=lambda lv: self.rank[lv])
            below = self.rank[level] > self.rank[lowest]
            # after a separator, only a bare child continues the provision before it
            # ("första stycket och 3" is punkt 3 of that stycke; "2 § och första stycket" not)
            if not below or self.g.child_level[lowest] == level:
                inherited = {
                    lv: s for lv, s in last.segs.items() if self.rank[lv] < self.rank[level]
                }
        items.append(_Item({**inherited, level: seg}))

    def finish(self) -> list[Proto]:
        """Close the run: resolve what is left and cut it into references."""
        c = self.chain
        self.settle()
        if c.pending and c.items:
            lowest = max(c.items[-1].segs, key=lambda lv: self.rank[lv])
            level = self.g.child_level[lowest]
            for p in c.pending:
                if p.kind != "ordinal":
                    self._place(level, p, p.end, own=True)
        c.pending = []
        protos = self._cut(c.items)
        self.reset()
        return protos

    def _cut(self, items: list[_Item]) -> list[Proto]:
        """Cut provisions into references the way lagen.nu links them.

        A chapter shared by several provisions that do not all have their own "§" is a
        reference of its own ("7 kap." in "7 kap. 22, 23 och 26 §§"); so is a section whose
        provisions differ only in punkt ("7 §" in "7 § 1 eller 2").
        """
        shared = Counter(id(seg) for item in items for seg in item.segs.values())
        parents: dict[int, list[_Seg]] = {}  # id(first seg of the parent) -> segs of the parent
        for item in items:
            chapter = item.segs.get("chapter")
            if chapter is not None and shared[id(chapter)] > 1 and id(chapter) not in parents:
                siblings = [it for it in items if it.segs.get("chapter") is chapter]
                if any(
                    (s := it.segs.get("section")) is None or not s.own or shared[id(s)] > 1
                    for it in siblings
                ):
                    parents[id(chapter)] = [chapter]
            section = item.segs.get("section")
            if section is not None and shared[id(section)] > 1 and id(section) not in parents:
                siblings = [it for it in items if it.segs.get("section") is section]
                stycken = {id(it.segs.get("paragraph")) for it in siblings}
                if all("point" in it.segs for it in siblings) and len(stycken) == 1:
                    parent = [s for lv, s in item.segs.items() if lv in ("chapter", "section")]
                    if "paragraph" in item.segs:
                        parent.append(item.segs["paragraph"])
                    parents[id(section)] = parent

        protos: list[Proto] = []
        covered: set[int] = set()

        def emit(segs: list[_Seg]) -> None:
            fresh = [s for s in segs if id(s) not in covered]
            if not fresh:
                return
            covered.update(id(s) for s in segs)
            protos.append(
                Proto(fresh[0].start, max(s.end for s in fresh), {s.level: s.value for s in segs})
            )

        for item in items:
            for seg in list(item.segs.values()):
                shared_parent = parents.get(id(seg))
                if shared_parent is not None and id(shared_parent[-1]) not in covered:
                    emit(shared_parent)
            emit(list(item.segs.values()))
        return protos
