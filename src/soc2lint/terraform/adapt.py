"""Evaluated module instances into graph nodes and edges (docs/graph-conventions.md)."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..frontend import Diagnostic
from ..kinds import terraform_data_kind, terraform_kind
from ..model import MISSING, Category, Edge, Node, NodeMeta, Origin, Range, Unknown
from ..model import Path as AttrPath
from .evaluate import (
    RESOURCE_META,
    Acc,
    BodyEval,
    CallInstance,
    Loader,
    ModuleInstance,
    ProviderConf,
    ResourceInstance,
    RootContext,
    depends_on_addresses,
    dismantle,
    member_names,
)
from .expressions import NULL_RESOLVER, RefEntry, Scope
from .modules import Decl
from .syntax import Expr, Lit, ObjectExpr, TupleExpr, literal_string, render, traversal_text
from .values import finalize

BACKEND_FILE_SUFFIXES = (".tfbackend", "backend.hcl")


class GraphBuilder:
    """Collects the nodes and edges of one root module."""

    def __init__(self, loader: Loader, root: RootContext) -> None:
        self.loader = loader
        self.ev = loader.ev
        self.root = root
        self.scope = root.scope
        self.nodes: dict[str, Node] = {}
        self.refs: list[tuple[str, AttrPath, RefEntry]] = []
        self.depends: list[tuple[str, list[str]]] = []
        #: base address (resource, data source or module call) -> instance addresses
        self.instances: dict[str, list[str]] = {}

    # ---- helpers -----------------------------------------------------------

    def add(self, node: Node) -> None:
        if node.address not in self.nodes:
            self.nodes[node.address] = node

    def add_refs(self, address: str, acc: Acc, path_map: AttrPath | None = None) -> None:
        for path, entry in acc.refs:
            self.refs.append((address, path_map if path_map is not None else path, entry))

    def base_meta(self, inst: ModuleInstance, calls: list[str]) -> NodeMeta:
        return {"module_path": inst.prefix[:-1] if inst.prefix else "", "module_calls": list(calls)}

    def literal(self, expr: Expr) -> Any:
        value, _ = self.ev.evaluate(expr, Scope(NULL_RESOLVER), None)
        return finalize(value)

    # ---- module instances --------------------------------------------------

    def build(self, inst: ModuleInstance, calls: list[str]) -> None:
        cfg = inst.config
        for name, decl in cfg.variables.items():
            self.guard(decl.range(), partial(self.variable, inst, name, calls))
        for name in cfg.local_order:
            ldecl = cfg.locals[name]
            rng = Range(ldecl.file, *ldecl.attr.pos)
            self.guard(rng, partial(self.local, inst, name, calls))
        for decl in cfg.providers:
            self.guard(decl.range(), partial(self.provider, inst, decl, calls))
        if cfg.terraform:
            self.guard(cfg.terraform[0].range(), partial(self.terraform, inst, calls))
            if inst.parent is None:
                self.guard(cfg.terraform[0].range(), partial(self.backend, inst))
        for key, decl in cfg.resources.items():
            self.guard(decl.range(), partial(self.resource_group, inst, key, calls))
        for key, decl in cfg.data.items():
            self.guard(decl.range(), partial(self.resource_group, inst, f"data.{key}", calls))
        for name in cfg.calls:
            self.module_call(inst, name, calls)
        for name, decl in cfg.outputs.items():
            self.guard(decl.range(), partial(self.output, inst, name, calls))

    def guard(self, where: Range, build: Callable[[], None]) -> None:
        """Build one object; a bug there is reported on its block and the rest goes on."""
        try:
            build()
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.loader.report(
                Diagnostic(
                    "SYS001",
                    f"internal error while evaluating this block ({detail}); it was not "
                    "checked (please report this)",
                    where,
                    where.file,
                    self.scope,
                )
            )

    def variable(self, inst: ModuleInstance, name: str, calls: list[str]) -> None:
        decl = inst.config.variables[name]
        slot = inst.var_slot(self.ev, name)
        address = inst.address_of("var", name)
        attrs: dict[str, Any] = {}
        locations: dict[AttrPath, Range] = {}
        body = decl.block.body
        for key in ("default", "type", "description", "sensitive", "nullable"):
            attr = body.attrs.get(key)
            if attr is None:
                continue
            attrs[key] = self.ev.source(attr.expr) if key == "type" else self.literal(attr.expr)
            locations[(key,)] = decl.attr_range(attr)
        attrs["value"] = finalize(slot.value)
        origins: dict[AttrPath, Origin] = {}
        if slot.origin is not None:
            origins[("value",)] = slot.origin
        meta = self.base_meta(inst, calls)
        self.add(
            Node(
                scope=self.scope,
                address=address,
                kind="variable",
                type="variable",
                language="terraform",
                category="variable",
                name=name,
                attrs=attrs,
                range=decl.range(),
                locations=locations,
                origins=origins,
                meta=meta,
            )
        )
        self.add_refs(address, slot.acc, ("value",))

    def local(self, inst: ModuleInstance, name: str, calls: list[str]) -> None:
        decl = inst.config.locals[name]
        slot = inst.local_slot(self.ev, name)
        address = inst.address_of("local", name)
        rng = Range(decl.file, *decl.attr.pos)
        self.add(
            Node(
                scope=self.scope,
                address=address,
                kind="local",
                type="local",
                language="terraform",
                category="local",
                name=name,
                attrs={"value": finalize(slot.value)},
                range=rng,
                locations=dict(slot.acc.locations),
                origins=dict(slot.acc.origins),
                meta=self.base_meta(inst, calls),
            )
        )
        self.add_refs(address, slot.acc)

    def output(self, inst: ModuleInstance, name: str, calls: list[str]) -> None:
        decl = inst.config.outputs[name]
        slot = inst.output_slot(self.ev, name)
        address = inst.address_of("output", name)
        attrs: dict[str, Any] = {"value": finalize(slot.value)}
        locations = dict(slot.acc.locations)
        for key in ("sensitive", "description"):
            attr = decl.attr(key)
            if attr is not None:
                attrs[key] = self.literal(attr.expr)
                locations[(key,)] = decl.attr_range(attr)
        self.add(
            Node(
                scope=self.scope,
                address=address,
                kind="output",
                type="output",
                language="terraform",
                category="output",
                name=name,
                attrs=attrs,
                range=decl.range(),
                locations=locations,
                origins=dict(slot.acc.origins),
                meta=self.base_meta(inst, calls),
            )
        )
        self.add_refs(address, slot.acc)

    def provider(self, inst: ModuleInstance, decl: Decl, calls: list[str]) -> None:
        name = decl.block.labels[0]
        alias_attr = decl.attr("alias")
        alias = literal_string(alias_attr.expr) if alias_attr else None
        conf = inst.provider_map.get(f"{name}.{alias}" if alias else name)
        if conf is None or conf.decl is not decl:
            return
        attrs: dict[str, Any] = {}
        acc = Acc()
        for m in member_names(decl.block.body):
            member = conf.member(m)
            if member.value is not MISSING:
                attrs[m] = finalize(member.value)
            acc.merge(member.acc)
        meta = self.base_meta(inst, calls)
        if alias:
            meta["alias"] = alias
        self.add(
            Node(
                scope=self.scope,
                address=conf.address,
                kind="provider",
                type=name,
                language="terraform",
                category="provider",
                name=name,
                attrs=attrs,
                range=decl.range(),
                locations=acc.locations,
                origins=acc.origins,
                meta=meta,
            )
        )
        self.add_refs(conf.address, acc)

    def terraform(self, inst: ModuleInstance, calls: list[str]) -> None:
        decls = inst.config.terraform
        if not decls:
            return
        attrs: dict[str, Any] = {}
        locations: dict[AttrPath, Range] = {}
        for decl in decls:
            body = decl.block.body
            for key, attr in body.attrs.items():
                if key not in attrs:
                    attrs[key] = self.literal(attr.expr)
                    locations[(key,)] = decl.attr_range(attr)
            for b in body.blocks_of("required_providers"):
                rp = attrs.setdefault("required_providers", {})
                locations.setdefault(("required_providers",), Range(decl.file, *b.pos))
                for pname, attr in b.body.attrs.items():
                    rp[pname] = self.required_provider(attr.expr)
                    locations[("required_providers", pname)] = decl.attr_range(attr)
        address = f"{inst.prefix}terraform"
        self.add(
            Node(
                scope=self.scope,
                address=address,
                kind="terraform",
                type="terraform",
                language="terraform",
                category="terraform",
                name="terraform",
                attrs=attrs,
                range=decls[0].range(),
                locations=locations,
                origins={},
                meta=self.base_meta(inst, calls),
            )
        )

    def required_provider(self, expr: Expr) -> Any:
        if isinstance(expr, ObjectExpr):
            out: dict[str, Any] = {}
            for k, v in expr.items:
                key = literal_string(k) if isinstance(k, Lit) else traversal_text(k)
                if key is None:
                    continue
                if key == "configuration_aliases" and isinstance(v, TupleExpr):
                    out[key] = [traversal_text(i) or render(i) for i in v.items]
                else:
                    out[key] = self.literal(v)
            return out
        return self.literal(expr)

    def backend(self, inst: ModuleInstance) -> None:
        for decl in inst.config.terraform:
            for b in decl.block.body.blocks:
                if (b.type == "backend" and b.labels) or b.type == "cloud":
                    self.backend_node(inst, decl, b)
                    return

    def backend_node(self, inst: ModuleInstance, decl: Decl, block: Any) -> None:
        btype = block.labels[0] if block.type == "backend" else "cloud"
        acc = Acc()
        be = BodyEval(self.loader, decl.file, "terraform.backend", self.scope)
        attrs = be.block_dict(block.body, Scope(NULL_RESOLVER), (), acc)
        attrs = {k: finalize(v) for k, v in attrs.items()}
        self.merge_backend_files(attrs, acc)
        self.add(
            Node(
                scope=self.scope,
                address="terraform.backend",
                kind="backend",
                type=btype,
                language="terraform",
                category="backend",
                name=btype,
                attrs=attrs,
                range=Range(decl.file, *block.pos),
                locations=acc.locations,
                origins=acc.origins,
                meta={"module_path": "", "module_calls": []},
            )
        )

    def merge_backend_files(self, attrs: dict[str, Any], acc: Acc) -> None:
        """Partial backend configuration kept beside the root (``*.tfbackend``, ``backend.hcl``).

        One file: its settings are merged over the block's.  Several (one per
        environment): only settings all of them agree on are merged; the others
        become Unknown.
        """
        self.loader.note_dir(self.root.dir)
        try:
            files = [
                self.root.dir / name
                for name, _, is_file in self.loader.sources.entries(self.root.dir)
                if is_file and name.endswith(BACKEND_FILE_SUFFIXES)
            ]
        except OSError:
            return
        per_file: list[dict[str, tuple[Any, Range]]] = []
        for f in files:
            pf = self.loader.parse(f)
            display = self.loader.options.display(f)
            for prob in pf.problems:
                self.loader.report(
                    Diagnostic(
                        "SYS008" if prob.limit else "SYS001",
                        prob.message,
                        Range(display, prob.line, prob.column),
                        display,
                        self.scope,
                    )
                )
            if pf.body is None:
                continue
            values = {}
            for name, attr in pf.body.attrs.items():
                values[name] = (self.literal(attr.expr), Range(display, *attr.pos))
            per_file.append(values)
        if not per_file:
            return
        keys = sorted({k for values in per_file for k in values})
        for key in keys:
            seen = [values[key] for values in per_file if key in values]
            first_value, first_range = seen[0]
            if len(seen) == len(per_file) and all(v == first_value for v, _ in seen):
                attrs[key] = first_value
                acc.locations[(key,)] = first_range
                acc.origins[(key,)] = Origin(first_range.file, first_range, "terraform.backend")
            else:
                attrs[key] = Unknown(
                    f"backend setting {key} differs between backend configuration files"
                )

    # ---- resources ---------------------------------------------------------

    def resource_group(self, inst: ModuleInstance, key: str, calls: list[str]) -> None:
        group = inst.group(key)
        if group is None:
            return
        instances = group.instances(self.ev)
        self.instances[group.base] = [ri.address for ri in instances]
        for ri in instances:
            self.resource(ri, calls)

    def resource(self, ri: ResourceInstance, calls: list[str]) -> None:
        group = ri.group
        inst = ri.module
        decl = group.decl
        body = decl.block.body
        attrs: dict[str, Any] = {}
        acc = Acc()
        for name in member_names(body, RESOURCE_META):
            m = ri.member(self.ev, name)
            if m.value is not MISSING:
                attrs[name] = finalize(m.value)
            acc.merge(m.acc)
        acc.merge(group.meta_acc)
        meta = self.base_meta(inst, calls)
        if ri.key is not None:
            meta["index"] = ri.key
        if ri.unknown_count:
            meta["count_unknown"] = True
            if ri.group.unknown_expansion:
                meta["exists_if"] = ri.group.unknown_expansion
        elif inst.expansion_unknown:
            # a module called with an unknown count/for_each (here or further up) may
            # create none of its resources
            meta["count_unknown"] = True
            expansion = _unknown_call_expansion(inst)
            if expansion:
                meta["exists_if"] = expansion
        if acc.dyn_unknown:
            meta["dynamic_unknown"] = sorted(set(acc.dyn_unknown))
        provider_key = group.type.split("_", 1)[0]
        provider_attr = body.attrs.get("provider")
        if provider_attr is not None:
            provider_key = traversal_text(provider_attr.expr) or provider_key
            acc.locations[("@provider",)] = decl.attr_range(provider_attr)
        conf = inst.provider_for(provider_key)
        meta["provider"] = conf.address
        self.lifecycle(ri, meta, acc)
        self.depends_on(ri.address, decl, inst.prefix, meta, acc)
        category: Category
        if group.mode == "data":
            kind = terraform_data_kind(group.type)
            category = "data"
            if group.type == "aws_iam_policy_document":
                self.policy_attrs(ri, attrs, acc)
        else:
            category = "resource"
            kind = terraform_kind(group.type, attrs)
            self.tags_all(ri, conf, attrs, kind)
        self.add(
            Node(
                scope=self.scope,
                address=ri.address,
                kind=kind,
                type=group.type,
                language="terraform",
                category=category,
                name=group.name,
                attrs=attrs,
                range=decl.range(),
                locations=acc.locations,
                origins=acc.origins,
                meta=meta,
            )
        )
        self.add_refs(ri.address, acc)

    def depends_on(self, address: str, decl: Decl, prefix: str, meta: NodeMeta, acc: Acc) -> None:
        """``meta["depends_on"]`` (module-prefixed addresses) and its edges, made later."""
        attr = decl.attr("depends_on")
        if attr is None:
            return
        deps = [prefix + d for d in depends_on_addresses(attr.expr)]
        meta["depends_on"] = deps
        acc.locations[("@depends_on",)] = decl.attr_range(attr)
        self.depends.append((address, deps))

    def lifecycle(self, ri: ResourceInstance, meta: NodeMeta, acc: Acc) -> None:
        decl = ri.group.decl
        blocks = decl.block.body.blocks_of("lifecycle")
        if not blocks:
            return
        lc: dict[str, Any] = {}
        for b in blocks:
            acc.locations.setdefault(("@lifecycle",), Range(decl.file_of("lifecycle"), *b.pos))
            for name, attr in b.body.attrs.items():
                if name in ("ignore_changes", "replace_triggered_by"):
                    expr = attr.expr
                    if isinstance(expr, TupleExpr):
                        lc[name] = [traversal_text(i) or render(i) for i in expr.items]
                    else:
                        lc[name] = traversal_text(expr) or render(expr)
                else:
                    value, _ = self.ev.evaluate(attr.expr, ri.scope, None)
                    lc[name] = finalize(value)
                acc.locations[("@lifecycle", name)] = decl.attr_range(attr)
        meta["lifecycle"] = lc

    def tags_all(
        self, ri: ResourceInstance, conf: ProviderConf, attrs: dict[str, Any], kind: str
    ) -> None:
        if not ri.group.type.startswith("aws_"):
            return
        if "tags" not in attrs and not (kind.startswith("AWS::") and _taggable(ri.group.type)):
            return
        defaults = conf.default_tags()
        if defaults is None:
            return
        tags = attrs.get("tags")
        if isinstance(defaults, Unknown) or isinstance(tags, Unknown):
            refs: set[str] = set()
            for v in (defaults, tags):
                if isinstance(v, Unknown):
                    refs.update(v.refs)
            attrs["tags_all"] = Unknown(f"{ri.address}.tags_all", tuple(sorted(refs)))
            return
        merged = dict(defaults)
        if isinstance(tags, dict):
            merged.update(tags)
        attrs["tags_all"] = merged

    def policy_attrs(self, ri: ResourceInstance, attrs: dict[str, Any], acc: Acc) -> None:
        doc = ri.policy(self.ev)
        attrs["document"] = doc.document
        attrs["json"] = (
            doc.json if doc.json is not None else Unknown(f"{ri.address}.json", (ri.address,))
        )
        for stmt_index, block_index in doc.own_statements.items():
            loc = acc.locations.get(("statement", block_index))
            if loc is not None:
                acc.locations[("document", "Statement", stmt_index)] = loc

    # ---- module calls ------------------------------------------------------

    def module_call(self, inst: ModuleInstance, name: str, calls: list[str]) -> None:
        group = inst.call_group(name)
        if group is None:
            return
        _, dir_display = group.resolve()
        instances = group.instances(self.ev)
        self.instances[group.base] = [ci.address for ci in instances]
        for ci in instances:
            self.guard(group.decl.range(), partial(self.call_node, ci, calls, dir_display))
            child = ci.child()
            if child is not None:
                self.build(child, [*calls, ci.address])

    def call_node(self, ci: CallInstance, calls: list[str], dir_display: str) -> None:
        group = ci.group
        decl = group.decl
        body = decl.block.body
        attrs: dict[str, Any] = {}
        acc = Acc()
        for key in ("source", "version"):
            attr = body.attrs.get(key)
            if attr is not None:
                attrs[key] = self.literal(attr.expr)
                acc.locations[(key,)] = decl.attr_range(attr)
        for name in body.attrs:
            got = ci.arg(self.ev, name)
            if got is None:
                continue
            value, arg_acc = got
            attrs[name] = finalize(value)
            acc.merge(arg_acc)
        acc.merge(group.meta_acc)
        meta = self.base_meta(group.module, calls)
        if ci.key is not None:
            meta["index"] = ci.key
        if ci.unknown_count:
            meta["count_unknown"] = True
            if ci.group.unknown_expansion:
                meta["exists_if"] = ci.group.unknown_expansion
        meta["loaded"] = ci.child() is not None
        if dir_display:
            meta["dir"] = dir_display
        self.depends_on(ci.address, decl, group.module.prefix, meta, acc)
        providers = body.attrs.get("providers")
        if providers is not None and isinstance(providers.expr, ObjectExpr):
            meta["providers"] = {
                (literal_string(k) if isinstance(k, Lit) else traversal_text(k))
                or "?": traversal_text(v) or render(v)
                for k, v in providers.expr.items
            }
        self.add(
            Node(
                scope=self.scope,
                address=ci.address,
                kind="module",
                type="module",
                language="terraform",
                category="module",
                name=group.name,
                attrs=attrs,
                range=decl.range(),
                locations=acc.locations,
                origins=acc.origins,
                meta=meta,
            )
        )
        self.add_refs(ci.address, acc)

    # ---- edges -------------------------------------------------------------

    def edges(self) -> list[Edge]:
        scope = self.scope
        out: dict[tuple[str, str, str, AttrPath, str | None], Edge] = {}

        def add(src: str, dst: str, kind: str, path: AttrPath, attr: str | None) -> None:
            if src == dst or dst not in self.nodes:
                return
            key = (src, dst, kind, path, attr)
            if key not in out:
                out[key] = Edge(f"{scope}::{src}", f"{scope}::{dst}", kind, path, attr)  # type: ignore[arg-type]

        for src, path, (dst, attr, _) in self.refs:
            add(src, dst, "ref", path, attr)
        for src, deps in self.depends:
            for d in deps:
                for target in self.instances.get(d, [d]):
                    add(src, target, "depends_on", ("@depends_on",), None)
        for node in self.nodes.values():
            for call in node.meta.get("module_calls", ()):
                add(call, node.address, "contains", (), None)
        return list(out.values())


#: resources with a CloudFormation kind that carry no tags of their own
_UNTAGGED_TYPES = frozenset(
    {
        "aws_route",
        "aws_kms_alias",
        "aws_lambda_permission",
        "aws_sns_topic_subscription",
        "aws_lb_listener_certificate",
        "aws_api_gateway_account",
        "aws_api_gateway_deployment",
        "aws_network_acl_rule",
        "aws_security_group_rule",
        "aws_volume_attachment",
        "aws_secretsmanager_secret_rotation",
        "aws_backup_selection",
        "aws_cloudwatch_log_metric_filter",
        "aws_cloudwatch_log_subscription_filter",
        "aws_config_configuration_recorder",
        "aws_config_delivery_channel",
        "aws_securityhub_account",
        "aws_efs_mount_target",
        "aws_lambda_event_source_mapping",
    }
)


def _taggable(resource_type: str) -> bool:
    """Whether the provider computes ``tags_all`` for the type (a heuristic: policies,
    attachments, associations and S3 bucket sub-configurations have no tags)."""
    if resource_type in _UNTAGGED_TYPES or resource_type.startswith("aws_s3_bucket_"):
        return False
    return not resource_type.endswith(("_policy", "_attachment", "_association"))


def load_root(loader: Loader, directory: Path) -> tuple[list[Node], list[Edge]]:
    """Evaluate the root module in ``directory`` and everything it calls."""
    root = RootContext(loader, directory)
    cfg = loader.config(directory)
    loader.emit_config_diagnostics(cfg, root.scope)
    loader.ev.cwd = directory
    root.collect_var_inputs(cfg.variables)
    inst = ModuleInstance(loader, root, cfg, "", None, None)
    builder = GraphBuilder(loader, root)
    builder.build(inst, [])
    nodes, edges = list(builder.nodes.values()), builder.edges()
    dismantle(inst)
    return nodes, edges


def _unknown_call_expansion(inst: ModuleInstance) -> str:
    """``module.x: count = var.enabled ? 1 : 0`` for the innermost module call with an
    unknown count/for_each that ``inst`` sits in ("" when it cannot be named)."""
    cur: ModuleInstance | None = inst
    while cur is not None:
        call = cur.call
        if call is not None and call.unknown_count:
            text = call.group.unknown_expansion
            return f"{call.group.base}: {text}" if text else ""
        cur = cur.parent
    return ""
