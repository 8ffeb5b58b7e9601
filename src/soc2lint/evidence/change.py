"""change-management/change-controls.md: pinning, state backends and deletion safeguards.

What the CHG rules read, listed whether or not it fails: every module call
with its source and version, every provider requirement, every Terraform
state backend, and how each stateful resource is protected from deletion
(CloudFormation ``DeletionPolicy``/``UpdateReplacePolicy``, Terraform
``force_destroy``, ``skip_final_snapshot`` and ``prevent_destroy``).  The
verdicts are the CHG rules' statuses in the control matrix.
"""

from __future__ import annotations

from typing import Any

from ..model import Node, Unknown
from ..views.populations import STATEFUL_KINDS, STATEFUL_TF_KINDS
from .common import describe, first_line, md, node_sort_key, table
from .context import EvidenceContext

MD = "change-management/change-controls.md"

_WORDS = {
    "pass": "yes",
    "fail": "no",
    "excepted": "no (excepted)",
    "unknown": "unknown",
    "not applicable": "not applicable",
}


def _word(ctx: EvidenceContext, rule_id: str, node: Node) -> str:
    s = ctx.status(rule_id, node)
    if s is None:
        return "not checked"
    return _WORDS[s] + ("" if s == "pass" else f" ({rule_id})")


def _sorted(nodes: list[Node]) -> list[Node]:
    return sorted(nodes, key=lambda n: (n.scope, node_sort_key(n)))


def _modules(ctx: EvidenceContext) -> list[str]:
    out = ["## Module sources", ""]
    # Terraform module calls (a CloudFormation pre-processor module has no version to pin)
    calls = _sorted(
        ctx.graph.nodes("module", category="module", where=lambda n: n.language == "terraform")
    )
    if not calls:
        out.append("No Terraform module call in the scanned code.")
        out.append("")
        return out
    rows = []
    for m in calls:
        version = m.attrs.get("version")
        rows.append(
            [
                ctx.pack.link(MD, first_line(m), m.address),
                md(describe(m.attrs.get("source"))),
                md(describe(version)) if version is not None else "none",
                md(_word(ctx, "CHG001", m)),
            ]
        )
    out.extend(table(["Module call", "Source", "Version", "Pinned (CHG001)"], rows))
    out.append("")
    return out


