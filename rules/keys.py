"""KEY rules: key management (checklist B "Key Management"; see ../shared/RULES.md).

KEY002 (key policies) lives in ``resource_policies.py``.  KEY003 and KEY004
read the shared key-usage view :mod:`soc2lint.views.keys`.
"""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Node, Path, Severity, describe_value
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views.keys import KeyChoice, KeyIndex, key_index
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from ._common import surely_set
from .encryption import (
    Decision,
    ebs_default_encryption,
    flag,
    lower,
    rds_cluster_encryption,
    rds_instance_encryption,
    simple_flag,
    volume_encryption,
    written,
)

CHECKLIST = "B. Key Management"

# --------------------------------------------------------------------------
# KEY001
# --------------------------------------------------------------------------


@rule(
    id="KEY001",
    slug="kms-key-rotation",
    severity=Severity.MEDIUM,
    tsc=("CC6.1",),
    checklist=CHECKLIST,
    fix={
        "terraform": "Set `enable_key_rotation = true` on the `aws_kms_key` "
        "(optionally `rotation_period_in_days`).",
        "cloudformation": "Set `EnableKeyRotation: true` on the `AWS::KMS::Key` "
        "(optionally `RotationPeriodInDays`).",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_kms_key" "data" {
                  description             = "application data"
                  deletion_window_in_days = 30
                }
                """,
                address="aws_kms_key.data",
                line=1,
            ),
            bad(
                """
                variable "rotate_keys" {
                  type    = bool
                  default = false
                }

                resource "aws_kms_key" "data" {
                  description         = "application data"
                  enable_key_rotation = var.rotate_keys
                }
                """,
                address="aws_kms_key.data",
                line=8,
            ),
            bad(
                {
                    "main.tf": """
                    module "key" {
                      source = "./modules/key"
                      rotate = false
                    }
                    """,
                    "modules/key/main.tf": """
                    variable "rotate" {
                      default = true
                    }

                    resource "aws_kms_key" "this" {
                      customer_master_key_spec = "SYMMETRIC_DEFAULT"
                      enable_key_rotation      = var.rotate
                    }
                    """,
                },
                address="module.key.aws_kms_key.this",
                file="modules/key/main.tf",
                line=7,
            ),
        ],
        good=[
            good(
                """
                resource "aws_kms_key" "data" {
                  description         = "application data"
                  enable_key_rotation = true
                }

                resource "aws_kms_key" "signing" {
                  description              = "release signing"
                  customer_master_key_spec = "ECC_NIST_P256"
                  key_usage                = "SIGN_VERIFY"
                }

                resource "aws_kms_key" "mac" {
                  customer_master_key_spec = "HMAC_256"
                  key_usage                = "GENERATE_VERIFY_MAC"
                }
                """,
                note="asymmetric and HMAC keys cannot rotate automatically",
            ),
            good(
                """
                variable "rotate" {
                  type = bool
                }

                resource "aws_kms_key" "data" {
                  enable_key_rotation = var.rotate
                }

                resource "aws_kms_external_key" "byok" {
                  description = "imported key material"
                }
                """,
                note="an unknown value; imported key material cannot rotate automatically",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  DataKey:
                    Type: AWS::KMS::Key
                    Properties:
                      Description: application data
                """,
                address="DataKey",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Rotate:
                    Type: String
                    AllowedValues: ["true", "false"]
                    Default: "false"
                Resources:
                  DataKey:
                    Type: AWS::KMS::Key
                    Properties:
                      KeySpec: SYMMETRIC_DEFAULT
                      EnableKeyRotation: !Ref Rotate
                """,
                address="DataKey",
                line=11,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  DataKey:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  SigningKey:
                    Type: AWS::KMS::Key
                    Properties:
                      KeySpec: RSA_2048
                      KeyUsage: SIGN_VERIFY
                  ImportedKey:
                    Type: AWS::KMS::Key
                    Properties:
                      Origin: EXTERNAL
                """
            ),
            good(
                """
                Resources:
                  DataKey:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: !ImportValue key-rotation
                """
            ),
        ],
    ),
)
def kms_key_rotation(ctx: Context) -> Iterator[Report]:
    """KMS key does not rotate its key material automatically.

    What it checks:
        Symmetric encryption keys (`aws_kms_key` whose `customer_master_key_spec` is
        absent or `SYMMETRIC_DEFAULT`; `AWS::KMS::Key` whose `KeySpec` is absent or
        `SYMMETRIC_DEFAULT`) must set `enable_key_rotation` / `EnableKeyRotation` to
        true; it is off by default. Exempt, because KMS cannot rotate them
        automatically: asymmetric and HMAC keys, keys with imported key material
        (`aws_kms_external_key`, `Origin: EXTERNAL`; they support only on-demand
        rotation, an operational control soc2lint cannot see) and keys in a custom
        key store (`custom_key_store_id`, `xks_key_id`). Multi-Region replica keys
        take the primary key's rotation.
    Why it matters for SOC 2:
        Checklist B "Key Management" asks for annual rotation of encryption keys;
        CC6.1 expects cryptographic keys managed through their life cycle. Rotation
        limits how much data one key version protects.
    How to fix:
        Terraform: `enable_key_rotation = true` (rotation every 365 days, or
        `rotation_period_in_days`). CloudFormation: `EnableKeyRotation: true`.
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
        - https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-considerations.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_external_key
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
    """
    for key in ctx.graph.nodes("AWS::KMS::Key"):
        if key.type == "aws_kms_external_key":
            continue
        origin = key.attr(tf=None, cfn="Origin")
        origin_value = lower(origin, "aws_kms")
        if origin_value is None:
            yield from ctx.unresolved(key, origin)
            continue
        if origin_value != "aws_kms":
            continue
        store = key.attr(tf="custom_key_store_id", cfn=None)
        xks = key.attr(tf="xks_key_id", cfn=None)
        if written(store) or written(xks):
            continue
        spec = key.attr(tf="customer_master_key_spec", cfn="KeySpec")
        spec_value = lower(spec, "symmetric_default")
        if spec_value is None:
            yield from ctx.unresolved(key, spec)
            continue
        if spec_value != "symmetric_default":
            continue
        rot = key.attr(tf="enable_key_rotation", cfn="EnableKeyRotation")
        name = rot.path_str
        if rot.missing:
            yield ctx.finding(
                key,
                rot,
                f"{key.address}: `{name}` is not set (default false); the symmetric key's "
                "material is never rotated",
            )
            continue
        value = flag(rot)
        if value is None:
            yield from ctx.unresolved(key, rot)
        elif not value:
            yield ctx.finding(
                key,
                rot,
                f"{key.address}: `{name}` is {describe_value(rot.value)}; the symmetric key's "
                "material is never rotated",
            )


