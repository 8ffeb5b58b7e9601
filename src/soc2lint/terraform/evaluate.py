"""Module instances, resources and their expansion: the lazy object model of one root.

Everything is evaluated on demand and memoised: a resource's argument is
evaluated the first time something refers to it (or when its node is
built), a module instance is created the first time its outputs are read.
Cycles (a local that refers to itself through a resource, a count that
refers to its own resource) give Unknown instead of recursing.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..cache import Manifest, ParseCache, Sources
from ..documents import STAND_IN, document_positions
from ..frontend import Diagnostic, LoadOptions
from ..model import MISSING, Origin, PartialValue, Range, Unknown, leaf_template
from ..model import Path as AttrPath
from ..model import Template as NameTemplate
from .expressions import NULL_RESOLVER, Evaluator, RefEntry, Resolver, Scope, Site
from .hcl import HclSyntaxError, parse_expression
from .modules import (
    Decl,
    ModuleConfig,
    build_config,
    config_files,
    is_cacheable,
    is_json_syntax,
    is_local_source,
    parse_bounded,
    read_modules_json,
    read_source,
)
from .records import PARSER_VERSION, Reported, RootRecord
from .syntax import (
    Attribute,
    Block,
    Body,
    Call,
    Expr,
    GetAttr,
    Lit,
    ObjectExpr,
    ParsedFile,
    Ref,
    Template,
    TupleExpr,
    literal_string,
    render,
    traversal_text,
)
from .types import TypeSpec, convert
from .values import EvalError, Lazy, has_unknown, key_str, to_int

T = TypeVar("T", bound="Instance")


#: resource/data arguments that are meta-arguments, not attributes
RESOURCE_META = frozenset(
    {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
)
#: module call arguments that are not module inputs
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})

#: (mode, type) -> attributes whose value is a secret (None: every computed attribute)
SECRET_ATTRS: dict[tuple[str, str], frozenset[str] | None] = {
    ("managed", "random_password"): frozenset({"result", "bcrypt_hash"}),
    ("managed", "random_string"): frozenset({"result"}),
    ("managed", "tls_private_key"): frozenset(
        {"private_key_pem", "private_key_openssh", "private_key_pem_pkcs8"}
    ),
    ("data", "aws_secretsmanager_secret_version"): None,
    ("data", "aws_secretsmanager_random_password"): None,
    ("data", "aws_ssm_parameter"): frozenset({"value"}),
    ("data", "aws_kms_secrets"): None,
}


def index_text(key: int | str | None) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


# --------------------------------------------------------------------------
# The loader: parsed files and module configurations, shared by all roots
# --------------------------------------------------------------------------


class Loader:
    """State of one ``load_terraform`` call: parse cache, configs, diagnostics.

    While a root is evaluated for the result cache, ``record`` collects what
    it reports and reads, and ``manifest`` what its result depends on.
    """

    def __init__(
        self,
        options: LoadOptions,
        sources: Sources | None = None,
        reported: Reported | None = None,
    ) -> None:
        self.options = options
        self.sources = sources if sources is not None else Sources(options.limits.max_file_bytes)
        self.reported = reported if reported is not None else Reported()
        #: what was reported, each diagnostic once
        self.diagnostics: list[Diagnostic] = self.reported.items
        self.ev = Evaluator(options, self.report)
        self.ev.sources = self.sources
        self.ev.note_file = self.note_file
        self.parsed: dict[Path, ParsedFile] = {}
        self.configs: dict[Path, ModuleConfig] = {}
        self.files: set[str] = set()
        self.cache = ParseCache(options.cache_dir, "terraform", PARSER_VERSION, options.memo)
        self.record: RootRecord | None = None
        self.manifest: Manifest | None = None
        #: seconds spent parsing (and reading parsed files from the cache)
        self.parse_seconds = 0.0
        #: count/for_each instances and dynamic blocks made so far (max_total_instances)
        self.instances_made = 0
        #: module instances loaded so far (limits.max_module_instances)
        self.module_instances = 0
        #: the instance budgets ran out once (reported once: after that every block would)
        self._cut_reported = False
        self._modules_cut_reported = False

    def release(self) -> None:
        """Break this load's reference cycles once it is over (the evaluator and its
        loader refer to each other, the evaluator to its own methods), so that reference
        counting frees its configurations, caches and values at once instead of leaving
        them to the cyclic collector."""
        self.ev.release()
        self.configs = {}
        self.parsed = {}

    def take_instances(self, wanted: int, what: str, where: Range, address: str, scope: str) -> int:
        """How many of ``wanted`` new instances (or dynamic blocks) the scan-wide budget
        (limits.max_total_instances) still allows; a cut is a SYS008 finding."""
        limit = self.options.limits.max_total_instances
        allowed = max(0, min(wanted, limit - self.instances_made))
        self.instances_made += allowed
        if allowed < wanted and not self._cut_reported:
            self._cut_reported = True
            self.report(
                Diagnostic(
                    "SYS008",
                    f"{what} would create {wanted} instances of {address}, but the scan has "
                    f"already expanded {self.instances_made - allowed} (limits.max_total_instances "
                    f"is {limit}); only {allowed} were checked, and no instance after them",
                    where,
                    address,
                    scope,
                )
            )
        return allowed

    def take_module_instance(self, address: str, where: Range, scope: str) -> bool:
        """Whether one more module instance may be loaded: each counts against
        limits.max_total_instances and limits.max_module_instances (ten plain calls a
        level, five levels deep, are 111,110 module instances from a few lines)."""
        limits = self.options.limits
        if (
            self.module_instances < limits.max_module_instances
            and self.instances_made < limits.max_total_instances
        ):
            self.module_instances += 1
            self.instances_made += 1
            return True
        if not self._modules_cut_reported:
            self._modules_cut_reported = True
            which = (
                f"limits.max_module_instances is {limits.max_module_instances}"
                if self.module_instances >= limits.max_module_instances
                else f"limits.max_total_instances is {limits.max_total_instances}"
            )
            self.report(
                Diagnostic(
                    "SYS008",
                    f"{address} was not loaded: the scan has already loaded "
                    f"{self.module_instances} module instances ({which}); neither it nor any "
                    "module instance after it was checked",
                    where,
                    address,
                    scope,
                )
            )
        return False

    def report(self, d: Diagnostic) -> None:
        if self.record is not None:
            self.record.diagnostics.append(d)
            return
        self.reported.add(d)

    def note_file(self, path: Path) -> None:
        """The evaluation depends on ``path`` (read it, or looked for it)."""
        if self.manifest is not None:
            self.manifest.file(path)

    def note_dir(self, path: Path) -> None:
        """The evaluation depends on directory ``path`` (listed it, or looked for it)."""
        if self.manifest is not None:
            self.manifest.directory(path)

    def note_read(self, display: str) -> None:
        self.files.add(display)
        if self.record is not None:
            self.record.files.add(display)

    def parse(self, path: Path) -> ParsedFile:
        """The parsed file (memoised; through the content-hash cache when configured)."""
        self.note_file(path)
        hit = self.parsed.get(path)
        if hit is None:
            started = time.perf_counter()
            source = read_source(path, self.options, self.sources)
            if isinstance(source, ParsedFile):
                hit = source
            else:
                json_syntax = is_json_syntax(path)
                key = self.cache_key(source, json_syntax)
                cached = self.cache.get(key)
                if isinstance(cached, ParsedFile):
                    hit = cached
                else:
                    hit = parse_bounded(source, json_syntax, self.options.limits.file_time_budget)
                    if is_cacheable(hit):
                        self.cache.put(key, hit)
            self.parsed[path] = hit
            self.parse_seconds += time.perf_counter() - started
        self.note_read(self.options.display(path))
        return hit

    @staticmethod
    def cache_key(text: str, json_syntax: bool) -> str:
        return ParseCache.key(("json:" if json_syntax else "hcl:") + text)

    def config(self, directory: Path) -> ModuleConfig:
        key = self.options.resolve(directory)
        self.note_dir(key)
        cfg = self.configs.get(key)
        if cfg is None:
            files = config_files(key, self.sources)
            parsed = [(p, self.parse(p)) for p in files]
            cfg = build_config(key, parsed, self.options.display)
            self.configs[key] = cfg
        elif self.record is not None:
            for f in cfg.files:
                self.note_read(f)
        return cfg

    def emit_config_diagnostics(self, cfg: ModuleConfig, scope: str) -> None:
        record = self.record
        if record is not None:
            # reported when the roots are merged (see RootRecord)
            if all(c[0] != str(cfg.dir) for c in record.configs):
                record.configs.append((str(cfg.dir), cfg.display, list(cfg.diagnostics)))
            return
        if cfg.reported:
            return
        cfg.reported = True
        for d in cfg.diagnostics:
            self.report(replace(d, scope=scope))


# --------------------------------------------------------------------------
# Evaluating bodies: attributes, nested blocks, dynamic blocks
# --------------------------------------------------------------------------


class Acc:
    """What evaluating (part of) a body produced beside the values."""

    __slots__ = ("dyn_unknown", "locations", "origins", "refs")

    def __init__(self) -> None:
        self.refs: list[tuple[AttrPath, RefEntry]] = []
        self.locations: dict[AttrPath, Range] = {}
        self.origins: dict[AttrPath, Origin] = {}
        self.dyn_unknown: list[str] = []

    def merge(self, other: Acc) -> None:
        self.refs.extend(other.refs)
        self.locations.update(other.locations)
        self.origins.update(other.origins)
        self.dyn_unknown.extend(other.dyn_unknown)


class Member:
    """One evaluated top-level argument or block type of a body."""

    __slots__ = ("acc", "value")

    def __init__(self, value: Any, acc: Acc) -> None:
        self.value = value
        self.acc = acc


def member_names(body: Body, skip: frozenset[str] = frozenset()) -> list[str]:
    """Arguments and block types of a body in source order (``dynamic "x"`` counts as ``x``)."""
    first: dict[str, tuple[int, int]] = {}
    for name, attr in body.attrs.items():
        if name not in skip:
            first.setdefault(name, attr.pos[:2])
    for b in body.blocks:
        name = b.labels[0] if b.type == "dynamic" and b.labels else b.type
        if b.type == "dynamic" and not b.labels:
            continue
        if name not in skip and name not in first:
            first[name] = b.pos[:2]
    return sorted(first, key=lambda n: first[n])


def has_member(body: Body, name: str) -> bool:
    if name in body.attrs:
        return True
    return any(
        b.type == name or (b.type == "dynamic" and b.labels and b.labels[0] == name)
        for b in body.blocks
    )


class BodyEval:
    """Evaluates the arguments and blocks of one object (resource, provider, module call...)."""

    def __init__(self, loader: Loader, file: str, address: str, graph_scope: str) -> None:
        self.loader = loader
        self.ev = loader.ev
        self.file = file
        self.address = address
        self.graph_scope = graph_scope

    def site(self, pos: tuple[int, int, int, int]) -> Site:
        return Site(Range(self.file, *pos), self.address, self.graph_scope)

    def member(self, body: Body, name: str, scope: Scope, path: AttrPath, acc: Acc) -> Any:
        attr = body.attrs.get(name)
        if attr is not None:
            return self.attribute(attr, scope, (*path, name), acc)
        blocks = self.blocks(body, name, scope, path, acc)
        return blocks if blocks is not None else MISSING

    def attribute(self, attr: Attribute, scope: Scope, path: AttrPath, acc: Acc) -> Any:
        where = Range(self.file, *attr.pos)
        value, refs = self.ev.evaluate(
            attr.expr, scope, Site(where, self.address, self.graph_scope)
        )
        acc.locations[path] = where
        expr_locations(attr.expr, path, self.file, acc.locations)
        expr = attr.expr
        if (
            isinstance(expr, Call)
            and expr.name == "templatefile"
            and expr.args
            and isinstance(value, PartialValue | str)
        ):
            self.template_locations(expr.args[0], scope, path, acc)
        for r in refs:
            acc.refs.append((path, r))
        origin = origin_of(self.ev, attr.expr, scope, 0)
        if origin is not None:
            acc.origins[path] = origin
        return value

    def template_locations(self, path_expr: Expr, scope: Scope, path: AttrPath, acc: Acc) -> None:
        """Where the elements of a JSON or YAML document rendered by ``templatefile`` are
        written: in the template file (a state machine definition, an SSM document)."""
        file_path, _ = self.ev.evaluate(path_expr, scope, None)
        if not isinstance(file_path, str):
            return
        try:
            text = self.ev.read_file(file_path)
        except EvalError:
            return
        source = template_source_stand_in(text)
        if source is None:
            return
        p = Path(file_path) if Path(file_path).is_absolute() else self.ev.cwd / file_path
        display = self.loader.options.display(p)
        for sub, (l1, c1, l2, c2) in document_positions(source, path).items():
            acc.locations[sub] = Range(display, l1, c1, l2, c2)

    def block_dict(self, body: Body, scope: Scope, path: AttrPath, acc: Acc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in member_names(body):
            v = self.member(body, name, scope, path, acc)
            if v is not MISSING:
                out[name] = v
        return out

    def blocks(
        self, body: Body, name: str, scope: Scope, path: AttrPath, acc: Acc
    ) -> list[Any] | None:
        out: list[Any] = []
        found = False
        for b in body.blocks:
            if b.type == name:
                found = True
                p = (*path, name, len(out))
                acc.locations[p] = Range(self.file, *b.pos)
                acc.locations.setdefault((*path, name), Range(self.file, *b.pos))
                out.append(self.block_dict(b.body, scope, p, acc))
            elif b.type == "dynamic" and b.labels and b.labels[0] == name:
                found = True
                acc.locations.setdefault((*path, name), Range(self.file, *b.pos))
                self.dynamic(b, name, scope, path, acc, out)
        return out if found else None

    def dynamic(
        self, block: Block, name: str, scope: Scope, path: AttrPath, acc: Acc, out: list[Any]
    ) -> None:
        body = block.body
        fe = body.attrs.get("for_each")
        contents = body.blocks_of("content")
        if fe is None or not contents:
            return
        content = contents[0]
        it_attr = body.attrs.get("iterator")
        iterator = (traversal_text(it_attr.expr) if it_attr else None) or name
        value, refs = self.ev.evaluate(fe.expr, scope, self.site(fe.pos))
        for r in refs:
            acc.refs.append(((*path, name), r))
        rng = Range(self.file, *block.pos)
        pairs: list[tuple[Any, Any]] | None = None  # None: how many blocks is unknown
        if isinstance(value, list):
            # unknown elements still make one block each; their iterator value is unknown
            pairs = list(enumerate(value))
        elif isinstance(value, dict):
            pairs = [(k, value[k]) for k in sorted(value)]
        if pairs is None:
            u_refs = value.refs if isinstance(value, Unknown) else ()
            it_value = {
                "key": Unknown(f"{iterator}.key", u_refs),
                "value": Unknown(f"{iterator}.value", u_refs),
            }
            p = (*path, name, len(out))
            acc.locations[p] = rng
            out.append(self.block_dict(content.body, scope.child({iterator: it_value}), p, acc))
            dotted = ".".join(str(x) for x in (*path, name) if isinstance(x, str))
            acc.dyn_unknown.append(dotted)
            return
        limit = self.loader.options.limits.max_expansion
        if len(pairs) > limit:
            self.loader.report(
                Diagnostic(
                    "SYS008",
                    f'dynamic "{name}" expands to {len(pairs)} blocks, over the '
                    f"{limit} limit (limits.max_expansion); only the first {limit} were checked",
                    rng,
                    self.address,
                    self.graph_scope,
                )
            )
            pairs = pairs[:limit]
        allowed = self.loader.take_instances(
            len(pairs), f'dynamic "{name}"', rng, self.address, self.graph_scope
        )
        for k, v in pairs[:allowed]:
            p = (*path, name, len(out))
            acc.locations[p] = rng
            it_value = {"key": k, "value": v}
            out.append(self.block_dict(content.body, scope.child({iterator: it_value}), p, acc))


def expr_locations(
    expr: Expr, path: AttrPath, file: str, out: dict[AttrPath, Range], depth: int = 0
) -> None:
    """Locations of the elements a literal tuple/object (or ``jsonencode`` of one) writes."""
    if depth > 24:
        return
    if isinstance(expr, TupleExpr):
        for i, item in enumerate(expr.items):
            p = (*path, i)
            out[p] = Range(file, *item.pos)
            expr_locations(item, p, file, out, depth + 1)
    elif isinstance(expr, ObjectExpr):
        for k, v in expr.items:
            if isinstance(k, Lit) and isinstance(k.value, str):
                p = (*path, k.value)
                out[p] = Range(file, k.pos[0], k.pos[1], v.pos[2], v.pos[3])
                expr_locations(v, p, file, out, depth + 1)
    elif isinstance(expr, Call) and expr.name in _SAME_STRUCTURE and len(expr.args) == 1:
        expr_locations(expr.args[0], path, file, out, depth + 1)
    elif isinstance(expr, Call) and expr.name == "merge":
        # later maps win, so later arguments' keys are where the values are written
        for arg in expr.args:
            expr_locations(arg, path, file, out, depth + 1)
    elif isinstance(expr, Lit | Template) and expr.pos[2] > expr.pos[0]:
        # a heredoc holding a JSON or YAML document (a policy, an SSM document):
        # positions of its elements, by line; an interpolation ("Resource": "${...}")
        # stands for as many characters as it takes
        if isinstance(expr, Lit):
            text = expr.value if isinstance(expr.value, str) else None
        else:
            text = _template_stand_in(expr)
        if text is None:
            return
        line0 = expr.pos[0]
        for p, (l1, c1, l2, c2) in document_positions(text, path).items():
            out[p] = Range(file, line0 + l1, c1, line0 + l2, c2)


def template_source_stand_in(text: str) -> str | None:
    """A template file's text with each ``${...}`` interpolation replaced by as many
    :data:`~soc2lint.documents.STAND_IN` characters; None when it has directives
    (``%{ for }`` repeats or drops text: its lines are not the document's)."""
    if "%{" in text.replace("%%{", ""):
        return None
    out: list[str] = []
    pos = 0
    i = text.find("${")
    while i >= 0:
        if i > 0 and text[i - 1] == "$":  # $${ is a literal ${
            i = text.find("${", i + 2)
            continue
        depth, j = 0, i + 1
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= len(text) or "\n" in text[i:j]:
            return None
        out.extend((text[pos:i], STAND_IN * (j + 1 - i)))
        pos = j + 1
        i = text.find("${", pos)
    out.append(text[pos:])
    return "".join(out)


#: functions whose result is their argument's structure (encoded or converted)
_SAME_STRUCTURE = frozenset({"jsonencode", "yamlencode", "tomap", "tolist", "toset"})


def _template_stand_in(expr: Template) -> str | None:
    """A template's text with each interpolation replaced by as many
    :data:`~soc2lint.documents.STAND_IN` characters as it is written with.

    None when it holds a directive or an interpolation spanning lines.
    """
    out: list[str] = []
    for part in expr.parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Expr) and part.pos[0] == part.pos[2]:
            out.append(STAND_IN * max(3, part.pos[3] - part.pos[1] + 3))  # ${ ... }
        else:
            return None
    return "".join(out)


