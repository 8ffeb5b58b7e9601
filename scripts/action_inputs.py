"""The GitHub Action's input and output plumbing (run by scripts/action-scan.sh with the
runner's ``python3 -I``; standard library only, never imports from the workspace).

    action_inputs.py paths            INPUT_PATHS -> NUL-separated paths
    action_inputs.py args             INPUT_ARGS -> NUL-separated arguments
    action_inputs.py diff-base        the commit to compare with, or nothing
    action_inputs.py outputs REPORT   step outputs from soc2lint's JSON report
    action_inputs.py verdict REPORT   why the step fails, for an ::error annotation
    action_inputs.py cache-key FILE   the pip cache's key and directory, for actions/cache

Inputs are parsed, never executed: ``args`` is split like a POSIX shell splits words
(quotes and backslashes; no expansion, substitution or globbing), so a value with spaces
is quoted (``--var-file "envs/prod vars.tfvars"``).  ``paths`` is one path per line when it
has several lines (``paths: |``), else split like ``args``.

``diff-base``: empty or ``auto`` on a ``pull_request``, ``pull_request_target`` or
``merge_group`` event is the base commit of the event (so the base commit's configuration,
baseline and exceptions decide the verdict: a pull request cannot silence its own review);
on other events, no diff.  ``off`` (or ``none``, ``false``) never compares: the tree's own
configuration is used, which a pull request can edit.  Anything else is a git revision.

Exit status 2 with a message on stderr when an input cannot be read.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from typing import Any

PR_EVENTS = ("pull_request", "pull_request_target")
OFF = ("off", "none", "false", "no")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class InputError(Exception):
    pass


def split_args(text: str, what: str) -> list[str]:
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError as exc:
        raise InputError(f"the {what} input cannot be split into words: {exc}") from None


def paths(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if len(lines) > 1:
        return lines
    if not lines:
        return ["."]
    return split_args(lines[0], "paths") or ["."]


def _event() -> dict[str, Any]:
    path = os.environ.get("GITHUB_EVENT_PATH", "")
    if not path:
        raise InputError("GITHUB_EVENT_PATH is not set: cannot find the pull request's base")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the event payload {path}: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"the event payload {path} is not a JSON object")
    return data


def diff_base(value: str, event_name: str) -> str:
    value = value.strip()
    if value.lower() in OFF:
        return ""
    if value and value.lower() != "auto":
        return value
    sha: Any = None
    if event_name in PR_EVENTS:
        pr = _event().get("pull_request")
        sha = pr.get("base", {}).get("sha") if isinstance(pr, dict) else None
    elif event_name == "merge_group":
        group = _event().get("merge_group")
        sha = group.get("base_sha") if isinstance(group, dict) else None
    else:
        return ""
    if not isinstance(sha, str) or not _SHA.match(sha):
        raise InputError(
            f"the {event_name} event has no base commit id; set the diff-base input "
            "(or diff-base: off to scan without comparing)"
        )
    return sha


def _report(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def outputs(path: str) -> dict[str, str]:
    """``findings``: at or above fail-on, what fails the step (in a diff, among the new or
    worse ones); ``total``: open findings in the scanned tree at any severity (in a diff,
    with those already at the base); ``new``: in a diff, the new or worse ones at any
    severity, else empty."""
    data = _report(path)
    summary = data.get("summary") or {}
    reported = int(summary.get("total", 0))
    failing = int(summary.get("failing", 0))
    diff = data.get("diff")
    if isinstance(diff, dict):
        counts = diff.get("counts") or {}
        total = reported + int(counts.get("unchanged", 0)) + int(counts.get("deescalated", 0))
        new = str(reported)
    else:
        total, new = reported, ""
    return {"findings": str(failing), "total": str(total), "new": new}


def verdict(path: str, fail_on: str) -> str:
    data = _report(path)
    summary = data.get("summary") or {}
    failing = int(summary.get("failing", 0))
    reported = int(summary.get("total", 0))
    new = " new" if isinstance(data.get("diff"), dict) else ""
    plural = "s" if failing != 1 else ""
    return f"{failing}{new} finding{plural} at or above fail-on {fail_on} ({reported}{new} in total)"


def cache_key(requirements: str) -> dict[str, str]:
    """The install cache: pip's wheel and HTTP cache (not the environment, whose paths
    are absolute), keyed by runner, Python version, the pinned requirements file's hash
    and the ``version`` input.  What the cache holds cannot change what is installed:
    every dependency is checked against its hash (pip --require-hashes)."""
    import hashlib

    try:
        with open(requirements, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:20]
    except OSError as exc:
        raise InputError(f"cannot read {requirements}: {exc}") from None
    version = re.sub(r"[^A-Za-z0-9._-]", "_", os.environ.get("INPUT_VERSION", "")) or "checkout"
    runner = "-".join(
        os.environ.get(k, "") or "unknown" for k in ("RUNNER_OS", "RUNNER_ARCH", "ImageOS")
    )
    python = "py{}.{}".format(*sys.version_info[:2])
    temp = os.environ.get("RUNNER_TEMP") or "/tmp"
    return {
        "key": f"soc2lint-pip-{runner}-{python}-{digest}-{version}",
        "pip-cache-dir": os.path.join(temp, "soc2lint-pip-cache"),
    }


def _nul(items: list[str]) -> None:
    sys.stdout.write("".join(f"{x}\0" for x in items))


def main(argv: list[str]) -> int:
    try:
        what = argv[1] if len(argv) > 1 else ""
        if what == "paths":
            _nul(paths(os.environ.get("INPUT_PATHS", "")))
        elif what == "args":
            _nul(split_args(os.environ.get("INPUT_ARGS", ""), "args"))
        elif what == "diff-base":
            print(
                diff_base(
                    os.environ.get("INPUT_DIFF_BASE", ""), os.environ.get("GITHUB_EVENT_NAME", "")
                )
            )
        elif what == "outputs" and len(argv) > 2:
            for k, v in outputs(argv[2]).items():
                print(f"{k}={v}")
        elif what == "verdict" and len(argv) > 3:
            print(verdict(argv[2], argv[3]))
        elif what == "cache-key" and len(argv) > 2:
            for k, v in cache_key(argv[2]).items():
                print(f"{k}={v}")
        else:
            raise InputError(
                f"usage: {argv[0]} paths|args|diff-base|outputs REPORT|verdict REPORT FAIL_ON"
                "|cache-key REQUIREMENTS"
            )
    except InputError as exc:
        sys.stderr.write(f"soc2lint action: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
