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

from soc2lint.model import (
    Attr,
    Node,
    Range,
    Severity,
    Unknown,
    describe_value,
    to_bool,
    to_int,
)
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views.databases import is_cluster_member
from soc2lint.views.logging import (
    BUCKET,
    DISTRIBUTION,
    FLOW_LOG,
    LOG_GROUP,
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
    resolve_attr,
    trails,
    unloaded_modules,
)
from soc2lint.views.modules import configured_elsewhere
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_view

from ._common import check_true, spelled, surely_set
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
)

AUDIT_TRAIL = "A. Audit Trail"
MONITORING = "C. Logging and Monitoring"

ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
ELB = "AWS::ElasticLoadBalancing::LoadBalancer"


def _trail_related(info: TrailInfo) -> RelatedRef:
    return RelatedRef(
        info.trail, info.bucket_attr.path, f"CloudTrail trail {info.trail.address} delivers here"
    )


def _first_line(node: Node) -> Range:
    """The first line of a node, where a configuration-wide finding about it points."""
    r = node.range
    return Range(r.file, r.start_line, r.start_col, r.start_line, 0)


def _configured_elsewhere(ctx: Context, node: Node) -> bool:
    """A module or nested stack that was not loaded receives this node: it may configure it."""
    return configured_elsewhere(ctx.graph, node)


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
                line=13,
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
        - https://docs.aws.amazon.com/controltower/latest/controlreference/cloudtrail-rules.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudtrail-trail.html
    """
    for info in trails(ctx.graph):
        t = info.trail
        a = t.attr(tf="kms_key_id", cfn="KMSKeyId")
        if a.unknown:
            if not surely_set(a, ctx.graph):
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
        "terraform": 'Add an `aws_s3_bucket_versioning` with `status = "Enabled"` for the '
        "trail's bucket.",
        "cloudformation": "Set `VersioningConfiguration: {Status: Enabled}` on the trail's bucket.",
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
            bad(
                """
                variable "org" {
                  type = string
                }

                data "aws_caller_identity" "current" {}

                locals {
                  prefix = "${var.org}-${data.aws_caller_identity.current.account_id}"
                }

                resource "aws_s3_bucket" "trail" {
                  bucket = "${local.prefix}-trail"
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = format("%s-trail", local.prefix)
                }
                """,
                address="aws_s3_bucket.trail",
                line=11,
                note="both named from the same local: the same bucket, although its name is unknown",
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
                Resources:
                  TrailBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: !Sub "${AWS::AccountId}-trail-logs"
                  OrgTrail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      IsOrganizationTrail: true
                      S3BucketName: !Sub "${AWS::AccountId}-trail-logs"
                """,
                address="TrailBucket",
                line=2,
                note="both named with the same !Sub of the account ID: the same bucket",
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
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
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
            bad(
                """
                resource "aws_s3_bucket" "trail" {
                  bucket              = "acme-cloudtrail"
                  object_lock_enabled = true
                }

                resource "aws_s3_bucket_object_lock_configuration" "trail" {
                  bucket = aws_s3_bucket.trail.id
                  rule {
                    default_retention {
                      mode = "COMPLIANCE"
                      days = 30
                    }
                  }
                }

                resource "aws_cloudtrail" "main" {
                  name           = "org-trail"
                  s3_bucket_name = aws_s3_bucket.trail.id
                }
                """,
                address="aws_s3_bucket_object_lock_configuration.trail",
                line=11,
                note="Object Lock keeps the logs only 30 days: the finding is at `days`",
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
            bad(
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
                            Days: 30
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      S3BucketName: !Ref TrailBucket
                """,
                address="TrailBucket",
                line=11,
                note="Object Lock keeps the logs only 30 days: the finding is at `Days`",
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
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
        - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
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
            bucket_retention(ctx.graph, bucket, threshold, i.log_key_prefix, require_declared=True)
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
                line=13,
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
            if not surely_set(a, ctx.graph):
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
        - https://docs.aws.amazon.com/config/latest/developerguide/cloudtrail-security-trail-enabled.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail
    """
    infos = trails(ctx.graph)
    unknown = False
    for info in infos:
        mr, logging = info.multi_region, info.logging
        if mr is True and logging is True and not info.trail.may_not_exist:
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
            f"{i.trail.address} is " + ("not logging" if i.logging is False else "single-region")
            for i in infos
        )
        yield ctx.config_finding(
            f"no multi-region CloudTrail trail records the account ({detail})",
            scope=first.scope,
            range=_first_line(first),
            related=[RelatedRef(i.trail, (), "trail") for i in infos],
        )
        return
    scope, rng = control_location(ctx, ("cloudtrail", "trail", "audit"))
    yield ctx.config_finding(
        "no CloudTrail trail in the configuration: account activity is not recorded",
        scope=scope,
        range=rng,
    )


# ==========================================================================
# LOG008-LOG016: resource logs
# ==========================================================================


@rule(
    id="LOG008",
    slug="vpc-flow-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    graph=True,
    fix={
        "terraform": "Add an `aws_flow_log` with `vpc_id` set to this VPC.",
        "cloudformation": "Add an `AWS::EC2::FlowLog` with `ResourceType: VPC` and "
        "`ResourceId: !Ref` this VPC.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_vpc" "main" {
                  cidr_block = "10.0.0.0/16"
                }

                resource "aws_flow_log" "main" {
                  vpc_id               = aws_vpc.main.id
                  traffic_type         = "ALL"
                  log_destination_type = "s3"
                  log_destination      = "arn:aws:s3:::acme-flow-logs"
                }
                """
            ),
            good(
                {
                    "main.tf": """
                    resource "aws_vpc" "main" {
                      cidr_block = "10.0.0.0/16"
                    }

                    module "flow_logs" {
                      source = "./modules/flow-logs"
                      vpc_id = aws_vpc.main.id
                    }
                    """,
                    "modules/flow-logs/main.tf": """
                    variable "vpc_id" {
                      type = string
                    }

                    resource "aws_flow_log" "this" {
                      vpc_id          = var.vpc_id
                      traffic_type    = "ALL"
                      log_destination = "arn:aws:logs:eu-west-1:111122223333:log-group:vpc-flow"
                    }
                    """,
                },
                note="the flow log comes from a local module",
            ),
            good(
                """
                variable "vpc_id" {
                  type = string
                }

                resource "aws_vpc" "main" {
                  cidr_block = "10.0.0.0/16"
                }

                resource "aws_flow_log" "main" {
                  vpc_id          = var.vpc_id
                  traffic_type    = "ALL"
                  log_destination = "arn:aws:s3:::acme-flow-logs"
                }
                """,
                note="a flow log whose VPC is unknown might be this VPC's",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_vpc" "main" {
                  cidr_block           = "10.0.0.0/16"
                  enable_dns_hostnames = true
                }
                """,
                address="aws_vpc.main",
                line=1,
            ),
            bad(
                """
                variable "enable_flow_log" {
                  default = false
                }

                resource "aws_vpc" "main" {
                  cidr_block = "10.0.0.0/16"
                }

                resource "aws_flow_log" "main" {
                  count           = var.enable_flow_log ? 1 : 0
                  vpc_id          = aws_vpc.main.id
                  traffic_type    = "ALL"
                  log_destination = "arn:aws:s3:::acme-flow-logs"
                }
                """,
                address="aws_vpc.main",
                line=5,
                note="the flow log is switched off by a variable default",
            ),
            bad(
                """
                resource "aws_vpc" "main" {
                  cidr_block = "10.0.0.0/16"
                }

                resource "aws_subnet" "a" {
                  vpc_id     = aws_vpc.main.id
                  cidr_block = "10.0.1.0/24"
                }

                resource "aws_flow_log" "subnet" {
                  subnet_id       = aws_subnet.a.id
                  traffic_type    = "ALL"
                  log_destination = "arn:aws:s3:::acme-flow-logs"
                }
                """,
                address="aws_vpc.main",
                line=1,
                note="a subnet-level flow log does not cover the VPC",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                  FlowLog:
                    Type: AWS::EC2::FlowLog
                    Properties:
                      ResourceType: VPC
                      ResourceId: !Ref Vpc
                      TrafficType: ALL
                      LogDestinationType: s3
                      LogDestination: arn:aws:s3:::acme-flow-logs
                """
            ),
            good(
                """
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                  FlowLog:
                    Type: AWS::EC2::FlowLog
                    Properties:
                      ResourceType: VPC
                      ResourceId: !ImportValue network-vpc-id
                      TrafficType: ALL
                      LogGroupName: vpc-flow
                """,
                note="imported VPC id: unknown",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                """,
                address="Vpc",
                line=2,
            ),
            bad(
                """
                Parameters:
                  EnableFlowLogs:
                    Type: String
                    Default: "false"
                Conditions:
                  FlowLogsOn: !Equals [!Ref EnableFlowLogs, "true"]
                Resources:
                  Vpc:
                    Type: AWS::EC2::VPC
                    Properties:
                      CidrBlock: 10.0.0.0/16
                  FlowLog:
                    Type: AWS::EC2::FlowLog
                    Condition: FlowLogsOn
                    Properties:
                      ResourceType: VPC
                      ResourceId: !Ref Vpc
                      TrafficType: ALL
                      LogGroupName: vpc-flow
                """,
                address="Vpc",
                line=8,
            ),
        ],
    ),
)
def vpc_flow_logs(ctx: Context) -> Iterator[Report]:
    """VPC has no flow log.

    What it checks:
        Every `aws_vpc` / `AWS::EC2::VPC` must be captured by a VPC-level flow
        log (`aws_flow_log` with `vpc_id`; `AWS::EC2::FlowLog` with
        `ResourceType: VPC`), matched by reference (also through local modules),
        by the VPC's ID as a plan knows it, or by literal ID. Subnet- and
        interface-level flow logs do not count. A flow log whose VPC cannot be
        resolved, one that may not exist (unknown `count` or `Condition`), or a
        module that was not loaded and receives the VPC makes the answer
        unknown. The finding names the VPC.
    Why it matters for SOC 2:
        Flow logs are the record of network traffic an investigation needs
        (checklist C, CC7.2): without them there is no evidence of what reached
        or left the network.
    How to fix:
        Terraform: `resource "aws_flow_log" { vpc_id = aws_vpc.main.id,
        traffic_type = "ALL", log_destination = ... }`. CloudFormation:
        `AWS::EC2::FlowLog` with `ResourceType: VPC`, `ResourceId: !Ref Vpc`.
    References:
        - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-create-flow-log.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/flow_log
    """
    index = flow_logs(ctx.graph)
    for vpc in ctx.graph.nodes(VPC):
        attached = index.of(vpc)
        if any(not fl.may_not_exist for fl in attached):
            continue
        if attached or vpc.scope in index.uncertain_scopes or _configured_elsewhere(ctx, vpc):
            yield from ctx.unresolved(vpc, (), "a flow log that may capture this VPC")
            continue
        yield ctx.finding(vpc, (), f"{vpc.address}: no flow log captures this VPC's traffic")


def _retention_value(node: Node) -> tuple[Attr, int | None]:
    a = node.attr(tf="retention_in_days", cfn="RetentionInDays")
    return a, (to_int(a.value) if a.known else None)


