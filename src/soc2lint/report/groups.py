"""One module, many roots: the findings a shared module gives in every root that calls it.

A module called from several roots (an ``examples/`` folder per scenario, an
environment per directory) gives the same finding once per root: same rule,
same file and line, same address inside the module.  That is one problem with
one fix, so the human formats (text, markdown, GitHub annotations) and SARIF
show it once, naming the other roots and pointing at their module calls
(related locations); JSON keeps every instance and says which group each
belongs to.  A member's own fingerprint never changes; a group has its own,
from what its members share.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from ..findings import language_of
from ..model import Finding, Range, Related
from ..record import record

if TYPE_CHECKING:
    from ..engine import ScanResult

#: the module calls an address starts with (``module.x.``, ``module.y["k"].``)
_MODULE_CALLS = re.compile(r'^(?:module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.)+')
_OUTER_CALL = re.compile(r'^module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?')

#: roots a message names before "and N more"
NAMED_ROOTS = 5


def module_relative(f: Finding) -> str:
    """The address inside the module the finding sits in: ``module.a.module.b.aws_x.y`` ->
    ``aws_x.y``; a nested stack's ``Parent/Child/Bucket`` -> ``Bucket``."""
    if _language_of(f.range.file) == "terraform":
        m = _MODULE_CALLS.match(f.address)
        return f.address[m.end() :] if m else f.address
    return f.address.rsplit("/", 1)[-1]


#: asked once per finding, of the same few files
_language_of = lru_cache(maxsize=4096)(language_of)


def group_key(f: Finding) -> tuple[str, ...]:
    r = f.range
    return (f.rule_id, r.file, str(r.start_line), str(r.start_col), module_relative(f), f.attr_path)


def group_fingerprint(f: Finding) -> str:
    """Stable across line moves and across the roots that come and go: rule, file,
    address inside the module, attribute path."""
    key = "\x1f".join(("group", f.rule_id, f.range.file, module_relative(f), f.attr_path))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@record
class Group:
    """One module's finding in several roots, shown once."""

    members: list[Finding]

    @property
    def first(self) -> Finding:
        return self.members[0]

    @property
    def fingerprint(self) -> str:
        return group_fingerprint(self.first)


def groups(
    findings: Sequence[Finding], same: Callable[[Finding], Hashable] | None = None
) -> list[Group]:
    """The findings in groups, in the order of each group's first member.

    Findings group when they share rule, file, line, column, address inside the
    module and attribute path, and come from different roots or module instances;
    ``same`` adds what else must match (a diff state).  Problems of the scan itself
    (SYS findings that make it incomplete) are never grouped."""
    return [Group(members) for members in _grouped_members(findings, same)]


def _grouped_members(
    findings: Sequence[Finding], same: Callable[[Finding], Hashable] | None
) -> list[list[Finding]]:
    """:func:`groups`' members, without a :class:`Group` for each."""
    by_key: dict[tuple[Hashable, ...], list[Finding]] = {}
    out: list[list[Finding]] = []
    # a finding alone at its rule, file, line and column groups with none: only the
    # others need the whole key (most findings are alone: 60k CloudFormation findings)
    places = [(f.rule_id, f.range.file, f.range.start_line, f.range.start_col) for f in findings]
    crowded = {place for place, n in Counter(places).items() if n > 1}
    for f, place in zip(findings, places, strict=True):
        if f.incomplete or f.address == f.rule_id or place not in crowded:
            out.append([f])
            continue
        key: tuple[Hashable, ...] = (
            *group_key(f),
            f.severity,
            f.suppression.kind if f.suppression else "",
            f.baselined,
            f.unresolved,
            same(f) if same is not None else None,
        )
        members = by_key.get(key)
        if members is None:
            members = by_key[key] = [f]
            out.append(members)
        elif all((m.scope, m.address) != (f.scope, f.address) for m in members):
            members.append(f)
        else:
            out.append([f])
    return out


def group_ids(findings: Sequence[Finding]) -> dict[int, tuple[str, int]]:
    """For JSON: each grouped finding's group fingerprint and the group's size (by id())."""
    out: dict[int, tuple[str, int]] = {}
    for g in groups(findings):
        if len(g.members) > 1:
            for m in g.members:
                out[id(m)] = (g.fingerprint, len(g.members))
    return out


def _root_label(f: Finding) -> str:
    return f.scope or "."


def _call_site(result: ScanResult | None, f: Finding) -> Related | None:
    """Where the root of ``f`` calls the module the finding sits in (its outermost call)."""
    m = _OUTER_CALL.match(f.address)
    if result is None or m is None:
        return None
    node = result.graph.find(f.scope, m.group(0))
    if node is None:
        return None
    r = node.range
    # no address: SARIF's link text is then this message, which names the root (the
    # module call's own address is the same in every root)
    return Related(
        range=Range(r.file, r.start_line, r.start_col, r.start_line, 0),
        message=f"root {_root_label(f)}: {node.address}",
    )


def shown(group: Group, result: ScanResult | None = None) -> Finding:
    """The finding a human format or SARIF shows for a group: its first member, whose
    message names the other roots and whose related locations add their module calls."""
    first = group.first
    others = group.members[1:]
    if not others:
        return first
    roots = sorted({_root_label(m) for m in group.members})
    named = [r for r in roots if r != _root_label(first)]
    if named:
        listed = ", ".join(named[:NAMED_ROOTS])
        more = len(named) - NAMED_ROOTS
        listed += f" and {more} more" if more > 0 else ""
        noun = "root" if len(named) == 1 else "roots"
        note = f"the same finding in {len(named)} other {noun} calling this module: {listed}"
        if len(group.members) > len(roots):
            note += f"; {len(group.members)} module instances in all"
    else:
        # one root, several calls of the module
        n = len(others)
        note = f"the same finding in {n} other module instance{'s' if n > 1 else ''}"
    related = list(first.related)
    seen = {r.range for r in related}
    for m in group.members:
        site = _call_site(result, m)
        if site is not None and site.range not in seen:
            seen.add(site.range)
            related.append(site)
    properties = dict(first.properties)
    properties["group"] = group.fingerprint
    properties["roots"] = roots
    properties["instances"] = [
        {"scope": m.scope, "address": m.address, "fingerprint": m.fingerprint}
        for m in group.members
    ]
    return replace(
        first, message=f"{first.message} ({note})", related=tuple(related), properties=properties
    )


def grouped(
    findings: Sequence[Finding],
    result: ScanResult | None = None,
    same: Callable[[Finding], Hashable] | None = None,
) -> list[Finding]:
    """The findings as the human formats list them: one per group (a finding alone is
    its own group's: no :class:`Group` made for the tens of thousands of those)."""
    return [
        members[0] if len(members) == 1 else shown(Group(members), result)
        for members in _grouped_members(findings, same)
    ]