def origin_of(ev: Evaluator, expr: Expr, scope: Scope, depth: int) -> Origin | None:
    """Where the value of a pass-through expression (``var.x``, ``local.y``) was written."""
    if depth > 16:
        return None
    if isinstance(expr, Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], Expr):
        return origin_of(ev, expr.parts[0], scope, depth + 1)
    if isinstance(expr, GetAttr) and isinstance(expr.obj, Ref):
        root, name = expr.obj.name, expr.name
        if any(root in s.names for s in _scopes(scope)):
            return None
        resolver = scope.resolver
        if not isinstance(resolver, ModuleInstance):
            return None
        if root == "var" and name in resolver.config.variables:
            return resolver.var_slot(ev, name).origin
        if root == "local" and name in resolver.config.locals:
            decl = resolver.config.locals[name]
            return origin_of(ev, decl.attr.expr, resolver.scope, depth + 1)
    return None


def _scopes(scope: Scope) -> Iterable[Scope]:
    s: Scope | None = scope
    while s is not None:
        yield s
        s = s.parent


# --------------------------------------------------------------------------
# Slots: memoised values of variables, locals and outputs
# --------------------------------------------------------------------------


class Slot:
    __slots__ = ("acc", "origin", "refs", "state", "terminal", "value")

    def __init__(self) -> None:
        self.state = 0  # 0 new, 1 being computed, 2 done
        self.value: Any = None
        self.refs: set[RefEntry] = set()
        self.terminal: list[RefEntry] = []
        self.origin: Origin | None = None
        self.acc = Acc()

    def done(self, value: Any, refs: set[RefEntry]) -> Slot:
        self.value = value
        self.refs = refs
        self.terminal = [r for r in refs if r[2]]
        self.state = 2
        return self


