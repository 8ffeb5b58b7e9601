"""Terraform's built-in functions, over known and unknown values.

Each function receives evaluated arguments.  Most are *strict*: when any
argument holds an Unknown anywhere, the caller returns an Unknown without
calling them.  The *lenient* ones decide what they can (``coalesce("a", x)``
is ``"a"``, ``length([x, y])`` is 2, ``contains`` finds a known match) and
return an Unknown only for what really depends on the unknown part.
Functions raise :class:`EvalError` where Terraform would report an error.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import ipaddress
import json
import math
import posixpath
import re
import time
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..lazyre import compile_lazily
from ..model import PartialValue, Unknown, is_open_collection, string_template
from .values import (
    EvalError,
    Lazy,
    StepLimit,
    equal,
    finalize,
    format_number,
    has_unknown,
    int_literal,
    is_number,
    key_str,
    make_set,
    norm_number,
    to_bool,
    to_int,
    to_num,
    to_str,
    type_name,
    unique_values,
    unknown_from,
    value_key,
)

if TYPE_CHECKING:
    from .expressions import Evaluator

Fn = Callable[["Evaluator", list[Any]], Any]

#: name -> (implementation, lenient)
FUNCTIONS: dict[str, tuple[Fn, bool]] = {}


def _fn(name: str, *, lenient: bool = False) -> Callable[[Fn], Fn]:
    def deco(f: Fn) -> Fn:
        FUNCTIONS[name] = (f, lenient)
        return f

    return deco


def _arity(args: list[Any], lo: int, hi: int | None = None) -> None:
    hi = lo if hi is None else hi
    if not lo <= len(args) <= hi:
        want = str(lo) if lo == hi else f"{lo} to {hi}"
        raise EvalError(f"expected {want} arguments, got {len(args)}")


def _list(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    raise EvalError(f"a list is required, got {type_name(v)}")


def _map(v: Any) -> dict[str, Any]:
    if isinstance(v, dict):
        return v
    raise EvalError(f"a map is required, got {type_name(v)}")


def _str(v: Any) -> str:
    if isinstance(v, list | dict) or v is None:
        raise EvalError(f"a string is required, got {type_name(v)}")
    return to_str(v)


def _u(*values: Any) -> Unknown:
    return unknown_from("", *values)


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------


@_fn("abs")
def f_abs(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return abs(to_num(a[0]))


@_fn("ceil")
def f_ceil(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return math.ceil(to_num(a[0]))


@_fn("floor")
def f_floor(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return math.floor(to_num(a[0]))


@_fn("signum")
def f_signum(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    n = to_num(a[0])
    return (n > 0) - (n < 0)


@_fn("pow")
def f_pow(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    base, exp = to_num(a[0]), to_num(a[1])
    if abs(exp) > 1024:
        raise EvalError("exponent too large")
    try:
        return norm_number(float(base) ** float(exp))
    except (OverflowError, ZeroDivisionError) as exc:
        raise EvalError(str(exc)) from None


@_fn("log")
def f_log(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    try:
        return norm_number(math.log(to_num(a[0]), to_num(a[1])))
    except (ValueError, ZeroDivisionError) as exc:
        raise EvalError(str(exc)) from None


@_fn("max")
def f_max(ev: Evaluator, a: list[Any]) -> Any:
    if not a:
        raise EvalError("max needs at least one number")
    return max(to_num(x) for x in a)


@_fn("min")
def f_min(ev: Evaluator, a: list[Any]) -> Any:
    if not a:
        raise EvalError("min needs at least one number")
    return min(to_num(x) for x in a)


@_fn("sum")
def f_sum(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    items = _list(a[0]) if not isinstance(a[0], dict) else list(a[0].values())
    if not items:
        raise EvalError("sum of an empty list")
    total: int | float = 0
    for x in items:
        total += to_num(x)
    return norm_number(total)


@_fn("parseint")
def f_parseint(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    try:
        return int(_str(a[0]), to_int(a[1]))
    except ValueError:
        raise EvalError(f'cannot parse "{a[0]}" as an integer') from None


@_fn("range")
def f_range(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1, 3)
    nums = [to_num(x) for x in a]
    start: int | float
    end: int | float
    step: int | float
    if len(nums) == 1:
        start, end, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, end, step = nums[0], nums[1], (1 if nums[1] >= nums[0] else -1)
    else:
        start, end, step = nums
    if step == 0:
        raise EvalError("range step must not be zero")
    count = max(0, math.ceil((end - start) / step))
    ev.charge(count)  # refuse before allocating: range(1e9) stops here
    if count > 1024 * 1024:
        raise EvalError("range too large")
    return [norm_number(start + i * step) for i in range(count)]


# --------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------


@_fn("lower")
def f_lower(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return _str(a[0]).lower()


@_fn("upper")
def f_upper(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return _str(a[0]).upper()


@_fn("title")
def f_title(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return re.sub(r"(^|[^\w'])(\w)", lambda m: m.group(1) + m.group(2).upper(), _str(a[0]))


@_fn("trimspace")
def f_trimspace(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return _str(a[0]).strip()


@_fn("trim")
def f_trim(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    return _str(a[0]).strip(_str(a[1]))


@_fn("trimprefix")
def f_trimprefix(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    s, p = _str(a[0]), _str(a[1])
    return s[len(p) :] if p and s.startswith(p) else s


@_fn("trimsuffix")
def f_trimsuffix(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    s, p = _str(a[0]), _str(a[1])
    return s[: -len(p)] if p and s.endswith(p) else s


@_fn("startswith")
def f_startswith(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    return _str(a[0]).startswith(_str(a[1]))


@_fn("endswith")
def f_endswith(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    return _str(a[0]).endswith(_str(a[1]))


@_fn("strcontains")
def f_strcontains(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    return _str(a[1]) in _str(a[0])


@_fn("strrev")
def f_strrev(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return _str(a[0])[::-1]


@_fn("chomp")
def f_chomp(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return re.sub(r"(\r\n|\n|\r)+$", "", _str(a[0]))


@_fn("indent")
def f_indent(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    width, text = to_int(a[0]), _str(a[1])
    if width < 0:
        raise EvalError("indent needs a non-negative number of spaces")
    ev.charge((width * text.count("\n")) >> 6)  # before allocating: indent(1e9, ...)
    return text.replace("\n", "\n" + " " * width)


@_fn("substr")
def f_substr(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 3)
    s, off, length = _str(a[0]), to_int(a[1]), to_int(a[2])
    if off < 0:
        off = len(s) + off
        if off < 0:
            raise EvalError("offset out of range")
    if off > len(s):
        raise EvalError("offset out of range")
    if length < 0:
        return s[off:]
    return s[off : off + length]


@_fn("join")
def f_join(ev: Evaluator, a: list[Any]) -> Any:
    if len(a) < 2:
        raise EvalError("join needs a separator and at least one list")
    sep = _str(a[0])
    parts: list[str] = []
    for lst in a[1:]:
        for item in _list(lst):
            parts.append(_str(item))
    ev.charge(len(parts))
    return sep.join(parts)


@_fn("split")
def f_split(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    sep, s = _str(a[0]), _str(a[1])
    out = list(s) if sep == "" else s.split(sep)
    ev.charge(len(out))
    return out


#: seconds one regular-expression call may take (Terraform's RE2 is linear-time;
#: Python's backtracking engines are not, so a pathological pattern is cut off)
REGEX_TIMEOUT = 2.0


@functools.cache
def _regex_engine() -> Any:
    """The ``regex`` package (installed with cfn-lint) supports timeouts; ``re`` does not.

    Imported on the first regular-expression call: it costs ~7 ms at start-up."""
    try:
        return importlib.import_module("regex")
    except ImportError:  # pragma: no cover - regex ships with cfn-lint
        return None


#: regular-expression calls cut off by the time limit in this process (a result
#: decided by the machine's load is not cached)
_timeouts = 0


def timeouts() -> int:
    return _timeouts


class RegexLimit(StepLimit):
    """A regular expression ran out of time: its value is unknown (never an error value,
    which ``can()`` and ``try()`` would turn into a decision), and a SYS008 names the limit."""


class _RegexBudget:
    """Seconds the regular expressions of one scan (one evaluator) may still take:
    ``limits.max_regex_seconds`` together, at most :data:`REGEX_TIMEOUT` per call, so
    1000 instances of one catastrophic pattern cost seconds, not 1000 timeouts."""

    def __init__(self, seconds: float) -> None:
        self.total = seconds
        self.left = seconds


_budgets: weakref.WeakKeyDictionary[Any, _RegexBudget] = weakref.WeakKeyDictionary()


def _budget(ev: Evaluator) -> _RegexBudget:
    budget = _budgets.get(ev)
    if budget is None:
        budget = _RegexBudget(ev.options.limits.max_regex_seconds)
        _budgets[ev] = budget
    return budget


class _NotEmulated(Exception):
    """Valid RE2 syntax this evaluator cannot reproduce: the result is unknown."""


#: POSIX classes RE2 accepts inside brackets, as ranges Python understands
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
#: letters RE2 accepts after a backslash (besides octal digits, Q/E and z)
_LETTER_ESCAPES = frozenset("abfnrtvdDsSwWbBApPx")
#: Go's Perl classes are ASCII-only (Python's match any Unicode digit, letter, space)
_ASCII_CLASSES = {
    "d": "0-9",
    "w": "0-9A-Za-z_",
    "s": "\\t\\n\\f\\r ",
}
_BRACED_RE = compile_lazily(r"\\[pPx]\{[^}]*\}|\\[pP][A-Za-z]|\\x[0-9A-Fa-f]{2}")
_REPEAT_RE = compile_lazily(r"\{(\d+)(,(\d*))?\}")
_GROUP_NAME_RE = compile_lazily(r"[A-Za-z0-9_]+>")
_FLAGS_RE = compile_lazily(r"\(\?([imsU]*)(?:-([imsU]*))?([:)])")


def _char_escape(code: int) -> str:
    """A code point as an escape Python's regex engines read (``\\x{41}`` they do not)."""
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _braced(text: str) -> str:
    """``\\x{41}`` as ``\\x41``; other braced escapes (``\\p{Greek}``) as written."""
    if text.startswith("\\x{"):
        try:
            code = int(text[3:-1], 16)
        except ValueError:
            raise EvalError(f"invalid escape {text}") from None
        if code > 0x10FFFF:
            raise EvalError(f"invalid escape {text}")
        return _char_escape(code)
    return text