def _required(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        src = value.get("source")
        ver = value.get("version")
        return describe(src) if src is not None else "", describe(ver) if ver is not None else ""
    if isinstance(value, str | Unknown):
        return "", describe(value)
    return "", ""


def _providers(ctx: EvidenceContext) -> list[str]:
    out = ["## Provider requirements", ""]
    blocks = _sorted(ctx.graph.nodes("terraform", category="terraform"))
    rows = []
    for b in blocks:
        req = b.attrs.get("required_providers")
        if not isinstance(req, dict):
            continue
        for name in sorted(req):
            source, version = _required(req[name])
            rows.append(
                [
                    ctx.pack.link(
                        MD, b.location_of(("required_providers", name)), f"{b.scope}: {name}"
                    ),
                    md(source) or "default (hashicorp)",
                    md(version) or "**none**",
                ]
            )
    if rows:
        out.extend(table(["Requirement", "Source", "Version constraint"], rows))
    else:
        out.append("No `required_providers` block in the scanned code.")
    out.append("")
    chg002 = [f for f in ctx.result.findings if f.rule_id == "CHG002"]
    if chg002:
        out.append("Unpinned providers (CHG002):")
        out.append("")
        for f in sorted(chg002, key=lambda f: f.sort_key()):
            state = " (suppressed)" if f.suppressed else ""
            out.append(f"- {ctx.pack.link(MD, f.range, f.address)}: {md(f.message)}{state}")
        out.append("")
    return out


def _backends(ctx: EvidenceContext) -> list[str]:
    out = ["## Terraform state backends", ""]
    backends = _sorted(ctx.graph.nodes("backend", category="backend"))
    if not backends:
        out.append(
            "No Terraform backend is declared (local state, or configured outside the code)."
        )
        out.append("")
        return out
    rows = []
    for b in backends:
        lock = b.attrs.get("dynamodb_table")
        lockfile = b.attrs.get("use_lockfile")
        if lock is not None:
            locking = f"DynamoDB table {describe(lock)}"
        elif lockfile is not None:
            locking = f"use_lockfile = {describe(lockfile)}"
        else:
            locking = "none declared" if b.type == "s3" else "backend's own"
        enc = b.attrs.get("encrypt")
        rows.append(
            [
                ctx.pack.link(MD, first_line(b), f"{b.scope} ({b.type})"),
                md(describe(enc))
                if enc is not None
                else ("not set" if b.type == "s3" else "backend's own"),
                md(locking),
                md(_word(ctx, "CHG003", b)),
            ]
        )
    out.extend(table(["Backend", "Encrypted", "Locking", "Secure (CHG003)"], rows))
    out.append("")
    return out


def _deletion(ctx: EvidenceContext) -> list[str]:
    out = ["## Deletion safeguards", ""]
    out.append(
        "CloudFormation: the `DeletionPolicy` and `UpdateReplacePolicy` of each stateful "
        "resource (CHG006; absent means the type's default). Terraform: `force_destroy` on "
        "buckets (CHG004), `skip_final_snapshot` on databases (CHG005), and "
        "`lifecycle { prevent_destroy }`."
    )
    out.append("")
    rows = []
    for n in _sorted(
        [n for n in ctx.graph.nodes(STATEFUL_KINDS) if n.language == "cloudformation"]
    ):
        dp = n.meta.get("deletion_policy")
        urp = n.meta.get("update_replace_policy")
        rows.append(
            [
                ctx.pack.link(MD, first_line(n), n.address),
                md(n.kind),
                md(
                    f"DeletionPolicy: {describe(dp) if dp is not None else 'default'}; "
                    f"UpdateReplacePolicy: {describe(urp) if urp is not None else 'default'}"
                ),
                md(_word(ctx, "CHG006", n)),
            ]
        )
    for n in _sorted([n for n in ctx.graph.nodes(STATEFUL_TF_KINDS) if n.language == "terraform"]):
        parts = []
        rule = None
        if n.kind == "AWS::S3::Bucket":
            fd = n.attrs.get("force_destroy")
            parts.append(f"force_destroy = {describe(fd) if fd is not None else 'false (default)'}")
            rule = "CHG004"
        elif n.kind in (
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::DocDB::DBCluster",
            "AWS::Neptune::DBCluster",
        ):
            if n.type == "aws_rds_cluster_instance":
                continue
            sfs = n.attrs.get("skip_final_snapshot")
            parts.append(
                f"skip_final_snapshot = {describe(sfs) if sfs is not None else 'false (default)'}"
            )
            rule = "CHG005"
        lifecycle = n.meta.get("lifecycle") or {}
        pd = lifecycle.get("prevent_destroy") if isinstance(lifecycle, dict) else None
        parts.append(f"prevent_destroy = {describe(pd) if pd is not None else 'false'}")
        rows.append(
            [
                ctx.pack.link(MD, first_line(n), n.address),
                md(n.type),
                md("; ".join(parts)),
                md(_word(ctx, rule, n)) if rule else "not checked",
            ]
        )
    if rows:
        out.extend(table(["Resource", "Type", "Safeguards", "Safe (CHG rule)"], rows))
    else:
        out.append("No stateful resource is declared in the scanned code.")
    out.append("")
    return out


def render(ctx: EvidenceContext) -> dict[str, str]:
    out = ["# Change controls", ""]
    out.append(
        "What keeps infrastructure changes reviewed and reversible: module and provider "
        "versions pinned (so upstream changes arrive through a reviewed commit), state "
        "stored encrypted and locked, and stateful resources protected from accidental "
        "deletion. Evidence for CC8.1 (checklist D, Change Management); the pull-request "
        "review itself is evidenced by the repository's branch protection, outside the code."
    )
    out.append("")
    out.extend(_modules(ctx))
    out.extend(_providers(ctx))
    out.extend(_backends(ctx))
    out.extend(_deletion(ctx))
    return {MD: "\n".join(out)}
