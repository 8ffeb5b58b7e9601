from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.lazyre import compile_lazily
from soc2lint.model import Node, Range, Severity, Unknown
from soc2lint.rule import ACCOUNT_BASELINE, Context, RelatedRef, Report, rule
from soc2lint.views.logging import (
    LOG_GROUP,
    log_group_index,
    log_group_name_from,
    resolve_attr,
    trails,
    unloaded_modules,
)

from ...record import record
from ._shared import (
    MONITORING,
    account_unknown,
    alarm_notifies,
    control_location,
    first_line,
    join_names,
)

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


_COMPARISON = compile_lazily(
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


# ---- whether a JSON filter pattern can match at all ---------------------------------

_TOKEN = compile_lazily(
    r"""\s*(?:
        (?P<and>&&)|(?P<or>\|\|)|(?P<open>\()|(?P<close>\))
      | (?P<selector>\$(?:\.[A-Za-z0-9_@:*-]+|\[[0-9*]+\])+)
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<word>(?i:NOT\s+EXISTS|EXISTS|IS\s+(?:TRUE|FALSE|NULL)))
      | (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<regex>%(?:[^%\\]|\\.)*%)
      | (?P<bare>[^\s()&|"%=!<>$]+)
    )""",
    re.VERBOSE,
)

#: a condition of a JSON pattern: (selector, operator, value); operator ``exists`` &c.
Condition = tuple[str, str, str]


class _PatternError(ValueError):
    pass


class _Parser:
    """``expr := term (('&&' | '||') term)*``, ``term := '(' expr ')' | comparison``;
    ``&&`` binds tighter than ``||``.  The result is a list of alternatives, each a
    list of conditions that must all hold (None for an alternative too deep to expand)."""

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos or m.lastgroup is None:
                raise _PatternError(f"unexpected text at {text[pos : pos + 20]!r}")
            self.tokens.append((m.lastgroup, m.group(m.lastgroup)))
            pos = m.end()
        self.i = 0

    def peek(self) -> str:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else ""

    def take(self, kind: str) -> str:
        if self.peek() != kind:
            raise _PatternError(f"expected {kind}")
        value = self.tokens[self.i][1]
        self.i += 1
        return value

    def expression(self, depth: int = 0) -> list[list[Condition]]:
        if depth > 50:
            raise _PatternError("nested too deeply")
        alternatives = self.conjunction(depth)
        while self.peek() == "or":
            self.take("or")
            alternatives = alternatives + self.conjunction(depth)
        return alternatives

    def conjunction(self, depth: int) -> list[list[Condition]]:
        result = self.term(depth)
        while self.peek() == "and":
            self.take("and")
            right = self.term(depth)
            if len(result) * len(right) > 256:
                raise _PatternError("too many alternatives")  # too big to judge: may match
            result = [a + b for a in result for b in right]
        return result

    def term(self, depth: int) -> list[list[Condition]]:
        if self.peek() == "open":
            self.take("open")
            inner = self.expression(depth + 1)
            self.take("close")
            return inner
        selector = self.take("selector")
        if self.peek() == "word":
            word = " ".join(self.take("word").upper().split())
            return [[(selector, word, "")]]
        op = self.take("op")
        kind = self.peek()
        if kind not in ("string", "regex", "bare"):
            raise _PatternError("a comparison without a value")
        value = self.take(kind)
        if kind == "string":
            value = value[1:-1]
        elif kind == "regex":
            value = "%regex%"
        return [[(selector, op, value)]]


def _contradictory(conditions: list[Condition]) -> bool:
    """Conditions that no event satisfies together: one field equal to two different
    literal values, or equal and not equal to the same one."""
    equal: dict[str, str] = {}
    unequal: dict[str, set[str]] = {}
    for selector, op, value in conditions:
        if "*" in value or value == "%regex%":
            continue
        if op == "=":
            if equal.setdefault(selector, value) != value:
                return True
            if value in unequal.get(selector, ()):
                return True
        elif op == "!=":
            if equal.get(selector) == value:
                return True
            unequal.setdefault(selector, set()).add(value)
    return False


def pattern_problem(pattern: str) -> str | None:
    """Why a CloudWatch Logs filter pattern can never match an event, or None.

    A JSON pattern (one that compares ``$.`` selectors) must sit in braces and
    parse; one whose every alternative is contradictory matches nothing.  Other
    patterns (terms, space-delimited) are not judged."""
    text = pattern.strip()
    if "$." not in text and "$[" not in text:
        return None
    if not (text.startswith("{") and text.endswith("}")):
        return "a JSON filter pattern must be enclosed in braces"
    try:
        parser = _Parser(text[1:-1])
        alternatives = parser.expression()
        if parser.i != len(parser.tokens):
            raise _PatternError("unexpected text after the expression")
    except _PatternError as exc:
        if str(exc) == "too many alternatives":
            return None
        return f"the filter pattern does not parse ({exc})"
    if all(_contradictory(a) for a in alternatives):
        return "the filter pattern's conditions contradict each other"
    return None


@record(frozen=True)
class MetricRef:
    """A CloudWatch metric named by a metric filter or an alarm (values may be Unknown)."""

    name: Any
    namespace: Any

    def matches(self, other: MetricRef) -> bool | None:
        """Same metric: True / False / None when either side is unknown."""
        pairs = ((self.name, other.name), (self.namespace, other.namespace))
        result: bool | None = True
        for a, b in pairs:
            if isinstance(a, Unknown) or isinstance(b, Unknown):
                ta = a.template if isinstance(a, Unknown) else None
                tb = b.template if isinstance(b, Unknown) else None
                if ta is not None and ta == tb:
                    continue  # the same string after deploy, whatever it is
                result = None
            elif not (isinstance(a, str) and a == b):
                return False
        return result


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


def _filter_on_trail_group(
    ctx: Context, f: Node, group_ids: set[str], group_names: set[str], any_group: bool
) -> bool | None:
    """Whether a metric filter reads a trail's log group (None: cannot tell)."""
    a = f.attr(tf="log_group_name", cfn="LogGroupName")
    r = resolve_attr(
        ctx.graph, a, LOG_GROUP, log_group_index(ctx.graph), normalise=log_group_name_from
    )
    if any_group:
        return True
    if any(n.id in group_ids for n in r.nodes):
        return True
    names = set(r.names)
    for n in r.nodes:
        v = n.get(tf="name", cfn="LogGroupName")
        if isinstance(v, str):
            names.add(v)
    if names & group_names:
        return True
    if r.uncertain or (a.unknown and not r.nodes):
        return None
    return False


@rule(
    id="LOG021",
    slug="security-alarms",
    severity=Severity.MEDIUM,
    tsc=("CC7.2", "CC7.3"),
    checklist=MONITORING,
    subjects=ACCOUNT_BASELINE,
    control="Security events in CloudTrail raise alarms.",
    account_scope=True,
    graph=True,
    fix={
        "terraform": "For each missing event class add an `aws_cloudwatch_log_metric_filter` "
        "on the trail's log group (CIS AWS Foundations pattern) and an "
        "`aws_cloudwatch_metric_alarm` on its metric with `alarm_actions`.",
        "cloudformation": "For each missing event class add an `AWS::Logs::MetricFilter` on "
        "the trail's log group (CIS AWS Foundations pattern) and an `AWS::CloudWatch::Alarm` "
        "on its metric with `AlarmActions`.",
    },
)
def security_alarms(ctx: Context) -> Iterator[Report]:
    """Security events in CloudTrail raise no alarm.

    What it checks:
        Account scope: for each of console sign-in failures, IAM policy
        changes, root account use and unauthorised API calls there must be a
        metric filter on a trail's CloudWatch Logs group (`aws_cloudwatch_log_metric_filter`
        / `AWS::Logs::MetricFilter`) whose pattern matches the event class, and
        an alarm with an action on the filter's metric (same metric name and
        namespace). Patterns are read as the CIS AWS Foundations Benchmark
        writes them, accepting their common spellings: quoted or not, any
        spacing, `*UnauthorizedOperation` or `UnauthorizedOperation`,
        `AccessDenied*` or `AccessDenied`, `errorMessage = "Failed
        authentication"` or `responseElements.ConsoleLogin = "Failure"`, any of
        the IAM policy events (`PutRolePolicy`, `AttachUserPolicy`,
        `CreatePolicyVersion`...), `userIdentity.type = "Root"`. With no trail
        in the configuration (an organization trail managed elsewhere),
        filters on any log group count. An unknown log group, pattern, metric
        or action makes its event class unknown; the finding lists the classes
        that are certainly missing. An alarm whose metric name refers to a
        metric filter's attribute watches that filter's metric (the reference
        is followed through the graph, even when the name itself is not known
        before apply). A filter whose pattern can never match is no alarm: a
        JSON pattern outside braces or that does not parse (CloudWatch rejects
        it), or whose every alternative is contradictory
        (`$.eventName = "A" && $.eventName = "B"`).
    Why it matters for SOC 2:
        Checklist C asks for alerts on security-relevant activity: failed
        sign-ins, permission changes, root use and denied calls are the
        earliest signs of an attack or a mistake (CC7.2, CC7.3).
    References:
        - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
        - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_log_metric_filter
    """
    g = ctx.graph
    infos = trails(g)
    if any(i.log_group_state == "unresolved" for i in infos):
        for i in infos:
            if i.log_group_state == "unresolved":
                yield from ctx.unresolved(i.trail, i.log_group_attr, "the trail's log group")
        return
    streaming = [i for i in infos if i.log_group_state == "resolved"]
    group_ids = {n.id for i in streaming for n in i.log_groups}
    group_names = {name for i in streaming for name in i.log_group_names}
    for i in streaming:
        for n in i.log_groups:
            v = n.get(tf="name", cfn="LogGroupName")
            if isinstance(v, str):
                group_names.add(v)
    any_group = not infos
    status: dict[str, bool | None] = dict.fromkeys(EVENT_CLASSES, False)
    if streaming or any_group:
        alarms = [
            (a, alarm_notifies(a), alarm_metrics(a)) for a in g.nodes("AWS::CloudWatch::Alarm")
        ]
        for f in g.nodes("AWS::Logs::MetricFilter"):
            on_trail = _filter_on_trail_group(ctx, f, group_ids, group_names, any_group)
            if on_trail is False:
                continue
            pattern = f.attr(tf="pattern", cfn="FilterPattern")
            if not pattern.known or not isinstance(pattern.value, str):
                classes: set[str] = set(EVENT_CLASSES) if pattern.unknown else set()
                certain = False
            elif pattern_problem(pattern.value) is not None:
                continue  # a pattern that can never match is no alarm
            else:
                classes = classify_pattern(pattern.value)
                certain = True
            if not classes:
                continue
            watched = _alarm_watches(g, f, filter_metrics(f), alarms)
            sure = certain and on_trail is True and watched is True and not f.may_not_exist
            for c in classes:
                if status[c] is True:
                    continue
                if sure:
                    status[c] = True
                elif watched is not False:
                    status[c] = None
    missing = [c for c in EVENT_CLASSES if status[c] is False]
    if not missing:
        return
    if unloaded_modules(g):
        yield from account_unknown(ctx, "security alarms inside a module that was not loaded")
        return
    if infos and not streaming:
        first = infos[0].trail
        yield ctx.config_finding(
            "no alarm can watch CloudTrail events: no trail delivers to CloudWatch Logs "
            f"(missing alarms for {join_names(missing)})",
            scope=first.scope,
            range=first_line(first),
            related=[RelatedRef(i.trail, i.log_group_attr.path, "trail") for i in infos],
        )
        return
    related = [RelatedRef(n, (), "CloudTrail log group") for i in streaming for n in i.log_groups]
    scope: str | None
    rng: Range | None
    if streaming:
        scope, rng = streaming[0].trail.scope, first_line(streaming[0].trail)
    else:
        scope, rng = control_location(ctx, ("alarm", "cis", "monitoring", "cloudwatch"))
    where = "on the CloudTrail log group" if streaming else "on any log group (no trail here)"
    yield ctx.config_finding(
        f"no metric filter with an alarm that notifies {where} for {join_names(missing)}",
        scope=scope,
        range=rng,
        related=related,
    )


def _named_filters(g: ResourceGraph, alarm: Node) -> list[Node]:
    """The metric filters an alarm's metric name refers to
    (``aws_cloudwatch_log_metric_filter.x.metric_transformation[0].name``)."""
    via = alarm.spelled(tf="metric_name", cfn="MetricName")
    return g.targets(alarm, "AWS::Logs::MetricFilter", via=via)


def _alarm_watches(
    g: ResourceGraph,
    f: Node,
    metrics: list[MetricRef],
    alarms: list[tuple[Node, bool | None, list[MetricRef]]],
) -> bool | None:
    """Some alarm with an action watches one of ``metrics`` of filter ``f`` (None: cannot
    tell).  An alarm whose metric name refers to a metric filter watches that filter's
    metric, not any other: the reference is resolved through the graph."""
    result: bool | None = False
    for alarm, notifies, watched in alarms:
        if notifies is False:
            continue
        named = _named_filters(g, alarm)
        if named and any(isinstance(w.name, Unknown) for w in watched):
            if all(n.id != f.id for n in named):
                continue  # it watches another filter's metric
            if notifies is True and not alarm.may_not_exist:
                return True
            result = None
            continue
        for m in metrics:
            for w in watched:
                same = m.matches(w)
                if same is False:
                    continue
                if same is True and notifies is True and not alarm.may_not_exist:
                    return True
                result = None
    return result
