"""Reading the plain subset of YAML templates are written in, line by line.

Most YAML templates use a small part of YAML: block mappings and sequences
(a sequence in an entry, ``- - a``, too), one-line plain and quoted scalars
(double-quoted escapes too), empty values, short-form tags, one-line flow
collections, literal block scalars and comments.  :class:`BlockReader` reads
exactly that, straight from the text's lines, into the same
:class:`~.nodes.YDict`/``YList``/``YStr`` values with the same spans as the
event builder of :mod:`.decode` makes from libyaml's events; it raises
:class:`Declined` on anything else (an anchor, a tab, a multi-line plain or
quoted scalar, a folded scalar, a non-ASCII character, a key of over 1,000
characters, nesting over 100 levels, ...), and that text is read by libyaml as
before.  Nothing is guessed: where this reader and libyaml could disagree, it
declines.

Why: libyaml itself is fast, but every event reaches Python as an object
with two marks, and that costs more than reading these lines does (a
300-resource template is read in about a third fewer instructions).  The
differential tests (``tests/cloudformation/test_cfn_decode_events.py``,
``test_cfn_blockyaml.py``), ``bench/cfn_decode_differential.py`` and the
fuzzer ``bench/blockyaml_fuzz.py`` compare the readers on every fixture, rule
example and corpus template, and on generated and mutated texts.

Positions follow libyaml's marks, as :func:`.decode._span_function` turns
them into spans: a scalar or flow collection ends just after its text; a
block collection ends where the next token starts (the first line indented
less, or the end of the stream), pulled back over blank and comment lines; an
empty value is where libyaml puts it (just after its colon, dash or tag).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from ..lazyre import compile_lazily
from .nodes import Span, YDict, YList, YStr, long_form, tagged_scalar

#: text at the start of a line that the reader leaves to libyaml: directives, document
#: markers (a first line ``---`` alone is read)
_LINE_STARTS = ("\n%", "\n---", "\n...")
#: a short-form tag's name (what follows ``!``, up to a space or the end of the line;
#: ``!Rain::Embed`` too)
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:::[A-Za-z][A-Za-z0-9]*)*")
#: a plain scalar in a flow collection, through to its last character: it ends before
#: a flow indicator, a colon followed by a space or flow indicator, or a comment (as
#: libyaml 0.2.5 reads it; see _flow_plain for earlier versions)
_FLOW_PLAIN = compile_lazily(
    r"[^,\[\]{}:#\s](?:[^,\[\]{}:\s]|:(?=[^\s,?\[\]{}])|\s+(?=[^\s,\[\]{}:#]))*"
)
#: the same without a colon or a question mark in it: libyaml before 0.2.5 (and PyYAML's
#: pure-Python scanner) end a flow scalar at `?` and, before 0.2.2, reject a colon in one
_FLOW_PLAIN_STRICT = compile_lazily(r"[^,\[\]{}:#?\s](?:[^,\[\]{}:?\s]|\s+(?=[^\s,\[\]{}:#?]))*")
#: characters a plain scalar cannot start with (``-``, ``?`` and ``:`` can, followed by
#: a non-space, handled apart)
_NOT_PLAIN_START = frozenset(",[]{}#&*!|>'\"%@`")
#: characters that start a plain scalar whatever follows them
_PLAIN_FIRST = frozenset(chr(c) for c in range(33, 127)) - _NOT_PLAIN_START - set("-?:")
_QUOTES = frozenset("\"'")
_OPENERS = frozenset("[{")

_new_str = str.__new__
_new_dict = dict.__new__
_new_list = list.__new__

#: nesting beyond which the reader leaves a document to libyaml (as the event builder)
MAX_DEPTH = 100
#: libyaml forgets a possible key more than 1,024 characters before its colon (and then
#: rejects the text): longer keys are left to it
MAX_KEY = 1000


class Declined(Exception):
    """The text has something this reader leaves to libyaml."""


class BlockReader:
    """Reads one text (see the module doc).  ``loader`` is the event builder's loader:
    plain scalars resolve through it (``resolved_plain``, ``is_special_key``), and
    short-form tags become the long form (:func:`.nodes.long_form`), as for events."""

    def __init__(
        self, text: str, lines: list[str], loader: Any, trim: Callable[[int, int], tuple[int, int]]
    ) -> None:
        """``lines`` is ``text.split("\\n")``; ``trim`` pulls a block collection's end
        mark back over blank and comment lines (:meth:`.decode._Spans.trim_end`)."""
        self.text = text
        self.lines = lines
        self.n = len(lines)
        self.loader = loader
        self.trim_end = trim
        self.trimmed: dict[tuple[int, int], tuple[int, int]] = {}
        self.duplicates: list[tuple[str, Span, Span]] = []
        self.flow_plain = _flow_plain().match
        # libyaml ends the stream on a line of its own: after the last line break, or
        # after the last line when the text does not end with one
        self.eof = (self.n - 1, 0) if text.endswith("\n") else (self.n, 0)

    # ---- lines ----------------------------------------------------------------

    def trim(self, line: int, column: int) -> tuple[int, int]:
        """A block collection's end mark (0-based) pulled back over blank and comment
        lines, once per position (collections that close together share it)."""
        at = self.trimmed.get((line, column))
        if at is None:
            at = self.trimmed[line, column] = self.trim_end(line, column)
        return at

    def next_content(self, i: int) -> tuple[int, int]:
        """The first line from ``i`` on that is neither blank nor a comment, and its
        indentation; ``(n, -1)`` at the end of the text."""
        lines = self.lines
        n = self.n
        while i < n:
            s = lines[i]
            body = s.lstrip(" ")
            if body and body[0] != "#":
                return i, len(s) - len(body)
            i += 1
        return n, -1

    def end_of_block(self, j: int, indent: int) -> tuple[int, int]:
        """Where a block collection ends when the next token is at line ``j``."""
        if j >= self.n:
            return self.trim(*self.eof)
        return self.trim(j, indent)

    # ---- the document -----------------------------------------------------------

    def read(self) -> Any:
        text = self.text
        # only printable ASCII and line feeds (no tab, carriage return, byte order mark,
        # YAML 1.1's other line breaks, ...); no directive or document marker
        if not text.isascii() or not text.replace("\n", " ").isprintable():
            raise Declined
        if text.startswith(("%", "...", "--- ")) or any(m in text for m in _LINE_STARTS):
            raise Declined
        i, indent = self.next_content(0)
        if i < self.n and self.lines[i] == "---":
            i, indent = self.next_content(i + 1)
        if i >= self.n:
            raise Declined  # an empty document: libyaml says what it is
        root, j, _ = self.block(i, indent, None, 0)
        if j < self.n or not isinstance(root, dict):
            raise Declined  # text after the root, or a root that is not a mapping
        return root

    def block(
        self, i: int, indent: int, tag: tuple[str, int, int] | None, depth: int
    ) -> tuple[Any, int, int]:
        """The block mapping or sequence whose first entry is line ``i`` at column
        ``indent``; (value, next content line, its indentation).  ``tag``: a tag
        written before it, (suffix, line, column)."""
        if depth > MAX_DEPTH:
            raise Declined
        s = self.lines[i]
        start = (i, indent) if tag is None else (tag[1], tag[2])
        value: Any
        if _dash_at(s, indent):
            value, j, jindent = self.sequence(i, indent, start, False, depth)
        else:
            value, j, jindent = self.mapping(i, indent, start, depth)
        if tag is not None:
            value = long_form(tag[0], value, value.span)
        return value, j, jindent

    # ---- block collections -------------------------------------------------------------

    def mapping(
        self, i: int, indent: int, start: tuple[int, int], depth: int
    ) -> tuple[YDict, int, int]:
        """A block mapping whose keys are at column ``indent``, from line ``i`` (whose
        first key may follow a sequence's ``- ``).

        The common entry, ``key: plain scalar``, is read here without a call (this
        loop runs for most lines of a template): keep it the same as ``inline`` and
        ``next_content``, which read anything else."""
        if depth > MAX_DEPTH:
            raise Declined
        lines = self.lines
        n = self.n
        loader = self.loader
        plain_values = _PLAIN
        keys_ok = _KEY_OK
        out: YDict = _new_dict(YDict)
        value_spans: dict[Any, Span] = {}
        written: dict[Any, YStr] | None = None
        c = indent
        s = lines[i]
        while True:
            # the key: plain up to the first ": " (or a final ":"), or quoted
            if s[c] in _QUOTES:
                text, colon = self.quoted(s, c)
                if s[colon : colon + 2] != ": " and s[colon:] != ":":
                    raise Declined
            else:
                colon = s.find(": ", c)
                if colon == -1:
                    if s[-1] != ":":
                        raise Declined  # a scalar where a key belongs (or a multi-line one)
                    colon = len(s) - 1
                text = s[c:colon]
                ok = keys_ok.get(text)
                if ok is None:
                    ok = _remember(keys_ok, text, _ordinary_key(loader, text))
                if not ok:
                    raise Declined
            if colon - c > MAX_KEY:
                raise Declined
            where = (i + 1, c + 1, i + 1, colon + 1)
            key: YStr = _new_str(YStr, text)
            key.span = where
            vspan: Span | None = None
            # the value
            length = len(s)
            p = colon + 1
            while p < length and s[p] == " ":
                p += 1
            if p >= length or s[p] == "#":  # on the lines below
                j, jindent = self.next_content(i + 1)
                empty = (i + 1, colon + 2, i + 1, colon + 2)
                value, i, jindent, vspan = self.below(j, jindent, indent, None, depth, empty)
            elif s[p] in _PLAIN_FIRST:  # a plain scalar (plain(), inline)
                end = s.find(" #", p)
                if end == -1:
                    end = length
                while s[end - 1] == " ":
                    end -= 1
                vtext = s[p:end]
                if ": " in vtext or vtext[-1] == ":":
                    raise Declined
                value = plain_values.get(vtext, _MISSING)
                if value is _MISSING:
                    value = _remember(plain_values, vtext, _resolved(loader, vtext))
                if value is STRING:
                    value = _new_str(YStr, vtext)
                    value.span = (i + 1, p + 1, i + 1, end + 1)
                else:
                    vspan = (i + 1, p + 1, i + 1, end + 1)
                # the next content line (next_content, inline)
                i += 1
                while i < n:
                    s = lines[i]
                    body = s.lstrip(" ")
                    if body and body[0] != "#":
                        jindent = len(s) - len(body)
                        break
                    i += 1
                else:
                    jindent = -1
            else:
                value, i, jindent, vspan = self.inline(s, p, i, indent, depth)
            if key in out:
                # a duplicate key (rare): as the event builder, the last value wins
                if written is None:
                    written = {k: k for k in out}
                previous: YStr = written[key]
                self.duplicates.append((text, previous.span, where))  # type: ignore[arg-type]
                del out[key]
                value_spans.pop(key, None)
            out[key] = value
            if written is not None:
                written[key] = key
            if vspan is not None:
                value_spans[key] = vspan
            if jindent != indent:
                if jindent > indent:
                    raise Declined  # more indented than its key: a multi-line scalar?
                break
            s = lines[i]
            if s[indent] == "-" and (len(s) == indent + 1 or s[indent + 1] == " "):
                raise Declined  # a sequence entry among the keys (_dash_at, inline)
            c = indent
        el, ec = self.end_of_block(i, jindent)
        out.span = _span(start, el, ec)
        out.value_spans = value_spans or None
        return out, i, jindent

    def sequence(
        self, i: int, indent: int, start: tuple[int, int], indentless: bool, depth: int
    ) -> tuple[YList, int, int]:
        """A block sequence whose ``-`` are at column ``indent``, from line ``i``;
        ``indentless`` when it is a mapping's value at the mapping's own indentation."""
        if depth > MAX_DEPTH:
            raise Declined
        lines = self.lines
        items: YList = _new_list(YList)
        while True:
            s = lines[i]
            p = indent + 1
            length = len(s)
            while p < length and s[p] == " ":
                p += 1
            if p >= length or s[p] == "#":  # the entry's value is on the lines below
                j, jindent = self.next_content(i + 1)
                empty = (i + 1, indent + 2, i + 1, indent + 2)
                value, j, jindent, _ = self.below(
                    j, jindent, indent, None, depth, empty, entry=True
                )
            else:
                value, j, jindent = self.item(s, p, i, indent, depth)
            items.append(value)
            if jindent != indent:
                if jindent > indent:
                    raise Declined
                break
            s = lines[j]
            if not (_dash_at(s, indent)):
                if indentless:
                    break  # the mapping's next key
                raise Declined
            i = j
        el, ec = self.end_of_block(j, jindent)
        items.span = _span(start, el, ec)
        return items, j, jindent

    def item(self, s: str, p: int, i: int, indent: int, depth: int) -> tuple[Any, int, int]:
        """A sequence entry written from column ``p`` of line ``i``."""
        first = s[p]
        if _dash_at(s, p):
            # a sequence in the entry, its first entry on this line (`- - a`)
            return self.sequence(i, p, (i, p), False, depth + 1)
        if first not in _NOT_PLAIN_START and (
            first not in "-?:" or s[p + 1 : p + 2] not in ("", " ")
        ):
            # a plain scalar, or a mapping's first key
            colon = s.find(":", p)
            while colon != -1 and colon + 1 < len(s) and s[colon + 1] != " ":
                colon = s.find(":", colon + 1)
            comment = s.find(" #", p)
            if colon != -1 and (comment == -1 or colon < comment):
                value, j, jindent = self.mapping(i, p, (i, p), depth + 1)
                return value, j, jindent
        if first in _QUOTES:
            _, after = self.quoted(s, p)
            if after < len(s) and s[after] == ":":
                raise Declined  # a quoted key of a mapping in a sequence entry
        value, j, jindent, _ = self.inline(s, p, i, indent, depth, entry=True)
        return value, j, jindent

    def below(
        self,
        j: int,
        jindent: int,
        indent: int,
        tag: tuple[str, int, int] | None,
        depth: int,
        empty: Span,
        *,
        entry: bool = False,
    ) -> tuple[Any, int, int, Span | None]:
        """The value of a key at ``indent`` (``entry``: of a sequence entry whose ``-`` is
        at ``indent``) written on the lines below it, the next of which is line ``j``: a
        block collection, or nothing: an empty value, null (or an empty string after a
        tag), at ``empty`` (libyaml's mark: just after the colon, dash or tag).  With the
        next content line, its indentation, and the span of a null."""
        if j < self.n and jindent > indent:
            return (*self.block(j, jindent, tag, depth + 1), None)
        if j < self.n and jindent == indent and not entry:
            s = self.lines[j]
            if _dash_at(s, indent):
                # an indentless sequence (never a sequence entry's value)
                start = (j, indent) if tag is None else (tag[1], tag[2])
                items, k, kindent = self.sequence(j, indent, start, True, depth + 1)
                if tag is not None:
                    return long_form(tag[0], items, items.span), k, kindent, None
                return items, k, kindent, None
        if tag is not None:
            return tagged_scalar(tag[0], "", empty), j, jindent, None
        return _resolved(self.loader, ""), j, jindent, empty

    # ---- a value written on its key's (or entry's) line ---------------------------------

    def inline(
        self, s: str, p: int, i: int, indent: int, depth: int, *, entry: bool = False
    ) -> tuple[Any, int, int, Span | None]:
        """The value written from column ``p`` of line ``i`` (its key's or entry's block
        is at ``indent``; ``entry``: a sequence entry's): value, next content line and
        its indentation, and the value's span when it cannot carry one."""
        if depth > MAX_DEPTH:
            raise Declined
        tag = None
        first = s[p]
        if first == "!":
            end = s.find(" ", p)
            if end == -1:
                end = len(s)
            tag = (_tag_suffix(s[p + 1 : end]), i, p)
            p = end
            n = len(s)
            while p < n and s[p] == " ":
                p += 1
            if p >= n or s[p] == "#":  # a tagged block collection below, or nothing
                j, jindent = self.next_content(i + 1)
                empty = (i + 1, tag[2] + 1, i + 1, end + 1)
                return self.below(j, jindent, indent, tag, depth, empty, entry=entry)
            first = s[p]
        if first == "|":
            value, after = self.literal(s, p, i, indent, tag)
            j, jindent = self.next_content(after)
            return value, j, jindent, None
        vspan: Span | None = None
        if first in _OPENERS:
            value, end = self.flow(s, p, i, tag, depth + 1)
        elif first in _QUOTES:
            text, end = self.quoted(s, p)
            value = self.tagged_text(text, tag, i, p, end)
        else:
            if first in _NOT_PLAIN_START or (first in "-?:" and s[p + 1 : p + 2] in ("", " ")):
                raise Declined
            end = s.find(" #", p)
            if end == -1:
                end = len(s)
            while s[end - 1] == " ":
                end -= 1
            text = s[p:end]
            if ": " in text or text[-1] == ":":
                raise Declined
            if tag is not None:
                value = self.tagged_text(text, tag, i, p, end)
            else:
                value = self.plain(text, i, p, end)
                if not isinstance(value, str):
                    vspan = (i + 1, p + 1, i + 1, end + 1)
        _rest_is_comment(s, end)
        j, jindent = self.next_content(i + 1)
        return value, j, jindent, vspan

    def plain(self, text: str, i: int, c: int, end: int) -> Any:
        """An untagged plain scalar: a YStr, or a null, boolean or number."""
        value = _PLAIN.get(text, _MISSING)
        if value is _MISSING:
            value = _remember(_PLAIN, text, _resolved(self.loader, text))
        if value is STRING:
            out: YStr = _new_str(YStr, text)
            out.span = (i + 1, c + 1, i + 1, end + 1)
            return out
        return value

    def tagged_text(
        self, text: str, tag: tuple[str, int, int] | None, i: int, c: int, end: int
    ) -> Any:
        """A quoted scalar, or a scalar after a tag: a string (long form when tagged)."""
        if tag is None:
            out: YStr = _new_str(YStr, text)
            out.span = (i + 1, c + 1, i + 1, end + 1)
            return out
        return tagged_scalar(tag[0], text, (tag[1] + 1, tag[2] + 1, i + 1, end + 1))

    def quoted(self, s: str, p: int) -> tuple[str, int]:
        """The one-line quoted scalar at column ``p``: its text and the column after it."""
        q = s[p]
        if q == '"':
            close = s.find('"', p + 1)
            if close == -1:
                raise Declined  # continued on the next line
            text = s[p + 1 : close]
            if "\\" in text:
                return _escaped(s, p + 1)
            return text, close + 1
        k = p + 1
        while True:
            close = s.find("'", k)
            if close == -1:
                raise Declined
            if s[close + 1 : close + 2] != "'":
                break
            k = close + 2
        return s[p + 1 : close].replace("''", "'"), close + 1

    def literal(
        self, s: str, p: int, i: int, indent: int, tag: tuple[str, int, int] | None
    ) -> tuple[Any, int]:
        """A literal block scalar (``|`` or ``|-``) whose indicator is at column ``p``, and
        the line where its end mark is."""
        header_end = p + 1
        chomp = ""
        if header_end < len(s) and s[header_end] in "-+":
            chomp = s[header_end]
            header_end += 1
        _rest_is_comment(s, header_end)
        if chomp == "+":
            raise Declined
        lines = self.lines
        n = self.n
        k = i + 1
        while k < n and lines[k] == "":
            k += 1
        if k >= n or not self.text.endswith("\n"):
            # empty; or the scalar may run to the end of a text without a final line
            # break, where libyaml's end mark is not at a line's start
            raise Declined
        first = lines[k]
        body_indent = len(first) - len(first.lstrip(" "))
        if body_indent <= indent or body_indent == len(first):
            raise Declined  # empty, or a line of spaces: libyaml's rules are subtle there
        last = k
        j = k + 1
        while j < n:
            line = lines[j]
            if line:
                lead = len(line) - len(line.lstrip(" "))
                if lead == len(line):
                    raise Declined  # a line of spaces
                if lead < body_indent:
                    break
                last = j
            j += 1
        if j >= n:
            j = n - 1  # the empty line after the text's last line break
        body = "\n" * (k - i - 1) + "\n".join(line[body_indent:] for line in lines[k : last + 1])
        if chomp == "":
            body += "\n"
        el, ec = self.trim(j, 0)
        start = (i, p) if tag is None else (tag[1], tag[2])
        where = _span(start, el, ec)
        if tag is not None:
            return tagged_scalar(tag[0], body, where), j
        value: YStr = _new_str(YStr, body)
        value.span = where
        return value, j

    # ---- flow collections -----------------------------------------------------------------

    def flow(
        self, s: str, p: int, i: int, tag: tuple[str, int, int] | None, depth: int
    ) -> tuple[Any, int]:
        """The flow collection (on one line) at column ``p``: its value and the column
        after it."""
        if depth > MAX_DEPTH:
            raise Declined
        loader = self.loader
        n = len(s)
        open_ = s[p]
        close = "]" if open_ == "[" else "}"
        q = p + 1
        value_spans: dict[Any, Span] = {}
        out: Any = _new_list(YList) if open_ == "[" else _new_dict(YDict)
        while True:
            while q < n and s[q] == " ":
                q += 1
            if q >= n:
                raise Declined  # continued on the next line
            if s[q] == close and not out:
                q += 1
                break  # empty
            if open_ == "[":
                if s[q] in _PLAIN_FIRST:  # a plain scalar (flow_node, inline)
                    m = self.flow_plain(s, q)
                    end = m.end()
                    value = self.plain(m.group(), i, q, end)
                    q = end
                else:
                    value, _, q = self.flow_node(s, q, i, depth)
                out.append(value)
            else:
                kstart = q
                first = s[q]
                if first in _QUOTES:
                    text, q = self.quoted(s, q)
                else:
                    m = self.flow_plain(s, q)
                    # (in a flow collection `?` is the key indicator whatever follows it)
                    if m is None or first == "?":
                        raise Declined
                    text = m.group()
                    ok = _KEY_OK.get(text)
                    if ok is None:
                        ok = _remember(_KEY_OK, text, _ordinary_key(loader, text))
                    if not ok:
                        raise Declined
                    q = m.end()
                if s[q : q + 2] != ": " or q - kstart > MAX_KEY:
                    raise Declined
                where = (i + 1, kstart + 1, i + 1, q + 1)
                key: YStr = _new_str(YStr, text)
                key.span = where
                value, vspan, q = self.flow_node(s, q + 2, i, depth)
                if key in out:
                    raise Declined  # a duplicate key: left to libyaml
                out[key] = value
                if vspan is not None:
                    value_spans[key] = vspan
            while q < n and s[q] == " ":
                q += 1
            if q >= n:
                raise Declined
            if s[q] == ",":
                q += 1
                while q < n and s[q] == " ":
                    q += 1
                if q >= n or s[q] == close or s[q] == ",":
                    raise Declined  # a trailing comma, or continued on the next line
                continue
            if s[q] != close:
                raise Declined
            q += 1
            break
        start = (i, p) if tag is None else (tag[1], tag[2])
        out.span = _span(start, i, q)
        if open_ == "{":
            out.value_spans = value_spans or None
        if tag is not None:
            return long_form(tag[0], out, out.span), q
        return out, q

    def flow_node(self, s: str, q: int, i: int, depth: int) -> tuple[Any, Span | None, int]:
        """A node inside a flow collection at column ``q``: value, span when it cannot
        carry one, and the column after it."""
        if q >= len(s):
            raise Declined  # continued on the next line
        tag = None
        first = s[q]
        if first == "!":
            end = s.find(" ", q)
            if end == -1:
                raise Declined
            tag = (_tag_suffix(s[q + 1 : end]), i, q)
            q = end
            n = len(s)
            while q < n and s[q] == " ":
                q += 1
            if q >= n:
                raise Declined
            first = s[q]
        if first in _OPENERS:
            value, q = self.flow(s, q, i, tag, depth + 1)
            return value, None, q
        if first in _QUOTES:
            text, end = self.quoted(s, q)
            return self.tagged_text(text, tag, i, q, end), None, end
        if first in _NOT_PLAIN_START or first in "-?":
            raise Declined
        m = self.flow_plain(s, q)
        if m is None:
            raise Declined
        text = m.group()
        end = m.end()
        if tag is not None:
            return self.tagged_text(text, tag, i, q, end), None, end
        value = self.plain(text, i, q, end)
        if isinstance(value, str):
            return value, None, end
        return value, (i + 1, q + 1, i + 1, end + 1), end


#: what ``resolved_plain`` returns for a plain scalar that is a string
STRING: Any = object()
_MISSING: Any = object()
#: plain scalars' values by text (a string: STRING), and whether a plain key is one the
#: reader reads (_ordinary_key), for all the templates of a process: templates repeat
#: the same words thousands of times.  Each entry depends on its text alone.
_PLAIN: dict[str, Any] = {}
_KEY_OK: dict[str, bool] = {}
#: the longest text remembered (a hostile megabyte of digits is not), as decode's memos,
#: and how many before the memo starts again
_MEMO_MAX_TEXT = 256
_MEMO_MAX = 100_000


def _remember(memo: dict[str, Any], text: str, value: Any) -> Any:
    if len(text) <= _MEMO_MAX_TEXT:
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[text] = value
    return value


def _resolved(loader: Any, text: str) -> Any:
    """An untagged plain scalar's value (``loader.resolved_plain``); a text PyYAML's
    constructor fails on (``0x_``, which its resolver calls an integer) is declined."""
    try:
        return loader.resolved_plain(text)
    except Declined:
        raise
    except Exception:
        raise Declined from None


def _ordinary_key(loader: Any, text: str) -> bool:
    """A plain key the reader reads: not empty, not ending in a space, no comment
    in it, a plain scalar's first character, and neither null nor a merge key."""
    return bool(
        text
        and text[-1] != " "
        and " #" not in text
        and _plain_start(text)
        and not loader.is_special_key(text)
    )


@functools.cache
def _flow_plain() -> Any:
    """The flow scalar pattern for the libyaml PyYAML uses (a system one may be older)."""
    try:
        from yaml._yaml import get_version_string

        version = tuple(int(x) for x in get_version_string().split(".")[:3])
    except (ImportError, ValueError):
        version = (0, 0, 0)
    return _FLOW_PLAIN if version >= (0, 2, 5) else _FLOW_PLAIN_STRICT


#: short-form tag names read so far (the few templates use)
_TAG_NAMES: set[str] = set()


def _tag_suffix(name: str) -> str:
    """``name`` when it is a short-form tag's name the reader reads."""
    if name not in _TAG_NAMES:
        if _TAG_NAME.fullmatch(name) is None:
            raise Declined
        if len(_TAG_NAMES) < 1_000 and len(name) <= 64:
            _TAG_NAMES.add(name)
    return name


#: a double-quoted scalar's one-character escapes (YAML 1.1, as libyaml reads them; not
#: ``\\/``, which older versions reject)
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
#: the hexadecimal escapes and their number of digits
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _escaped(s: str, k: int) -> tuple[str, int]:
    """A one-line double-quoted scalar with escapes whose text starts at column ``k``:
    its text and the column after its closing quote."""
    parts: list[str] = []
    n = len(s)
    while True:
        close = s.find('"', k)
        if close == -1:
            raise Declined  # continued on the next line
        backslash = s.find("\\", k, close)
        if backslash == -1:
            parts.append(s[k:close])
            return "".join(parts), close + 1
        parts.append(s[k:backslash])
        if backslash + 1 >= n:
            raise Declined
        code = s[backslash + 1]
        if code in _ESCAPES:
            parts.append(_ESCAPES[code])
            k = backslash + 2
        elif code in _HEX_ESCAPES:
            width = _HEX_ESCAPES[code]
            digits = s[backslash + 2 : backslash + 2 + width]
            if len(digits) != width or not set(digits) <= _HEX_DIGITS:
                raise Declined
            number = int(digits, 16)
            if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
                raise Declined  # libyaml rejects it
            parts.append(chr(number))
            k = backslash + 2 + width
        else:
            raise Declined  # not an escape: libyaml's error


def _dash_at(s: str, column: int) -> bool:
    """A sequence entry's ``-`` at ``column`` of ``s`` (followed by a space or the end)."""
    return s[column] == "-" and (len(s) == column + 1 or s[column + 1] == " ")


def _plain_start(text: str) -> bool:
    first = text[0]
    if first in _NOT_PLAIN_START:
        return False
    return not (first in "-?:" and text[1:2] in ("", " "))


def _rest_is_comment(s: str, end: int) -> None:
    """After a value, only spaces and a comment may follow on its line."""
    n = len(s)
    k = end
    while k < n and s[k] == " ":
        k += 1
    if k < n and (s[k] != "#" or k == end):
        raise Declined


def _span(start: tuple[int, int], el: int, ec: int) -> Span:
    sl, sc = start
    if el < sl or (el == sl and ec < sc):
        el, ec = sl, sc
    return (sl + 1, sc + 1, el + 1, ec + 1)
