"""The pieces of ``soc2lint history`` on their own: dates, pull requests, tickets, links,
the sample, the incremental tree update, and how the tracker matches findings."""

from __future__ import annotations

import datetime as _dt
import os
import random
import re
import shutil
from pathlib import Path

import pytest

from soc2lint.gitobjects import GitRepository
from soc2lint.history.changes import (
    DEFAULT_TICKET_PATTERN,
    draw_sample,
    pull_request,
    repository_url,
    ticket_keys,
)
from soc2lint.history.model import Commit, Period, Seen, State, SuppressionNote, day_start
from soc2lint.history.period import HistoryError, parse_date
from soc2lint.history.tracker import Tracker
from soc2lint.model import Severity

from history_repo import Repo

TODAY = _dt.date(2026, 4, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-27", _dt.date(2025, 4, 27)),
        ("today", TODAY),
        ("12 months ago", _dt.date(2025, 4, 27)),
        ("1 year ago", _dt.date(2025, 4, 27)),
        ("30 days ago", _dt.date(2026, 3, 28)),
        ("2 weeks ago", _dt.date(2026, 4, 13)),
        ("2 months", _dt.date(2026, 2, 27)),
    ],
)
def test_dates(text: str, expected: _dt.date) -> None:
    assert parse_date(text, "--since", TODAY) == expected


def test_a_month_back_from_the_31st_is_the_last_day_of_a_shorter_month() -> None:
    assert parse_date("1 month ago", "--since", _dt.date(2025, 3, 31)) == _dt.date(2025, 2, 28)
    assert parse_date("12 months ago", "--since", _dt.date(2024, 2, 29)) == _dt.date(2023, 2, 28)


@pytest.mark.parametrize("text", ["2025-02-30", "last year", "", "2025/01/01"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(HistoryError, match="expected a date"):
        parse_date(text, "--since", TODAY)


def commit(subject: str, body: str = "", sha: str = "a" * 40, when: int = 0) -> Commit:
    return Commit(sha, (), "A", "a@example.com", "A", when, subject, body)


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Merge pull request #123 from acme/feature", 123),
        ("feat: add queues (#3690)", 3690),
        ("feat: add queues (#3690) ", 3690),
        ('Revert "feat: add queues (#3690)"', None),
        ("Fix #12 in the middle", None),
        ("Merge branch 'main' into feature", None),
    ],
)
def test_pull_request_numbers(subject: str, number: int | None) -> None:
    assert pull_request(commit(subject)) == number


def test_ticket_keys() -> None:
    pattern = re.compile(DEFAULT_TICKET_PATTERN)
    c = commit("OPS-12: move to UTF-8 and SHA-256 (#4)", "Refs INFRA-7, OPS-12 and CVE-2024-1234")
    assert ticket_keys(c, pattern, default=True) == ["OPS-12", "INFRA-7"]
    custom = re.compile(r"#[0-9]+")
    assert ticket_keys(c, custom, default=False) == ["#4"]


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("https://x-access-token:ghs_SECRET@github.com/acme/infra.git", "https://github.com/acme/infra"),
        ("git@github.com:acme/infra.git", "https://github.com/acme/infra"),
        ("ssh://git@github.com/acme/infra", "https://github.com/acme/infra"),
        ("https://gitlab.example.com/acme/infra.git", None),
        ("/srv/mirrors/infra", None),
        ("https://github.com/acme/in fra", None),
    ],
)  # fmt: skip
def test_repository_url_from_the_remote(remote: str, url: str | None) -> None:
    assert repository_url(None, remote, {}) == url


def test_repository_url_given_or_from_github_actions() -> None:
    env = {"GITHUB_SERVER_URL": "https://github.example.com", "GITHUB_REPOSITORY": "acme/infra"}
    assert repository_url(None, None, env) == "https://github.example.com/acme/infra"
    assert repository_url("https://github.com/o/r/", None, env) == "https://github.com/o/r"
    assert repository_url("https://u:p@github.com/o/r", None, {}) == "https://github.com/o/r"
    for bad in ("javascript:alert(1)", "https://github.com/o/r)", "ftp://x/y"):
        assert repository_url(bad, None, {}) is None


def test_the_sample_is_seeded_and_independent_of_order() -> None:
    shas = [f"{i:040x}" for i in range(100)]
    a = draw_sample(shas, 10, "7")
    assert a == draw_sample(list(reversed(shas)), 10, "7")
    assert len(set(a)) == 10 and set(a) <= set(shas)
    assert draw_sample(shas, 10, "8") != a
    assert sorted(draw_sample(shas[:3], 25, "7")) == sorted(shas[:3])


# ---- the tracker -----------------------------------------------------------------


PERIOD = Period(_dt.date(2025, 1, 1), _dt.date(2025, 1, 31))


def seen(address: str, scope: str = "live", suppressed: bool = False) -> Seen:
    return Seen(
        fingerprint=f"{scope}|{address}",
        rule_id="ENC002",
        severity=Severity.HIGH,
        scope=scope,
        address=address,
        attr_path="encrypted",
        kind="AWS::EC2::Volume",
        message="not encrypted",
        file=f"{scope}/main.tf",
        line=1,
        suppression=SuppressionNote("inline", "why", None, f"{scope}/main.tf", 1)
        if suppressed
        else None,
    )


