"""LOG rules: logging and monitoring (see ../shared/RULES.md).

CloudTrail (LOG001-LOG007), network, load balancer, bucket, database,
Kubernetes, API and CDN logs (LOG008-LOG016), detection services
(LOG017-LOG019) and alarms (LOG020-LOG021).  Shared answers (which bucket a
trail writes to, which buckets are log destinations, which VPCs have flow
logs, how long a bucket keeps its logs) come from ``soc2lint.views.logging``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import Attr, Node, Severity, Unknown, describe_value, to_bool, to_int
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views.logging import (
    BUCKET,
    DISTRIBUTION,
    FLOW_LOG,
    LOG_GROUP,
    TRAIL,
    VPC,
    TrailInfo,
    bucket_retention,
    delivery_sources,
    elbv2_attribute,
    flow_log_destination,
    flow_logs,
    log_destinations,
    log_group_index,
    log_group_name_from,
    maybe_absent,
    resolve_attr,
    trails,
    unloaded_modules,
)
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_view

from ._common import check_true
from ._log_support import (
    EVENT_CLASSES,
    MetricRef,
    alarm_metrics,
    alarm_notifies,
    bool_with_default,
    classify_pattern,
    control_location,
    filter_metrics,
    is_blank,
    join_names,
    spelled,
)

AUDIT_TRAIL = "A. Audit Trail"
MONITORING = "C. Logging and Monitoring"

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
ELB = "AWS::ElasticLoadBalancing::LoadBalancer"


def _trail_related(info: TrailInfo) -> RelatedRef:
    return RelatedRef(
        info.trail, info.bucket_attr.path, f"CloudTrail trail {info.trail.address} delivers here"
    )


def _configured_elsewhere(ctx: Context, node: Node) -> bool:
    """A module or nested stack that was not loaded receives this node: it may configure it."""
    unloaded = unloaded_modules(ctx.graph)
    if not unloaded:
        return False
    ids = {n.id for n in unloaded}
    return any(n.id in ids for n in ctx.graph.referrers(node))


# ==========================================================================
# LOG001-LOG007: CloudTrail
# ==========================================================================

_TRAIL_BUCKET_TF = """
resource "aws_s3_bucket" "trail" {
  bucket = "acme-cloudtrail"
}
"""


@rule(
    id="LOG001",
    slug="cloudtrail-multi-region",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    fix={
        "terraform": "Set `is_multi_region_trail = true` and leave "
        "`include_global_service_events` at its default (true).",
        "cloudformation": "Set `IsMultiRegionTrail: true` and leave "
        "`IncludeGlobalServiceEvents` at its default (true).",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudtrail" "main" {
                  name                  = "org-trail"
                  s3_bucket_name        = "acme-cloudtrail"
                  is_multi_region_trail = true
                }
                """
            ),
            good(
                {
                    "main.tf": """
                    variable "multi_region" {
                      type = bool
                    }

                    resource "aws_cloudtrail" "main" {
                      name                  = "org-trail"
                      s3_bucket_name        = "acme-cloudtrail"
                      is_multi_region_trail = var.multi_region
                    }
                    """,
                },
                note="a variable without a value: unknown, no finding",
            ),
            good(
                {
                    "main.tf": """
                    variable "multi_region" {
                      type = bool
                    }

                    resource "aws_cloudtrail" "main" {
                      name                  = "org-trail"
                      s3_bucket_name        = "acme-cloudtrail"
                      is_multi_region_trail = var.multi_region
                    }
                    """,
                    "terraform.tfvars": "multi_region = true\n",
                },
                note="set through terraform.tfvars",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudtrail" "main" {
                  name           = "app-trail"
                  s3_bucket_name = "acme-cloudtrail"
                }
                """,
                address="aws_cloudtrail.main",
                line=1,
                note="is_multi_region_trail defaults to false",
            ),
            bad(
                """
                variable "global_events" {
                  default = false
                }

                resource "aws_cloudtrail" "main" {
                  name                          = "app-trail"
                  s3_bucket_name                = "acme-cloudtrail"
                  is_multi_region_trail         = true
                  include_global_service_events = var.global_events
                }
                """,
                address="aws_cloudtrail.main",
                line=9,
            ),
            bad(
                {
                    "main.tf": """
                    module "audit" {
                      source       = "./modules/audit"
                      multi_region = false
                    }
                    """,
                    "modules/audit/main.tf": """
                    variable "multi_region" {
                      type    = bool
                      default = true
                    }

                    resource "aws_cloudtrail" "this" {
                      name                  = "audit"
                      s3_bucket_name        = "acme-cloudtrail"
                      is_multi_region_trail = var.multi_region
                    }
                    """,
                },
                address="module.audit.aws_cloudtrail.this",
                line=9,
                file="modules/audit/main.tf",
                note="a local module's input",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      IsMultiRegionTrail: true
                """
            ),
            good(
                """
                Parameters:
                  MultiRegion:
                    Type: String
                    AllowedValues: ["true", "false"]
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      IsMultiRegionTrail: !Ref MultiRegion
                """,
                note="a parameter without default: unknown",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                """,
                address="Trail",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Env:
                    Type: String
                    Default: dev
                Conditions:
                  IsProd: !Equals [!Ref Env, prod]
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      IsMultiRegionTrail: !If [IsProd, true, false]
                """,
                address="Trail",
                line=13,
                note="Fn::If on a parameter whose default selects false",
            ),
        ],
    ),
)
def cloudtrail_multi_region(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail is not multi-region or leaves out global service events.

    What it checks:
        Every `aws_cloudtrail` / `AWS::CloudTrail::Trail` must be a multi-region
        trail (`is_multi_region_trail` / `IsMultiRegionTrail`, default false) and
        must include global service events (`include_global_service_events` /
        `IncludeGlobalServiceEvents`, default true in the provider and in the
        CloudTrail API). A trail that fails both is reported once, at the
        multi-region setting.
    Why it matters for SOC 2:
        Checklist A (Audit Trail) asks for an account-wide record of API activity.
        A single-region trail misses every other region, and since November 2021
        IAM, STS and CloudFront events are only recorded in us-east-1, so a trail
        elsewhere without multi-region sees no identity changes (CC7.2).
    How to fix:
        Terraform: `is_multi_region_trail = true` and no
        `include_global_service_events = false`. CloudFormation:
        `IsMultiRegionTrail: true`, `IncludeGlobalServiceEvents` absent or true.
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html
        - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudtrail-trail.html
    """
    for info in trails(ctx.graph):
        t = info.trail
        mr = t.attr(tf="is_multi_region_trail", cfn="IsMultiRegionTrail")
        ge = t.attr(tf="include_global_service_events", cfn="IncludeGlobalServiceEvents")
        mr_v = bool_with_default(mr, False)
        ge_v = bool_with_default(ge, True)
        problems: list[tuple[Attr, str]] = []
        if mr_v is False:
            name = spelled(t, "is_multi_region_trail", "IsMultiRegionTrail")
            value = "not set (default false)" if mr.missing else describe_value(mr.value)
            problems.append((mr, f"not multi-region: `{name}` is {value}"))
        if ge_v is False:
            name = spelled(t, "include_global_service_events", "IncludeGlobalServiceEvents")
            problems.append((ge, f"global service events excluded: `{name}` is false"))
        if problems:
            yield ctx.finding(
                t, problems[0][0], f"{t.address}: " + "; ".join(p[1] for p in problems)
            )
            continue
        if mr_v is None:
            yield from ctx.unresolved(t, mr)
        if ge_v is None:
            yield from ctx.unresolved(t, ge)


@rule(
    id="LOG002",
    slug="cloudtrail-log-validation",
    severity=Severity.HIGH,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    fix={
        "terraform": "Set `enable_log_file_validation = true` on the trail.",
        "cloudformation": "Set `EnableLogFileValidation: true` on the trail.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  enable_log_file_validation = true
                }
                """
            ),
            good(
                """
                variable "validate" {
                  type = bool
                }

                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  enable_log_file_validation = var.validate
                }
                """,
                note="unknown: no finding",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                }
                """,
                address="aws_cloudtrail.main",
                line=1,
            ),
            bad(
                {
                    "main.tf": """
                    variable "validate" {
                      type    = bool
                      default = true
                    }

                    resource "aws_cloudtrail" "main" {
                      name                       = "org-trail"
                      s3_bucket_name             = "acme-cloudtrail"
                      enable_log_file_validation = var.validate
                    }
                    """,
                    "terraform.tfvars": "validate = false\n",
                },
                address="aws_cloudtrail.main",
                line=9,
                note="turned off in terraform.tfvars",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      EnableLogFileValidation: true
                """
            ),
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !ImportValue audit-bucket
                      EnableLogFileValidation: !ImportValue audit-validation
                """,
                note="imported value: unknown",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                """,
                address="Trail",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Validate:
                    Type: String
                    Default: "false"
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      EnableLogFileValidation: !Ref Validate
                """,
                address="Trail",
                line=11,
            ),
        ],
    ),
)
def cloudtrail_log_validation(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail does not validate its log files.

    What it checks:
        Every trail must enable log file integrity validation
        (`enable_log_file_validation` / `EnableLogFileValidation`). Both the
        provider and the CloudTrail API default it to false.
    Why it matters for SOC 2:
        Checklist A (Audit Trail) expects logs that cannot be altered unnoticed.
        Validation makes CloudTrail deliver signed digest files, so an auditor
        can prove that no log file was modified or deleted after delivery
        (CC7.2).
    How to fix:
        Terraform `enable_log_file_validation = true`; CloudFormation
        `EnableLogFileValidation: true`.
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
        - https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    """
    for info in trails(ctx.graph):
        yield from check_true(
            ctx,
            info.trail,
            tf="enable_log_file_validation",
            cfn="EnableLogFileValidation",
            default=False,
            what="does not validate its log files",
        )


