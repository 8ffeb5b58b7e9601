"""Strings from the scanned tree are data in every output: no control sequences, no
workflow commands.

A GitHub Actions runner reads every line a step prints: a line that starts
with ``::`` (after leading whitespace) is a workflow command (``::error``,
``::add-mask::``, ``::stop-commands::``), and ``##[command]`` is one anywhere
in a line (the runner's older syntax).  A file name, resource name or
``for_each`` key can hold either, and newlines, terminal escape sequences
(ESC, CSI) and Unicode bidirectional overrides that rewrite what a reviewer
sees.  So:

* :func:`one_line` turns a tree-derived string into one printable line, each
  control character shown as an escape (``\\n``, ``\\x1b``, ``\\u202e``);
* :func:`neutralize` is the last pass over a whole report (text, markdown,
  JSON, SARIF; never the deliberate ``--format github`` commands, which escape
  their own values) and over every message on stderr: no line starts with
  ``::`` and no ``##[`` survives, with an invisible change (a zero-width space
  in text; ``\\u005b``, the same JSON value, in JSON).
"""

from __future__ import annotations

import re

#: what JSON leaves raw with ensure_ascii=False but a terminal or viewer acts on
_JSON_INVISIBLE = re.compile(
    "[\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
)


def _json_escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ZWSP = "\u200b"
#: a line's leading whitespace (as .NET's TrimStart sees it: Unicode spaces too), then "::"
_LEADING_COMMAND = re.compile(r"(?m)^([^\S\n]*):(?=:)")
#: the same after a newline: a pattern that starts with a literal is searched for
#: several times faster than a multiline ``^`` (0.04 s against 0.19 s on a 22 MB report)
_COMMAND_AFTER_NEWLINE = re.compile(r"\n[^\S\n]*::")


def one_line(text: str) -> str:
    """``text`` as one line of printable characters: every character Python does not
    call printable (controls, separators, format characters such as bidi overrides and
    zero-width spaces) shown as an escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def neutralize(text: str, fmt: str = "text") -> str:
    """``text`` with no line a GitHub runner would take for a workflow command.

    ``fmt`` is ``json`` (or ``sarif``) for JSON text: there ``##[`` (only ever
    inside a string) becomes ``##\\u005b``, the same value; elsewhere a
    zero-width space goes between the characters."""
    if fmt in ("json", "sarif"):
        if "##[" in text:
            text = text.replace("##[", "##\\u005b")
        # JSON escapes C0 controls itself; DEL, C1 (\x9b is a terminal's CSI) and the
        # invisible format characters (bidi overrides) are escaped here, the same value
        return _JSON_INVISIBLE.sub(_json_escape, text)
    if "##[" in text:
        text = text.replace("##[", f"#{_ZWSP}#[")
    if "::" in text and (_LEADING_COMMAND.match(text) or _COMMAND_AFTER_NEWLINE.search(text)):
        text = _LEADING_COMMAND.sub(rf"\1:{_ZWSP}", text)
    return text