@rule(
    id="LOG009",
    slug="log-retention-minimum",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    graph=True,
    options=("log_retention_days",),
    fix={
        "terraform": "Set `retention_in_days` to at least `log_retention_days` (or leave it "
        "unset: never expire); for a flow log's bucket, lengthen the lifecycle expiration.",
        "cloudformation": "Set `RetentionInDays` to at least `log_retention_days` (or leave it "
        "unset: never expire); for a flow log's bucket, lengthen `ExpirationInDays`.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudwatch_log_group" "app" {
                  name              = "/ecs/app"
                  retention_in_days = 365
                }
                """
            ),
            good(
                """
                resource "aws_cloudwatch_log_group" "app" {
                  name = "/ecs/app"
                }
                """,
                note="no retention: never expires",
            ),
            good(
                """
                variable "retention_days" {
                  type = number
                }

                resource "aws_cloudwatch_log_group" "app" {
                  name              = "/ecs/app"
                  retention_in_days = var.retention_days
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudwatch_log_group" "app" {
                  name              = "/ecs/app"
                  retention_in_days = 30
                }
                """,
                address="aws_cloudwatch_log_group.app",
                line=3,
            ),
            bad(
                {
                    "main.tf": """
                    variable "retention_days" {
                      type    = number
                      default = 365
                    }

                    resource "aws_cloudwatch_log_group" "app" {
                      name              = "/ecs/app"
                      retention_in_days = var.retention_days
                    }
                    """,
                    "terraform.tfvars": "retention_days = 14\n",
                },
                address="aws_cloudwatch_log_group.app",
                line=8,
            ),
            bad(
                """
                resource "aws_vpc" "main" {
                  cidr_block = "10.0.0.0/16"
                }

                resource "aws_s3_bucket" "flow" {
                  bucket = "acme-flow-logs"
                }

                resource "aws_s3_bucket_lifecycle_configuration" "flow" {
                  bucket = aws_s3_bucket.flow.id
                  rule {
                    id     = "expire"
                    status = "Enabled"
                    expiration {
                      days = 30
                    }
                  }
                }

                resource "aws_flow_log" "main" {
                  vpc_id               = aws_vpc.main.id
                  traffic_type         = "ALL"
                  log_destination_type = "s3"
                  log_destination      = aws_s3_bucket.flow.arn
                }
                """,
                address="aws_s3_bucket_lifecycle_configuration.flow",
                line=15,
                note="a flow log's bucket expires its logs after 30 days",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  AppLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: /ecs/app
                      RetentionInDays: 400
                """
            ),
            good(
                """
                Resources:
                  AppLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: /ecs/app
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  AppLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: /ecs/app
                      RetentionInDays: 7
                """,
                address="AppLogs",
                line=6,
            ),
            bad(
                """
                Parameters:
                  Retention:
                    Type: Number
                    Default: 30
                Resources:
                  AppLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      RetentionInDays: !Ref Retention
                """,
                address="AppLogs",
                line=9,
            ),
        ],
    ),
)
def log_retention_minimum(ctx: Context) -> Iterator[Report]:
    """Logs are kept for less than the retention threshold.

    What it checks:
        `aws_cloudwatch_log_group` / `AWS::Logs::LogGroup` retention
        (`retention_in_days` / `RetentionInDays`) below `log_retention_days`
        (default 90). Absent, null or 0 means "never expire" and passes, as
        CloudWatch Logs keeps events forever without a retention policy. Also
        (graph) the bucket a VPC flow log delivers to (`log_destination_type =
        "s3"`): an enabled lifecycle rule reaching the flow logs'
        `[folder/]AWSLogs/` keys that expires them sooner fails, at the rule.
        A flow log's log group is checked as a log group.
    Why it matters for SOC 2:
        A Type II audit needs logs from the whole observation period; logs
        expired after a few days cannot show that controls operated (checklist
        C, CC7.2).
    How to fix:
        Set `retention_in_days` / `RetentionInDays` to at least the threshold
        (365 is common), or remove it to keep logs forever; lengthen the
        bucket's lifecycle expiration.
    References:
        - https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteRetentionPolicy.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_log_group
        - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-create-flow-log.html
    """
    threshold = int(ctx.option("log_retention_days"))
    for group in ctx.graph.nodes(LOG_GROUP):
        a, days = _retention_value(group)
        if a.missing:
            continue
        if days is None:
            yield from ctx.unresolved(group, a)
            continue
        if 0 < days < threshold:
            name = spelled(group, "retention_in_days", "RetentionInDays")
            yield ctx.finding(
                group,
                a,
                f"{group.address}: `{name}` is {days}; logs must be kept at least "
                f"{threshold} days (log_retention_days)",
            )
    reported: set[tuple[str, tuple[Any, ...]]] = set()
    for fl in ctx.graph.nodes(FLOW_LOG):
        dest = flow_log_destination(ctx.graph, fl)
        if dest.type != "s3":
            continue
        for bucket in dest.resolved.nodes:
            verdict = bucket_retention(
                ctx.graph, bucket, threshold, dest.log_key_prefix, require_declared=False
            )
            if verdict.status == "unknown":
                yield from ctx.unresolved(bucket, (), "the flow log bucket's lifecycle")
                continue
            if verdict.status != "fail" or verdict.source is None:
                continue
            node, path = verdict.source.node, verdict.source.path
            if (node.id, path) in reported:
                continue
            reported.add((node.id, path))
            where = "" if node is bucket else f" (bucket {bucket.address})"
            yield ctx.finding(
                node,
                path,
                f"{node.address}{where}: receives VPC flow logs of {fl.address} and "
                f"{verdict.detail}; logs must be kept at least {threshold} days "
                "(log_retention_days)",
                related=[RelatedRef(fl, dest.attr.path, "flow log delivering here")],
            )


def _lb_type(node: Node) -> Attr:
    return node.attr(tf="load_balancer_type", cfn="Type")


def _elbv2_access_logs(ctx: Context, lb: Node) -> Iterator[Report]:
    if lb.language == "cloudformation":
        attrs = lb.attr("LoadBalancerAttributes")
        if attrs.unknown:
            yield from ctx.unresolved(lb, attrs)
            return
        value = elbv2_attribute(lb, "access_logs.s3.enabled")
        if value is None:
            yield ctx.finding(
                lb,
                (),
                f"{lb.address}: access logs are not enabled (no `access_logs.s3.enabled` "
                "load balancer attribute; the default is false)",
            )
            return
        if value.unknown:
            yield from ctx.unresolved(lb, value)
            return
        if to_bool(value.value) is False:
            yield ctx.finding(
                lb,
                value,
                f"{lb.address}: access logs are disabled (`access_logs.s3.enabled` is "
                f"{describe_value(value.value)})",
            )
        return
    block = lb.attr("access_logs")
    if "access_logs" in (lb.meta.get("dynamic_unknown") or ()) or block.unknown:
        yield from ctx.unresolved(lb, block)
        return
    if block.missing or block.value == []:
        yield ctx.finding(lb, block, f"{lb.address}: no `access_logs` block: access logs are off")
        return
    enabled = lb.attr("access_logs.enabled")
    flag = bool_with_default(enabled, False)
    if flag is None:
        yield from ctx.unresolved(lb, enabled)
    elif flag is False:
        detail = (
            "`access_logs.enabled` is not set (the provider's default is false, even with a bucket)"
            if enabled.missing
            else f"`access_logs.enabled` is {describe_value(enabled.value)}"
        )
        yield ctx.finding(
            lb,
            enabled,
            f"{lb.address}: access logs are off: {detail}",
        )


def _elb_access_logs(ctx: Context, lb: Node) -> Iterator[Report]:
    block = lb.attr(tf="access_logs", cfn="AccessLoggingPolicy")
    if "access_logs" in (lb.meta.get("dynamic_unknown") or ()) or block.unknown:
        yield from ctx.unresolved(lb, block)
        return
    name = spelled(lb, "access_logs", "AccessLoggingPolicy")
    if block.missing or block.value == []:
        yield ctx.finding(lb, block, f"{lb.address}: no `{name}`: access logs are off")
        return
    # Terraform: enabled defaults to true; CloudFormation: Enabled is required
    enabled = lb.attr(tf="access_logs.enabled", cfn="AccessLoggingPolicy.Enabled")
    value = bool_with_default(enabled, True)
    if value is None:
        yield from ctx.unresolved(lb, enabled)
    elif value is False:
        yield ctx.finding(
            lb,
            enabled,
            f"{lb.address}: access logs are disabled "
            f"(`{spelled(lb, 'enabled', 'Enabled')}` is {describe_value(enabled.value)})",
        )


@rule(
    id="LOG010",
    slug="lb-access-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    fix={
        "terraform": "Add `access_logs { bucket = ..., enabled = true }` to the load balancer.",
        "cloudformation": 'Add the `access_logs.s3.enabled: "true"` and '
        "`access_logs.s3.bucket` load balancer attributes (classic: `AccessLoggingPolicy` "
        "with `Enabled: true`).",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_lb" "web" {
                  name               = "web"
                  load_balancer_type = "application"
                  subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

                  access_logs {
                    bucket  = "acme-lb-logs"
                    prefix  = "web"
                    enabled = true
                  }
                }
                """
            ),
            good(
                """
                resource "aws_lb" "nlb" {
                  name               = "tcp"
                  load_balancer_type = "network"
                  subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                }
                """,
                note="network load balancers are outside the rule",
            ),
            good(
                """
                resource "aws_elb" "legacy" {
                  name               = "legacy"
                  availability_zones = ["eu-west-1a", "eu-west-1b"]

                  listener {
                    instance_port     = 8080
                    instance_protocol = "http"
                    lb_port           = 443
                    lb_protocol       = "https"
                  }

                  access_logs {
                    bucket = "acme-lb-logs"
                  }
                }
                """,
                note="classic load balancer: enabled defaults to true",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_lb" "web" {
                  name    = "web"
                  subnets = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                }
                """,
                address="aws_lb.web",
                line=1,
            ),
            bad(
                """
                resource "aws_alb" "web" {
                  name    = "web"
                  subnets = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

                  access_logs {
                    bucket = "acme-lb-logs"
                  }
                }
                """,
                address="aws_alb.web",
                line=1,
                note="`enabled` defaults to false even with a bucket",
            ),
            bad(
                """
                variable "access_logs_enabled" {
                  default = false
                }

                resource "aws_elb" "legacy" {
                  name               = "legacy"
                  availability_zones = ["eu-west-1a", "eu-west-1b"]

                  listener {
                    instance_port     = 8080
                    instance_protocol = "http"
                    lb_port           = 80
                    lb_protocol       = "http"
                  }

                  access_logs {
                    bucket  = "acme-lb-logs"
                    enabled = var.access_logs_enabled
                  }
                }
                """,
                address="aws_elb.legacy",
                line=18,
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  LoadBalancer:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      Subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      LoadBalancerAttributes:
                        - Key: access_logs.s3.enabled
                          Value: "true"
                        - Key: access_logs.s3.bucket
                          Value: acme-lb-logs
                """
            ),
            good(
                """
                Resources:
                  LoadBalancer:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      Type: network
                      Subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                """
            ),
            good(
                """
                Parameters:
                  AccessLogs:
                    Type: String
                Resources:
                  LoadBalancer:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      Subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      LoadBalancerAttributes:
                        - Key: access_logs.s3.enabled
                          Value: !Ref AccessLogs
                """,
                note="unknown: no finding",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  LoadBalancer:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      Subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                """,
                address="LoadBalancer",
                line=2,
            ),
            bad(
                """
                Parameters:
                  AccessLogs:
                    Type: String
                    Default: "false"
                Resources:
                  LoadBalancer:
                    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                    Properties:
                      Subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      LoadBalancerAttributes:
                        - Key: idle_timeout.timeout_seconds
                          Value: "60"
                        - Key: access_logs.s3.enabled
                          Value: !Ref AccessLogs
                """,
                address="LoadBalancer",
                line=14,
            ),
            bad(
                """
                Resources:
                  Legacy:
                    Type: AWS::ElasticLoadBalancing::LoadBalancer
                    Properties:
                      AvailabilityZones: [eu-west-1a, eu-west-1b]
                      Listeners:
                        - LoadBalancerPort: "80"
                          InstancePort: "8080"
                          Protocol: HTTP
                      AccessLoggingPolicy:
                        Enabled: false
                        S3BucketName: acme-lb-logs
                """,
                address="Legacy",
                line=11,
            ),
        ],
    ),
)
def lb_access_logs(ctx: Context) -> Iterator[Report]:
    """Load balancer does not write access logs.

    What it checks:
        Application load balancers (`aws_lb`/`aws_alb` whose
        `load_balancer_type` is absent or `application`;
        `AWS::ElasticLoadBalancingV2::LoadBalancer` whose `Type` is absent or
        `application`) need `access_logs { enabled = true }`: the provider
        documents `enabled` as false by default, even when a bucket is given.
        In CloudFormation the `access_logs.s3.enabled` load balancer attribute
        must be `true` (default false). Classic load balancers (`aws_elb`,
        `AWS::ElasticLoadBalancing::LoadBalancer`) need an `access_logs` block
        (its `enabled` defaults to true) or an `AccessLoggingPolicy` with
        `Enabled: true`. Network and gateway load balancers are outside the
        rule, as RULES.md names application and classic ones.
    Why it matters for SOC 2:
        Access logs are the record of who called the application and what was
        answered, which incident investigation needs (checklist C, CC7.2).
    How to fix:
        Terraform `access_logs { bucket = aws_s3_bucket.lb_logs.id,
        enabled = true }`; CloudFormation `LoadBalancerAttributes` with
        `access_logs.s3.enabled: "true"` and `access_logs.s3.bucket`.
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
        - https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_AccessLog.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb#access_logs
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elb#access_logs
    """
    for lb in ctx.graph.nodes(ELBV2):
        t = _lb_type(lb)
        if t.unknown:
            yield from ctx.unresolved(lb, t)
            continue
        if t.present and str(t.value).lower() != "application":
            continue
        yield from _elbv2_access_logs(ctx, lb)
    for lb in ctx.graph.nodes(ELB):
        yield from _elb_access_logs(ctx, lb)