@rule(
    id="LOG003",
    slug="cloudtrail-kms",
    severity=Severity.MEDIUM,
    tsc=("CC7.2", "CC6.1"),
    checklist=AUDIT_TRAIL,
    fix={
        "terraform": "Set `kms_key_id` to a customer-managed KMS key whose policy lets "
        "CloudTrail encrypt.",
        "cloudformation": "Set `KMSKeyId` to a customer-managed KMS key whose policy lets "
        "CloudTrail encrypt.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_kms_key" "trail" {
                  enable_key_rotation = true
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                  kms_key_id     = aws_kms_key.trail.arn
                }
                """
            ),
            good(
                """
                variable "kms_key_arn" {
                  type = string
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                  kms_key_id     = var.kms_key_arn
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                }
                """,
                address="aws_cloudtrail.main",
                line=1,
            ),
            bad(
                """
                variable "kms_key_arn" {
                  type    = string
                  default = null
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                  kms_key_id     = var.kms_key_arn
                }
                """,
                address="aws_cloudtrail.main",
                line=9,
                note="a variable whose default is null leaves the key unset",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      EnableKeyRotation: true
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      KMSKeyId: !GetAtt Key.Arn
                """
            ),
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      KMSKeyId: !ImportValue audit-key-arn
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                """,
                address="Trail",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Encrypt:
                    Type: String
                    Default: "no"
                Conditions:
                  UseKey: !Equals [!Ref Encrypt, "yes"]
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      KMSKeyId: !If [UseKey, alias/cloudtrail, !Ref AWS::NoValue]
                """,
                address="Trail",
                line=8,
            ),
        ],
    ),
)
def cloudtrail_kms(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail does not encrypt its logs with a KMS key.

    What it checks:
        Every trail must name a KMS key (`kms_key_id` / `KMSKeyId`). Without
        one, log files are encrypted with S3-managed keys (SSE-S3) only.
    Why it matters for SOC 2:
        Audit logs hold account activity and must be readable only by those
        allowed to (checklist A, CC6.1). SSE-KMS adds a second permission check
        (the key policy) and records every decryption in CloudTrail, which
        SSE-S3 does not (CC7.2).
    How to fix:
        Create a customer-managed key whose policy allows
        `cloudtrail.amazonaws.com` to `kms:GenerateDataKey*`, and set
        `kms_key_id` (Terraform) or `KMSKeyId` (CloudFormation).
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudtrail-trail.html
    """
    for info in trails(ctx.graph):
        t = info.trail
        a = t.attr(tf="kms_key_id", cfn="KMSKeyId")
        if a.unknown:
            yield from ctx.unresolved(t, a)
            continue
        if is_blank(a):
            name = spelled(t, "kms_key_id", "KMSKeyId")
            value = "not set" if a.missing else describe_value(a.value)
            yield ctx.finding(
                t,
                a,
                f"{t.address}: log files are not encrypted with a KMS key (`{name}` is {value})",
            )


def _bucket_trails(ctx: Context) -> tuple[list[tuple[Node, list[TrailInfo]]], list[Report]]:
    """Each bucket of the configuration that receives a trail's logs, with those trails.

    Also the --strict reports of trails whose bucket is not in the configuration.
    """
    by_bucket: dict[str, tuple[Node, list[TrailInfo]]] = {}
    unresolved: list[Report] = []
    for info in trails(ctx.graph):
        if info.bucket_unresolved:
            unresolved.extend(ctx.unresolved(info.trail, info.bucket_attr, "the trail's bucket"))
            continue
        for b in info.buckets:
            by_bucket.setdefault(b.id, (b, []))[1].append(info)
    return [by_bucket[k] for k in sorted(by_bucket)], unresolved


@rule(
    id="LOG004",
    slug="cloudtrail-bucket-versioned",
    severity=Severity.HIGH,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    graph=True,
    fix={
        "terraform": "Add an `aws_s3_bucket_versioning` with `status = \"Enabled\"` for the "
        "trail's bucket.",
        "cloudformation": "Set `VersioningConfiguration: {Status: Enabled}` on the trail's "
        "bucket.",
    },
    terraform=Examples(
        good=[
            good(
                _TRAIL_BUCKET_TF
                + """
                resource "aws_s3_bucket_versioning" "trail" {
                  bucket = aws_s3_bucket.trail.id
                  versioning_configuration {
                    status = "Enabled"
                  }
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = aws_s3_bucket.trail.id
                }
                """
            ),
            good(
                """
                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "central-audit-logs"
                }
                """,
                note="the bucket is not in this configuration: unknown",
            ),
            good(
                """
                resource "aws_s3_bucket" "trail" {
                  bucket              = "acme-cloudtrail"
                  object_lock_enabled = true
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                }
                """,
                note="Object Lock turns versioning on and keeps it on",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "trail" {
                  bucket = "acme-cloudtrail"
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = aws_s3_bucket.trail.id
                }
                """,
                address="aws_s3_bucket.trail",
                line=1,
            ),
            bad(
                """
                resource "aws_s3_bucket" "trail" {
                  bucket = "acme-cloudtrail"
                }

                resource "aws_s3_bucket_versioning" "trail" {
                  bucket = "acme-cloudtrail"
                  versioning_configuration {
                    status = "Suspended"
                  }
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                }
                """,
                address="aws_s3_bucket_versioning.trail",
                line=8,
                note="matched by literal name; the fix goes in the versioning resource",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      VersioningConfiguration:
                        Status: Enabled
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !Ref TrailBucket
                """
            ),
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !ImportValue audit-bucket
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !Ref TrailBucket
                """,
                address="TrailBucket",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Env:
                    Type: String
                    Default: dev
                Conditions:
                  IsProd: !Equals [!Ref Env, prod]
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: acme-cloudtrail
                      VersioningConfiguration:
                        Status: !If [IsProd, Enabled, Suspended]
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                """,
                address="TrailBucket",
                line=13,
            ),
        ],
    ),
)
def cloudtrail_bucket_versioned(ctx: Context) -> Iterator[Report]:
    """CloudTrail bucket is not versioned.

    What it checks:
        Follows each trail to its S3 bucket (`s3_bucket_name` / `S3BucketName`
        by reference or by the bucket's name) and reads the bucket's versioning
        wherever it is written (inline `versioning`, `aws_s3_bucket_versioning`,
        `VersioningConfiguration`). Object Lock counts as versioning: S3 turns
        versioning on with it and it cannot be suspended afterwards. A bucket
        that is not in the scanned configuration is unknown (no finding). The
        finding names the bucket, or the versioning resource that suspends it,
        with the trail as a related location.
    Why it matters for SOC 2:
        Without versioning, a deleted or overwritten log file is gone. Checklist
        A (Audit Trail) needs logs that survive mistakes and tampering (CC7.2).
    How to fix:
        Terraform: `aws_s3_bucket_versioning` with `versioning_configuration {
        status = "Enabled" }`. CloudFormation: `VersioningConfiguration:
        {Status: Enabled}`.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_versioning
    """
    pairs, unresolved = _bucket_trails(ctx)
    yield from unresolved
    for bucket, infos in pairs:
        view = bucket_view(ctx.graph, bucket)
        related = [_trail_related(i) for i in infos]
        lock = view.object_lock()
        if lock is not None and lock.enabled is True:
            continue
        settings = view.versioning()
        if any(s.value == "Enabled" for s in settings):
            continue
        if any(not s.known for s in settings) or _configured_elsewhere(ctx, bucket):
            yield from ctx.unresolved(bucket, (), "the bucket's versioning")
            continue
        if lock is not None and lock.enabled is None:
            yield from ctx.unresolved(bucket, lock.source.path, "the bucket's Object Lock")
            continue
        trail_names = ", ".join(i.trail.address for i in infos)
        if settings:
            s = settings[0]
            yield ctx.finding(
                s.source.node,
                s.source.path,
                f"{s.source.node.address}: versioning of CloudTrail bucket {bucket.address} "
                f"(trail {trail_names}) is {s.value}",
                related=related,
            )
        else:
            yield ctx.finding(
                bucket,
                (),
                f"{bucket.address}: CloudTrail bucket (trail {trail_names}) has no versioning",
                related=related,
            )


@rule(
    id="LOG005",
    slug="cloudtrail-bucket-locked",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    graph=True,
    options=("log_retention_days",),
    fix={
        "terraform": "Give the trail's bucket an `aws_s3_bucket_object_lock_configuration` "
        "with a default retention of at least `log_retention_days`, or an "
        "`aws_s3_bucket_lifecycle_configuration` that expires nothing sooner.",
        "cloudformation": "Give the trail's bucket `ObjectLockEnabled: true` with "
        "`ObjectLockConfiguration.Rule.DefaultRetention` of at least `log_retention_days`, "
        "or a `LifecycleConfiguration` that expires nothing sooner.",
    },
    terraform=Examples(
        good=[
            good(
                _TRAIL_BUCKET_TF
                + """
                resource "aws_s3_bucket_object_lock_configuration" "trail" {
                  bucket = aws_s3_bucket.trail.id
                  rule {
                    default_retention {
                      mode  = "COMPLIANCE"
                      years = 1
                    }
                  }
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = aws_s3_bucket.trail.id
                }
                """
            ),
            good(
                _TRAIL_BUCKET_TF
                + """
                resource "aws_s3_bucket_lifecycle_configuration" "trail" {
                  bucket = aws_s3_bucket.trail.id
                  rule {
                    id     = "archive"
                    status = "Enabled"
                    transition {
                      days          = 30
                      storage_class = "GLACIER"
                    }
                    expiration {
                      days = 2555
                    }
                  }
                  rule {
                    id     = "tmp"
                    status = "Enabled"
                    filter {
                      prefix = "tmp/"
                    }
                    expiration {
                      days = 7
                    }
                  }
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = aws_s3_bucket.trail.id
                }
                """,
                note="the 7-day rule covers tmp/, not the trail's AWSLogs/ keys",
            ),
            good(
                """
                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "central-audit-logs"
                }
                """,
                note="bucket not in the configuration: unknown",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "trail" {
                  bucket = "acme-cloudtrail"
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = aws_s3_bucket.trail.id
                }
                """,
                address="aws_s3_bucket.trail",
                line=1,
                note="neither Object Lock nor a lifecycle configuration",
            ),
            bad(
                {
                    "main.tf": """
                    variable "log_expiration_days" {
                      default = 30
                    }

                    resource "aws_s3_bucket" "trail" {
                      bucket = "acme-cloudtrail"
                    }

                    resource "aws_s3_bucket_lifecycle_configuration" "trail" {
                      bucket = aws_s3_bucket.trail.id
                      rule {
                        id     = "expire"
                        status = "Enabled"
                        expiration {
                          days = var.log_expiration_days
                        }
                      }
                    }

                    resource "aws_cloudtrail" "main" {
                      name           = "org-trail"
                      s3_bucket_name = aws_s3_bucket.trail.id
                    }
                    """,
                },
                address="aws_s3_bucket_lifecycle_configuration.trail",
                line=15,
                note="expires the logs after 30 days (a variable default)",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      ObjectLockEnabled: true
                      ObjectLockConfiguration:
                        ObjectLockEnabled: Enabled
                        Rule:
                          DefaultRetention:
                            Mode: GOVERNANCE
                            Days: 365
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !Ref TrailBucket
                """
            ),
            good(
                """
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      LifecycleConfiguration:
                        Rules:
                          - Id: glacier
                            Status: Enabled
                            Transitions:
                              - StorageClass: GLACIER
                                TransitionInDays: 90
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !Ref TrailBucket
                """,
                note="a lifecycle that expires nothing",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !Ref TrailBucket
                """,
                address="TrailBucket",
                line=2,
            ),
            bad(
                """
                Parameters:
                  RetentionDays:
                    Type: Number
                    Default: 60
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      LifecycleConfiguration:
                        Rules:
                          - Id: expire
                            Status: Enabled
                            ExpirationInDays: !Ref RetentionDays
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !Ref TrailBucket
                """,
                address="TrailBucket",
                line=13,
            ),
        ],
    ),
)
def cloudtrail_bucket_locked(ctx: Context) -> Iterator[Report]:
    """CloudTrail bucket neither locks nor keeps its logs long enough.

    What it checks:
        Follows each trail to its bucket and passes when the bucket has S3
        Object Lock with a default retention of at least `log_retention_days`
        (default 90; years count as 365 days), or a lifecycle configuration
        that expires nothing sooner. "Expires" means the expiration of current
        objects (`expiration` / `ExpirationInDays` / an expiration date) in an
        enabled rule that reaches the trail's log files (`[s3_key_prefix/]AWSLogs/`):
        a rule limited to another prefix, or to tagged objects, does not.
        Expiring noncurrent versions is not counted: CloudTrail never
        overwrites a log file, so noncurrent versions only exist after a
        deletion. A bucket with neither fails; a bucket outside the configuration
        is unknown. The finding names the resource that holds the short
        expiration (the lifecycle configuration) when there is one, otherwise
        the trail's bucket.
    Why it matters for SOC 2:
        A Type II audit samples evidence from the whole observation period;
        logs must be kept at least that long and protected from early deletion
        (checklist A, CC7.2).
    How to fix:
        Terraform: `aws_s3_bucket_object_lock_configuration` with
        `default_retention { mode = "COMPLIANCE", days = 365 }` (the bucket
        created with `object_lock_enabled = true`), or a lifecycle rule whose
        `expiration.days` is at least the threshold. CloudFormation:
        `ObjectLockEnabled: true` and `ObjectLockConfiguration`, or
        `LifecycleConfiguration` with `ExpirationInDays` at least the threshold.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_object_lock_configuration
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_lifecycle_configuration
    """
    threshold = int(ctx.option("log_retention_days"))
    pairs, unresolved = _bucket_trails(ctx)
    yield from unresolved
    for bucket, infos in pairs:
        if _configured_elsewhere(ctx, bucket):
            yield from ctx.unresolved(bucket, (), "the bucket's retention")
            continue
        verdicts = [
            bucket_retention(
                ctx.graph, bucket, threshold, i.log_key_prefix, require_declared=True
            )
            for i in infos
        ]
        failed = [v for v in verdicts if v.status == "fail"]
        if not failed:
            if any(v.status == "unknown" for v in verdicts):
                yield from ctx.unresolved(bucket, (), "the bucket's retention")
            continue
        v = failed[0]
        node, path = (v.source.node, v.source.path) if v.source else (bucket, ())
        trail_names = ", ".join(i.trail.address for i in infos)
        where = "" if node is bucket else f" {bucket.address}"
        yield ctx.finding(
            node,
            path,
            f"{node.address}: CloudTrail bucket{where} (trail {trail_names}) keeps logs less "
            f"than {threshold} days: {v.detail}",
            related=[_trail_related(i) for i in infos],
        )


