"""One template, evaluated into graph nodes (resources, parameters, outputs, the template).

A :class:`TemplateInstance` is a template evaluated in a scope: the
top-level template of a scan, or a nested stack's child template with the
parameters its parent passes (its addresses prefixed ``Parent/``).  It is
the :class:`~soc2lint.cloudformation.intrinsics.Environment` its evaluator
reads parameters, resources, mappings and child-stack outputs from.

:class:`Builder` walks a written value and produces the evaluated one,
recording on the way where every key and list element was written
(``locations``, as spans), which values came from a parameter (``origins``) and which
resources and parameters each attribute refers to (``ref`` edges).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path as FsPath
from typing import Any

from ..documents import STAND_IN, document_positions
from ..frontend import Diagnostic, LoadOptions, LoadResult, SourceError
from ..kinds import cloudformation_kind
from ..model import (
    Edge,
    Node,
    NodeMeta,
    Origin,
    PartialValue,
    Path,
    Range,
    Unknown,
    leaf_template,
    locate,
    make_range,
)
from ..record import record
from .conditions import Conditions, and3
from .decode import is_template
from .files import FileStore
from .foreach import expand_template, has_loops
from .intrinsics import (
    NOVALUE,
    STACK_TYPES,
    Evaluator,
    ParamInfo,
    ResourceInfo,
    StackOutput,
    dynamic_reference,
    intrinsic_name,
    merge_branches,
    render,
    to_text,
)
from .nested import cdk_asset_path, is_remote, local_path, template_property
from .nodes import Span, YDict, plain, plain_key, span_of
from .sam import adapt_sam, globals_by_type, is_sam, properties_with_globals

RESOURCE_ATTRIBUTES = (
    "Type",
    "Properties",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Condition",
    "Metadata",
    "DependsOn",
    "CreationPolicy",
    "UpdatePolicy",
)
#: each resource attribute and the path it is located at (``@Type``...)
_ATTRIBUTE_PATHS = tuple((name, (f"@{name}",)) for name in RESOURCE_ATTRIBUTES)


@record
class Session:
    """The evaluation of one top-level template and everything nested in it."""

    options: LoadOptions
    store: FileStore
    root: FsPath
    scope: str
    result: LoadResult
    #: (src address, Edge without scope) collected, scoped when the session ends
    edges: list[Edge] = field(default_factory=list)
    node_ids: set[str] = field(default_factory=set)
    #: node ids by address and the paths of its nodes' locations and references, each
    #: one object that every node and edge holding it shares: pickled once, and
    #: ``shared_edges`` finds nothing to share
    ids: dict[str, str] = field(default_factory=dict)
    paths: dict[Any, Any] = field(default_factory=dict)

    def node_id(self, address: str) -> str:
        known = self.ids.get(address)
        if known is None:
            known = self.ids[address] = f"{self.scope}::{address}"
        return known

    def add_node(self, node: Node) -> bool:
        if node.id in self.node_ids:
            return False
        node.id = self.ids.setdefault(node.address, node.id)
        self.node_ids.add(node.id)
        self.result.nodes.append(node)
        return True

    def diagnostic(
        self,
        rule_id: str,
        message: str,
        rng: Range,
        address: str,
        *,
        scope: str | None = None,
        source: str = "",
    ) -> None:
        self.result.diagnostics.append(
            Diagnostic(
                rule_id, message, rng, address, self.scope if scope is None else scope, source
            )
        )

    def list_file(self, path: FsPath) -> None:
        """Name ``path`` among the files read (once per scan)."""
        if path not in self.store.listed:
            self.store.listed.add(path)
            self.store.listed_order.append(path)
            self.result.files.append(self.options.display(path))

    def report_file_problems(self, path: FsPath, display: str) -> None:
        """Report a file's read or decode problems, once per scan."""
        if path in self.store.reported:
            return
        self.store.reported.add(path)
        entry = self.store.entry(path)
        if entry.error is not None:
            err: SourceError = entry.error
            self.diagnostic(
                "SYS008" if err.limit else "SYS001",
                err.message,
                Range(display, err.line, err.column),
                display,
            )
            return
        if entry.decoded is None:
            return
        for p in entry.decoded.problems:
            self.diagnostic(
                "SYS008" if p.limit else "SYS001",
                p.message,
                Range(display, p.line, p.column, p.end_line, p.end_column),
                display,
            )

    def finish(self) -> None:
        """Keep the edges whose both ends are nodes, without duplicates."""
        seen: set[tuple[Any, ...]] = set()
        for e in self.edges:
            key = (e.src, e.dst, e.kind, e.src_path, e.dst_attr)
            if e.src == e.dst or key in seen:
                continue
            if e.src in self.node_ids and e.dst in self.node_ids:
                seen.add(key)
                self.result.edges.append(e)


