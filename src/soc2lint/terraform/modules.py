"""Module directories: parsing their files, indexing their blocks, resolving module sources.

A :class:`ModuleConfig` is the static content of one directory (every
``.tf``/``.tf.json`` file in it), shared by every instance of the module in
every root.  Parsing is a pure function of the file text (:func:`parse_source`)
so it can run in worker processes; this module only decides which files to
parse and indexes the result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import field
from pathlib import Path

from ..cache import Sources
from ..frontend import (
    Diagnostic,
    LoadOptions,
    SourceError,
    TimeBudgetExceeded,
    read_text,
    time_budget,
)
from ..model import Range
from ..record import record
from .hcl import parse_hcl, parse_hcl_lark, warm_up
from .hclfast import parse_file as parse_fast
from .syntax import (
    Attribute,
    Block,
    Body,
    GetAttr,
    ParsedFile,
    Ref,
    SyntaxProblem,
    literal_string,
)

TF_SUFFIXES = (".tf", ".tf.json")


def parse_source(text: str, json_syntax: bool) -> ParsedFile:
    """Parse one configuration file's text (pure: no I/O, no shared state)."""
    if json_syntax:
        from .tfjson import parse_tf_json  # imported for a .tf.json file only

        return parse_tf_json(text)
    return parse_hcl(text)


def parse_bounded(text: str, json_syntax: bool, seconds: float) -> ParsedFile:
    """:func:`parse_source` within ``limits.file_time_budget``: a parse that takes
    longer is abandoned and the file is a SYS008 problem instead.

    lark's parser is built (outside the budget) only for a file the fast HCL
    parser declines."""
    try:
        with time_budget(seconds):
            if json_syntax:
                return parse_source(text, json_syntax)
            fast = parse_fast(text)
        if fast is not None:
            return fast
        warm_up()
        with time_budget(seconds):
            return parse_hcl_lark(text)
    except TimeBudgetExceeded as exc:
        return ParsedFile(None, (SyntaxProblem(exc.message, 1, 1, limit=True),))


def is_cacheable(parsed: ParsedFile) -> bool:
    """Limit problems depend on the configuration, not the text: never cache them."""
    return not any(p.limit for p in parsed.problems)


def read_source(
    path: Path, options: LoadOptions, sources: Sources | None = None
) -> str | ParsedFile:
    """The text of ``path``, or a ParsedFile holding why it cannot be read."""
    try:
        return options.read_source_file(path, sources)
    except SourceError as exc:
        problem = SyntaxProblem(exc.message, exc.line, exc.column, limit=exc.limit)
        return ParsedFile(None, (problem,))


def is_json_syntax(path: Path) -> bool:
    return path.name.lower().endswith(".json")


def is_override(name: str) -> bool:
    stem = name[: -len(".json")] if name.endswith(".json") else name
    stem = stem[: -len(".tf")] if stem.endswith(".tf") else stem
    return stem == "override" or stem.endswith("_override")


def config_files(directory: Path, sources: Sources | None = None) -> list[Path]:
    """The ``.tf`` and ``.tf.json`` files of a module directory, override files last."""
    try:
        listed = (sources or Sources()).entries(directory)
    except OSError:
        return []
    files = [
        directory / name
        for name, _, is_file in listed
        if is_file and name.lower().endswith(TF_SUFFIXES)
    ]
    return [p for p in files if not is_override(p.name)] + [p for p in files if is_override(p.name)]


@record
class Decl:
    """A top-level block and the display path of the file it is in.

    ``member_files`` names the override file (``override.tf``,
    ``*_override.tf``) an argument or block type was merged from.
    """

    block: Block
    file: str
    member_files: dict[str, str] = field(default_factory=dict)

    def range(self) -> Range:
        return Range(self.file, *self.block.pos)

    def attr(self, name: str) -> Attribute | None:
        return self.block.body.attrs.get(name)

    def file_of(self, member: str) -> str:
        return self.member_files.get(member, self.file)

    def attr_range(self, attr: Attribute) -> Range:
        return Range(self.file_of(attr.name), *attr.pos)


@record
class LocalDecl:
    """A ``locals`` entry and the file it is written in."""

    attr: Attribute
    file: str


