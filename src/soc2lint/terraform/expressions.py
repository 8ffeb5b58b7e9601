"""The expression evaluator: a partial evaluator with an explicit Unknown.

Any operation on an Unknown gives an Unknown carrying the refs of its
operands, except where the result is decided anyway (``false && x``,
``c ? a : a``, the lenient functions).  Expressions Terraform would reject
evaluate to Unknown, never to an error: precision first.

While evaluating, every reference met is recorded in the current collector
as ``(address, attribute, terminal)``: *terminal* references name resources,
data sources and unloaded module calls; the others name variables, locals
and outputs, which are transparent (a reference to ``local.x`` records
``local.x`` plus the terminal references ``local.x`` was computed from).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..cache import Sources
from ..frontend import Diagnostic, LoadOptions, SourceError, read_text
from ..model import (
    PartialValue,
    Range,
    Unknown,
    is_open_collection,
    leaf_template,
    string_template,
)
from ..model import Template as NameTemplate
from .functions import call_function
from .hcl import HclSyntaxError, assemble_template, scan_template
from .syntax import (
    Binary,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Lit,
    ObjectExpr,
    Ref,
    Splat,
    SplatItem,
    Template,
    TFor,
    TIf,
    TPart,
    TupleExpr,
    Unary,
    render,
)
from .types import ANY, TypeSpec, parse_type
from .values import (
    EvalError,
    Lazy,
    StepLimit,
    document_with_holes,
    equal,
    has_unknown,
    hole_marker,
    key_str,
    norm_number,
    template_pieces,
    to_bool,
    to_int,
    to_num,
    to_str,
    type_name,
    unknown_from,
)

#: (address, attribute or None, terminal)
RefEntry = tuple[str, str | None, bool]

#: literal values that evaluate to themselves, with nothing to check (see Evaluator.evaluate)
_SCALARS = frozenset((str, int, float, bool, type(None)))

SPLAT_NAME = "\x00splat"

#: an expression that can take an index suffix as written (a.b["k"][0].c)
_SIMPLE_TRAVERSAL = re.compile(r'^[A-Za-z_][\w.\-]*(?:\[(?:\d+|"[^"]*")\][\w.\-]*)*$')


def _expanded_size(value: Any, cap: int, memo: dict[int, tuple[Any, int]] | None = None) -> int:
    """Elements of ``value`` counted as if every shared sub-value were copied (stops past cap).

    ``memo`` may outlive one call (the evaluator keeps one per load): values
    build on each other (``l2 = [local.l1]``), and walking each one afresh made a
    chain of locals quadratic (19 000 locals took minutes).  Entries hold the
    value itself, so an id is never taken for another object's.
    """
    return _size_of(value, cap, {} if memo is None else memo)


def _ignore_diagnostic(d: Diagnostic) -> None:
    return None


def _ignore_path(path: Path) -> None:
    return None


_T = TypeVar("_T")


def _once(memo: dict[int, tuple[Expr, _T]], e: Expr, make: Callable[[Expr], _T]) -> _T:
    """``make(e)``, kept in ``memo`` by the expression's identity (the entry holds ``e``
    itself, so the id of a freed expression reused by another is never a hit)."""
    hit = memo.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    value = make(e)
    memo[id(e)] = (e, value)
    return value


def _size_of(v: Any, cap: int, memo: dict[int, tuple[Any, int]]) -> int:
    # a module-level function: a recursive closure is a reference cycle per call
    if not isinstance(v, list | dict):
        return 1
    key = id(v)
    hit = memo.get(key)
    if hit is not None and hit[0] is v:
        return hit[1]
    n = 1
    for child in v.values() if isinstance(v, dict) else v:
        n += _size_of(child, cap, memo)
        if n > cap:
            break
    memo[key] = (v, n)
    return n


class Resolver:
    """Resolves root names (``var``, ``local``, resource types...) for a scope."""

    def resolve_root(self, ev: Evaluator, name: str) -> Any:
        raise EvalError(f'unknown name "{name}"')


NULL_RESOLVER = Resolver()


class Scope:
    """Names visible to an expression: for-expression variables, ``count``, ``each``,
    dynamic-block iterators, then the module's namespaces."""

    __slots__ = ("names", "parent", "resolver")

    def __init__(
        self,
        resolver: Resolver,
        names: Mapping[str, Any] | None = None,
        parent: Scope | None = None,
    ) -> None:
        self.resolver = resolver
        self.names = names or {}
        self.parent = parent

    def child(self, names: Mapping[str, Any]) -> Scope:
        return Scope(self.resolver, names, self)

    def lookup(self, ev: Evaluator, name: str) -> Any:
        s: Scope | None = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return self.resolver.resolve_root(ev, name)