def _cycle_slot(expr_text: str, address: str) -> Slot:
    s = Slot()
    return s.done(Unknown(expr_text, (address,)), set())


# --------------------------------------------------------------------------
# Namespaces
# --------------------------------------------------------------------------


class ValueNS(Lazy):
    """``var`` or ``local``: reading one records the node and what it was computed from."""

    __slots__ = ("kind", "module")

    def __init__(self, module: ModuleInstance, kind: str) -> None:
        self.module = module
        self.kind = kind  # "var" | "local"

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        module = self.module
        if self.kind == "var":
            if name not in module.config.variables:
                raise EvalError(f'undeclared variable "var.{name}"')
            slot = module.var_slot(ev, name)
        else:
            if name not in module.config.locals:
                raise EvalError(f'undeclared local "local.{name}"')
            slot = module.local_slot(ev, name)
        ev.record(f"{module.prefix}{self.kind}.{name}", None, False)
        ev.record_all(slot.terminal)
        return slot.value


class ModuleNS(Lazy):
    __slots__ = ("module",)

    def __init__(self, module: ModuleInstance) -> None:
        self.module = module

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        group = self.module.call_group(name)
        if group is None:
            raise EvalError(f'undeclared module "module.{name}"')
        return group.value(ev)


class TypeNS(Lazy):
    """``aws_s3_bucket`` or ``data.aws_iam_policy_document``: resources of one type."""

    __slots__ = ("mode", "module", "type")

    def __init__(self, module: ModuleInstance, mode: str, type_: str) -> None:
        self.module = module
        self.mode = mode
        self.type = type_

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        prefix = "data." if self.mode == "data" else ""
        group = self.module.group(f"{prefix}{self.type}.{name}")
        if group is None:
            raise EvalError(f'undeclared resource "{prefix}{self.type}.{name}"')
        return group.value(ev)


