"""The CloudFormation result cache: an unchanged template (with its nested stacks,
parameter values and options) is neither decoded nor evaluated again, a change to
any of them is a miss, a corrupt entry is ignored, and a cached scan equals an
uncached one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from cfn_testlib import write
from click.testing import CliRunner

import soc2lint.cloudformation as cfn
from soc2lint.cli import main
from soc2lint.frontend import LoadOptions, LoadResult
from soc2lint.graphdump import dump_graph

PARENT = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "acme-${Env}-logs"
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/child.yaml
"""
CHILD = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
"""
OTHER = """\
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
"""
BROKEN = "Resources:\n  X: [\n"


def _load(
    root: Path,
    cache: Path | None,
    *,
    params: Mapping[str, Any] | None = None,
    jobs: int = 1,
) -> LoadResult:
    paths = sorted(root.rglob("*.yaml"))
    opts = LoadOptions(
        root=root, base=root, cache_dir=cache, jobs=jobs, cfn_parameters=dict(params or {})
    )
    return cfn.load_cloudformation(paths, opts)


def _view(r: LoadResult) -> object:
    literal = {scope: dump_graph([], edges) for scope, edges in r.literal_edges.items()}
    return dump_graph(r.nodes, r.edges, with_locations=True), r.diagnostics, r.files, literal


def _cached(r: LoadResult) -> tuple[int, int]:
    stats = r.cache_stats
    return stats["cloudformation.templates_cached"], stats["cloudformation.templates"]


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the templates evaluated (in this process) since the test started."""
    names: list[str] = []
    real = cfn._load_root

    def spy(path: Path, *args: Any) -> bool:
        names.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(cfn, "_load_root", spy)
    return names


def test_unchanged_templates_are_served_from_the_cache(
    tmp_path: Path, evaluated: list[str]
) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": PARENT, "nested/child.yaml": CHILD, "other.yaml": OTHER})
    cache = tmp_path / "cache"
    uncached = _load(src, None)
    cold = _load(src, cache)
    assert _cached(cold) == (0, 2)
    evaluated.clear()
    warm = _load(src, cache)
    assert _cached(warm) == (2, 2)
    assert evaluated == []
    assert _view(warm) == _view(cold) == _view(uncached)
    assert len(list(cache.rglob("*.result"))) == 2


def test_a_changed_template_is_evaluated_again(tmp_path: Path, evaluated: list[str]) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": PARENT, "nested/child.yaml": CHILD, "other.yaml": OTHER})
    cache = tmp_path / "cache"
    _load(src, cache)
    (src / "other.yaml").write_text(OTHER.replace("Enabled", "Suspended"))
    evaluated.clear()
    changed = _load(src, cache)
    assert evaluated == ["other.yaml"]
    assert _cached(changed) == (1, 2)
    assert _view(changed) == _view(_load(src, None))


def test_a_changed_removed_or_added_nested_child_invalidates_its_parent(
    tmp_path: Path, evaluated: list[str]
) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": PARENT, "nested/child.yaml": CHILD, "other.yaml": OTHER})
    cache = tmp_path / "cache"
    _load(src, cache)
    child = src / "nested" / "child.yaml"
    child.write_text(CHILD.replace("orders", "invoices"))
    evaluated.clear()
    changed = _load(src, cache)
    assert evaluated == ["app.yaml"]
    assert _view(changed) == _view(_load(src, None))
    assert any(n.attrs.get("QueueName") == "invoices" for n in changed.nodes)
    # removed: the parent reports the missing template
    child.unlink()
    evaluated.clear()
    gone = _load(src, cache)
    assert evaluated == ["app.yaml"]
    assert _view(gone) == _view(_load(src, None))
    assert any("does not exist" in d.message for d in gone.diagnostics)
    # back again: found, not served from the entry that said it was missing
    child.write_text(CHILD)
    evaluated.clear()
    back = _load(src, cache)
    assert evaluated == ["app.yaml"]
    assert _view(back) == _view(_load(src, None))
    assert not any("does not exist" in d.message for d in back.diagnostics)


def test_other_parameter_values_are_another_entry(tmp_path: Path, evaluated: list[str]) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": PARENT, "nested/child.yaml": CHILD})
    cache = tmp_path / "cache"
    _load(src, cache, params={"Env": "dev"})
    evaluated.clear()
    staging = _load(src, cache, params={"Env": "staging"})
    assert evaluated == ["app.yaml"]
    assert _view(staging) == _view(_load(src, None, params={"Env": "staging"}))
    assert any(n.attrs.get("BucketName") == "acme-staging-logs" for n in staging.nodes)
    evaluated.clear()
    again = _load(src, cache, params={"Env": "dev"})
    assert evaluated == []
    assert _view(again) == _view(_load(src, None, params={"Env": "dev"}))


