"""HCL native syntax: python-hcl2's raw lark tree converted to our own syntax tree.

python-hcl2 gives positions on every tree node but leaves heredoc bodies as
one opaque token and template directives flat; both are assembled here.  The
result holds no lark object, so it pickles.

lark is imported on the first parse, not with this module: a scan whose
files all come from the parse cache never needs it.  The LALR tables come
from a grammar cache; python-hcl2 keeps its own in its package directory,
and when that cannot be written (a read-only site-packages) every process
would rebuild the tables (about 1.4 s), so with a cache directory configured
(:func:`set_grammar_cache_dir`) the tables are kept there instead.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from lark import Lark, Token, Tree
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ..lazyre import compile_lazily
from .syntax import (
    Attribute,
    Binary,
    Block,
    Body,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Lit,
    ObjectExpr,
    ParsedFile,
    Pos,
    Ref,
    Splat,
    SplatItem,
    SyntaxProblem,
    Template,
    TFor,
    TIf,
    TPart,
    TupleExpr,
    Unary,
)
from .values import int_literal

#: a raw lark parse tree node
LTree: TypeAlias = "Tree[Token]"


class HclSyntaxError(Exception):
    """A problem in the source text, with a position in the file."""

    def __init__(self, message: str, line: int, column: int, end_line: int = 0, end_col: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_col = end_col

    def problem(self) -> SyntaxProblem:
        return SyntaxProblem(self.message, self.line, self.column, self.end_line, self.end_col)


_grammar_cache_dir: Path | None = None


def set_grammar_cache_dir(directory: Path | None) -> None:
    """Keep the LALR tables under ``directory`` (the scan's cache directory)."""
    global _grammar_cache_dir  # noqa: PLW0603
    _grammar_cache_dir = directory


def _import_lark() -> None:
    """Bind lark's classes in this module (on the first parse of the process)."""
    global Token, Tree, LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken  # noqa: PLW0603
    from lark import Token, Tree
    from lark.exceptions import (
        LarkError,
        UnexpectedCharacters,
        UnexpectedInput,
        UnexpectedToken,
    )


#: python-hcl2's own cache loads in a few hundredths of a second; a rebuild takes over 1 s
_REBUILT_SECONDS = 0.5
#: marker in the cache directory: python-hcl2's own grammar cache was rebuilt, not loaded
_STALE_MARKER = "hcl2-own-grammar-cache-unusable"


def warm_up() -> None:
    """Build the parser now (0.4 s, once per process), outside any file's time budget."""
    _lark()


@functools.lru_cache(maxsize=1)
def _lark() -> Any:
    """python-hcl2's LALR parser (built once per process, from a grammar cache).

    python-hcl2's own cache (in its package directory) is used while it works;
    when it is missing, or once it was seen to be rebuilt rather than loaded
    (stale, and not writable), the tables are cached in the scan's cache
    directory instead.
    """
    _import_lark()
    import hcl2.parser

    directory = _grammar_directory(_grammar_cache_dir)
    own = Path(hcl2.parser.PARSER_FILE)
    if directory is not None and (not own.is_file() or (directory / _STALE_MARKER).exists()):
        try:
            return _cached_parser(directory)
        except OSError:
            pass
    started = time.perf_counter()
    parser = _open_parser(str(own))
    if directory is not None and time.perf_counter() - started > _REBUILT_SECONDS:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / _STALE_MARKER).touch()
        except OSError:
            pass
    return parser


def _grammar_directory(cache_dir: Path | None) -> Path | None:
    """Where the grammar tables are kept: the scan's cache directory, under a namespace
    keyed like every other cache entry (soc2lint's version and code fingerprint).

    lark stores the tables as a pickle and loads it before checking anything, and
    loading a pickle can run code: the same trust check as every other cache entry
    applies (:func:`soc2lint.cache.trusted_directory`), so a directory another user
    could write to is not used at all."""
    if cache_dir is None:
        return None
    from ..cache import CACHE_FORMAT, code_fingerprint, trusted_directory

    if not trusted_directory(cache_dir):
        return None  # the scan's caches warn about it once
    from .. import __version__

    directory = cache_dir / f"grammar-v{CACHE_FORMAT}-{__version__}-{code_fingerprint()}"
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return directory if trusted_directory(directory) else None


