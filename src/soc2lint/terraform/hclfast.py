"""A hand-written parser for HCL native syntax, tried before python-hcl2's lark grammar.

Why it exists: on a small repository lark is most of the scan (terragoat: about
70 % of the CPU time, most of it building parse trees with positions).  This is
one recursive-descent parser over the text (precedence climbing for binary
operators) that builds the :mod:`.syntax` tree directly.

What it guarantees: it produces exactly the tree the lark path
(:func:`.hcl.parse_hcl`, :func:`.hcl.parse_expression`) produces, positions
included, or it declines (returns ``None``) and the caller runs the lark path.
It declines on every syntax error and on anything it does not handle, so every
diagnostic still comes from lark.  Where python-hcl2's grammar departs from
Terraform's (it accepts two attributes on one line, lexes ``-12`` as one token
or two depending on its state, lets a conditional's span run over the comments
after it...), this parser follows the grammar or declines.
tests/terraform/test_hclfast.py compares both parsers on every HCL text the
suite has and on mutated files; bench/hcl_differential.py on real repositories.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from .hcl import (
    HclSyntaxError,
    assemble_template,
    float_value,
    heredoc_end,
    heredoc_expr,
    unescape,
)
from .syntax import (
    BINARY_PRECEDENCE,
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
    TupleExpr,
    Unary,
)
from .values import int_literal


class Decline(Exception):
    """The text is not one this parser handles: the caller uses the lark path."""


# spaces, which the grammar ignores everywhere
_WS = re.compile(r"[ \t\r]*")
# spaces, new lines and comments: where python-hcl2's post-lexer drops new lines
_GAP = re.compile(r"(?:[ \t\r]+|\n|#[^\n]*\n|//[^\n]*\n|/\*[\s\S]*?\*/)*")
# one or more NL_OR_COMMENT tokens (the match ends where the last token ends)
_NL_RUN = re.compile(r"(?:[ \t\r]*(?:\n[ \t]*|#[^\n]*\n|//[^\n]*\n|/\*[\s\S]*?\*/))+")
_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
# where python-hcl2's INT_LITERAL / FLOAT_LITERAL match a "-": "-12", "-1.5", "-1e3"
_SIGNED_NUMBER = re.compile(r"-[0-9][0-9]|(?:-[0-9])+(?:\.[0-9]|[eE][+-]?[0-9])")
# the grammar's own terminals for strings and heredocs
_STRING_CHARS = re.compile(
    r"(?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^\"\\]|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+"
)
_ESCAPED = re.compile(r"\$\$\{[^}]*\}|%%\{[^}]*\}")
_OPERATOR = re.compile(r"\|\||&&|==|!=|<=|>=|<(?!<)|>|\+|-|\*|/(?![/*])|%(?!\{)")
# words the grammar lexes as keywords in some places: never taken as a name in an expression
_KEYWORDS = frozenset({"for", "in", "if", "for_each", "else", "endif", "endfor"})
_LITERALS = {"true": True, "false": False, "null": None}
# operators or traversals in one chain, and expressions nested in one another: the
# lark path's tree conversion recurses and gives up on deep trees ("nested too
# deeply"), at a depth this parser (which builds chains in a loop, and nests
# conditionals in fewer frames) may not reach; deeper ones are left to it, so the
# outcome stays the lark path's
_MAX_CHAIN = 100
# what may follow new lines inside a block body or an object: anything else might be
# an operator python-hcl2's post-lexer joins to the previous line
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def parse_file(text: str) -> ParsedFile | None:
    """The file's syntax tree as :func:`.hcl.parse_hcl` builds it, or None (use lark)."""
    try:
        return _Parser(text + "\n").file()
    except (Decline, HclSyntaxError, RecursionError, IndexError):
        return None


def parse_expression(text: str, line: int = 1, col: int = 1) -> Expr | None:
    """One expression as :func:`.hcl.parse_expression` builds it, or None (use lark)."""
    try:
        return expression(text, line, col)
    except (Decline, HclSyntaxError, RecursionError, IndexError):
        return None


