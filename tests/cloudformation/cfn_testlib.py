"""Helpers for the CloudFormation front-end tests: load templates, find nodes, list edges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from soc2lint.cloudformation import load_cloudformation
from soc2lint.frontend import Limits, LoadOptions, LoadResult
from soc2lint.model import Node, format_path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cloudformation"


def load_paths(
    paths: Sequence[Path],
    *,
    root: Path,
    base: Path | None = None,
    params: Mapping[str, Any] | None = None,
    limits: Limits | None = None,
    jobs: int = 1,
) -> LoadResult:
    options = LoadOptions(
        root=root,
        base=base or root,
        cfn_parameters=dict(params or {}),
        limits=limits or Limits(),
        jobs=jobs,
    )
    return load_cloudformation([p.absolute() for p in paths], options)


def write(root: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    out = []
    for name, content in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        out.append(p)
    return out


def load_text(tmp_path: Path, files: Mapping[str, str | bytes] | str, **kw: Any) -> LoadResult:
    """Write ``files`` under ``tmp_path`` and load all of them (a str is ``template.yaml``)."""
    if isinstance(files, str):
        files = {"template.yaml": files}
    paths = write(tmp_path, files)
    return load_paths(paths, root=tmp_path, **kw)


def node(result: LoadResult, address: str) -> Node:
    found = [n for n in result.nodes if n.address == address]
    assert len(found) == 1, f"{address}: {len(found)} nodes; have {sorted(addresses(result))}"
    return found[0]


def attrs(result: LoadResult, address: str) -> dict[str, Any]:
    return node(result, address).attrs


def addresses(result: LoadResult, category: str | None = None) -> set[str]:
    return {n.address for n in result.nodes if category is None or n.category == category}


def edges(result: LoadResult, kind: str | None = None) -> set[tuple[str, str, str, str | None]]:
    """(src address, dst address, src_path, dst_attr) of the edges of ``kind``."""
    out = set()
    for e in result.edges:
        if kind is None or e.kind == kind:
            out.add(
                (
                    e.src.split("::", 1)[1],
                    e.dst.split("::", 1)[1],
                    format_path(e.src_path),
                    e.dst_attr,
                )
            )
    return out


def diags(result: LoadResult) -> list[tuple[str, str, int, int, str]]:
    """(rule, file, line, column, address) of every diagnostic, sorted."""
    return sorted(
        (d.rule_id, d.range.file, d.range.start_line, d.range.start_col, d.address)
        for d in result.diagnostics
    )


def loc(result: LoadResult, address: str, path: tuple[Any, ...]) -> tuple[int, int, int, int]:
    r = node(result, address).locations[path]
    return (r.start_line, r.start_col, r.end_line, r.end_col)
