"""The findings cache (soc2lint.findings_cache): a scan served from it equals a scan
without any cache (findings, not-applicable records, rule errors, JSON and SARIF), and it
checks again exactly the groups of parts whose inputs or rule settings changed."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import soc2lint.cloudformation as cfn
from soc2lint.config import Config
from soc2lint.engine import ScanRequest, ScanResult, run_scan
from soc2lint.findings_cache import is_scope_local, join_parts
from soc2lint.frontend import Part
from soc2lint.model import Edge
from soc2lint.registry import Registry
from soc2lint.report import render
from soc2lint.rule import Context, Report, Rule
from soc2lint.system_rules import RULE_ERROR

from helpers import make_node, registry
from rulekit import make_rule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: several Terraform roots and templates, nested stacks, a plan beside its root (nodes in
#: no part), a template whose KMS keys a rule does not apply to
PIECES = {
    "tf-project": "terraform/project",
    "tf-leaky": "terraform/network-leaky",
    "tf-plan": "terraform/plan",
    "cfn-nested": "cloudformation/nested",
    "cfn-sam": "cloudformation/sam",
    "cfn-encryption": "cloudformation/encryption",
    "cfn-iam": "cloudformation/iam",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name, source in PIECES.items():
        shutil.copytree(FIXTURES / source, root / name)
    return root


def _scan(
    repo: Path,
    cache: Path | None,
    config: Config | None = None,
    reg: Registry | None = None,
    jobs: int = 1,
) -> ScanResult:
    return run_scan(
        ScanRequest(
            paths=[repo],
            config=config or Config(),
            registry=reg or registry(),
            base=repo.parent,
            cache_dir=cache,
            jobs=jobs,
        )
    )


def _outputs(result: ScanResult) -> dict[str, Any]:
    return {
        "findings": [dataclasses.asdict(f) for f in result.findings],
        "not_applicable": result.not_applicable,
        "rule_errors": result.rule_errors,
        "json": render("json", result, threshold=None),
        "sarif": render("sarif", result, threshold=None),
    }


def _groups(result: ScanResult) -> tuple[int, int]:
    stats = result.cache_stats
    return stats["findings.groups"], stats["findings.groups_cached"]


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("findings-*/*.pickle"))


def test_a_warm_scan_equals_a_scan_without_cache(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = _outputs(_scan(repo, None))
    assert expected["not_applicable"], "the fixtures should hold a not-applicable record"
    cold = _scan(repo, cache)
    groups, cached = _groups(cold)
    assert cached == 0
    assert _outputs(cold) == expected
    warm = _scan(repo, cache)
    # every group but the plan's nodes (in no root or template) comes from the cache
    assert _groups(warm) == (groups, groups - 1)
    assert _outputs(warm) == expected


def test_a_changed_file_checks_its_template_again(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    groups, _ = _groups(_scan(repo, cache))
    template = repo / "cfn-encryption" / "data-stores.yaml"
    text = template.read_text()
    assert "Encrypted: true" in text
    template.write_text(text.replace("Encrypted: true", "Encrypted: false"))
    expected = _outputs(_scan(repo, None))
    changed = _scan(repo, cache)
    assert _groups(changed) == (groups, groups - 2)
    assert _outputs(changed) == expected
    template.write_text(text)  # back: the first entry serves it again
    assert _outputs(_scan(repo, cache)) == _outputs(_scan(repo, None))


def test_templates_checked_in_the_workers_that_evaluated_them(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a process pool, each template is checked in its worker into the cache: the
    cold scan finds every template's findings there, and equals a scan without cache."""
    monkeypatch.setattr(cfn, "POOL_MIN_ROOTS", 2)
    cache = tmp_path / "cache"
    expected = _outputs(_scan(repo, None, jobs=2))
    cold = _scan(repo, cache, jobs=2)
    assert cold.cache_stats["cloudformation.templates"] >= 4
    groups, cached = _groups(cold)
    templates = cold.cache_stats["cloudformation.templates"]
    assert cached == templates  # what the workers checked
    assert _outputs(cold) == expected
    warm = _scan(repo, cache, jobs=2)
    assert _groups(warm) == (groups, groups - 1)
    assert _outputs(warm) == expected