class _Re2Translator:
    """One pass over an RE2 pattern, building the Python ``regex`` equivalent."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out: list[str] = []
        #: per open group, the flag groups ``(?i)`` opened inside it (closed with it)
        self.flag_groups: list[list[str]] = [[]]
        #: per open group, whether ``m`` is on (``$`` is end of line, else end of text)
        self.multiline: list[bool] = [False]
        self.can_repeat = False
        self.repeated = False

    def bad(self, what: str) -> EvalError:
        return EvalError(f"invalid regular expression {self.p!r}: {what} (Go's RE2 syntax)")

    def atom(self, text: str, advance: int) -> None:
        self.out.append(text)
        self.i += advance
        self.can_repeat, self.repeated = True, False

    def run(self) -> str:
        p, n = self.p, len(self.p)
        while self.i < n:
            c = p[self.i]
            if c == "\\":
                self.escape()
            elif c == "[":
                self.char_class()
            elif c == "(":
                self.open_group()
            elif c == ")":
                if len(self.flag_groups) == 1:
                    raise self.bad("unexpected )")
                self.out.append(")" * len(self.flag_groups.pop()) + ")")
                self.multiline.pop()
                self.i += 1
                self.can_repeat, self.repeated = True, False
            elif c == "|":
                flags = self.flag_groups[-1]
                self.out.append(")" * len(flags) + "|" + "".join(f"(?{f}:" for f in flags))
                self.i += 1
                self.can_repeat, self.repeated = False, False
            elif c in "*+?" or (c == "{" and _REPEAT_RE.match(p, self.i)):
                self.repeat(c)
            elif c == "$" and not self.multiline[-1]:
                self.atom("\\Z", 1)  # Go's $ is the end of the text; Python's also before a \n
            else:  # a "{" that is no repeat count ({,3}) is a literal in RE2
                self.atom("\\{" if c == "{" else c, 1)
        if len(self.flag_groups) > 1:
            raise self.bad("missing closing )")
        self.out.append(")" * len(self.flag_groups[0]))
        return "".join(self.out)

    def escape(self) -> None:
        p, i = self.p, self.i
        if i + 1 >= len(p):
            raise self.bad("trailing backslash")
        d = p[i + 1]
        braced = _BRACED_RE.match(p, i)
        if braced is not None:
            self.atom(_braced(braced.group(0)), braced.end() - i)
        elif d == "Q":
            end = p.find("\\E", i + 2)
            literal = p[i + 2 :] if end < 0 else p[i + 2 : end]
            self.out.append((_regex_engine() or re).escape(literal))
            self.i = len(p) if end < 0 else end + 2
            self.can_repeat, self.repeated = bool(literal) or self.can_repeat, False
        elif d in "01234567":
            # octal: \0, \0NN, and \NN (a lone \1-\7 is a backreference, refused)
            digits = re.match(r"[0-7]{1,3}", p[i + 1 :])
            assert digits is not None
            code = digits.group(0)
            if d != "0" and len(code) == 1:
                raise self.bad(f"backreference \\{d}")
            self.atom(_char_escape(int(code, 8)), 1 + len(code))
        elif d == "z":
            self.atom("\\Z", 2)
        elif d.lower() in _ASCII_CLASSES:
            negate = "^" if d.isupper() else ""
            self.atom(f"[{negate}{_ASCII_CLASSES[d.lower()]}]", 2)
        elif d in _LETTER_ESCAPES:
            self.atom(p[i : i + 2], 2)
        elif d.isalnum() or d == "_" or ord(d) >= 0x80:
            raise self.bad(f"escape sequence \\{d}")
        else:
            self.atom(p[i : i + 2], 2)  # an escaped punctuation character is itself

    def char_class(self) -> None:
        p, n = self.p, len(self.p)
        j = self.i + 1
        part = ["["]
        if j < n and p[j] == "^":
            part.append("^")
            j += 1
        first = True
        while j < n and (p[j] != "]" or first):
            first = False
            if p.startswith("[:", j):
                end = p.find(":]", j + 2)
                name = p[j + 2 : end] if end >= 0 else ""
                if name in _POSIX_CLASSES:
                    part.append(_POSIX_CLASSES[name])
                    j = end + 2
                    continue
                if name.startswith("^") and name[1:] in _POSIX_CLASSES:
                    raise _NotEmulated(f"negated POSIX class [:{name}:]")
                if end >= 0 and name.isalpha():
                    raise self.bad(f"character class range [:{name}:]")
            if p[j] == "\\":
                if j + 1 >= n:
                    raise self.bad("trailing backslash")
                braced = _BRACED_RE.match(p, j)
                d = p[j + 1]
                if braced is not None:
                    part.append(_braced(braced.group(0)))
                    j = braced.end()
                    continue
                if d.isalnum() and d not in _LETTER_ESCAPES - set("bBA") and d not in "01234567":
                    raise self.bad(f"escape sequence \\{d} in a character class")
                part.append(_ASCII_CLASSES.get(d, p[j : j + 2]))
                j += 2
                continue
            # literal in RE2; nested sets and set operators in Python's regex
            part.append("\\" + p[j] if p[j] in "[&~|" else p[j])
            j += 1
        if j >= n:
            raise self.bad("missing closing ]")
        part.append("]")
        self.atom("".join(part), j + 1 - self.i)

    def open_group(self) -> None:
        p, i = self.p, self.i
        multiline = self.multiline[-1]
        if not p.startswith("(?", i):
            self.out.append("(")
            self.i += 1
        elif p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            raise self.bad("lookaround is not supported")
        elif p.startswith(("(?P<", "(?<"), i):
            at = i + (4 if p.startswith("(?P<", i) else 3)
            name = _GROUP_NAME_RE.match(p, at)
            if name is None:
                raise self.bad("invalid named group")
            self.out.append("(?P<" + name.group(0))
            self.i = name.end()
        elif p.startswith("(?:", i):
            self.out.append("(?:")
            self.i += 3
        else:
            m = _FLAGS_RE.match(p, i)
            if m is None or (not m.group(1) and not m.group(2)):
                raise self.bad(
                    f"group {p[i : i + 4]!r}: RE2 has no backreferences, atomic groups, "
                    "conditionals or comments"
                )
            on, off = m.group(1), m.group(2)
            if off == "":
                raise self.bad("missing flags after -")
            if "U" in on + (off or ""):
                raise _NotEmulated("the U (ungreedy) flag")
            flags = on + (f"-{off}" if off else "")
            self.i = m.end()
            if "m" in on or "m" in (off or ""):
                multiline = "m" in on
            if m.group(3) == ")":
                # (?i) applies to the rest of the enclosing group (through its |)
                self.out.append(f"(?{flags}:")
                self.flag_groups[-1].append(flags)
                self.multiline[-1] = multiline
                self.can_repeat, self.repeated = False, False
                return
            self.out.append(f"(?{flags}:")
        self.flag_groups.append([])
        self.multiline.append(multiline)
        self.can_repeat, self.repeated = False, False

    def repeat(self, c: str) -> None:
        p = self.p
        if c == "?" and self.repeated and not self.out[-1].endswith("?"):
            self.out[-1] += "?"  # the lazy form of the repetition before it
            self.i += 1
            return
        if self.repeated:
            raise self.bad(f"invalid nested repetition operator {c!r}")
        if not self.can_repeat:
            raise self.bad(f"missing argument to repetition operator {c!r}")
        if c == "{":
            rm = _REPEAT_RE.match(p, self.i)
            assert rm is not None
            lo = int(rm.group(1))
            hi = lo if rm.group(2) is None else (int(rm.group(3)) if rm.group(3) else None)
            if lo > 1000 or (hi is not None and (hi > 1000 or hi < lo)):
                raise self.bad(f"invalid repeat count {rm.group(0)}")
            self.out.append(rm.group(0))
            self.i = rm.end()
        else:
            self.out.append(c)
            self.i += 1
        self.repeated = True


def translate_re2(pattern: str) -> str:
    """``pattern`` in Go's regexp (RE2) syntax, as a Python ``regex`` pattern.

    Raises :class:`EvalError` where Terraform rejects the pattern (RE2 has no
    lookaround, backreferences, possessive or nested quantifiers, atomic groups,
    conditionals or comments, and counts up to 1000), so ``can(regex("(?=x)x",
    "x"))`` is false, as in Terraform; raises :class:`_NotEmulated` for valid
    RE2 this evaluator cannot reproduce (the ``U`` flag), whose result is
    unknown.  ``(?i)`` inside a pattern applies to the rest of its group, as in
    Go (Python would apply it to the whole pattern), and ``\\z`` is Python's
    ``\\Z``."""
    return _Re2Translator(pattern).run()


class _Pattern:
    """A compiled RE2 pattern whose calls are bounded in time, per call and per scan."""

    def __init__(self, pattern: str, budget: _RegexBudget | None = None) -> None:
        engine = _regex_engine() or re
        translated = translate_re2(pattern)
        try:
            self.rx: Any = engine.compile(translated)
        except Exception as exc:  # re.error, regex.error (not a subclass), ValueError
            # valid RE2 (checked above) that Python's engine refuses: not an error
            # Terraform would report, so the value is unknown rather than "invalid"
            raise _NotEmulated(str(exc)) from None
        self.budget = budget if budget is not None else _RegexBudget(REGEX_TIMEOUT)
        self.groups: int = self.rx.groups
        self.groupindex: Mapping[str, int] = self.rx.groupindex

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        global _timeouts  # noqa: PLW0603
        budget = self.budget
        if budget.left <= 0:
            _timeouts += 1
            raise RegexLimit(
                f"regular expressions took {budget.total:g} seconds in all "
                "(limits.max_regex_seconds); this one was not run"
            )
        seconds = min(REGEX_TIMEOUT, budget.left)
        engine = _regex_engine()
        kw: dict[str, Any] = {"timeout": seconds} if engine is not None else {}
        started = time.perf_counter()
        try:
            return fn(*args, **kw)
        except TimeoutError:
            _timeouts += 1
            raise RegexLimit(
                f"a regular expression ran out of time after {seconds:g} s (at most "
                f"{REGEX_TIMEOUT:g} s a call, limits.max_regex_seconds for all together; "
                "Terraform's RE2 is linear-time, soc2lint's engine is not); its value is unknown"
            ) from None
        except (re.error, IndexError) as exc:
            raise EvalError(f"regular expression failed: {exc}") from None
        except Exception as exc:
            if engine is not None and isinstance(exc, engine.error):
                raise EvalError(f"regular expression failed: {exc}") from None
            raise
        finally:
            budget.left -= time.perf_counter() - started

    def search(self, text: str) -> Any:
        return self._call(self.rx.search, text)

    def finditer(self, text: str) -> list[Any]:
        return list(self._call(lambda t, **kw: list(self.rx.finditer(t, **kw)), text))

    def sub(self, repl: str, text: str) -> str:
        return str(self._call(self.rx.sub, repl, text))


def _go_regex(pattern: str, ev: Evaluator | None = None) -> _Pattern:
    return _Pattern(pattern, _budget(ev) if ev is not None else None)


def _go_replacement(repl: str) -> str:
    out = repl.replace("\\", "\\\\")
    out = re.sub(r"\$\{(\w+)\}", lambda m: f"\\g<{m.group(1)}>", out)
    out = re.sub(r"\$(\d+)", lambda m: f"\\g<{m.group(1)}>", out)
    out = re.sub(r"\$([A-Za-z_]\w*)", lambda m: f"\\g<{m.group(1)}>", out)
    return out.replace("$$", "$")


@_fn("replace")
def f_replace(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 3)
    s, sub, repl = _str(a[0]), _str(a[1]), _str(a[2])
    if len(sub) >= 2 and sub.startswith("/") and sub.endswith("/"):
        try:
            rx = _go_regex(sub[1:-1], ev)
        except _NotEmulated as exc:
            return Unknown("", cause=f"the regular expression cannot be evaluated here ({exc})")
        if len(repl) > 1:  # the result's size, charged before it is built
            ev.charge((sum(1 for _ in rx.finditer(s)) * len(repl)) >> 6)
        return rx.sub(_go_replacement(repl), s)
    if len(repl) > len(sub):
        ev.charge((s.count(sub) * (len(repl) - len(sub))) >> 6)
    return s.replace(sub, repl)


def _match_value(rx: _Pattern, m: Any) -> Any:
    if rx.groupindex:
        return {name: m.group(name) for name in rx.groupindex}
    if rx.groups:
        return [g if g is not None else "" for g in m.groups()]
    return m.group(0)


@_fn("regex")
def f_regex(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    try:
        rx = _go_regex(_str(a[0]), ev)
    except _NotEmulated as exc:
        return Unknown("", cause=f"the regular expression cannot be evaluated here ({exc})")
    m = rx.search(_str(a[1]))
    if m is None:
        raise EvalError("pattern did not match")
    return _match_value(rx, m)


@_fn("regexall")
def f_regexall(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    try:
        rx = _go_regex(_str(a[0]), ev)
    except _NotEmulated as exc:
        return Unknown("", cause=f"the regular expression cannot be evaluated here ({exc})")
    out = [_match_value(rx, m) for m in rx.finditer(_str(a[1]))]
    ev.charge(len(out))
    return out


_VERB_RE = compile_lazily(
    r"%(?:(?P<pct>%)|(?P<flags>[-+# 0]*)(?:\[(?P<idx>\d+)\])?(?P<width>\d+)?"
    r"(?:\.(?P<prec>\d+))?(?P<verb>[a-zA-Z]))"
)


def _format(ev: Evaluator, spec: str, args: list[Any]) -> str:
    out: list[str] = []
    pos = 0
    argi = 0
    for m in _VERB_RE.finditer(spec):
        out.append(spec[pos : m.start()])
        pos = m.end()
        if m.group("pct"):
            out.append("%")
            continue
        if m.group("idx"):
            argi = int(m.group("idx")) - 1
        if argi >= len(args) or argi < 0:
            raise EvalError("not enough arguments for format")
        value = args[argi]
        argi += 1
        flags = m.group("flags") or ""
        verb = m.group("verb")
        prec = m.group("prec")
        width = int(m.group("width") or 0)
        # "%0999999999d" or "%.999999999f" would allocate a gigabyte: charge first
        ev.charge((width + (int(prec) if prec and verb in "fFeEgG" else 0)) >> 6)
        text = _format_one(value, verb, flags, prec)
        if len(text) < width:
            if "-" in flags:
                text = text.ljust(width)
            elif "0" in flags and verb in "dfeEgGxXob":
                sign = text[0] if text[:1] in "+-" else ""
                text = sign + text[len(sign) :].rjust(width - len(sign), "0")
            else:
                text = text.rjust(width)
        out.append(text)
    out.append(spec[pos:])
    return "".join(out)


def _format_one(value: Any, verb: str, flags: str, prec: str | None) -> str:
    if verb == "v":
        if "#" in flags:
            return _jsonencode(value)
        if isinstance(value, list | dict):
            return _jsonencode(value)
        return to_str(value) if value is not None else "null"
    if verb == "s":
        text = _str(value)
        return text[: int(prec)] if prec is not None else text
    if verb == "q":
        return json.dumps(_str(value), ensure_ascii=False)
    if verb == "t":
        return "true" if to_bool(value) else "false"
    n = to_num(value)
    plus = "+" if "+" in flags and n >= 0 else (" " if " " in flags and n >= 0 else "")
    if verb == "d":
        if isinstance(n, float) and not n.is_integer():
            raise EvalError("%d needs a whole number")
        return plus + str(int(n))
    if verb in "xXob":
        i = int(n)
        base = {"x": "x", "X": "X", "o": "o", "b": "b"}[verb]
        return plus + format(i, base)
    if verb in "fFeEgG":
        p = int(prec) if prec is not None else (6 if verb in "fFeE" else None)
        if verb in "gG" and p is None:
            return plus + format_number(n)
        return plus + format(float(n), f".{p}{verb}")
    raise EvalError(f"unsupported format verb %{verb}")


@_fn("format")
def f_format(ev: Evaluator, a: list[Any]) -> Any:
    if not a:
        raise EvalError("format needs a format string")
    return _format(ev, _str(a[0]), a[1:])


@_fn("formatlist")
def f_formatlist(ev: Evaluator, a: list[Any]) -> Any:
    if not a:
        raise EvalError("formatlist needs a format string")
    spec = _str(a[0])
    rest = a[1:]
    lengths = {len(x) for x in rest if isinstance(x, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist lists must have the same length")
    n = lengths.pop() if lengths else 1
    ev.charge(n)
    out = []
    for i in range(n):
        out.append(_format(ev, spec, [x[i] if isinstance(x, list) else x for x in rest]))
    return out


# --------------------------------------------------------------------------
# Encoding and hashing
# --------------------------------------------------------------------------


def _json_ready(v: Any) -> Any:
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        raise EvalError("number is not finite")
    if isinstance(v, dict):
        return {k: _json_ready(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_ready(x) for x in v]
    if isinstance(v, Unknown | Lazy):
        raise EvalError("unknown value")
    return v


def _jsonencode(v: Any) -> str:
    text = json.dumps(_json_ready(v), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Terraform escapes these as Go's encoding/json does
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@_fn("jsonencode")
def f_jsonencode(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return _jsonencode(a[0])


def _from_json(v: Any) -> Any:
    if isinstance(v, float):
        return norm_number(v)
    if isinstance(v, dict):
        return {k: _from_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_from_json(x) for x in v]
    return v


@_fn("jsondecode")
def f_jsondecode(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    text = _str(a[0])
    ev.charge(len(text) // 64)
    try:
        return _from_json(json.loads(text, parse_int=int_literal))
    except (ValueError, RecursionError) as exc:
        raise EvalError(f"invalid JSON: {exc}") from None


def _yaml_size(v: Any, memo: dict[int, int], cap: int) -> int:
    key = id(v)
    if key in memo:
        return memo[key]
    size = 1
    if isinstance(v, dict):
        for k, x in v.items():
            size += _yaml_size(k, memo, cap) + _yaml_size(x, memo, cap)
            if size > cap:
                break
    elif isinstance(v, list):
        for x in v:
            size += _yaml_size(x, memo, cap)
            if size > cap:
                break
    memo[key] = size
    return size


def _yaml_plain(v: Any, depth: int = 0) -> Any:
    if depth > 64:
        raise EvalError("YAML nested too deeply")
    if isinstance(v, dict):
        return {
            to_str(k) if not isinstance(k, str) else k: _yaml_plain(x, depth + 1)
            for k, x in v.items()
        }
    if isinstance(v, list):
        return [_yaml_plain(x, depth + 1) for x in v]
    if isinstance(v, bool | int | str) or v is None:
        return v
    if isinstance(v, float):
        return norm_number(v)
    return str(v)  # dates and the like


@_fn("yamldecode")
def f_yamldecode(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    import yaml

    text = _str(a[0])
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:
        raise EvalError(f"invalid YAML: {exc}") from None
    cap = max(1000, ev.steps_left)
    if _yaml_size(data, {}, cap) > cap:
        raise EvalError("YAML expands to too many values (aliases)")
    ev.charge(_yaml_size(data, {}, cap))
    return _yaml_plain(data)


@_fn("yamlencode")
def f_yamlencode(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    import yaml

    return yaml.safe_dump(_json_ready(a[0]), default_flow_style=False, sort_keys=True)


@_fn("base64encode")
def f_base64encode(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return base64.b64encode(_str(a[0]).encode()).decode()


@_fn("base64decode")
def f_base64decode(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    try:
        return base64.b64decode(_str(a[0]), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvalError(f"invalid base64: {exc}") from None


@_fn("urlencode")
def f_urlencode(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    from urllib.parse import quote_plus

    return quote_plus(_str(a[0]))


def _hash(algo: str) -> Fn:
    def f(ev: Evaluator, a: list[Any]) -> Any:
        _arity(a, 1)
        return hashlib.new(algo, _str(a[0]).encode()).hexdigest()

    return f


for _algo in ("md5", "sha1", "sha256", "sha512"):
    FUNCTIONS[_algo] = (_hash(_algo), False)


@_fn("base64sha256")
def f_base64sha256(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return base64.b64encode(hashlib.sha256(_str(a[0]).encode()).digest()).decode()


@_fn("base64sha512")
def f_base64sha512(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return base64.b64encode(hashlib.sha512(_str(a[0]).encode()).digest()).decode()


def _always_unknown(name: str) -> Fn:
    def f(ev: Evaluator, a: list[Any]) -> Any:
        return Unknown("")

    return f


for _name in ("uuid", "timestamp", "bcrypt", "uuidv5", "plantimestamp"):
    FUNCTIONS[_name] = (_always_unknown(_name), True)


# --------------------------------------------------------------------------
# Collections
# --------------------------------------------------------------------------


@_fn("length", lenient=True)
def f_length(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    v = a[0]
    if isinstance(v, list | dict):
        return len(v)
    if isinstance(v, str):
        return len(v)
    if isinstance(v, Unknown):
        return _u(v)
    if isinstance(v, Lazy):
        return _u(v)
    raise EvalError(f"cannot take the length of {type_name(v)}")


@_fn("element", lenient=True)
def f_element(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    lst, idx = a
    if isinstance(lst, Unknown) and not isinstance(idx, Unknown | Lazy):
        return Unknown(f"{lst.expr}[{to_int(idx)}]", lst.refs, lst.secret)
    if isinstance(lst, Unknown) or isinstance(idx, Unknown):
        return _u(lst, idx)
    lst = _list(lst)
    if not lst:
        raise EvalError("element of an empty list")
    return lst[to_int(idx) % len(lst)]


@_fn("index")
def f_index(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    for i, x in enumerate(_list(a[0])):
        if equal(x, a[1]):
            return i
    raise EvalError("item not found")


@_fn("contains", lenient=True)
def f_contains(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    coll, value = a
    if isinstance(coll, Unknown) or has_unknown(value):
        return _u(coll, value)
    items = list(coll.values()) if isinstance(coll, dict) else _list(coll)
    unknown = False
    for x in items:
        if has_unknown(x):
            unknown = True
        elif equal(x, value):
            return True
    return _u(items) if unknown else False


@_fn("keys", lenient=True)
def f_keys(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    if isinstance(a[0], Unknown | Lazy):
        return _u(a[0])
    return sorted(_map(a[0]))


@_fn("values", lenient=True)
def f_values(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    if isinstance(a[0], Unknown | Lazy):
        return _u(a[0])
    m = _map(a[0])
    return [m[k] for k in sorted(m)]


@_fn("lookup", lenient=True)
def f_lookup(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2, 3)
    m, key = a[0], a[1]
    if isinstance(m, Unknown | Lazy) or isinstance(key, Unknown):
        return _u(m, key)
    m = _map(m)
    k = key_str(key)
    if k in m:
        return m[k]
    if len(a) == 3:
        return a[2]
    raise EvalError(f'key "{k}" not found')


@_fn("merge", lenient=True)
def f_merge(ev: Evaluator, a: list[Any]) -> Any:
    """Later maps win.  An unknown map leaves the result open (a PartialValue): the keys
    written after it are known, those before it may be overridden (unknown), and it
    may add others (``merge(var.tags, { Name = "x" })`` knows ``Name``)."""
    out: dict[str, Any] = {}
    unknown: list[Any] = []
    for arg in a:
        if arg is None:
            continue
        m = arg.as_unknown() if isinstance(arg, Lazy) else arg
        if isinstance(m, Unknown):
            unknown.append(m)
            for k, before in out.items():
                out[k] = unknown_from(f'merge(...)["{k}"]', before, m)
            if is_open_collection(m) and isinstance(m.value, dict):
                out.update(m.value)
            continue
        out.update(_map(m))
    ev.charge(len(out))
    if unknown:
        whole = unknown_from("", *unknown)
        return PartialValue("", whole.refs, whole.secret, out, "")
    return out


@_fn("concat", lenient=True)
def f_concat(ev: Evaluator, a: list[Any]) -> Any:
    """An unknown list leaves the result open (a PartialValue of the known elements:
    ``concat(var.extra_env, [{ name = "LOG_LEVEL", value = "info" }])`` holds that one,
    at a position that is not known)."""
    out: list[Any] = []
    unknown: list[Any] = []
    for arg in a:
        lst = arg.as_unknown() if isinstance(arg, Lazy) else arg
        if isinstance(lst, Unknown):
            unknown.append(lst)
            if is_open_collection(lst) and isinstance(lst.value, list):
                out.extend(lst.value)
            continue
        out.extend(_list(lst))
    ev.charge(len(out))
    if unknown:
        whole = unknown_from("", *unknown)
        return PartialValue("", whole.refs, whole.secret, out, "")
    return out


@_fn("coalesce", lenient=True)
def f_coalesce(ev: Evaluator, a: list[Any]) -> Any:
    for i, v in enumerate(a):
        if isinstance(v, Unknown | Lazy):
            return _u(*a[i:])
        if v is None or v == "":
            continue
        return v
    raise EvalError("no non-null, non-empty argument")


@_fn("coalescelist", lenient=True)
def f_coalescelist(ev: Evaluator, a: list[Any]) -> Any:
    for i, v in enumerate(a):
        if isinstance(v, Unknown | Lazy):
            return _u(*a[i:])
        if v is None:
            continue
        if _list(v):
            return v
    raise EvalError("no non-empty list")


@_fn("compact", lenient=True)
def f_compact(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    if isinstance(a[0], Unknown) or any(isinstance(x, Unknown) for x in _list(a[0])):
        return _u(a[0])
    return [x for x in a[0] if x is not None and x != ""]


@_fn("distinct")
def f_distinct(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    out = unique_values(_list(a[0]))
    ev.charge(len(out))
    return out


def _flatten(v: list[Any], out: list[Any], depth: int) -> bool:
    if depth > 64:
        raise EvalError("list nested too deeply")
    for x in v:
        if isinstance(x, Unknown):
            return False
        if isinstance(x, list):
            if not _flatten(x, out, depth + 1):
                return False
        else:
            out.append(x)
    return True


@_fn("flatten", lenient=True)
def f_flatten(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    if isinstance(a[0], Unknown):
        return _u(a[0])
    out: list[Any] = []
    if not _flatten(_list(a[0]), out, 0):
        return _u(a[0])
    ev.charge(len(out))
    return out


@_fn("toset", lenient=True)
def f_toset(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    v = a[0]
    if isinstance(v, Unknown) or (isinstance(v, list) and any(has_unknown(x) for x in v)):
        return _u(v)
    if v is None:
        return None
    return make_set([to_str(x) if is_number(x) or isinstance(x, bool) else x for x in _list(v)])


def _conversion(convert: Callable[[Any], Any]) -> Fn:
    """``tolist``/``tostring``...: null and unknown pass through unchanged."""

    def f(ev: Evaluator, a: list[Any]) -> Any:
        _arity(a, 1)
        if isinstance(a[0], Unknown) or a[0] is None:
            return a[0]
        return convert(a[0])

    return f


for _name, _convert in (
    ("tolist", lambda v: list(_list(v))),
    ("tomap", lambda v: dict(_map(v))),
    ("tostring", _str),
    ("tonumber", to_num),
    ("tobool", to_bool),
):
    FUNCTIONS[_name] = (_conversion(_convert), True)


@_fn("sensitive", lenient=True)
def f_sensitive(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return a[0]


FUNCTIONS["nonsensitive"] = (f_sensitive, True)


@_fn("issensitive", lenient=True)
def f_issensitive(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return _u(a[0]) if isinstance(a[0], Unknown) else False


@_fn("zipmap")
def f_zipmap(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    ks, vs = _list(a[0]), _list(a[1])
    if len(ks) != len(vs):
        raise EvalError("zipmap lists must have the same length")
    return {key_str(k): v for k, v in zip(ks, vs, strict=True)}


@_fn("chunklist")
def f_chunklist(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    lst, size = _list(a[0]), to_int(a[1])
    if size < 0:
        raise EvalError("chunk size must not be negative")
    if size == 0:
        return [lst]
    return [lst[i : i + size] for i in range(0, len(lst), size)]


@_fn("matchkeys")
def f_matchkeys(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 3)
    vals, ks, search = _list(a[0]), _list(a[1]), _list(a[2])
    if len(vals) != len(ks):
        raise EvalError("matchkeys lists must have the same length")
    ev.charge(len(vals) + len(search))
    wanted = _Members(search)
    return [v for v, k in zip(vals, ks, strict=True) if k in wanted]


@_fn("transpose")
def f_transpose(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    out: dict[str, list[str]] = {}
    for k, lst in sorted(_map(a[0]).items()):
        for v in _list(lst):
            out.setdefault(_str(v), []).append(k)
    return {k: sorted(v) for k, v in sorted(out.items())}


class _Members:
    """Membership by Terraform equality in constant time (pairwise for unknowns)."""

    def __init__(self, items: list[Any]) -> None:
        self.keys: set[Any] = set()
        self.rest: list[Any] = []
        for it in items:
            try:
                self.keys.add(value_key(it))
            except TypeError:
                self.rest.append(it)
        self.size = len(items)

    def __len__(self) -> int:
        return self.size

    def __contains__(self, value: Any) -> bool:
        try:
            if value_key(value) in self.keys:
                return True
        except TypeError:
            pass
        return any(equal(value, o) for o in self.rest)


@_fn("setunion")
def f_setunion(ev: Evaluator, a: list[Any]) -> Any:
    out: list[Any] = []
    for s in a:
        out.extend(_list(s))
    return make_set(out)


@_fn("setintersection")
def f_setintersection(ev: Evaluator, a: list[Any]) -> Any:
    if not a:
        raise EvalError("setintersection needs at least one set")
    out = make_set(_list(a[0]))
    for s in a[1:]:
        other = _Members(_list(s))
        ev.charge(len(out) + len(other))
        out = [x for x in out if x in other]
    return out


@_fn("setsubtract")
def f_setsubtract(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    items, other = make_set(_list(a[0])), _Members(_list(a[1]))
    ev.charge(len(items) + len(other))
    return [x for x in items if x not in other]


@_fn("setproduct")
def f_setproduct(ev: Evaluator, a: list[Any]) -> Any:
    lists = [_list(s) for s in a]
    total = 1
    for lst in lists:  # the product's size, charged before anything is built
        total *= len(lst)
        ev.charge(total * (len(lists) + 1) if total else 0)
    out: list[list[Any]] = [[]]
    for lst in lists:
        out = [[*prev, x] for prev in out for x in lst]
    return out


@_fn("alltrue", lenient=True)
def f_alltrue(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    if isinstance(a[0], Unknown):
        return _u(a[0])
    unknown = False
    for x in _list(a[0]):
        if isinstance(x, Unknown):
            unknown = True
        elif not to_bool(x):
            return False
    return _u(a[0]) if unknown else True


@_fn("anytrue", lenient=True)
def f_anytrue(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    if isinstance(a[0], Unknown):
        return _u(a[0])
    unknown = False
    for x in _list(a[0]):
        if isinstance(x, Unknown):
            unknown = True
        elif to_bool(x):
            return True
    return _u(a[0]) if unknown else False


@_fn("reverse", lenient=True)
def f_reverse(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    if isinstance(a[0], Unknown):
        return _u(a[0])
    return list(reversed(_list(a[0])))


@_fn("sort")
def f_sort(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return sorted(_str(x) for x in _list(a[0]))


@_fn("slice", lenient=True)
def f_slice(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 3)
    if isinstance(a[0], Unknown) and not any(isinstance(x, Unknown | Lazy) for x in a[1:]):
        # a known window of an unknown list (slice(data.aws_availability_zones.x.names,
        # 0, 3)): that many elements, each naming its index (Terraform fails the plan
        # when the list is shorter, so the length is no guess about a deployed state)
        start, end = to_int(a[1]), to_int(a[2])
        if not 0 <= start <= end or end - start > 1024:
            raise EvalError("slice indexes out of range")
        u = a[0]
        return [Unknown(f"{u.expr}[{i}]", u.refs, u.secret) for i in range(start, end)]
    if any(isinstance(x, Unknown) for x in a):
        return _u(*a)
    lst, start, end = _list(a[0]), to_int(a[1]), to_int(a[2])
    if not 0 <= start <= end <= len(lst):
        raise EvalError("slice indexes out of range")
    return lst[start:end]


@_fn("one", lenient=True)
def f_one(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    v = a[0]
    if isinstance(v, Unknown) or v is None:
        return v
    lst = _list(v)
    if len(lst) > 1:
        raise EvalError("one() of a list with more than one element")
    return lst[0] if lst else None


# --------------------------------------------------------------------------
# Networking
# --------------------------------------------------------------------------


def _network(prefix: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(_str(prefix), strict=False)
    except ValueError as exc:
        raise EvalError(f"invalid CIDR: {exc}") from None


@_fn("cidrsubnet")
def f_cidrsubnet(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 3)
    net = _network(a[0])
    newbits, netnum = to_int(a[1]), to_int(a[2])
    new_prefix = net.prefixlen + newbits
    if newbits < 0 or new_prefix > net.max_prefixlen:
        raise EvalError("not enough address space for the new bits")
    if not 0 <= netnum < (1 << newbits):
        raise EvalError("netnum out of range")
    base = int(net.network_address) + (netnum << (net.max_prefixlen - new_prefix))
    addr = ipaddress.ip_address(base)
    return f"{addr}/{new_prefix}"


@_fn("cidrsubnets")
def f_cidrsubnets(ev: Evaluator, a: list[Any]) -> Any:
    if not a:
        raise EvalError("cidrsubnets needs a prefix")
    net = _network(a[0])
    out = []
    current = int(net.network_address)
    end = int(net.broadcast_address)
    for nb in a[1:]:
        plen = net.prefixlen + to_int(nb)
        if plen > net.max_prefixlen:
            raise EvalError("not enough address space")
        size = 1 << (net.max_prefixlen - plen)
        if current % size:
            current += size - current % size
        if current + size - 1 > end:
            raise EvalError("not enough address space")
        out.append(f"{ipaddress.ip_address(current)}/{plen}")
        current += size
    return out


@_fn("cidrhost")
def f_cidrhost(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    net = _network(a[0])
    num = to_int(a[1])
    size = net.num_addresses
    if num < 0:
        num += size
    if not 0 <= num < size:
        raise EvalError("host number out of range")
    return str(ipaddress.ip_address(int(net.network_address) + num))


@_fn("cidrnetmask")
def f_cidrnetmask(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    net = _network(a[0])
    if net.version != 4:
        raise EvalError("cidrnetmask only supports IPv4")
    return str(net.netmask)


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


@_fn("file")
def f_file(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return ev.read_file(_str(a[0]))


@_fn("filebase64")
def f_filebase64(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return base64.b64encode(ev.read_file(_str(a[0])).encode()).decode()


@_fn("fileexists")
def f_fileexists(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    return ev.file_exists(_str(a[0]))


@_fn("templatefile", lenient=True)
def f_templatefile(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 2)
    a = [finalize(x) for x in a]
    if isinstance(a[0], Unknown) or isinstance(a[1], Unknown):
        return _u(*a)
    path = _str(a[0])
    variables = _map(a[1])
    if not has_unknown(variables):
        return ev.template_file(path, variables)
    # unknown variables: a JSON template (a policy) whose unknown parts are
    # interpolations inside strings keeps what is known; anything else is unknown
    whole = _u(*a)
    try:
        result = ev.template_file(path, variables)
    except EvalError:
        return whole
    if isinstance(result, PartialValue):
        return PartialValue("", whole.refs, whole.secret, result.value, result.encoding)
    if isinstance(result, Unknown):
        whole.template = result.template
    return whole


def _clean_path(path: str) -> str:
    """Go's ``filepath.Clean`` on a slash path (Terraform's path functions use it)."""
    out = posixpath.normpath(path) if path else "."
    return "/" + out.lstrip("/") if out.startswith("//") else out


@_fn("basename")
def f_basename(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    s = _str(a[0])
    if not s:
        return "."
    s = s.rstrip("/")
    return s.rsplit("/", 1)[-1] if s else "/"


@_fn("dirname")
def f_dirname(ev: Evaluator, a: list[Any]) -> Any:
    _arity(a, 1)
    s = _str(a[0])
    return _clean_path(s[: s.rfind("/") + 1])


@_fn("abspath")
def f_abspath(ev: Evaluator, a: list[Any]) -> Any:
    """The path made absolute against the root module's directory, where ``terraform``
    runs (``path.cwd``): ``basename(abspath(path.module))`` names a module's directory."""
    _arity(a, 1)
    s = _str(a[0])
    return _clean_path(s if s.startswith("/") else f"{ev.cwd.as_posix()}/{s}")