class DataNS(Lazy):
    __slots__ = ("module",)

    def __init__(self, module: ModuleInstance) -> None:
        self.module = module

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        return TypeNS(self.module, "data", name)


# --------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------


class UnknownCollection(Lazy):
    """The instances of a resource or module whose count/for_each is unknown: one
    representative instance stands for all of them."""

    __slots__ = ("instance",)

    def __init__(self, instance: Lazy) -> None:
        self.instance = instance

    def get_index(self, ev: Evaluator, key: Any) -> Any:
        return self.instance

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        self.instance.note(ev)
        return Unknown("", self.instance.as_unknown().refs)

    def splat_items(self, ev: Evaluator) -> list[Any] | Unknown:
        self.instance.note(ev)
        return Unknown("", self.instance.as_unknown().refs)

    def note(self, ev: Evaluator) -> None:
        self.instance.note(ev)

    def as_unknown(self) -> Unknown:
        return self.instance.as_unknown()


class Expandable(Generic[T]):
    """A ``resource``/``data``/``module`` block and its instances (``count``/``for_each``)."""

    module: ModuleInstance
    decl: Decl
    base: str

    def __init__(self) -> None:
        self._instances: list[T] | None = None
        self.expanding = False
        self.kind = "single"  # single | count | for_each | unknown
        #: the ``count``/``for_each`` as written, when it cannot be evaluated (for messages)
        self.unknown_expansion = ""
        self.meta_acc = Acc()

    def make(
        self,
        key: int | str | None,
        *,
        unknown_count: bool = False,
        each_value: Any = None,
        unknown_refs: tuple[str, ...] = (),
    ) -> T:
        raise NotImplementedError

    def meta_attribute(self, attr: Attribute, path: str) -> Any:
        """Evaluate ``count``/``for_each`` (their references become edges at ``@count``...)."""
        be = BodyEval(
            self.module.loader, self.decl.file_of(attr.name), self.base, self.module.root.scope
        )
        return be.attribute(attr, self.module.scope, (path,), self.meta_acc)

    def instances(self, ev: Evaluator) -> list[T]:
        if self._instances is not None:
            return self._instances
        if self.expanding:  # count/for_each referring to the block itself
            return [self.make(None, unknown_count=True)]
        self.expanding = True
        try:
            self._instances = self._expand()
        finally:
            self.expanding = False
        return self._instances

    def _expand(self) -> list[T]:
        body = self.decl.block.body
        count = body.attrs.get("count")
        for_each = body.attrs.get("for_each")
        limit = self.module.loader.options.limits.max_expansion
        if count is not None:
            self.kind = "count"
            value = self.meta_attribute(count, "@count")
            try:
                if isinstance(value, Unknown | Lazy) or value is None:
                    raise EvalError("unknown count")
                n = max(0, to_int(value))
            except EvalError:
                self.kind = "unknown"
                self.unknown_expansion = f"count = {render(count.expr)}"
                refs = value.refs if isinstance(value, Unknown) else ()
                return [self.make(None, unknown_count=True, unknown_refs=refs)]
            if n > limit:
                self._over_limit("count", n, count)
                n = limit
            n = self._take(n, "count", count)
            return [self.make(i) for i in range(n)]
        if for_each is not None:
            self.kind = "for_each"
            value = self.meta_attribute(for_each, "@for_each")
            pairs = for_each_pairs(value)
            if pairs is None:
                self.kind = "unknown"
                self.unknown_expansion = f"for_each = {render(for_each.expr)}"
                refs = value.refs if isinstance(value, Unknown) else ()
                return [self.make(None, unknown_count=True, unknown_refs=refs)]
            if len(pairs) > limit:
                self._over_limit("for_each", len(pairs), for_each)
                pairs = pairs[:limit]
            pairs = pairs[: self._take(len(pairs), "for_each", for_each)]
            return [self.make(k, each_value=v) for k, v in pairs]
        return [self.make(None)]

    def _take(self, n: int, what: str, attr: Attribute) -> int:
        return self.module.loader.take_instances(
            n, what, self.decl.attr_range(attr), self.base, self.module.root.scope
        )

    def _over_limit(self, what: str, n: int, attr: Attribute) -> None:
        limit = self.module.loader.options.limits.max_expansion
        self.module.loader.report(
            Diagnostic(
                "SYS008",
                f"{what} creates {n} instances of {self.base}, over the {limit} limit "
                f"(limits.max_expansion); only the first {limit} were checked",
                self.decl.attr_range(attr),
                self.base,
                self.module.root.scope,
            )
        )

    def value(self, ev: Evaluator) -> Any:
        """What a reference to the block gives: an instance, a list, a map, or Unknown-ish."""
        insts = self.instances(ev)
        if self.kind == "single":
            return insts[0]
        if self.kind == "unknown":
            return UnknownCollection(insts[0])
        if self.kind == "count":
            return list(insts)
        return {str(i.key): i for i in insts}


def iteration_names(
    body: Body, key: int | str | None, each_value: Any, unknown_refs: tuple[str, ...]
) -> dict[str, Any]:
    """``count`` / ``each`` as an instance sees them (Unknown when the expansion is)."""
    if "count" in body.attrs:
        return {
            "count": {
                "index": key if isinstance(key, int) else Unknown("count.index", unknown_refs)
            }
        }
    if "for_each" in body.attrs:
        if key is None:
            return {
                "each": {
                    "key": Unknown("each.key", unknown_refs),
                    "value": Unknown("each.value", unknown_refs),
                }
            }
        return {"each": {"key": key, "value": each_value}}
    return {}


class ResourceGroup(Expandable["ResourceInstance"]):
    """One ``resource``/``data`` block in one module instance, and its instances."""

    def __init__(self, module: ModuleInstance, decl: Decl, mode: str) -> None:
        super().__init__()
        self.module = module
        self.decl = decl
        self.mode = mode
        self.type, self.name = decl.block.labels
        self.base = f"{module.prefix}{'data.' if mode == 'data' else ''}{self.type}.{self.name}"

    def make(
        self,
        key: int | str | None,
        *,
        unknown_count: bool = False,
        each_value: Any = None,
        unknown_refs: tuple[str, ...] = (),
    ) -> ResourceInstance:
        return ResourceInstance(
            self, key, unknown_count=unknown_count, each_value=each_value, unknown_refs=unknown_refs
        )


