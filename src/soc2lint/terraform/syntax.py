"""A compact, picklable syntax tree for Terraform configuration.

The HCL and JSON parsers both produce these objects; the evaluator only ever
sees them.  No parser object (lark tree or token) survives in them, so a parsed
file can be returned from a worker process or stored in a content-hash cache.

Every node carries ``pos = (line, col, end_line, end_col)``: 1-based, end
exclusive, in the coordinates of the file it was read from.
"""

from __future__ import annotations

from dataclasses import field, fields, is_dataclass
from operator import attrgetter
from typing import Any, TypeAlias

from soc2lint.record import record

Pos: TypeAlias = tuple[int, int, int, int]


@record(frozen=True, slots=True)
class Expr:
    """An expression, and where it is written."""

    pos: Pos


@record(frozen=True, slots=True)
class Lit(Expr):
    """A literal: string, number, bool or null (``None``)."""

    value: Any


@record(frozen=True, slots=True)
class TIf:
    """``%{ if cond }then%{ else }else%{ endif }`` inside a template."""

    cond: Expr
    then: tuple[TPart, ...]
    otherwise: tuple[TPart, ...]


@record(frozen=True, slots=True)
class TFor:
    """``%{ for k, v in coll }body%{ endfor }`` inside a template."""

    key_var: str | None
    value_var: str
    coll: Expr
    body: tuple[TPart, ...]


#: a template part: literal text, an interpolated expression, or a directive
TPart: TypeAlias = "str | Expr | TIf | TFor"


@record(frozen=True, slots=True)
class Template(Expr):
    """A string with interpolations or directives (quoted string or heredoc)."""

    parts: tuple[TPart, ...]


@record(frozen=True, slots=True)
class Ref(Expr):
    """A root name: ``var``, ``local``, ``aws_s3_bucket``, a for-expression variable..."""

    name: str


@record(frozen=True, slots=True)
class GetAttr(Expr):
    """``obj.name``."""

    obj: Expr
    name: str


@record(frozen=True, slots=True)
class Index(Expr):
    """``obj[key]``."""

    obj: Expr
    key: Expr


@record(frozen=True, slots=True)
class SplatItem(Expr):
    """The element a splat applies its traversal to."""


@record(frozen=True, slots=True)
class Splat(Expr):
    """``obj[*].each`` / ``obj.*.each``: ``each`` is built on :class:`SplatItem`."""

    obj: Expr
    each: Expr


@record(frozen=True, slots=True)
class TupleExpr(Expr):
    """``[a, b, ...]``."""

    items: tuple[Expr, ...]


@record(frozen=True, slots=True)
class ObjectExpr(Expr):
    """``{ key = value }``; a bare identifier key is a :class:`Lit` string."""

    items: tuple[tuple[Expr, Expr], ...]


@record(frozen=True, slots=True)
class Call(Expr):
    """A function call; ``expand_last``: ``f(args...)``."""

    name: str
    args: tuple[Expr, ...]
    expand_last: bool = False


@record(frozen=True, slots=True)
class Binary(Expr):
    """``left op right``."""

    op: str
    left: Expr
    right: Expr


@record(frozen=True, slots=True)
class Unary(Expr):
    """``!operand`` or ``-operand``."""

    op: str
    operand: Expr


@record(frozen=True, slots=True)
class Conditional(Expr):
    """``cond ? then : otherwise``."""

    cond: Expr
    then: Expr
    otherwise: Expr


@record(frozen=True, slots=True)
class ForExpr(Expr):
    """``[for k, v in coll : value if cond]`` / ``{for ... : key => value... if cond}``."""

    key_var: str | None
    value_var: str
    coll: Expr
    key: Expr | None  # None for a tuple for-expression
    value: Expr
    cond: Expr | None
    group: bool = False


@record(frozen=True, slots=True)
class Attribute:
    """``name = expr``."""

    name: str
    expr: Expr
    pos: Pos  # the whole ``name = value`` span


@record(frozen=True, slots=True)
class Block:
    """``type "label"... { body }``."""

    type: str
    labels: tuple[str, ...]
    body: Body
    pos: Pos  # from the block type to the closing brace


@record(frozen=True, slots=True)
class Body:
    """A block's (or a file's) attributes by name and its nested blocks in order."""

    attrs: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


@record(frozen=True, slots=True)
class SyntaxProblem:
    """Why a file did not parse, where, in plain words."""

    message: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0
    #: a safety limit (file size) rather than a syntax error: SYS008
    limit: bool = False


@record(frozen=True, slots=True)
class ParsedFile:
    """The result of parsing one file: a body, or the problem that stopped the parser.

    ``problems`` also lists non-fatal problems (a duplicated attribute) when
    a body was produced.
    """

    body: Body | None
    problems: tuple[SyntaxProblem, ...] = ()


def pickled_by_fields(cls: type) -> None:
    """Pickle instances of the frozen, slotted dataclass ``cls`` as ``cls(*fields)``.

    The parse cache stores these trees; dataclasses' own pickling of slotted classes
    walks ``fields()`` in Python for every node, which made writing terraform-aws-eks's
    trees 2.8x and reading them 1.5x slower.
    """
    names = [f.name for f in fields(cls)]
    get = attrgetter(*names)  # one name: the value itself, not a tuple
    one = len(names) == 1

    def reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
        return type(self), ((get(self),) if one else get(self))

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]