@rule(
    id="LOG011",
    slug="s3-access-logging",
    severity=Severity.LOW,
    tsc=("CC7.2",),
    checklist=MONITORING,
    graph=True,
    fix={
        "terraform": "Add an `aws_s3_bucket_logging` for the bucket with a `target_bucket`.",
        "cloudformation": "Add `LoggingConfiguration: {DestinationBucketName: ...}` to the bucket.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_s3_bucket" "data" {
                  bucket = "acme-data"
                }

                resource "aws_s3_bucket" "logs" {
                  bucket = "acme-access-logs"
                }

                resource "aws_s3_bucket_logging" "data" {
                  bucket        = aws_s3_bucket.data.id
                  target_bucket = aws_s3_bucket.logs.id
                  target_prefix = "s3/acme-data/"
                }
                """,
                note="the log bucket is itself a log destination: exempt",
            ),
            good(
                """
                resource "aws_s3_bucket" "lb_logs" {
                  bucket = "acme-lb-logs"
                }

                resource "aws_lb" "web" {
                  name    = "web"
                  subnets = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]

                  access_logs {
                    bucket  = aws_s3_bucket.lb_logs.id
                    enabled = true
                  }
                }
                """,
                note="a load balancer's access-log bucket is exempt",
            ),
            good(
                """
                variable "log_bucket" {
                  type = string
                }

                resource "aws_s3_bucket" "data" {
                  bucket = "acme-data"
                }

                resource "aws_s3_bucket_logging" "data" {
                  bucket        = var.log_bucket
                  target_bucket = "acme-access-logs"
                }
                """,
                note="a logging resource for an unknown bucket may be this bucket's",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "data" {
                  bucket = "acme-data"
                }
                """,
                address="aws_s3_bucket.data",
                line=1,
            ),
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
                note="a trail's bucket is still checked",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  LogBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      OwnershipControls:
                        Rules:
                          - ObjectOwnership: BucketOwnerPreferred
                  DataBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      LoggingConfiguration:
                        DestinationBucketName: !Ref LogBucket
                        LogFilePrefix: data/
                """
            ),
            good(
                """
                Resources:
                  CdnLogs:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: acme-cdn-logs
                  Cdn:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        Logging:
                          Bucket: acme-cdn-logs.s3.amazonaws.com
                          Prefix: cdn/
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: redirect-to-https
                        Origins:
                          - Id: site
                            DomainName: www.example.com
                            CustomOriginConfig:
                              OriginProtocolPolicy: https-only
                """,
                note="CloudFront's logging bucket, named by its domain name",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  DataBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      VersioningConfiguration:
                        Status: Enabled
                """,
                address="DataBucket",
                line=2,
            ),
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
        ],
    ),
)
def s3_access_logging(ctx: Context) -> Iterator[Report]:
    """S3 bucket has no server access logging.

    What it checks:
        Every bucket needs server access logging, wherever it is written
        (inline `logging`, `aws_s3_bucket_logging`, CloudFormation
        `LoggingConfiguration`). Buckets that are themselves log destinations
        are exempt: the target of another bucket's access logging, a load
        balancer's access or connection log bucket, CloudFront's logging
        bucket (`name.s3.amazonaws.com`), a flow log's, Redshift's, EMR's,
        MSK's or Network Firewall's log bucket, a CloudWatch Logs delivery
        destination, and WAF's `aws-waf-logs-*` buckets. A CloudTrail bucket is
        still checked: S3 access logs are what show who read the audit trail.
        A logging resource or log delivery whose bucket cannot be resolved
        makes every bucket of its root unknown.
    Why it matters for SOC 2:
        Server access logs record every request to the bucket's data (checklist
        C, CC7.2); CloudTrail records object-level access only with data events.
    How to fix:
        Terraform `aws_s3_bucket_logging { bucket = ..., target_bucket = ... }`;
        CloudFormation `LoggingConfiguration: {DestinationBucketName: ...}`.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_logging
    """
    destinations = log_destinations(ctx.graph)
    for bucket in ctx.graph.nodes(BUCKET):
        settings = bucket_view(ctx.graph, bucket).logging()
        if any(s.value is not UNKNOWN_SETTING for s in settings):
            continue
        if settings or _configured_elsewhere(ctx, bucket):
            yield from ctx.unresolved(bucket, (), "the bucket's access logging")
            continue
        dest = destinations.is_destination(bucket)
        if dest is True:
            continue
        if dest is None:
            yield from ctx.unresolved(bucket, (), "whether the bucket is a log destination")
            continue
        yield ctx.finding(bucket, (), f"{bucket.address}: server access logging is not enabled")


@rule(
    id="LOG012",
    slug="rds-log-exports",
    severity=Severity.LOW,
    tsc=("CC7.2",),
    checklist=MONITORING,
    fix={
        "terraform": 'Set `enabled_cloudwatch_logs_exports` (for example `["postgresql"]`, '
        '`["audit", "error", "slowquery"]`).',
        "cloudformation": "Set `EnableCloudwatchLogsExports` (for example `[postgresql]`).",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_db_instance" "main" {
                  identifier                      = "orders"
                  engine                          = "postgres"
                  instance_class                  = "db.t4g.medium"
                  allocated_storage               = 50
                  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
                }
                """
            ),
            good(
                """
                resource "aws_rds_cluster" "main" {
                  cluster_identifier              = "orders"
                  engine                          = "aurora-mysql"
                  enabled_cloudwatch_logs_exports = ["audit", "error", "slowquery"]
                }

                resource "aws_rds_cluster_instance" "member" {
                  count              = 2
                  cluster_identifier = aws_rds_cluster.main.id
                  instance_class     = "db.r6g.large"
                  engine             = "aurora-mysql"
                }
                """,
                note="exports are a cluster setting; members are not checked",
            ),
            good(
                """
                variable "log_exports" {
                  type = list(string)
                }

                resource "aws_db_instance" "main" {
                  identifier                      = "orders"
                  engine                          = "mysql"
                  instance_class                  = "db.t4g.medium"
                  allocated_storage               = 50
                  enabled_cloudwatch_logs_exports = var.log_exports
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_db_instance" "main" {
                  identifier        = "orders"
                  engine            = "postgres"
                  instance_class    = "db.t4g.medium"
                  allocated_storage = 50
                }
                """,
                address="aws_db_instance.main",
                line=1,
            ),
            bad(
                {
                    "main.tf": """
                    module "db" {
                      source = "./modules/aurora"
                    }
                    """,
                    "modules/aurora/main.tf": """
                    variable "log_exports" {
                      type    = list(string)
                      default = []
                    }

                    resource "aws_rds_cluster" "this" {
                      cluster_identifier              = "orders"
                      engine                          = "aurora-postgresql"
                      enabled_cloudwatch_logs_exports = var.log_exports
                    }
                    """,
                },
                address="module.db.aws_rds_cluster.this",
                line=9,
                file="modules/aurora/main.tf",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Db:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.t4g.medium
                      AllocatedStorage: "50"
                      EnableCloudwatchLogsExports: [postgresql]
                """
            ),
            good(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-mysql
                      EnableCloudwatchLogsExports: [audit, error]
                  Member:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-mysql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-postgresql
                  Member:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-postgresql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                """,
                address="Cluster",
                line=2,
            ),
            bad(
                """
                Resources:
                  Db:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: mysql
                      DBInstanceClass: db.t4g.medium
                      AllocatedStorage: "20"
                      EnableCloudwatchLogsExports: []
                """,
                address="Db",
                line=8,
            ),
        ],
    ),
)
def rds_log_exports(ctx: Context) -> Iterator[Report]:
    """RDS database does not export its logs to CloudWatch Logs.

    What it checks:
        `aws_db_instance` / `aws_rds_cluster` / `AWS::RDS::DBInstance` /
        `AWS::RDS::DBCluster` must name at least one log type in
        `enabled_cloudwatch_logs_exports` / `EnableCloudwatchLogsExports`.
        Instances that belong to a cluster (`aws_rds_cluster_instance`,
        `DBClusterIdentifier`) are not checked: the cluster carries the
        setting. RDS Custom instances (`custom-*` engines) are not checked
        either: the RDS API documents that the setting does not apply to them.
    Why it matters for SOC 2:
        Database error, audit and slow-query logs stay on the instance, rotate
        away and are lost with it unless exported; exported logs can be
        retained, searched and alarmed on (checklist C, CC7.2).
    How to fix:
        Terraform `enabled_cloudwatch_logs_exports = ["postgresql"]` (MySQL /
        MariaDB: `audit`, `error`, `general`, `slowquery`); CloudFormation
        `EnableCloudwatchLogsExports`.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.MySQLDB.PublishtoCloudWatchLogs.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CloudwatchLogsExportConfiguration.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#enabled_cloudwatch_logs_exports
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster#enabled_cloudwatch_logs_exports
    """
    for db in ctx.graph.nodes(("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")):
        if is_cluster_member(db):
            continue
        engine = db.get(tf="engine", cfn="Engine")
        if isinstance(engine, str) and engine.lower().startswith("custom-"):
            continue  # RDS Custom does not support log exports
        a = db.attr(tf="enabled_cloudwatch_logs_exports", cfn="EnableCloudwatchLogsExports")
        if a.unknown:
            yield from ctx.unresolved(db, a)
            continue
        if is_blank(a):
            name = spelled(db, "enabled_cloudwatch_logs_exports", "EnableCloudwatchLogsExports")
            value = "not set" if a.missing else "empty"
            yield ctx.finding(
                db, a, f"{db.address}: no database logs are exported (`{name}` is {value})"
            )


EKS_REQUIRED_LOGS = ("api", "audit", "authenticator")


@rule(
    id="LOG013",
    slug="eks-control-plane-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    fix={
        "terraform": 'Set `enabled_cluster_log_types = ["api", "audit", "authenticator"]` '
        "(or more).",
        "cloudformation": "Set `Logging.ClusterLogging.EnabledTypes` to include `api`, `audit` "
        "and `authenticator`.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_eks_cluster" "main" {
                  name                      = "prod"
                  role_arn                  = "arn:aws:iam::111122223333:role/eks-cluster"
                  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

                  vpc_config {
                    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                  }
                }
                """
            ),
            good(
                """
                variable "cluster_log_types" {
                  type = list(string)
                }

                resource "aws_eks_cluster" "main" {
                  name                      = "prod"
                  role_arn                  = "arn:aws:iam::111122223333:role/eks-cluster"
                  enabled_cluster_log_types = var.cluster_log_types

                  vpc_config {
                    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                  }
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_eks_cluster" "main" {
                  name     = "prod"
                  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"

                  vpc_config {
                    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                  }
                }
                """,
                address="aws_eks_cluster.main",
                line=1,
            ),
            bad(
                """
                variable "cluster_log_types" {
                  type    = list(string)
                  default = ["api"]
                }

                resource "aws_eks_cluster" "main" {
                  name                      = "prod"
                  role_arn                  = "arn:aws:iam::111122223333:role/eks-cluster"
                  enabled_cluster_log_types = var.cluster_log_types

                  vpc_config {
                    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
                  }
                }
                """,
                address="aws_eks_cluster.main",
                line=9,
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      Logging:
                        ClusterLogging:
                          EnabledTypes:
                            - Type: api
                            - Type: audit
                            - Type: authenticator
                """
            ),
            good(
                """
                Parameters:
                  ExtraLogType:
                    Type: String
                Resources:
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      Logging:
                        ClusterLogging:
                          EnabledTypes:
                            - Type: api
                            - Type: audit
                            - Type: !Ref ExtraLogType
                """,
                note="the third type is unknown: no finding",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                """,
                address="Cluster",
                line=2,
            ),
            bad(
                """
                Resources:
                  Cluster:
                    Type: AWS::EKS::Cluster
                    Properties:
                      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
                      ResourcesVpcConfig:
                        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
                      Logging:
                        ClusterLogging:
                          EnabledTypes:
                            - Type: api
                            - Type: scheduler
                """,
                address="Cluster",
                line=10,
            ),
        ],
    ),
)
def eks_control_plane_logs(ctx: Context) -> Iterator[Report]:
    """EKS cluster does not log its control plane.

    What it checks:
        `aws_eks_cluster.enabled_cluster_log_types` / `AWS::EKS::Cluster`
        `Logging.ClusterLogging.EnabledTypes[].Type` must include `api`,
        `audit` and `authenticator` (control plane logging is off by default).
        The message lists the missing types. When a type is unknown and
        could be a missing one, no finding.
    Why it matters for SOC 2:
        The Kubernetes audit and authenticator logs record who did what in the
        cluster; without them cluster access cannot be reviewed (checklist C,
        CC7.2).
    How to fix:
        Terraform `enabled_cluster_log_types = ["api", "audit",
        "authenticator"]`; CloudFormation `Logging: {ClusterLogging:
        {EnabledTypes: [{Type: api}, {Type: audit}, {Type: authenticator}]}}`.
    References:
        - https://docs.aws.amazon.com/eks/latest/userguide/api-server-flags.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/eks_cluster#enabled_cluster_log_types
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-loggingtypeconfig.html
    """
    for cluster in ctx.graph.nodes("AWS::EKS::Cluster"):
        if cluster.language == "terraform":
            a = cluster.attr("enabled_cluster_log_types")
            items: list[Any] = a.value if isinstance(a.value, list) else []
        else:
            a = cluster.attr("Logging.ClusterLogging.EnabledTypes")
            raw = a.value if isinstance(a.value, list) else []
            items = [i.get("Type") if isinstance(i, dict) else i for i in raw]
        if a.unknown:
            yield from ctx.unresolved(cluster, a)
            continue
        enabled = {str(i) for i in items if isinstance(i, str)}
        missing = [t for t in EKS_REQUIRED_LOGS if t not in enabled]
        if not missing:
            continue
        if any(isinstance(i, Unknown) for i in items):
            yield from ctx.unresolved(cluster, a)
            continue
        where = a if a.present else cluster.attr(tf="enabled_cluster_log_types", cfn="Logging")
        yield ctx.finding(
            cluster,
            where,
            f"{cluster.address}: control plane logging misses {join_names(missing)}",
        )