@record
class Collector:
    """What a :class:`Builder` records while it evaluates one node's attributes."""

    #: where each attribute is written (``Node.locations``, built from these when read)
    locations: dict[Path, Span] = field(default_factory=dict)
    origins: dict[Path, Origin] = field(default_factory=dict)
    #: (attribute path, referenced address, referenced attribute)
    refs: list[tuple[Path, str, str | None]] = field(default_factory=list)


#: an ``Fn::Sub`` variable (``${!Literal}`` is literal text)
_SUB_PLACEHOLDER = re.compile(r"\$\{(?!!)[^}]*\}")


class Builder:
    """Evaluates written values structurally, keeping positions, origins and references."""

    def __init__(self, ev: Evaluator, file: str) -> None:
        self.ev = ev
        self.file = file

    def range(self, span: Span | None) -> Range | None:
        if span is None:
            return None
        return make_range(self.file, span[0], span[1], span[2], span[3])

    def entry_range(self, key: Any, value: Any, parent: Any) -> Range | None:
        """From the key through the end of its value."""
        return self.range(entry_span(key, value, parent))

    def build(self, x: Any, path: Path, col: Collector) -> Any:
        if isinstance(x, dict):
            fn = intrinsic_name(x) if len(x) == 1 else None
            if fn == "Fn::If":
                return self._build_if(x, path, col)
            if fn is not None:
                sink: list[tuple[str, str | None]] = []
                value, origin = self.ev.value_with_origin(x, sink)
                col.refs.extend((path, addr, attr) for addr, attr in sink)
                if origin is not None and value is not NOVALUE:
                    col.origins[path] = origin
                if fn == "Fn::Sub" and isinstance(value, PartialValue | str):
                    arg = x[fn]
                    self._document_locations(
                        arg[0] if isinstance(arg, list) and arg else arg, path, col
                    )
                return value
            out: dict[Any, Any] = {}
            for k, v in x.items():
                key = str(k) if isinstance(k, str) else k  # plain_key, without a call
                sub = (*path, key)
                value = self.build(v, sub, col)
                span = entry_span(k, v, x)
                if value is NOVALUE:
                    # written, then removed by AWS::NoValue: a finding about the
                    # missing setting points at what removed it
                    if span is not None:
                        col.locations.setdefault(sub, span)
                    continue
                out[key] = value
                if span is not None:
                    col.locations[sub] = span
            return out
        if isinstance(x, list):
            items: list[Any] = []
            whole = span_of(x)
            for item in x:
                sub = (*path, len(items))
                value = self.build(item, sub, col)
                if value is NOVALUE:
                    continue
                items.append(value)
                span = span_of(item) or whole
                if span is not None:
                    col.locations[sub] = span
            return items
        if isinstance(x, str):
            if "\n" in x and path and x.lstrip()[:1] in ("{", "["):
                self._document_locations(x, path, col)
            return dynamic_reference(str(x))
        return x

    def _document_locations(self, text: Any, path: Path, col: Collector) -> None:
        """Where the elements of a JSON or YAML document written as a YAML block literal
        (``DefinitionString: !Sub |``) are: each on its own line of the block."""
        span = span_of(text)
        if not isinstance(text, str) or span is None or "\n" not in text:
            return
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        if span[2] - span[0] != len(lines):
            return  # folded, quoted or flow: its lines are not the file's
        indent = span[3] - 1 - len(lines[-1])
        source = _SUB_PLACEHOLDER.sub(lambda m: STAND_IN * len(m.group(0)), str(text))
        for p, (l1, c1, l2, c2) in document_positions(source, path).items():
            col.locations[p] = (span[0] + l1, indent + c1, span[0] + l2, indent + c2)

    def _build_if(self, x: Any, path: Path, col: Collector) -> Any:
        parts = self.ev.if_parts(x["Fn::If"])
        if parts is None:
            return self.ev.value(x, [])
        cond, when_true, when_false, _name = parts
        if cond is not None:
            return self.build(when_true if cond else when_false, path, col)
        left, right = Collector(), Collector()
        a = self.build(when_true, path, left)
        b = self.build(when_false, path, right)
        merged = merge_branches(a, b, render(x))
        col.refs.extend(left.refs)
        col.refs.extend(right.refs)
        if merged is NOVALUE:
            return merged
        for side in (left, right):
            for p, rng in side.locations.items():
                col.locations.setdefault(p, rng)
            for p, origin in side.origins.items():
                known = _value_at(merged, p[len(path) :])
                if known is not None and not isinstance(known, Unknown):
                    col.origins.setdefault(p, origin)
        return merged


