"""Decoding template text with cfn-lint's decoder into positioned plain data.

cfn-lint (imported lazily: importing it costs a third of a second or more)
reads YAML and JSON with line marks, turns short-form tags into the long
form and guards against YAML alias amplification.  This module uses it so
that:

* templates are read by a loader shaped like cfn-lint's (libyaml's safe loader,
  cfn-lint's merge-key handling), which builds :class:`~.nodes.YDict`/``YList``/
  ``YStr`` directly: from libyaml's events when the text has no anchor,
  alias, merge key or unusual tag (nearly every template), else
  through PyYAML's constructors; 1-based, end-exclusive spans, the end of a
  block mapping pulled back over trailing blank and comment lines, exact
  positions for numbers and booleans; cfn-lint's alias guard runs on the
  result when the text has an anchor;
* whatever that loader cannot read goes through ``cfnlint.decode.decode_str``
  (never ``decode``, which reads stdin when given None), whose error
  positions and messages become :class:`Problem` s, and whose result, when it
  reads what the fast path could not, is converted the same way;
* YAML 1.1 timestamps and ``!!binary`` keep the text written; mapping keys
  are the text written (``On:`` stays ``"On"``);
* a duplicate key is reported at both lines and the template is still read
  (the last value wins), so the rest of the file is checked.

:func:`decode_text` is a pure function of the text, never raises, and
returns picklable data.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import logging
import re
from dataclasses import field
from typing import Any, ClassVar, cast

from ..memory import paused_gc
from ..record import record
from ..yamldepth import MAX_DEPTH, too_deep  # a template nested deeper is rejected
from .blockyaml import STRING, BlockReader, Declined
from .nodes import Span, YDict, YList, YStr, long_form, tagged_scalar

#: alias-expanded node count above which a template is rejected (cfn-lint's own
#: guard is 250,000; this one also protects the duplicate-key recovery path)
MAX_NODES = 300_000
#: alias-expanded values allowed by default (limits.max_yaml_nodes): cfn-lint's guard
DEFAULT_MAX_YAML_NODES = 250_000

_TEMPLATE_HINT = re.compile(
    r"AWSTemplateFormatVersion|^Resources\s*:|\"Resources\"\s*:|^'Resources'\s*:", re.MULTILINE
)


@record(frozen=True)
class Problem:
    """A decode error at a 1-based position."""

    message: str
    line: int = 1
    column: int = 1
    end_line: int = 0
    end_column: int = 0
    #: a safety limit rather than a syntax error: SYS008
    limit: bool = False


@record
class Decoded:
    """What :func:`decode_text` found: the root value (None when unreadable) and problems."""

    root: Any = None
    problems: list[Problem] = field(default_factory=list)


class TemplateTooLarge(Exception):
    pass


def looks_like_template(text: str) -> bool:
    """A cheap textual guess, used only when the text cannot be decoded."""
    return _TEMPLATE_HINT.search(text) is not None


def is_template(root: Any) -> bool:
    """A mapping with ``AWSTemplateFormatVersion``, or ``Resources`` entries with a ``Type``
    (or ``Fn::ForEach::`` loops, which expand into such entries)."""
    if not isinstance(root, dict):
        return False
    if "AWSTemplateFormatVersion" in root:
        return True
    resources = root.get("Resources")
    if not isinstance(resources, dict):
        return False
    return any(
        (isinstance(r, dict) and isinstance(r.get("Type"), str))
        or (isinstance(k, str) and k.startswith("Fn::ForEach::") and isinstance(r, list))
        for k, r in resources.items()
    )


def silence_cfnlint_logging() -> None:
    """cfn-lint logs decode errors; they reach stderr through the last-resort handler."""
    logger = logging.getLogger("cfnlint")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def decode_text(text: str, max_nodes: int = DEFAULT_MAX_YAML_NODES) -> Decoded:
    """Decode template text.  Never raises.  ``max_nodes`` bounds YAML alias expansion."""
    try:
        return _decode_text(text, max_nodes)
    except RecursionError:
        return Decoded(
            None, [Problem(f"template is nested too deeply to be read (depth over {MAX_DEPTH})")]
        )
    except TemplateTooLarge as exc:
        return Decoded(None, [Problem(str(exc))])
    except Exception as exc:  # a decoder bug must not stop the scan
        kind = type(exc).__name__
        return Decoded(None, [Problem(f"template could not be decoded ({kind}: {exc})")])


def _decode_text(text: str, max_nodes: int = DEFAULT_MAX_YAML_NODES) -> Decoded:
    silence_cfnlint_logging()
    lines = text.split("\n")
    try:
        root, duplicates = _fast_load(text, lines, max_nodes)
    except _AliasAmplification as exc:
        return Decoded(None, exc.problems)
    except RecursionError:
        raise  # too deeply nested: cfn-lint's decoder would not read it either
    except Exception as exc:
        # Whatever the fast path cannot read, cfn-lint's own decoder reports (or reads: JSON
        # that YAML rejects goes through its JSON parser).
        return _decode_with_cfnlint(text, lines, getattr(exc, "problem_mark", None))
    problems: list[Problem] = []
    for key, first, second in duplicates:
        problems.extend(_duplicate_problems(key, first, second))
    return Decoded(root, _unique(problems))


def warm_up() -> None:
    """Build the YAML loader class now (once per process), outside any file's time
    budget.  cfn-lint (over a second to import) is left to the first template that
    needs it, as the fast path avoids it."""
    _fast_loader_class()


def _decode_with_cfnlint(text: str, lines: list[str], mark: Any = None) -> Decoded:
    from cfnlint.decode import decode_str  # type: ignore[import-untyped]

    if too_deep(text):  # its loader composes with libyaml too
        raise RecursionError
    template, matches = decode_str(text)
    if not matches:
        return Decoded(_Converter(lines).convert(template), [])
    problems = _unique(
        Problem(
            _clean_message(str(m.message)),
            max(int(m.linenumber or 1), 1),
            max(int(m.columnnumber or 1), 1),
            int(m.linenumberend or 0),
            int(m.columnnumberend or 0),
        )
        for m in matches
    )
    if len(problems) == 1 and (problems[0].line, problems[0].column) == (1, 1) and mark is not None:
        # cfn-lint reports errors of YAML's composer and constructor (a second document, a
        # Python tag) at 1:1; the loader's exception knows where they are
        try:
            line, column = int(mark.line) + 1, int(mark.column) + 1
        except (AttributeError, TypeError, ValueError):
            return Decoded(None, problems)
        problems = [Problem(problems[0].message, line, column)]
    return Decoded(None, problems)


def _clean_message(message: str) -> str:
    # PyYAML appends 'in "<unicode string>", line 1, column 4' to some messages
    text = re.sub(r'\s*in "<unicode string>", line \d+, column \d+', "", message)
    return " ".join(text.split())


def _unique(problems: Any) -> list[Problem]:
    out: list[Problem] = []
    for p in problems:
        if p not in out:
            out.append(p)
    return out


def _duplicate_problems(key: str, first: Span, second: Span) -> list[Problem]:
    text = f"duplicate key '{key}' (lines {first[0]} and {second[0]})"
    return [
        Problem(f"{text}: the value at line {second[0]} replaces this one", *first),
        Problem(f"{text}: this value replaces the one at line {first[0]}", *second),
    ]


# --------------------------------------------------------------------------
# cfn-lint nodes -> positioned plain data
# --------------------------------------------------------------------------


class _Spans:
    """0-based YAML marks -> 1-based, end-exclusive spans of one text."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def of_marks(self, start: Any, end: Any) -> Span:
        sl, sc = int(start.line), int(start.column)
        el, ec = self.trim_end(int(end.line), int(end.column))
        el, ec = max((el, ec), (sl, sc))
        return (sl + 1, sc + 1, el + 1, ec + 1)

    def trim_end(self, line: int, col: int) -> tuple[int, int]:
        """Pull an exclusive 0-based end back over trailing blank and comment-only lines."""
        lines = self.lines
        if not lines:
            return line, col
        if line >= len(lines):
            line, col = len(lines) - 1, len(lines[-1])
        if line < 0:
            return 0, 0
        before = lines[line][:col]
        if before and not before.isspace():  # text before the end on its line
            return line, col
        prev = line - 1
        # (the tests of blank and comment lines without copying lines that are neither)
        while prev >= 0 and (
            not lines[prev]
            or lines[prev].isspace()
            or ("#" in lines[prev] and lines[prev].lstrip().startswith("#"))
        ):
            prev -= 1
        if prev < 0:
            return line, col
        return prev, len(lines[prev].rstrip())