def for_each_pairs(value: Any) -> list[tuple[str, Any]] | None:
    """The (key, value) pairs a for_each value expands to; None when unknown."""
    if isinstance(value, Unknown | Lazy):
        return None
    if isinstance(value, dict):
        return [(k, value[k]) for k in sorted(value)]
    if isinstance(value, list):
        if any(has_unknown(v) for v in value):
            return None
        try:
            keys = sorted({key_str(v) for v in value})
        except EvalError:
            return None
        return [(k, k) for k in keys]
    return None  # null or not a collection: Terraform rejects it, nothing is claimed


class Instance(Lazy):
    """One instance of an expandable block: its address and the scope it evaluates in."""

    __slots__ = ("address", "group", "key", "scope", "unknown_count")

    def __init__(
        self,
        group: Expandable[Any],
        key: int | str | None,
        *,
        unknown_count: bool = False,
        each_value: Any = None,
        unknown_refs: tuple[str, ...] = (),
    ) -> None:
        self.group = group
        self.key = key
        self.unknown_count = unknown_count
        self.address = group.base + index_text(key)
        names = iteration_names(group.decl.block.body, key, each_value, unknown_refs)
        self.scope = group.module.scope.child(names) if names else group.module.scope

    def identity(self, name: str) -> NameTemplate | None:
        """The template of this instance's unknown attribute ``name``: its own identity,
        unless the instance stands for an unknown number of them (an unknown count or
        for_each, here or in a calling module), whose values differ."""
        if self.unknown_count or self.group.module.expansion_unknown:
            return None
        return leaf_template(f"{self.address}.{name}")


class ResourceInstance(Instance):
    """One instance of a resource or data source."""

    __slots__ = ("_policy", "busy", "members")
    group: ResourceGroup

    def __init__(
        self,
        group: ResourceGroup,
        key: int | str | None,
        *,
        unknown_count: bool = False,
        each_value: Any = None,
        unknown_refs: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            group,
            key,
            unknown_count=unknown_count,
            each_value=each_value,
            unknown_refs=unknown_refs,
        )
        self.members: dict[str, Member] = {}
        self.busy: set[str] = set()
        self._policy: Any = None

    @property
    def module(self) -> ModuleInstance:
        return self.group.module

    @property
    def body(self) -> Body:
        return self.group.decl.block.body

    def member(self, ev: Evaluator, name: str) -> Member:
        hit = self.members.get(name)
        if hit is not None:
            return hit
        if name in self.busy:
            return Member(Unknown(f"{self.address}.{name}", (self.address,)), Acc())
        self.busy.add(name)
        try:
            acc = Acc()
            be = BodyEval(
                self.module.loader,
                self.group.decl.file_of(name),
                self.address,
                self.module.root.scope,
            )
            value = be.member(self.body, name, self.scope, (), acc)
            m = Member(value, acc)
            self.members[name] = m
            return m
        finally:
            self.busy.discard(name)

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        ev.record(self.address, name, True)
        group = self.group
        if (
            group.mode == "data"
            and group.type == "aws_iam_policy_document"
            and name
            in (
                "json",
                "minified_json",
            )
        ):
            doc = self.policy(ev)
            text = doc.json if name == "json" else doc.minified
            if text is None:
                from .policy import DocumentUnknown

                return DocumentUnknown(f"{self.address}.{name}", (self.address,), doc.document)
            return text
        secret = SECRET_ATTRS.get((group.mode, group.type), frozenset())
        configured = name not in RESOURCE_META and has_member(self.body, name)
        if (secret is None and not configured) or (secret and name in secret):
            return Unknown("", (self.address,), secret=True)
        if configured:
            value = self.member(ev, name).value
            return None if value is MISSING else value
        return Unknown("", (self.address,), template=self.identity(name))

    def get_index(self, ev: Evaluator, key: Any) -> Any:
        raise EvalError(f"{self.address} is not a list")

    def note(self, ev: Evaluator) -> None:
        ev.record(self.address, None, True)

    def as_unknown(self) -> Unknown:
        return Unknown(self.address, (self.address,))

    def policy(self, ev: Evaluator) -> Any:
        if self._policy is None:
            from .policy import policy_document

            values = {
                name: self.member(ev, name).value
                for name in (
                    "statement",
                    "version",
                    "policy_id",
                    "source_policy_documents",
                    "override_policy_documents",
                )
            }
            self._policy = policy_document(values, self.address)
        return self._policy


# --------------------------------------------------------------------------
# Module calls
# --------------------------------------------------------------------------


class CallGroup(Expandable["CallInstance"]):
    """One ``module`` block in one module instance, and its instances."""

    def __init__(self, module: ModuleInstance, name: str, decl: Decl) -> None:
        super().__init__()
        self.module = module
        self.name = name
        self.decl = decl
        self.base = f"{module.prefix}module.{name}"
        self._resolved: tuple[ModuleConfig | None, str] | None = None
        self.module_key = f"{module.module_key}.{name}" if module.module_key else name

    def source(self) -> str | None:
        attr = self.decl.attr("source")
        return literal_string(attr.expr) if attr else None

    def resolve(self) -> tuple[ModuleConfig | None, str]:
        """The configuration this call loads (or None) and the directory's display path."""
        if self._resolved is None:
            self._resolved = self._resolve()
        return self._resolved

    def _problem(self, rule: str, message: str, source: str = "") -> tuple[None, str]:
        self.module.loader.report(
            Diagnostic(rule, message, self.decl.range(), self.base, self.module.root.scope, source)
        )
        return None, ""

    def _resolve(self) -> tuple[ModuleConfig | None, str]:
        loader = self.module.loader
        options = loader.options
        src = self.source()
        if src is None:
            return self._problem(
                "SYS007", f"{self.base}: the module source must be a literal string"
            )
        if is_local_source(src):
            target = Path(os.path.normpath(self.module.config.dir / src))
            label = f"local module {src}"
        else:
            mj = self.module.root.modules_json()
            entry = mj.get(self.module_key) if mj else None
            if entry is None:
                return self._problem(
                    "SYS006",
                    f"{self.base}: source {src} is not available locally; run `terraform "
                    "init` before scanning so its resources are checked",
                    src,
                )
            target = Path(os.path.normpath(entry[1]))
            label = f"module {src} (from .terraform/modules)"
        loader.note_dir(target)
        if not options.inside_root(target):
            return self._problem(
                "SYS007",
                f"{self.base}: {label} resolves to {options.display(target)}, outside the "
                f"scanned repository ({options.display(options.root)}); it was not loaded",
            )
        if not target.is_dir():
            return self._problem(
                "SYS007", f"{self.base}: {label} does not exist ({options.display(target)})"
            )
        real = options.resolve(target)
        chain = self.module.dir_chain()
        if real in chain:
            return self._problem(
                "SYS007",
                f"{self.base}: module cycle: {options.display(real)} calls itself through "
                + " -> ".join(options.display(d) for d in [*chain, real]),
            )
        depth = self.module.depth + 1
        if depth > options.limits.max_module_depth:
            return self._problem(
                "SYS007",
                f"{self.base}: modules nest deeper than {options.limits.max_module_depth} "
                "levels (limits.max_module_depth); the module was not loaded",
            )
        cfg = loader.config(real)
        loader.emit_config_diagnostics(cfg, self.module.root.scope)
        return cfg, options.display(real)

    def make(
        self,
        key: int | str | None,
        *,
        unknown_count: bool = False,
        each_value: Any = None,
        unknown_refs: tuple[str, ...] = (),
    ) -> CallInstance:
        return CallInstance(
            self, key, unknown_count=unknown_count, each_value=each_value, unknown_refs=unknown_refs
        )