def state(day: int, *findings: Seen, complete: bool = True, scanned: bool = True) -> State:
    ts = day_start(_dt.date(2025, 1, day)) + 3600 if day else PERIOD.start
    c = commit(f"change on day {day}", sha=f"{day:040x}", when=ts)
    return State(
        time=ts,
        on=_dt.date(2025, 1, max(day, 1)),
        commit=c,
        landed=day > 0,
        findings={f.fingerprint: f for f in findings} if scanned else None,
        complete=complete,
    )


def test_a_moved_root_keeps_its_findings() -> None:
    t = Tracker(PERIOD)
    t.add(state(0, seen("a", "live")))
    t.add(state(5, seen("a", "services")))
    done = t.finish()
    assert len(done.windows) == 1 and done.windows[0].closed is None
    assert [(m.old_scope, m.new_scope) for m in done.windows[0].moves] == [("live", "services")]
    assert done.records[0].moved and not done.records[0].introduced


def test_an_incomplete_scan_resolves_nothing() -> None:
    t = Tracker(PERIOD)
    t.add(state(0, seen("a")))
    t.add(state(3, complete=False))  # a file did not parse: "a" is not shown
    t.add(state(4, scanned=False))  # the configuration was invalid: nothing is known
    t.add(state(6, seen("a")))
    t.add(state(9))
    w = t.finish().windows[0]
    assert w.closed == day_start(_dt.date(2025, 1, 9)) + 3600
    assert w.unknown and w.unknown[0].end == day_start(_dt.date(2025, 1, 6)) + 3600
    assert [i.start for i, _, _ in t.finish().unknown] == [
        day_start(_dt.date(2025, 1, 3)) + 3600,
        day_start(_dt.date(2025, 1, 4)) + 3600,
    ]


def test_suppressed_spans() -> None:
    t = Tracker(PERIOD)
    t.add(state(0, seen("a")))
    t.add(state(2, seen("a", suppressed=True)))
    t.add(state(8, seen("a")))
    w = t.finish().windows[0]
    assert [(s.start, s.end) for s in w.suppressed] == [
        (day_start(_dt.date(2025, 1, 2)) + 3600, day_start(_dt.date(2025, 1, 8)) + 3600)
    ]


# ---- the incremental tree ----------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_updating_a_tree_commit_by_commit_equals_writing_it_whole(tmp_path: Path) -> None:
    """Random histories of adds, edits, deletes, renames, mode changes, files becoming
    directories and back, and links: after each update the tree equals a fresh one."""
    rng = random.Random(20260701)
    r = Repo(tmp_path / "repo")
    names = ["a.tf", "b/c.tf", "b/d.yaml", "e/f/g.tf", "h"]
    shas = []
    for i in range(30):
        for _ in range(rng.randint(1, 3)):
            name = rng.choice(names)
            p = r.path / name
            op = rng.random()
            if op < 0.5:
                if p.is_symlink() or p.is_file():
                    p.unlink()
                elif p.is_dir():
                    shutil.rmtree(p)
                p.parent.mkdir(parents=True, exist_ok=True)
                if p.parent.is_file():
                    continue
                p.write_text(f"# {i} {rng.random()}\n", encoding="utf-8")
                if rng.random() < 0.2:
                    p.chmod(0o755)
            elif op < 0.7 and (p.is_file() or p.is_symlink()):
                p.unlink()
            elif op < 0.85 and not p.exists() and p.parent.is_dir():
                p.symlink_to(rng.choice(["a.tf", "../outside", "/etc/passwd", "b"]))
            elif p.is_file():
                p.rename(p.with_name(p.name + ".renamed"))
        if not (r.path / "keep").exists():
            (r.path / "keep").write_text("x\n", encoding="utf-8")
        (r.path / "keep").write_text(f"{i}\n", encoding="utf-8")
        shas.append(r.commit(f"c{i}", f"2025-01-{(i % 28) + 1:02d}T00:00:00Z"))

    def tree(root: Path) -> dict[str, str]:
        out = {}
        for dirpath, dirnames, filenames in os.walk(root):
            for name in [*dirnames, *filenames]:
                p = Path(dirpath) / name
                rel = p.relative_to(root).as_posix()
                if p.is_symlink():
                    out[rel] = "link:" + os.readlink(p)
                elif p.is_dir():
                    out[rel] = "dir"
                else:
                    out[rel] = f"{p.stat().st_mode & 0o777:o}:" + p.read_text(encoding="utf-8")
        return out

    with GitRepository(r.path) as git:
        work = tmp_path / "work"
        work.mkdir()
        previous = None
        for sha in shas:
            git.update(work, git.changes(previous, sha))
            previous = sha
            fresh = tmp_path / f"fresh-{sha[:8]}"
            fresh.mkdir()
            git.materialize(sha, fresh)
            assert tree(work) == tree(fresh), sha
            shutil.rmtree(fresh)
