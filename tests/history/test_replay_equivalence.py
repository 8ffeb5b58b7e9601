"""The replay is exactly ``soc2lint scan`` of each commit, however incremental it is.

For every state of scripted histories (a module shared by two roots, a
configuration file that appears and changes, a suppression in configuration
that expires, roots added, moved and deleted, a nested CloudFormation stack,
a symbolic link, a plan, a file that does not parse), the incremental scan's
findings, suppressions and files equal those of ``run_scan`` on a fresh
checkout of the same commit as of the same date, and the work tree the
replay updated file by file equals a fresh materialisation of the commit.
The counters show that the replay did not simply scan everything again.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from soc2lint.config import Config, find_config, load_config
from soc2lint.diff import BASE_SKIP_DIRS
from soc2lint.engine import ScanRequest, run_scan
from soc2lint.gitobjects import GitRepository
from soc2lint.history import ScanSettings
from soc2lint.history.model import Period
from soc2lint.history.period import plan_period
from soc2lint.history.replay import Replay
from soc2lint.model import Finding
from soc2lint.registry import Registry
from soc2lint.rule import Context, Report
from soc2lint.suppressions import SuppressionEntry

from helpers import registry
from history_repo import Repo, audit_year, volume
from rulekit import make_rule

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _finding(f: Finding) -> tuple[object, ...]:
    s = f.suppression
    return (
        f.fingerprint,
        f.rule_id,
        f.message,
        f.range,
        f.severity,
        f.incomplete,
        (s.kind, s.reason, s.expires, s.range) if s else None,
    )


def _entry(e: SuppressionEntry) -> tuple[object, ...]:
    return (e.kind, e.range, e.tokens, e.reason, e.expires, e.target, e.error)


def _tree(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in [*dirnames, *filenames]:
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = p.read_bytes().hex()
    return out


def replay_and_compare(
    repo: Path,
    since: str,
    until: str,
    config: Config | None = None,
    reg: Registry | None = None,
) -> int:
    """Replay the period and compare every state with a full scan; the states seen."""
    reg = reg or registry()
    settings = ScanSettings(
        paths=[PurePosixPath(".")],
        cwd=PurePosixPath("."),
        registry=reg,
        configure=(lambda c: c) if config is None else (lambda c: dataclasses.replace(c, **{
            k: getattr(config, k) for k in ("select", "account_scope", "strict")})),
        jobs=1,
    )  # fmt: skip
    states = 0
    period = Period(_dt.date.fromisoformat(since), _dt.date.fromisoformat(until))
    with GitRepository(repo) as git:
        plan = plan_period(git, "HEAD", period, period.until)
        with Replay(git, plan, settings) as replay:
            original = replay.scanner.scan

            def checked(req: ScanRequest, structural: bool = True):  # type: ignore[no-untyped-def]
                got = original(req, structural=structural)
                with tempfile.TemporaryDirectory() as tmp:
                    fresh = Path(tmp) / "tree"
                    fresh.mkdir()
                    assert replay._current is not None
                    git.materialize(replay._current, fresh, skip_dirs=BASE_SKIP_DIRS)
                    (fresh / ".git").mkdir()
                    assert _tree(fresh) == _tree(replay.tree), "the work tree is not the commit's"
                    cfg = load_config(find_config(fresh), discovered=True)
                    cfg = settings.configure(cfg)
                    full = run_scan(
                        ScanRequest(
                            paths=[fresh], config=cfg, registry=reg, base=fresh, today=req.today
                        )
                    )
                    # run_scan saw the fresh tree: its paths are the same relative ones
                    assert sorted(map(_finding, got.findings)) == sorted(
                        map(_finding, full.findings)
                    )
                    assert sorted(map(_entry, got.suppressions)) == sorted(
                        map(_entry, full.suppressions)
                    )
                    assert got.files == full.files
                return got

            replay.scanner.scan = checked  # type: ignore[method-assign]
            for state in replay.states():
                states += 1
                # every state, scanned or carried over from the commit before: what a full
                # scan of a fresh checkout of its commit finds as of its date
                commit = state.commit.sha if state.commit is not None else None
                assert commit is not None and state.findings is not None
                with tempfile.TemporaryDirectory() as tmp:
                    fresh = Path(tmp) / "tree"
                    fresh.mkdir()
                    git.materialize(commit, fresh, skip_dirs=BASE_SKIP_DIRS)
                    (fresh / ".git").mkdir()
                    cfg = settings.configure(load_config(find_config(fresh), discovered=True))
                    full = run_scan(
                        ScanRequest(
                            paths=[fresh], config=cfg, registry=reg, base=fresh, today=state.on
                        )
                    )
                expected = {
                    f.fingerprint: (f.rule_id, f.message, f.range.file, f.range.start_line,
                                    f.suppression is not None)
                    for f in reversed(full.findings)
                    if not f.rule_id.startswith("SYS") and not f.incomplete
                }  # fmt: skip
                got = {
                    fp: (s.rule_id, s.message, s.file, s.line, s.suppression is not None)
                    for fp, s in state.findings.items()
                }
                assert got == expected, state.commit
                assert state.complete == (not full.incomplete)
            assert replay.stats.parts_kept > 0, "nothing was kept: the replay is not incremental"
            assert replay.stats.skipped > 0, "no commit was recognised as changing nothing read"
    return states


def test_the_audit_year(tmp_path: Path) -> None:
    repo = audit_year(tmp_path / "infra").path
    assert replay_and_compare(repo, "2025-01-01", "2025-03-31") == 12  # 10 commits, start, lapse


BUCKET_MODULE = """variable "name" {
  type = string
}