def _sam(node: Node, sam_type: str) -> bool:
    return node.meta.get("sam_type") == sam_type or node.type == sam_type


def _block_state(node: Node, a: Attr, block: str) -> bool | None:
    """Whether a block/property is written: True, False, or None when unknown."""
    if a.unknown or block in (node.meta.get("dynamic_unknown") or ()):
        return None
    return not (a.missing or a.value in ([], {}))


def _access_log_setting(ctx: Context, node: Node, tf: str, cfn: str, what: str) -> Iterator[Report]:
    """A stage-like node must carry an access log setting with a destination."""
    a = node.attr(tf=tf, cfn=cfn)
    state = _block_state(node, a, tf)
    if state is None:
        yield from ctx.unresolved(node, a)
        return
    name = spelled(node, tf, cfn)
    if state is False:
        yield ctx.finding(
            node, a, f"{node.address}: {what} has no access logging (`{name}` is not set)"
        )
        return
    if node.language == "cloudformation":
        dest = a.child("DestinationArn")
        if dest.missing:
            yield ctx.finding(
                node,
                a,
                f"{node.address}: {what} has no access logging (`{name}` has no DestinationArn)",
            )


@rule(
    id="LOG014",
    slug="apigw-access-logs",
    severity=Severity.MEDIUM,
    tsc=("CC7.2",),
    checklist=MONITORING,
    fix={
        "terraform": "Add `access_log_settings { destination_arn = ..., format = ... }` to the "
        "`aws_api_gateway_stage` / `aws_apigatewayv2_stage`.",
        "cloudformation": "Add `AccessLogSetting` (REST stage, SAM `Api`) or "
        "`AccessLogSettings` (HTTP/WebSocket stage, SAM `HttpApi`) with a `DestinationArn`.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudwatch_log_group" "api" {
                  name = "/apigateway/orders"
                }

                resource "aws_api_gateway_stage" "prod" {
                  rest_api_id   = "a1b2c3d4e5"
                  deployment_id = "abc123"
                  stage_name    = "prod"

                  access_log_settings {
                    destination_arn = aws_cloudwatch_log_group.api.arn
                    format          = jsonencode({ requestId = "$context.requestId" })
                  }
                }
                """
            ),
            good(
                """
                resource "aws_apigatewayv2_stage" "default" {
                  api_id      = "a1b2c3d4e5"
                  name        = "$default"
                  auto_deploy = true

                  access_log_settings {
                    destination_arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/apigateway/http"
                    format          = "$context.requestId $context.status"
                  }
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_api_gateway_stage" "prod" {
                  rest_api_id   = "a1b2c3d4e5"
                  deployment_id = "abc123"
                  stage_name    = "prod"
                }
                """,
                address="aws_api_gateway_stage.prod",
                line=1,
            ),
            bad(
                """
                variable "access_log_arn" {
                  default = null
                }

                resource "aws_apigatewayv2_stage" "default" {
                  api_id      = "a1b2c3d4e5"
                  name        = "$default"
                  auto_deploy = true

                  dynamic "access_log_settings" {
                    for_each = var.access_log_arn == null ? [] : [var.access_log_arn]
                    content {
                      destination_arn = access_log_settings.value
                      format          = "$context.requestId"
                    }
                  }
                }
                """,
                address="aws_apigatewayv2_stage.default",
                line=10,
                note="the dynamic block produces no access_log_settings",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Stage:
                    Type: AWS::ApiGateway::Stage
                    Properties:
                      RestApiId: a1b2c3d4e5
                      DeploymentId: abc123
                      StageName: prod
                      AccessLogSetting:
                        DestinationArn: arn:aws:logs:eu-west-1:111122223333:log-group:/apigateway/orders
                        Format: $context.requestId
                """
            ),
            good(
                """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      AccessLogSetting:
                        DestinationArn: !GetAtt ApiLogs.Arn
                        Format: $context.requestId
                  ApiLogs:
                    Type: AWS::Logs::LogGroup
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Stage:
                    Type: AWS::ApiGateway::Stage
                    Properties:
                      RestApiId: a1b2c3d4e5
                      DeploymentId: abc123
                      StageName: prod
                """,
                address="Stage",
                line=2,
            ),
            bad(
                """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  HttpApi:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      StageName: prod
                """,
                address="HttpApi",
                line=3,
            ),
            bad(
                """
                Resources:
                  Deployment:
                    Type: AWS::ApiGateway::Deployment
                    Properties:
                      RestApiId: a1b2c3d4e5
                      StageName: prod
                      StageDescription:
                        LoggingLevel: ERROR
                """,
                address="Deployment",
                line=2,
                note="a deployment that creates its stage",
            ),
        ],
    ),
)
def apigw_access_logs(ctx: Context) -> Iterator[Report]:
    """API Gateway stage has no access logging.

    What it checks:
        REST stages (`aws_api_gateway_stage.access_log_settings`,
        `AWS::ApiGateway::Stage` `AccessLogSetting`), HTTP and WebSocket stages
        (`aws_apigatewayv2_stage.access_log_settings`,
        `AWS::ApiGatewayV2::Stage` `AccessLogSettings`), the stage a SAM
        `AWS::Serverless::Api` / `AWS::Serverless::HttpApi` creates
        (`AccessLogSetting` / `AccessLogSettings`), and the stage a deployment
        creates with `stage_name` / `StageName` (CloudFormation
        `StageDescription.AccessLogSetting`; Terraform cannot configure access
        logs there: use an `aws_api_gateway_stage`). CloudFormation settings
        need a `DestinationArn`.
    Why it matters for SOC 2:
        Access logs record who called the API, when, from where and with what
        result: the trail an investigation of API misuse starts from
        (checklist C, CC7.2).
    How to fix:
        Terraform `access_log_settings { destination_arn = ..., format = ... }`;
        CloudFormation `AccessLogSetting` / `AccessLogSettings` with
        `DestinationArn` and `Format`.
    References:
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_stage#access_log_settings
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/apigatewayv2_stage#access_log_settings
    """
    g = ctx.graph
    for st in g.nodes("AWS::ApiGateway::Stage"):
        yield from _access_log_setting(
            ctx, st, "access_log_settings", "AccessLogSetting", "REST API stage"
        )
    for st in g.nodes("AWS::ApiGatewayV2::Stage"):
        yield from _access_log_setting(
            ctx, st, "access_log_settings", "AccessLogSettings", "HTTP/WebSocket API stage"
        )
    for api in g.nodes("AWS::ApiGateway::RestApi"):
        if _sam(api, "AWS::Serverless::Api"):
            yield from _access_log_setting(
                ctx, api, "access_log_settings", "AccessLogSetting", "the SAM API's stage"
            )
    for api in g.nodes("AWS::ApiGatewayV2::Api"):
        if _sam(api, "AWS::Serverless::HttpApi"):
            yield from _access_log_setting(
                ctx, api, "access_log_settings", "AccessLogSettings", "the SAM HTTP API's stage"
            )
    for dep in g.nodes("AWS::ApiGateway::Deployment"):
        stage = dep.attr(tf="stage_name", cfn="StageName")
        if stage.unknown:
            yield from ctx.unresolved(dep, stage)
            continue
        if is_blank(stage):
            continue
        if dep.language == "terraform":
            yield ctx.finding(
                dep,
                stage,
                f"{dep.address}: the stage {describe_value(stage.value)} this deployment creates "
                "has no access logging (manage it with an aws_api_gateway_stage that sets "
                "`access_log_settings`)",
            )
            continue
        setting = dep.attr("StageDescription.AccessLogSetting")
        if setting.unknown or dep.attr("StageDescription").unknown:
            yield from ctx.unresolved(dep, setting)
            continue
        if setting.missing or setting.child("DestinationArn").missing:
            yield ctx.finding(
                dep,
                setting,
                f"{dep.address}: the stage {describe_value(stage.value)} this deployment creates "
                "has no access logging (`StageDescription.AccessLogSetting` is not set)",
            )