@rule(
    id="LOG006",
    slug="cloudtrail-to-cloudwatch",
    severity=Severity.LOW,
    tsc=("CC7.2", "CC7.3"),
    checklist=AUDIT_TRAIL,
    fix={
        "terraform": "Set `cloud_watch_logs_group_arn` (with `:*`) and "
        "`cloud_watch_logs_role_arn` on the trail.",
        "cloudformation": "Set `CloudWatchLogsLogGroupArn` and `CloudWatchLogsRoleArn` on the "
        "trail.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudwatch_log_group" "trail" {
                  name              = "cloudtrail"
                  retention_in_days = 365
                }

                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
                  cloud_watch_logs_role_arn  = "arn:aws:iam::111122223333:role/trail-to-cwl"
                }
                """
            ),
            good(
                """
                variable "log_group_arn" {
                  type = string
                }

                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  cloud_watch_logs_group_arn = var.log_group_arn
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = "acme-cloudtrail"
                }
                """,
                address="aws_cloudtrail.main",
                line=1,
            ),
            bad(
                """
                variable "stream_to_cloudwatch" {
                  default = false
                }

                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  cloud_watch_logs_group_arn = var.stream_to_cloudwatch ? "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*" : null
                }
                """,
                address="aws_cloudtrail.main",
                line=8,
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  TrailLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      RetentionInDays: 365
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      CloudWatchLogsLogGroupArn: !GetAtt TrailLogs.Arn
                      CloudWatchLogsRoleArn: arn:aws:iam::111122223333:role/trail-to-cwl
                """
            ),
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      CloudWatchLogsLogGroupArn: !ImportValue audit-log-group-arn
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                """,
                address="Trail",
                line=2,
            ),
            bad(
                """
                Parameters:
                  Stream:
                    Type: String
                    Default: "false"
                Conditions:
                  StreamLogs: !Equals [!Ref Stream, "true"]
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: acme-cloudtrail
                      CloudWatchLogsLogGroupArn: !If [StreamLogs, arn:aws:logs:eu-west-1:111122223333:log-group:trail:*, !Ref AWS::NoValue]
                """,
                address="Trail",
                line=8,
            ),
        ],
    ),
)
def cloudtrail_to_cloudwatch(ctx: Context) -> Iterator[Report]:
    """CloudTrail trail does not deliver to CloudWatch Logs.

    What it checks:
        Every trail should stream its events to a CloudWatch Logs group
        (`cloud_watch_logs_group_arn` / `CloudWatchLogsLogGroupArn`). An
        unresolved value counts as set.
    Why it matters for SOC 2:
        Alarms on security events (LOG021, checklist C) can only be built on a
        log group; a trail that only writes to S3 is reviewed after the fact,
        not monitored (CC7.2, CC7.3).
    How to fix:
        Create a log group and a role CloudTrail can assume to write to it, and
        set `cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.x.arn}:*"`
        with `cloud_watch_logs_role_arn` (CloudFormation
        `CloudWatchLogsLogGroupArn` and `CloudWatchLogsRoleArn`).
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    """
    for info in trails(ctx.graph):
        t = info.trail
        a = info.log_group_attr
        if a.unknown:
            yield from ctx.unresolved(t, a)
            continue
        if info.log_group_state == "none":
            name = spelled(t, "cloud_watch_logs_group_arn", "CloudWatchLogsLogGroupArn")
            value = "not set" if a.missing else describe_value(a.value)
            yield ctx.finding(
                t,
                a,
                f"{t.address}: events are not delivered to CloudWatch Logs "
                f"(`{name}` is {value}), so no alarm can watch them",
            )


def _account_unknown(ctx: Context, what: str) -> Iterator[Report]:
    """Under --strict, say that an account control may be inside a module that was not read."""
    for m in unloaded_modules(ctx.graph)[:1]:
        yield from ctx.unresolved(
            m, ("source",) if m.category == "module" else ("TemplateURL",), what
        )


@rule(
    id="LOG007",
    slug="cloudtrail-present",
    severity=Severity.HIGH,
    tsc=("CC7.2",),
    checklist=AUDIT_TRAIL,
    account_scope=True,
    fix={
        "terraform": "Add an `aws_cloudtrail` with `is_multi_region_trail = true` to the "
        "account baseline.",
        "cloudformation": "Add an `AWS::CloudTrail::Trail` with `IsMultiRegionTrail: true` "
        "and `IsLogging: true` to the account baseline.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudtrail" "main" {
                  name                  = "org-trail"
                  s3_bucket_name        = "acme-cloudtrail"
                  is_multi_region_trail = true
                }
                """
            ),
            good(
                {
                    "main.tf": """
                    module "audit" {
                      source = "./modules/audit"
                    }
                    """,
                    "modules/audit/main.tf": """
                    variable "multi_region" {
                      default = true
                    }

                    resource "aws_cloudtrail" "this" {
                      name                  = "audit"
                      s3_bucket_name        = "acme-cloudtrail"
                      is_multi_region_trail = var.multi_region
                    }
                    """,
                },
                note="the trail comes from a local module",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_guardduty_detector" "main" {
                  enable = true
                }
                """,
                address=".",
                line=1,
                note="a baseline without any trail",
            ),
            bad(
                """
                resource "aws_cloudtrail" "main" {
                  name           = "eu-trail"
                  s3_bucket_name = "acme-cloudtrail"
                }
                """,
                address=".",
                line=1,
                note="only a single-region trail",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      IsMultiRegionTrail: true
                      S3BucketName: acme-cloudtrail
                """
            ),
            good(
                """
                Parameters:
                  MultiRegion:
                    Type: String
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      IsMultiRegionTrail: !Ref MultiRegion
                      S3BucketName: acme-cloudtrail
                """,
                note="unknown: no finding",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Detector:
                    Type: AWS::GuardDuty::Detector
                    Properties:
                      Enable: true
                """,
                address=".",
                line=1,
            ),
            bad(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: false
                      IsMultiRegionTrail: true
                      S3BucketName: acme-cloudtrail
                """,
                address=".",
                line=2,
                note="the only multi-region trail does not log",
            ),
        ],
    ),
)
def cloudtrail_present(ctx: Context) -> Iterator[Report]:
    """No multi-region CloudTrail trail in the account baseline.

    What it checks:
        Account scope (`--account-scope`): the scanned configuration, all roots
        together, must hold at least one trail that is multi-region and
        logging (`enable_logging` / `IsLogging` not false). A trail whose
        settings are unknown, or a module or nested stack that could not be
        read, makes the answer unknown. The finding names the configuration
        (`.`) and points at the existing trail, if any.
    Why it matters for SOC 2:
        Checklist A (Audit Trail): without a trail recording every region there
        is no durable record of who did what in the account (CC7.2). A trail
        with logging turned off records nothing.
    How to fix:
        Add a multi-region trail (Terraform `aws_cloudtrail` with
        `is_multi_region_trail = true`; CloudFormation
        `AWS::CloudTrail::Trail` with `IsMultiRegionTrail: true`,
        `IsLogging: true`), or an organization trail in the management account.
    References:
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trails.html
        - https://docs.aws.amazon.com/config/latest/developerguide/multi-region-cloudtrail-enabled.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    """
    infos = trails(ctx.graph)
    unknown = False
    for info in infos:
        mr, logging = info.multi_region, info.logging
        if mr is True and logging is True and not maybe_absent(info.trail):
            return
        if mr is not False and logging is not False:
            unknown = True
    if unknown:
        for info in infos:
            yield from ctx.unresolved(info.trail, (), "whether the trail is multi-region")
        return
    if unloaded_modules(ctx.graph):
        yield from _account_unknown(ctx, "a trail inside a module that was not loaded")
        return
    if infos:
        first = infos[0].trail
        detail = "; ".join(
            f"{i.trail.address} is "
            + ("not logging" if i.logging is False else "single-region")
            for i in infos
        )
        yield ctx.config_finding(
            f"no multi-region CloudTrail trail records the account ({detail})",
            scope=first.scope,
            range=first.range,
            related=[RelatedRef(i.trail, (), "trail") for i in infos],
        )
        return
    scope, rng = control_location(ctx, ("cloudtrail", "trail", "audit"))
    yield ctx.config_finding(
        "no CloudTrail trail in the configuration: account activity is not recorded",
        scope=scope,
        range=rng,
    )


RULES: tuple[Rule, ...] = (
    cloudtrail_multi_region,
    cloudtrail_log_validation,
    cloudtrail_kms,
    cloudtrail_bucket_versioned,
    cloudtrail_bucket_locked,
    cloudtrail_to_cloudwatch,
    cloudtrail_present,
)
