"""Edits to source text by position: the value where it is written, or a new entry.

Nothing here re-serialises a file.  An :class:`Edit` replaces a span of the
text (characters, 0-based, end exclusive) with new text; everything outside
the span stays byte-identical: indentation, comments, quoting, key order,
flow style and JSON formatting.  The spans come from the parsers' positions
(:mod:`soc2lint.terraform.hcl`, :mod:`soc2lint.cloudformation.decode`).

Terraform (:func:`tf_set`): a written literal is replaced in place; a missing
attribute is inserted at the end of its block (aligned like ``terraform fmt``
when it can join the last group of attributes, after a blank line otherwise);
a missing nested block is inserted with its attribute.  CloudFormation's
edits are in :mod:`.cfn`; the Terraform parser and syntax tree are imported by
the Terraform edits that use them, so that a CloudFormation fix does not load
the Terraform front end.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from ..record import record

if TYPE_CHECKING:
    from ..terraform.syntax import Attribute, Block, Body


class NotFixable(Exception):
    """Why a fix cannot be written here, in the user's words."""


@record(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` of ``file`` (relative to the repository) with ``new``."""

    file: str
    start: int
    end: int
    new: str
    #: for an insertion: the keys it adds to its mapping or block ("*": cannot be merged
    #: with another insertion at the same place)
    keys: tuple[str, ...] = field(default=(), compare=False)


class Text:
    """A file's text with 1-based (line, column) <-> offset conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def offset(self, line: int, col: int) -> int:
        if line - 1 >= len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + col - 1, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo] + 1

    def line(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line`` (before its newline)."""
        if line < len(self.starts):
            end = self.starts[line] - 1
            if end > 0 and self.text[end - 1] == "\r":
                end -= 1
            return end
        return len(self.text)

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"


def combine(edits: Sequence[Edit]) -> list[Edit] | None:
    """Edits planned separately against one text, as one set: None when two of them
    overlap, or insert at the same place keys that clash (or cannot be merged)."""
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.file, e.start, e.end)):
        prev = out[-1] if out else None
        if prev is None or prev.file != e.file or (prev.end <= e.start and prev.start < e.start):
            out.append(e)
            continue
        both_inserts = prev.start == prev.end == e.start == e.end
        clash = "*" in prev.keys or "*" in e.keys or set(prev.keys) & set(e.keys)
        if not both_inserts or clash or not prev.keys or not e.keys:
            return None
        out[-1] = Edit(e.file, e.start, e.end, _merge_lines(prev.new, e.new), prev.keys + e.keys)
    return out


_TF_LINE = re.compile(r"^([ \t]*)([A-Za-z_][\w-]*)( *)= (.*)$")


def _merge_lines(first: str, second: str) -> str:
    """Two insertions at one place: Terraform attribute lines that each start a group of
    their own (after a blank line) become one group, aligned as ``terraform fmt`` does."""
    for nl in ("\r\n", "\n"):
        if first.startswith(nl) and second.startswith(nl) and first.endswith(nl):
            lines = (first[len(nl) :] + second[len(nl) :]).split(nl)[:-1]
            found = [_TF_LINE.match(x) for x in lines]
            if all(found) and len({m.group(1) for m in found if m}) == 1:
                width = max(len(m.group(2)) for m in found if m)
                out = [f"{m.group(1)}{m.group(2).ljust(width)} = {m.group(4)}" for m in found if m]
                return nl + nl.join(out) + nl
            break
    return first + second


@functools.lru_cache(maxsize=16)
def text_of(text: str) -> Text:
    """A (cached) :class:`Text` for ``text``: the fixes of one file share it."""
    return Text(text)


def apply(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with ``edits`` (of one file, not overlapping) applied."""
    out = text
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        out = out[: e.start] + e.new + out[e.end :]
    return out


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


# ---------------------------------------------------------------------------
# Terraform
# ---------------------------------------------------------------------------


class RawHcl(str):
    """The content of a Terraform string as it is to be written (with its ``${...}``)."""

    __slots__ = ()


def hcl_literal(value: Any, like: str = "") -> str:
    """``value`` as a Terraform literal; a string stays quoted, a quoted bool/number too."""
    if isinstance(value, RawHcl):
        return f'"{value}"'
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")
    elif isinstance(value, list):
        return "[" + ", ".join(hcl_literal(v) for v in value) + "]"
    else:
        raise NotFixable(f"cannot write {value!r}")
    if like.startswith('"'):
        return f'"{text}"'
    return text


@functools.lru_cache(maxsize=16)
def parse_tf(text: str) -> Body:
    """The file's syntax tree (cached: the fixes of one file read the same text)."""
    from ..terraform.hcl import parse_hcl

    parsed = parse_hcl(text)
    if parsed.body is None:
        raise NotFixable("the file does not parse")
    return parsed.body


def find_block(body: Body, line: int, col: int) -> Block | None:
    """The block (at any depth) that starts at ``line``:``col``."""
    for b in body.blocks:
        if b.pos[0] == line and b.pos[1] == col:
            return b
        if b.pos[0] <= line <= b.pos[2]:
            found = find_block(b.body, line, col)
            if found is not None:
                return found
    return None


def find_attribute(body: Body, line: int, col: int) -> Attribute | None:
    """The attribute (in any block) written at ``line``:``col``."""
    for a in body.attrs.values():
        if a.pos[0] == line and a.pos[1] == col:
            return a
    for b in body.blocks:
        if b.pos[0] <= line <= b.pos[2]:
            found = find_attribute(b.body, line, col)
            if found is not None:
                return found
    return None


def is_literal(attr: Attribute) -> bool:
    """A literal scalar, a plain string, or a list of them."""
    from ..terraform.syntax import Lit, Template, TupleExpr

    e = attr.expr
    if isinstance(e, TupleExpr):
        return all(isinstance(i, Lit) for i in e.items)
    return isinstance(e, Lit) or (
        isinstance(e, Template) and all(isinstance(p, str) for p in e.parts)
    )


def tf_replace_value(file: str, t: Text, attr: Attribute, value: Any) -> Edit:
    """Replace the literal value of ``attr``."""
    if not is_literal(attr):
        raise NotFixable(
            f"`{attr.name}` is an expression, not a literal value: set the value where it is "
            "decided"
        )
    p = attr.expr.pos
    start, end = t.offset(p[0], p[1]), t.offset(p[2], p[3])
    old = t.text[start:end]
    if "\n" in old:
        raise NotFixable(f"`{attr.name}` is a multi-line value")
    return Edit(file, start, end, hcl_literal(value, old))


_ATTR_LINE = re.compile(r"^(\s*)([A-Za-z_][\w-]*)(\s*)=\s*\S")


def _tf_body_lines(text: Text, block: Block) -> tuple[int, int]:
    """The line of the block's opening brace and of its closing brace."""
    return block.pos[0], block.pos[2]


def tf_insert(
    file: str, t: Text, block: Block, lines: Sequence[str], key: str | None = None
) -> Edit:
    """Insert ``lines`` (relative indentation, first at level 0) at the end of ``block``.

    ``key`` names a single attribute being inserted: it is aligned with the last group
    of attributes when that keeps ``terraform fmt``'s alignment, else set apart by a
    blank line."""
    open_line, close_line = _tf_body_lines(t, block)
    close = t.offset(block.pos[2], block.pos[3]) - 1
    if t.text[close] != "}":
        raise NotFixable("cannot find the end of the block")
    nl = t.newline
    head = t.line(open_line)
    base = _indent_of(head)
    if open_line == close_line:
        # a one-line block: `x {}` -> expand it
        brace = t.text.rfind("{", t.offset(open_line, 1), close)
        inner = t.text[brace + 1 : close].strip()
        if inner:
            raise NotFixable("the block is written on one line")
        step = "  "
        new = "{" + nl + "".join(base + step + ln + nl for ln in lines) + base + "}"
        return Edit(file, brace, close + 1, new, ("*",))
    # the indentation of the block's content, from its first written line
    indent = base + "  "
    for ln in range(open_line + 1, close_line):
        s = t.line(ln)
        if s.strip() and not s.strip().startswith(("#", "//", "/*")):
            indent = _indent_of(s)
            break
    before = t.line(close_line)[: block.pos[3] - 2]
    if before.strip():
        raise NotFixable("the block's closing brace shares its line")
    # the last non-blank line before the closing brace
    prev = close_line - 1
    while prev > open_line and not t.line(prev).strip():
        prev -= 1
    prev_text = t.line(prev)
    blank = ""
    first = lines[0]
    if prev == open_line:
        pass
    elif key is not None:
        m = _ATTR_LINE.match(prev_text)
        width = _group_width(t, prev, open_line, indent) if m else None
        if m is not None and _indent_of(prev_text) == indent:
            if width is not None and len(key) <= width:
                first = key + " " * (width - len(key)) + first[len(key) :]
            elif width is not None:
                # an aligned group this key would widen (terraform fmt would realign every
                # line of it): keep the new line apart
                blank = nl
        elif prev_text.rstrip().endswith("}"):
            blank = nl
    else:
        blank = nl
    insert_at = t.starts[close_line - 1]
    out = blank + indent + first + nl + "".join(indent + ln + nl for ln in lines[1:])
    head_word = lines[0].split(" ", 1)[0]
    return Edit(file, insert_at, insert_at, out, (head_word,))


def _group_width(t: Text, last: int, open_line: int, indent: str) -> int | None:
    """The key width (up to ``=``) of the aligned group of one-line attributes ending at
    ``last``; None when the group is not aligned (then nothing is padded)."""
    columns = []
    ln = last
    while ln > open_line:
        s = t.line(ln)
        m = _ATTR_LINE.match(s)
        if m is None or _indent_of(s) != indent:
            break
        if s.rstrip().endswith(("{", "[", "(")):
            if ln == last:
                return None
            break
        columns.append(len(m.group(2)) + len(m.group(3)))
        ln -= 1
    if not columns or len(set(columns)) != 1:
        return None
    return columns[0] - 1


def tf_block_lines(segments: Sequence[str], last: str, value: Any) -> list[str]:
    """``a { b { last = value } }`` as lines with relative indentation."""
    lines: list[str] = []
    for depth, seg in enumerate(segments):
        lines.append("  " * depth + seg + " {")
    lines.append("  " * len(segments) + f"{last} = {hcl_literal(value)}")
    for depth in reversed(range(len(segments))):
        lines.append("  " * depth + "}")
    return lines


def tf_set(
    file: str, t: Text, block: Block, path: Sequence[tuple[str, int | None]], value: Any
) -> Edit:
    """Set ``path`` (block names with their index, then the attribute) in ``block``."""
    current = block
    for i, (seg, index) in enumerate(path[:-1]):
        if seg in current.body.attrs:
            raise NotFixable(f"`{seg}` is written as an expression, not as a block")
        dyn = [b for b in current.body.blocks if b.type == "dynamic" and b.labels[:1] == (seg,)]
        if dyn:
            raise NotFixable(f"`{seg}` is written as a dynamic block")
        found = current.body.blocks_of(seg)
        if not found:
            rest = [s for s, _ in path[i:-1]]
            lines = tf_block_lines(rest, path[-1][0], value)
            return tf_insert(file, t, current, lines)
        if len(found) > 1 and index is None:
            raise NotFixable(f"`{seg}` is written several times")
        current = found[index or 0] if (index or 0) < len(found) else found[0]
    name = path[-1][0]
    attr = current.body.attrs.get(name)
    if attr is not None:
        return tf_replace_value(file, t, attr, value)
    if current.body.blocks_of(name):
        raise NotFixable(f"`{name}` is written as a block")
    return tf_insert(file, t, current, [f"{name} = {hcl_literal(value)}"], key=name)