@_fn("pathexpand")
def f_pathexpand(ev: Evaluator, a: list[Any]) -> Any:
    """``~`` is the home directory of whoever runs Terraform: unknown here (the scanner's
    own ``HOME`` says nothing about it); other paths are returned as they are."""
    _arity(a, 1)
    s = _str(a[0])
    if s == "~" or s.startswith("~/"):
        return Unknown(f'pathexpand("{s}")')
    if s.startswith("~"):
        raise EvalError("cannot expand a user-specific home directory")
    return s


def call_function(ev: Evaluator, name: str, args: list[Any], expr_text: str) -> Any:
    """Call ``name``; unknown functions (including provider functions) give Unknown."""
    entry = FUNCTIONS.get(name)
    if entry is None:
        unknown = unknown_from(expr_text, *args)
        if not unknown.cause:
            kind = "a provider function" if "::" in name else "a function"
            unknown.cause = f"{name}() is {kind} soc2lint does not evaluate"
        return unknown
    fn, lenient = entry
    if not lenient:
        args = [finalize(x) for x in args]
        if any(has_unknown(x) for x in args):
            return _partly_known(name, args, expr_text)
    try:
        result = fn(ev, args)
    except (ArithmeticError, ValueError) as exc:
        # floor(1e999), int("9" * 5000), a float too large for a format: the
        # function fails on these arguments as Terraform's would, never the scan
        raise EvalError(f"{name}: {exc}") from None
    if isinstance(result, str) and len(result) > 4096:
        ev.charge(len(result) >> 6)  # bounds strings that double through locals
    if isinstance(result, PartialValue) and not result.expr:
        return PartialValue(expr_text, result.refs, result.secret, result.value, result.encoding)
    if isinstance(result, Unknown) and not result.expr:
        return Unknown(expr_text, result.refs, result.secret, result.template, result.cause)
    return result


