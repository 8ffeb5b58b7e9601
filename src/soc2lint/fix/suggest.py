"""The fixes of a scan offered to reviewers: SARIF ``fixes``, rdjson suggestions, markdown.

:func:`suggestions` plans the fix of every open finding that has one (the same
plans ``soc2lint fix`` applies, :mod:`.plan`) against the files as they are,
and returns them as changes of whole lines: where they start and end in the
file (1-based, end exclusive), the lines they replace and the new text.  Unsafe
fixes are offered too, with the reason in their description.  Nothing is
written and nothing is re-scanned: a reviewer accepts a suggestion, and the
next scan checks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..model import Finding, Node
from ..record import record
from ..rule import DEFAULT_OPTIONS
from .remedies import Remedy, remedy_for

if TYPE_CHECKING:
    from ..engine import ScanResult


@record(frozen=True)
class Change:
    """Replace lines ``[start_line, end_line)`` of ``file`` with ``new`` (an insertion
    when they are equal).  Columns are 1-based characters; ``old`` is the replaced text."""

    file: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    old: str
    new: str


@record(frozen=True)
class Suggestion:
    """A finding's fix offered to a reviewer: its changes, and why it is unsafe if it is."""

    description: str
    unsafe: str
    changes: tuple[Change, ...]


_CACHE_ATTR = "_soc2lint_fix_suggestions"


def suggestions(
    result: ScanResult, findings: Iterable[Finding] | None = None
) -> dict[int, Suggestion]:
    """The suggested fix of each open finding that has one, by ``id(finding)``."""
    cached: dict[int, Suggestion] | None = getattr(result, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    index = {(n.scope, n.address): n for n in result.graph.nodes(category=None)}
    remedied: list[tuple[Finding, Node, Remedy]] = []
    chosen = result.active if findings is None else list(findings)
    for f in chosen:
        if f.incomplete or f.unresolved or f.suppressed:
            continue
        node = index.get((f.scope, f.address))
        if node is None:
            continue
        remedy = remedy_for(f.rule_id, node.language, node.kind, f.attr_path)
        if remedy is not None:
            remedied.append((f, node, remedy))
    out = _planned(result, remedied) if remedied else {}
    if findings is None:
        setattr(result, _CACHE_ATTR, out)
    return out


def _planned(
    result: ScanResult, remedied: list[tuple[Finding, Node, Remedy]]
) -> dict[int, Suggestion]:
    """:func:`suggestions` of the findings that have a remedy (the planner, difflib and
    the text edits are imported only for a scan that has some)."""
    from .plan import line_edits, plan
    from .text import NotFixable, text_of
    from .tree import Tree

    unparsed = {f.range.file for f in result.findings if f.incomplete}
    tree = Tree(result.base, result.base, unparsed)
    options = {**DEFAULT_OPTIONS, **(result.config.options if result.config else {})}
    out: dict[int, Suggestion] = {}
    for f, node, remedy in remedied:
        try:
            p = plan(f, node, tree.read, options, tree.check, tree.list_dir)
        except (NotFixable, RecursionError):
            continue
        changes = []
        for rel, new in sorted(p.texts.items()):
            old = tree.current[rel]
            t = text_of(old)
            for e in line_edits(rel, old, new):
                sl, sc = t.position(e.start)
                el, ec = t.position(e.end)
                changes.append(Change(rel, sl, sc, el, ec, old[e.start : e.end], e.new))
        if not changes:
            continue
        what = remedy.describe(options)
        if p.via:
            what += f" (in {p.via})"
        if remedy.unsafe:
            what = f"Unsafe fix: {what}. {remedy.unsafe[:1].upper()}{remedy.unsafe[1:]}."
        else:
            what = f"Fix: {what}."
        out[id(f)] = Suggestion(what, remedy.unsafe, tuple(changes))
    return out


def diff_block(s: Suggestion) -> str:
    """The suggestion as unified-diff lines (for a markdown ``diff`` block)."""
    lines: list[str] = []
    for c in s.changes:
        old_lines = c.old.splitlines()
        new_lines = c.new.splitlines()
        name = c.file.replace("\r", "\\r").replace("\n", "\\n")
        lines.append(
            f"@@ {name} -{c.start_line},{len(old_lines)} +{c.start_line},{len(new_lines)} @@"
        )
        lines.extend("-" + x for x in old_lines)
        lines.extend("+" + x for x in new_lines)
    return "\n".join(lines)