class _Converter:
    """Copies a cfn-lint tree into YDict/YList/YStr, expanding aliases with a node budget."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.spans = _Spans(lines)
        self.count = 0

    def convert(self, node: Any, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise TemplateTooLarge(
                f"template resolves to more than {MAX_NODES} values once YAML aliases are "
                "expanded; it is not checked (YAML alias amplification?)"
            )
        if depth > MAX_DEPTH:
            raise RecursionError
        if isinstance(node, dict):
            out = YDict(self.span(node))
            for key, value in node.items():
                k = self.key(key)
                v = self.convert(value, depth + 1)
                out[k] = v
                if not hasattr(v, "span") and isinstance(k, YStr) and k.span is not None:
                    vspan = self.scalar_span(k.span)
                    if vspan is not None:
                        if out.value_spans is None:
                            out.value_spans = {}
                        out.value_spans[k] = vspan
            return out
        if isinstance(node, list):
            return YList(self.span(node), [self.convert(v, depth + 1) for v in node])
        if isinstance(node, str):
            return YStr(str(node), self.span(node))
        return scalar(node)

    def key(self, key: Any) -> Any:
        if isinstance(key, str):
            return YStr(str(key), self.span(key))
        return scalar(key)

    def span(self, node: Any) -> Span | None:
        start = getattr(node, "start_mark", None)
        end = getattr(node, "end_mark", None)
        if start is None or end is None:
            return None
        try:
            return self.spans.of_marks(start, end)
        except (AttributeError, TypeError, ValueError):
            return None

    def scalar_span(self, key_span: Span) -> Span | None:
        """The span of a plain scalar written after ``key:`` on the key's line."""
        line_no = key_span[2] - 1
        if not 0 <= line_no < len(self.lines):
            return None
        line = self.lines[line_no]
        i = key_span[3] - 1
        n = len(line)
        while i < n and line[i] in " \t":
            i += 1
        if i >= n or line[i] != ":":
            return None
        i += 1
        while i < n and line[i] in " \t":
            i += 1
        start = i
        while i < n and line[i] not in ",}]\r":
            if line[i] == "#" and i > start and line[i - 1] in " \t":
                break
            i += 1
        end = start + len(line[start:i].rstrip())
        if end <= start:
            return None
        return (key_span[2], start + 1, key_span[2], end + 1)