#: (kinds, SAM type or None, attribute paths holding DataTraceEnabled / data_trace_enabled)
_DATA_TRACE_PATHS: tuple[tuple[tuple[str, ...], str | None, str, tuple[str, ...]], ...] = (
    (("aws_api_gateway_method_settings",), None, "terraform", ("settings[].data_trace_enabled",)),
    (
        ("AWS::ApiGatewayV2::Stage",),
        None,
        "terraform",
        (
            "default_route_settings[].data_trace_enabled",
            "route_settings[].data_trace_enabled",
        ),
    ),
    (("AWS::ApiGateway::Stage",), None, "cloudformation", ("MethodSettings[].DataTraceEnabled",)),
    (
        ("AWS::ApiGateway::Deployment",),
        None,
        "cloudformation",
        (
            "StageDescription.DataTraceEnabled",
            "StageDescription.MethodSettings[].DataTraceEnabled",
        ),
    ),
    (
        ("AWS::ApiGateway::RestApi",),
        "AWS::Serverless::Api",
        "cloudformation",
        ("MethodSettings[].DataTraceEnabled",),
    ),
    (
        ("AWS::ApiGatewayV2::Stage",),
        None,
        "cloudformation",
        ("DefaultRouteSettings.DataTraceEnabled", "RouteSettings.*.DataTraceEnabled"),
    ),
    (
        ("AWS::ApiGatewayV2::Api",),
        "AWS::Serverless::HttpApi",
        "cloudformation",
        ("DefaultRouteSettings.DataTraceEnabled", "RouteSettings.*.DataTraceEnabled"),
    ),
)


@rule(
    id="LOG015",
    slug="apigw-data-trace",
    severity=Severity.MEDIUM,
    tsc=("CC7.2", "C1.1"),
    checklist=MONITORING,
    fix={
        "terraform": 'Set `data_trace_enabled = false` (use `logging_level = "INFO"` or '
        '`"ERROR"` and access logs instead).',
        "cloudformation": "Set `DataTraceEnabled: false` (use `LoggingLevel: INFO` or `ERROR` "
        "and access logs instead).",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_api_gateway_method_settings" "all" {
                  rest_api_id = "a1b2c3d4e5"
                  stage_name  = "prod"
                  method_path = "*/*"

                  settings {
                    metrics_enabled = true
                    logging_level   = "ERROR"
                  }
                }
                """
            ),
            good(
                """
                variable "debug" {
                  type = bool
                }

                resource "aws_api_gateway_method_settings" "all" {
                  rest_api_id = "a1b2c3d4e5"
                  stage_name  = "prod"
                  method_path = "*/*"

                  settings {
                    logging_level      = "INFO"
                    data_trace_enabled = var.debug
                  }
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_api_gateway_method_settings" "all" {
                  rest_api_id = "a1b2c3d4e5"
                  stage_name  = "prod"
                  method_path = "*/*"

                  settings {
                    logging_level      = "INFO"
                    data_trace_enabled = true
                  }
                }
                """,
                address="aws_api_gateway_method_settings.all",
                line=8,
            ),
            bad(
                {
                    "main.tf": """
                    module "api" {
                      source = "./modules/api"
                      debug  = true
                    }
                    """,
                    "modules/api/main.tf": """
                    variable "debug" {
                      default = false
                    }

                    resource "aws_api_gateway_method_settings" "all" {
                      rest_api_id = "a1b2c3d4e5"
                      stage_name  = "prod"
                      method_path = "*/*"

                      settings {
                        logging_level      = "INFO"
                        data_trace_enabled = var.debug
                      }
                    }
                    """,
                },
                address="module.api.aws_api_gateway_method_settings.all",
                line=12,
                file="modules/api/main.tf",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Stage:
                    Type: AWS::ApiGateway::Stage
                    Properties:
                      RestApiId: a1b2c3d4e5
                      DeploymentId: abc123
                      StageName: prod
                      MethodSettings:
                        - ResourcePath: /*
                          HttpMethod: "*"
                          LoggingLevel: ERROR
                          DataTraceEnabled: false
                """
            ),
            good(
                """
                Parameters:
                  Debug:
                    Type: String
                    AllowedValues: ["true", "false"]
                Resources:
                  Stage:
                    Type: AWS::ApiGateway::Stage
                    Properties:
                      RestApiId: a1b2c3d4e5
                      DeploymentId: abc123
                      StageName: prod
                      MethodSettings:
                        - ResourcePath: /*
                          HttpMethod: "*"
                          DataTraceEnabled: !Ref Debug
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Stage:
                    Type: AWS::ApiGateway::Stage
                    Properties:
                      RestApiId: a1b2c3d4e5
                      DeploymentId: abc123
                      StageName: prod
                      MethodSettings:
                        - ResourcePath: /*
                          HttpMethod: "*"
                          LoggingLevel: INFO
                          DataTraceEnabled: true
                """,
                address="Stage",
                line=12,
            ),
            bad(
                """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      MethodSettings:
                        - ResourcePath: /*
                          HttpMethod: "*"
                          DataTraceEnabled: true
                """,
                address="Api",
                line=10,
            ),
        ],
    ),
)
def apigw_data_trace(ctx: Context) -> Iterator[Report]:
    """API Gateway logs full request and response bodies.

    What it checks:
        `aws_api_gateway_method_settings` `settings.data_trace_enabled`,
        `aws_apigatewayv2_stage` default and per-route settings
        (WebSocket APIs), `AWS::ApiGateway::Stage` `MethodSettings[].DataTraceEnabled`,
        a deployment's `StageDescription`, the SAM `Api` / `HttpApi`
        `MethodSettings` / `DefaultRouteSettings` / `RouteSettings`, and
        `AWS::ApiGatewayV2::Stage` route settings: a `true` fails, at that
        setting.
    Why it matters for SOC 2:
        Data tracing writes full request and response bodies to CloudWatch
        Logs, so personal data, tokens and secrets end up in logs that many
        people can read (checklist C; CC7.2 and confidentiality C1.1). AWS
        advises against it for production APIs.
    How to fix:
        Set `data_trace_enabled = false` / `DataTraceEnabled: false` (or remove
        it) and use `logging_level = "INFO"` or `"ERROR"` plus access logs.
    References:
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_method_settings
    """
    for kinds, sam_type, language, paths in _DATA_TRACE_PATHS:
        for node in ctx.graph.nodes(kinds):
            if node.language != language or (sam_type and not _sam(node, sam_type)):
                continue
            for path in paths:
                for a in node.attrs_at(path):
                    if not a.present:
                        continue
                    if a.unknown:
                        yield from ctx.unresolved(node, a)
                        continue
                    if to_bool(a.value) is True:
                        yield ctx.finding(
                            node,
                            a,
                            f"{node.address}: data tracing logs full request and response "
                            f"bodies (`{a.path_str}` is true)",
                        )