# --------------------------------------------------------------------------
# KEY003
# --------------------------------------------------------------------------


@rule(
    id="KEY003",
    slug="kms-key-shared-across-services",
    severity=Severity.LOW,
    tsc=("CC6.1",),
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Create one `aws_kms_key` per service (and environment) and point each "
        "resource's key attribute at its own service's key.",
        "cloudformation": "Create one `AWS::KMS::Key` per service (and environment) and point "
        "each resource's key property at its own service's key.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_kms_key" "shared" {
                  description         = "everything"
                  enable_key_rotation = true
                }

                resource "aws_s3_bucket" "exports" {
                  bucket = "acme-exports"
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
                  bucket = aws_s3_bucket.exports.id

                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm     = "aws:kms"
                      kms_master_key_id = aws_kms_key.shared.arn
                    }
                  }
                }

                resource "aws_db_instance" "orders" {
                  identifier                  = "orders"
                  engine                      = "postgres"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 20
                  username                    = "app"
                  manage_master_user_password = true
                  storage_encrypted           = true
                  kms_key_id                  = aws_kms_key.shared.arn
                }
                """,
                address="aws_kms_key.shared",
                line=1,
            ),
            bad(
                """
                resource "aws_kms_key" "messaging" {
                  enable_key_rotation = true
                }

                resource "aws_kms_alias" "messaging" {
                  name          = "alias/messaging"
                  target_key_id = aws_kms_key.messaging.key_id
                }

                resource "aws_sqs_queue" "jobs" {
                  name              = "jobs"
                  kms_master_key_id = "alias/messaging"
                }

                resource "aws_sns_topic" "events" {
                  name              = "events"
                  kms_master_key_id = aws_kms_alias.messaging.name
                }
                """,
                address="aws_kms_key.messaging",
                line=1,
                note="used through its alias, by name and by reference",
            ),
        ],
        good=[
            good(
                """
                resource "aws_kms_key" "s3" {
                  enable_key_rotation = true
                }

                resource "aws_s3_bucket" "a" {
                  bucket = "acme-a"
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "a" {
                  bucket = aws_s3_bucket.a.id
                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm     = "aws:kms"
                      kms_master_key_id = aws_kms_key.s3.arn
                    }
                  }
                }

                resource "aws_s3_bucket" "b" {
                  bucket = "acme-b"
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
                  bucket = aws_s3_bucket.b.id
                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm     = "aws:kms"
                      kms_master_key_id = aws_kms_key.s3.arn
                    }
                  }
                }

                data "aws_iam_policy_document" "use_key" {
                  statement {
                    actions   = ["kms:Decrypt"]
                    resources = [aws_kms_key.s3.arn]
                  }
                }

                resource "aws_iam_policy" "use_key" {
                  name   = "use-s3-key"
                  policy = data.aws_iam_policy_document.use_key.json
                }
                """,
                note="two buckets are one service; an IAM policy naming the key is not a use",
            ),
            good(
                """
                resource "aws_kms_key" "db" {
                  enable_key_rotation = true
                }

                resource "aws_db_instance" "orders" {
                  identifier                    = "orders"
                  engine                        = "postgres"
                  instance_class                = "db.t4g.medium"
                  allocated_storage             = 20
                  username                      = "app"
                  storage_encrypted             = true
                  kms_key_id                    = aws_kms_key.db.arn
                  manage_master_user_password   = true
                  master_user_secret_kms_key_id = aws_kms_key.db.arn
                }

                variable "create_queue" {
                  type = bool
                }

                resource "aws_sqs_queue" "maybe" {
                  count             = var.create_queue ? 1 : 0
                  name              = "orders-events"
                  kms_master_key_id = aws_kms_key.db.arn
                }
                """,
                note="the RDS-managed secret is part of RDS; a queue that may not exist proves nothing",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  SharedKey:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  Bucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketEncryption:
                        ServerSideEncryptionConfiguration:
                          - ServerSideEncryptionByDefault:
                              SSEAlgorithm: aws:kms
                              KMSMasterKeyID: !GetAtt SharedKey.Arn
                  Queue:
                    Type: AWS::SQS::Queue
                    Properties:
                      KmsMasterKeyId: !Ref SharedKey
                """,
                address="SharedKey",
                line=2,
            ),
            bad(
                """
                Resources:
                  SharedKey:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  SharedAlias:
                    Type: AWS::KMS::Alias
                    Properties:
                      AliasName: alias/shared
                      TargetKeyId: !Ref SharedKey
                  Secret:
                    Type: AWS::SecretsManager::Secret
                    Properties:
                      KmsKeyId: alias/shared
                  Logs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      KmsKeyId: !GetAtt SharedKey.Arn
                """,
                address="SharedKey",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  TableKey:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  Orders:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                      SSESpecification:
                        SSEEnabled: true
                        SSEType: KMS
                        KMSMasterKeyId: !Ref TableKey
                  Customers:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                      SSESpecification:
                        SSEEnabled: true
                        SSEType: KMS
                        KMSMasterKeyId: !Ref TableKey
                  ReadKey:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: kms:Decrypt
                            Resource: !GetAtt TableKey.Arn
                """
            ),
            good(
                """
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  Queue:
                    Type: AWS::SQS::Queue
                    Properties:
                      KmsMasterKeyId: !Ref Key
                  Topic:
                    Type: AWS::SNS::Topic
                    Properties:
                      KmsMasterKeyId: !ImportValue shared-key
                """
            ),
        ],
    ),
)
def kms_key_shared_across_services(ctx: Context) -> Iterator[Report]:
    """KMS key is shared by resources of different AWS services.

    What it checks:
        For each customer-managed key (`aws_kms_key`, `aws_kms_external_key`,
        `aws_kms_replica_key`, `AWS::KMS::Key`, `AWS::KMS::ReplicaKey`), the resources
        whose encryption attributes name it (by reference, by a literal ID or ARN, or
        through an `aws_kms_alias` / `AWS::KMS::Alias`, by reference or by its
        `alias/...` name). The finding is on the key when those resources belong to
        two or more AWS services; the users are listed as related locations. Key
        policies, grants, aliases and IAM policies that name the key are not uses.
        The Secrets Manager secret RDS manages for a database
        (`master_user_secret_kms_key_id`, `MasterUserSecret.KmsKeyId`) is part of that
        database's service; a separate `aws_s3_bucket_server_side_encryption_configuration`
        is its bucket's. Resources that may not exist (unknown `count`, unknown
        CloudFormation condition) are not counted.
    Why it matters for SOC 2:
        Checklist B "Key Management" asks for a separate key per service and
        environment; under CC6.1 that keeps decrypt permissions, key policies and
        CloudTrail key-usage evidence scoped to one service, and limits what one
        compromised or disabled key exposes.
    How to fix:
        Terraform: one `aws_kms_key` per service, each resource pointing at its own
        service's key. CloudFormation: one `AWS::KMS::Key` per service.
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt
        - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
    """
    index = key_index(ctx.graph)
    for key in index.key_nodes():
        services = index.services(key)
        if len(services) < 2:
            continue
        related = [
            RelatedRef(u.user, u.path, f"{service}: {u.describe()}")
            for service, uses in services.items()
            for u in uses
        ]
        summary = "; ".join(
            f"{service} ({', '.join(sorted({u.about.address for u in uses}))})"
            for service, uses in services.items()
        )
        yield ctx.finding(
            key,
            (),
            f"{key.address}: one customer-managed key is used by {len(services)} services: "
            f"{summary}; use a separate key per service",
            related=related,
        )


# --------------------------------------------------------------------------
# KEY004
# --------------------------------------------------------------------------

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


def _inherits_key(ctx: Context, node: Node, d: Decision) -> Iterator[Report]:
    """A restore or replica takes its source's key: unknown when the source may be set."""
    if d.source is not None and d.source.unknown and not surely_set(d.source, ctx.graph):
        yield from ctx.unresolved(node, d.source, "whether it is restored or replicated")


