"""What a change log says about each commit: pull request, tickets, links, the sample.

The pull-request number comes from GitHub's subject conventions: a merge
commit (``Merge pull request #123 from owner/branch``) or a squash merge
(``Subject (#123)``).  Ticket keys are found in the subject and body with a
pattern (default: a project key and a number, ``ABC-123``).

The sample an auditor tests for review and approval is drawn without a random
generator whose algorithm could change between versions: the changes are
ordered by the SHA-256 of ``<seed>:<commit id>`` and the first N taken, which
anyone can recompute (the page shows how).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote, urlsplit

from ..record import record
from .model import Commit

#: a project key and a number (Jira, Linear, YouTrack...)
DEFAULT_TICKET_PATTERN = r"\b[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,6}\b"
#: keys the default pattern finds that are not tickets (``UTF-8``, ``SHA-256``, ``CVE-2024-1``)
NOT_TICKETS = frozenset(
    {"AES", "CVE", "CWE", "GHSA", "HTTP", "IPV", "ISO", "RFC", "SHA", "SSL", "TLS", "UTF", "X"}
)

_MERGE_PR = re.compile(r"^Merge pull request #([0-9]{1,9}) from \S")
_SQUASH_PR = re.compile(r"\(#([0-9]{1,9})\)\s*$")


def pull_request(commit: Commit) -> int | None:
    """The pull request a commit landed with, by GitHub's merge and squash-merge subjects."""
    m = _MERGE_PR.match(commit.subject) or _SQUASH_PR.search(commit.subject)
    return int(m.group(1)) if m else None


def ticket_keys(commit: Commit, pattern: re.Pattern[str], default: bool) -> list[str]:
    """Ticket keys in the subject and body, in the order they first appear."""
    out: dict[str, None] = {}
    for text in (commit.subject, commit.body):
        for m in pattern.finditer(text):
            key = m.group(0)
            if default and key.split("-", 1)[0] in NOT_TICKETS:
                continue
            out.setdefault(key, None)
    return list(out)


def sample_order(seed: str, sha: str) -> str:
    return hashlib.sha256(f"{seed}:{sha}".encode()).hexdigest()


def draw_sample(shas: Sequence[str], size: int, seed: str) -> list[str]:
    """The ``size`` commits with the smallest SHA-256 of ``<seed>:<commit id>``."""
    return sorted(shas, key=lambda s: (sample_order(seed, s), s))[: max(0, size)]


@record(frozen=True)
class Links:
    """Links to a hosted repository (GitHub's URL layout); without a base URL, none."""

    base: str | None

    def commit(self, sha: str) -> str | None:
        return f"{self.base}/commit/{sha}" if self.base else None

    def pull(self, number: int) -> str | None:
        return f"{self.base}/pull/{number}" if self.base else None

    def blob(self, sha: str, path: str, line: int = 0) -> str | None:
        if not self.base or not path or path.startswith("/"):
            return None
        anchor = f"#L{line}" if line > 0 else ""
        return f"{self.base}/blob/{sha}/{quote(path, safe='/.-_~')}{anchor}"


_SAFE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)+$")


def repository_url(given: str | None, remote: str | None, env: Mapping[str, str]) -> str | None:
    """The repository's web address: ``--repository-url``, else GitHub Actions'
    ``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``, else the ``origin`` remote when it is
    a GitHub address.  Credentials in a remote URL are never kept, and anything that
    is not a plain ``https://host/owner/name`` is refused (None)."""
    if given:
        return _clean(given)
    server, repo = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY")
    if server and repo:
        return _clean(f"{server.rstrip('/')}/{repo}")
    if not remote:
        return None
    text = remote.strip()
    m = re.match(r"^(?:ssh://)?git@github\.com[:/]([^/]+/[^/]+?)(?:\.git)?/?$", text)
    if m:
        return _clean(f"https://github.com/{m.group(1)}")
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.hostname == "github.com":
        path = parts.path.rstrip("/").removesuffix(".git")
        return _clean(f"https://github.com{path}")
    return None


def _clean(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    port = f":{parts.port}" if parts.port else ""
    candidate = f"{parts.scheme}://{parts.hostname}{port}{parts.path.rstrip('/')}"
    candidate = candidate.removesuffix(".git")
    return candidate if _SAFE_URL.match(candidate) else None