@record
class ModuleConfig:
    """The blocks of one module directory."""

    dir: Path
    display: str
    files: list[str] = field(default_factory=list)
    variables: dict[str, Decl] = field(default_factory=dict)
    locals: dict[str, LocalDecl] = field(default_factory=dict)
    outputs: dict[str, Decl] = field(default_factory=dict)
    resources: dict[str, Decl] = field(default_factory=dict)  # "type.name"
    data: dict[str, Decl] = field(default_factory=dict)  # "type.name"
    calls: dict[str, Decl] = field(default_factory=dict)
    providers: list[Decl] = field(default_factory=list)
    terraform: list[Decl] = field(default_factory=list)
    resource_types: set[str] = field(default_factory=set)
    #: diagnostics found while reading (parse errors, duplicates), reported once
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: locals in dependency order, and the locals that are part of a cycle
    local_order: list[str] = field(default_factory=list)
    local_cycles: dict[str, list[str]] = field(default_factory=dict)
    reported: bool = False

    def local_calls(self) -> list[tuple[str, str]]:
        """(call name, source) of calls with a local source (``./``, ``../``)."""
        out = []
        for name, decl in self.calls.items():
            attr = decl.attr("source")
            src = literal_string(attr.expr) if attr else None
            if src is not None and is_local_source(src):
                out.append((name, src))
        return out


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")


def build_config(
    directory: Path,
    parsed: Iterable[tuple[Path, ParsedFile]],
    display: Callable[[Path], str],
) -> ModuleConfig:
    """Index the parsed files of ``directory``."""
    cfg = ModuleConfig(directory, display(directory))
    for path, pf in parsed:
        file = display(path)
        override = is_override(path.name)
        cfg.files.append(file)
        for prob in pf.problems:
            rule = "SYS008" if prob.limit else "SYS001"
            cfg.diagnostics.append(
                Diagnostic(
                    rule,
                    prob.message,
                    Range(file, prob.line, prob.column, prob.end_line, prob.end_column),
                    file,
                )
            )
        if pf.body is None:
            continue
        for block in pf.body.blocks:
            if override:
                _override_block(cfg, block, file)
            else:
                _index_block(cfg, block, file)
    _order_locals(cfg)
    return cfg


