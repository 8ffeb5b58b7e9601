"""encryption/: every data store's encryption at rest, key and in-transit setting; every key.

The verdicts are the rules' own: *at rest* is the status of the store's ENC
rule in the control matrix (refined with the encryption decision functions of
``soc2lint.views.encryption`` where a default applies), the key comes from the
key-usage view (:mod:`soc2lint.views.keys`, as KEY004 reads it), and *in
transit* is the status of the store's TLS rule.  Nothing is recomputed here.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Node, Path, Unknown, format_path, parse_path
from ..record import record
from ..report.mdsafe import code
from ..views.databases import is_cluster_member
from ..views.encryption import Decision, store_encryption
from ..views.keys import ALIAS_KIND, KEY_KINDS, KeyChoice, key_index
from ..views.policy import documents_of
from ..views.s3 import UNKNOWN_SETTING, bucket_view
from .common import (
    columns_doc,
    csv_text,
    describe,
    first_line,
    location,
    md,
    node_sort_key,
    table,
)
from .context import EvidenceContext

MD = "encryption/encrypted-resources.md"
CSV = "encryption/encrypted-resources.csv"
KEYS_MD = "encryption/kms-keys.md"


@record(frozen=True)
class Store:
    label: str
    at_rest_rule: str | None
    key: tuple[str, str] | None  # (terraform path, cloudformation path) of the key attribute
    transit_rule: str | None
    #: what in transit means when no rule checks it
    transit_note: str = "not checked by soc2lint"


STORES: dict[str, Store] = {
    "AWS::RDS::DBInstance": Store("RDS instance", "ENC001", ("kms_key_id", "KmsKeyId"), "TLS006"),
    "AWS::RDS::DBCluster": Store(
        "RDS/Aurora cluster", "ENC001", ("kms_key_id", "KmsKeyId"), "TLS006"
    ),
    "AWS::DocDB::DBCluster": Store(
        "DocumentDB cluster", "ENC010", ("kms_key_id", "KmsKeyId"), None
    ),
    "AWS::Neptune::DBCluster": Store(
        "Neptune cluster", "ENC010", ("kms_key_arn", "KmsKeyId"), None
    ),
    "AWS::DynamoDB::Table": Store(
        "DynamoDB table",
        None,
        ("server_side_encryption.kms_key_arn", "SSESpecification.KMSMasterKeyId"),
        None,
        "HTTPS API endpoint",
    ),
    "AWS::S3::Bucket": Store("S3 bucket", "ENC003", None, "TLS007"),
    "AWS::EFS::FileSystem": Store(
        "EFS file system",
        "ENC004",
        ("kms_key_id", "KmsKeyId"),
        None,
        "not checked (TLS is a client mount option)",
    ),
    "AWS::EC2::Volume": Store(
        "EBS volume", "ENC002", ("kms_key_id", "KmsKeyId"), None, "not applicable (block storage)"
    ),
    "AWS::ElastiCache::ReplicationGroup": Store(
        "ElastiCache replication group", "ENC005", ("kms_key_id", "KmsKeyId"), "TLS005"
    ),
    "AWS::Redshift::Cluster": Store("Redshift cluster", "ENC006", ("kms_key_id", "KmsKeyId"), None),
    "AWS::OpenSearchService::Domain": Store(
        "OpenSearch domain",
        "ENC007",
        ("encrypt_at_rest.kms_key_id", "EncryptionAtRestOptions.KmsKeyId"),
        "TLS004",
    ),
    "AWS::Elasticsearch::Domain": Store(
        "Elasticsearch domain",
        "ENC007",
        ("encrypt_at_rest.kms_key_id", "EncryptionAtRestOptions.KmsKeyId"),
        "TLS004",
    ),
    "AWS::SQS::Queue": Store(
        "SQS queue", "ENC008", ("kms_master_key_id", "KmsMasterKeyId"), None, "HTTPS API endpoint"
    ),
    "AWS::SNS::Topic": Store(
        "SNS topic", "ENC009", ("kms_master_key_id", "KmsMasterKeyId"), None, "HTTPS API endpoint"
    ),
    "AWS::Kinesis::Stream": Store(
        "Kinesis stream",
        "ENC011",
        ("kms_key_id", "StreamEncryption.KeyId"),
        None,
        "HTTPS API endpoint",
    ),
    "AWS::SecretsManager::Secret": Store(
        "Secrets Manager secret", None, ("kms_key_id", "KmsKeyId"), None, "HTTPS API endpoint"
    ),
    "AWS::MSK::Cluster": Store(
        "MSK cluster",
        None,
        (
            "encryption_info.encryption_at_rest_kms_key_arn",
            "EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId",
        ),
        "TLS009",
    ),
}

COLUMNS = (
    ("type", "what the data store is (RDS instance, S3 bucket, ...)"),
    ("address", "the resource address (Terraform) or logical ID (CloudFormation)"),
    ("scope", "the Terraform root or CloudFormation template it belongs to"),
    ("location", "file:line where it is declared"),
    (
        "at_rest",
        "`yes`, `no`, `unknown`, `AWS default` (encrypted by a service default the code does not spell out) or `inherited` (a cluster member, a restore or a replica takes its source's encryption)",
    ),
    (
        "key",
        "`customer-managed` (with the key's address, or the ARN/alias when the key is not in this code), `AWS-managed`, `AWS-owned`, `none` or `unknown`",
    ),
    ("in_transit", "`enforced`, `not enforced`, `unknown`, or why no setting applies"),
    (
        "findings",
        "rule IDs of the findings that name it or list it as related, `(excepted)` when suppressed, `;`-separated",
    ),
)

KEY_WORDS = {
    "customer": "customer-managed",
    "named": "customer-managed (outside this code)",
    "aws_managed": "AWS-managed",
    "unknown": "unknown",
}


@record(frozen=True)
class StoreRow:
    node: Node
    label: str
    at_rest: str
    key: str
    key_nodes: tuple[Node, ...]
    in_transit: str
    findings: list[str]


def _key_path(node: Node, spelling: tuple[str, str]) -> Path:
    text = spelling[0] if node.language == "terraform" else spelling[1]
    a = node.attr(text)
    if a.present or a.unknown:
        return a.path
    # not written: the path as it would be written (blocks are lists of one element)
    return parse_path(text)


def _decision(node: Node) -> Decision | None:
    return store_encryption(node)


def _status_words(status: str | None, fail: str = "no") -> str:
    return {
        "pass": "yes",
        "fail": fail,
        "excepted": f"{fail} (excepted)",
        "unknown": "unknown",
        "not applicable": "not applicable",
    }.get(status or "", "not checked")


def _key_text(choice: KeyChoice, default: str) -> str:
    if choice.status == "default":
        return default
    word = KEY_WORDS[choice.status]
    if choice.status in ("named", "aws_managed"):
        return f"{word}: {describe(choice.value)}"
    if choice.status == "unknown":
        return f"unknown ({describe(choice.value)})"
    return word


def _store_row(ctx: EvidenceContext, node: Node, store: Store) -> StoreRow:
    index = key_index(ctx.graph)
    key_nodes: tuple[Node, ...] = ()
    if node.kind == "AWS::S3::Bucket":
        at_rest, key, key_nodes = _bucket(ctx, node)
    else:
        status = ctx.status(store.at_rest_rule, node) if store.at_rest_rule else "pass"
        at_rest = _status_words(status)
        if status == "not applicable" and store.at_rest_rule:
            why = ctx.reason(store.at_rest_rule, node)
            at_rest = "inherited" if why.startswith("inherits") else f"not applicable ({why})"
        d = _decision(node)
        if d is not None and d.state == "exempt":
            at_rest = (
                "inherited"
                if d.source is not None or node.kind == "AWS::RDS::DBInstance"
                else "not applicable"
            )
        if node.kind == "AWS::RDS::DBInstance" and is_cluster_member(node):
            at_rest = "inherited (cluster member)"
        if d is not None and d.by_default and at_rest == "yes":
            at_rest = "AWS default"
        default_key = "AWS-managed (service default)"
        if node.kind == "AWS::DynamoDB::Table":
            enabled = node.attr(
                tf="server_side_encryption.enabled", cfn="SSESpecification.SSEEnabled"
            )
            on = enabled.as_bool() if enabled.present else False
            if enabled.unknown or on is None:
                at_rest, default_key = "yes", "unknown"
            elif not on:
                at_rest, default_key = "AWS default", "AWS-owned"
            else:
                default_key = "AWS-managed (aws/dynamodb)"
        if node.kind == "AWS::SQS::Queue" and at_rest == "yes":
            default_key = "SQS-managed (SSE-SQS)"
            at_rest = (
                "AWS default"
                if node.attr(tf="sqs_managed_sse_enabled", cfn="SqsManagedSseEnabled").missing
                else "yes"
            )
        if at_rest.startswith("no"):
            default_key = "none"
        elif status == "not applicable" and at_rest == "inherited":
            default_key = "the source's key"
        if d is not None and d.by_default and "Aurora" in d.note:
            default_key = "AWS-owned"
        if store.key is None:
            key = default_key
        else:
            choice = index.choice(node, _key_path(node, store.key))
            key = _key_text(choice, default_key)
            key_nodes = choice.keys
    if store.transit_rule:
        t = ctx.status(store.transit_rule, node)
        in_transit = {
            "pass": "enforced",
            "fail": f"not enforced ({store.transit_rule})",
            "excepted": f"not enforced ({store.transit_rule}, excepted)",
            "unknown": "unknown",
            "not applicable": "not applicable",
        }.get(t or "", "not checked")
        if node.kind == "AWS::RDS::DBInstance" and is_cluster_member(node) and t is None:
            in_transit = "the cluster's setting"
    else:
        in_transit = store.transit_note
    return StoreRow(
        node, store.label, at_rest, key, key_nodes, in_transit, ctx.rule_ids_touching(node)
    )


def _bucket(ctx: EvidenceContext, node: Node) -> tuple[str, str, tuple[Node, ...]]:
    view = bucket_view(ctx.graph, node)
    settings = view.encryption()
    if not settings:
        return "AWS default", "S3-managed (SSE-S3, the default)", ()
    if any(s.value is UNKNOWN_SETTING for s in settings):
        return "unknown", "unknown", ()
    s = settings[0]
    value = s.value if isinstance(s.value, dict) else {}
    algo = value.get("algorithm")
    if isinstance(algo, Unknown) or not isinstance(algo, str):
        return "yes", "unknown", ()
    if algo.upper() == "AES256":
        return "yes", "S3-managed (SSE-S3)", ()
    src = s.source
    tf = src.node.language == "terraform"
    default_path: Path = (
        (*src.path, "apply_server_side_encryption_by_default", 0)
        if tf
        else (*src.path, "ServerSideEncryptionByDefault")
    )
    key_path: Path = (*default_path, "kms_master_key_id" if tf else "KMSMasterKeyID")
    choice = key_index(ctx.graph).choice(src.node, key_path)
    return "yes", _key_text(choice, "AWS-managed (aws/s3)"), choice.keys


def store_rows(ctx: EvidenceContext) -> list[StoreRow]:
    rows = []
    for kind, store in STORES.items():
        for node in ctx.graph.nodes(kind):
            rows.append(_store_row(ctx, node, store))
    rows.sort(key=lambda r: (r.label, r.node.scope, node_sort_key(r.node)))
    return rows


def _key_cell(ctx: EvidenceContext, row: StoreRow, here: str) -> str:
    if not row.key_nodes:
        return md(row.key)
    links = ", ".join(ctx.pack.link(here, first_line(k), k.address) for k in row.key_nodes)
    return f"{md(row.key)}: {links}"


def _resources(ctx: EvidenceContext) -> dict[str, str]:
    rows = store_rows(ctx)
    out = ["# Encrypted resources", ""]
    out.append(
        "Every data store declared in the scanned code: whether its data is encrypted at rest, "
        "with which key, and whether clients must use TLS. Evidence for CC6.1, CC6.7 and C1.1 "
        "(checklist B, Data at Rest and Data in Transit). The verdicts are those of the ENC, "
        "KEY and TLS rules; " + ctx.pack.pack_link(MD, KEYS_MD, "kms-keys.md") + " lists the keys."
    )
    out.append("")
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.at_rest.split(" (")[0]] += 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    out.append(
        f"{len(rows)} data store{'s' if len(rows) != 1 else ''}"
        + (f" (encrypted at rest: {summary})." if rows else ".")
    )
    out.append("")
    if rows:
        out.extend(
            table(
                ["Type", "Resource", "At rest", "Key", "In transit", "Findings"],
                [
                    [
                        md(r.label),
                        ctx.pack.link(MD, first_line(r.node), r.node.address),
                        md(r.at_rest),
                        _key_cell(ctx, r, MD),
                        md(r.in_transit),
                        md(", ".join(r.findings)) or "none",
                    ]
                    for r in rows
                ],
            )
        )
        out.append("")
    out.append("## Columns of encrypted-resources.csv")
    out.append("")
    out.extend(columns_doc(COLUMNS))
    out.append("")
    csv_rows = [
        [
            r.label,
            r.node.address,
            r.node.scope,
            location(first_line(r.node)),
            r.at_rest,
            r.key + (": " + ", ".join(k.address for k in r.key_nodes) if r.key_nodes else ""),
            r.in_transit,
            "; ".join(r.findings),
        ]
        for r in rows
    ]
    return {MD: "\n".join(out), CSV: csv_text([c for c, _ in COLUMNS], csv_rows)}


def _rotation(ctx: EvidenceContext, key: Node) -> str:
    if key.kind == "AWS::KMS::ReplicaKey":
        return "the primary key's setting"
    status = ctx.status("KEY001", key)
    if status == "not applicable":
        return md(f"not applicable: {ctx.reason('KEY001', key)}")
    a = key.attr(tf="enable_key_rotation", cfn="EnableKeyRotation")
    written = describe(a.value) if a.present else "not set"
    word = {
        "pass": "yes",
        "fail": "no",
        "excepted": "no (excepted)",
        "unknown": "unknown",
    }.get(status or "", "not checked")
    period = key.get(tf="rotation_period_in_days", cfn="RotationPeriodInDays")
    extra = f", every {describe(period)} days" if period is not None and word == "yes" else ""
    name = "enable_key_rotation" if key.language == "terraform" else "EnableKeyRotation"
    return md(f"{word} ({name} = {written}{extra})" if a.present else f"{word} ({name} not set)")


def _policy_summary(ctx: EvidenceContext, key: Node) -> str:
    docs = [d for d in documents_of(ctx.graph, key) if d.purpose == "resource"]
    for holder in ctx.graph.referrers(key, "aws_kms_key_policy"):
        docs.extend(d for d in documents_of(ctx.graph, holder) if d.purpose == "resource")
    if not docs:
        return "default key policy (the account's IAM policies decide)"
    parts: list[str] = []
    for d in docs:
        if d.unknown is not None:
            parts.append(f"unresolved ({d.unknown.expr})")
            continue
        for s in d.statements:
            who: str
            p = s.principals
            if isinstance(p, Unknown):
                who = "unresolved principal"
            elif isinstance(p, str):
                who = p
            elif isinstance(p, dict):
                who = ", ".join(describe(v) for k in sorted(p) for v in p[k])
            else:
                who = "no principal"
            acts = s.actions if isinstance(s.actions, tuple) else ()
            act_text = ", ".join(describe(a) for a in acts[:4]) + (", …" if len(acts) > 4 else "")
            if isinstance(s.actions, Unknown):
                act_text = "unresolved actions"
            cond = " if conditions hold" if s.has_condition else ""
            effect = describe(s.effect)
            sid = f"{s.sid}: " if s.sid else ""
            parts.append(f"{sid}{effect} {who} → {act_text}{cond}")
    return "\n".join(parts)


def _keys(ctx: EvidenceContext) -> dict[str, str]:
    index = key_index(ctx.graph)
    keys = sorted(index.key_nodes(), key=lambda k: (k.scope, node_sort_key(k)))
    aliases: dict[str, list[Node]] = defaultdict(list)
    for alias in ctx.graph.nodes(ALIAS_KIND):
        for k in index.alias_targets(alias):
            aliases[k.id].append(alias)
    out = ["# KMS keys", ""]
    out.append(
        "Every customer-managed KMS key declared in the scanned code: rotation, who the key "
        "policy lets use it, and which resources encrypt with it (by reference, literal ARN "
        "or alias). Evidence for CC6.1 (checklist B, Key Management)."
    )
    out.append("")
    out.append(f"{len(keys)} key{'s' if len(keys) != 1 else ''}.")
    out.append("")
    for key in keys:
        out.append(f"## {md(key.address)}")
        out.append("")
        out.append(
            f"- Declared: {ctx.pack.link(KEYS_MD, first_line(key))} (scope {code(key.scope, table=False)})"
        )
        desc = key.get(tf="description", cfn="Description")
        if desc is not None:
            out.append(f"- Description: {md(describe(desc))}")
        names = [md(describe(a.get(tf="name", cfn="AliasName"))) for a in aliases.get(key.id, [])]
        out.append(f"- Aliases: {', '.join(sorted(names)) if names else 'none'}")
        out.append(f"- Rotation: {_rotation(ctx, key)}")
        findings = ctx.rule_ids_touching(key)
        out.append(f"- Findings: {md(', '.join(findings)) if findings else 'none'}")
        out.append("")
        out.append("Key policy:")
        out.append("")
        for line in _policy_summary(ctx, key).split("\n"):
            out.append(f"- {md(line)}")
        out.append("")
        uses = index.uses(key)
        if uses:
            out.extend(
                table(
                    ["Used by", "Service", "Attribute", "How"],
                    [
                        [
                            ctx.pack.link(KEYS_MD, u.user.location_of(u.path), u.about.address),
                            md(u.service),
                            md(
                                format_path(u.path) + (f" via {u.alias.address}" if u.alias else "")
                            ),
                            md(u.via) + (" (may not exist)" if u.uncertain else ""),
                        ]
                        for u in uses
                    ],
                )
            )
        else:
            out.append("Used by no resource of the scanned code.")
        out.append("")
    return {KEYS_MD: "\n".join(out)}


def render(ctx: EvidenceContext) -> dict[str, str]:
    files = _resources(ctx)
    files.update(_keys(ctx))
    return files


__all__ = ["KEY_KINDS", "STORES", "render", "store_rows"]
