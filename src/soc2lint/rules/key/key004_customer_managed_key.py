from __future__ import annotations

from collections.abc import Iterator

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Node, Path, Severity, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import DYNAMODB_SSE, EFS_ENCRYPTED, RDS_STORAGE_ENCRYPTED
from soc2lint.views.dynamodb import (
    GLOBAL_TABLE,
    TF_TABLE_REPLICA,
    replicas,
    replicated_table,
    sse_enabled,
)
from soc2lint.views.encryption import (
    Decision,
    ebs_default_encryption,
    rds_cluster_encryption,
    rds_instance_encryption,
    volume_encryption,
    written,
)
from soc2lint.views.keys import KeyChoice, KeyIndex, key_index
from soc2lint.views.logging import log_destinations
from soc2lint.views.populations import BUCKET, DYNAMODB_TABLES, RDS
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from .._common import surely_set
from ._shared import CHECKLIST

_AWS_MANAGED = {
    "rds": "aws/rds",
    "dynamodb": "aws/dynamodb",
    "ec2": "aws/ebs",
    "elasticfilesystem": "aws/elasticfilesystem",
    "secretsmanager": "aws/secretsmanager",
    "s3": "aws/s3",
}


def _key_report(
    ctx: Context,
    node: Node,
    choice: KeyChoice,
    service: str,
    *,
    default_note: str = "",
    related: tuple[Node, ...] = (),
) -> Iterator[Report]:
    """A KEY004 finding for an AWS-managed / default key; unresolved for an unknown one."""
    if choice.status == "unknown":
        yield from ctx.unresolved(choice.node, choice.path, "the KMS key")
        return
    if choice.customer_managed:
        return
    name = Attr(node, choice.path, choice.value).path_str
    managed = _AWS_MANAGED[service]
    if choice.status == "aws_managed":
        text = f"`{name}` is {describe_value(choice.value)}, an AWS-managed key"
    else:
        text = default_note or f"`{name}` is not set, so the AWS-managed key {managed} is used"
    yield ctx.finding(
        choice.node,
        choice.path,
        f"{node.address}: {text}; name a customer-managed KMS key so that who can decrypt "
        "is under your control and auditable",
        related=related,
    )


def _encrypted(d: Decision) -> bool:
    return d.state == "encrypted"


def _not_encrypted(ctx: Context, node: Node, d: Decision) -> None:
    """KEY004 applies to encrypted resources only: say why another is not evaluated."""
    if d.state == "exempt":
        ctx.not_applicable(node, d.note or "encryption is decided elsewhere")
    elif d.state == "unencrypted":
        ctx.not_applicable(node, "not encrypted (the ENC rules report it)")


def _inherits_key(ctx: Context, node: Node, d: Decision) -> Iterator[Report]:
    """A restore or replica takes its source's key: unknown when the source may be set."""
    if d.source is not None and d.source.unknown and not surely_set(d.source, ctx.graph):
        yield from ctx.unresolved(node, d.source, "whether it is restored or replicated")