def test_a_rule_the_workers_do_not_have_is_checked_by_the_scan(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers check with the built-in rules: a registry whose scope-local rules are
    not those (a test's, here) has the scan check every template itself."""
    monkeypatch.setattr(cfn, "POOL_MIN_ROOTS", 2)
    extra = make_rule("XTS004", "every-queue", _every_queue)
    reg = Registry([*registry(), extra])
    cache = tmp_path / "cache"
    expected = _outputs(_scan(repo, None, reg=reg, jobs=2))
    assert any(f["rule_id"] == "XTS004" for f in expected["findings"])
    cold = _scan(repo, cache, reg=reg, jobs=2)
    assert _groups(cold)[1] == 0
    assert _outputs(cold) == expected
    assert _outputs(_scan(repo, cache, reg=reg, jobs=2)) == expected


def _every_queue(ctx: Context) -> Iterator[Report]:
    for node in ctx.graph.nodes("AWS::SQS::Queue"):
        yield ctx.finding(node, (), f"{node.address}: a queue")


@pytest.mark.parametrize(
    "config",
    [
        Config(strict=True),
        Config(select=("ENC",)),
        Config(ignore=("KEY001",)),
        Config(account_scope=True),
        Config(options={"max_admins": 0}),
    ],
    ids=["strict", "select", "ignore", "account-scope", "option"],
)
def test_changed_rule_settings_are_never_served_stale(
    repo: Path, tmp_path: Path, config: Config
) -> None:
    cache = tmp_path / "cache"
    _scan(repo, cache)
    expected = _outputs(_scan(repo, None, config))
    other = _scan(repo, cache, config)
    assert _groups(other)[1] == 0
    assert _outputs(other) == expected
    assert _outputs(_scan(repo, cache, config)) == expected  # and then warm


def _every_bucket(ctx: Context) -> Iterator[Report]:
    for node in ctx.graph.nodes("AWS::S3::Bucket"):
        yield ctx.finding(node, (), f"{node.address}: seen by a plug-in")


def test_a_plug_in_rule_runs_over_the_whole_graph_every_time(repo: Path, tmp_path: Path) -> None:
    plugin = dataclasses.replace(
        make_rule("XPL001", "plugin-buckets", _every_bucket), origin="rules-dir:test"
    )
    assert not is_scope_local(plugin)
    reg = Registry([*registry(), plugin])
    cache = tmp_path / "cache"
    expected = _outputs(_scan(repo, None, reg=reg))
    assert any(f["rule_id"] == "XPL001" for f in expected["findings"])
    _scan(repo, cache, reg=reg)
    warm = _scan(repo, cache, reg=reg)
    assert _groups(warm)[1] > 0
    assert _outputs(warm) == expected


def _raises_on_sam(ctx: Context) -> Iterator[Report]:
    for node in ctx.graph.nodes(("AWS::S3::Bucket", "AWS::SQS::Queue")):
        if node.scope.startswith("repo/cfn-sam"):
            raise RuntimeError(f"cannot check {node.address}")
        yield ctx.finding(node, (), f"{node.address}: seen")


def test_a_rule_that_raises_is_reported_as_without_cache(repo: Path, tmp_path: Path) -> None:
    broken = make_rule("XTS001", "raises-on-sam", _raises_on_sam)
    assert is_scope_local(broken)
    reg = Registry([*registry(), broken])
    cache = tmp_path / "cache"
    expected = _outputs(_scan(repo, None, reg=reg))
    assert expected["rule_errors"] == {"XTS001"}
    assert not any(f["rule_id"] == "XTS001" for f in expected["findings"])
    assert any(f["rule_id"] == RULE_ERROR.id for f in expected["findings"])
    assert _outputs(_scan(repo, cache, reg=reg)) == expected
    assert _entries(cache) == []  # a rule error is not kept
    assert _outputs(_scan(repo, cache, reg=reg)) == expected


def test_the_rule_error_of_a_changed_template_drops_the_kept_findings(
    repo: Path, tmp_path: Path
) -> None:
    """Kept findings of other groups do not survive a rule that now raises: without a
    cache, a rule that raises reports nothing."""
    sam = repo / "cfn-sam"
    moved = tmp_path / "cfn-sam"
    shutil.move(sam, moved)
    reg = Registry([*registry(), make_rule("XTS001", "raises-on-sam", _raises_on_sam)])
    cache = tmp_path / "cache"
    _scan(repo, cache, reg=reg)
    assert _entries(cache)
    shutil.move(moved, sam)
    expected = _outputs(_scan(repo, None, reg=reg))
    assert expected["rule_errors"] == {"XTS001"}
    assert _outputs(_scan(repo, cache, reg=reg)) == expected


def test_a_corrupt_entry_is_a_miss(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _scan(repo, cache)
    entries = _entries(cache)
    assert entries
    for entry in entries:
        entry.write_bytes(b"\x80\x05not a pickle")
    warm = _scan(repo, cache)
    assert _groups(warm)[1] == 0
    assert _outputs(warm) == _outputs(_scan(repo, None))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership")
def test_an_untrusted_cache_directory_is_not_used(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    result = _scan(repo, cache)
    assert "findings.groups" not in result.cache_stats
    assert _entries(cache) == []
    assert _outputs(result) == _outputs(_scan(repo, None))


def _part(scope: str, *edges: tuple[str, str]) -> Part:
    node = make_node(f"{scope}_thing", "AWS::S3::Bucket", scope=scope)
    return Part(
        object(), scope, [node], [Edge(src, dst, "reference") for src, dst in edges], None, ()
    )


def test_parts_joined_by_an_edge_or_a_scope_are_one_group() -> None:
    a = _part("a", ("a::x", "c::y"))
    b = _part("b")
    c = _part("c")
    a2 = _part("a")
    d = _part("d", ("d::x", "d::y"), ("d::x", "elsewhere::z"))
    assert join_parts([a, b, c, a2, d]) == [(a, c, a2), (b,), (d,)]


def test_only_built_in_rules_that_are_not_account_wide_are_scope_local() -> None:
    def nothing(ctx: Context) -> Iterator[Report]:
        yield from ()

    local: Rule = make_rule("XTS002", "local", nothing)
    assert is_scope_local(local)
    assert not is_scope_local(make_rule("XTS003", "wide", nothing, account_scope=True))
    assert not is_scope_local(dataclasses.replace(local, origin="entry-point:pack"))
    assert not any(is_scope_local(r) for r in registry() if r.reserved)


def test_terraform_roots_evaluated_in_the_pool_are_checked_there(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A root a forked worker evaluated is checked by the scope-local rules in that
    worker, into the findings cache (as CloudFormation templates are): the cold scan
    already finds those groups there, and every report equals an uncached scan's."""
    import multiprocessing

    import soc2lint.terraform as tf

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the Terraform pool forks")
    expected = _outputs(_scan(repo, None))
    in_process = _scan(repo, tmp_path / "in-process", jobs=2)
    assert in_process.cache_stats["terraform.roots_in_pool"] == 0
    monkeypatch.setattr(tf, "POOL_MIN_EVAL_BYTES", 0)
    cold = _scan(repo, tmp_path / "pooled", jobs=2)
    assert cold.cache_stats["terraform.roots_in_pool"] > 1
    # the groups the workers checked: more than the CloudFormation templates alone
    assert _groups(cold)[1] > _groups(in_process)[1]
    assert _outputs(in_process) == expected
    assert _outputs(cold) == expected
    assert _outputs(_scan(repo, tmp_path / "pooled", jobs=2)) == expected