def entry_span(key: Any, value: Any, parent: Any) -> Span | None:
    """From the key through the end of its value."""
    ks: Span | None = getattr(key, "span", None)  # span_of, without a call each
    vs: Span | None = getattr(value, "span", None)
    if vs is None:
        value_spans = getattr(parent, "value_spans", None)
        if value_spans:
            vs = value_spans.get(key)
    if ks is None:
        return vs
    if vs is not None and vs[2:] >= ks[2:]:
        return (ks[0], ks[1], vs[2], vs[3])
    return ks


def _value_at(value: Any, rel: Path) -> Any:
    for elem in rel:
        if isinstance(value, dict):
            if elem not in value:
                return None
            value = value[elem]
        elif isinstance(value, list) and isinstance(elem, int) and 0 <= elem < len(value):
            value = value[elem]
        else:
            return None
    return value


@record(frozen=True)
class PassedValue:
    """A parameter value a parent stack passes to its child."""

    value: Any
    origin: Origin | None
    targets: tuple[tuple[str, str | None], ...] = ()


def _is_list_type(ptype: str) -> bool:
    return ptype == "CommaDelimitedList" or ptype.startswith("List<")


def typed_parameter_value(ptype: str, raw: Any) -> Any:
    """A parameter value as ``Ref`` returns it: list types split, scalars as strings."""
    if isinstance(raw, Unknown):
        return raw
    if _is_list_type(ptype):
        if isinstance(raw, str):
            return [dynamic_reference(s.strip()) for s in str(raw).split(",")] if raw else []
        if isinstance(raw, list):
            return [_scalar_parameter(v) for v in raw]
        return [_scalar_parameter(raw)]
    if ptype == "Number" and isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw
    return _scalar_parameter(raw)


def _scalar_parameter(raw: Any) -> Any:
    text = to_text(raw)
    return raw if text is None else dynamic_reference(text)


