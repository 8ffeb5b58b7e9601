"""Markdown that a string from the scanned tree cannot escape (GitHub-flavoured CommonMark).

Every file name, address, message, reason or key that reaches a Markdown
report goes through exactly one of these, by the context it lands in:

* :func:`text`: plain text in a paragraph, list item or table cell.  ASCII
  punctuation that means something to CommonMark or GitHub is
  backslash-escaped, ``<``, ``>`` and ``&`` become entities (so no raw HTML,
  no ``<!--`` comment hiding the rest of the report), ``@`` gets a word
  joiner (no mention notifies anyone), ``$`` is escaped (no math), control
  characters become visible escapes (no line break ends a table row).
* :func:`code`: a code span that is safe by construction: its fence is one
  backtick longer than the longest run of backticks inside, padded with a
  space when the content starts or ends with a backtick or space, and nothing
  inside is backslash-escaped (CommonMark does not process escapes in code
  spans: ``aws\\_db`` would show its backslash) except ``|`` in a table cell,
  which GitHub's table parser unescapes before the span is read.
* :func:`url`: a link target, percent-encoded (a newline, space, ``)`` or
  ``>`` in a file name can neither end the link nor start markup).

Each also clips the string to a length (with ``…``) so that no one value can
blow a report's size budget.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .neutral import one_line

_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_WORD_JOINER = "\u2060"
#: ASCII punctuation escaped in text (emphasis, code, links, images, headings, tables,
#: strikethrough, math, footnotes), HTML's three, and @
_TEXT_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+!|~$^<>&@]")

#: default lengths (characters of the raw value) before a value is clipped
TEXT_LIMIT = 1000
CODE_LIMIT = 300
URL_LIMIT = 2000


def clip(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return value if len(value) <= limit else value[: max(limit - 1, 0)] + "…"


def _text_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _ENTITIES:
        return _ENTITIES[ch]
    if ch == "@":
        return "@" + _WORD_JOINER
    return "\\" + ch


def text(value: object, limit: int = TEXT_LIMIT) -> str:
    """``value`` as inline Markdown text that renders as exactly these characters (inline:
    after a table pipe, a list marker or other text, never at the start of a line)."""
    raw = one_line(clip("" if value is None else str(value), limit))
    return _TEXT_SPECIAL.sub(_text_char, raw)


def code(value: object, limit: int = CODE_LIMIT, *, table: bool = True) -> str:
    """``value`` as a code span no content can break out of (see the module doc)."""
    raw = one_line(clip("" if value is None else str(value), limit))
    if table:
        raw = raw.replace("|", "\\|")
    if not raw:
        return "` `"
    longest = max((len(run) for run in re.findall(r"`+", raw)), default=0)
    fence = "`" * (longest + 1)
    if raw[0] in "` " or raw[-1] in "` ":
        raw = f" {raw} "
    return f"{fence}{raw}{fence}"


def prose(value: object, limit: int = TEXT_LIMIT, *, table: bool = True) -> str:
    """A rule's message or fix: text whose backtick-quoted parts are shown as code.

    The parts are split on backticks (when they pair up) and each one goes
    through :func:`text` or :func:`code`, so a backtick inside a resource name
    can at worst move where code formatting starts, never let markup through."""
    raw = clip("" if value is None else str(value), limit)
    parts = raw.split("`")
    if len(parts) < 3 or len(parts) % 2 == 0:
        return text(raw, limit)
    return "".join(
        code(part, limit, table=table) if i % 2 else text(part, limit)
        for i, part in enumerate(parts)
    )


def url(path: str, limit: int = URL_LIMIT) -> str:
    """A relative link target for ``path``: every character but unreserved ones and ``/``
    percent-encoded (UTF-8)."""
    return quote(clip(path, limit), safe="/-._~")


def link(label: str, target: str) -> str:
    """``[label](target)``: ``label`` is escaped text, ``target`` an already encoded URL."""
    return f"[{label}]({target})"
