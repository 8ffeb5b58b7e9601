"""Decoding template text with cfn-lint's decoder into positioned plain data.

cfn-lint (imported lazily: importing it costs most of a second) reads YAML
and JSON with line marks, turns short-form tags into the long form and guards
against YAML alias amplification.  This module wraps it so that:

* a decode never raises and never reads stdin (we always pass text);
* marks become 1-based, end-exclusive spans, with the end of a block mapping
  pulled back over trailing blank and comment lines;
* YAML 1.1 dates become the ISO strings they were meant to be, ``!!binary``
  becomes base64 text;
* a template with duplicate keys is reported at both lines and still
  recovered (the last value wins, as CloudFormation's own parsers do), so
  the rest of the file is checked.

:func:`decode_text` is a pure function of the text and returns picklable
data, so it can run in a worker process.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from .nodes import Span, YDict, YList, YStr

#: alias-expanded node count above which a template is rejected (cfn-lint's own
#: guard is 250,000; this one also protects the duplicate-key recovery path)
MAX_NODES = 300_000
#: nesting depth above which a template is rejected (real templates stay far below)
MAX_DEPTH = 200

_TEMPLATE_HINT = re.compile(
    r"AWSTemplateFormatVersion|^Resources\s*:|\"Resources\"\s*:|^'Resources'\s*:", re.MULTILINE
)


@dataclass(frozen=True)
class Problem:
    """A decode error at a 1-based position."""

    message: str
    line: int = 1
    column: int = 1
    end_line: int = 0
    end_column: int = 0


@dataclass
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
    """A mapping with ``AWSTemplateFormatVersion``, or ``Resources`` entries with a ``Type``."""
    if not isinstance(root, dict):
        return False
    if "AWSTemplateFormatVersion" in root:
        return True
    resources = root.get("Resources")
    if not isinstance(resources, dict):
        return False
    return any(isinstance(r, dict) and isinstance(r.get("Type"), str) for r in resources.values())


def silence_cfnlint_logging() -> None:
    """cfn-lint logs decode errors; they reach stderr through the last-resort handler."""
    logger = logging.getLogger("cfnlint")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def decode_text(text: str) -> Decoded:
    """Decode template text.  Never raises."""
    try:
        return _decode_text(text)
    except RecursionError:
        return Decoded(None, [Problem(f"template is nested more than {MAX_DEPTH} levels deep")])
    except TemplateTooLarge as exc:
        return Decoded(None, [Problem(str(exc))])
    except Exception as exc:  # a decoder bug must not stop the scan
        return Decoded(
            None, [Problem(f"template could not be decoded ({type(exc).__name__}: {exc})")]
        )


def _decode_text(text: str) -> Decoded:
    silence_cfnlint_logging()
    from cfnlint.decode import decode_str  # type: ignore[import-untyped]

    template, matches = decode_str(text)
    lines = text.split("\n")
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
    if all(str(m.message).startswith("Duplicate found") for m in matches):
        recovered = _recover_duplicates(text, lines)
        if recovered is not None:
            return recovered
    return Decoded(None, problems)


def _clean_message(message: str) -> str:
    # PyYAML appends 'in "<unicode string>", line 1, column 4' to some messages
    return re.sub(r'\s*in "<unicode string>", line \d+, column \d+', "", message).strip()


def _unique(problems: Any) -> list[Problem]:
    out: list[Problem] = []
    for p in problems:
        if p not in out:
            out.append(p)
    return out


# --------------------------------------------------------------------------
# cfn-lint nodes -> positioned plain data
# --------------------------------------------------------------------------


class _Converter:
    """Copies a cfn-lint tree into YDict/YList/YStr, expanding aliases with a node budget."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
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
            sl, sc = int(start.line), int(start.column)
            el, ec = int(end.line), int(end.column)
        except (AttributeError, TypeError, ValueError):
            return None
        el, ec = self.trim_end(el, ec)
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
        if lines[line][:col].strip():
            return line, col
        prev = line - 1
        while prev >= 0 and (not lines[prev].strip() or lines[prev].lstrip().startswith("#")):
            prev -= 1
        if prev < 0:
            return line, col
        return prev, len(lines[prev].rstrip())

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
# duplicate keys: report both places, keep the last value
# --------------------------------------------------------------------------


@functools.cache
def _recovery_loader() -> Any:
    """A cfn-lint YAML loader whose mappings keep the last of duplicate keys and record them."""
    from cfnlint.decode import cfn_yaml
    from cfnlint.decode.node import dict_node  # type: ignore[import-untyped]

    class LastKeyWinsLoader(cfn_yaml.CfnFullLoader):  # type: ignore[misc]
        duplicates: list[tuple[str, Any, Any]]

    def construct_mapping(loader: Any, node: Any) -> Any:
        loader.flatten_mapping(node)
        merged = bool(getattr(node, "using_merge", False))
        mapping = dict_node({}, node.start_mark, node.end_mark)
        firsts: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            value = loader.construct_object(value_node, deep=True)
            if key in mapping:
                if not merged:
                    loader.duplicates.append((str(key), firsts[key], key_node.start_mark))
                del mapping[key]
            firsts[key] = key_node.start_mark
            mapping[key] = value
        return mapping

    LastKeyWinsLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    LastKeyWinsLoader.add_multi_constructor("!", cfn_yaml.multi_constructor)
    return LastKeyWinsLoader


def _recover_duplicates(text: str, lines: list[str]) -> Decoded | None:
    try:
        loader_cls = _recovery_loader()
        loader = loader_cls(text, None)
        loader.duplicates = []
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        root = _Converter(lines).convert(data if data is not None else {})
    except Exception:
        return None
    problems: list[Problem] = []
    for key, first, second in loader.duplicates:
        l1, c1 = first.line + 1, first.column + 1
        l2, c2 = second.line + 1, second.column + 1
        problems.append(
            Problem(
                f"duplicate key '{key}' (lines {l1} and {l2}): CloudFormation keeps only the "
                f"last value (line {l2})",
                l1,
                c1,
                l1,
                c1 + len(key),
            )
        )
        problems.append(
            Problem(
                f"duplicate key '{key}' (lines {l1} and {l2}): this value replaces the one at "
                f"line {l1}",
                l2,
                c2,
                l2,
                c2 + len(key),
            )
        )
    if not problems:
        return None
    return Decoded(root, _unique(problems))
