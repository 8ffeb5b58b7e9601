"""logging/logging-inventory.md: trails and their buckets, flow logs, log groups, access logs.

Facts come from :mod:`soc2lint.views.logging` and :mod:`soc2lint.views.s3`
(the views the LOG rules read); the yes/no verdicts of access logging are the
LOG rules' statuses in the control matrix.
"""

from __future__ import annotations

from ..model import MISSING, Node, Unknown
from ..settings import CLOUDTRAIL_GLOBAL_EVENTS, CLOUDTRAIL_LOG_VALIDATION, Setting
from ..views.logging import (
    FLOW_LOG,
    LOG_GROUP,
    VPC,
    bucket_retention,
    flow_log_destination,
    flow_logs,
    trails,
)
from ..views.s3 import UNKNOWN_SETTING, bucket_view
from .common import describe, first_line, md, node_sort_key, table, yes_no
from .context import EvidenceContext

MD = "logging/logging-inventory.md"

_WORDS = {
    "pass": "yes",
    "fail": "no",
    "excepted": "no (excepted)",
    "unknown": "unknown",
    "not applicable": "not applicable",
}


def _rule_word(ctx: EvidenceContext, rule_id: str, node: Node) -> str:
    s = ctx.status(rule_id, node)
    if s is None:
        return "not checked"
    return _WORDS[s] + ("" if s == "pass" else f" ({rule_id})")


def _setting(node: Node, setting: Setting) -> str:
    r = setting.read(node)
    if r.attr.unknown:
        return f"unknown ({describe(r.attr.value)})"
    if not r.written:
        return f"{yes_no(r.value)} (default)" if r.value is not None else "not set"
    return yes_no(r.value)


def _versioning(node: Node, ctx: EvidenceContext) -> str:
    settings = bucket_view(ctx.graph, node).versioning()
    if not settings:
        return "not enabled"
    values = []
    for s in settings:
        if s.value is UNKNOWN_SETTING:
            values.append("unknown (configured elsewhere)")
        else:
            values.append(describe(s.value))
    return ", ".join(values)


def _object_lock(node: Node, ctx: EvidenceContext) -> str:
    lock = bucket_view(ctx.graph, node).object_lock()
    if lock is None:
        return "no"
    if lock.enabled is None:
        return "unknown"
    if not lock.enabled:
        return "no"
    if lock.days is None:
        return f"yes, {describe(lock.mode) or 'no mode'}, no default retention"
    return f"yes, {describe(lock.mode)}, {describe(lock.days)} days"


def _trails(ctx: EvidenceContext) -> list[str]:
    infos = sorted(trails(ctx.graph), key=lambda i: (i.trail.scope, node_sort_key(i.trail)))
    out = ["## CloudTrail trails", ""]
    if not infos:
        out.append("No CloudTrail trail is declared in the scanned code.")
        out.append("")
        return out
    threshold = ctx.option("log_retention_days")
    rows = []
    buckets: dict[str, Node] = {}
    for i in infos:
        t = i.trail
        bucket_cell = ", ".join(ctx.pack.link(MD, first_line(b), b.address) for b in i.buckets)
        if i.bucket_unresolved:
            bucket_cell = md(describe(i.bucket_attr.value) or "not set") + " (outside this code)"
        for b in i.buckets:
            buckets[b.id] = b
        if i.log_group_state == "none":
            group = "none"
        elif i.log_groups:
            group = ", ".join(ctx.pack.link(MD, first_line(g), g.address) for g in i.log_groups)
        else:
            group = md(", ".join(i.log_group_names) or describe(i.log_group_attr.value))
        key = t.get(tf="kms_key_id", cfn="KMSKeyId")
        rows.append(
            [
                ctx.pack.link(MD, first_line(t), t.address),
                yes_no(i.multi_region),
                _setting(t, CLOUDTRAIL_GLOBAL_EVENTS),
                _setting(t, CLOUDTRAIL_LOG_VALIDATION),
                md(describe(key)) if key is not None else "none",
                yes_no(i.logging),
                bucket_cell,
                group,
                md(", ".join(ctx.rule_ids_touching(t))) or "none",
            ]
        )
    out.extend(
        table(
            [
                "Trail",
                "Multi-region",
                "Global events",
                "Log file validation",
                "KMS key",
                "Logging",
                "Bucket",
                "CloudWatch Logs",
                "Findings",
            ],
            rows,
        )
    )
    out.append("")
    if buckets:
        out.append("### Trail buckets")
        out.append("")
        out.append(
            f"Retention is judged against {threshold} days (`log_retention_days`): Object Lock "
            "with a default retention at least that long, or a lifecycle that expires nothing "
            "sooner."
        )
        out.append("")
        brows = []
        for b in sorted(buckets.values(), key=lambda n: (n.scope, node_sort_key(n))):
            ret = bucket_retention(ctx.graph, b, threshold, None, require_declared=True)
            brows.append(
                [
                    ctx.pack.link(MD, first_line(b), b.address),
                    md(_versioning(b, ctx)),
                    md(_object_lock(b, ctx)),
                    md(
                        ret.status.replace("ok", "kept long enough")
                        + (f": {ret.detail}" if ret.detail else "")
                    ),
                    md(", ".join(ctx.rule_ids_touching(b))) or "none",
                ]
            )
        out.extend(table(["Bucket", "Versioning", "Object Lock", "Retention", "Findings"], brows))
        out.append("")
    return out