@rule(
    id="LOG016",
    slug="cloudfront-logging",
    severity=Severity.LOW,
    tsc=("CC7.2",),
    checklist=MONITORING,
    graph=True,
    fix={
        "terraform": 'Add `logging_config { bucket = "<bucket>.s3.amazonaws.com" }`, or '
        "standard logging v2 (`aws_cloudwatch_log_delivery_source` with `log_type = "
        '"ACCESS_LOGS"` for the distribution).',
        "cloudformation": "Add `DistributionConfig.Logging.Bucket`, or standard logging v2 "
        "(`AWS::Logs::DeliverySource` with `LogType: ACCESS_LOGS` for the distribution).",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudfront_distribution" "site" {
                  enabled = true

                  origin {
                    domain_name = "www.example.com"
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                  }

                  logging_config {
                    bucket = "acme-cdn-logs.s3.amazonaws.com"
                    prefix = "site/"
                  }
                }
                """
            ),
            good(
                """
                resource "aws_cloudfront_distribution" "site" {
                  enabled = true

                  origin {
                    domain_name = "www.example.com"
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                  }
                }

                resource "aws_cloudwatch_log_delivery_source" "site" {
                  name         = "site-access-logs"
                  log_type     = "ACCESS_LOGS"
                  resource_arn = aws_cloudfront_distribution.site.arn
                }
                """,
                note="standard logging v2 through CloudWatch Logs delivery",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudfront_distribution" "site" {
                  enabled = true

                  origin {
                    domain_name = "www.example.com"
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                  }
                }
                """,
                address="aws_cloudfront_distribution.site",
                line=1,
            ),
            bad(
                """
                variable "log_bucket" {
                  default = ""
                }

                resource "aws_cloudfront_distribution" "site" {
                  enabled = true

                  origin {
                    domain_name = "www.example.com"
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                  }

                  dynamic "logging_config" {
                    for_each = var.log_bucket == "" ? [] : [var.log_bucket]
                    content {
                      bucket = logging_config.value
                    }
                  }
                }
                """,
                address="aws_cloudfront_distribution.site",
                line=20,
                note="the dynamic block produces no logging_config",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Cdn:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        Logging:
                          Bucket: acme-cdn-logs.s3.amazonaws.com
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: redirect-to-https
                        Origins:
                          - Id: site
                            DomainName: www.example.com
                            CustomOriginConfig:
                              OriginProtocolPolicy: https-only
                """
            ),
            good(
                """
                Resources:
                  Cdn:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: redirect-to-https
                        Origins:
                          - Id: site
                            DomainName: www.example.com
                            CustomOriginConfig:
                              OriginProtocolPolicy: https-only
                  CdnLogSource:
                    Type: AWS::Logs::DeliverySource
                    Properties:
                      Name: cdn-access-logs
                      LogType: ACCESS_LOGS
                      ResourceArn: !Sub arn:aws:cloudfront::${AWS::AccountId}:distribution/${Cdn}
                """,
                note="standard logging v2",
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Cdn:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: redirect-to-https
                        Origins:
                          - Id: site
                            DomainName: www.example.com
                            CustomOriginConfig:
                              OriginProtocolPolicy: https-only
                """,
                address="Cdn",
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
                  Cdn:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        Logging: !If
                          - IsProd
                          - Bucket: acme-cdn-logs.s3.amazonaws.com
                          - !Ref AWS::NoValue
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: redirect-to-https
                        Origins:
                          - Id: site
                            DomainName: www.example.com
                            CustomOriginConfig:
                              OriginProtocolPolicy: https-only
                """,
                address="Cdn",
                line=13,
            ),
        ],
    ),
)
def cloudfront_logging(ctx: Context) -> Iterator[Report]:
    """CloudFront distribution has no access logging.

    What it checks:
        `aws_cloudfront_distribution` needs a `logging_config` block;
        `AWS::CloudFront::Distribution` a `DistributionConfig.Logging` (standard
        logging, legacy). CloudFront standard logging v2 counts too: a
        CloudWatch Logs delivery source with log type `ACCESS_LOGS` whose
        resource is the distribution (`aws_cloudwatch_log_delivery_source`,
        `AWS::Logs::DeliverySource`); AWS documents v2 as the current way to
        deliver access logs to S3, CloudWatch Logs or Firehose. A delivery
        source whose resource cannot be resolved makes the answer unknown.
    Why it matters for SOC 2:
        Access logs record every viewer request the edge served; without them
        there is no evidence of who fetched what (checklist C, CC7.2).
    How to fix:
        Terraform `logging_config { bucket = "<bucket>.s3.amazonaws.com" }` or
        a log delivery source, destination and delivery; CloudFormation
        `Logging: {Bucket: <bucket>.s3.amazonaws.com}` or
        `AWS::Logs::DeliverySource` / `DeliveryDestination` / `Delivery`.
    References:
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html
        - https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeliverySource.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudfront_distribution#logging_config
    """
    sources = delivery_sources(ctx.graph)
    for d in ctx.graph.nodes(DISTRIBUTION):
        if d.language == "terraform":
            a = d.attr("logging_config")
            state = _block_state(d, a, "logging_config")
        else:
            cfg = d.attr("DistributionConfig")
            a = d.attr("DistributionConfig.Logging")
            state = None if cfg.unknown else _block_state(d, a, "Logging")
        if state is True:
            continue
        v2 = sources.by_resource.get(d.id, [])
        if any(not s.may_not_exist for s in v2):
            continue
        if state is None or v2 or d.scope in sources.uncertain_scopes:
            yield from ctx.unresolved(d, a, "the distribution's access logging")
            continue
        name = spelled(d, "logging_config", "DistributionConfig.Logging")
        yield ctx.finding(
            d, a, f"{d.address}: access logging is not enabled (no `{name}`, no log delivery)"
        )


# ==========================================================================
# LOG017-LOG021: detection and alarms
# ==========================================================================


def _evidence_of(ctx: Context, prefixes: tuple[str, ...]) -> list[Node]:
    """Resources or data sources of a service (by kind prefix) other than the control itself."""
    out = []
    for kind in ctx.graph.kinds():
        if kind.startswith(prefixes):
            out.extend(ctx.graph.nodes(kind, category=None))
    return [n for n in out if n.category in ("resource", "data")]


@rule(
    id="LOG017",
    slug="guardduty-enabled",
    severity=Severity.MEDIUM,
    tsc=("CC7.2", "CC7.3"),
    checklist=MONITORING,
    account_scope=True,
    fix={
        "terraform": 'Add `resource "aws_guardduty_detector" "main" { enable = true }` to '
        "the account baseline.",
        "cloudformation": "Add an `AWS::GuardDuty::Detector` with `Enable: true` to the "
        "account baseline.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_guardduty_detector" "main" {
                  enable                       = true
                  finding_publishing_frequency = "FIFTEEN_MINUTES"
                }
                """
            ),
            good(
                """
                resource "aws_guardduty_detector" "main" {}
                """,
                note="`enable` defaults to true",
            ),
            good(
                """
                variable "guardduty_enabled" {
                  type = bool
                }

                resource "aws_guardduty_detector" "main" {
                  enable = var.guardduty_enabled
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_securityhub_account" "main" {}
                """,
                address=".",
                line=1,
            ),
            bad(
                """
                resource "aws_securityhub_account" "main" {}

                resource "aws_guardduty_detector" "main" {
                  enable = false
                }
                """,
                address=".",
                line=4,
                note="a suspended detector",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Detector:
                    Type: AWS::GuardDuty::Detector
                    Properties:
                      Enable: true
                """
            ),
            good(
                """
                Parameters:
                  EnableGuardDuty:
                    Type: String
                Resources:
                  Detector:
                    Type: AWS::GuardDuty::Detector
                    Properties:
                      Enable: !Ref EnableGuardDuty
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  Hub:
                    Type: AWS::SecurityHub::Hub
                """,
                address=".",
                line=1,
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
                  Detector:
                    Type: AWS::GuardDuty::Detector
                    Properties:
                      Enable: !If [IsProd, true, false]
                """,
                address=".",
                line=11,
            ),
        ],
    ),
)
def guardduty_enabled(ctx: Context) -> Iterator[Report]:
    """GuardDuty is not enabled in the account baseline.

    What it checks:
        Account scope: at least one `aws_guardduty_detector` /
        `AWS::GuardDuty::Detector` that is enabled (`enable`, default true in
        the provider; `Enable`, required in CloudFormation). A detector whose
        `enable` is unknown or that may not exist, a `data
        "aws_guardduty_detector"` (the detector exists, managed elsewhere), or
        a module that was not loaded make the answer unknown. The finding names
        the configuration (`.`); it points at a disabled detector when there
        is one.
    Why it matters for SOC 2:
        GuardDuty is the threat detection the checklist expects (checklist C):
        it analyses CloudTrail, VPC flow logs and DNS logs for compromised
        credentials and instances (CC7.2, CC7.3).
    How to fix:
        Terraform `resource "aws_guardduty_detector" "main" { enable = true }`;
        CloudFormation `AWS::GuardDuty::Detector` with `Enable: true`; or let
        the organization's delegated administrator enable it for every account.
    References:
        - https://docs.aws.amazon.com/guardduty/latest/ug/what-is-guardduty.html
        - https://docs.aws.amazon.com/guardduty/latest/APIReference/Welcome.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/guardduty_detector
    """
    detectors = ctx.graph.nodes("AWS::GuardDuty::Detector")
    disabled: list[tuple[Node, Attr]] = []
    unknown: list[tuple[Node, Attr]] = []
    for d in detectors:
        e = d.attr(tf="enable", cfn="Enable")
        on = bool_with_default(e, True)
        if on is True and not d.may_not_exist:
            return
        (disabled if on is False else unknown).append((d, e))
    if unknown:
        for d, e in unknown:
            yield from ctx.unresolved(d, e, "whether GuardDuty is enabled")
        return
    if ctx.graph.nodes("data.aws_guardduty_detector", category="data"):
        return
    if unloaded_modules(ctx.graph):
        yield from _account_unknown(ctx, "a GuardDuty detector inside a module that was not loaded")
        return
    if disabled:
        d, e = disabled[0]
        yield ctx.config_finding(
            f"GuardDuty is not enabled: detector {d.address} is disabled "
            f"(`{spelled(d, 'enable', 'Enable')}` is false)",
            scope=d.scope,
            range=d.location_of(e.path),
            related=[RelatedRef(n, a.path, "disabled detector") for n, a in disabled],
        )
        return
    scope, rng = control_location(ctx, ("guardduty", "detection", "threat"))
    yield ctx.config_finding(
        "GuardDuty is not enabled: no GuardDuty detector in the configuration",
        scope=scope,
        range=rng,
    )


@rule(
    id="LOG018",
    slug="securityhub-enabled",
    severity=Severity.LOW,
    tsc=("CC7.2", "CC4.1"),
    checklist=MONITORING,
    account_scope=True,
    fix={
        "terraform": 'Add `resource "aws_securityhub_account" "main" {}` to the account baseline.',
        "cloudformation": "Add an `AWS::SecurityHub::Hub` to the account baseline.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_securityhub_account" "main" {
                  enable_default_standards = true
                }
                """
            ),
            good(
                """
                resource "aws_securityhub_standards_subscription" "cis" {
                  standards_arn = "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0"
                }
                """,
                note="a standards subscription exists only where Security Hub is enabled",
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
            ),
            bad(
                {
                    "main.tf": """
                    module "baseline" {
                      source          = "./modules/baseline"
                      enable_security = false
                    }
                    """,
                    "modules/baseline/main.tf": """
                    variable "enable_security" {
                      default = true
                    }

                    resource "aws_securityhub_account" "this" {
                      count = var.enable_security ? 1 : 0
                    }
                    """,
                },
                address=".",
                line=1,
                note="switched off through a module input",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Hub:
                    Type: AWS::SecurityHub::Hub
                    Properties:
                      EnableDefaultStandards: true
                """
            ),
            good(
                """
                Parameters:
                  EnableHub:
                    Type: String
                Conditions:
                  HubOn: !Equals [!Ref EnableHub, "true"]
                Resources:
                  Hub:
                    Type: AWS::SecurityHub::Hub
                    Condition: HubOn
                """,
                note="condition unknown: no finding",
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
                Parameters:
                  EnableHub:
                    Type: String
                    Default: "false"
                Conditions:
                  HubOn: !Equals [!Ref EnableHub, "true"]
                Resources:
                  Hub:
                    Type: AWS::SecurityHub::Hub
                    Condition: HubOn
                """,
                address=".",
                line=1,
            ),
        ],
    ),
)
def securityhub_enabled(ctx: Context) -> Iterator[Report]:
    """Security Hub is not enabled in the account baseline.

    What it checks:
        Account scope: an `aws_securityhub_account` / `AWS::SecurityHub::Hub`
        must exist. Other Security Hub resources (a standards subscription, a
        product subscription, an organization configuration) can only exist
        where Security Hub is enabled and count too. A hub that may not exist
        (unknown `count` or `Condition`) or a module that was not loaded make
        the answer unknown. The finding names the configuration (`.`).
    Why it matters for SOC 2:
        Security Hub runs the AWS Foundational and CIS checks continuously and
        gathers GuardDuty, Inspector and Access Analyzer findings in one place
        for review (checklist C, CC7.2, CC4.1).
    How to fix:
        Terraform `resource "aws_securityhub_account" "main" {}`;
        CloudFormation `AWS::SecurityHub::Hub`.
    References:
        - https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/securityhub_account
    """
    hubs = ctx.graph.nodes("AWS::SecurityHub::Hub")
    if any(not h.may_not_exist for h in hubs):
        return
    evidence = [
        n for n in _evidence_of(ctx, ("aws_securityhub_", "AWS::SecurityHub::")) if n not in hubs
    ]
    if any(not n.may_not_exist for n in evidence):
        return
    if hubs or evidence:
        for h in [*hubs, *evidence][:1]:
            yield from ctx.unresolved(h, (), "whether the Security Hub resource exists")
        return
    if unloaded_modules(ctx.graph):
        yield from _account_unknown(ctx, "Security Hub inside a module that was not loaded")
        return
    scope, rng = control_location(ctx, ("securityhub", "security-hub", "security"))
    yield ctx.config_finding(
        "Security Hub is not enabled: no aws_securityhub_account / AWS::SecurityHub::Hub in "
        "the configuration",
        scope=scope,
        range=rng,
    )


_EXTERNAL_ACCESS_ANALYZERS = ("ACCOUNT", "ORGANIZATION")


@rule(
    id="LOG019",
    slug="access-analyzer-enabled",
    severity=Severity.LOW,
    tsc=("CC6.1", "CC7.2"),
    checklist=MONITORING,
    account_scope=True,
    fix={
        "terraform": 'Add `resource "aws_accessanalyzer_analyzer" "account" { analyzer_name '
        '= "account" }` (type ACCOUNT or ORGANIZATION).',
        "cloudformation": "Add an `AWS::AccessAnalyzer::Analyzer` with `Type: ACCOUNT` (or "
        "`ORGANIZATION`).",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_accessanalyzer_analyzer" "account" {
                  analyzer_name = "account"
                }
                """,
                note="type defaults to ACCOUNT",
            ),
            good(
                """
                resource "aws_accessanalyzer_analyzer" "org" {
                  analyzer_name = "org"
                  type          = "ORGANIZATION"
                }
                """
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
            ),
            bad(
                """
                resource "aws_accessanalyzer_analyzer" "unused" {
                  analyzer_name = "unused-access"
                  type          = "ACCOUNT_UNUSED_ACCESS"
                }
                """,
                address=".",
                line=3,
                note="an unused-access analyzer does not report external access",
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Analyzer:
                    Type: AWS::AccessAnalyzer::Analyzer
                    Properties:
                      AnalyzerName: account
                      Type: ACCOUNT
                """
            ),
            good(
                """
                Parameters:
                  AnalyzerType:
                    Type: String
                Resources:
                  Analyzer:
                    Type: AWS::AccessAnalyzer::Analyzer
                    Properties:
                      Type: !Ref AnalyzerType
                """
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
                  Analyzer:
                    Type: AWS::AccessAnalyzer::Analyzer
                    Properties:
                      Type: ORGANIZATION_UNUSED_ACCESS
                """,
                address=".",
                line=5,
            ),
        ],
    ),
)
def access_analyzer_enabled(ctx: Context) -> Iterator[Report]:
    """IAM Access Analyzer is not enabled in the account baseline.

    What it checks:
        Account scope: an `aws_accessanalyzer_analyzer` /
        `AWS::AccessAnalyzer::Analyzer` for external access must exist: type
        `ACCOUNT` (the provider's default) or `ORGANIZATION`. Unused-access
        analyzers (`*_UNUSED_ACCESS`) report unused permissions, not resources
        shared outside the account, and do not count. An unknown type, an
        analyzer that may not exist, or a module that was not loaded make the
        answer unknown. The finding names the configuration (`.`).
    Why it matters for SOC 2:
        Access Analyzer finds buckets, keys, roles and queues shared with
        other accounts or the public, the review of access the checklist asks
        for (checklist C; CC6.1, CC7.2).
    How to fix:
        Terraform `resource "aws_accessanalyzer_analyzer" "account" {
        analyzer_name = "account" }`; CloudFormation
        `AWS::AccessAnalyzer::Analyzer` with `Type: ACCOUNT`.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-external.html
        - https://docs.aws.amazon.com/access-analyzer/latest/APIReference/Welcome.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/accessanalyzer_analyzer
    """
    analyzers = ctx.graph.nodes("AWS::AccessAnalyzer::Analyzer")
    unused: list[tuple[Node, Attr]] = []
    unknown: list[tuple[Node, Attr]] = []
    for an in analyzers:
        t = an.attr(tf="type", cfn="Type")
        if t.unknown:
            unknown.append((an, t))
            continue
        kind = str(t.value).upper() if t.present else "ACCOUNT"
        if kind in _EXTERNAL_ACCESS_ANALYZERS:
            if not an.may_not_exist:
                return
            unknown.append((an, t))
        else:
            unused.append((an, t))
    if unknown:
        for an, t in unknown:
            yield from ctx.unresolved(an, t, "the analyzer's type")
        return
    if unloaded_modules(ctx.graph):
        yield from _account_unknown(ctx, "an analyzer inside a module that was not loaded")
        return
    if unused:
        an, t = unused[0]
        yield ctx.config_finding(
            f"IAM Access Analyzer for external access is not enabled: {an.address} is of type "
            f"{describe_value(t.value)}, which only reports unused access",
            scope=an.scope,
            range=an.location_of(t.path),
            related=[RelatedRef(n, a.path, "unused-access analyzer") for n, a in unused],
        )
        return
    scope, rng = control_location(ctx, ("accessanalyzer", "access-analyzer", "analyzer", "iam"))
    yield ctx.config_finding(
        "IAM Access Analyzer is not enabled: no analyzer in the configuration",
        scope=scope,
        range=rng,
    )