class TemplateInstance:
    """A template evaluated in a scope (a root template, or a nested stack's child)."""

    def __init__(
        self,
        session: Session,
        path: FsPath,
        template: YDict,
        *,
        prefix: str = "",
        stack_path: tuple[str, ...] = (),
        stack_addresses: tuple[str, ...] = (),
        chain: tuple[FsPath, ...] = (),
        passed: dict[str, PassedValue] | None = None,
        passed_unknown: Unknown | None = None,
        inherited: bool | None = True,
    ) -> None:
        self.session = session
        self.options: LoadOptions = session.options
        self.path = path
        self.display = session.options.display(path)
        self.template = template
        self.prefix = prefix
        self.stack_path = stack_path
        self.stack_addresses = stack_addresses
        self.chain = chain or (path,)
        self.passed = passed
        self.passed_unknown = passed_unknown
        self.inherited = inherited
        self.params: dict[str, ParamInfo] = {}
        self.resources_info: dict[str, ResourceInfo] = {}
        self.bodies: dict[str, tuple[Any, Any]] = {}
        #: resources whose Type is a pre-processor tag (`!Rain::Module x.yaml`):
        #: logical ID -> (key, body, tag, argument)
        self.preprocessor_modules: dict[str, tuple[Any, Any, str, Any]] = {}
        self.outputs: dict[str, StackOutput] = {}
        self._bind_conditions(template)
        self.sam_globals = globals_by_type(template) if is_sam(template) else {}
        self._children: dict[str, TemplateInstance | None] = {}
        self._loading: set[str] = set()
        mappings = template.get("Mappings")
        self._mappings: Mapping[Any, Any] = mappings if isinstance(mappings, dict) else {}

    def release(self) -> None:
        """Break the cycle between this instance and its evaluator (and its children's),
        once evaluated: the front end runs with the cyclic collector paused, so otherwise
        nothing of the evaluation (the decoded template, the nodes) would be freed."""
        for child in self._children.values():
            if child is not None:
                child.release()
        del self.ev, self.builder

    # ---- Environment ---------------------------------------------------------

    @property
    def mappings(self) -> Mapping[Any, Any]:
        return self._mappings

    def parameter(self, name: str) -> ParamInfo | None:
        return self.params.get(name)

    def resource(self, name: str) -> ResourceInfo | None:
        return self.resources_info.get(name)

    def stack_output(self, logical_id: str, output: str) -> StackOutput | None:
        child = self.child(logical_id)
        return None if child is None else child.outputs.get(output)

    # ---- evaluation ----------------------------------------------------------

    def run(self) -> None:
        self._resolve_parameters()
        if has_loops(self.template):
            self._expand_loops()
        self._collect_resources()
        self._emit_template_node()
        self._emit_parameter_nodes()
        for lid, info in self.resources_info.items():
            if not info.exists:
                continue
            key, body = self.bodies[lid]
            try:
                self._emit_resource(lid, key, body, info)
            except RecursionError:
                self._resource_error(lid, key, "is nested too deeply to evaluate")
            except Exception as exc:  # one resource must not stop the template
                self._resource_error(
                    lid, key, f"could not be evaluated ({type(exc).__name__}: {exc})"
                )
        for lid, (key, body, tag, arg) in self.preprocessor_modules.items():
            try:
                self._emit_preprocessor_module(lid, key, body, tag, arg)
            except RecursionError:
                self._resource_error(lid, key, "is nested too deeply to evaluate")
            except Exception as exc:  # one resource must not stop the template
                self._resource_error(
                    lid, key, f"could not be evaluated ({type(exc).__name__}: {exc})"
                )
        self._emit_outputs()

    def _expand_loops(self) -> None:
        """Expand ``Fn::ForEach`` (AWS::LanguageExtensions) once the parameters are known."""

        def resolve_list(name: str) -> list[str] | None:
            info = self.params.get(name)
            value = None if info is None else info.value
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return [str(v) for v in value]
            return None

        limits = self.options.limits
        expanded, problems = expand_template(
            self.template,
            resolve_list,
            max_copies=limits.max_expansion,
            budget=min(limits.max_total_instances, limits.max_expansion),
        )
        for p in problems:
            rng = self.builder.range(p.span) or Range(self.display, 1, 1)
            self.session.diagnostic(p.rule, p.message, rng, self.prefix + p.loop)
        self.template = expanded
        # the sections a loop may create entries in are read again from the expansion
        self._bind_conditions(expanded)

    def _bind_conditions(self, template: YDict) -> None:
        """The template's conditions, and the evaluator and builder that use them."""
        self.conditions = Conditions(template.get("Conditions"))
        self.ev = Evaluator(self, self.conditions, self.options.limits.max_eval_steps)
        self.builder = Builder(self.ev, self.display)

    def _resource_error(self, lid: str, key: Any, what: str) -> None:
        rng = self.builder.range(span_of(key)) or Range(self.display, 1, 1)
        self.session.diagnostic(
            "SYS001", f"resource {lid} {what}; it is not checked", rng, self.prefix + lid
        )

    def _resolve_parameters(self) -> None:
        section = self.template.get("Parameters")
        if not isinstance(section, dict):
            return
        cli = self.options.cfn_parameters if self.passed is None else {}
        for key, definition in section.items():
            if not isinstance(definition, dict):
                continue
            name = str(key)
            address = self.prefix + name
            ptype = definition.get("Type")
            ptype = str(ptype) if isinstance(ptype, str) else "String"
            origin: Origin | None = None
            targets: tuple[tuple[str, str | None], ...] = ()
            raw: Any
            if self.passed is not None and name in self.passed:
                pv = self.passed[name]
                raw, origin, targets = pv.value, pv.origin, pv.targets
            elif self.passed_unknown is not None:
                raw = self.passed_unknown
            elif name in cli:
                raw = cli[name]
                origin = Origin(via="--cfn-parameters", range=None, address=address)
            elif "Default" in definition:
                raw = plain(definition["Default"])
                origin = Origin(
                    via=f"parameter {name}",
                    range=self.builder.entry_range(
                        _key_of(definition, "Default"), definition["Default"], definition
                    ),
                    address=address,
                )
            else:
                # a parameter without a value: the same string wherever it is used
                raw = Unknown(f"!Ref {name}", (address,), template=leaf_template(address))
            if ptype.startswith("AWS::SSM::Parameter::Value<"):
                shown = to_text(raw) if not isinstance(raw, Unknown) else None
                expr = f"!Ref {name}" + (f" (SSM parameter {shown})" if shown else "")
                value: Any = Unknown(expr, (address,), template=leaf_template(address))
                origin = None
            else:
                value = typed_parameter_value(ptype, raw)
                if isinstance(value, Unknown):
                    origin = None
            self.params[name] = ParamInfo(address, value, origin, targets)

    def _module_source(self, arg: object) -> str:
        """A pre-processor module's file as the scan names files (two templates naming
        ``bucket.yaml`` in different directories use two modules), or its text."""
        if isinstance(arg, str) and arg.strip() and not is_remote(arg):
            return self.options.display(local_path(arg.strip(), self.path))
        return str(arg)

    def _collect_resources(self) -> None:
        section = self.template.get("Resources")
        if not isinstance(section, dict):
            return
        for key, body in section.items():
            lid = str(key)
            if lid.startswith("Fn::ForEach::"):
                # loops are expanded when the template declares the transform (see run)
                self.session.diagnostic(
                    "SYS006",
                    f"{lid} needs `Transform: AWS::LanguageExtensions`, which the template "
                    "does not declare; the resources it creates are not checked",
                    self.builder.range(span_of(key)) or Range(self.display, 1, 1),
                    self.prefix + lid,
                )
                continue
            rtype = body.get("Type") if isinstance(body, dict) else None
            if isinstance(rtype, dict) and len(rtype) == 1:
                # a tag such as `Type: !Rain::Module x.yaml`: a pre-processor's module,
                # expanded before deploy by another tool; not an error in the template
                ((tag, arg),) = rtype.items()
                tag_name = str(tag).removeprefix("Fn::")
                self.session.diagnostic(
                    "SYS006",
                    f"resource {lid} is a {tag_name} ({arg}) that soc2lint does not expand; "
                    "the resources it creates are not checked",
                    self.builder.range(span_of(key)) or Range(self.display, 1, 1),
                    self.prefix + lid,
                    source=f"{tag_name} {self._module_source(arg)}",
                )
                self.preprocessor_modules[lid] = (key, body, tag_name, arg)
                continue
            if not isinstance(body, dict) or not isinstance(rtype, str):
                self.session.diagnostic(
                    "SYS001",
                    f"resource {lid} has no Type; it is not checked",
                    self.builder.range(span_of(key)) or Range(self.display, 1, 1),
                    self.prefix + lid,
                )
                continue
            exists = and3(self.inherited, self._own_condition(body)) is not False
            self.resources_info[lid] = ResourceInfo(self.prefix + lid, str(body["Type"]), exists)
            self.bodies[lid] = (key, body)

    # ---- nodes ---------------------------------------------------------------

    def _base_meta(self) -> NodeMeta:
        meta: NodeMeta = {"template": self.display}
        if self.stack_path:
            meta["stack_path"] = list(self.stack_path)
            meta["module_calls"] = list(self.stack_addresses)
        return meta

    def _add(self, node: Node, col: Collector | None) -> None:
        if not self.session.add_node(node):
            return
        edges = self.session.edges
        for stack in self.stack_addresses:
            edges.append(Edge(self.session.node_id(stack), node.id, "contains"))
        if col is not None:
            paths = self.session.paths
            for path, addr, attr in col.refs:
                edges.append(
                    Edge(
                        node.id,
                        self.session.node_id(addr),
                        "ref",
                        paths.setdefault(path, path),
                        attr,
                    )
                )

    def _node_range(self, key: Any, body: Any) -> Range:
        """From the logical ID (or name) through the end of its mapping."""
        return self.builder.entry_range(key, body, None) or Range(self.display, 1, 1)

    def _emit_template_node(self) -> None:
        tpl = self.template
        col = Collector()
        attrs: dict[str, Any] = {}
        for name in ("AWSTemplateFormatVersion", "Description", "Transform", "Globals"):
            key = _key_of(tpl, name)
            if key is None:
                continue
            attrs[name] = plain(tpl[name])
            span = entry_span(key, tpl[name], tpl)
            if span is not None:
                col.locations[(name,)] = span
        span = span_of(tpl)
        end = (span[2], span[3]) if span else (1, 1)
        meta = self._base_meta()
        if isinstance(tpl.get("Metadata"), dict):
            meta["metadata"] = plain(tpl["Metadata"])
        node = Node(
            scope=self.session.scope,
            address=self.prefix + self.display,
            kind="template",
            type="template",
            language="cloudformation",
            category="template",
            name=self.display,
            attrs=attrs,
            range=Range(self.display, 1, 1, end[0], end[1]),
            meta=meta,
        )
        locate(node, self.display, col.locations, self.session.paths)
        self._add(node, None)

    def _emit_parameter_nodes(self) -> None:
        section = self.template.get("Parameters")
        if not isinstance(section, dict):
            return
        for key, definition in section.items():
            name = str(key)
            info = self.params.get(name)
            if info is None:
                continue
            col = Collector()
            attrs = self.builder.build(definition, (), col)
            if not isinstance(attrs, dict):
                attrs = {}
            attrs["value"] = info.value
            if info.origin is not None:
                col.origins[("value",)] = info.origin
            ptype = definition.get("Type")
            node = Node(
                scope=self.session.scope,
                address=info.address,
                kind="parameter",
                type=str(ptype) if isinstance(ptype, str) else "String",
                language="cloudformation",
                category="parameter",
                name=name,
                attrs=attrs,
                range=self._node_range(key, definition),
                origins=col.origins,
                meta=self._base_meta(),
            )
            locate(node, self.display, col.locations, self.session.paths)
            self._add(node, None)

    def _emit_resource(self, lid: str, key: Any, body: Any, info: ResourceInfo) -> None:
        rtype = info.type
        meta = self._base_meta()
        col = Collector()
        written = body.get("Properties")
        if rtype in self.sam_globals:
            written = properties_with_globals(body, self.sam_globals[rtype])
        attrs: dict[str, Any] = {}
        if written is not None:
            value = self.builder.build(written, (), col)
            if isinstance(value, dict):
                attrs = value
            elif isinstance(value, Unknown):
                meta["properties_unknown"] = value.expr
        keys = {k: k for k in body}  # the keys as written (with their spans), by text
        for attr_name, at in _ATTRIBUTE_PATHS:
            k = keys.get(attr_name)
            if k is not None:
                span = entry_span(k, body[attr_name], body)
                if span is not None:
                    col.locations[at] = span
        sam = rtype.startswith("AWS::Serverless::")
        if sam:
            adapt_sam(rtype, attrs, col.locations)
            meta["sam_type"] = rtype
        if "DeletionPolicy" in body:
            meta["deletion_policy"] = self.ev.value(body["DeletionPolicy"], [])
        if "UpdateReplacePolicy" in body:
            meta["update_replace_policy"] = self.ev.value(body["UpdateReplacePolicy"], [])
        cond_name = body.get("Condition")
        if isinstance(cond_name, str):
            meta["condition"] = str(cond_name)
        meta["condition_value"] = and3(self.inherited, self._own_condition(body))
        metadata = body.get("Metadata")
        if isinstance(metadata, dict):
            meta["metadata"] = plain(metadata)
            cdk_path = metadata.get("aws:cdk:path")
            if isinstance(cdk_path, str):
                meta["cdk_path"] = str(cdk_path)
        depends = body.get("DependsOn")
        names = [str(depends)] if isinstance(depends, str) else []
        if isinstance(depends, list):
            names = [str(d) for d in depends if isinstance(d, str)]
        if names:
            meta["depends_on"] = [self.prefix + n for n in names]
        node = Node(
            scope=self.session.scope,
            address=info.address,
            kind=cloudformation_kind(rtype),
            type=rtype,
            language="cloudformation",
            category="resource",
            name=lid,
            attrs=attrs,
            range=self._node_range(key, body),
            origins=col.origins,
            meta=meta,
        )
        locate(node, self.display, col.locations, self.session.paths)
        self._add(node, col)
        for n in names:
            target = self.resources_info.get(n)
            if target is not None and target.exists:
                self.session.edges.append(
                    Edge(
                        node.id, self.session.node_id(target.address), "depends_on", ("@DependsOn",)
                    )
                )
        if rtype in STACK_TYPES:
            self.child(lid)

    def _emit_preprocessor_module(self, lid: str, key: Any, body: Any, tag: str, arg: Any) -> None:
        """A pre-processor module (`Type: !Rain::Module x.yaml`) as a module that was not loaded.

        Like a Terraform module call whose source was not read: `attrs` are
        `source` (the tag's argument) and the `Properties` as evaluated (its
        inputs), with `ref` edges to what they reference; `meta["loaded"]` is
        False.  What it creates is unknown, so a resource it receives may be
        configured inside it (views.modules).
        """
        if and3(self.inherited, self._own_condition(body)) is False:
            return
        col = Collector()
        attrs: dict[str, Any] = {"source": plain(arg) if not isinstance(arg, str) else str(arg)}
        k = _key_of(body, "Type")
        if k is not None:
            span = entry_span(k, body["Type"], body)
            if span is not None:
                col.locations[("source",)] = span
        written = body.get("Properties")
        if written is not None:
            value = self.builder.build(written, (), col)
            if isinstance(value, dict):
                for name, v in value.items():
                    attrs.setdefault(name, v)
        meta = self._base_meta()
        meta["loaded"] = False
        meta["preprocessor"] = tag
        node = Node(
            scope=self.session.scope,
            address=self.prefix + lid,
            kind="module",
            type=tag,
            language="cloudformation",
            category="module",
            name=lid,
            attrs=attrs,
            range=self._node_range(key, body),
            origins=col.origins,
            meta=meta,
        )
        locate(node, self.display, col.locations, self.session.paths)
        self._add(node, col)

    def _emit_outputs(self) -> None:
        section = self.template.get("Outputs")
        if not isinstance(section, dict):
            return
        for key, body in section.items():
            if not isinstance(body, dict):
                continue
            name = str(key)
            cond_name = body.get("Condition")
            cond_value = and3(self.inherited, self._own_condition(body))
            if cond_value is False:
                continue
            col = Collector()
            attrs: dict[str, Any] = {}
            for k, v in body.items():
                if k == "Condition":
                    continue
                kk = plain_key(k)
                value = self.builder.build(v, (kk,), col)
                if value is NOVALUE:
                    continue
                attrs[kk] = value
                span = entry_span(k, v, body)
                if span is not None:
                    col.locations[(kk,)] = span
            value = attrs.get("Value", Unknown(f"Outputs.{name}"))
            targets = tuple((addr, attr) for path, addr, attr in col.refs if path[:1] == ("Value",))
            self.outputs[name] = StackOutput(value, targets)
            meta = self._base_meta()
            if isinstance(cond_name, str):
                meta["condition"] = str(cond_name)
            meta["condition_value"] = cond_value
            node = Node(
                scope=self.session.scope,
                address=f"{self.prefix}Outputs.{name}",
                kind="output",
                type="output",
                language="cloudformation",
                category="output",
                name=name,
                attrs=attrs,
                range=self._node_range(key, body),
                origins=col.origins,
                meta=meta,
            )
            locate(node, self.display, col.locations, self.session.paths)
            self._add(node, col)

    # ---- nested stacks -------------------------------------------------------

    def child(self, lid: str) -> TemplateInstance | None:
        """The evaluated child template of the nested stack ``lid`` (loaded on first use)."""
        if lid in self._children:
            return self._children[lid]
        if lid in self._loading:
            return None
        info = self.resources_info.get(lid)
        if info is None or not info.exists or info.type not in STACK_TYPES:
            return None
        self._loading.add(lid)
        try:
            child = self._load_child(lid, info)
        finally:
            self._loading.discard(lid)
        self._children[lid] = child
        return child

    def _load_child(self, lid: str, info: ResourceInfo) -> TemplateInstance | None:
        key, body = self.bodies[lid]
        props = body.get("Properties")
        props = props if isinstance(props, dict) else YDict()
        prop = template_property(info.type)
        where = self.builder.entry_range(_key_of(props, prop), props.get(prop), props)
        where = where or self._node_range(key, body)
        address = info.address
        options = self.options

        def fail(rule: str, message: str, source: str = "") -> None:
            self.session.diagnostic(rule, message, where, address, source=source)

        store = self.session.store
        target = cdk_asset_path(body, self.path)
        if target is not None:
            store.note(target)
        if target is None or not target.is_file():
            written = props.get(prop)
            if written is None:
                fail("SYS007", f"nested stack {address} has no {prop}; its template is not loaded")
                return None
            location = self.ev.value(written, [])
            if isinstance(location, dict):
                app = location.get("ApplicationId")
                fail(
                    "SYS006",
                    f"nested stack {address} is a Serverless Application Repository application "
                    f"({render(app)}); it is not loaded (no network access), its resources are "
                    "not checked",
                    f"Serverless Application Repository {render(app)}",
                )
                return None
            if not isinstance(location, str):
                fail(
                    "SYS006",
                    f"the template of nested stack {address} ({render(written)}) is not known "
                    "before deploy; its resources are not checked",
                    render(written),
                )
                return None
            if is_remote(location):
                fail(
                    "SYS006",
                    f"the template of nested stack {address} is remote ({location}); it is not "
                    "loaded (no network access), its resources are not checked",
                    location,
                )
                return None
            target = local_path(location, self.path)
            store.note(target)
        shown = options.display(target)
        if not options.inside_root(target):
            fail(
                "SYS007",
                f"the template of nested stack {address} ({shown}) is outside the scanned root "
                f"{options.root.as_posix()}; it is not loaded",
            )
            return None
        resolved = target.resolve()
        store.note(resolved)
        if not resolved.is_file():
            fail("SYS007", f"the template of nested stack {address} ({shown}) does not exist")
            return None
        if resolved in self.chain:
            cycle = " -> ".join(options.display(p) for p in (*self.chain, resolved))
            fail("SYS007", f"nested stack {address} makes a cycle of templates: {cycle}")
            return None
        depth = len(self.stack_path) + 1
        if depth > options.limits.max_module_depth:
            fail(
                "SYS007",
                f"nested stack {address} is nested {depth} levels deep, over the limit of "
                f"{options.limits.max_module_depth} (limits.max_module_depth); it is not loaded",
            )
            return None
        store.consumed.add(resolved)
        entry = store.entry(resolved)
        child_display = options.display(resolved)
        self.session.list_file(resolved)
        self.session.report_file_problems(resolved, child_display)
        decoded = entry.decoded
        if decoded is None or decoded.root is None:
            return None
        if not is_template(decoded.root):
            fail(
                "SYS007",
                f"the template of nested stack {address} ({child_display}) is not a "
                "CloudFormation template",
            )
            return None
        passed, passed_unknown = self._passed_parameters(address, props)
        child = TemplateInstance(
            self.session,
            resolved,
            decoded.root,
            prefix=f"{self.prefix}{lid}/",
            stack_path=(*self.stack_path, lid),
            stack_addresses=(*self.stack_addresses, address),
            chain=(*self.chain, resolved),
            passed=passed,
            passed_unknown=passed_unknown,
            inherited=and3(self.inherited, self._own_condition(body)),
        )
        child.run()
        return child

    def _own_condition(self, body: Any) -> bool | None:
        """The value of a resource's or output's own ``Condition`` (True without one)."""
        cond_name = body.get("Condition")
        return self.ev.condition(str(cond_name)) if isinstance(cond_name, str) else True

    def _passed_parameters(
        self, address: str, props: Any
    ) -> tuple[dict[str, PassedValue], Unknown | None]:
        written = props.get("Parameters")
        out: dict[str, PassedValue] = {}
        if written is None:
            return out, None
        if intrinsic_name(written) is not None or not isinstance(written, dict):
            sink: list[tuple[str, str | None]] = []
            value = self.ev.value(written, sink)
            if isinstance(value, dict):
                where = self.builder.entry_range(_key_of(props, "Parameters"), written, props)
                for k, v in value.items():
                    via = Origin(f"stack {address} parameter {k}", where, address)
                    out[str(k)] = PassedValue(v, via, tuple(sink))
                return out, None
            return out, Unknown(f"{render(written)} (parameters of {address})", (address,))
        for k, v in written.items():
            sink = []
            value, origin = self.ev.value_with_origin(v, sink)
            if value is NOVALUE:
                continue
            where = self.builder.entry_range(k, v, written)
            passed_origin = origin or Origin(f"stack {address} parameter {k}", where, address)
            out[str(k)] = PassedValue(value, passed_origin, tuple(sink))
        return out, None


def _key_of(mapping: Any, name: str) -> Any:
    """The key object (with its span) under which ``name`` is written, or None."""
    if not isinstance(mapping, dict) or name not in mapping:
        return None
    for k in mapping:
        if k == name:
            return k
    return None