def _trusted_file(path: Path) -> bool:
    """A regular file (not a link) only this user can write, or no file yet."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    return not hasattr(os, "getuid") or (st.st_uid == os.getuid() and not st.st_mode & 0o022)


def _cached_parser(directory: Path) -> Lark:
    """python-hcl2's parser with its tables cached under ``directory``.

    The file is named after the hcl2, lark and Python versions; lark checks
    the grammar's hash when it loads it, and rebuilds and rewrites it on a
    mismatch or a partial file (two first scans racing on a new cache
    directory may both build it: slower, never wrong).
    """
    import lark

    try:
        from hcl2.version import version as hcl2_version
    except ImportError:  # pragma: no cover - the sdist always has it
        hcl2_version = "unknown"
    py = "{}.{}".format(*sys.version_info[:2])
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"hcl2-{hcl2_version}-lark-{lark.__version__}-py{py}.grammar"
    if not _trusted_file(target):
        raise OSError(f"{target}: not a file of this user's; not loaded")
    # lark hashes its options, the cache path included: always the same path
    return _open_parser(str(target))


def _open_parser(cache: str) -> Lark:
    """python-hcl2's grammar with :class:`_BracketNewlines` before its own post-lexer.

    lark leaves the post-lexer out of the hash of a cached grammar, so this
    reads (and writes) the same table files as ``hcl2.parser.parser()``.
    """
    import hcl2.parser
    import lark

    return lark.Lark.open(
        "hcl2.lark",
        rel_to=hcl2.parser.__file__,
        parser="lalr",
        cache=cache,
        propagate_positions=True,
        postlex=_bracket_newlines(),
    )


def _bracket_newlines() -> Any:
    """A post-lexer that drops the new lines HCL ignores, then runs python-hcl2's own.

    HCL ignores new lines (and comments) inside parentheses, brackets,
    interpolations and ``for`` expressions (``{ for k, v in m : k\n=> v }``),
    while python-hcl2's grammar accepts them only at some places; inside a
    block body or an object constructor a new line separates items and is
    kept.  Dropping tokens keeps every other token's position.
    """
    from hcl2.postlexer import PostLexer

    class BracketNewlines(PostLexer):
        def process(self, stream: Any) -> Any:
            return super().process(_drop_bracket_newlines(stream))

    return BracketNewlines()


#: tokens that open a bracket in which HCL ignores new lines (closed by ``)``, ``]``, ``}``)
_NO_NEWLINES = frozenset({"LPAR", "LSQB", "INTERP_START", "DIRECTIVE_START"})
_CLOSERS = frozenset({"RPAR", "RSQB", "RBRACE"})


def _drop_bracket_newlines(stream: Any) -> Any:
    """The token stream without the new-line tokens HCL ignores (see :func:`_bracket_newlines`).

    A ``{`` opens a ``for`` expression when its first tokens are ``for`` and a name
    (``{ for = 1 }`` is an object with the key ``for``).  Tokens are never held
    back: lark's contextual lexer reads each token in the parser's current state.
    """
    # per open bracket: "ignore" (new lines dropped), "keep", or for a "{" whose
    # first tokens are still to come, "brace" / "brace-for" (it started with "for")
    stack: list[str] = []
    for token in stream:
        kind = token.type
        top = stack[-1] if stack else "keep"
        if kind == "NL_OR_COMMENT":
            if top != "ignore":
                yield token  # the grammar takes new lines after "{" and "for" alike
            continue
        if top == "brace":
            stack[-1] = "brace-for" if kind == "FOR" else "keep"
        elif top == "brace-for":
            stack[-1] = "ignore" if kind == "NAME" else "keep"
        if kind in _NO_NEWLINES:
            stack.append("ignore")
        elif kind == "LBRACE":
            stack.append("brace")
        elif kind in _CLOSERS and stack:
            stack.pop()
        yield token


def parse_hcl(text: str) -> ParsedFile:
    """Parse HCL native syntax (``.tf``, ``.tfvars``, ``.hcl``) into a :class:`ParsedFile`.

    Never raises for bad input: the problem comes back in ``problems`` with
    the parser's position and what it expected, in plain words.  The fast
    parser (:mod:`.hclfast`) is tried first; python-hcl2's grammar parses
    whatever it declines, every syntax error included.
    """
    from .hclfast import parse_file

    return parse_file(text) or parse_hcl_lark(text)


#: a heredoc's opening line (python-hcl2's HEREDOC_TEMPLATE(_TRIM) without its body)
_HEREDOC_OPEN = compile_lazily(r"<<-?(?P<marker>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n")
#: spaces a heredoc's closing line may start with (``\s`` but a new line)
_LINE_SPACE = compile_lazily(r"[^\S\n]*")
#: python-hcl2's heredoc pattern (``(?:.|\n)*?\r?\n)??\s*MARKER``) retries ``\s*`` from
#: every line start of a run of blank lines: steps quadratic in the run, in one regex
#: call no time budget can stop (1 MB of blank lines after ``<<EOT``: hours).  Past
#: this many steps (about 0.3 s) a text is not given to lark: a limit problem instead.
MAX_HEREDOC_STEPS = 20_000_000


def heredoc_end(s: str, start: int) -> int | None:
    """Where the heredoc token that starts at ``start`` ends, as python-hcl2's pattern
    matches it (the closing line: optional spaces, the marker, a new line), found in
    time linear in the text; None when there is no heredoc there or no closing line."""
    m = _HEREDOC_OPEN.match(s, start)
    if m is None:
        return None
    marker = m.group("marker")
    p = m.end()  # every candidate closing line starts a line
    while True:
        q = _LINE_SPACE.match(s, p).end()  # type: ignore[union-attr]
        if s.startswith(marker, q):
            e = q + len(marker)
            if s.startswith("\n", e):
                return e + 1
            if s.startswith("\r\n", e):
                return e + 2
        nl = s.find("\n", p)
        if nl == -1:
            return None
        p = nl + 1


def heredoc_steps(s: str) -> tuple[int, int]:
    """A bound on the steps python-hcl2's heredoc pattern takes on ``s``, and the offset of
    the costliest heredoc: for each run of blank lines inside a heredoc (or after one that
    never closes), its characters times its lines.  Linear: each heredoc's body is read once."""
    steps, worst, worst_at = 0, 0, 0
    pos = 0
    while (m := _HEREDOC_OPEN.search(s, pos)) is not None:
        end = heredoc_end(s, m.start())
        stop = len(s) if end is None else end
        cost, run_chars, run_lines = 0, 0, 0
        p = m.end()
        while p < stop:
            nl = s.find("\n", p, stop)
            line_end = stop if nl == -1 else nl + 1
            if s[p:line_end].isspace():
                run_chars += line_end - p
                run_lines += 1
            else:
                cost += run_chars * run_lines // 2
                run_chars = run_lines = 0
            p = line_end
        cost += run_chars * run_lines // 2
        steps += cost
        if cost > worst:
            worst, worst_at = cost, m.start()
        if end is None:
            break  # lark stops at a heredoc that does not close
        pos = end
    return steps, worst_at


def parse_hcl_lark(text: str) -> ParsedFile:
    """:func:`parse_hcl` with python-hcl2's grammar only (the reference, and every error)."""
    if "<<" in text:
        steps, at = heredoc_steps(text + "\n")
        if steps > MAX_HEREDOC_STEPS:
            line = text.count("\n", 0, at) + 1
            col = at - (text.rfind("\n", 0, at) + 1) + 1
            message = (
                "not parsed: the heredoc that starts here holds or is followed by so many "
                "blank lines that python-hcl2's parser would take minutes or hours "
                f"(about {steps:,} steps, over the limit of {MAX_HEREDOC_STEPS:,})"
            )
            return ParsedFile(None, (SyntaxProblem(message, line, col, limit=True),))
    parser = _lark()
    try:
        try:
            tree = parser.parse(text + "\n")
        except UnexpectedInput:
            # python-hcl2's grammar lacks strip markers on interpolations
            # (``${~ x ~}``); blanking them keeps every column, and only
            # whitespace around the interpolation differs from Terraform's value
            blanked = _blank_interpolation_strips(text)
            if blanked == text:
                raise
            tree = _lark().parse(blanked + "\n")
    except UnexpectedInput as exc:
        return ParsedFile(None, (_describe_lark_error(_first_error(text, exc), text),))
    except LarkError as exc:
        return ParsedFile(None, (SyntaxProblem(f"cannot parse: {exc}", 1, 1),))
    except RecursionError:
        return ParsedFile(
            None, (SyntaxProblem("expressions are nested too deeply to parse", 1, 1),)
        )
    conv = _Converter()
    try:
        body = conv.body(tree.children[0])
    except HclSyntaxError as exc:
        return ParsedFile(None, (exc.problem(),))
    except RecursionError:
        return ParsedFile(
            None, (SyntaxProblem("expressions are nested too deeply to parse", 1, 1),)
        )
    return ParsedFile(body, tuple(conv.problems))


def _blank_interpolation_strips(text: str) -> str:
    """``${~ x ~}`` -> ``${  x  }`` (same columns); directives' markers are kept."""
    if "${~" not in text and "~}" not in text:
        return text
    out = list(text)
    i = text.find("${")
    while i >= 0:
        if not (i > 0 and text[i - 1] == "$"):  # $${ is an escape, not an interpolation
            j = i + 2
            if j < len(text) and text[j] == "~":
                out[j] = " "
            try:
                end = _find_close(text, j, lambda offset: (1, 1))
            except HclSyntaxError:
                break
            if text[end - 1] == "~":
                out[end - 1] = " "
        i = text.find("${", i + 2)
    return "".join(out)


def _first_error(text: str, fallback: UnexpectedInput) -> UnexpectedInput:
    """The error of the original text (not of the strip-marker retry)."""
    try:
        _lark().parse(text + "\n")
    except UnexpectedInput as exc:
        return exc
    except (LarkError, RecursionError):
        pass
    return fallback


def parse_expression(text: str, line: int = 1, col: int = 1) -> Expr:
    """Parse one expression written at ``line``:``col`` of a file.

    Raises :class:`HclSyntaxError` (positions in the file's coordinates).
    """
    from . import hclfast

    fast = hclfast.parse_expression(text, line, col)
    if fast is not None:
        return fast
    prefix = "x = ("
    src = f"{prefix}{text}\n)"
    conv = _Converter(line - 1, col - 1 - len(prefix))
    parser = _lark()
    try:
        tree = parser.parse(src + "\n")
    except UnexpectedInput as exc:
        prob = _describe_lark_error(exc, src)
        ln, cl = conv.map(prob.line, prob.column)
        raise HclSyntaxError(prob.message, ln, cl) from None
    except LarkError as exc:
        raise HclSyntaxError(f"cannot parse expression: {exc}", line, col) from None
    except RecursionError:
        raise HclSyntaxError("expression is nested too deeply", line, col) from None
    body = conv.body(tree.children[0])
    attr = body.attrs.get("x")
    if attr is None or len(body.attrs) != 1 or body.blocks:
        raise HclSyntaxError("expected a single expression", line, col)
    return attr.expr


# --------------------------------------------------------------------------
# Error messages in plain words
# --------------------------------------------------------------------------

_TOKEN_WORDS = {
    "RBRACE": '"}"',
    "LBRACE": '"{"',
    "RSQB": '"]"',
    "LSQB": '"["',
    "RPAR": '")"',
    "LPAR": '"("',
    "COMMA": '","',
    "EQ": '"="',
    "COLON": '":"',
    "DBLQUOTE": "'\"'",
    "QMARK": '"?"',
    "FOR_OBJECT_ARROW": '"=>"',
    "IN": '"in"',
    "IF": '"if"',
    "NL_OR_COMMENT": "a new line",
    "$END": "end of file",
    "NAME": "a name",
    "INTERP_START": '"${"',
}
_VALUE_STARTS = {
    "DBLQUOTE",
    "INT_LITERAL",
    "FLOAT_LITERAL",
    "LBRACE",
    "LSQB",
    "LPAR",
    "NAME",
    "HEREDOC_TEMPLATE",
    "NOT",
    "MINUS",
}
_OPERATORS = {
    "PLUS",
    "MINUS",
    "ASTERISK",
    "SLASH",
    "PERCENT",
    "DOUBLE_EQ",
    "NEQ",
    "LT",
    "GT",
    "LEQ",
    "GEQ",
    "DOUBLE_AMP",
    "DOUBLE_PIPE",
    "QMARK",
}


def _expected_words(expected: set[str], context: str) -> list[str]:
    words: list[str] = []
    exp = set(expected)
    if len(exp & _VALUE_STARTS) >= 3:
        words.append("an expression")
        exp -= _VALUE_STARTS | {"TEMPLATE_STRING", "HEREDOC_TEMPLATE_TRIM", "NOT"}
        exp -= {"LITERAL_VALUE", "TRUE", "FALSE", "NULL"}
    if len(exp & _OPERATORS) >= 3:
        words.append("an operator")
        exp -= _OPERATORS
    string_parts = {"STRING_CHARS", "INTERP_START", "DIRECTIVE_START", "ESCAPED_DIRECTIVE"}
    if "DBLQUOTE" in exp and exp & string_parts:
        return ['a closing quote (")']
    if "RBRACE" in exp and context == "eof":
        return ['"}"', "an attribute"]
    for name in (
        "RBRACE",
        "RSQB",
        "RPAR",
        "COMMA",
        "EQ",
        "COLON",
        "DBLQUOTE",
        "NAME",
        "IN",
        "FOR_OBJECT_ARROW",
        "LBRACE",
        "NL_OR_COMMENT",
    ):
        if name in exp:
            words.append(_TOKEN_WORDS[name])
    if not words:
        words = sorted(_TOKEN_WORDS.get(e, e.lower()) for e in exp)[:4]
    return words[:4]


def _join_or(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return words[0] if words else "something else"
    return ", ".join(words[:-1]) + " or " + words[-1]


def _found(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    value = str(token)
    if token.type == "NL_OR_COMMENT" or not value.strip():
        return "a new line"
    first = value.strip().splitlines()[0]
    if len(first) > 24:
        first = first[:24] + "..."
    return f'"{first}"'


def _describe_lark_error(exc: UnexpectedInput, text: str) -> SyntaxProblem:
    line = max(1, int(getattr(exc, "line", 1) or 1))
    col = max(1, int(getattr(exc, "column", 1) or 1))
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            # lark reports end of input after our appended newline; point at the real end
            lines = text.split("\n")
            line = min(line, max(1, len(lines)))
        context = "eof" if token.type == "$END" else ""
        words = _expected_words(set(exc.expected or ()), context)
        message = f"expected {_join_or(words)}, found {_found(token)}"
        if token.type == "STRING_CHARS" and str(token).lstrip()[:1] not in ("", "\n"):
            message = f"unexpected {_found(token)}; " + message.replace(
                f", found {_found(token)}", ""
            )
        return SyntaxProblem(message, line, col)
    if isinstance(exc, UnexpectedCharacters):
        ch = exc.char if isinstance(exc.char, str) else "?"
        return SyntaxProblem(f'unexpected character "{ch}"', line, col)
    return SyntaxProblem("unexpected end of file", line, col)


# --------------------------------------------------------------------------
# String escapes and templates
# --------------------------------------------------------------------------

_ESCAPE_RE = compile_lazily(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    """HCL quoted-string escapes (``\\n``, ``\\"``, ``\\u00e9``...)."""
    if "\\" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "uU" and len(e) > 1:
            try:
                return chr(int(e[1:], 16))
            except (ValueError, OverflowError):
                return e
        return _SIMPLE_ESCAPES.get(e, e)

    return _ESCAPE_RE.sub(repl, text)


def float_value(text: str) -> int | float:
    """A FLOAT_LITERAL's value: a whole number below 2**53 is an int."""
    value = float(text)
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


#: parses an expression written at a line and column (``parse_expression``'s signature)
ExprParser: TypeAlias = Callable[[str, int, int], Expr]

# A flat template item before directives are nested:
#   ("text", str) | ("interp", Expr, strip_l, strip_r) | ("if", Expr, sl, sr, line, col)
#   ("else"|"endif"|"endfor", None, sl, sr, line, col) | ("for", (k, v, coll), sl, sr, line, col)
Flat = list[list[Any]]


def assemble_template(flat: Flat, pos: Pos) -> Expr:
    """Apply strip markers, nest ``%{if}``/``%{for}``, and build the expression."""
    for i, item in enumerate(flat):
        if item[0] == "text":
            continue
        strip_l, strip_r = item[2], item[3]
        if strip_l and i > 0 and flat[i - 1][0] == "text":
            flat[i - 1][1] = flat[i - 1][1].rstrip()
        if strip_r and i + 1 < len(flat) and flat[i + 1][0] == "text":
            flat[i + 1][1] = flat[i + 1][1].lstrip()

    # stack of (kind, payload, parts-so-far, else-parts or None, line, col)
    stack: list[list[Any]] = [["root", None, [], None, pos[0], pos[1]]]

    def current() -> list[TPart]:
        top = stack[-1]
        return top[3] if top[3] is not None else top[2]  # type: ignore[no-any-return]

    for item in flat:
        kind = item[0]
        if kind == "text":
            if item[1]:
                parts = current()
                if parts and isinstance(parts[-1], str):
                    parts[-1] = parts[-1] + item[1]
                else:
                    parts.append(item[1])
        elif kind == "interp":
            current().append(item[1])
        elif kind in ("if", "for"):
            stack.append([kind, item[1], [], None, item[4], item[5]])
        elif kind == "else":
            top = stack[-1]
            if top[0] != "if" or top[3] is not None:
                raise HclSyntaxError('"%{else}" without a matching "%{if}"', item[4], item[5])
            top[3] = []
        elif kind in ("endif", "endfor"):
            want = "if" if kind == "endif" else "for"
            top = stack[-1]
            if top[0] != want:
                raise HclSyntaxError(
                    f'"%{{{kind}}}" without a matching "%{{{want}}}"', item[4], item[5]
                )
            stack.pop()
            if want == "if":
                node: TPart = TIf(top[1], tuple(top[2]), tuple(top[3] or ()))
            else:
                key_var, value_var, coll = top[1]
                node = TFor(key_var, value_var, coll, tuple(top[2]))
            current().append(node)
    if len(stack) > 1:
        top = stack[-1]
        raise HclSyntaxError(f'"%{{{top[0]}}}" is not closed by "%{{end{top[0]}}}"', top[4], top[5])
    parts = stack[0][2]
    if not parts:
        return Lit(pos, "")
    if all(isinstance(p, str) for p in parts):
        return Lit(pos, "".join(parts))
    return Template(pos, tuple(parts))


_FOR_DIRECTIVE_RE = compile_lazily(
    r"^\s*for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?\s+in\s+(.*)$", re.DOTALL
)


def _find_close(text: str, j: int, line_of: Callable[[int], tuple[int, int]]) -> int:
    """Index of the ``}`` closing an interpolation or directive whose body starts at ``j``."""
    depth = 0
    k = j
    n = len(text)
    while k < n:
        c = text[k]
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return k
            depth -= 1
        elif c == '"':
            k += 1
            while k < n and text[k] != '"':
                if text[k] == "\\":
                    k += 2
                    continue
                if text.startswith(("${", "%{"), k):
                    k = _find_close(text, k + 2, line_of) + 1
                    continue
                k += 1
            if k >= n:
                break
        k += 1
    ln, cl = line_of(j)
    raise HclSyntaxError('an interpolation or directive is not closed with "}"', ln, cl)


def scan_template(
    text: str,
    line: int,
    col: int,
    *,
    fixed_pos: bool = False,
    col_shift: int = 0,
    parse: ExprParser = parse_expression,
) -> Flat:
    """Split raw template text (a heredoc body, a JSON string) into flat items.

    ``line``/``col`` is where ``text`` starts in the file.  With ``fixed_pos``
    every sub-expression gets that position (JSON strings, whose escapes
    make exact columns meaningless); ``col_shift`` is indentation a ``<<-``
    heredoc removed from each line; ``parse`` parses the expressions in it.
    """
    starts = [0]
    if not fixed_pos:
        starts += [m.end() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> tuple[int, int]:
        if fixed_pos:
            return line, col
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        c = offset - starts[lo] + 1
        if lo == 0:
            return line, col + c - 1
        return line + lo, c + col_shift

    flat: Flat = []
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("$${", i):
            buf.append("${")
            i += 3
            continue
        if text.startswith("%%{", i):
            buf.append("%{")
            i += 3
            continue
        if text.startswith(("${", "%{"), i):
            if buf:
                flat.append(["text", "".join(buf)])
                buf = []
            is_interp = text[i] == "$"
            j = i + 2
            strip_l = j < n and text[j] == "~"
            if strip_l:
                j += 1
            end = _find_close(text, j, line_of)
            inner = text[j:end]
            strip_r = inner.rstrip().endswith("~")
            if strip_r:
                inner = inner.rstrip()[:-1]
            eline, ecol = line_of(j)
            dline, dcol = line_of(i)
            if is_interp:
                expr = parse(inner, eline, ecol)
                flat.append(["interp", expr, strip_l, strip_r])
            else:
                flat.append(_directive(inner, strip_l, strip_r, eline, ecol, dline, dcol, parse))
            i = end + 1
            continue
        buf.append(text[i])
        i += 1
    if buf:
        flat.append(["text", "".join(buf)])
    return flat


def _directive(
    inner: str,
    strip_l: bool,
    strip_r: bool,
    eline: int,
    ecol: int,
    dline: int,
    dcol: int,
    parse: ExprParser,
) -> list[Any]:
    word = inner.strip()
    if word in ("else", "endif", "endfor"):
        return [word, None, strip_l, strip_r, dline, dcol]
    if word.startswith("if ") or word.startswith("if\t") or word.startswith("if\n"):
        offset = inner.index("if") + 2
        return [
            "if",
            parse(inner[offset:], eline, ecol + offset),
            strip_l,
            strip_r,
            dline,
            dcol,
        ]
    m = _FOR_DIRECTIVE_RE.match(inner)
    if m:
        first, second, coll_text = m.group(1), m.group(2), m.group(3)
        key_var, value_var = (first, second) if second else (None, first)
        coll = parse(coll_text, eline, ecol + m.start(3))
        return ["for", (key_var, value_var, coll), strip_l, strip_r, dline, dcol]
    raise HclSyntaxError(f'unknown template directive "%{{{word[:20]}}}"', dline, dcol)


def heredoc_expr(text: str, line: int, col: int, parse: ExprParser = parse_expression) -> Expr:
    """A heredoc token found at ``line``:``col`` as a template expression.

    The token ends with the new line after the marker: the span ends on the marker line.
    """
    body_lines = text.rstrip("\n").split("\n")
    end_line = line + len(body_lines) - 1
    end_col = len(body_lines[-1].rstrip("\r")) + 1
    return heredoc_template(text, line, col, (line, col, end_line, end_col), parse)


def heredoc_template(
    token_text: str, line: int, col: int, pos: Pos, parse: ExprParser = parse_expression
) -> Expr:
    """A heredoc token (``<<EOT\\n...\\nEOT\\n``) as a template expression."""
    first_nl = token_text.find("\n")
    marker = token_text[2:first_nl].rstrip("\r")
    trim = marker.startswith("-")
    body_and_end = token_text[first_nl + 1 :]
    # drop the closing marker line
    stripped = body_and_end.rstrip("\n").rstrip("\r")
    last_nl = stripped.rfind("\n")
    body = stripped[: last_nl + 1] if last_nl >= 0 else ""
    body = body.replace("\r\n", "\n")
    shift = 0
    if trim:
        lines = body.split("\n")
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        shift = min(indents) if indents else 0
        if shift:
            body = "\n".join(ln[shift:] for ln in lines)
    flat = scan_template(body, line + 1, 1 + shift, col_shift=shift, parse=parse)
    return assemble_template(flat, pos)


# --------------------------------------------------------------------------
# Tree conversion
# --------------------------------------------------------------------------


def _is_tree(x: Any, name: str | None = None) -> bool:
    return isinstance(x, Tree) and (name is None or x.data == name)


def _trees(t: LTree) -> list[LTree]:
    return [c for c in t.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


class _Converter:
    def __init__(self, line_off: int = 0, first_col_off: int = 0) -> None:
        self.line_off = line_off
        self.first_col_off = first_col_off
        self.problems: list[SyntaxProblem] = []

    def map(self, line: int, col: int) -> tuple[int, int]:
        if line == 1:
            return line + self.line_off, col + self.first_col_off
        return line + self.line_off, col

    def pos(self, node: LTree | Token) -> Pos:
        if isinstance(node, Token):
            sl, sc = node.line or 1, node.column or 1
            el, ec = node.end_line or sl, node.end_column or sc
        else:
            m = node.meta
            if getattr(m, "empty", True):
                return (1 + self.line_off, 1, 1 + self.line_off, 1)
            sl, sc, el, ec = m.line, m.column, m.end_line, m.end_column
        a, b = self.map(sl, sc)
        c, d = self.map(el, ec)
        return (a, b, c, d)

    # ---- bodies ------------------------------------------------------------

    def body(self, t: LTree) -> Body:
        attrs: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in _trees(t):
            if child.data == "attribute":
                attr = self.attribute(child)
                if attr.name in attrs:
                    self.problems.append(
                        SyntaxProblem(
                            f'attribute "{attr.name}" is defined twice (first at line '
                            f"{attrs[attr.name].pos[0]}); Terraform rejects this",
                            attr.pos[0],
                            attr.pos[1],
                        )
                    )
                    continue
                attrs[attr.name] = attr
            elif child.data == "block":
                blocks.append(self.block(child))
        return Body(attrs, tuple(blocks))

    def name_of(self, t: LTree) -> str:
        tok = t.children[0]
        return str(tok)

    def attribute(self, t: LTree) -> Attribute:
        trees = _trees(t)
        name = self.name_of(trees[0])
        expr = self.expr(trees[-1])
        start = self.pos(t)
        # end at the value's end (a heredoc token would otherwise run to the next line)
        return Attribute(name, expr, (start[0], start[1], expr.pos[2], expr.pos[3]))

    def block(self, t: LTree) -> Block:
        names: list[str] = []
        body: Body | None = None
        for c in _trees(t):
            if c.data == "body":
                body = self.body(c)
            elif c.data == "string":
                lit = self.string(c)
                names.append(lit.value if isinstance(lit, Lit) else "")
            elif c.data in ("identifier", "keyword", "literal_value"):
                names.append(self.name_of(c))
        return Block(names[0], tuple(names[1:]), body or Body(), self.pos(t))

    # ---- expressions -------------------------------------------------------

    def expr(self, t: LTree | Token) -> Expr:
        if isinstance(t, Token):
            raise HclSyntaxError("unexpected token", *self.map(t.line or 1, t.column or 1))
        method = getattr(self, "x_" + str(t.data), None)
        if method is None:
            raise HclSyntaxError(f"unsupported syntax ({t.data})", *self.pos(t)[:2])
        result: Expr = method(t)
        return result

    def x_expr_term(self, t: LTree) -> Expr:
        # a term, or a parenthesised expression (parentheses only group)
        return self.expr(_trees(t)[0])

    def x_identifier(self, t: LTree) -> Expr:
        return Ref(self.pos(t), self.name_of(t))

    def x_literal_value(self, t: LTree) -> Expr:
        word = self.name_of(t)
        return Lit(self.pos(t), {"true": True, "false": False}.get(word))

    def x_int_lit(self, t: LTree) -> Expr:
        return Lit(self.pos(t), int_literal(str(t.children[0])))

    def x_float_lit(self, t: LTree) -> Expr:
        return Lit(self.pos(t), float_value(str(t.children[0])))

    def x_template_string(self, t: LTree) -> Expr:
        raw = str(t.children[0])
        return Lit(self.pos(t), unescape(raw[2:-2]))

    def x_heredoc_template(self, t: LTree) -> Expr:
        tok = t.children[0]
        assert isinstance(tok, Token)
        return heredoc_expr(str(tok), *self.map(tok.line or 1, tok.column or 1))

    x_heredoc_template_trim = x_heredoc_template

    def x_string(self, t: LTree) -> Expr:
        return self.string(t)

    def string(self, t: LTree) -> Expr:
        flat: Flat = []
        for part in t.children:
            if not _is_tree(part, "string_part"):
                continue
            assert isinstance(part, Tree)
            inner = part.children[0]
            if isinstance(inner, Token):
                if inner.type in {"ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"}:
                    text = str(inner)[1:]
                else:
                    text = unescape(str(inner))
                if flat and flat[-1][0] == "text":
                    flat[-1][1] += text
                else:
                    flat.append(["text", text])
                continue
            flat.append(self.template_item(inner))
        return assemble_template(flat, self.pos(t))

    def template_item(self, t: LTree) -> list[Any]:
        kids = t.children
        toks = [k for k in kids if isinstance(k, Token)]
        strip_l = len(toks) > 1 and toks[1].type == "STRIP_MARKER"
        strip_r = len(toks) > 2 and toks[-2].type == "STRIP_MARKER"
        line, col = self.pos(t)[:2]
        if t.data == "interpolation":
            return ["interp", self.expr(_trees(t)[0]), False, False]
        if t.data == "template_if_start":
            return ["if", self.expr(_trees(t)[0]), strip_l, strip_r, line, col]
        if t.data == "template_for_start":
            trees = _trees(t)
            idents = [self.name_of(x) for x in trees if x.data == "identifier"]
            coll = self.expr(next(x for x in trees if x.data != "identifier"))
            if len(idents) == 2:
                return ["for", (idents[0], idents[1], coll), strip_l, strip_r, line, col]
            return ["for", (None, idents[0], coll), strip_l, strip_r, line, col]
        kind = {"template_else": "else", "template_endif": "endif", "template_endfor": "endfor"}
        word = kind.get(str(t.data))
        if word is None:
            raise HclSyntaxError(f"unsupported template part ({t.data})", line, col)
        return [word, None, strip_l, strip_r, line, col]

    def x_tuple(self, t: LTree) -> Expr:
        return TupleExpr(self.pos(t), tuple(self.expr(c) for c in _trees(t)))

    def x_object(self, t: LTree) -> Expr:
        items: list[tuple[Expr, Expr]] = []
        for elem in _trees(t):
            kt, vt = _trees(elem)[0], _trees(elem)[-1]
            items.append((self.object_key(kt), self.expr(vt)))
        return ObjectExpr(self.pos(t), tuple(items))

    def object_key(self, t: LTree) -> Expr:
        inner = _trees(t)[0]
        if inner.data == "keyword":
            return Lit(self.pos(inner), self.name_of(inner))
        if inner.data == "expr_term" and isinstance(inner.children[0], Tree):
            first = inner.children[0]
            if first.data == "identifier":
                return Lit(self.pos(first), self.name_of(first))
            if first.data == "literal_value":
                return Lit(self.pos(first), self.name_of(first))
        return self.expr(inner)

    def x_function_call(self, t: LTree) -> Expr:
        trees = _trees(t)
        idents = [self.name_of(x) for x in trees if x.data == "identifier"]
        name = "::".join(idents)
        args: list[Expr] = []
        expand = False
        for x in trees:
            if x.data == "arguments":
                args = [self.expr(a) for a in _trees(x)]
                expand = any(isinstance(k, Token) and k.type == "ELLIPSIS" for k in x.children)
        return Call(self.pos(t), name, tuple(args), expand)

    def x_get_attr_expr_term(self, t: LTree) -> Expr:
        obj_t, attr_t = _trees(t)
        return GetAttr(self.pos(t), self.expr(obj_t), self.name_of(_trees(attr_t)[0]))

    def x_index_expr_term(self, t: LTree) -> Expr:
        obj_t, idx_t = _trees(t)
        return Index(self.pos(t), self.expr(obj_t), self.index_key(idx_t))

    def index_key(self, t: LTree) -> Expr:
        if t.data == "short_index":
            tok = next(k for k in t.children if isinstance(k, Token) and k.type == "INT_LITERAL")
            return Lit(self.pos(tok), int_literal(str(tok)))
        return self.expr(_trees(t)[0])

    def _splat(self, t: LTree, full: bool) -> Expr:
        obj_t, splat_t = _trees(t)
        obj = self.expr(obj_t)
        pos = self.pos(t)
        item: Expr = SplatItem(pos)
        ops = _trees(splat_t)
        rest: list[LTree] = []
        for i, op in enumerate(ops):
            if op.data == "get_attr":
                item = GetAttr(pos, item, self.name_of(_trees(op)[0]))
            elif full:
                item = Index(pos, item, self.index_key(op))
            else:
                rest = ops[i:]
                break
        result: Expr = Splat(pos, obj, item)
        for op in rest:  # an attribute-only splat ends at the first index
            if op.data == "get_attr":
                result = GetAttr(pos, result, self.name_of(_trees(op)[0]))
            else:
                result = Index(pos, result, self.index_key(op))
        return result

    def x_attr_splat_expr_term(self, t: LTree) -> Expr:
        return self._splat(t, full=False)

    def x_full_splat_expr_term(self, t: LTree) -> Expr:
        return self._splat(t, full=True)

    def x_binary_op(self, t: LTree) -> Expr:
        trees = _trees(t)
        left = self.expr(trees[0])
        term = trees[1]
        op_t, right_t = _trees(term)
        op = str(op_t.children[0]).strip()
        right = self.expr(right_t)
        # the tree's span may include a trailing newline: span the operands instead
        return Binary((*left.pos[:2], *right.pos[2:]), op, left, right)

    def x_unary_op(self, t: LTree) -> Expr:
        op = str(t.children[0]).strip()
        operand = self.expr(_trees(t)[0])
        value = operand.value if isinstance(operand, Lit) else None
        if op == "-" and isinstance(value, int | float) and not isinstance(value, bool):
            return Lit(self.pos(t), -value)
        return Unary(self.pos(t), op, operand)

    def x_conditional(self, t: LTree) -> Expr:
        c, a, b = _trees(t)
        return Conditional(self.pos(t), self.expr(c), self.expr(a), self.expr(b))

    def _for(self, t: LTree, is_object: bool) -> Expr:
        trees = _trees(t)
        intro = trees[0]
        intro_trees = _trees(intro)
        idents = [self.name_of(x) for x in intro_trees if x.data == "identifier"]
        coll = self.expr(next(x for x in intro_trees if x.data != "identifier"))
        key_var, value_var = (idents[0], idents[1]) if len(idents) == 2 else (None, idents[0])
        rest = trees[1:]
        cond: Expr | None = None
        if rest and rest[-1].data == "for_cond":
            cond = self.expr(_trees(rest[-1])[0])
            rest = rest[:-1]
        group = any(isinstance(k, Token) and k.type == "ELLIPSIS" for k in t.children)
        if is_object:
            return ForExpr(
                self.pos(t),
                key_var,
                value_var,
                coll,
                self.expr(rest[0]),
                self.expr(rest[1]),
                cond,
                group,
            )
        return ForExpr(self.pos(t), key_var, value_var, coll, None, self.expr(rest[0]), cond)

    def x_for_tuple_expr(self, t: LTree) -> Expr:
        return self._for(t, is_object=False)

    def x_for_object_expr(self, t: LTree) -> Expr:
        return self._for(t, is_object=True)