def _rds(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for node in ctx.graph.nodes("AWS::RDS::DBInstance"):
        d = rds_instance_encryption(node)
        if _encrypted(d) and d.source is not None:
            yield from _inherits_key(ctx, node, d)
        elif _encrypted(d):
            yield from _key_report(ctx, node, _choice(index, node, "kms_key_id", "KmsKeyId"), "rds")
    for node in ctx.graph.nodes("AWS::RDS::DBCluster"):
        d = rds_cluster_encryption(node)
        if not _encrypted(d):
            continue
        if d.source is not None:
            yield from _inherits_key(ctx, node, d)
            continue
        note = ""
        if d.by_default and d.note.startswith("new Aurora"):
            name = "storage_encrypted" if node.language == "terraform" else "StorageEncrypted"
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
    for node in ctx.graph.nodes("AWS::DynamoDB::Table"):
        if node.language == "terraform":
            sse = node.attr("server_side_encryption")
            enabled = node.attr("server_side_encryption.enabled")
            key_path: Path = (*enabled.path[:-1], "kms_key_arn")
        else:
            sse = node.attr("SSESpecification")
            enabled = node.attr("SSESpecification.SSEEnabled")
            key_path = ("SSESpecification", "KMSMasterKeyId")
        if sse.unknown or enabled.unknown:
            yield from ctx.unresolved(node, sse if sse.unknown else enabled)
            continue
        on = False if enabled.missing else flag(enabled)
        if on is None:
            yield from ctx.unresolved(node, enabled)
            continue
        if not on:
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
        yield from _key_report(ctx, node, index.choice(node, key_path), "dynamodb")


def _volumes(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    default_on = ebs_default_encryption(ctx.graph)
    default_key = _ebs_default_key(ctx.graph)
    for node in ctx.graph.nodes("AWS::EC2::Volume"):
        d = volume_encryption(node)
        by_default = d.state == "unencrypted" and d.attr is not None and d.attr.missing
        if not (_encrypted(d) or (by_default and default_on is True)):
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
        if _encrypted(simple_flag(node, "encrypted", "Encrypted")):
            choice = _choice(index, node, "kms_key_id", "KmsKeyId")
            yield from _key_report(ctx, node, choice, "elasticfilesystem")


def _secrets(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for node in ctx.graph.nodes("AWS::SecretsManager::Secret"):
        choice = _choice(index, node, "kms_key_id", "KmsKeyId")
        yield from _key_report(ctx, node, choice, "secretsmanager")


def _buckets(ctx: Context, index: KeyIndex) -> Iterator[Report]:
    for view in bucket_views(ctx.graph):
        for setting in view.encryption():
            if setting.value is UNKNOWN_SETTING or not isinstance(setting.value, dict):
                continue
            src = setting.source.node
            rule_path = setting.source.path
            tf = src.language == "terraform"
            default_path: Path = (
                (*rule_path, "apply_server_side_encryption_by_default", 0)
                if tf
                else (*rule_path, "ServerSideEncryptionByDefault")
            )
            algo_path: Path = (*default_path, "sse_algorithm" if tf else "SSEAlgorithm")
            key_path: Path = (*default_path, "kms_master_key_id" if tf else "KMSMasterKeyID")
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
    graph=True,
    fix={
        "terraform": "Create an `aws_kms_key` and set the resource's key attribute to it "
        "(`kms_key_id`, `kms_key_arn`, `kms_master_key_id`).",
        "cloudformation": "Create an `AWS::KMS::Key` and set the resource's key property to it "
        "(`KmsKeyId`, `KMSMasterKeyId`, `KMSMasterKeyID`).",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "orders" {
                  identifier                  = "orders"
                  engine                      = "postgres"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 20
                  username                    = "app"
                  manage_master_user_password = true
                  storage_encrypted           = true
                }
                """,
                address="aws_db_instance.orders",
                line=1,
                note="encrypted with the AWS-managed key aws/rds",
            ),
            bad(
                """
                resource "aws_secretsmanager_secret" "api" {
                  name = "payments/api"
                }
                """,
                address="aws_secretsmanager_secret.api",
                line=1,
            ),
            bad(
                """
                resource "aws_s3_bucket" "exports" {
                  bucket = "acme-exports"
                }

                resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
                  bucket = aws_s3_bucket.exports.id

                  rule {
                    apply_server_side_encryption_by_default {
                      sse_algorithm     = "aws:kms"
                      kms_master_key_id = "alias/aws/s3"
                    }
                  }
                }
                """,
                address="aws_s3_bucket_server_side_encryption_configuration.exports",
                line=11,
            ),
            bad(
                {
                    "main.tf": """
                    module "table" {
                      source = "./modules/table"
                      name   = "orders"
                    }
                    """,
                    "modules/table/main.tf": """
                    variable "name" {}

                    resource "aws_dynamodb_table" "this" {
                      name         = var.name
                      billing_mode = "PAY_PER_REQUEST"
                      hash_key     = "id"

                      attribute {
                        name = "id"
                        type = "S"
                      }

                      server_side_encryption {
                        enabled = true
                      }
                    }
                    """,
                },
                address="module.table.aws_dynamodb_table.this",
                file="modules/table/main.tf",
                line=3,
            ),
        ],
        good=[
            good(
                """
                resource "aws_kms_key" "data" {
                  enable_key_rotation = true
                }

                resource "aws_kms_alias" "data" {
                  name          = "alias/data"
                  target_key_id = aws_kms_key.data.key_id
                }

                resource "aws_db_instance" "orders" {
                  identifier                  = "orders"
                  engine                      = "postgres"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 20
                  username                    = "app"
                  manage_master_user_password = true
                  storage_encrypted           = true
                  kms_key_id                  = aws_kms_key.data.arn
                }

                resource "aws_secretsmanager_secret" "api" {
                  name       = "payments/api"
                  kms_key_id = "alias/data"
                }

                resource "aws_efs_file_system" "unencrypted" {
                  creation_token = "scratch"
                }
                """,
                note="customer keys by reference and by alias; unencrypted resources are ENC's",
            ),
            good(
                """
                variable "kms_key_arn" {
                  type = string
                }

                resource "aws_secretsmanager_secret" "api" {
                  name       = "payments/api"
                  kms_key_id = var.kms_key_arn
                }

                resource "aws_ebs_default_kms_key" "this" {
                  key_arn = var.kms_key_arn
                }

                resource "aws_ebs_volume" "data" {
                  availability_zone = "eu-west-1a"
                  size              = 100
                  encrypted         = true
                }
                """,
                note="an unknown key; the account's default EBS key is a customer key",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  ApiSecret:
                    Type: AWS::SecretsManager::Secret
                    Properties:
                      Name: payments/api
                """,
                address="ApiSecret",
                line=2,
            ),
            bad(
                """
                Resources:
                  Orders:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                      SSESpecification:
                        SSEEnabled: true
                """,
                address="Orders",
                line=2,
            ),
            bad(
                """
                Resources:
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      Encrypted: true
                      KmsKeyId: alias/aws/elasticfilesystem
                """,
                address="Shared",
                line=6,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  ApiSecret:
                    Type: AWS::SecretsManager::Secret
                    Properties:
                      KmsKeyId: !Ref Key
                  Shared:
                    Type: AWS::EFS::FileSystem
                    Properties:
                      Encrypted: true
                      KmsKeyId: !GetAtt Key.Arn
                  Scratch:
                    Type: AWS::EFS::FileSystem
                """
            ),
            good(
                """
                Resources:
                  ApiSecret:
                    Type: AWS::SecretsManager::Secret
                    Properties:
                      KmsKeyId: !ImportValue payments-key
                """
            ),
        ],
    ),
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
        `aws_ebs_default_kms_key`.
    Why it matters for SOC 2:
        Checklist B "Key Management"; CC6.1. The key policy of an AWS-managed key
        cannot be changed and an AWS-owned key is invisible: you can neither restrict
        nor audit who decrypts the data, nor disable the key in an incident.
    How to fix:
        Terraform: `kms_key_id = aws_kms_key.x.arn` (RDS, EBS, EFS, Secrets Manager),
        `server_side_encryption { enabled = true, kms_key_arn = ... }` (DynamoDB),
        `sse_algorithm = "aws:kms"` with `kms_master_key_id` (S3). CloudFormation:
        `KmsKeyId`, `SSESpecification.KMSMasterKeyId`, `KMSMasterKeyID`.
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt
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
    yield from _secrets(ctx, index)
    yield from _buckets(ctx, index)


RULES: tuple[Rule, ...] = (
    kms_key_rotation,
    kms_key_shared_across_services,
    customer_managed_key,
)