def _composite_rule_text(ctx: Context) -> str:
    texts = []
    for c in ctx.graph.nodes("AWS::CloudWatch::CompositeAlarm"):
        v = c.get(tf="alarm_rule", cfn="AlarmRule")
        if isinstance(v, str):
            texts.append(v)
    return "\n".join(texts)


_DASHBOARDS = ("aws_cloudwatch_dashboard", "AWS::CloudWatch::Dashboard")


def _alarm_consumed(ctx: Context, alarm: Node, composite_text: str) -> bool:
    """Another resource watches the alarm's state (composite alarm, deployment rollback...)."""
    for _edge, other in ctx.graph.edges(alarm, "in", edge_kind=("ref", "literal")):
        if other.category == "resource" and other.kind not in _DASHBOARDS:
            return True
    name = alarm.get(tf="alarm_name", cfn="AlarmName")
    if isinstance(name, str) and name and composite_text:
        return f'"{name}"' in composite_text or f"({name})" in composite_text
    return False


@rule(
    id="LOG020",
    slug="alarm-without-action",
    severity=Severity.LOW,
    tsc=("CC7.3",),
    checklist=MONITORING,
    fix={
        "terraform": "Set `alarm_actions` to an SNS topic (or another action) and leave "
        "`actions_enabled` at true.",
        "cloudformation": "Set `AlarmActions` to an SNS topic (or another action) and leave "
        "`ActionsEnabled` at true.",
    },
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_sns_topic" "alerts" {
                  name = "ops-alerts"
                }

                resource "aws_cloudwatch_metric_alarm" "cpu" {
                  alarm_name          = "web-cpu-high"
                  comparison_operator = "GreaterThanThreshold"
                  evaluation_periods  = 2
                  metric_name         = "CPUUtilization"
                  namespace           = "AWS/EC2"
                  period              = 300
                  statistic           = "Average"
                  threshold           = 80
                  alarm_actions       = [aws_sns_topic.alerts.arn]
                }
                """
            ),
            good(
                """
                resource "aws_cloudwatch_metric_alarm" "errors" {
                  alarm_name          = "api-5xx"
                  comparison_operator = "GreaterThanThreshold"
                  evaluation_periods  = 1
                  metric_name         = "5XXError"
                  namespace           = "AWS/ApiGateway"
                  period              = 60
                  statistic           = "Sum"
                  threshold           = 5
                }

                resource "aws_cloudwatch_composite_alarm" "api" {
                  alarm_name    = "api-degraded"
                  alarm_rule    = "ALARM(${aws_cloudwatch_metric_alarm.errors.alarm_name})"
                  alarm_actions = ["arn:aws:sns:eu-west-1:111122223333:ops-alerts"]
                }
                """,
                note="an input of a composite alarm notifies through it",
            ),
            good(
                """
                variable "alarm_topics" {
                  type = list(string)
                }

                resource "aws_cloudwatch_metric_alarm" "cpu" {
                  alarm_name          = "web-cpu-high"
                  comparison_operator = "GreaterThanThreshold"
                  evaluation_periods  = 2
                  metric_name         = "CPUUtilization"
                  namespace           = "AWS/EC2"
                  period              = 300
                  statistic           = "Average"
                  threshold           = 80
                  alarm_actions       = var.alarm_topics
                }
                """
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudwatch_metric_alarm" "cpu" {
                  alarm_name          = "web-cpu-high"
                  comparison_operator = "GreaterThanThreshold"
                  evaluation_periods  = 2
                  metric_name         = "CPUUtilization"
                  namespace           = "AWS/EC2"
                  period              = 300
                  statistic           = "Average"
                  threshold           = 80
                }
                """,
                address="aws_cloudwatch_metric_alarm.cpu",
                line=1,
            ),
            bad(
                """
                variable "alarm_topics" {
                  type    = list(string)
                  default = []
                }

                resource "aws_cloudwatch_metric_alarm" "cpu" {
                  alarm_name          = "web-cpu-high"
                  comparison_operator = "GreaterThanThreshold"
                  evaluation_periods  = 2
                  metric_name         = "CPUUtilization"
                  namespace           = "AWS/EC2"
                  period              = 300
                  statistic           = "Average"
                  threshold           = 80
                  alarm_actions       = var.alarm_topics
                }
                """,
                address="aws_cloudwatch_metric_alarm.cpu",
                line=15,
            ),
            bad(
                """
                resource "aws_cloudwatch_metric_alarm" "cpu" {
                  alarm_name          = "web-cpu-high"
                  comparison_operator = "GreaterThanThreshold"
                  evaluation_periods  = 2
                  metric_name         = "CPUUtilization"
                  namespace           = "AWS/EC2"
                  period              = 300
                  statistic           = "Average"
                  threshold           = 80
                  alarm_actions       = ["arn:aws:sns:eu-west-1:111122223333:ops-alerts"]
                  actions_enabled     = false
                }
                """,
                address="aws_cloudwatch_metric_alarm.cpu",
                line=11,
            ),
        ],
    ),
    cloudformation=Examples(
        good=[
            good(
                """
                Resources:
                  Alerts:
                    Type: AWS::SNS::Topic
                  CpuAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: CPUUtilization
                      Namespace: AWS/EC2
                      Statistic: Average
                      Period: 300
                      EvaluationPeriods: 2
                      Threshold: 80
                      ComparisonOperator: GreaterThanThreshold
                      AlarmActions: [!Ref Alerts]
                """
            ),
            good(
                """
                Resources:
                  CpuAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: CPUUtilization
                      Namespace: AWS/EC2
                      Statistic: Average
                      Period: 300
                      EvaluationPeriods: 2
                      Threshold: 80
                      ComparisonOperator: GreaterThanThreshold
                      AlarmActions: [!ImportValue ops-alerts-topic]
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  CpuAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: CPUUtilization
                      Namespace: AWS/EC2
                      Statistic: Average
                      Period: 300
                      EvaluationPeriods: 2
                      Threshold: 80
                      ComparisonOperator: GreaterThanThreshold
                      OKActions: [arn:aws:sns:eu-west-1:111122223333:ops-alerts]
                """,
                address="CpuAlarm",
                line=2,
                note="only OK actions: nobody hears about the alarm",
            ),
            bad(
                """
                Parameters:
                  Notify:
                    Type: String
                    Default: "false"
                Resources:
                  CpuAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: CPUUtilization
                      Namespace: AWS/EC2
                      Statistic: Average
                      Period: 300
                      EvaluationPeriods: 2
                      Threshold: 80
                      ComparisonOperator: GreaterThanThreshold
                      AlarmActions: [arn:aws:sns:eu-west-1:111122223333:ops-alerts]
                      ActionsEnabled: !Ref Notify
                """,
                address="CpuAlarm",
                line=17,
            ),
        ],
    ),
)
def alarm_without_action(ctx: Context) -> Iterator[Report]:
    """CloudWatch alarm notifies nobody.

    What it checks:
        `aws_cloudwatch_metric_alarm` / `AWS::CloudWatch::Alarm` must have
        `alarm_actions` / `AlarmActions` and must not set `actions_enabled` /
        `ActionsEnabled` to false (default true). OK and insufficient-data
        actions alone do not count. Alarms whose state another resource
        watches are exempt: inputs of a composite alarm (by reference or by
        name in its rule), alarms a deployment group, health check or service
        refers to.
    Why it matters for SOC 2:
        Monitoring only works if someone is told (checklist C, CC7.3): an alarm
        without an action changes colour on a dashboard nobody is looking at.
    How to fix:
        Terraform `alarm_actions = [aws_sns_topic.alerts.arn]`; CloudFormation
        `AlarmActions: [!Ref AlertsTopic]`.
    References:
        - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
        - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Acting_Alarm_Changes.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudwatch_metric_alarm
    """
    composite_text = _composite_rule_text(ctx)
    for alarm in ctx.graph.nodes("AWS::CloudWatch::Alarm"):
        notifies = alarm_notifies(alarm)
        if notifies is True or _alarm_consumed(ctx, alarm, composite_text):
            continue
        enabled = alarm.attr(tf="actions_enabled", cfn="ActionsEnabled")
        actions = alarm.attr(tf="alarm_actions", cfn="AlarmActions")
        if notifies is None:
            yield from ctx.unresolved(alarm, actions if actions.unknown else enabled)
            continue
        if bool_with_default(enabled, True) is False:
            name = spelled(alarm, "actions_enabled", "ActionsEnabled")
            yield ctx.finding(
                alarm,
                enabled,
                f"{alarm.address}: alarm actions are disabled (`{name}` is "
                f"{describe_value(enabled.value)})",
            )
            continue
        name = spelled(alarm, "alarm_actions", "AlarmActions")
        value = "not set" if actions.missing else "empty"
        yield ctx.finding(
            alarm, actions, f"{alarm.address}: the alarm notifies nobody (`{name}` is {value})"
        )


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
    terraform=Examples(
        good=[
            good(
                """
                resource "aws_cloudwatch_log_group" "trail" {
                  name = "cloudtrail"
                }

                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  is_multi_region_trail      = true
                  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
                }

                locals {
                  cis = {
                    ConsoleSignInFailures = "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \\"Failed authentication\\") }"
                    IAMPolicyChanges      = "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=PutRolePolicy)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)}"
                    RootAccountUsage      = "{ $.userIdentity.type = \\"Root\\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \\"AwsServiceEvent\\" }"
                    UnauthorizedAPICalls  = "{ ($.errorCode = \\"*UnauthorizedOperation\\") || ($.errorCode = \\"AccessDenied*\\") }"
                  }
                }

                resource "aws_cloudwatch_log_metric_filter" "cis" {
                  for_each       = local.cis
                  name           = each.key
                  pattern        = each.value
                  log_group_name = aws_cloudwatch_log_group.trail.name

                  metric_transformation {
                    name      = each.key
                    namespace = "CISBenchmark"
                    value     = "1"
                  }
                }

                resource "aws_cloudwatch_metric_alarm" "cis" {
                  for_each            = local.cis
                  alarm_name          = each.key
                  metric_name         = aws_cloudwatch_log_metric_filter.cis[each.key].metric_transformation[0].name
                  namespace           = "CISBenchmark"
                  statistic           = "Sum"
                  period              = 300
                  evaluation_periods  = 1
                  threshold           = 1
                  comparison_operator = "GreaterThanOrEqualToThreshold"
                  alarm_actions       = ["arn:aws:sns:eu-west-1:111122223333:security-alerts"]
                }
                """
            ),
            good(
                """
                variable "trail_log_group_arn" {
                  type = string
                }

                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  is_multi_region_trail      = true
                  cloud_watch_logs_group_arn = var.trail_log_group_arn
                }
                """,
                note="the trail's log group is unknown: no finding",
            ),
        ],
        bad=[
            bad(
                """
                resource "aws_cloudwatch_log_group" "trail" {
                  name = "cloudtrail"
                }

                resource "aws_cloudtrail" "main" {
                  name                       = "org-trail"
                  s3_bucket_name             = "acme-cloudtrail"
                  is_multi_region_trail      = true
                  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
                }

                resource "aws_cloudwatch_log_metric_filter" "root" {
                  name           = "RootAccountUsage"
                  pattern        = "{ $.userIdentity.type = \\"Root\\" && $.userIdentity.invokedBy NOT EXISTS }"
                  log_group_name = aws_cloudwatch_log_group.trail.name

                  metric_transformation {
                    name      = "RootAccountUsage"
                    namespace = "CISBenchmark"
                    value     = "1"
                  }
                }

                resource "aws_cloudwatch_metric_alarm" "root" {
                  alarm_name          = "root-account-usage"
                  metric_name         = "RootAccountUsage"
                  namespace           = "CISBenchmark"
                  statistic           = "Sum"
                  period              = 300
                  evaluation_periods  = 1
                  threshold           = 1
                  comparison_operator = "GreaterThanOrEqualToThreshold"
                  alarm_actions       = ["arn:aws:sns:eu-west-1:111122223333:security-alerts"]
                }
                """,
                address=".",
                line=5,
                note="only root use is watched",
            ),
            bad(
                """
                resource "aws_cloudtrail" "main" {
                  name                  = "org-trail"
                  s3_bucket_name        = "acme-cloudtrail"
                  is_multi_region_trail = true
                }
                """,
                address=".",
                line=1,
                note="the trail does not deliver to CloudWatch Logs",
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
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      IsMultiRegionTrail: true
                      S3BucketName: acme-cloudtrail
                      CloudWatchLogsLogGroupArn: !GetAtt TrailLogs.Arn
                  Alerts:
                    Type: AWS::SNS::Topic
                  ConsoleFailures:
                    Type: AWS::Logs::MetricFilter
                    Properties:
                      LogGroupName: !Ref TrailLogs
                      FilterPattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
                      MetricTransformations:
                        - {MetricName: ConsoleSignInFailures, MetricNamespace: CIS, MetricValue: "1"}
                  ConsoleFailuresAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: ConsoleSignInFailures
                      Namespace: CIS
                      Statistic: Sum
                      Period: 300
                      EvaluationPeriods: 1
                      Threshold: 3
                      ComparisonOperator: GreaterThanOrEqualToThreshold
                      AlarmActions: [!Ref Alerts]
                  PolicyChanges:
                    Type: AWS::Logs::MetricFilter
                    Properties:
                      LogGroupName: !Ref TrailLogs
                      FilterPattern: '{($.eventName=DeleteGroupPolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicyVersion)||($.eventName=AttachUserPolicy)}'
                      MetricTransformations:
                        - {MetricName: IAMPolicyChanges, MetricNamespace: CIS, MetricValue: "1"}
                  PolicyChangesAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: IAMPolicyChanges
                      Namespace: CIS
                      Statistic: Sum
                      Period: 300
                      EvaluationPeriods: 1
                      Threshold: 1
                      ComparisonOperator: GreaterThanOrEqualToThreshold
                      AlarmActions: [!Ref Alerts]
                  RootUse:
                    Type: AWS::Logs::MetricFilter
                    Properties:
                      LogGroupName: !Ref TrailLogs
                      FilterPattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
                      MetricTransformations:
                        - {MetricName: RootAccountUsage, MetricNamespace: CIS, MetricValue: "1"}
                  RootUseAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: RootAccountUsage
                      Namespace: CIS
                      Statistic: Sum
                      Period: 300
                      EvaluationPeriods: 1
                      Threshold: 1
                      ComparisonOperator: GreaterThanOrEqualToThreshold
                      AlarmActions: [!Ref Alerts]
                  Unauthorized:
                    Type: AWS::Logs::MetricFilter
                    Properties:
                      LogGroupName: !Ref TrailLogs
                      FilterPattern: '{ ($.errorCode = "UnauthorizedOperation") || ($.errorCode = "AccessDenied") }'
                      MetricTransformations:
                        - {MetricName: UnauthorizedAPICalls, MetricNamespace: CIS, MetricValue: "1"}
                  UnauthorizedAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: UnauthorizedAPICalls
                      Namespace: CIS
                      Statistic: Sum
                      Period: 300
                      EvaluationPeriods: 1
                      Threshold: 1
                      ComparisonOperator: GreaterThanOrEqualToThreshold
                      AlarmActions: [!Ref Alerts]
                """
            ),
            good(
                """
                Resources:
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      IsMultiRegionTrail: true
                      S3BucketName: acme-cloudtrail
                      CloudWatchLogsLogGroupArn: !ImportValue audit-log-group-arn
                """
            ),
        ],
        bad=[
            bad(
                """
                Resources:
                  TrailLogs:
                    Type: AWS::Logs::LogGroup
                  Trail:
                    Type: AWS::CloudTrail::Trail
                    Properties:
                      IsLogging: true
                      IsMultiRegionTrail: true
                      S3BucketName: acme-cloudtrail
                      CloudWatchLogsLogGroupArn: !GetAtt TrailLogs.Arn
                  Unauthorized:
                    Type: AWS::Logs::MetricFilter
                    Properties:
                      LogGroupName: !Ref TrailLogs
                      FilterPattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
                      MetricTransformations:
                        - {MetricName: UnauthorizedAPICalls, MetricNamespace: CIS, MetricValue: "1"}
                  UnauthorizedAlarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      MetricName: UnauthorizedAPICalls
                      Namespace: CIS
                      Statistic: Sum
                      Period: 300
                      EvaluationPeriods: 1
                      Threshold: 1
                      ComparisonOperator: GreaterThanOrEqualToThreshold
                """,
                address=".",
                line=4,
                note="the filter's alarm has no action; nothing else is watched",
            ),
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
                note="no trail and no metric filter at all",
            ),
        ],
    ),
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
        that are certainly missing.
    Why it matters for SOC 2:
        Checklist C asks for alerts on security-relevant activity: failed
        sign-ins, permission changes, root use and denied calls are the
        earliest signs of an attack or a mistake (CC7.2, CC7.3).
    How to fix:
        Deliver the trail to a log group (LOG006), then add a metric filter per
        class with the CIS pattern and an alarm with `alarm_actions` /
        `AlarmActions` on each metric (terraform-aws-modules/cloudwatch's
        `cis-alarms` module does all four).
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
            else:
                classes = classify_pattern(pattern.value)
                certain = True
            if not classes:
                continue
            watched = _alarm_watches(filter_metrics(f), alarms)
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
        yield from _account_unknown(ctx, "security alarms inside a module that was not loaded")
        return
    if infos and not streaming:
        first = infos[0].trail
        yield ctx.config_finding(
            "no alarm can watch CloudTrail events: no trail delivers to CloudWatch Logs "
            f"(missing alarms for {join_names(missing)})",
            scope=first.scope,
            range=_first_line(first),
            related=[RelatedRef(i.trail, i.log_group_attr.path, "trail") for i in infos],
        )
        return
    related = [RelatedRef(n, (), "CloudTrail log group") for i in streaming for n in i.log_groups]
    scope: str | None
    rng: Range | None
    if streaming:
        scope, rng = streaming[0].trail.scope, _first_line(streaming[0].trail)
    else:
        scope, rng = control_location(ctx, ("alarm", "cis", "monitoring", "cloudwatch"))
    where = "on the CloudTrail log group" if streaming else "on any log group (no trail here)"
    yield ctx.config_finding(
        f"no metric filter with an alarm that notifies {where} for {join_names(missing)}",
        scope=scope,
        range=rng,
        related=related,
    )


def _alarm_watches(
    metrics: list[MetricRef], alarms: list[tuple[Node, bool | None, list[MetricRef]]]
) -> bool | None:
    """Some alarm with an action watches one of ``metrics`` (None: cannot tell)."""
    result: bool | None = False
    for alarm, notifies, watched in alarms:
        if notifies is False:
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


RULES: tuple[Rule, ...] = (
    cloudtrail_multi_region,
    cloudtrail_log_validation,
    cloudtrail_kms,
    cloudtrail_bucket_versioned,
    cloudtrail_bucket_locked,
    cloudtrail_to_cloudwatch,
    cloudtrail_present,
    vpc_flow_logs,
    log_retention_minimum,
    lb_access_logs,
    s3_access_logging,
    rds_log_exports,
    eks_control_plane_logs,
    apigw_access_logs,
    apigw_data_trace,
    cloudfront_logging,
    guardduty_enabled,
    securityhub_enabled,
    access_analyzer_enabled,
    alarm_without_action,
    security_alarms,
)