for _cls in list(globals().values()):
    if isinstance(_cls, type) and is_dataclass(_cls) and _cls.__module__ == __name__:
        pickled_by_fields(_cls)
del _cls


def literal_string(expr: Expr) -> str | None:
    """The value of a literal string expression, else None."""
    if isinstance(expr, Lit) and isinstance(expr.value, str):
        return expr.value
    return None


def traversal_text(expr: Expr) -> str | None:
    """``aws_s3_bucket.b`` / ``module.m`` / ``aws.east`` as text when ``expr`` is a plain traversal."""
    parts: list[str] = []
    cur = expr
    while True:
        if isinstance(cur, Ref):
            parts.append(cur.name)
            break
        if isinstance(cur, GetAttr):
            parts.append(cur.name)
            cur = cur.obj
            continue
        if isinstance(cur, Index) and isinstance(cur.key, Lit):
            k = cur.key.value
            parts.append(f"[{k}]" if isinstance(k, int) else f'["{k}"]')
            cur = cur.obj
            continue
        return None
    out = ""
    for p in reversed(parts):
        out += p if (p.startswith("[") or not out) else "." + p
    return out


# --------------------------------------------------------------------------
# Rendering back to HCL text (for Unknown.expr and messages)
# --------------------------------------------------------------------------

#: HCL's binary operators, higher binds tighter (the renderer's parentheses, hclfast's parser)
BINARY_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}


def _quote(text: str) -> str:
    out = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return f'"{out}"'


def _render_literal(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _quote(value)
    return repr(value)


def _render_parts(parts: tuple[TPart, ...], _depth: int = 0) -> str:
    if _depth > 60:  # template directives nest without limit in the grammar
        return "..."
    d = _depth + 1
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(_quote(p)[1:-1])
        elif isinstance(p, TIf):
            text = "%{ if " + render(p.cond, d) + " }" + _render_parts(p.then, d)
            if p.otherwise:
                text += "%{ else }" + _render_parts(p.otherwise, d)
            out.append(text + "%{ endif }")
        elif isinstance(p, TFor):
            names = f"{p.key_var}, {p.value_var}" if p.key_var else p.value_var
            out.append(
                "%{ for "
                + names
                + " in "
                + render(p.coll, d)
                + " }"
                + _render_parts(p.body, d)
                + "%{ endfor }"
            )
        else:
            out.append("${" + render(p, d) + "}")
    return "".join(out)


def render(expr: Expr, _depth: int = 0) -> str:
    """HCL source text for ``expr`` (normalised spacing)."""
    if _depth > 60:
        return "..."
    d = _depth + 1
    if isinstance(expr, Lit):
        return _render_literal(expr.value)
    if isinstance(expr, Template):
        return '"' + _render_parts(expr.parts, d) + '"'
    if isinstance(expr, Ref):
        return expr.name
    if isinstance(expr, GetAttr):
        return f"{render(expr.obj, d)}.{expr.name}"
    if isinstance(expr, Index):
        return f"{render(expr.obj, d)}[{render(expr.key, d)}]"
    if isinstance(expr, SplatItem):
        return ""
    if isinstance(expr, Splat):
        rest = render(expr.each, d)
        return f"{render(expr.obj, d)}[*]{rest}"
    if isinstance(expr, TupleExpr):
        return "[" + ", ".join(render(i, d) for i in expr.items) + "]"
    if isinstance(expr, ObjectExpr):
        items = []
        for k, v in expr.items:
            ks = k.value if isinstance(k, Lit) and isinstance(k.value, str) else render(k, d)
            items.append(f"{ks} = {render(v, d)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(expr, Call):
        args = ", ".join(render(a, d) for a in expr.args)
        return f"{expr.name}({args}{'...' if expr.expand_last else ''})"
    if isinstance(expr, Binary):
        prec = BINARY_PRECEDENCE.get(expr.op, 0)
        left = render(expr.left, d)
        right = render(expr.right, d)
        if isinstance(expr.left, Binary | Conditional) and (
            isinstance(expr.left, Conditional) or BINARY_PRECEDENCE.get(expr.left.op, 0) < prec
        ):
            left = f"({left})"
        if isinstance(expr.right, Binary | Conditional) and (
            isinstance(expr.right, Conditional) or BINARY_PRECEDENCE.get(expr.right.op, 0) <= prec
        ):
            right = f"({right})"
        return f"{left} {expr.op} {right}"
    if isinstance(expr, Unary):
        inner = render(expr.operand, d)
        if isinstance(expr.operand, Binary | Conditional):
            inner = f"({inner})"
        return f"{expr.op}{inner}"
    if isinstance(expr, Conditional):
        return f"{render(expr.cond, d)} ? {render(expr.then, d)} : {render(expr.otherwise, d)}"
    if isinstance(expr, ForExpr):
        names = f"{expr.key_var}, {expr.value_var}" if expr.key_var else expr.value_var
        cond = f" if {render(expr.cond, d)}" if expr.cond is not None else ""
        if expr.key is None:
            return f"[for {names} in {render(expr.coll, d)} : {render(expr.value, d)}{cond}]"
        group = "..." if expr.group else ""
        return (
            f"{{for {names} in {render(expr.coll, d)} : {render(expr.key, d)} => "
            f"{render(expr.value, d)}{group}{cond}}}"
        )
    return "?"