def _member_name(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _merged(base: Decl, over: Block, file: str) -> Decl:
    """Terraform's override merge: arguments replace arguments, and the blocks of a type
    written in the override replace every block of that type."""
    attrs = dict(base.block.body.attrs)
    attrs.update(over.body.attrs)
    replaced = {_member_name(b) for b in over.body.blocks}
    blocks = [b for b in base.block.body.blocks if _member_name(b) not in replaced]
    blocks.extend(over.body.blocks)
    files = dict(base.member_files)
    files.update(dict.fromkeys(over.body.attrs, file))
    files.update(dict.fromkeys(replaced, file))
    block = Block(base.block.type, base.block.labels, Body(attrs, tuple(blocks)), base.block.pos)
    return Decl(block, base.file, files)


def _override_block(cfg: ModuleConfig, block: Block, file: str) -> None:
    """Merge a block of an override file into the block it overrides."""
    t, labels = block.type, block.labels
    table: dict[str, Decl] | None = None
    key = ""
    if t in ("resource", "data") and len(labels) == 2:
        table = cfg.resources if t == "resource" else cfg.data
        key = f"{labels[0]}.{labels[1]}"
    elif t in ("variable", "output", "module") and len(labels) == 1:
        table = {"variable": cfg.variables, "output": cfg.outputs, "module": cfg.calls}[t]
        key = labels[0]
    elif t == "locals":
        for name, attr in block.body.attrs.items():
            cfg.locals[name] = LocalDecl(attr, file)
        return
    elif t == "terraform":
        cfg.terraform.insert(0, Decl(block, file))  # settings read first-wins
        return
    elif t == "provider" and len(labels) == 1:
        alias = block.body.attrs.get("alias")
        alias_name = literal_string(alias.expr) if alias else None
        for i, decl in enumerate(cfg.providers):
            a = decl.attr("alias")
            if (
                decl.block.labels == labels
                and (literal_string(a.expr) if a else None) == alias_name
            ):
                cfg.providers[i] = _merged(decl, block, file)
                return
        cfg.providers.append(Decl(block, file))
        return
    if table is None:
        return
    base = table.get(key)
    table[key] = _merged(base, block, file) if base is not None else Decl(block, file)
    if t == "resource":
        cfg.resource_types.add(labels[0])


def _duplicate(cfg: ModuleConfig, what: str, block: Block, file: str, first: Decl) -> None:
    cfg.diagnostics.append(
        Diagnostic(
            "SYS007",
            f"{what} is declared twice (first at {first.file}:{first.block.pos[0]}); "
            "Terraform rejects this, the second declaration was ignored",
            Range(file, *block.pos),
            what,
        )
    )


def _index_block(cfg: ModuleConfig, block: Block, file: str) -> None:
    t, labels = block.type, block.labels
    decl = Decl(block, file)
    if t in ("resource", "data") and len(labels) == 2:
        table = cfg.resources if t == "resource" else cfg.data
        key = f"{labels[0]}.{labels[1]}"
        if key in table:
            what = key if t == "resource" else f"data.{key}"
            _duplicate(cfg, what, block, file, table[key])
            return
        table[key] = decl
        if t == "resource":
            cfg.resource_types.add(labels[0])
    elif t in ("variable", "output", "module") and len(labels) == 1:
        table = {"variable": cfg.variables, "output": cfg.outputs, "module": cfg.calls}[t]
        prefix = {"variable": "var.", "output": "output.", "module": "module."}[t]
        if labels[0] in table:
            _duplicate(cfg, prefix + labels[0], block, file, table[labels[0]])
            return
        table[labels[0]] = decl
    elif t == "locals":
        for name, attr in block.body.attrs.items():
            if name in cfg.locals:
                first = cfg.locals[name]
                cfg.diagnostics.append(
                    Diagnostic(
                        "SYS007",
                        f"local.{name} is declared twice (first at {first.file}:"
                        f"{first.attr.pos[0]}); the second declaration was ignored",
                        Range(file, *attr.pos),
                        f"local.{name}",
                    )
                )
                continue
            cfg.locals[name] = LocalDecl(attr, file)
    elif t == "provider" and len(labels) == 1:
        cfg.providers.append(decl)
    elif t == "terraform":
        cfg.terraform.append(decl)


def _local_refs(expr: object, out: set[str]) -> None:
    """Names of ``local.X`` referenced anywhere in an expression (static)."""
    stack = [expr]
    while stack:
        e = stack.pop()
        if e is None or isinstance(e, str | int | float | bool):
            continue
        if isinstance(e, tuple | list):
            stack.extend(e)
            continue
        if isinstance(e, GetAttr) and isinstance(e.obj, Ref) and e.obj.name == "local":
            out.add(e.name)
        slots = getattr(type(e), "__slots__", ())
        for s in slots:
            if s == "pos":
                continue
            stack.append(getattr(e, s, None))


def _order_locals(cfg: ModuleConfig) -> None:
    """Topological order of locals (iterative Tarjan); cycles are recorded, not followed."""
    deps: dict[str, list[str]] = {}
    for name, decl in cfg.locals.items():
        found: set[str] = set()
        _local_refs(decl.attr.expr, found)
        deps[name] = sorted(d for d in found if d in cfg.locals)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    order: list[str] = []
    counter = 0
    for start in cfg.locals:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = deps[node]
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            for child in children:
                if child in on_stack:
                    low[node] = min(low[node], low[child])
            if low[node] == index[node]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == node:
                        break
                cyclic = len(component) > 1 or node in deps[node]
                for w in sorted(component):
                    if cyclic:
                        cfg.local_cycles[w] = sorted(component)
                    order.append(w)
    cfg.local_order = order


# --------------------------------------------------------------------------
# .terraform/modules/modules.json
# --------------------------------------------------------------------------


def read_modules_json(
    root_dir: Path,
    options: LoadOptions,
    sources: Sources | None = None,
    report: Callable[[Diagnostic], None] | None = None,
) -> dict[str, tuple[str, Path]] | None:
    """Key (``vpc``, ``vpc.subnets``) -> (source, directory) after ``terraform init``.

    A manifest that cannot be read is a SYS001 through ``report`` (the modules
    it lists are then not loaded, and each call says so as SYS006)."""
    path = root_dir / ".terraform" / "modules" / "modules.json"
    if not path.is_file():
        return None
    line = col = 1
    try:
        data = json.loads(read_text(path, options.limits, sources))
    except SourceError as exc:
        problem, line, col = exc.message, exc.line, exc.column
    except json.JSONDecodeError as exc:
        problem, line, col = f"not valid JSON: {exc.msg}", exc.lineno, exc.colno
    except (ValueError, RecursionError) as exc:  # 4300-digit integers, deep nesting
        problem = f"not readable JSON: {type(exc).__name__}"
    else:
        problem = ""
    if problem:
        if report is not None:
            display = options.display(path)
            report(
                Diagnostic(
                    "SYS001",
                    f"{problem}; the modules `terraform init` installed were not loaded",
                    Range(display, line, col),
                    display,
                )
            )
        return None
    out: dict[str, tuple[str, Path]] = {}
    mods = data.get("Modules") if isinstance(data, dict) else None
    for m in mods if isinstance(mods, list) else []:
        if not isinstance(m, dict):
            continue
        key, src, d = m.get("Key"), m.get("Source", ""), m.get("Dir")
        if isinstance(key, str) and isinstance(d, str) and key:
            out[key] = (str(src), root_dir / d)
    return out