def scalar(value: Any) -> Any:
    """YAML 1.1 types CloudFormation does not have, as the text they stand for."""
    if isinstance(value, _dt.date):  # datetime.datetime is a subclass
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, set | frozenset):
        return sorted(str(v) for v in value)
    return value


# --------------------------------------------------------------------------
# the fast path: cfn-lint's YAML loader, constructing positioned values directly
# --------------------------------------------------------------------------

_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NULL_TAG = "tag:yaml.org,2002:null"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
#: implicit scalar tags whose values are not strings
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))
#: their values by (tag, text)
_PLAIN_VALUES: dict[tuple[str, str], Any] = {}
#: the values that carry their own span (a mapping keeps the others' in value_spans)
_POSITIONED = (str, dict, list)
#: the longest scalar text whose resolved tag and value are remembered across files (the
#: memos are for what repeats: keys, types, numbers; not for a hostile megabyte of digits)
_MEMO_MAX_TEXT = 256
#: nesting beyond which the event builder leaves a document to the constructors
#: (which report it as too deeply nested where Python's recursion limit is reached)
_EVENTS_MAX_DEPTH = 100
# The event builder makes YStr/YDict/YList without their Python constructors, and sets
# their spans itself: a call fewer for each of a template's ~9,000 values (a tenth of
# the decoding instructions).
_new_str = str.__new__
_new_dict = dict.__new__
_new_list = list.__new__


