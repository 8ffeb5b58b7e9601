"""Scripted git histories for the ``soc2lint history`` tests.

:class:`Repo` drives the real ``git`` executable with pinned author and
committer dates, so every commit id, and every page made from the history,
is the same on every run.  :func:`audit_year` builds the history the page
tests check exactly: a finding introduced and fixed, one suppressed with an
expiry that lapses mid-period, a root moved to another directory, a change
reverted, a branch merged with ``--no-ff``, a template that stops parsing and
is fixed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str = "2025-01-01T00:00:00Z", author: str = "Ana Silva") -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": f"{author.split(maxsplit=1)[0].lower()}@example.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": f"{author.split(maxsplit=1)[0].lower()}@example.com",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.path),
        }
        r = subprocess.run(
            ["git", "-C", str(self.path), *args],
            check=False,
            capture_output=True,
            text=True,
            env=env,
        )
        if r.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {r.stderr}")
        return r.stdout.strip()

    def write(self, rel: str, text: str) -> None:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    def commit(self, message: str, when: str, author: str = "Ana Silva") -> str:
        self.git("add", "-A", when=when)
        self.git("commit", "-q", "-m", message, when=when, author=author)
        return self.git("rev-parse", "HEAD")


def volume(name: str, encrypted: bool, comment: str = "") -> str:
    return (
        f"{comment}"
        f'resource "aws_ebs_volume" "{name}" {{\n'
        '  availability_zone = "us-east-1a"\n'
        "  size              = 10\n"
        f"  encrypted         = {'true' if encrypted else 'false'}\n"
        "}\n"
    )


def queue(encrypted: bool, broken: bool = False) -> str:
    text = (
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Resources:\n"
        "  Jobs:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        "      QueueName: jobs\n"
        f"      SqsManagedSseEnabled: {'true' if encrypted else 'false'}\n"
    )
    return text.replace("    Properties:\n", "    Properties: [\n") if broken else text


SUPPRESS_LEGACY = (
    '# soc2lint: ignore[ENC002] reason="migration to encrypted gp3 planned, OPS-3" '
    "expires=2025-01-31\n"
)


def audit_year(path: Path) -> Repo:
    """The history the page tests check (period 2025-01-01 to 2025-03-31)."""
    r = Repo(path)
    app = "live/app/main.tf"
    r.write("README.md", "# infrastructure\n")
    r.write(app, volume("legacy", False) + "\n" + volume("logs", True))
    r.commit("Initial infrastructure", "2024-12-20T10:00:00Z")
    # a finding introduced, and fixed five days later
    r.write(
        app, volume("legacy", False) + "\n" + volume("logs", True) + "\n" + volume("data", False)
    )
    r.commit("Add the data volume (#1)\n\nTracked in OPS-1.", "2025-01-05T09:00:00Z", "Bo Chen")
    r.write(
        app, volume("legacy", False) + "\n" + volume("logs", True) + "\n" + volume("data", True)
    )
    r.commit("Encrypt the data volume (#2)\n\nOPS-2", "2025-01-10T12:00:00Z")
    # an exception that lapses on 2025-02-01, with no commit that day
    r.write(
        app,
        volume("legacy", False, SUPPRESS_LEGACY)
        + "\n"
        + volume("logs", True)
        + "\n"
        + volume("data", True),
    )
    r.commit("Accept the legacy volume until January ends (#3)", "2025-01-15T08:00:00Z")
    r.write("README.md", "# infrastructure\n\nOwned by the platform team.\n")
    r.commit("Say who owns the infrastructure", "2025-02-03T10:00:00Z", "Bo Chen")
    # the root moves: its findings are the same findings
    r.git("mv", "live", "services", when="2025-02-10T10:00:00Z")
    r.commit("Move the app to services/ (#5)", "2025-02-10T10:00:00Z")
    app = "services/app/main.tf"
    before = (r.path / app).read_text(encoding="utf-8")
    r.write(app, before + "\n" + volume("cache", False))
    added = r.commit("Add the cache volume (#6)", "2025-02-15T10:00:00Z", "Bo Chen")
    r.git("revert", "--no-edit", added, when="2025-02-17T10:00:00Z")
    # a branch of two commits, merged with --no-ff: it lands with the merge
    r.git("checkout", "-q", "-b", "jobs-queue", when="2025-02-20T10:00:00Z")
    r.write("stacks/jobs.yaml", queue(False).replace("      QueueName: jobs\n", ""))
    r.commit("Add the jobs queue", "2025-02-20T10:00:00Z", "Chidi Okafor")
    r.write("stacks/jobs.yaml", queue(False))
    r.commit("Name the jobs queue OPS-8", "2025-02-21T10:00:00Z", "Chidi Okafor")
    r.git("checkout", "-q", "main", when="2025-02-25T10:00:00Z")
    r.git(
        "merge",
        "--no-ff",
        "-q",
        "-m",
        "Merge pull request #8 from acme/jobs-queue\n\nAdd the jobs queue",
        "jobs-queue",
        when="2025-02-25T10:00:00Z",
        author="Dana Levi",
    )
    # a template that does not parse: that commit is not fully checked
    r.write("stacks/jobs.yaml", queue(False, broken=True))
    r.commit("Rework the jobs queue (#9)", "2025-03-10T10:00:00Z", "Chidi Okafor")
    r.write("stacks/jobs.yaml", queue(True))
    r.commit("Fix and encrypt the jobs queue (#10)\n\nOPS-10", "2025-03-12T10:00:00Z")
    return r