variable "versioned" {
  type    = bool
  default = %s
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioned ? "Enabled" : "Suspended"
  }
}
"""


def root(name: str, extra: str = "") -> str:
    return (
        'module "data" {\n'
        '  source = "../../modules/bucket"\n'
        f'  name   = "acme-{name}-data"\n'
        "}\n" + extra
    )


PARENT = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./child.yaml
  Topic:
    Type: AWS::SNS::Topic
"""


def child(encrypted: bool) -> str:
    return (
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        f"      SqsManagedSseEnabled: {'true' if encrypted else 'false'}\n"
    )


def monorepo(path: Path) -> Repo:
    r = Repo(path)
    r.write("modules/bucket/main.tf", BUCKET_MODULE % "true")
    r.write("live/dev/main.tf", root("dev"))
    r.write("live/prod/main.tf", root("prod", volume("scratch", False)))
    r.commit("Two roots on one module", "2024-12-01T10:00:00Z")
    r.write("modules/bucket/main.tf", BUCKET_MODULE % "false")  # both roots change
    r.commit("Stop versioning by default", "2025-01-03T10:00:00Z")
    r.write("live/dev/main.tf", root("dev", "# tweak\n"))  # one root changes
    r.commit("Touch dev", "2025-01-04T10:00:00Z")
    r.write(
        ".soc2lint.toml",
        "[[suppress]]\n"
        'rules = ["ENC002"]\n'
        'address = "aws_ebs_volume.*"\n'
        'reason = "scratch disks hold no data"\n'
        "expires = 2025-01-20\n",
    )
    r.commit("Configuration with an exception", "2025-01-05T10:00:00Z")
    r.write("stacks/parent.yaml", PARENT)
    r.write("stacks/child.yaml", child(False))
    r.commit("A nested stack", "2025-01-06T10:00:00Z")
    r.write("stacks/child.yaml", child(True))  # only the nested child changes
    r.commit("Encrypt the child's queue", "2025-01-07T10:00:00Z")
    r.write("live/stage/main.tf", root("stage"))
    r.commit("A third root", "2025-01-08T10:00:00Z")
    (r.path / "live" / "current").symlink_to("stage")
    r.commit("A link to the current stage", "2025-01-09T10:00:00Z")
    r.git("rm", "-q", "-r", "live/prod", when="2025-01-10T10:00:00Z")
    r.commit("Retire prod", "2025-01-10T10:00:00Z")
    r.write("live/dev/broken.tf", 'resource "aws_s3_bucket" "x" {\n')
    r.commit("Break dev", "2025-01-11T10:00:00Z")
    (r.path / "live/dev/broken.tf").unlink()
    config = (r.path / ".soc2lint.toml").read_text(encoding="utf-8")
    r.write(".soc2lint.toml", 'select = ["ENC", "BAK", "AVL"]\n\n' + config)
    r.commit("Fix dev; narrow the configuration", "2025-01-12T10:00:00Z")
    r.write("docs/README.md", "notes\n")
    r.commit("Docs", "2025-01-13T10:00:00Z")
    return r