class CallInstance(Instance):
    """One instance of a module call; its child module is created on first use."""

    __slots__ = ("_child", "_made", "args")
    group: CallGroup

    def __init__(
        self,
        group: CallGroup,
        key: int | str | None,
        *,
        unknown_count: bool = False,
        each_value: Any = None,
        unknown_refs: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            group,
            key,
            unknown_count=unknown_count,
            each_value=each_value,
            unknown_refs=unknown_refs,
        )
        self.args: dict[str, tuple[Any, Acc]] = {}
        self._child: ModuleInstance | None = None
        self._made = False

    def arg(self, ev: Evaluator, name: str) -> tuple[Any, Acc] | None:
        """A module input as the caller evaluates it (memoised)."""
        hit = self.args.get(name)
        if hit is not None:
            return hit
        attr = self.group.decl.block.body.attrs.get(name)
        if attr is None or name in MODULE_META:
            return None
        acc = Acc()
        be = BodyEval(
            self.group.module.loader,
            self.group.decl.file_of(name),
            self.address,
            self.group.module.root.scope,
        )
        self.args[name] = (Unknown(f"{self.address}.{name}", (self.address,)), acc)
        value = be.attribute(attr, self.scope, (name,), acc)
        self.args[name] = (value, acc)
        return value, acc

    def child(self) -> ModuleInstance | None:
        if not self._made:
            self._made = True
            cfg, _ = self.group.resolve()
            parent = self.group.module
            if cfg is not None and parent.loader.take_module_instance(
                self.address, self.group.decl.range(), parent.root.scope
            ):
                self._child = ModuleInstance(
                    parent.loader, parent.root, cfg, self.address + ".", parent, self
                )
        return self._child

    def get_attr(self, ev: Evaluator, name: str) -> Any:
        child = self.child()
        if child is None:
            ev.record(self.address, name, True)
            return Unknown("", (self.address,), template=self.identity(name))
        if name not in child.config.outputs:
            raise EvalError(f'{self.address} has no output "{name}"')
        slot = child.output_slot(ev, name)
        ev.record(f"{child.prefix}output.{name}", None, False)
        ev.record_all(slot.terminal)
        return slot.value

    def note(self, ev: Evaluator) -> None:
        ev.record(self.address, None, True)

    def as_unknown(self) -> Unknown:
        return Unknown(self.address, (self.address,))


# --------------------------------------------------------------------------
# Providers
# --------------------------------------------------------------------------


class ProviderConf:
    """A provider configuration a resource uses (possibly implicit: no block)."""

    def __init__(self, address: str, module: ModuleInstance | None, decl: Decl | None) -> None:
        self.address = address
        self.module = module
        self.decl = decl
        self.members: dict[str, Member] = {}

    def member(self, name: str) -> Member:
        hit = self.members.get(name)
        if hit is not None:
            return hit
        if self.decl is None or self.module is None:
            return Member(MISSING, Acc())
        acc = Acc()
        be = BodyEval(
            self.module.loader, self.decl.file_of(name), self.address, self.module.root.scope
        )
        self.members[name] = Member(Unknown(self.address, ()), acc)
        value = be.member(self.decl.block.body, name, self.module.scope, (), acc)
        m = Member(value, acc)
        self.members[name] = m
        return m

    def default_tags(self) -> Any:
        """The provider's ``default_tags.tags`` (dict or Unknown), None when it has none."""
        if self.decl is None or not has_member(self.decl.block.body, "default_tags"):
            return None
        value = self.member("default_tags").value
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            tags = value.get("tags")
            return tags if isinstance(tags, dict | Unknown) else None
        if isinstance(value, Unknown):
            return value
        return None


# --------------------------------------------------------------------------
# Module instances and roots
# --------------------------------------------------------------------------


#: what ``terraform workspace new`` accepts (anything else in .terraform/environment is
#: not a workspace terraform selected: "default")
_WORKSPACE_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,90}")


def _where(origin: Origin) -> str:
    r = origin.range
    return f"{r.file}:{r.start_line}" if r is not None else origin.via