class _AliasAmplification(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


#: the document has something the event builder leaves to the constructors (raised by
#: the block reader too, for what it leaves to the event builder)
_Declined = Declined


def _fast_load(
    text: str,
    lines: list[str],
    max_nodes: int = DEFAULT_MAX_YAML_NODES,
    *,
    events: bool = True,
    block: bool = True,
) -> tuple[Any, list[tuple[str, Span, Span]]]:
    """Load with a subclass of cfn-lint's loader whose constructors build YDict/YList/YStr.

    cfn-lint's own mapping constructor builds each mapping twice and looks for
    duplicate keys by comparing every key with every earlier one, which makes
    a 5 MB template take many seconds; this one detects duplicates by hashing,
    reports every one at both lines and keeps the last value.  Timestamps and
    binary scalars keep the text they were written as.  Short-form tags become
    the long form exactly as cfn-lint writes them.

    A text in the plain subset of YAML :class:`~.blockyaml.BlockReader` reads is
    read from its lines (``block=False`` skips it); any other document made only of
    what templates are made of is built straight from libyaml's events
    (``from_events``), without PyYAML's node tree and constructor machinery: a
    quarter to a third less CPU.  Anything else (an anchor, alias or merge key,
    another explicit tag, deep nesting) is left to the constructors, which read the
    whole text again; ``events=False`` reads it that way from the start (the
    differential tests compare the three).
    """
    from yaml import YAMLError

    loader_cls = _fast_loader_class()
    spans = _Spans(lines)
    span = _span_function(spans)
    # Building a large tree allocates hundreds of thousands of containers; the
    # cyclic collector would walk all of them again and again (it doubled the time).
    with paused_gc():
        data: Any = _Declined
        duplicates: list[tuple[str, Span, Span]] = []
        if events:
            loader = loader_cls(text)
            loader.span = span
            loader.duplicates = duplicates
            if block:
                reader = BlockReader(text, lines, loader, spans.trim_end)
                try:
                    data = reader.read()
                except Exception:  # Declined, or a bug here: libyaml reads it
                    data = _Declined
                else:
                    duplicates.extend(reader.duplicates)
            try:
                if data is _Declined:
                    data = loader.from_events()
            except YAMLError:
                raise  # the text's own error, the one the composer meets first too
            except Exception:  # _Declined, or a bug here: the constructors decide
                data = _Declined
            finally:
                loader.dispose()
        if data is _Declined:
            if too_deep(text):
                raise RecursionError
            duplicates = []
            loader = loader_cls(text)
            loader.span = span
            # a merge key is the plain scalar `<<` (or tagged !!merge): without that
            # text no mapping has one
            loader.may_merge = "<<" in text or "merge" in text
            loader.duplicates = duplicates
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
    if data is None:
        data = YDict((1, 1, 1, 1))
    if "&" in text:
        _guard_aliases(data, max_nodes)
    return data, duplicates


def block_read(text: str) -> Any:
    """What the block reader alone reads from ``text``; raises :class:`~.blockyaml.Declined`
    when it leaves the text to libyaml.  For the differential tests and benchmarks (a scan
    reads through :func:`decode_text`)."""
    lines = text.split("\n")
    loader = _fast_loader_class()(text)
    try:
        with paused_gc():
            return BlockReader(text, lines, loader, _Spans(lines).trim_end).read()
    finally:
        loader.dispose()


def _span_function(spans: _Spans) -> Any:
    """``span(start_mark, end_mark)`` as a plain function (called for nearly every node
    of a template): an end just after text on its line (every scalar) needs no
    trimming; else (a block collection ends where the next key starts) the end is
    trimmed once per position, as collections that close together share it."""
    lines = spans.lines
    n_lines = len(lines)
    trim_end = spans.trim_end
    trimmed: dict[tuple[int, int], tuple[int, int]] = {}

    def span(start: Any, end: Any) -> Span:
        el = end.line
        ec = end.column
        sl = start.line
        sc = start.column
        if ec > 0 and 0 <= el < n_lines:
            line = lines[el]
            if ec <= len(line) and not line[ec - 1].isspace():
                if el < sl or (el == sl and ec < sc):
                    el, ec = sl, sc
                return (sl + 1, sc + 1, el + 1, ec + 1)
        at = trimmed.get((el, ec))
        if at is None:
            at = trimmed[el, ec] = trim_end(el, ec)
        el, ec = at
        if el < sl or (el == sl and ec < sc):  # max(at, (sl, sc)), without the call
            el, ec = sl, sc
        return (sl + 1, sc + 1, el + 1, ec + 1)

    return span


def _guard_aliases(data: Any, max_nodes: int) -> None:
    """The guard against YAML alias amplification: cfn-lint's algorithm (the
    alias-expanded node count in O(distinct nodes), memoised on identity) with
    the configured bound, ``limits.max_yaml_nodes`` (cfn-lint's own is 250,000;
    it still guards cfn-lint's decoder, the fallback path)."""
    memo: dict[int, int] = {}

    def size(value: Any) -> int:
        cached = memo.get(id(value))
        if cached is not None:
            return cached
        children = value.values() if isinstance(value, dict) else value
        total = 1
        if isinstance(value, dict | list):
            for child in children:
                total += size(child)
                if total > max_nodes:
                    raise _AliasAmplification(
                        [
                            Problem(
                                f"template resolves to more than {max_nodes} values once YAML "
                                "aliases are expanded (limits.max_yaml_nodes); it is not "
                                "checked (YAML alias amplification?)",
                                limit=True,
                            )
                        ]
                    )
        memo[id(value)] = total
        return total

    size(data)


@functools.cache
def _fast_loader_class() -> Any:
    import yaml
    from yaml import MappingNode, ScalarNode, SequenceNode
    from yaml.constructor import ConstructorError, SafeConstructor
    from yaml.events import (
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    # cfn-lint's loader is libyaml's safe loader with its own constructors, every one of
    # which is replaced below; deriving from the safe loader directly spares importing
    # cfn-lint (over half a second) for every well-formed template
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PositionedLoader(base):  # type: ignore[misc,valid-type]
        #: span(start_mark, end_mark)
        span: Any
        may_merge: bool
        duplicates: list[tuple[str, Span, Span]]
        #: implicit tag of plain scalars, by text: templates repeat the same words
        #: (Effect, Allow, Type...) thousands of times and the resolver's regexes are slow
        _tags: ClassVar[dict[str, str]] = {}

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            # a plain scalar's tag depends on its text alone; any other is a string
            if kind is not ScalarNode or not implicit[0]:
                return super().resolve(kind, value, implicit)
            tag = self._tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= _MEMO_MAX_TEXT:
                    if len(self._tags) > 100_000:
                        self._tags.clear()
                    self._tags[value] = tag
            return tag

        # The event builder: methods rather than nested functions, which would refer to
        # each other in a cycle keeping the loader and the text's lines until a
        # collection (workers pause the collector for their whole batch).

        def from_events(self) -> Any:
            """The document's value built from the parser's events, as the
            constructors below build it from the node tree (duplicate keys added
            to ``duplicates``); raises :class:`_Declined` on anything it leaves to
            them."""
            get_event = self.get_event
            get_event()  # the stream's start
            if get_event().__class__ is StreamEndEvent:
                return None
            root = self.event_node(get_event(), 0)  # after the document's start
            get_event()  # the document's end
            if get_event().__class__ is not StreamEndEvent:
                raise _Declined  # a second document: the composer's error
            return root

        def event_scalar(self, event: Any) -> Any:
            text = event.value
            tag = event.tag
            if tag is None or tag == "!":
                implicit = event.implicit
                if implicit[0]:  # plain
                    tag = self._tags.get(text) or self.resolve(ScalarNode, text, implicit)
                else:  # quoted: a string (as resolve says)
                    tag = _STR_TAG
            if tag in (_STR_TAG, _TIMESTAMP_TAG):
                value: YStr = _new_str(YStr, text)
                value.span = self.span(event.start_mark, event.end_mark)
                return value
            if tag.startswith("!"):
                return tagged_scalar(tag[1:], text, self.span(event.start_mark, event.end_mark))
            return self.resolved(tag, text)

        def resolved(self, tag: str, text: str) -> Any:
            """A null, boolean or number (immutable: one of each per text)."""
            others = _PLAIN_VALUES
            plain = others.get((tag, text), _Declined)
            if plain is _Declined:
                if tag not in _PLAIN_TAGS:
                    raise _Declined
                plain = self.yaml_constructors[tag](self, ScalarNode(tag, text))
                if len(text) <= _MEMO_MAX_TEXT:
                    if len(others) > 100_000:
                        others.clear()
                    others[(tag, text)] = plain
            return plain

        def resolved_plain(self, text: str) -> Any:
            """An untagged plain scalar's value when it is not a string (null, a
            boolean, a number); ``blockyaml.STRING`` when it is one (a timestamp is
            kept as written).  For :class:`~.blockyaml.BlockReader`."""
            tag = self._tags.get(text) or self.resolve(ScalarNode, text, (True, False))
            if tag in (_STR_TAG, _TIMESTAMP_TAG):
                return STRING
            if len(text) > _MEMO_MAX_TEXT:
                # a long number (PyYAML builds `1:59:59...` in quadratic time) is left to
                # the event builder, so that it is never built twice
                raise _Declined
            return self.resolved(tag, text)

        def is_special_key(self, text: str) -> bool:
            """A plain key the event builder leaves to the constructors (null, merge)."""
            tag = self._tags.get(text) or self.resolve(ScalarNode, text, (True, False))
            return tag in (_NULL_TAG, _MERGE_TAG)

        def event_node(self, event: Any, depth: int) -> Any:
            cls = event.__class__
            if event.anchor is not None or depth > _EVENTS_MAX_DEPTH:
                raise _Declined  # also an alias, whose anchor is the name it refers to
            if cls is ScalarEvent:
                return self.event_scalar(event)
            if cls is MappingStartEvent:
                value: Any = self.event_mapping(event, depth)
                untagged = _MAP_TAG
            elif cls is SequenceStartEvent:
                value = self.event_sequence(event, depth)
                untagged = _SEQ_TAG
            else:  # pragma: no cover - libyaml emits no other event here
                raise _Declined
            tag = event.tag
            if tag is None or tag in ("!", untagged):
                return value
            if tag.startswith("!"):
                return long_form(tag[1:], value, value.span)
            raise _Declined

        def event_mapping(self, start: Any, depth: int) -> YDict:
            get_event = self.get_event
            span = self.span
            tags = self._tags
            scalar = self.event_scalar
            out: YDict = _new_dict(YDict)
            value_spans: dict[Any, Span] = {}
            written: dict[Any, YStr] | None = None
            while True:
                event = get_event()
                if event.__class__ is not ScalarEvent:
                    if event.__class__ is MappingEndEvent:
                        break
                    raise _Declined  # a collection as a key
                text = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    implicit = event.implicit
                    if implicit[0]:  # plain (a quoted key is a string)
                        tag = tags.get(text) or self.resolve(ScalarNode, text, implicit)
                if event.anchor is not None or tag in (_NULL_TAG, _MERGE_TAG):
                    raise _Declined
                # keys are the text written (YAML 1.1 would make `On:` the boolean true)
                where = span(event.start_mark, event.end_mark)
                key: YStr = _new_str(YStr, text)
                key.span = where
                event = get_event()
                if event.__class__ is ScalarEvent and event.anchor is None:
                    value = scalar(event)
                else:
                    value = self.event_node(event, depth + 1)
                if key in out:
                    # a duplicate key (rare): as construct_map, the last value wins; the
                    # keys as written, by text, once a mapping has one (each a lookup)
                    if written is None:
                        written = {k: k for k in out}
                    previous: YStr = written[key]
                    self.duplicates.append((text, cast(Span, previous.span), where))
                    del out[key]
                    value_spans.pop(key, None)
                out[key] = value
                if written is not None:
                    written[key] = key
                if not isinstance(value, _POSITIONED):  # a number, boolean or null
                    value_spans[key] = span(event.start_mark, event.end_mark)
            out.span = span(start.start_mark, event.end_mark)
            out.value_spans = value_spans or None
            return out

        def event_sequence(self, start: Any, depth: int) -> YList:
            get_event = self.get_event
            scalar = self.event_scalar
            items: YList = _new_list(YList)
            while True:
                event = get_event()
                if event.__class__ is ScalarEvent and event.anchor is None:
                    items.append(scalar(event))
                elif event.__class__ is SequenceEndEvent:
                    break
                else:
                    items.append(self.event_node(event, depth + 1))
            items.span = self.span(start.start_mark, event.end_mark)
            return items

        def node_span(self, node: Any) -> Span:
            span: Span = self.span(node.start_mark, node.end_mark)
            return span

        def flatten_mapping(self, node: Any) -> None:
            # as cfn-lint's loader: merge keys (<<) are flattened twice
            if any(key_node.tag == _MERGE_TAG for key_node, _ in node.value):
                super().flatten_mapping(node)
                node.using_merge = True
            super().flatten_mapping(node)

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            # PyYAML's generic construct_object does a dozen dictionary operations
            # per node (deep-construction state, constructor lookup, generator
            # check); strings, mappings and sequences, nearly every node of a
            # template, are built here directly, everything else the usual way
            constructed = self.constructed_objects
            if node in constructed:
                return constructed[node]
            cls = node.__class__
            tag = node.tag
            if cls is ScalarNode and tag == _STR_TAG:
                data: Any = YStr(node.value, self.node_span(node))
            elif (cls is MappingNode and tag == _MAP_TAG) or (
                cls is SequenceNode and tag == _SEQ_TAG
            ):
                recursive = self.recursive_objects
                if node in recursive:
                    raise ConstructorError(
                        None, None, "found unconstructable recursive node", node.start_mark
                    )
                recursive[node] = None
                data = (
                    construct_map(self, node) if cls is MappingNode else construct_seq(self, node)
                )
                del recursive[node]
            else:
                return super().construct_object(node, deep)
            constructed[node] = data
            return data

    def construct_map(loader: Any, node: Any) -> YDict:
        pairs = node.value
        own: set[int] | None = None
        if loader.may_merge:
            own = {id(k) for k, _ in pairs if k.tag != _MERGE_TAG}
            if len(own) != len(pairs):
                SafeConstructor.flatten_mapping(loader, node)
                pairs = node.value
        span = loader.node_span
        constructed = loader.constructed_objects
        construct = loader.construct_object
        out = YDict(span(node))
        value_spans: dict[Any, Span] = {}
        #: each key's last key node so far (a duplicate is reported against it)
        key_nodes: dict[Any, Any] = {}
        for key_node, value_node in pairs:
            if key_node.__class__ is ScalarNode and key_node.tag != _NULL_TAG:
                # keys are the text written (YAML 1.1 would make `On:` the boolean true)
                key: Any = YStr(key_node.value, span(key_node))
            else:
                key = _mapping_key(loader, key_node)
            if (
                value_node.__class__ is ScalarNode
                and value_node.tag == _STR_TAG
                and value_node not in constructed
            ):
                value: Any = YStr(value_node.value, span(value_node))
                constructed[value_node] = value
            else:
                value = construct(value_node, deep=True)
            if key in out:
                # a duplicate key (rare): the last one written before this one
                previous = key_nodes[key]
                if own is None or (id(previous) in own and id(key_node) in own):
                    loader.duplicates.append((str(key), span(previous), span(key_node)))
                del out[key]
                value_spans.pop(key, None)
            out[key] = value
            key_nodes[key] = key_node
            if not isinstance(value, str | dict | list):
                value_spans[key] = span(value_node)
        out.value_spans = value_spans or None
        return out

    def _mapping_key(loader: Any, key_node: Any) -> Any:
        if not isinstance(key_node, ScalarNode):
            raise ConstructorError(None, None, "mapping keys must be scalars", key_node.start_mark)
        if key_node.tag == "tag:yaml.org,2002:null":
            raise ConstructorError(None, None, "null key", key_node.start_mark)
        # keys are the text written (YAML 1.1 would make `On:` the boolean true)
        return YStr(key_node.value, loader.node_span(key_node))

    def construct_str(loader: Any, node: Any) -> YStr:
        return YStr(loader.construct_scalar(node), loader.node_span(node))

    def construct_as_written(loader: Any, node: Any) -> YStr:
        # YAML 1.1 timestamps (`Version: 2012-10-17`) and !!binary: the text as written
        return YStr(
            "".join(str(node.value).split()) if node.tag.endswith("binary") else str(node.value),
            loader.node_span(node),
        )

    def construct_seq(loader: Any, node: Any) -> YList:
        span = loader.node_span
        constructed = loader.constructed_objects
        construct = loader.construct_object
        items: list[Any] = []
        for child in node.value:
            if child.__class__ is ScalarNode and child.tag == _STR_TAG and child not in constructed:
                value: Any = YStr(child.value, span(child))
                constructed[child] = value
            else:
                value = construct(child, deep=True)
            items.append(value)
        return YList(span(node), items)

    def construct_tag(loader: Any, suffix: str, node: Any) -> YDict:
        span = loader.node_span(node)
        value: Any
        if isinstance(node, ScalarNode):
            return tagged_scalar(suffix, str(loader.construct_scalar(node)), span)
        if isinstance(node, SequenceNode):
            value = construct_seq(loader, node)
        elif isinstance(node, MappingNode):
            value = construct_map(loader, node)
        else:  # pragma: no cover - PyYAML has no other node kinds
            raise ConstructorError(None, None, f"bad tag !{suffix}", node.start_mark)
        return long_form(suffix, value, span)

    PositionedLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
    PositionedLoader.add_constructor("tag:yaml.org,2002:str", construct_str)
    PositionedLoader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
    PositionedLoader.add_constructor("tag:yaml.org,2002:timestamp", construct_as_written)
    PositionedLoader.add_constructor("tag:yaml.org,2002:binary", construct_as_written)
    PositionedLoader.add_multi_constructor("!", construct_tag)
    return PositionedLoader