def test_a_monorepo_with_modules_templates_links_and_configuration(tmp_path: Path) -> None:
    repo = monorepo(tmp_path / "mono").path
    # the start, 11 commits, and the lapse of the configuration's exception (01-21)
    assert replay_and_compare(repo, "2025-01-01", "2025-01-31") == 13


def test_account_wide_rules_and_strict_mode(tmp_path: Path) -> None:
    """Account-scope rules reach across roots: they run over the whole graph whenever
    anything changed, and the replay still equals a full scan at every state."""
    repo = monorepo(tmp_path / "mono").path
    config = Config(account_scope=True, strict=True)
    assert replay_and_compare(repo, "2025-01-01", "2025-01-31", config) == 13


def _volumes_unless_enc002_runs(ctx: Context) -> Iterator[Report]:
    # a plug-in that defers to a built-in rule when the scan runs it, as the
    # precedence lists do (Context.runs)
    for node in ctx.graph.nodes("AWS::EC2::Volume"):
        if not ctx.runs("ENC002"):
            yield ctx.finding(node, (), f"{node.address}: a volume")


@pytest.mark.parametrize("select", [(), ("ENC001", "XPL")], ids=["every-rule", "without-enc002"])
def test_rules_see_the_whole_selection(tmp_path: Path, select: tuple[str, ...]) -> None:
    """What a rule asks of ``Context.runs`` is the same in a replay as in a scan: the
    replay runs scope-local and plug-in rules separately, each with every selected rule."""
    plugin = dataclasses.replace(
        make_rule("XPL001", "plugin-volumes", _volumes_unless_enc002_runs),
        origin="rules-dir:test",
    )
    repo = monorepo(tmp_path / "mono").path
    config = Config(select=select) if select else None
    reg = Registry([*registry(), plugin])
    assert replay_and_compare(repo, "2025-01-01", "2025-01-31", config, reg) == 13


def test_a_plan_beside_its_configuration(tmp_path: Path) -> None:
    """A root's ``.tf`` files and its plan JSON in one directory report each problem
    once, the plan's (``findings.plan_wins``); in a replay the two are separate parts
    of separate units, and the replay still equals a full scan."""
    r = Repo(tmp_path / "planned")
    source = Path(__file__).resolve().parents[2] / "fixtures" / "terraform" / "plan"
    for f in sorted(source.rglob("*")):
        if f.is_file():
            r.write(f"infra/{f.relative_to(source).as_posix()}", f.read_text(encoding="utf-8"))
    r.write("live/other/main.tf", volume("logs", False))  # a root no commit touches
    r.commit("A root and its plan", "2024-12-20T10:00:00Z")
    main_tf = r.path / "infra" / "main.tf"
    r.write("infra/main.tf", main_tf.read_text(encoding="utf-8") + "\n# reviewed\n")
    r.commit("Touch the configuration", "2025-01-03T10:00:00Z")
    r.write("infra/extra.tf", volume("scratch", False))
    r.commit("A volume the plan does not have yet", "2025-01-04T10:00:00Z")
    r.write("docs/README.md", "notes\n")
    r.commit("Docs", "2025-01-05T10:00:00Z")
    assert replay_and_compare(r.path, "2025-01-01", "2025-01-31") == 4