def test_a_changed_parameter_file_is_a_miss_through_the_cli(tmp_path: Path) -> None:
    src = tmp_path / "src"
    versioned = OTHER.replace("Enabled", "!Ref Versioning")
    write(src, {"app.yaml": "Parameters:\n  Versioning:\n    Type: String\n" + versioned})
    params = src / "params.json"  # parameter files are read inside the repository
    cache = tmp_path / "cache"

    def scan(status: str, cache_dir: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
        params.write_text(json.dumps({"Versioning": status}))
        timings = tmp_path / "timings.json"
        args = ["scan", str(src), "--format", "json", "--cfn-parameters", str(params)]
        if cache_dir is None:
            args.append("--no-cache")
        result = CliRunner().invoke(
            main,
            args,
            env={
                "SOC2LINT_CACHE_DIR": str(cache),
                "SOC2LINT_TIMINGS": str(timings),
                "SOC2LINT_NO_PROGRESS": "1",
            },
        )
        assert result.exit_code in (0, 1), result.output
        stats = json.loads(timings.read_text())["cache_stats"]
        return json.loads(result.stdout), stats

    first, stats = scan("Enabled", cache)
    assert stats["cloudformation.templates_cached"] == 0
    same, stats = scan("Enabled", cache)
    assert stats["cloudformation.templates_cached"] == 1
    assert same == first
    other, stats = scan("Suspended", cache)
    assert stats["cloudformation.templates_cached"] == 0
    assert other == scan("Suspended", None)[0]
    assert other["findings"] != first["findings"]


def test_a_corrupt_entry_is_a_miss(tmp_path: Path, evaluated: list[str]) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": PARENT, "nested/child.yaml": CHILD, "other.yaml": OTHER})
    cache = tmp_path / "cache"
    uncached = _load(src, None)
    _load(src, cache)
    entries = sorted(cache.rglob("*.result"))
    assert len(entries) == 2
    entries[0].write_bytes(b"not a pickle")
    entries[1].write_bytes(entries[1].read_bytes()[:-20])  # truncated
    evaluated.clear()
    again = _load(src, cache)
    assert sorted(evaluated) == ["app.yaml", "other.yaml"]
    assert _view(again) == _view(uncached)
    evaluated.clear()
    assert _view(_load(src, cache)) == _view(uncached)
    assert evaluated == []


def test_a_file_problem_shared_by_two_templates_is_reported_once_cached_or_not(
    tmp_path: Path,
) -> None:
    def parent(name: str) -> str:
        return (
            f"Resources:\n  {name}:\n    Type: AWS::CloudFormation::Stack\n"
            "    Properties:\n      TemplateURL: shared/broken.yaml\n"
        )

    src = tmp_path / "src"
    write(src, {"a.yaml": parent("A"), "b.yaml": parent("B"), "shared/broken.yaml": BROKEN})
    cache = tmp_path / "cache"
    uncached = _load(src, None)
    problems = [d for d in uncached.diagnostics if d.address == d.range.file]
    assert len(problems) == 1 and problems[0].scope == "a.yaml"
    assert _view(_load(src, cache)) == _view(uncached)
    # only the second template changes: the first one's entry still reports the problem
    (src / "b.yaml").write_text(parent("B2"))
    changed = _load(src, cache)
    assert _cached(changed) == (1, 2)
    assert _view(changed) == _view(_load(src, None))
    # only the first one changes: the second one's cached problem is now the one kept
    (src / "a.yaml").write_text(parent("A2"))
    changed = _load(src, cache)
    assert _cached(changed) == (1, 2)
    assert _view(changed) == _view(_load(src, None))


def test_worker_processes_fill_and_use_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cfn, "POOL_MIN_ROOTS", 2)
    src = tmp_path / "src"
    files = {f"t{i}.yaml": OTHER.replace("Data", f"Data{i}") for i in range(4)}
    files.update({"app.yaml": PARENT, "nested/child.yaml": CHILD, "broken.yaml": BROKEN})
    write(src, files)
    cache = tmp_path / "cache"
    uncached = _load(src, None)
    cold = _load(src, cache, jobs=2)
    assert "cloudformation.pool" in cold.timings
    # the workers' pickling of what they send back and store is a stage of its own
    assert cold.timings["cloudformation.store"] > 0
    warm = _load(src, cache, jobs=2)
    assert _cached(warm) == (6, 6)
    assert _view(cold) == _view(warm) == _view(uncached)


def test_an_outcome_that_cannot_be_pickled_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": PARENT, "nested/child.yaml": CHILD})
    cache = tmp_path / "cache"
    uncached = _load(src, None)

    def refuse(value: object) -> bytes:
        raise TypeError("cannot pickle")

    monkeypatch.setattr(cfn, "pickled", refuse)
    assert _view(_load(src, cache)) == _view(uncached)
    assert list(cache.rglob("*.result")) == []


def test_a_template_scanned_twice_through_a_symlink_is_one_root_cached_or_not(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": OTHER})
    (src / "link.yaml").symlink_to(src / "app.yaml")
    cache = tmp_path / "cache"
    uncached = _load(src, None)
    assert [n.address for n in uncached.nodes if n.category == "resource"] == ["Data"]
    assert _view(_load(src, cache)) == _view(uncached)
    assert _view(_load(src, cache)) == _view(uncached)