class Site:
    """Where the expression being evaluated is written, for diagnostics."""

    __slots__ = ("address", "range", "scope")

    def __init__(self, range_: Range, address: str, scope: str) -> None:
        self.range = range_
        self.address = address
        self.scope = scope


#: steps each expression may still take once limits.max_total_eval_steps is spent
SPENT_ALLOWANCE = 2000


def _member_template(obj: Unknown, member: str) -> NameTemplate | None:
    """The identity of an attribute or element of an unknown that is one thing
    (``data.aws_caller_identity.c.account_id``, ``var.settings["prefix"]``)."""
    t = obj.template
    if t is None or len(t) != 3 or t[0] or t[2]:
        return None
    return leaf_template(t[1] + member)


class Evaluator:
    """Evaluates expressions of one load; holds the budget, collectors and caches."""

    def __init__(
        self,
        options: LoadOptions,
        report: Callable[[Diagnostic], None],
    ) -> None:
        self.options = options
        self.report = report
        self.max_steps = options.limits.max_eval_steps
        self.steps_left = self.max_steps
        self.max_total_steps = options.limits.max_total_eval_steps
        #: steps every evaluation of this load has taken (each counted once)
        self.total_steps = 0
        self.refs: set[RefEntry] = set()
        self.site: Site | None = None
        self.cwd: Path = options.root
        #: the scan's file reader, and where reads are recorded (set by the loader)
        self.sources: Sources | None = None
        self.note_file: Callable[[Path], None] = lambda path: None
        self._render: dict[int, tuple[Expr, str]] = {}
        self._types: dict[int, tuple[Expr, TypeSpec]] = {}
        self._templates: dict[Path, Expr] = {}
        #: expressions that ran out of steps once: every other evaluation of the same
        #: expression (another count/for_each instance, another module instance) is
        #: refused at once, or 1000 instances would each spend the whole budget
        self._exhausted: dict[int, Expr] = {}
        #: _expanded_size of the values already checked (see there)
        self._sizes: dict[int, tuple[Any, int]] = {}
        self._dispatch: dict[type, Callable[[Any, Scope], Any]] = {
            Lit: self._lit,
            Template: self._template,
            Ref: self._traverse,
            GetAttr: self._traverse,
            Index: self._traverse,
            Splat: self._splat,
            SplatItem: self._splat_item,
            TupleExpr: self._tuple,
            ObjectExpr: self._object,
            Call: self._call,
            Binary: self._binary,
            Unary: self._unary,
            Conditional: self._conditional,
            ForExpr: self._for,
        }

    # ---- budget, references, text ------------------------------------------

    def charge(self, n: int) -> None:
        self.steps_left -= n
        if self.steps_left < 0:
            raise StepLimit()

    def record(self, address: str, attr: str | None, terminal: bool) -> None:
        self.refs.add((address, attr, terminal))

    def record_all(self, entries: Iterable[RefEntry]) -> None:
        self.refs.update(entries)

    def source(self, e: Expr) -> str:
        """``e`` rendered as source text, once per expression of the load."""
        return _once(self._render, e, render)

    def text(self, e: Expr) -> str:
        """``e`` as source text for messages (shortened)."""
        t = self.source(e)
        return t if len(t) <= 200 else t[:197] + "..."

    def type_spec(self, e: Expr | None) -> TypeSpec:
        """A variable's type constraint, parsed once per declaration of the load."""
        return ANY if e is None else _once(self._types, e, parse_type)

    # ---- entry points ------------------------------------------------------

    def evaluate(self, e: Expr, scope: Scope, site: Site | None) -> tuple[Any, set[RefEntry]]:
        """Evaluate one top-level expression with a fresh budget and collector.

        Never raises for bad input: errors give Unknown, an exhausted budget
        or too-deep nesting also report a SYS008 diagnostic at ``site``.
        """
        if type(e) is Lit and type(e.value) in _SCALARS and self.max_steps > 0:
            # the commonest expression (a description, a name): what the rest does for
            # it, one step and its value, without saving and restoring the collectors
            self.total_steps += 1
            return e.value, set()
        saved = (self.steps_left, self.refs, self.site)
        self.refs = set()
        self.site = site or self.site
        # past the scan-wide budget, each expression keeps a small allowance: literals
        # and references still resolve, heavy expressions stop at once
        budget = self.max_steps
        if self.total_steps > self.max_total_steps:
            budget = min(self.max_steps, SPENT_ALLOWANCE)
        self.steps_left = budget
        try:
            if self._exhausted.get(id(e)) is e:
                raise StepLimit()
            value = self.eval(e, scope)
            if (
                isinstance(value, list | dict)
                and _expanded_size(value, self.max_steps, self._sizes) > self.max_steps
            ):
                # shared sub-values (a local used twice, nested again) that expand
                # exponentially: refuse them before anything walks them
                self._limit(
                    f"value expands to more than {self.max_steps} elements "
                    f"(limits.max_eval_steps): {self.text(e)}"
                )
                value = self._failed(e)
        except EvalError as exc:
            value = self._failed(e, f"evaluation failed: {exc}")
        except StepLimit as exc:
            if exc.args:  # a limit that says what it is (regular-expression time)
                self._limit(f"{exc.args[0]}: {self.text(e)}")
            elif budget < self.max_steps:
                self._limit(
                    f"evaluation stopped: the scan's Terraform evaluation budget is spent "
                    f"(limits.max_total_eval_steps, {self.max_total_steps}): {self.text(e)}"
                )
            else:
                self._exhausted[id(e)] = e
                self._limit(
                    f"evaluation stopped after {self.max_steps} steps "
                    f"(limits.max_eval_steps): {self.text(e)}"
                )
            value = self._failed(e, "a safety limit stopped its evaluation (SYS008)")
        except RecursionError:
            self._limit(f"expression nests too deeply to evaluate: {self.text(e)}")
            value = self._failed(e)
        except (ArithmeticError, ValueError):
            # Python's numerics refusing a value (overflow, math domain) that a
            # function or operator did not anticipate: an evaluation error, not a crash
            value = self._failed(e)
        refs = self.refs
        self.total_steps += budget - max(self.steps_left, 0)
        self.steps_left, self.refs, self.site = saved
        return value, refs

    def _failed(self, e: Expr, cause: str = "") -> Unknown:
        addrs = sorted({a for a, _, term in self.refs if term})
        return Unknown(self.text(e), addrs, cause=cause)

    def _limit(self, message: str) -> None:
        site = self.site
        if site is None:
            return
        self.report(Diagnostic("SYS008", message, site.range, site.address, site.scope))

    def release(self) -> None:
        """Drop what ties this evaluator to its load once the load is over (the loader's
        callbacks, its own bound methods, the caches of values), so that reference
        counting frees them at once rather than the cyclic collector later."""
        self.report = _ignore_diagnostic
        self.note_file = _ignore_path
        self._dispatch = {}
        self._sizes = {}
        self._types = {}
        self._exhausted = {}

    def eval(self, e: Expr, scope: Scope) -> Any:
        self.steps_left -= 1
        if self.steps_left < 0:
            raise StepLimit()
        return self._dispatch[type(e)](e, scope)

    # ---- literals and templates -------------------------------------------

    def _lit(self, e: Lit, scope: Scope) -> Any:
        return e.value

    def _template(self, e: Template, scope: Scope) -> Any:
        parts = e.parts
        if len(parts) == 1 and isinstance(parts[0], Expr):
            value = self.eval(parts[0], scope)
            return value.as_unknown() if isinstance(value, Lazy) else value
        out: list[str] = []
        unknowns: list[Any] = []
        holes: list[Any] = []
        self._render_parts(parts, scope, out, unknowns, holes)
        if unknowns:
            unknown = unknown_from(self.text(e), *unknowns)
            if None not in holes:
                # a JSON or YAML document (a heredoc policy, an SSM document) whose unknown
                # parts are interpolations: keep what is known, as jsonencode(...) does
                text = "".join(out)
                doc = document_with_holes(text, holes, unknown.expr)
                if doc is not None:
                    return doc
                # a name built from unknowns that have an identity ("${local.prefix}-trail")
                unknown.template = string_template(template_pieces(text, holes))
            return unknown
        text = "".join(out)
        if len(text) > 4096:
            self.charge(len(text) >> 6)  # bounds strings that double through locals
        return text

    def _render_parts(
        self,
        parts: tuple[TPart, ...],
        scope: Scope,
        out: list[str],
        unknowns: list[Any],
        holes: list[Any],
    ) -> None:
        """Render ``parts`` into ``out``; an unknown interpolation leaves a hole marker
        (its Unknown in ``holes``), an unknown directive a ``None`` hole."""
        for p in parts:
            if isinstance(p, str):
                out.append(p)
            elif isinstance(p, TIf):
                c = self.eval(p.cond, scope)
                if isinstance(c, Unknown | Lazy):
                    unknowns.append(c)
                    holes.append(None)
                    continue
                branch = p.then if to_bool(c) else p.otherwise
                self._render_parts(branch, scope, out, unknowns, holes)
            elif isinstance(p, TFor):
                coll = self.eval(p.coll, scope)
                if isinstance(coll, Unknown | Lazy):
                    unknowns.append(coll)
                    holes.append(None)
                    continue
                for k, v in self._iterate(coll):
                    names = {p.value_var: v}
                    if p.key_var:
                        names[p.key_var] = k
                    self._render_parts(p.body, scope.child(names), out, unknowns, holes)
            else:
                v = self.eval(p, scope)
                if isinstance(v, Unknown | Lazy):
                    unknowns.append(v)
                    out.append(hole_marker(len(holes)))
                    holes.append(v.as_unknown() if isinstance(v, Lazy) else v)
                else:
                    out.append(to_str(v))
                    if len(out) > 1 and len(out) % 256 == 0:
                        self.charge(len(out) // 256)

    # ---- traversals --------------------------------------------------------

    def _traverse(self, e: Expr, scope: Scope) -> Any:
        value = self.chain(e, scope)
        if isinstance(value, Lazy):
            value.note(self)
        elif isinstance(value, list):
            for item in value[:1]:
                if isinstance(item, Lazy):
                    for x in value:
                        if isinstance(x, Lazy):
                            x.note(self)
        elif isinstance(value, dict) and value:
            first = next(iter(value.values()))
            if isinstance(first, Lazy):
                for x in value.values():
                    if isinstance(x, Lazy):
                        x.note(self)
        return value

    def chain(self, e: Expr, scope: Scope) -> Any:
        """A traversal's value without recording whole-object references."""
        self.steps_left -= 1
        if self.steps_left < 0:
            raise StepLimit()
        if isinstance(e, Ref):
            return scope.lookup(self, e.name)
        if isinstance(e, GetAttr):
            obj = self.chain(e.obj, scope)
            return self.get_attr(obj, e.name, e)
        if isinstance(e, Index):
            obj = self.chain(e.obj, scope)
            key = self.eval(e.key, scope)
            return self.get_index(obj, key, e)
        return self.eval(e, scope)

    def get_attr(self, obj: Any, name: str, e: Expr) -> Any:
        if isinstance(obj, Lazy):
            value = obj.get_attr(self, name)
            if isinstance(value, Unknown) and not value.expr:
                return Unknown(self.text(e), value.refs, value.secret, value.template)
            return value
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
            raise EvalError(f'object has no attribute "{name}"')
        if isinstance(obj, Unknown):
            if is_open_collection(obj) and isinstance(obj.value, dict) and name in obj.value:
                return obj.value[name]  # merge(var.tags, { Name = "x" }).Name
            return Unknown(self.text(e), obj.refs, obj.secret, _member_template(obj, f".{name}"))
        if obj is None:
            raise EvalError(f'cannot read "{name}" of null')
        raise EvalError(f'a {type_name(obj)} has no attribute "{name}"')

    def get_index(self, obj: Any, key: Any, e: Expr) -> Any:
        if isinstance(key, Unknown):
            return unknown_from(self.text(e), obj, key)
        if isinstance(obj, Lazy):
            value = obj.get_index(self, key)
            if isinstance(value, Unknown) and not value.expr:
                return Unknown(self.text(e), value.refs, value.secret, value.template)
            return value
        if isinstance(obj, list):
            i = to_int(key)
            if 0 <= i < len(obj):
                return obj[i]
            raise EvalError(f"index {i} out of range")
        if isinstance(obj, dict):
            k = key_str(key)
            if k in obj:
                return obj[k]
            raise EvalError(f'no element "{k}"')
        if (
            is_open_collection(obj)
            and isinstance(obj.value, dict)
            and isinstance(key, str)
            and key in obj.value
        ):
            return obj.value[key]
        if isinstance(obj, Unknown) and isinstance(e, Index):
            # name the element by its evaluated key, so that distinct instances
            # stay distinguishable (data.aws_availability_zones.x.names[1], not
            # names[count.index] for every instance)
            base = self.text(e.obj)
            if not _SIMPLE_TRAVERSAL.match(base):
                base = f"({base})"
            if isinstance(key, int | float) and not isinstance(key, bool):
                member = f"[{to_int(key)}]"
                return Unknown(
                    f"{base}{member}", obj.refs, obj.secret, _member_template(obj, member)
                )
            if isinstance(key, str):
                member = f'["{key}"]'
                return Unknown(
                    f"{base}{member}", obj.refs, obj.secret, _member_template(obj, member)
                )
            return Unknown(self.text(e), obj.refs, obj.secret)
        if isinstance(obj, Unknown):
            return Unknown(self.text(e), obj.refs, obj.secret)
        if obj is None:
            raise EvalError("cannot index null")
        raise EvalError(f"a {type_name(obj)} cannot be indexed")

    def _splat(self, e: Splat, scope: Scope) -> Any:
        obj = self.chain(e.obj, scope)
        if isinstance(obj, Unknown):
            return Unknown(self.text(e), obj.refs, obj.secret)
        if obj is None:
            return []
        if isinstance(obj, Lazy):
            found = obj.splat_items(self)
            if isinstance(found, Unknown):
                return Unknown(self.text(e), found.refs, found.secret)
            items = found
        elif isinstance(obj, list):
            items = obj
        else:
            items = [obj]
        self.charge(len(items))
        out = []
        for i, item in enumerate(items):
            value = self.eval(e.each, scope.child({SPLAT_NAME: item}))
            if isinstance(value, Lazy):
                value.note(self)
            elif isinstance(value, Unknown) and value.expr.startswith((".", "[")):
                # name the element: aws_subnet.private[0].id, not .id
                value = Unknown(f"{self.text(e.obj)}[{i}]{value.expr}", value.refs, value.secret)
            out.append(value)
        return out

    def _splat_item(self, e: SplatItem, scope: Scope) -> Any:
        return scope.lookup(self, SPLAT_NAME)

    # ---- constructors ------------------------------------------------------

    def _tuple(self, e: TupleExpr, scope: Scope) -> Any:
        return [self.eval(i, scope) for i in e.items]

    def _object(self, e: ObjectExpr, scope: Scope) -> Any:
        out: dict[str, Any] = {}
        unknown_key: list[Any] = []
        for k, v in e.items:
            key = (
                k.value if isinstance(k, Lit) and isinstance(k.value, str) else self.eval(k, scope)
            )
            value = self.eval(v, scope)
            if isinstance(key, Unknown | Lazy):
                unknown_key.append(key)
                continue
            out[key_str(key)] = value
        if unknown_key:
            return unknown_from(self.text(e), *unknown_key, out)
        return out

    # ---- calls -------------------------------------------------------------

    def _call(self, e: Call, scope: Scope) -> Any:
        name = e.name
        if name == "try":
            for arg in e.args:
                try:
                    value = self.eval(arg, scope)
                except EvalError:
                    continue
                return value
            raise EvalError("no argument of try() could be evaluated")
        if name == "can":
            if len(e.args) != 1:
                raise EvalError("can() takes one argument")
            try:
                value = self.eval(e.args[0], scope)
            except EvalError:
                return False
            if has_unknown(value):
                return unknown_from(self.text(e), value)
            return True
        args = [self.eval(a, scope) for a in e.args]
        if e.expand_last and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return unknown_from(self.text(e), last, *args)
            if not isinstance(last, list):
                raise EvalError("only a list can be expanded with ...")
            args.extend(last)
        return call_function(self, name, args, self.text(e))

    # ---- operators ---------------------------------------------------------

    def _binary(self, e: Binary, scope: Scope) -> Any:
        op = e.op
        left = self.eval(e.left, scope)
        right = self.eval(e.right, scope)
        if op in {"&&", "||"}:
            decide = op == "||"
            known = []
            for v in (left, right):
                if isinstance(v, Unknown | Lazy):
                    continue
                truth = to_bool(v)
                if truth is decide:
                    return decide
                known.append(truth)
            if len(known) == 2:
                return not decide
            return unknown_from(self.text(e), left, right)
        if op in {"==", "!="}:
            if has_unknown(left) or has_unknown(right):
                # a list or map whose elements are unknown is itself known, and not null
                # (`var.volumes != null` with a volume whose key ARN is not known yet)
                top_known = not isinstance(left, Unknown | Lazy) and not isinstance(
                    right, Unknown | Lazy
                )
                if top_known and (left is None or right is None):
                    return op == "!="
                return unknown_from(self.text(e), left, right)
            same = equal(left, right)
            return same if op == "==" else not same
        if isinstance(left, Unknown | Lazy) or isinstance(right, Unknown | Lazy):
            return unknown_from(self.text(e), left, right)
        a: int | float = to_num(left)
        b: int | float = to_num(right)
        try:
            return self._arith(op, a, b)
        except (ArithmeticError, ValueError) as exc:  # inf % 1, 10**400 / 3, ...
            raise EvalError(f"{op}: {exc}") from None

    @staticmethod
    def _arith(op: str, a: int | float, b: int | float) -> Any:
        if op == "+":
            return norm_number(a + b)
        if op == "-":
            return norm_number(a - b)
        if op == "*":
            return norm_number(a * b)
        if op == "/":
            if b == 0:
                raise EvalError("division by zero")
            return norm_number(a / b)
        if op == "%":
            if b == 0:
                raise EvalError("modulo by zero")
            return (
                norm_number(math.fmod(a, b))
                if isinstance(a, float) or isinstance(b, float)
                else int(math.fmod(a, b))
            )
        if op == "<":
            return a < b
        if op == ">":
            return a > b
        if op == "<=":
            return a <= b
        if op == ">=":
            return a >= b
        raise EvalError(f"unknown operator {op}")

    def _unary(self, e: Unary, scope: Scope) -> Any:
        v = self.eval(e.operand, scope)
        if isinstance(v, Unknown | Lazy):
            return unknown_from(self.text(e), v)
        if e.op == "!":
            return not to_bool(v)
        if e.op == "-":
            return norm_number(-to_num(v))
        raise EvalError(f"unknown operator {e.op}")

    def _conditional(self, e: Conditional, scope: Scope) -> Any:
        c = self.eval(e.cond, scope)
        if isinstance(c, Unknown | Lazy):
            a = self.eval(e.then, scope)
            b = self.eval(e.otherwise, scope)
            if not has_unknown(a) and not has_unknown(b) and equal(a, b):
                return a
            return unknown_from(self.text(e), c, a, b)
        if to_bool(c):
            return self.eval(e.then, scope)
        return self.eval(e.otherwise, scope)

    # ---- for expressions ---------------------------------------------------

    def _iterate(self, coll: Any) -> list[tuple[Any, Any]]:
        if isinstance(coll, list):
            self.charge(len(coll))
            return list(enumerate(coll))
        if isinstance(coll, dict):
            self.charge(len(coll))
            return [(k, coll[k]) for k in sorted(coll)]
        if coll is None:
            raise EvalError("cannot iterate over null")
        raise EvalError(f"cannot iterate over a {type_name(coll)}")

    def _for(self, e: ForExpr, scope: Scope) -> Any:
        coll = self.eval(e.coll, scope)
        partial: PartialValue | None = None
        if is_open_collection(coll):
            # a map with known entries and maybe others: what they give, and maybe more
            partial, coll = coll, coll.value
        elif isinstance(coll, Unknown | Lazy):
            return unknown_from(self.text(e), coll)
        pairs = self._iterate(coll)
        unknown: list[Any] = []
        values: list[Any] = []
        obj: dict[str, Any] = {}
        for k, v in pairs:
            names = {e.value_var: v}
            if e.key_var:
                names[e.key_var] = k
            inner = scope.child(names)
            if e.cond is not None:
                c = self.eval(e.cond, inner)
                if isinstance(c, Unknown | Lazy):
                    unknown.append(c)
                    continue
                if not to_bool(c):
                    continue
            if e.key is None:
                values.append(self.eval(e.value, inner))
                continue
            key = self.eval(e.key, inner)
            value = self.eval(e.value, inner)
            if isinstance(key, Unknown | Lazy):
                unknown.append(key)
                continue
            ks = key_str(key)
            if e.group:
                obj.setdefault(ks, []).append(value)
            elif ks in obj:
                raise EvalError(f'duplicate key "{ks}" in for expression (use ... to group)')
            else:
                obj[ks] = value
        if unknown:
            return unknown_from(self.text(e), *unknown)
        result = values if e.key is None else obj
        if partial is not None:
            return PartialValue(self.text(e), partial.refs, partial.secret, result, "")
        return result

    # ---- files -------------------------------------------------------------

    def _resolve_file(self, path: str) -> Path:
        p = Path(path)
        if not p.is_absolute():
            p = self.cwd / p
        self.note_file(p)
        refused = self.options.refuse_function_read(p)
        if refused is not None:
            site = self.site
            if site is not None:
                self.report(
                    Diagnostic(
                        "SYS007",
                        f'file path "{path}" {refused}',
                        site.range,
                        site.address,
                        site.scope,
                    )
                )
            raise EvalError("file outside what soc2lint reads")
        return p

    def read_file(self, path: str) -> str:
        p = self._resolve_file(path)
        try:
            text = read_text(p, self.options.limits, self.sources)
        except SourceError as exc:
            raise EvalError(f"cannot read {path}: {exc.message}") from None
        self.charge(len(text) // 256)
        return text

    def file_exists(self, path: str) -> bool:
        p = self._resolve_file(path)
        return p.is_file()

    def template_file(self, path: str, variables: dict[str, Any]) -> Any:
        p = self._resolve_file(path)
        key = p.resolve()
        tmpl = self._templates.get(key)
        if tmpl is None:
            text = self.read_file(path)
            try:
                tmpl = assemble_template(scan_template(text, 1, 1), (1, 1, 1, 1))
            except HclSyntaxError as exc:
                raise EvalError(f"template {path}: {exc.message}") from None
            self._templates[key] = tmpl
        return self.eval(tmpl, Scope(NULL_RESOLVER, variables))
