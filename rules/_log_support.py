"""Helpers of the LOG rules: booleans with defaults, control-file location, CIS metric filters.

Kept apart from ``audit_logging.py`` so the rule module reads as the rules
themselves (metadata, examples, checks).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from soc2lint.model import Attr, Node, Range, Unknown, to_bool
from soc2lint.rule import Context

# --------------------------------------------------------------------------
# Three-valued reads
# --------------------------------------------------------------------------


def bool_with_default(a: Attr, default: bool) -> bool | None:
    """The attribute as a boolean, the default when it is not written, None when unknown."""
    if a.missing:
        return default
    if a.unknown:
        return None
    return to_bool(a.value)


def is_blank(a: Attr) -> bool:
    """Not written, null, or an empty string / list."""
    if a.missing:
        return True
    v = a.value
    return (isinstance(v, str) and not v.strip()) or (isinstance(v, list) and not v)


# --------------------------------------------------------------------------
# Where configuration-wide (account-scope) findings point
# --------------------------------------------------------------------------

GENERIC_HINTS = ("security", "baseline", "audit", "logging", "monitoring", "account")


def control_location(ctx: Context, hints: Sequence[str]) -> tuple[str | None, Range | None]:
    """(scope, range) of the file that would hold an account-level control.

    The first file (in a stable order) whose name mentions the control
    (``guardduty.tf``), else one that reads like an account baseline
    (``security.tf``, ``audit.yaml``), else ``main.tf`` of the first root;
    ``(None, None)`` lets the engine choose the root's first file.
    """
    files: dict[str, str] = {}
    for n in ctx.graph.nodes(None, category=None):
        files.setdefault(n.file, n.scope)
    ordered = sorted(files)
    for group in (tuple(hints), GENERIC_HINTS):
        for f in ordered:
            base = f.rsplit("/", 1)[-1].lower().replace("_", "").replace("-", "")
            if any(h in base for h in group):
                return files[f], Range(f, 1, 1, 1, 0)
    for f in ordered:
        if f.rsplit("/", 1)[-1] == "main.tf":
            return files[f], Range(f, 1, 1, 1, 0)
    return None, None


# --------------------------------------------------------------------------
# Security alarms (LOG021): the CIS AWS Foundations metric filters
# --------------------------------------------------------------------------

CONSOLE_FAILURES = "console sign-in failures"
IAM_POLICY_CHANGES = "IAM policy changes"
ROOT_USAGE = "root account use"
UNAUTHORIZED_CALLS = "unauthorised API calls"

#: the event classes, in the order messages list them
EVENT_CLASSES = (CONSOLE_FAILURES, IAM_POLICY_CHANGES, ROOT_USAGE, UNAUTHORIZED_CALLS)

#: IAM events the CIS "IAM policy changes" filter matches
IAM_POLICY_EVENTS = tuple(
    e.lower()
    for e in (
        "DeleteGroupPolicy",
        "DeleteRolePolicy",
        "DeleteUserPolicy",
        "PutGroupPolicy",
        "PutRolePolicy",
        "PutUserPolicy",
        "CreatePolicy",
        "DeletePolicy",
        "CreatePolicyVersion",
        "DeletePolicyVersion",
        "SetDefaultPolicyVersion",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "AttachUserPolicy",
        "DetachUserPolicy",
        "AttachGroupPolicy",
        "DetachGroupPolicy",
    )
)

_COMPARISON = re.compile(
    r"\$\.([A-Za-z0-9_.\[\]]+)\s*(!=|=)\s*(\"(?:[^\"\\]|\\.)*\"|[^\s)|&}]+)", re.IGNORECASE
)


def _comparisons(pattern: str) -> list[tuple[str, str]]:
    """Positive ``$.field = value`` comparisons of a JSON filter pattern, lower-cased."""
    out = []
    for m in _COMPARISON.finditer(pattern):
        if m.group(2) != "=":
            continue
        value = m.group(3)
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = value[1:-1]
        out.append((m.group(1).lower(), value.strip().lower()))
    return out


def _value_matches(pattern_value: str, event: str) -> bool:
    """A filter value (with ``*`` wildcards) matches an event name."""
    return fnmatch.fnmatchcase(event, pattern_value)


def classify_pattern(pattern: str) -> set[str]:
    """Which security event classes a CloudWatch Logs filter pattern detects.

    The reference is the CIS AWS Foundations Benchmark filter patterns; the
    match is semantic enough to accept their common spellings (quoted or
    not, any spacing, either error code of the unauthorised-call filter,
    the newer exclusions appended with ``&&``, wildcarded event names).
    """
    comps = _comparisons(pattern)
    found: set[str] = set()
    if any(
        f == "errorcode" and ("unauthorizedoperation" in v or "accessdenied" in v) for f, v in comps
    ):
        found.add(UNAUTHORIZED_CALLS)
    console = any(f == "eventname" and _value_matches(v, "consolelogin") for f, v in comps)
    failed = any(
        (f == "errormessage" and "failed authentication" in v)
        or (f == "responseelements.consolelogin" and v == "failure")
        for f, v in comps
    )
    if console and failed:
        found.add(CONSOLE_FAILURES)
    if any(f == "useridentity.type" and v == "root" for f, v in comps):
        found.add(ROOT_USAGE)
    if any(
        f == "eventname" and any(_value_matches(v, e) for e in IAM_POLICY_EVENTS) for f, v in comps
    ):
        found.add(IAM_POLICY_CHANGES)
    return found


@dataclass(frozen=True)
class MetricRef:
    """A CloudWatch metric named by a metric filter or an alarm (values may be Unknown)."""

    name: Any
    namespace: Any

    def matches(self, other: MetricRef) -> bool | None:
        """Same metric: True / False / None when either side is unknown."""
        pairs = ((self.name, other.name), (self.namespace, other.namespace))
        if any(isinstance(a, Unknown) or isinstance(b, Unknown) for a, b in pairs):
            return None
        return all(isinstance(a, str) and a == b for a, b in pairs)


def filter_metrics(node: Node) -> list[MetricRef]:
    """Metrics a metric filter publishes."""
    if node.language == "terraform":
        return [
            MetricRef(a.child("name").value, a.child("namespace").value)
            for a in node.attrs_at("metric_transformation[]")
        ]
    return [
        MetricRef(a.child("MetricName").value, a.child("MetricNamespace").value)
        for a in node.attrs_at("MetricTransformations[]")
    ]


def alarm_metrics(node: Node) -> list[MetricRef]:
    """Metrics an alarm watches (directly or through metric queries)."""
    out = []
    if node.language == "terraform":
        name = node.attr("metric_name")
        if name.present:
            out.append(MetricRef(name.value, node.attr("namespace").value))
        for q in node.attrs_at("metric_query[].metric[]"):
            out.append(MetricRef(q.child("metric_name").value, q.child("namespace").value))
    else:
        name = node.attr("MetricName")
        if name.present:
            out.append(MetricRef(name.value, node.attr("Namespace").value))
        for q in node.attrs_at("Metrics[].MetricStat.Metric"):
            out.append(MetricRef(q.child("MetricName").value, q.child("Namespace").value))
    return out


def alarm_notifies(node: Node) -> bool | None:
    """The alarm has alarm actions and actions are enabled (None when unknown)."""
    enabled = bool_with_default(node.attr(tf="actions_enabled", cfn="ActionsEnabled"), True)
    if enabled is False:
        return False
    actions = node.attr(tf="alarm_actions", cfn="AlarmActions")
    if actions.missing:
        return False
    if actions.unknown:
        return None
    if isinstance(actions.value, list):
        if not actions.value:
            return False
        return True if enabled is True else None
    # a single string
    return True if enabled is True else None


def join_names(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