#: functions that encode a value as text, and the encoding (see PartialValue)
_ENCODERS = {"jsonencode": "json", "yamlencode": "yaml"}
_DECODERS = {"jsondecode": "json", "yamldecode": "yaml"}


def _partly_known(name: str, args: list[Any], expr_text: str) -> Any:
    """What is known of ``name(args)`` when some argument is not known: an encoded
    document keeps its known structure (policy documents whose ARNs are references,
    container definitions with a secret's ARN), decoding it gives that structure
    back, and a string built by join/format keeps its template; else Unknown."""
    whole = unknown_from(expr_text, *args)
    if len(args) == 1:
        encoding = _ENCODERS.get(name)
        if encoding is not None and isinstance(args[0], dict | list):
            return PartialValue(whole.expr, whole.refs, whole.secret, args[0], encoding)
        decoded = args[0]
        if (
            isinstance(decoded, PartialValue)
            and decoded.encoding == _DECODERS.get(name)
            and isinstance(decoded.value, dict | list)
        ):
            return decoded.value
    if name == "join" and len(args) >= 2 and isinstance(args[0], str):
        items = [x for lst in args[1:] for x in (lst if isinstance(lst, list) else [lst])]
        if not any(isinstance(lst, Unknown) for lst in args[1:]):
            pieces: list[Any] = []
            for i, item in enumerate(items):
                if i:
                    pieces.append(args[0])
                pieces.append(_template_piece(item))
            whole.template = string_template(pieces)
    elif name == "format" and args and isinstance(args[0], str):
        whole.template = _format_template(args[0], args[1:])
    return whole


def _template_piece(value: Any) -> Any:
    """A part of a string being built: its text, or the Unknown (None: not a string)."""
    if isinstance(value, Unknown):
        return value
    try:
        return to_str(value)
    except EvalError:
        return None


_FORMAT_VERB = compile_lazily(r"%(?:%|([-+# 0]*)(\d*)(?:\.\d*)?([a-zA-Z]))")


def _format_template(spec: str, values: list[Any]) -> Any:
    """The template of ``format(spec, values...)``: only plain ``%s``/``%v``/``%d`` verbs
    of unknowns keep their identity (a width or a quoting changes the text)."""
    pieces: list[Any] = []
    pos = 0
    i = 0
    for m in _FORMAT_VERB.finditer(spec):
        pieces.append(spec[pos : m.start()])
        pos = m.end()
        if m.group(0) == "%%":
            pieces.append("%")
            continue
        if i >= len(values) or m.group(1) or m.group(2) or "." in m.group(0):
            return None
        value = values[i]
        i += 1
        if isinstance(value, Unknown):
            if m.group(3) not in ("s", "v", "d"):
                return None
            pieces.append(value)
        else:
            pieces.append(_format_one(value, m.group(3), "", None))
    pieces.append(spec[pos:])
    return string_template(pieces)