class RootContext:
    """A root module being evaluated: its scope name, directory and variable values."""

    def __init__(self, loader: Loader, directory: Path) -> None:
        self.loader = loader
        self.dir = directory
        self.scope = loader.options.display(directory)
        self._modules_json: dict[str, tuple[str, Path]] | None = None
        self._mj_read = False
        self.var_inputs: dict[str, tuple[Any, bool, Origin]] = {}
        self.workspace_name = self.workspace()

    def modules_json(self) -> dict[str, tuple[str, Path]] | None:
        if not self._mj_read:
            self._mj_read = True
            self.loader.note_file(self.dir / ".terraform" / "modules" / "modules.json")
            self._modules_json = read_modules_json(
                self.dir, self.loader.options, self.loader.sources, self.loader.report
            )
        return self._modules_json

    def collect_var_inputs(self, declared: Iterable[str]) -> None:
        """Variable values from TF_VAR_*, tfvars files, --var-file and --var, by precedence.

        Terraform's order, later wins: ``TF_VAR_*``, ``terraform.tfvars(.json)``,
        ``*.auto.tfvars(.json)`` in lexical order, then ``-var-file`` and ``-var`` in
        command-line order.  A value for a variable the root does not declare
        (Terraform warns about files and rejects ``-var``) is noted in the root's
        record (see :func:`soc2lint.terraform.undeclared_warnings`); ``TF_VAR_*``
        ones are not (the environment may hold other configurations' variables).
        """
        options = self.loader.options
        names = set(declared)
        out: dict[str, tuple[Any, bool, Origin]] = {}
        for key in sorted(options.env):
            if key.startswith("TF_VAR_") and key[7:] in names:
                out[key[7:]] = (options.env[key], True, Origin(key, None, f"var.{key[7:]}"))
        own: list[Path] = []
        self.loader.note_dir(self.dir)
        try:
            listed = self.loader.sources.entries(self.dir)
        except OSError:
            listed = []
        present = {name for name, _, is_file in listed if is_file}
        for name in ("terraform.tfvars", "terraform.tfvars.json"):
            if name in present:
                own.append(self.dir / name)
        own.extend(
            self.dir / name
            for name in sorted(present)
            if name.endswith((".auto.tfvars", ".auto.tfvars.json"))
        )
        args: list[tuple[str, str, str]] = list(options.var_args) or [
            *(("file", str(f), "") for f in options.var_files),
            *(("var", k, v) for k, v in options.vars.items()),
        ]
        undeclared: list[tuple[str, str, str]] = []
        for f in own:
            for name, value, origin in self._read_tfvars(f):
                if name in names:
                    out[name] = (value, False, origin)
                else:
                    undeclared.append(("own", name, _where(origin)))
        for kind, first, second in args:
            if kind == "file":
                path = Path(first) if Path(first).is_absolute() else options.base / first
                for name, value, origin in self._read_tfvars(path):
                    if name in names:
                        out[name] = (value, False, origin)
                    else:
                        undeclared.append(("shared", name, _where(origin)))
            elif first in names:
                out[first] = (second, True, Origin(f"--var {first}", None, f"var.{first}"))
            else:
                undeclared.append(("shared", first, "--var"))
        self.var_inputs = out
        record = self.loader.record
        if record is not None:
            record.undeclared.extend(undeclared)

    def workspace(self) -> str:
        """``terraform.workspace``: the option, else ``TF_WORKSPACE``, else the workspace
        ``terraform workspace select`` recorded in ``.terraform/environment``."""
        options = self.loader.options
        if options.workspace is not None:
            return options.workspace
        from_env = options.env.get("TF_WORKSPACE")
        if from_env:
            return from_env
        path = self.dir / ".terraform" / "environment"
        self.loader.note_file(path)
        try:
            text = self.loader.sources.read(path)[:256].decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return "default"
        return text if _WORKSPACE_NAME.fullmatch(text) else "default"

    def _read_tfvars(self, path: Path) -> list[tuple[str, Any, Origin]]:
        loader = self.loader
        display = loader.options.display(path)
        if path.name.endswith(".json"):
            return self._read_tfvars_json(path, display)
        pf = loader.parse(path)
        for prob in pf.problems:
            loader.report(
                Diagnostic(
                    "SYS008" if prob.limit else "SYS001",
                    prob.message,
                    Range(display, prob.line, prob.column, prob.end_line, prob.end_column),
                    display,
                    self.scope,
                )
            )
        if pf.body is None:
            return []
        out = []
        for name, attr in pf.body.attrs.items():
            rng = Range(display, *attr.pos)
            value, _ = loader.ev.evaluate(
                attr.expr, Scope(NULL_RESOLVER), Site(rng, f"var.{name}", self.scope)
            )
            out.append((name, value, Origin(display, rng, f"var.{name}")))
        return out

    def _read_tfvars_json(self, path: Path, display: str) -> list[tuple[str, Any, Origin]]:
        from ..frontend import SourceError
        from .jsonpos import JsonSyntaxError, parse_json, to_python

        loader = self.loader
        loader.note_read(display)
        loader.note_file(path)
        try:
            # confined to the repository like a .tfvars file (read_source_file)
            text = loader.options.read_source_file(path, loader.sources)
            node = parse_json(text)
        except SourceError as exc:
            loader.report(
                Diagnostic(
                    "SYS008" if exc.limit else "SYS001",
                    exc.message,
                    Range(display, exc.line, exc.column),
                    display,
                    self.scope,
                )
            )
            return []
        except JsonSyntaxError as exc:
            loader.report(
                Diagnostic(
                    "SYS001", exc.message, Range(display, exc.line, exc.column), display, self.scope
                )
            )
            return []
        except RecursionError:
            loader.report(
                Diagnostic(
                    "SYS001", "JSON nested too deeply", Range(display, 1, 1), display, self.scope
                )
            )
            return []
        if node.kind != "obj":
            loader.report(
                Diagnostic(
                    "SYS001",
                    "a .tfvars.json file must hold a JSON object",
                    Range(display, 1, 1),
                    display,
                    self.scope,
                )
            )
            return []
        out = []
        for key, kpos, value in node.value:
            rng = Range(display, kpos[0], kpos[1], value.pos[2], value.pos[3])
            out.append((key, to_python(value), Origin(display, rng, f"var.{key}")))
        return out


