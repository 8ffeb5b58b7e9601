"""``terraform show -json PLANFILE`` output into graph nodes.

Values come from ``planned_values`` (every module, recursively); what
``resource_changes[].change.after_unknown`` marks unknown becomes Unknown.
References come from the ``configuration`` section's expressions.  Locations
point into the ``.tf`` files when they sit next to the plan (blocks found by
address, attributes by name); otherwise at the resource's entry in the plan.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ..frontend import Diagnostic, LoadOptions, LoadResult, SourceError, read_text
from ..kinds import terraform_data_kind, terraform_kind
from ..model import Category, Edge, Node, NodeMeta, Range, Unknown
from ..model import Path as AttrPath
from .modules import ModuleConfig, is_local_source, read_modules_json
from .syntax import Body, literal_string
from .values import int_literal

_MODULE_SEG = re.compile(r'module\.([A-Za-z0-9_-]+)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.?')
_REF_INDEX = re.compile(r'^(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])')
_MODULE_REF = re.compile(
    r'^((?:.*\.)?module\.[A-Za-z0-9_-]+)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?(?:\.([A-Za-z0-9_-]+))?$'
)
_ADDRESS_RE = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')


def _split_module_path(address: str) -> tuple[str, list[str], list[str]]:
    """``module.a["x"].module.b.aws_s3_bucket.c[0]`` -> (rest, instance calls, static names)."""
    calls: list[str] = []
    names: list[str] = []
    pos = 0
    prefix = ""
    while True:
        m = _MODULE_SEG.match(address, pos)
        if m is None:
            break
        seg = f"module.{m.group(1)}{m.group(2) or ''}"
        prefix = f"{prefix}.{seg}" if prefix else seg
        calls.append(prefix)
        names.append(m.group(1))
        pos = m.end()
    return address[pos:], calls, names


def _merge_unknown(values: Any, unknown: Any, address: str, path: str) -> Any:
    """``values`` with every place ``after_unknown`` marks true replaced by an Unknown."""
    if unknown is True:
        return Unknown(f"{address}.{path}" if path else address, (address,))
    if isinstance(unknown, dict):
        out = dict(values) if isinstance(values, dict) else {}
        for k, u in unknown.items():
            sub = f"{path}.{k}" if path else k
            if u is True or isinstance(u, dict | list):
                merged = _merge_unknown(out.get(k), u, address, sub)
                if merged is not None or k in out:
                    out[k] = merged
        return out if out or isinstance(values, dict) else values
    if isinstance(unknown, list) and unknown:
        base = list(values) if isinstance(values, list) else []
        while len(base) < len(unknown):
            base.append(None)
        for i, u in enumerate(unknown):
            if u is True or isinstance(u, dict | list):
                base[i] = _merge_unknown(base[i], u, address, f"{path}[{i}]")
        return base
    return values


#: meta-arguments, located under "@name" (docs/graph-conventions.md)
_META_ARGS = frozenset({"count", "for_each", "depends_on", "provider", "providers"})


def _static_locations(body: Body, file: str, path: AttrPath, out: dict[AttrPath, Range]) -> None:
    """Locations of what a block writes, read from the syntax tree without evaluating."""
    for name, attr in body.attrs.items():
        key: AttrPath = (*path, f"@{name}" if not path and name in _META_ARGS else name)
        out[key] = Range(file, *attr.pos)
    counts: dict[str, int] = {}
    for b in body.blocks:
        if b.type == "lifecycle" and not path:
            out[("@lifecycle",)] = Range(file, *b.pos)
            continue
        if b.type in ("dynamic", "lifecycle", "provisioner", "connection"):
            continue
        i = counts.get(b.type, 0)
        counts[b.type] = i + 1
        out.setdefault((*path, b.type), Range(file, *b.pos))
        block_path: AttrPath = (*path, b.type, i)
        out[block_path] = Range(file, *b.pos)
        _static_locations(b.body, file, block_path, out)


class _PlanLoader:
    def __init__(self, path: Path, options: LoadOptions, loader: Any) -> None:
        self.path = path
        self.options = options
        self.loader = loader
        self.display = options.display(path)
        self.scope = self.display
        self.result = LoadResult(files=[self.display])
        self.nodes: dict[str, Node] = {}
        self.refs: list[tuple[str, AttrPath, str]] = []
        self.instances: dict[str, list[str]] = {}
        self.text = ""
        self.lines: list[int] = []
        self.entry_offsets: dict[str, int] = {}
        self.configs: dict[tuple[str, ...], ModuleConfig | None] = {}

    def diag(self, rule: str, message: str, line: int = 1, col: int = 1) -> None:
        self.loader.report(
            Diagnostic(rule, message, Range(self.display, line, col), self.display, self.scope)
        )

    # ---- positions ---------------------------------------------------------

    def entry_range(self, address: str) -> Range:
        off = self.entry_offsets.get(address)
        if off is None:
            return Range(self.display, 1, 1)
        import bisect

        i = bisect.bisect_right(self.lines, off) - 1
        return Range(self.display, i + 1, off - self.lines[i] + 1)

    def config_for(self, names: list[str]) -> ModuleConfig | None:
        """The parsed ``.tf`` module config for a static module path, if it is on disk."""
        key = tuple(names)
        if key in self.configs:
            return self.configs[key]
        cfg: ModuleConfig | None = None
        if not names:
            directory = self.path.parent
            if any(directory.glob("*.tf")) or any(directory.glob("*.tf.json")):
                cfg = self.loader.config(directory)
        else:
            parent = self.config_for(names[:-1])
            if parent is not None:
                call = parent.calls.get(names[-1])
                attr = call.attr("source") if call else None
                src = literal_string(attr.expr) if attr else None
                target: Path | None = None
                if src is not None and is_local_source(src):
                    target = Path(os.path.normpath(parent.dir / src))
                elif src is not None:
                    mj = read_modules_json(self.path.parent, self.options)
                    entry = mj.get(".".join(names)) if mj else None
                    target = entry[1] if entry else None
                if target is not None and target.is_dir() and self.options.inside_root(target):
                    cfg = self.loader.config(target)
        self.configs[key] = cfg
        return cfg

    # ---- loading -----------------------------------------------------------

    def walk(self, data: dict[str, Any]) -> None:
        changes: dict[str, Any] = {}
        for rc in data.get("resource_changes") or []:
            if isinstance(rc, dict) and isinstance(rc.get("address"), str):
                changes[rc["address"]] = rc
        configuration = data.get("configuration") or {}
        config_root = configuration.get("root_module") or {}
        self.providers(configuration.get("provider_config") or {})
        self.requirements(configuration.get("provider_config") or {})
        self.variables(config_root.get("variables") or {}, data.get("variables") or {})
        root = data["planned_values"].get("root_module") or {}
        self.module(root, changes, config_root, [], [])

    def load(self) -> LoadResult:
        try:
            self.text = read_text(self.path, self.options.limits)
        except SourceError as exc:
            self.diag("SYS008" if exc.limit else "SYS001", exc.message, exc.line, exc.column)
            return self.result
        try:
            data = json.loads(self.text, parse_int=int_literal)
        except json.JSONDecodeError as exc:
            self.diag("SYS001", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)
            return self.result
        except RecursionError:
            self.diag("SYS001", "JSON nested too deeply")
            return self.result
        if not isinstance(data, dict) or not isinstance(data.get("planned_values"), dict):
            self.diag(
                "SYS001",
                "not a Terraform plan: expected `terraform show -json` output with planned_values",
            )
            return self.result
        self.lines = [0] + [m.end() for m in re.finditer("\n", self.text)]
        for m in _ADDRESS_RE.finditer(self.text):
            try:
                addr = json.loads(m.group(1))
            except json.JSONDecodeError:
                continue
            self.entry_offsets.setdefault(addr, m.start())
        try:
            self.walk(data)
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
            # the plan format is a schema: a value of the wrong type anywhere (a list
            # where an object belongs) means this is not a plan we can read
            self.nodes.clear()
            self.diag(
                "SYS001",
                "not a Terraform plan this version can read: a value has an unexpected "
                f"type ({type(exc).__name__}: {exc}); nothing in it was checked",
            )
            return self.result
        self.result.nodes = list(self.nodes.values())
        self.result.edges = self.edges()
        return self.result

    def providers(self, provider_config: dict[str, Any]) -> None:
        for key, conf in sorted(provider_config.items()):
            if not isinstance(conf, dict) or ":" in key:
                continue
            name = conf.get("name", key.split(".")[0])
            alias = conf.get("alias")
            address = f"provider.{name}.{alias}" if alias else f"provider.{name}"
            attrs = self.expression_values(conf.get("expressions") or {}, address)
            if alias:
                attrs["alias"] = alias
            rng = self.entry_range(address)
            cfg = self.config_for([])
            locations: dict[AttrPath, Range] = {}
            if cfg is not None:
                for decl in cfg.providers:
                    a = decl.attr("alias")
                    if decl.block.labels[0] == name and (
                        (literal_string(a.expr) if a else None) == alias
                    ):
                        rng = decl.range()
                        _static_locations(decl.block.body, decl.file, (), locations)
            self.add(
                Node(
                    scope=self.scope,
                    address=address,
                    kind="provider",
                    type=name,
                    language="terraform",
                    category="provider",
                    name=name,
                    attrs=attrs,
                    range=rng,
                    locations=locations,
                    origins={},
                    meta={"module_path": "", "module_calls": []},
                )
            )

    def requirements(self, provider_config: dict[str, Any]) -> None:
        """The plan's ``version_constraint`` of every provider as the root's ``terraform``
        block: Terraform merges every module's constraints, so one from any module counts."""
        required: dict[str, Any] = {}
        for key, conf in sorted(provider_config.items()):
            if not isinstance(conf, dict):
                continue
            name = conf.get("name", key.rsplit(":", 1)[-1].split(".")[0])
            if not isinstance(name, str):
                continue
            entry = required.setdefault(name, {})
            source = conf.get("full_name")
            if isinstance(source, str):
                entry.setdefault("source", source)
            version = conf.get("version_constraint")
            if isinstance(version, str) and version.strip() and not entry.get("version"):
                entry["version"] = version
        if not any("version" in e for e in required.values()):
            # nothing constrained: CHG002 names the providers themselves, as before
            return
        off = self.text.find('"provider_config"')
        rng = Range(self.display, 1, 1)
        if off >= 0:
            import bisect

            i = bisect.bisect_right(self.lines, off) - 1
            rng = Range(self.display, i + 1, off - self.lines[i] + 1)
        locations: dict[AttrPath, Range] = {}
        cfg = self.config_for([])
        if cfg is not None and not cfg.terraform and cfg.providers:
            rng = cfg.providers[0].range()
        if cfg is not None and cfg.terraform:
            decl = cfg.terraform[0]
            rng = decl.range()
            for d in cfg.terraform:
                for b in d.block.body.blocks_of("required_providers"):
                    locations.setdefault(("required_providers",), Range(d.file, *b.pos))
                    for pname, attr in b.body.attrs.items():
                        locations.setdefault(("required_providers", pname), d.attr_range(attr))
        self.add(
            Node(
                scope=self.scope,
                address="terraform",
                kind="terraform",
                type="terraform",
                language="terraform",
                category="terraform",
                name="terraform",
                attrs={"required_providers": required},
                range=rng,
                locations=locations,
                origins={},
                meta={"module_path": "", "module_calls": []},
            )
        )

    def expression_values(self, expressions: dict[str, Any], address: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, e in expressions.items():
            if isinstance(e, dict) and "constant_value" in e:
                out[k] = e["constant_value"]
            elif isinstance(e, dict) and "references" in e:
                out[k] = Unknown(", ".join(e.get("references") or []) or k)
            elif isinstance(e, list):
                out[k] = [self.expression_values(x, address) for x in e if isinstance(x, dict)]
            elif isinstance(e, dict):
                out[k] = [self.expression_values(e, address)]
        return out

    def variables(self, declared: dict[str, Any], values: dict[str, Any]) -> None:
        cfg = self.config_for([])
        for name in sorted(set(declared) | set(values)):
            decl_info = declared.get(name) or {}
            attrs: dict[str, Any] = {}
            for key in ("default", "description", "sensitive"):
                if key in decl_info:
                    attrs[key] = decl_info[key]
            given = values.get(name)
            attrs["value"] = given.get("value") if isinstance(given, dict) else None
            rng = Range(self.display, 1, 1)
            locations: dict[AttrPath, Range] = {}
            decl = cfg.variables.get(name) if cfg else None
            if decl is not None:
                rng = decl.range()
                _static_locations(decl.block.body, decl.file, (), locations)
            self.add(
                Node(
                    scope=self.scope,
                    address=f"var.{name}",
                    kind="variable",
                    type="variable",
                    language="terraform",
                    category="variable",
                    name=name,
                    attrs=attrs,
                    range=rng,
                    locations=locations,
                    origins={},
                    meta={"module_path": "", "module_calls": []},
                )
            )

    def module(
        self,
        planned: dict[str, Any],
        changes: dict[str, Any],
        config_module: dict[str, Any],
        calls: list[str],
        names: list[str],
    ) -> None:
        config_resources: dict[str, Any] = {
            str(r.get("address")): r
            for r in config_module.get("resources") or []
            if isinstance(r, dict)
        }
        for res in planned.get("resources") or []:
            if isinstance(res, dict):
                self.resource(res, changes, config_resources, calls, names)
        for child in planned.get("child_modules") or []:
            if not isinstance(child, dict) or not isinstance(child.get("address"), str):
                continue
            address = child["address"]
            _, child_calls, child_names = _split_module_path(address + ".")
            call_name = child_names[-1] if child_names else ""
            call_conf = (config_module.get("module_calls") or {}).get(call_name) or {}
            self.module_call(address, call_conf, child_calls, child_names)
            self.module(child, changes, call_conf.get("module") or {}, child_calls, child_names)

    def module_call(
        self, address: str, call_conf: dict[str, Any], calls: list[str], names: list[str]
    ) -> None:
        attrs: dict[str, Any] = {}
        for key in ("source", "version_constraint"):
            if key in call_conf:
                attrs["version" if key == "version_constraint" else key] = call_conf[key]
        attrs.update(self.expression_values(call_conf.get("expressions") or {}, address))
        meta: NodeMeta = {
            "module_path": calls[-2] if len(calls) > 1 else "",
            "module_calls": calls[:-1],
        }
        m = re.search(r"\[(\"(?:[^\"\\]|\\.)*\"|\d+)\]$", address)
        if m:
            meta["index"] = json.loads(m.group(1))
        base = re.sub(r"\[(\"(?:[^\"\\]|\\.)*\"|\d+)\]$", "", address)
        self.instances.setdefault(base, []).append(address)
        rng = self.entry_range(address)
        locations: dict[AttrPath, Range] = {}
        parent_cfg = self.config_for(names[:-1])
        decl = parent_cfg.calls.get(names[-1]) if parent_cfg and names else None
        if decl is not None:
            rng = decl.range()
            _static_locations(decl.block.body, decl.file, (), locations)
        self.add(
            Node(
                scope=self.scope,
                address=address,
                kind="module",
                type="module",
                language="terraform",
                category="module",
                name=names[-1] if names else address,
                attrs=attrs,
                range=rng,
                locations=locations,
                origins={},
                meta=meta,
            )
        )
        parent_prefix = calls[-2] + "." if len(calls) > 1 else ""
        self.expression_refs(address, call_conf.get("expressions") or {}, (), parent_prefix)

    def resource(
        self,
        res: dict[str, Any],
        changes: dict[str, Any],
        config_resources: dict[str, Any],
        calls: list[str],
        names: list[str],
    ) -> None:
        address = res.get("address")
        rtype = res.get("type")
        rname = res.get("name")
        if not isinstance(address, str) or not isinstance(rtype, str):
            return
        mode = res.get("mode", "managed")
        values = res.get("values") if isinstance(res.get("values"), dict) else {}
        change = (changes.get(address) or {}).get("change") or {}
        after_unknown = change.get("after_unknown")
        attrs = _merge_unknown(values, after_unknown, address, "") if after_unknown else values
        if not isinstance(attrs, dict):
            attrs = {}
        rest, _, _ = _split_module_path(address)
        base_local = re.sub(r"\[(\"(?:[^\"\\]|\\.)*\"|\d+)\]$", "", rest)
        module_prefix = calls[-1] + "." if calls else ""
        self.instances.setdefault(module_prefix + base_local, []).append(address)
        conf = config_resources.get(base_local) or {}
        meta: NodeMeta = {"module_path": calls[-1] if calls else "", "module_calls": calls}
        if "index" in res:
            meta["index"] = res["index"]
        pkey = conf.get("provider_config_key")
        if isinstance(pkey, str):
            meta["provider"] = "provider." + pkey.split(":")[-1]
        deps = conf.get("depends_on")
        if isinstance(deps, list) and deps:
            meta["depends_on"] = [module_prefix + d for d in deps if isinstance(d, str)]
        rng = self.entry_range(address)
        locations: dict[AttrPath, Range] = {}
        cfg = self.config_for(names)
        if cfg is not None:
            key = base_local[5:] if base_local.startswith("data.") else base_local
            table = cfg.data if mode == "data" else cfg.resources
            decl = table.get(key)
            if decl is not None:
                rng = decl.range()
                _static_locations(decl.block.body, decl.file, (), locations)
        category: Category
        if mode == "data":
            category = "data"
            kind = terraform_data_kind(rtype)
        else:
            category = "resource"
            kind = terraform_kind(rtype, attrs)
        self.add(
            Node(
                scope=self.scope,
                address=address,
                kind=kind,
                type=rtype,
                language="terraform",
                category=category,
                name=str(rname),
                attrs=attrs,
                range=rng,
                locations=locations,
                origins={},
                meta=meta,
            )
        )
        self.expression_refs(address, conf.get("expressions") or {}, (), module_prefix)
        for key, meta_path in (
            ("count_expression", "@count"),
            ("for_each_expression", "@for_each"),
        ):
            e = conf.get(key)
            if isinstance(e, dict):
                self.expression_refs(address, {meta_path: e}, (), module_prefix)

    def expression_refs(
        self, src: str, expressions: dict[str, Any], path: AttrPath, prefix: str
    ) -> None:
        """Record the references of configuration expressions (nested blocks included)."""
        for key, e in expressions.items():
            p = (*path, key)
            if isinstance(e, dict) and "references" in e:
                for ref in e.get("references") or []:
                    if isinstance(ref, str):
                        self.refs.append((src, p, prefix + ref))
            elif isinstance(e, list):
                for i, item in enumerate(e):
                    if isinstance(item, dict):
                        self.expression_refs(src, item, (*p, i), prefix)
            elif isinstance(e, dict) and "constant_value" not in e:
                self.expression_refs(src, e, (*p, 0), prefix)

    def add(self, node: Node) -> None:
        self.nodes.setdefault(node.address, node)

    # ---- edges -------------------------------------------------------------

    def targets(self, ref: str) -> list[tuple[str, str | None]]:
        """Node addresses (and the attribute) a configuration reference names."""
        rest, calls, _ = _split_module_path(ref)
        prefix = calls[-1] + "." if calls else ""
        if not rest:
            return []
        parts = rest.split(".")
        head = parts[0]
        if head == "var" and len(parts) >= 2:
            return [(prefix + f"var.{parts[1]}", None)]
        if head in ("local", "each", "count", "path", "terraform", "self"):
            return []
        n = 3 if head == "data" else 2  # data.TYPE.NAME / TYPE.NAME
        if len(parts) < n:
            return []
        stem = _strip_index(parts[n - 1])
        base = prefix + ".".join([*parts[: n - 1], stem])
        tail = parts[n - 1][len(stem) :] + ("." + ".".join(parts[n:]) if len(parts) > n else "")
        m = _REF_INDEX.match(tail)
        attr_part = tail[m.end() :] if m else tail
        attr = attr_part.lstrip(".").split(".")[0].split("[")[0] or None
        if m:
            return [(base + m.group(1), attr)]
        if base.startswith("module.") and base not in self.instances:
            return []
        return [(a, attr) for a in self.instances.get(base, [base])]

    def edges(self) -> list[Edge]:
        out: dict[tuple[str, str, str, AttrPath, str | None], Edge] = {}
        with_attr: set[tuple[str, str, AttrPath]] = set()
        resolved: list[tuple[str, str, AttrPath, str | None]] = []
        for src, path, ref in self.refs:
            for dst, attr in self._module_ref(ref) or self.targets(ref):
                resolved.append((src, dst, path, attr))
                if attr:
                    with_attr.add((src, dst, path))
        for src, dst, path, attr in resolved:
            if dst not in self.nodes or src == dst:
                continue
            if attr is None and (src, dst, path) in with_attr:
                continue
            key = (src, dst, "ref", path, attr)
            out.setdefault(
                key, Edge(f"{self.scope}::{src}", f"{self.scope}::{dst}", "ref", path, attr)
            )
        for node in self.nodes.values():
            for d in node.meta.get("depends_on", ()):
                for target in self.instances.get(d, [d]):
                    if target in self.nodes:
                        key = (node.address, target, "depends_on", ("@depends_on",), None)
                        out.setdefault(
                            key,
                            Edge(
                                f"{self.scope}::{node.address}",
                                f"{self.scope}::{target}",
                                "depends_on",
                                ("@depends_on",),
                            ),
                        )
            for call in node.meta.get("module_calls", ()):
                if call in self.nodes:
                    key = (call, node.address, "contains", (), None)
                    out.setdefault(
                        key,
                        Edge(f"{self.scope}::{call}", f"{self.scope}::{node.address}", "contains"),
                    )
        return list(out.values())

    def _module_ref(self, ref: str) -> list[tuple[str, str | None]]:
        """``module.db.endpoint`` -> the module call instance(s), attribute ``endpoint``."""
        m = _MODULE_REF.match(ref)
        if m is None:
            return []
        base, index, attr = m.group(1), m.group(2), m.group(3)
        if index:
            return [(base + index, attr)]
        return [(a, attr) for a in self.instances.get(base, [])]


def _strip_index(name: str) -> str:
    i = name.find("[")
    return name if i < 0 else name[:i]


def load_plan(path: Path, options: LoadOptions, loader: Any) -> LoadResult:
    """Nodes and edges of one plan file (its own scope)."""
    return _PlanLoader(path, options, loader).load()