def _rds(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for node in ctx.graph.nodes("AWS::RDS::DBInstance"):
        d = rds_instance_encryption(node)
        _not_encrypted(ctx, node, d)
        if _encrypted(d) and d.source is not None:
            yield from _inherits_key(ctx, node, d)
        elif _encrypted(d):
            yield from _key_report(ctx, node, _choice(index, node, "kms_key_id", "KmsKeyId"), "rds")
    for node in ctx.graph.nodes("AWS::RDS::DBCluster"):
        d = rds_cluster_encryption(node)
        if not _encrypted(d):
            _not_encrypted(ctx, node, d)
            continue
        if d.source is not None:
            yield from _inherits_key(ctx, node, d)
            continue
        note = ""
        if d.by_default and d.note.startswith("new Aurora"):
            name = RDS_STORAGE_ENCRYPTED.spelled(node)
            note = (
                f"`{name}` is not set, so the cluster is encrypted with an AWS-owned key "
                "(Aurora's default for new clusters)"
            )
        choice = _choice(index, node, "kms_key_id", "KmsKeyId")
        yield from _key_report(ctx, node, choice, "rds", default_note=note)


def _choice(index: KeyIndex, node: Node, tf: str, cfn: str) -> KeyChoice:
    a = node.attr(tf=tf, cfn=cfn)
    return index.choice(node, a.path)


def _dynamodb(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for node in ctx.graph.nodes(("AWS::DynamoDB::Table", GLOBAL_TABLE)):
        sse = node.attr(tf="server_side_encryption", cfn="SSESpecification")
        r = DYNAMODB_SSE.read(node)
        enabled = r.attr
        key_path: Path = (*enabled.path[:-1], node.spelled(tf="kms_key_arn", cfn="KMSMasterKeyId"))
        if sse.unknown or enabled.unknown:
            yield from ctx.unresolved(node, sse if sse.unknown else enabled)
            continue
        if r.ok is None:
            yield from ctx.unresolved(node, enabled)
            continue
        if not r.ok:
            where = enabled if enabled.present else sse
            what = (
                f"`{enabled.path_str}` is {describe_value(enabled.value)}"
                if enabled.present
                else f"`{sse.path_str}` is not set"
            )
            yield ctx.finding(
                node,
                where,
                f"{node.address}: {what}, so the table is encrypted with an AWS-owned key "
                "(DynamoDB's default); name a customer-managed KMS key so that who can decrypt "
                "is under your control and auditable",
            )
            continue
        if node.kind == GLOBAL_TABLE:
            continue  # the key is chosen per replica (below)
        yield from _key_report(ctx, node, index.choice(node, key_path), "dynamodb")
    for rep in replicas(ctx.graph):
        table = rep.node
        if table.kind == TF_TABLE_REPLICA:
            found = replicated_table(ctx.graph, table)
            if found is None:
                yield from ctx.unresolved(table, "global_table_arn", "the replicated table")
                continue
            table = found
        if sse_enabled(table) is not True:
            # AWS-owned key on every replica: reported once, on the table (above);
            # unknown: reported there under --strict
            continue
        key = rep.attr(tf="kms_key_arn", cfn="SSESpecification.KMSMasterKeyId")
        choice = index.choice(rep.node, key.path)
        shown = Attr(rep.node, key.path, key.value).path_str
        yield from _key_report(
            ctx,
            rep.node,
            KeyChoice(choice.status, choice.node, rep.at(key), choice.value, choice.keys)
            if choice.status == "default"
            else choice,
            "dynamodb",
            default_note=f"`{shown}` is not set, so the {rep.label} uses the AWS-managed key "
            "aws/dynamodb",
        )


def _volumes(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    default_on = ebs_default_encryption(ctx.graph)
    default_key = _ebs_default_key(ctx.graph)
    for node in ctx.graph.nodes("AWS::EC2::Volume"):
        d = volume_encryption(node)
        by_default = d.state == "unencrypted" and d.attr is not None and d.attr.missing
        if not (_encrypted(d) or (by_default and default_on is True)):
            if d.state != "unknown":
                ctx.not_applicable(node, "not encrypted (the ENC rules report it)")
            continue
        if d.source is not None:
            yield from _inherits_key(ctx, node, d)
            continue
        choice = _choice(index, node, "kms_key_id", "KmsKeyId")
        if choice.status == "default":
            if default_key is None:
                yield from ctx.unresolved(node, choice.path, "the account's default EBS key")
                continue
            if default_key:
                continue
        yield from _key_report(ctx, node, choice, "ec2")


def _ebs_default_key(graph: ResourceGraph) -> bool | None:
    """Does the configuration set a customer key as the account's default EBS key?"""
    result: bool | None = False
    for n in graph.nodes("aws_ebs_default_kms_key"):
        a = n.attr("key_arn")
        if n.meta.get("count_unknown"):
            result = None
        elif written(a) or a.unknown:
            return True
    return result


def _efs(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for node in ctx.graph.nodes("AWS::EFS::FileSystem"):
        if EFS_ENCRYPTED.read(node).ok:
            choice = _choice(index, node, "kms_key_id", "KmsKeyId")
            yield from _key_report(ctx, node, choice, "elasticfilesystem")
        elif EFS_ENCRYPTED.read(node).ok is False:
            ctx.not_applicable(node, "not encrypted (ENC004 reports it)")


def _efs_replicas(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    """The file system EFS replication creates: always encrypted, with aws/elasticfilesystem
    unless the destination names a key (an existing destination file system is its own subject)."""
    for node in ctx.graph.nodes(("AWS::EFS::FileSystem", "aws_efs_replication_configuration")):
        # a Terraform file system has no `destination`: its replication is the other type
        dests = node.attr(tf="destination", cfn="ReplicationConfiguration.Destinations")
        if not isinstance(dests.value, list):
            continue
        for i, dest in enumerate(dests.value):
            if not isinstance(dest, dict):
                continue
            if dest.get(node.spelled(tf="file_system_id", cfn="FileSystemId")) is not None:
                continue
            region = dest.get(node.spelled(tf="region", cfn="Region"))
            where = f" in {region}" if isinstance(region, str) else ""
            key = node.spelled(tf="kms_key_id", cfn="KmsKeyId")
            path: Path = (*dests.path, i, key)
            choice = index.choice(node, path)
            if choice.status == "default":
                choice = KeyChoice("default", node, (*dests.path, i), choice.value)
            yield from _key_report(
                ctx,
                node,
                choice,
                "elasticfilesystem",
                default_note=f"the replica file system{where} names no `{key}`, so it is "
                "encrypted with the AWS-managed key aws/elasticfilesystem",
            )


def _secrets(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for node in ctx.graph.nodes("AWS::SecretsManager::Secret"):
        choice = _choice(index, node, "kms_key_id", "KmsKeyId")
        yield from _key_report(ctx, node, choice, "secretsmanager")


def _lb_log_bucket(ctx: Context, bucket: Node) -> bool:
    """The bucket receives load-balancer logs (``access_logs.bucket``, ``LoadBalancerAttributes``
    ``access_logs.s3.bucket``, by reference or name, or a policy for the ELB log delivery):
    Elastic Load Balancing writes only to buckets encrypted with SSE-S3."""
    deliveries = log_destinations(ctx.graph).by_bucket.get(bucket.id, [])
    return any(d.what.startswith("load balancer") for d in deliveries)


def _buckets(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for view in bucket_views(ctx.graph):
        if _lb_log_bucket(ctx, view.bucket):
            ctx.not_applicable(
                view.bucket,
                "receives load-balancer access logs: Elastic Load Balancing writes only to "
                "buckets encrypted with SSE-S3",
            )
            continue
        if not view.encryption():
            ctx.not_applicable(view.bucket, "declares no default encryption (ENC003 reports it)")
        for setting in view.encryption():
            if setting.value is UNKNOWN_SETTING or not isinstance(setting.value, dict):
                continue
            src = setting.source.node
            rule_path = setting.source.path
            default_path: Path = (
                (*rule_path, "apply_server_side_encryption_by_default", 0)
                if src.language == "terraform"  # a nested block: a list of one mapping
                else (*rule_path, "ServerSideEncryptionByDefault")
            )
            algo_path: Path = (*default_path, src.spelled(tf="sse_algorithm", cfn="SSEAlgorithm"))
            key_path: Path = (
                *default_path,
                src.spelled(tf="kms_master_key_id", cfn="KMSMasterKeyID"),
            )
            algo = setting.value.get("algorithm")
            algo_attr = Attr(src, algo_path, algo)
            if algo_attr.unknown:
                yield from ctx.unresolved(src, algo_path, "the bucket's encryption algorithm")
                continue
            if not isinstance(algo, str):
                continue
            if algo.upper() == "AES256":
                yield ctx.finding(
                    src,
                    algo_path,
                    f"{src.address}: default encryption is SSE-S3 (`{algo_attr.path_str}` "
                    '= "AES256"), with keys S3 manages; use "aws:kms" with a customer-managed '
                    "KMS key so that who can decrypt is under your control and auditable",
                    related=[view.bucket] if src is not view.bucket else [],
                )
                continue
            choice = index.choice(src, key_path)
            related = (view.bucket,) if src is not view.bucket else ()
            yield from _key_report(ctx, src, choice, "s3", related=related)


@rule(
    id="KEY004",
    slug="customer-managed-key",
    severity=Severity.LOW,
    tsc=("CC6.1",),
    checklist=CHECKLIST,
    subjects=of_kinds(
        *RDS,
        *DYNAMODB_TABLES,
        "AWS::EC2::Volume",
        "AWS::EFS::FileSystem",
        "aws_efs_replication_configuration",
        "AWS::SecretsManager::Secret",
        *BUCKET,
        what="RDS, DynamoDB (global tables and replicas too), EBS, EFS (and EFS replicas), Secrets Manager and S3 resources",
    ),
    control="Encrypted resources use a customer-managed KMS key.",
    graph=True,
    fix={
        "terraform": "Create an `aws_kms_key` and set the resource's key attribute to it "
        "(`kms_key_id`, `kms_key_arn`, `kms_master_key_id`).",
        "cloudformation": "Create an `AWS::KMS::Key` and set the resource's key property to it "
        "(`KmsKeyId`, `KMSMasterKeyId`, `KMSMasterKeyID`).",
    },
)
def customer_managed_key(ctx: Context) -> Iterator[Report]:
    """Encrypted resource uses an AWS-managed or AWS-owned key instead of your own.

    What it checks:
        Resources that are encrypted (unencrypted ones are the ENC rules'
        concern): RDS instances and clusters (cluster members exempt; restores and
        replicas inherit their source's key), DynamoDB tables, EBS volumes, EFS file
        systems, Secrets Manager secrets and S3 buckets whose declared default
        encryption names no customer key. A resource fails when its key attribute is
        absent (the service's AWS-managed key such as `aws/rds`,
        `aws/secretsmanager`, `aws/s3`, `aws/ebs` is used), names an
        `alias/aws/...` key, or, for DynamoDB tables without server-side encryption
        settings and Aurora clusters without `storage_encrypted`, when the data is
        encrypted with an AWS-owned key. An S3 bucket with SSE-S3 (`AES256`) fails
        too: S3 manages those keys. A key given as a variable without a value or an
        unresolved data source is unknown; a `data "aws_kms_alias"` of
        `alias/aws/...` is AWS-managed. EBS volumes without a key use the account's
        default key, which passes when the configuration sets it with
        `aws_ebs_default_kms_key`. Buckets that receive load-balancer logs
        (named by `access_logs.bucket`, `AccessLoggingPolicy.S3BucketName` or the
        `access_logs.s3.bucket` load balancer attribute, by reference or by name,
        or whose policy admits the ELB log delivery) are not subjects: Elastic
        Load Balancing writes only to buckets encrypted with SSE-S3.

        DynamoDB global tables choose the key per replica: an
        `AWS::DynamoDB::GlobalTable` without `SSESpecification.SSEEnabled: true` uses
        AWS-owned keys (one finding, on the table); with it, each entry of `Replicas`
        without `SSESpecification.KMSMasterKeyId` uses `aws/dynamodb`. Likewise each
        `replica` block of an `aws_dynamodb_table` with server-side encryption, and
        each `aws_dynamodb_table_replica` of such a table, without `kms_key_arn`.
        The file system EFS replication creates (a destination of
        `aws_efs_replication_configuration` or of an `AWS::EFS::FileSystem`
        `ReplicationConfiguration` without a file system ID of its own) is
        encrypted with `aws/elasticfilesystem` unless the destination names a key.
    Why it matters for SOC 2:
        Checklist B "Key Management"; CC6.1. The key policy of an AWS-managed key
        cannot be changed and an AWS-owned key is invisible: you can neither restrict
        nor audit who decrypts the data, nor disable the key in an incident.
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#access-log-create-bucket
        - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
        - https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dynamodb_table
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/secretsmanager_secret
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ebs_default_kms_key
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-table-ssespecification.html
    """
    index = key_index(ctx.graph)
    yield from _rds(ctx, index)
    yield from _dynamodb(ctx, index)
    yield from _volumes(ctx, index)
    yield from _efs(ctx, index)
    yield from _efs_replicas(ctx, index)
    yield from _secrets(ctx, index)
    yield from _buckets(ctx, index)