class ModuleInstance(Resolver):
    """One instance of a module (the root, or a module call instance)."""

    scope: Scope
    module_key: str
    depth: int

    def __init__(
        self,
        loader: Loader,
        root: RootContext,
        config: ModuleConfig,
        prefix: str,
        parent: ModuleInstance | None,
        call: CallInstance | None,
    ) -> None:
        self.loader = loader
        self.root = root
        self.config = config
        self.prefix = prefix
        self.parent = parent
        self.call = call
        self.depth = parent.depth + 1 if parent else 0
        #: this instance, or a module calling it, has an unknown count/for_each: it stands
        #: for instances whose values differ
        self.expansion_unknown: bool = bool(
            (call is not None and call.unknown_count)
            or (parent is not None and parent.expansion_unknown)
        )
        self.module_key = call.group.module_key if call else ""
        self.scope = Scope(self)
        rel = os.path.relpath(config.dir, loader.options.resolve(root.dir))
        self.path_module = Path(rel).as_posix()
        self.namespaces: dict[str, Any] = {
            "var": ValueNS(self, "var"),
            "local": ValueNS(self, "local"),
            "module": ModuleNS(self),
            "data": DataNS(self),
            "path": {
                "module": self.path_module,
                "root": ".",
                "cwd": root.dir.as_posix(),
            },
            "terraform": {"workspace": root.workspace_name},
            "self": Unknown("self"),
            "ephemeral": Unknown("ephemeral", (), secret=True),
        }
        self.var_slots: dict[str, Slot] = {}
        self.local_slots: dict[str, Slot] = {}
        self.output_slots: dict[str, Slot] = {}
        self.groups: dict[str, ResourceGroup] = {}
        self.calls: dict[str, CallGroup] = {}
        self.provider_map = self._provider_map()
        for name, cycle in sorted(config.local_cycles.items()):
            decl = config.locals[name]
            loader.report(
                Diagnostic(
                    "SYS007",
                    f"local.{name} is part of a reference cycle ("
                    + " -> ".join(f"local.{c}" for c in [*cycle, cycle[0]])
                    + "); its value is unknown",
                    Range(decl.file, *decl.attr.pos),
                    f"{prefix}local.{name}",
                    root.scope,
                )
            )

    # ---- name resolution ---------------------------------------------------

    def resolve_root(self, ev: Evaluator, name: str) -> Any:
        ns = self.namespaces.get(name)
        if ns is not None:
            return ns
        if name in self.config.resource_types:
            return TypeNS(self, "managed", name)
        if name in ("count", "each"):
            raise EvalError(f'"{name}" is only available with {name}')
        raise EvalError(f'unknown name "{name}"')

    def dir_chain(self) -> list[Path]:
        chain: list[Path] = []
        m: ModuleInstance | None = self
        while m is not None:
            chain.append(m.config.dir)
            m = m.parent
        return list(reversed(chain))

    def address_of(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}.{name}"

    # ---- variables, locals, outputs ---------------------------------------

    def var_slot(self, ev: Evaluator, name: str) -> Slot:
        slot = self.var_slots.get(name)
        if slot is not None:
            if slot.state == 1:
                return _cycle_slot(f"var.{name}", self.address_of("var", name))
            return slot
        slot = Slot()
        slot.state = 1
        self.var_slots[name] = slot
        decl = self.config.variables[name]
        address = self.address_of("var", name)
        type_attr = decl.attr("type")
        spec = ev.type_spec(type_attr.expr if type_attr else None)
        value: Any = MISSING
        refs: set[RefEntry] = set()
        origin: Origin | None = None
        if self.call is None:
            given = self.root.var_inputs.get(name)
            if given is not None:
                raw, is_string, origin = given
                value = self._from_string(raw, spec, decl) if is_string else raw
        else:
            arg = self.call.arg(ev, name)
            if arg is not None:
                value, acc = arg
                refs = {r for _, r in acc.refs}
                slot.acc = acc
                attr = self.call.group.decl.block.body.attrs[name]
                origin = acc.origins.get((name,))
                if origin is None and _is_literal(attr.expr):
                    origin = Origin(
                        f"{self.call.address} input {name}",
                        self.call.group.decl.attr_range(attr),
                        self.call.address,
                    )
        if value is MISSING:
            default = decl.attr("default")
            if default is not None:
                value, _ = ev.evaluate(default.expr, Scope(NULL_RESOLVER), None)
                origin = Origin(f"var.{name}", decl.attr_range(default), address)
            elif self.call is None:
                # a root variable without a value: the same string wherever it is used
                value = Unknown(f"var.{name}", (address,), template=leaf_template(address))
            else:
                value = Unknown(f"var.{name}", (address,))
        if value is None:
            nullable = decl.attr("nullable")
            if (
                nullable is not None
                and isinstance(nullable.expr, Lit)
                and nullable.expr.value is False
            ):
                default = decl.attr("default")
                if default is not None:
                    value, _ = ev.evaluate(default.expr, Scope(NULL_RESOLVER), None)
        value = self._convert(ev, value, spec)
        slot.origin = origin
        return slot.done(value, refs)

    def _convert(self, ev: Evaluator, value: Any, spec: TypeSpec) -> Any:
        if spec.kind == "any":
            return value

        def eval_default(e: Expr) -> Any:
            return ev.evaluate(e, Scope(NULL_RESOLVER), None)[0]

        try:
            return convert(value, spec, eval_default)
        except (EvalError, RecursionError):
            return value

    def _from_string(self, raw: Any, spec: TypeSpec, decl: Decl) -> Any:
        """A --var / TF_VAR_ value: HCL for non-primitive declared types, else a string."""
        if not isinstance(raw, str):
            return raw
        has_type = decl.attr("type") is not None
        if not has_type or spec.primitive:
            return raw
        try:
            expr = parse_expression(raw)
        except (HclSyntaxError, RecursionError):
            return raw
        value, _ = self.loader.ev.evaluate(expr, Scope(NULL_RESOLVER), None)
        return value

    def local_slot(self, ev: Evaluator, name: str) -> Slot:
        slot = self.local_slots.get(name)
        address = self.address_of("local", name)
        if slot is not None:
            if slot.state == 1:
                return _cycle_slot(f"local.{name}", address)
            return slot
        if name in self.config.local_cycles:
            slot = _cycle_slot(f"local.{name}", address)
            self.local_slots[name] = slot
            return slot
        slot = Slot()
        slot.state = 1
        self.local_slots[name] = slot
        decl = self.config.locals[name]
        be = BodyEval(self.loader, decl.file, address, self.root.scope)
        value = be.attribute(decl.attr, self.scope, ("value",), slot.acc)
        slot.origin = slot.acc.origins.get(("value",))
        return slot.done(value, {r for _, r in slot.acc.refs})

    def output_slot(self, ev: Evaluator, name: str) -> Slot:
        slot = self.output_slots.get(name)
        address = self.address_of("output", name)
        if slot is not None:
            if slot.state == 1:
                return _cycle_slot(f"output.{name}", address)
            return slot
        slot = Slot()
        slot.state = 1
        self.output_slots[name] = slot
        decl = self.config.outputs[name]
        attr = decl.attr("value")
        if attr is None:
            return slot.done(None, set())
        be = BodyEval(self.loader, decl.file_of("value"), address, self.root.scope)
        value = be.attribute(attr, self.scope, ("value",), slot.acc)
        return slot.done(value, {r for _, r in slot.acc.refs})

    # ---- resources and calls ----------------------------------------------

    def group(self, key: str) -> ResourceGroup | None:
        g = self.groups.get(key)
        if g is not None:
            return g
        if key.startswith("data."):
            decl = self.config.data.get(key[5:])
            mode = "data"
        else:
            decl = self.config.resources.get(key)
            mode = "managed"
        if decl is None:
            return None
        g = ResourceGroup(self, decl, mode)
        self.groups[key] = g
        return g

    def call_group(self, name: str) -> CallGroup | None:
        g = self.calls.get(name)
        if g is not None:
            return g
        decl = self.config.calls.get(name)
        if decl is None:
            return None
        g = CallGroup(self, name, decl)
        self.calls[name] = g
        return g

    # ---- providers ---------------------------------------------------------

    def _provider_map(self) -> dict[str, ProviderConf]:
        out: dict[str, ProviderConf] = {}
        parent = self.parent
        if parent is not None:
            for key, conf in parent.provider_map.items():
                if "." not in key:
                    out[key] = conf
            call_decl = self.call.group.decl if self.call else None
            providers = call_decl.attr("providers") if call_decl else None
            if providers is not None and isinstance(providers.expr, ObjectExpr):
                for k, v in providers.expr.items:
                    child_key = literal_string(k) if isinstance(k, Lit) else traversal_text(k)
                    parent_key = traversal_text(v)
                    if child_key and parent_key:
                        out[child_key] = parent.provider_map.get(
                            parent_key, ProviderConf(f"provider.{parent_key}", None, None)
                        )
        for decl in self.config.providers:
            name = decl.block.labels[0]
            alias_attr = decl.attr("alias")
            alias = literal_string(alias_attr.expr) if alias_attr else None
            key = f"{name}.{alias}" if alias else name
            out[key] = ProviderConf(f"{self.prefix}provider.{key}", self, decl)
        return out

    def provider_for(self, key: str) -> ProviderConf:
        conf = self.provider_map.get(key)
        if conf is None:
            conf = ProviderConf(f"provider.{key}", None, None)
            self.provider_map[key] = conf
        return conf


def _is_literal(expr: Expr) -> bool:
    if isinstance(expr, Lit):
        return True
    if isinstance(expr, TupleExpr):
        return all(_is_literal(i) for i in expr.items)
    if isinstance(expr, ObjectExpr):
        return all(_is_literal(k) and _is_literal(v) for k, v in expr.items)
    return False


def depends_on_addresses(expr: Expr | None) -> list[str]:
    if not isinstance(expr, TupleExpr):
        return []
    out = []
    for item in expr.items:
        text = traversal_text(item)
        if text:
            out.append(text)
    return out


def dismantle(inst: ModuleInstance) -> None:
    """Break the reference cycles of an evaluation whose nodes are built.

    Module instances, their scopes and namespaces, resource and call groups and
    their instances refer to each other; once the graph builder has taken what it
    needs, clearing those references lets reference counting free the whole
    evaluation at once, instead of leaving it to the cyclic collector (which walks
    every object of it: about as long as a good part of the evaluation took)."""
    stack = [inst]
    while stack:
        m = stack.pop()
        for call_group in m.calls.values():
            for ci in call_group._instances or ():
                child = ci._child
                if child is not None:
                    stack.append(child)
                ci._child = None
                ci.args = {}
            call_group._instances = None
        for group in m.groups.values():
            for ri in group._instances or ():
                ri.members = {}
            group._instances = None
        m.__dict__.clear()