def expression(text: str, line: int, col: int) -> Expr:
    """:func:`parse_expression`, raising :class:`Decline` instead of returning None."""
    prefix = "x = ("
    parsed = _Parser(f"{prefix}{text}\n)\n", line - 1, col - 1 - len(prefix)).file()
    body = parsed.body
    # "1)\ny = (2" reads as two attributes: the lark path's error
    if body is None or parsed.problems or len(body.attrs) != 1 or body.blocks:
        raise Decline
    return body.attrs["x"].expr


class _Parser:
    """One text; ``i`` is the offset being read, ``last`` where the last token ended.

    ``ign`` arguments say whether new lines and comments are dropped here (inside
    parentheses, brackets, interpolations and ``for`` expressions) or significant
    (in a block body or an object).
    """

    def __init__(self, text: str, line_off: int = 0, first_col_off: int = 0) -> None:
        self.s = text
        self.i = 0
        self.last = 0
        self.depth = 0  # expressions being parsed, one inside another
        # the else branch just parsed ends with a binary operator (see conditional)
        self.binary_tail = False
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.line_off = line_off
        self.first_col_off = first_col_off
        self.problems: list[SyntaxProblem] = []

    # ---- positions and tokens ---------------------------------------------

    def lc(self, offset: int) -> tuple[int, int]:
        k = bisect_left(self.newlines, offset)
        if k == 0:
            return 1 + self.line_off, offset + 1 + self.first_col_off
        return k + 1 + self.line_off, offset - self.newlines[k - 1]

    def pos(self, start: int, end: int) -> Pos:
        return (*self.lc(start), *self.lc(end))

    def ws(self) -> None:
        self.i = _WS.match(self.s, self.i).end()  # type: ignore[union-attr]

    def gap(self) -> None:
        self.i = _GAP.match(self.s, self.i).end()  # type: ignore[union-attr]

    def skip(self, ign: bool) -> None:
        self.i = (_GAP if ign else _WS).match(self.s, self.i).end()  # type: ignore[union-attr]

    def take(self, token: str) -> None:
        """Read ``token`` at the current offset, or decline."""
        if not self.s.startswith(token, self.i):
            raise Decline
        self.i += len(token)
        self.last = self.i

    def name(self) -> str:
        m = _NAME.match(self.s, self.i)
        if m is None:
            raise Decline
        self.i = self.last = m.end()
        return m.group()

    def keyword(self, word: str) -> bool:
        """Read ``word`` if it is the whole name at the current offset."""
        m = _NAME.match(self.s, self.i)
        if m is None or m.group() != word:
            return False
        self.i = self.last = m.end()
        return True

    # ---- bodies -----------------------------------------------------------

    def file(self) -> ParsedFile:
        body = self.body(top=True)
        return ParsedFile(body, tuple(self.problems))

    def body(self, top: bool) -> Body:
        s = self.s
        attrs: dict[str, Attribute] = {}
        blocks: list[Block] = []
        separated = True
        while True:
            self.ws()
            m = _NL_RUN.match(s, self.i)
            if m:
                self.i = m.end()
                separated = True
                self.ws()
            if self.i >= len(s):
                if not top:
                    raise Decline
                break
            if s[self.i] == "}" and not top:
                break
            # the grammar takes two items on one line; Terraform does not
            if not separated or s[self.i] not in _NAME_START:
                raise Decline
            start = self.i
            word = self.name()
            self.ws()
            if s[self.i] == "=" and s[self.i + 1] not in "=>":
                self.i += 1
                self.ws()
                expr = self.expr(False)
                self.line_end()
                attr = Attribute(word, expr, (*self.lc(start), *expr.pos[2:]))
                if word in attrs:
                    self.problems.append(
                        SyntaxProblem(
                            f'attribute "{word}" is defined twice (first at line '
                            f"{attrs[word].pos[0]}); Terraform rejects this",
                            attr.pos[0],
                            attr.pos[1],
                        )
                    )
                else:
                    attrs[word] = attr
                # a heredoc's token ends with its new line
                separated = s[self.last - 1] == "\n"
            else:
                blocks.append(self.block(start, word))
                separated = False
        return Body(attrs, tuple(blocks))

    def line_end(self) -> None:
        """After a value in a body or an object: a new line, a comment, "}" or "," next."""
        self.ws()
        s = self.s
        if self.i >= len(s) or s[self.i] in "},":
            return
        m = _NL_RUN.match(s, self.i)
        if m is None:
            if s[self.last - 1] != "\n":  # after a heredoc
                raise Decline
            m = _WS.match(s, self.i)
            assert m is not None
        nxt = _WS.match(s, m.end()).end()  # type: ignore[union-attr]
        if nxt < len(s) and s[nxt] not in _NAME_START and s[nxt] not in '}",':
            raise Decline

    def block(self, start: int, block_type: str) -> Block:
        s = self.s
        labels: list[str] = []
        while True:
            c = s[self.i]
            if c == "{":
                break
            if c == '"':
                label = self.string()
                labels.append(label.value if isinstance(label, Lit) else "")
            else:
                labels.append(self.name())
            self.ws()
        self.take("{")
        body = self.body(top=False)
        self.take("}")
        return Block(block_type, tuple(labels), body, self.pos(start, self.i))

    # ---- expressions --------------------------------------------------------

    def expr(self, ign: bool) -> Expr:
        """``expression``: a conditional or an ``or_expr``."""
        self.depth += 1
        if self.depth > _MAX_CHAIN:
            raise Decline
        start = self.i
        cond = self.binary(ign)
        save = self.i
        self.skip(ign)
        if self.s[self.i] != "?":
            self.i = save
            self.depth -= 1
            return cond
        self.i += 1
        self.gap()
        then = self.expr(ign)
        self.skip(ign)
        if self.s.startswith("::", self.i):
            raise Decline
        self.take(":")
        self.gap()
        otherwise = self.expr(ign)
        if self.binary_tail and not ign:
            # python-hcl2's binary_op rule takes the new lines and comments after
            # it, and the conditional's span with them
            m = _NL_RUN.match(self.s, self.i)
            if m:
                self.last = m.end()
        self.binary_tail = False
        self.depth -= 1
        return Conditional(self.pos(start, self.last), cond, then, otherwise)

    def operator(self, ign: bool) -> str | None:
        """The binary operator next, if any (the offset is left before it)."""
        save = self.i
        self.skip(ign)
        m = _OPERATOR.match(self.s, self.i)
        if m is None:
            self.i = save
            return None
        if _SIGNED_NUMBER.match(self.s, self.i):
            raise Decline  # one number token or an operator, depending on lark's state
        return m.group()

    def binary(self, ign: bool) -> Expr:
        left = self.unary(ign)
        self.binary_tail = False
        return self.climb(left, 1, ign)

    def climb(self, left: Expr, min_prec: int, ign: bool) -> Expr:
        op = self.operator(ign)
        chain = 0
        while op is not None and BINARY_PRECEDENCE[op] >= min_prec:
            chain += 1
            if chain > _MAX_CHAIN:
                raise Decline
            prec = BINARY_PRECEDENCE[op]
            self.i += len(op)
            self.gap()
            right = self.unary(ign)
            nxt = self.operator(ign)
            while nxt is not None and BINARY_PRECEDENCE[nxt] > prec:
                right = self.climb(right, prec + 1, ign)
                nxt = self.operator(ign)
            left = Binary((*left.pos[:2], *right.pos[2:]), op, left, right)
            self.binary_tail = True
            op = nxt
        return left

    def unary(self, ign: bool) -> Expr:
        s = self.s
        c = s[self.i]
        if (c == "-" and not s[self.i + 1].isdigit()) or (c == "!" and s[self.i + 1] != "="):
            start = self.i
            self.i += 1
            self.ws()
            if s[self.i] == "-":
                raise Decline  # "- -12" parses, "- -1" does not: not handled
            operand = self.term(ign)
            pos = self.pos(start, self.last)
            value = operand.value if isinstance(operand, Lit) else None
            if c == "-" and isinstance(value, int | float) and not isinstance(value, bool):
                return Lit(pos, -value)
            return Unary(pos, c, operand)
        return self.term(ign)

    def term(self, ign: bool) -> Expr:
        """``expr_term``: a primary expression and its traversals."""
        start = self.i
        node = self.primary(ign)
        s = self.s
        for _ in range(_MAX_CHAIN):
            save = self.i
            self.skip(ign)
            c = s[self.i]
            if c == "." and not s.startswith("...", self.i):
                if s[self.i + 1] == "*":
                    self.i += 2
                    node = self.splat(start, node, full=False, ign=ign)
                    continue
                self.i += 1
                self.ws()
                node = self.traversal(start, node, self.dot_key())
            elif c == "[":
                if s.startswith("[*]", self.i):
                    self.i += 3
                    node = self.splat(start, node, full=True, ign=ign)
                    continue
                node = self.traversal(start, node, self.bracket_key())
            else:
                self.i = save
                return node
        raise Decline

    def traversal(self, start: int, node: Expr, key: str | Expr) -> Expr:
        pos = self.pos(start, self.last)
        if isinstance(key, str):
            return GetAttr(pos, node, key)
        return Index(pos, node, key)

    def dot_key(self) -> str | Expr:
        """After ``.``: an attribute name, or a number (``.0``, the short index)."""
        m = _DIGITS.match(self.s, self.i)
        if m is None:
            return self.name()
        if _NAME.match(self.s, m.end()):
            raise Decline
        start, self.i = self.i, m.end()
        self.last = self.i
        return Lit(self.pos(start, self.i), int_literal(m.group()))

    def bracket_key(self) -> Expr:
        self.take("[")
        self.gap()
        key = self.expr(True)
        self.gap()
        self.take("]")
        return key

    def splat(self, start: int, obj: Expr, full: bool, ign: bool) -> Expr:
        """``obj.*`` / ``obj[*]`` and the traversals after it, as python-hcl2's
        converter nests them (every node spans the whole expression)."""
        s = self.s
        self.last = self.i
        keys: list[str | Expr] = []
        while True:
            if len(keys) > _MAX_CHAIN:
                raise Decline
            save = self.i
            self.skip(ign)
            c = s[self.i]
            if c == "." and s[self.i + 1] not in ".*":
                self.i += 1
                self.ws()
                keys.append(self.dot_key())
            elif c == "[" and not s.startswith("[*]", self.i):
                keys.append(self.bracket_key())
            else:
                self.i = save
                break
        pos = self.pos(start, self.last)
        item: Expr = SplatItem(pos)
        rest = keys
        for n, key in enumerate(keys):
            if not full and not isinstance(key, str):
                rest = keys[n:]  # an attribute-only splat ends at the first index
                break
            item = GetAttr(pos, item, key) if isinstance(key, str) else Index(pos, item, key)
            rest = keys[n + 1 :]
        result: Expr = Splat(pos, obj, item)
        for key in rest:
            result = GetAttr(pos, result, key) if isinstance(key, str) else Index(pos, result, key)
        return result

    def primary(self, ign: bool) -> Expr:
        s = self.s
        start = self.i
        c = s[start]
        if c == "(":
            self.i += 1
            self.gap()
            inner = self.expr(True)
            self.gap()
            self.take(")")
            return inner
        if c == '"':
            return self.string()
        if c == "[":
            return self.tuple()
        if c == "{":
            return self.object()
        if c == "<":
            return self.heredoc()
        if c.isdigit() or c == "-":
            return self.number()
        word = self.name()
        if word in _LITERALS:
            return Lit(self.pos(start, self.i), _LITERALS[word])
        if word in _KEYWORDS:
            raise Decline
        save = self.i
        self.skip(ign)
        if s.startswith("::", self.i):
            names = [word]
            for _ in range(2):
                self.take("::")
                self.ws()
                names.append(self.name())
                self.ws()
            if s[self.i] != "(":
                raise Decline
            return self.call(start, "::".join(names))
        if s[self.i] == "(":
            return self.call(start, word)
        self.i = save
        return Ref(self.pos(start, save), word)

    def number(self) -> Expr:
        start = self.i
        m = _NUMBER.match(self.s, start)
        if m is None:
            raise Decline
        end = m.end()
        nxt = self.s[end]
        # "1.x", "1-2.5" (one FLOAT_LITERAL token to python-hcl2), "1e": not handled
        if nxt in ".-" or nxt.isalnum() or nxt == "_":
            raise Decline
        self.i = self.last = end
        text = m.group()
        if text[0] == "-":
            # "-1" is MINUS and INT_LITERAL to python-hcl2, "-12" one INT_LITERAL:
            # the same literal, unless a traversal follows
            after = _GAP.match(self.s, end).end()  # type: ignore[union-attr]
            if self.s[after : after + 1] in (".", "["):
                raise Decline
        value = float_value(text) if m.group(1) or m.group(2) else int_literal(text)
        return Lit(self.pos(start, end), value)

    def call(self, start: int, name: str) -> Expr:
        s = self.s
        self.take("(")
        self.gap()
        args: list[Expr] = []
        expand = False
        while s[self.i] != ")":
            args.append(self.expr(True))
            self.gap()
            if s.startswith("...", self.i):
                self.i += 3
                expand = True
                self.gap()
                break
            if s[self.i] != ",":
                break
            self.i += 1
            self.gap()
        self.take(")")
        return Call(self.pos(start, self.i), name, tuple(args), expand)

    def tuple(self) -> Expr:
        s = self.s
        start = self.i
        self.take("[")
        self.gap()
        if self.keyword("for"):
            return self.for_expr(start, is_object=False)
        items: list[Expr] = []
        while s[self.i] != "]":
            items.append(self.expr(True))
            self.gap()
            if s[self.i] != ",":
                break
            self.i += 1
            self.gap()
        self.take("]")
        return TupleExpr(self.pos(start, self.i), tuple(items))

    def object(self) -> Expr:
        s = self.s
        start = self.i
        self.take("{")
        self.gap()
        save = self.i
        if self.keyword("for"):
            self.gap()
            if _NAME.match(s, self.i):
                return self.for_expr(start, is_object=True)
            self.i = save
        items: list[tuple[Expr, Expr]] = []
        while s[self.i] != "}":
            if s[self.i] == ",":
                raise Decline
            key = self.object_key()
            self.ws()
            c = s[self.i]
            if not (
                (c == "=" and s[self.i + 1] not in "=>") or (c == ":" and s[self.i + 1] != ":")
            ):
                raise Decline
            self.i += 1
            self.ws()
            value = self.expr(False)
            items.append((key, value))
            self.line_end()
            self.ws()
            m = _NL_RUN.match(s, self.i)
            if m:
                self.i = m.end()
                self.ws()
            if s[self.i] == ",":
                self.i += 1
                self.gap()
            elif not m and s[self.i] != "}" and s[self.last - 1] != "\n":
                raise Decline
        self.take("}")
        return ObjectExpr(self.pos(start, self.i), tuple(items))

    def object_key(self) -> Expr:
        s = self.s
        c = s[self.i]
        if c == '"':
            return self.string()
        if c == "(":
            self.i += 1
            self.gap()
            key = self.expr(True)
            self.gap()
            self.take(")")
            return key
        start = self.i
        word = self.name()
        return Lit(self.pos(start, self.i), word)

    def for_expr(self, start: int, is_object: bool) -> Expr:
        """After ``[for`` / ``{for``: the rest of a ``for`` expression."""
        s = self.s
        self.gap()
        first = self.for_var()
        self.gap()
        second = None
        if s[self.i] == ",":
            self.i += 1
            self.ws()
            second = self.for_var()
            self.gap()
        if not self.keyword("in"):
            raise Decline
        self.gap()
        coll = self.expr(True)
        self.gap()
        if s.startswith("::", self.i):
            raise Decline
        self.take(":")
        self.gap()
        key_var, value_var = (first, second) if second is not None else (None, first)
        key: Expr | None = None
        if is_object:
            key = self.expr(True)
            self.gap()
            self.take("=>")
            self.gap()
        value = self.expr(True)
        self.gap()
        group = False
        if is_object and s.startswith("...", self.i):
            self.i += 3
            group = True
            self.gap()
        cond: Expr | None = None
        if self.keyword("if"):
            self.gap()
            cond = self.expr(True)
            self.gap()
        self.take("}" if is_object else "]")
        return ForExpr(self.pos(start, self.i), key_var, value_var, coll, key, value, cond, group)

    def for_var(self) -> str:
        word = self.name()
        if word in _KEYWORDS or word in _LITERALS:
            raise Decline
        return word

    def heredoc(self) -> Expr:
        start = self.i
        end = heredoc_end(self.s, start)
        if end is None:
            raise Decline
        self.i = self.last = end
        return heredoc_expr(self.s[start:end], *self.lc(start), parse=expression)

    # ---- quoted strings -----------------------------------------------------

    def string(self) -> Expr:
        s = self.s
        start = self.i
        self.i += 1
        flat: list[list[Any]] = []
        while True:
            c = s[self.i]
            if c == '"':
                break
            m = _ESCAPED.match(s, self.i)
            if m:
                if '"' in m.group() or "\n" in m.group():
                    raise Decline
                text = m.group()[1:]
            else:
                m = _STRING_CHARS.match(s, self.i)
                if m is None:
                    flat.append(self.template_item())
                    continue
                text = unescape(m.group())
            self.i = m.end()
            if flat and flat[-1][0] == "text":
                flat[-1][1] += text
            else:
                flat.append(["text", text])
        self.i += 1
        self.last = self.i
        return assemble_template(flat, self.pos(start, self.i))

    def template_item(self) -> list[Any]:
        """``${ expr }`` or a ``%{ ... }`` directive inside a quoted string."""
        s = self.s
        start = self.i
        if s.startswith("${", start):
            self.i += 2
            if s[self.i] == "~":
                raise Decline  # the lark path's retry without strip markers
            self.ws()
            expr = self.expr(True)
            self.gap()
            self.take("}")
            return ["interp", expr, False, False]
        self.take("%{")
        self.ws()
        strip_l = s[self.i] == "~"
        if strip_l:
            self.i += 1
            self.ws()
        line, col = self.lc(start)
        item: list[Any]
        if self.keyword("if"):
            self.ws()
            item = ["if", self.expr(True), strip_l, False, line, col]
            self.gap()
        elif self.keyword("for"):
            self.ws()
            first = self.for_var()
            self.ws()
            second = None
            if s[self.i] == ",":
                self.i += 1
                self.ws()
                second = self.for_var()
                self.ws()
            if not self.keyword("in"):
                raise Decline
            self.ws()
            coll = self.expr(True)
            self.gap()
            loop = (first, second, coll) if second is not None else (None, first, coll)
            item = ["for", loop, strip_l, False, line, col]
        else:
            word = self.name()
            if word not in ("else", "endif", "endfor"):
                raise Decline
            item = [word, None, strip_l, False, line, col]
            self.ws()
        if s[self.i] == "~":
            item[3] = True
            self.i += 1
            self.ws()
        self.take("}")
        return item