def _flow_logs(ctx: EvidenceContext) -> list[str]:
    out = ["## VPC flow logs", ""]
    vpcs = sorted(ctx.graph.nodes(VPC), key=lambda n: (n.scope, node_sort_key(n)))
    index = flow_logs(ctx.graph)
    if not vpcs and not ctx.graph.nodes(FLOW_LOG):
        out.append("No VPC is declared in the scanned code.")
        out.append("")
        return out
    rows = []
    for vpc in vpcs:
        fls = index.of(vpc)
        if not fls:
            maybe = index.uncertain_scopes.get(vpc.scope)
            rows.append(
                [
                    ctx.pack.link(MD, first_line(vpc), vpc.address),
                    "unknown (a flow log's VPC cannot be resolved)" if maybe else "none",
                    "",
                    "",
                    md(_rule_word(ctx, "LOG008", vpc)),
                ]
            )
            continue
        for fl in sorted(fls, key=node_sort_key):
            dest = flow_log_destination(ctx.graph, fl)
            where = ", ".join(n.address for n in dest.resolved.nodes) or describe(dest.attr.value)
            traffic = fl.get(tf="traffic_type", cfn="TrafficType", default="")
            rows.append(
                [
                    ctx.pack.link(MD, first_line(vpc), vpc.address),
                    ctx.pack.link(MD, first_line(fl), fl.address),
                    md(describe(traffic)),
                    md(f"{dest.type}: {where}" if where else dest.type),
                    md(_rule_word(ctx, "LOG008", vpc)),
                ]
            )
    out.extend(table(["VPC", "Flow log", "Traffic", "Destination", "Flow logs (LOG008)"], rows))
    out.append("")
    return out


def _log_groups(ctx: EvidenceContext) -> list[str]:
    out = ["## CloudWatch log groups", ""]
    groups = sorted(ctx.graph.nodes(LOG_GROUP), key=lambda n: (n.scope, node_sort_key(n)))
    if not groups:
        out.append("No log group is declared in the scanned code.")
        out.append("")
        return out
    threshold = ctx.option("log_retention_days")
    out.append(
        f"Retention below {threshold} days (`log_retention_days`) fails LOG009; none means the logs never expire."
    )
    out.append("")
    rows = []
    for g in groups:
        name = g.get(tf="name", cfn="LogGroupName", default=MISSING)
        days = g.get(tf="retention_in_days", cfn="RetentionInDays", default=MISSING)
        key = g.get(tf="kms_key_id", cfn="KmsKeyId", default=MISSING)
        if days is MISSING or days == 0:
            retention = "never expire"
        elif isinstance(days, Unknown):
            retention = f"unknown ({days.expr})"
        else:
            retention = f"{describe(days)} days"
        rows.append(
            [
                ctx.pack.link(MD, first_line(g), g.address),
                md(describe(name)) if name is not MISSING else "generated",
                md(retention),
                md(describe(key)) if key is not MISSING else "none",
                md(_rule_word(ctx, "LOG009", g)),
            ]
        )
    out.extend(table(["Log group", "Name", "Retention", "KMS key", "Retention OK (LOG009)"], rows))
    out.append("")
    return out


ACCESS_LOGS = (
    (
        "Load balancers",
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"),
        "LOG010",
    ),
    (
        "API Gateway stages",
        (
            "AWS::ApiGateway::Stage",
            "AWS::ApiGatewayV2::Stage",
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGatewayV2::Api",
            "AWS::ApiGateway::Deployment",
        ),
        "LOG014",
    ),
    ("CloudFront distributions", ("AWS::CloudFront::Distribution",), "LOG016"),
    ("S3 buckets (server access logging)", ("AWS::S3::Bucket",), "LOG011"),
)


def _access_logs(ctx: EvidenceContext) -> list[str]:
    out = ["## Access logging", ""]
    out.append(
        "Whether each entry point keeps an access log, as the LOG rules judge it "
        "(network and gateway load balancers are not checked; buckets that are themselves "
        "log destinations are exempt from S3 access logging)."
    )
    out.append("")
    rows = []
    for label, kinds, rule_id in ACCESS_LOGS:
        for n in sorted(ctx.graph.nodes(kinds), key=lambda n: (n.scope, node_sort_key(n))):
            status = ctx.status(rule_id, n)
            if status in (None, "not applicable") and rule_id in ("LOG014",):
                continue  # an API whose stages are reported separately, a deployment without one
            rows.append(
                [
                    md(label),
                    ctx.pack.link(MD, first_line(n), n.address),
                    md(_rule_word(ctx, rule_id, n)),
                ]
            )
    if rows:
        out.extend(table(["Kind", "Resource", "Access logs"], rows))
    else:
        out.append("No load balancer, API stage, distribution or bucket is declared.")
    out.append("")
    return out


def render(ctx: EvidenceContext) -> dict[str, str]:
    out = ["# Logging inventory", ""]
    out.append(
        "Where the audit trail and the operational logs of the scanned code go, and whether "
        "they are protected and kept. Evidence for CC7.2 and CC7.3 (checklist A, Audit "
        "Trail; C, Monitoring)."
    )
    out.append("")
    out.extend(_trails(ctx))
    out.extend(_flow_logs(ctx))
    out.extend(_log_groups(ctx))
    out.extend(_access_logs(ctx))
    return {MD: "\n".join(out)}
