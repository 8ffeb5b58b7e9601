"""What every section of the evidence pack shares: escaping, links, tables and CSV.

Every value that comes from the scanned code (names, descriptions, reasons)
goes through :func:`md` before it reaches a Markdown file and through
:func:`mermaid_text` before it reaches a diagram, so a ``|``, a backtick, HTML
or a newline in a resource name can never break a table or a diagram.

Links point from the pack file that holds them to the scanned file and line,
relative, so they work on GitHub when the pack is committed next to the code
(``../../infra/main.tf#L12``).
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import Node, Range, Unknown
from ..record import record
from ..report.neutral import one_line

_MD_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "*": "\\*",
        "[": "\\[",
        "]": "\\]",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
        "#": "\\#",
        "~": "\\~",
        "$": "\\$",
        "@": "@\u2060",
    }
)


_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md(value: Any) -> str:
    """Plain text for a Markdown table cell or paragraph: nothing in it is markup.

    Newlines become ``<br>`` (the only line break a table cell can hold);
    other control characters, bidirectional overrides and invisible characters
    are shown as escapes (``\\x1b``, ``\\u202e``); ``@`` gets a word joiner (no
    mention) and ``$`` is escaped (no math).
    """
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = text.translate(_MD_SPECIAL)
    # an underscore inside a word is never emphasis (GFM); one at a word's edge may be
    out = _EDGE_UNDERSCORE.sub(r"\\_", out)
    if not out.replace("\n", "").isprintable():
        # controls, bidi overrides, zero-width characters: shown as escapes
        out = "\n".join(one_line(line) for line in out.split("\n"))
    return out.replace("\n", "<br>")


def describe(value: Any) -> str:
    """A configuration value as plain words (unknown values name their expression)."""
    if value is None:
        return ""
    if isinstance(value, Unknown):
        return f"unknown ({value.expr})" if value.expr else "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(describe(v) for v in value)
    return str(value)


_MERMAID_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
    "&": "#38;",
}


def mermaid_text(value: Any, limit: int = 80) -> str:
    """Text for inside a quoted Mermaid label: entities for everything that is syntax."""
    text = " ".join(("" if value is None else str(value)).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join(_MERMAID_ENTITIES.get(c, c) for c in text)


def yes_no(value: bool | None, unknown: str = "unknown") -> str:
    if value is None:
        return unknown
    return "yes" if value else "no"


@record(frozen=True)
class Pack:
    """Where the pack is written and where the scanned files are, to make relative links."""

    output: Path  # absolute
    base: Path  # absolute; display paths of scanned files are relative to it

    def link(self, pack_file: str, rng: Range | None, text: str | None = None) -> str:
        """A Markdown link from ``pack_file`` (relative to the pack) to a source line."""
        if rng is None or not rng.file or rng.file == ".":
            return md(text) if text else ""
        label = text if text is not None else f"{rng.file}:{rng.start_line}"
        return f"[{md(label)}]({self.href(pack_file, rng)})"

    def href(self, pack_file: str, rng: Range) -> str:
        target = Path(rng.file) if Path(rng.file).is_absolute() else self.base / rng.file
        here = (self.output / pack_file).parent
        rel = os.path.relpath(os.path.normpath(target), os.path.normpath(here))
        rel = rel.replace(os.sep, "/")
        anchor = f"#L{rng.start_line}" if rng.start_line > 0 else ""
        return quote(rel, safe="/.-_~") + anchor

    def pack_link(self, pack_file: str, target: str, text: str) -> str:
        """A link between two files of the pack."""
        rel = posixpath.relpath(target, posixpath.dirname(pack_file) or ".")
        return f"[{md(text)}]({quote(rel, safe='/.-_~#')})"


def first_line(node: Node) -> Range:
    r = node.range
    return Range(r.file, r.start_line, r.start_col, r.start_line, 0)


def location(rng: Range | None) -> str:
    """``file:line`` for CSV files."""
    if rng is None or not rng.file:
        return ""
    return f"{rng.file}:{rng.start_line}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A GitHub Markdown table; cells must already be escaped (or be links built from escaped text)."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        out.append("| " + " | ".join(c if c else " " for c in row) + " |")
    return out


#: what makes a spreadsheet read a cell as a formula (CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell's text; one a spreadsheet would run as a formula (``=HYPERLINK(...)`` in a
    resource name) gets a leading apostrophe, as OWASP recommends for CSV exports."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV (RFC 4180 quoting, ``\\n`` line ends) that Python's csv module reads back."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def columns_doc(columns: Sequence[tuple[str, str]]) -> list[str]:
    """The documented columns of a CSV file, as a Markdown list."""
    return [f"- `{name}`: {text}" for name, text in columns]


def node_sort_key(node: Node) -> tuple[str, str, str]:
    return (node.range.file, f"{node.range.start_line:08d}", node.address)
