"""Helpers for the Terraform front-end tests: load files, find nodes, evaluate expressions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from soc2lint.frontend import Diagnostic, Limits, LoadOptions, LoadResult
from soc2lint.model import Edge, Node
from soc2lint.terraform import load_terraform
from soc2lint.terraform.evaluate import Loader
from soc2lint.terraform.expressions import NULL_RESOLVER, Scope
from soc2lint.terraform.hcl import parse_expression


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def options(root: Path, **kw: Any) -> LoadOptions:
    return LoadOptions(root=root, base=root, **kw)


def load(
    root: Path,
    files: Mapping[str, str | bytes] | None = None,
    *,
    dirs: list[str] | None = None,
    plans: list[str] | None = None,
    **kw: Any,
) -> LoadResult:
    """Write ``files`` under ``root`` and load ``dirs`` (default: every directory with .tf)."""
    write(root, files or {})
    if dirs is None:
        found = sorted({p.parent for p in root.rglob("*.tf*") if ".terraform" not in p.parts})
        dir_paths = [d for d in found if any(d.glob("*.tf")) or any(d.glob("*.tf.json"))]
    else:
        dir_paths = [root / d for d in dirs]
    plan_paths = [root / p for p in plans or []]
    return load_terraform(dir_paths, plan_paths, options(root, **kw))


def by_address(result: LoadResult, scope: str | None = None) -> dict[str, Node]:
    return {n.address: n for n in result.nodes if scope is None or n.scope == scope}


def node(result: LoadResult, address: str) -> Node:
    nodes = by_address(result)
    assert address in nodes, f"{address} not in {sorted(nodes)}"
    return nodes[address]


def edges_from(result: LoadResult, address: str, kind: str = "ref") -> list[Edge]:
    return [e for e in result.edges if e.src.split("::", 1)[1] == address and e.kind == kind]


def edge_set(
    result: LoadResult, address: str, kind: str = "ref"
) -> set[tuple[str, str, str | None]]:
    """(src_path dotted, dst address, dst_attr) of the edges leaving ``address``."""
    from soc2lint.model import format_path

    return {
        (format_path(e.src_path), e.dst.split("::", 1)[1], e.dst_attr)
        for e in edges_from(result, address, kind)
    }


def diags(result: LoadResult, rule: str | None = None) -> list[Diagnostic]:
    return [d for d in result.diagnostics if rule is None or d.rule_id == rule]


def ev(text: str, root: Path | None = None, limits: Limits | None = None, **names: Any) -> Any:
    """Evaluate one expression with ``names`` in scope (no module around it)."""
    base = root or Path("/nonexistent-root")
    opts = LoadOptions(root=base, base=base, limits=limits or Limits())
    loader = Loader(opts)
    loader.ev.cwd = base
    value, _ = loader.ev.evaluate(parse_expression(text), Scope(NULL_RESOLVER, names), None)
    return value
