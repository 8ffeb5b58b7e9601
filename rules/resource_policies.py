"""Resource-policy rules across families (KEY002, NET011, TLS007): key and bucket policies.

They share the policy-document model with the IAM family (``soc2lint.views.policy``)
and read buckets through ``soc2lint.views.s3`` (settings wherever written).
"""

from __future__ import annotations

from collections.abc import Iterator

from soc2lint.graph import ResourceGraph
from soc2lint.model import Attr, Node, Path, Severity, Unknown
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views.policy import (
    PolicyDocument,
    Statement,
    denies_when_false,
    documents_of,
    principal_is_public,
)
from soc2lint.views.s3 import UNKNOWN_SETTING, bucket_views

from ._iam_helpers import (
    documents,
    holder_note,
    label,
    quoted,
    related_holder,
    unresolved_document,
)

KEY_HOLDERS = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "aws_kms_key_policy")
BUCKET = "AWS::S3::Bucket"
BUCKET_POLICY_HOLDERS = (BUCKET, "AWS::S3::BucketPolicy")
S3_ACL = "aws_s3_bucket_acl"

#: canned ACLs that open a bucket: Terraform spelling -> CloudFormation spelling
PUBLIC_ACLS = {
    "public-read": "PublicRead",
    "public-read-write": "PublicReadWrite",
    "authenticated-read": "AuthenticatedRead",
}
_PUBLIC_ACL_NAMES = {k.lower() for k in PUBLIC_ACLS} | {v.lower() for v in PUBLIC_ACLS.values()}


def _public_allows(
    ctx: Context, holder_kinds: tuple[str, ...]
) -> Iterator[tuple[PolicyDocument, Statement | None, bool]]:
    """(doc, statement, unresolved) for Allow statements to principal `*` without a condition."""
    seen: set[tuple[str, Path]] = set()
    for doc, judge in documents(ctx, "resource", holder_kinds):
        if not judge:
            yield doc, None, True
            continue
        for stmt in doc.statements:
            key = (stmt.node.id, stmt.path)
            if key in seen:
                continue
            if isinstance(stmt.effect, Unknown):
                seen.add(key)
                yield doc, stmt, True
                continue
            if not stmt.allows:
                continue
            public = principal_is_public(stmt.principals)
            cond = stmt.has_condition
            if public is None or (public and cond is None):
                seen.add(key)
                yield doc, stmt, True
                continue
            if public and not cond:
                seen.add(key)
                yield doc, stmt, False


def _actions_text(stmt: Statement) -> str:
    if isinstance(stmt.actions, tuple):
        return quoted(stmt.actions)
    if stmt.not_actions is not None:
        return "every action but NotAction"
    return "unknown actions"


# --------------------------------------------------------------------------
# KEY002
# --------------------------------------------------------------------------


@rule(
    id="KEY002",
    slug="kms-key-policy-public",
    severity=Severity.CRITICAL,
    tsc=("CC6.1",),
    checklist="B. Key Management",
    fix={
        "terraform": "Name the principals in the key policy (account root, roles) or add a "
        "`Condition` (`kms:CallerAccount`, `aws:PrincipalOrgID`, `kms:ViaService`).",
        "cloudformation": "Name the principals in `KeyPolicy` or add a `Condition` "
        "(`kms:CallerAccount`, `aws:PrincipalOrgID`, `kms:ViaService`).",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_kms_key" "shared" {
                  description = "shared"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [
                      {
                        Sid       = "Root"
                        Effect    = "Allow"
                        Principal = { AWS = "arn:aws:iam::123456789012:root" }
                        Action    = "kms:*"
                        Resource  = "*"
                      },
                      {
                        Sid       = "Everyone"
                        Effect    = "Allow"
                        Principal = "*"
                        Action    = ["kms:Decrypt", "kms:DescribeKey"]
                        Resource  = "*"
                      },
                    ]
                  })
                }
                """,
                address="aws_kms_key.shared",
                line=13,
            ),
            bad(
                """
                resource "aws_kms_key" "logs" {
                  description = "logs"
                }

                data "aws_iam_policy_document" "logs_key" {
                  statement {
                    actions   = ["kms:Encrypt", "kms:GenerateDataKey*"]
                    resources = ["*"]
                    principals {
                      type        = "AWS"
                      identifiers = ["*"]
                    }
                  }
                }

                resource "aws_kms_key_policy" "logs" {
                  key_id = aws_kms_key.logs.id
                  policy = data.aws_iam_policy_document.logs_key.json
                }
                """,
                address="data.aws_iam_policy_document.logs_key",
                line=6,
                note="named where the statement is written",
            ),
        ],
        good=[
            good(
                """
                resource "aws_kms_key" "shared" {
                  description = "shared"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Sid       = "Org"
                      Effect    = "Allow"
                      Principal = { AWS = "*" }
                      Action    = ["kms:Decrypt"]
                      Resource  = "*"
                      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
                    }]
                  })
                }
                """
            ),
            good(
                """
                resource "aws_kms_key" "app" {
                  description = "app"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Sid       = "Enable IAM User Permissions"
                      Effect    = "Allow"
                      Principal = { AWS = "arn:aws:iam::123456789012:root" }
                      Action    = "kms:*"
                      Resource  = "*"
                    }]
                  })
                }
                """,
                note="the account-root statement of the default key policy",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      KeyPolicy:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {AWS: "*"}
                            Action: kms:*
                            Resource: "*"
                """,
                address="Key",
                line=8,
            ),
            bad(
                """
                Parameters:
                  Consumer:
                    Type: String
                    Default: "*"
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      KeyPolicy:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
                            Action: kms:*
                            Resource: "*"
                          - Effect: Allow
                            Principal: {AWS: !Ref Consumer}
                            Action: kms:Decrypt
                            Resource: "*"
                """,
                address="Key",
                line=16,
                note="the principal is a parameter whose default is *",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      KeyPolicy:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
                            Action: kms:*
                            Resource: "*"
                """
            ),
            good(
                """
                Resources:
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      KeyPolicy:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: "*"
                            Action: [kms:Decrypt, kms:GenerateDataKey]
                            Resource: "*"
                            Condition:
                              StringEquals:
                                kms:CallerAccount: "123456789012"
                                kms:ViaService: s3.eu-west-1.amazonaws.com
                """
            ),
        ],
    ),
)
def kms_key_policy_public(ctx: Context) -> Iterator[Report]:
    """A KMS key policy allows anyone to use or manage the key.

    What it checks:
        Key policies (`aws_kms_key.policy`, `aws_kms_key_policy`,
        `aws_kms_replica_key`, `AWS::KMS::Key`/`AWS::KMS::ReplicaKey`
        `KeyPolicy`, including policies written in `data
        "aws_iam_policy_document"`) for an `Allow` statement whose principal is
        `*` or `{"AWS": "*"}` and which has no `Condition`. The account-root
        statement of the default key policy names the account and is never a
        finding; an unknown principal or condition is not a failure.
    Why it matters for SOC 2:
        Any AWS principal could use (or administer) the key, so whatever it
        encrypts is no longer protected (checklist B "Key Management",
        TSC CC6.1).
    How to fix:
        Terraform: name the principals (`identifiers`) or add a `condition`
        such as `kms:CallerAccount`, `aws:PrincipalOrgID` or `kms:ViaService`.
        CloudFormation: the same in `KeyPolicy`.
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
        - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
    """
    for doc, stmt, unresolved in _public_allows(ctx, KEY_HOLDERS):
        if stmt is None:
            yield from unresolved_document(ctx, doc)
            continue
        if unresolved:
            yield from ctx.unresolved(stmt.node, stmt.path, f"the principal of {label(stmt)}")
            continue
        key = doc.holder
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: key policy {label(stmt)} allows principal `*` "
            f"({_actions_text(stmt)}) with no condition{holder_note(doc, stmt)}",
            related=related_holder(doc, stmt) or ([] if key is stmt.node else [RelatedRef(key)]),
        )


# --------------------------------------------------------------------------
# NET011
# --------------------------------------------------------------------------


def _config_buckets(graph: ResourceGraph) -> dict[str, list[Node]]:
    """Bucket-configuration node id (ACL, policy...) -> the buckets it is linked to."""
    out: dict[str, list[Node]] = {}
    for v in bucket_views(graph):
        for configs in v.linked.values():
            for c in configs:
                out.setdefault(c.id, []).append(v.bucket)
    return out


def _bucket_of(ctx: Context, node: Node) -> list[Node]:
    """Buckets a bucket-configuration node (ACL, policy) is linked to."""
    index: dict[str, list[Node]] = ctx.graph.view("s3.config_buckets", _config_buckets)
    return index.get(node.id, [])


@rule(
    id="NET011",
    slug="s3-public-bucket",
    severity=Severity.CRITICAL,
    tsc=("CC6.6", "CC6.1"),
    checklist="G. Network Isolation",
    graph=True,
    fix={
        "terraform": "Set the ACL to `private` (or drop it: buckets own their objects by "
        'default) and remove the `Principal = "*"` statement or add a `Condition`; serve '
        "public content through CloudFront with origin access control.",
        "cloudformation": "Remove `AccessControl: PublicRead` (or use `Private`) and the "
        '`Principal: "*"` statement of the `AWS::S3::BucketPolicy`, or add a `Condition`.',
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "site" {
                  bucket = "acme-site"
                }

                resource "aws_s3_bucket_acl" "site" {
                  bucket = aws_s3_bucket.site.id
                  acl    = "public-read"
                }
                """,
                address="aws_s3_bucket_acl.site",
                line=7,
            ),
            bad(
                """
                resource "aws_s3_bucket" "site" {
                  bucket = "acme-site"
                }

                resource "aws_s3_bucket_acl" "site" {
                  bucket = aws_s3_bucket.site.id
                  access_control_policy {
                    grant {
                      grantee {
                        type = "Group"
                        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
                      }
                      permission = "READ"
                    }
                    owner {
                      id = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
                    }
                  }
                }
                """,
                address="aws_s3_bucket_acl.site",
                line=8,
                note="a grant to the AllUsers group is a public ACL too",
            ),
            bad(
                """
                resource "aws_s3_bucket" "assets" {
                  bucket = "acme-assets"
                }

                resource "aws_s3_bucket_policy" "assets" {
                  bucket = aws_s3_bucket.assets.id
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Sid       = "PublicRead"
                      Effect    = "Allow"
                      Principal = "*"
                      Action    = "s3:GetObject"
                      Resource  = "arn:aws:s3:::acme-assets/*"
                    }]
                  })
                }
                """,
                address="aws_s3_bucket_policy.assets",
                line=9,
            ),
            bad(
                """
                variable "acl" {
                  type    = string
                  default = "public-read-write"
                }

                resource "aws_s3_bucket" "uploads" {
                  bucket = "acme-uploads"
                  acl    = var.acl
                }
                """,
                address="aws_s3_bucket.uploads",
                line=8,
                note="the legacy inline acl, set through a variable's default",
            ),
        ],
        good=[
            good(
                """
                resource "aws_s3_bucket" "data" {
                  bucket = "acme-data"
                }

                resource "aws_s3_bucket_acl" "data" {
                  bucket = aws_s3_bucket.data.id
                  acl    = "private"
                }
                """
            ),
            good(
                """
                resource "aws_s3_bucket" "data" {
                  bucket = "acme-data"
                }

                data "aws_iam_policy_document" "data" {
                  statement {
                    actions   = ["s3:GetObject"]
                    resources = ["${aws_s3_bucket.data.arn}/*"]
                    principals {
                      type        = "*"
                      identifiers = ["*"]
                    }
                    condition {
                      test     = "StringEquals"
                      variable = "aws:SourceVpce"
                      values   = ["vpce-0a1b2c3d"]
                    }
                  }
                }

                resource "aws_s3_bucket_policy" "data" {
                  bucket = aws_s3_bucket.data.id
                  policy = data.aws_iam_policy_document.data.json
                }
                """,
                note="principal * limited by a condition",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Site:
                    Type: AWS::S3::Bucket
                    Properties:
                      AccessControl: PublicRead
                """,
                address="Site",
                line=5,
            ),
            bad(
                """
                Resources:
                  Assets:
                    Type: AWS::S3::Bucket
                  AssetsPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties:
                      Bucket: !Ref Assets
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: "*"
                            Action: s3:GetObject
                            Resource: !Sub "${Assets.Arn}/*"
                """,
                address="AssetsPolicy",
                line=11,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Data:
                    Type: AWS::S3::Bucket
                    Properties:
                      AccessControl: Private
                """
            ),
            good(
                """
                Resources:
                  Data:
                    Type: AWS::S3::Bucket
                  DataPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties:
                      Bucket: !Ref Data
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Deny
                            Principal: "*"
                            Action: s3:*
                            Resource: [!GetAtt Data.Arn, !Sub "${Data.Arn}/*"]
                            Condition:
                              Bool: {aws:SecureTransport: "false"}
                """
            ),
        ],
    ),
)
def s3_public_bucket(ctx: Context) -> Iterator[Report]:
    """An S3 bucket is public through its ACL or its bucket policy.

    What it checks:
        Canned ACLs that open a bucket (`public-read`, `public-read-write`,
        `authenticated-read`; CloudFormation `PublicRead`, `PublicReadWrite`,
        `AuthenticatedRead`) written inline (`acl`, `AccessControl`) or in an
        `aws_s3_bucket_acl`; ACL grants to the `AllUsers` or
        `AuthenticatedUsers` group (`access_control_policy` of an
        `aws_s3_bucket_acl`, inline `grant` of an `aws_s3_bucket`), reported at
        the grant; and bucket policies (inline `policy`,
        `aws_s3_bucket_policy`, `AWS::S3::BucketPolicy`, or the `data
        "aws_iam_policy_document"` they use) with an `Allow` statement to
        principal `*`/`{"AWS": "*"}` and no `Condition`. The finding names the
        resource holding the value (the ACL resource, the bucket policy, the
        data source, or the bucket for inline settings). As RULES.md says, the
        public access block is not consulted here (NET010 checks it).
    Why it matters for SOC 2:
        Anyone on the internet can read (or write) the bucket's objects:
        checklist G asks that data stores are not reachable from outside
        (TSC CC6.6, CC6.1).
    How to fix:
        Terraform: use `acl = "private"` or no ACL (object ownership
        "BucketOwnerEnforced" disables ACLs), and remove the public statement or
        restrict it with a `condition`; publish through CloudFront with origin
        access control. CloudFormation: the same with `AccessControl` and the
        `AWS::S3::BucketPolicy`.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_acl
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html
    """
    # ACLs: inline on buckets, and every aws_s3_bucket_acl (public whichever bucket it names)
    for bucket in ctx.graph.nodes(BUCKET):
        if bucket.may_not_exist:
            continue
        a = bucket.attr(tf="acl", cfn="AccessControl")
        yield from _check_acl(ctx, bucket, a.path, a.value, [])
        if bucket.language == "terraform":
            yield from _check_grants(ctx, bucket, bucket.attrs_at("grant[].uri"), [])
    for acl in ctx.graph.nodes(S3_ACL):
        if acl.may_not_exist:
            continue
        a = acl.attr("acl")
        related = [RelatedRef(b, (), "the bucket") for b in _bucket_of(ctx, acl)]
        yield from _check_acl(ctx, acl, a.path, a.value, related)
        uris = acl.attrs_at("access_control_policy[].grant[].grantee[].uri")
        yield from _check_grants(ctx, acl, uris, related)
    for doc, stmt, unresolved in _public_allows(ctx, BUCKET_POLICY_HOLDERS):
        if stmt is None:
            yield from unresolved_document(ctx, doc)
            continue
        if unresolved:
            yield from ctx.unresolved(stmt.node, stmt.path, f"the principal of {label(stmt)}")
            continue
        holder = doc.holder
        buckets = [holder] if holder.kind == BUCKET else _bucket_of(ctx, holder)
        related = related_holder(doc, stmt) + [
            RelatedRef(b, (), "the bucket") for b in buckets if b.id != stmt.node.id
        ]
        on = (
            f" on {', '.join(b.address for b in buckets)}"
            if buckets and holder.kind != BUCKET
            else ""
        )
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: bucket policy {label(stmt)} allows principal `*` "
            f"({_actions_text(stmt)}) with no condition{on}{holder_note(doc, stmt)}",
            related=related,
        )


#: the ACL grantee groups that make a bucket public (any AWS account for the second)
_PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/allusers": "everyone",
    "http://acs.amazonaws.com/groups/global/authenticatedusers": "any AWS account",
}


def _check_grants(
    ctx: Context, node: Node, uris: list[Attr], related: list[RelatedRef]
) -> Iterator[Report]:
    """ACL grants (inline `grant`, `access_control_policy`) to the AllUsers/AuthenticatedUsers groups."""
    for a in uris:
        if a.missing:
            continue
        if a.unknown:
            yield from ctx.unresolved(node, a)
            continue
        if not isinstance(a.value, str):
            continue
        who = _PUBLIC_GRANTEES.get(a.value.strip().lower().replace("https://", "http://"))
        if who is None:
            continue
        # the grant block: access_control_policy[i].grant[j], or the inline grant[i]
        grant = a.path[:4] if a.path[:1] == ("access_control_policy",) else a.path[:2]
        yield ctx.finding(
            node,
            grant,
            f"{node.address}: the bucket ACL grants {a.value.rsplit('/', 1)[-1]} "
            f"(access for {who})",
            related=related,
        )


def _check_acl(
    ctx: Context, node: Node, path: Path, value: object, related: list[RelatedRef]
) -> Iterator[Report]:
    if value is None or (isinstance(value, str) is False and not isinstance(value, Unknown)):
        return
    if isinstance(value, Unknown):
        yield from ctx.unresolved(node, path)
        return
    assert isinstance(value, str)
    if value.strip().lower() not in _PUBLIC_ACL_NAMES:
        return
    yield ctx.finding(
        node,
        path,
        f'{node.address}: the bucket ACL is "{value}", which grants access to '
        + ("any AWS account" if "authenticated" in value.lower() else "everyone"),
        related=related,
    )


# --------------------------------------------------------------------------
# TLS007
# --------------------------------------------------------------------------


@rule(
    id="TLS007",
    slug="s3-deny-insecure-transport",
    severity=Severity.MEDIUM,
    tsc=("CC6.7",),
    checklist="B. Data in Transit",
    graph=True,
    fix={
        "terraform": 'Add a bucket policy statement: `effect = "Deny"`, principals `*`, '
        "actions `s3:*`, resources the bucket and `bucket/*`, condition `Bool` "
        "`aws:SecureTransport` = `false`.",
        "cloudformation": "Add to the `AWS::S3::BucketPolicy` a `Deny` statement for principal "
        '`*`, `s3:*`, with `Condition: {Bool: {aws:SecureTransport: "false"}}`.',
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "reports" {
                  bucket = "acme-reports"
                }
                """,
                address="aws_s3_bucket.reports",
                line=1,
            ),
            bad(
                """
                resource "aws_s3_bucket" "exports" {
                  bucket = "acme-exports"
                }

                resource "aws_s3_bucket_policy" "exports" {
                  bucket = aws_s3_bucket.exports.id
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect    = "Allow"
                      Principal = { AWS = "arn:aws:iam::123456789012:role/exporter" }
                      Action    = "s3:PutObject"
                      Resource  = "arn:aws:s3:::acme-exports/*"
                      Condition = { Bool = { "aws:SecureTransport" = "true" } }
                    }]
                  })
                }
                """,
                address="aws_s3_bucket.exports",
                line=1,
                note="allowing HTTPS does not deny HTTP",
            ),
        ],
        good=[
            good(
                """
                resource "aws_s3_bucket" "reports" {
                  bucket = "acme-reports"
                }

                data "aws_iam_policy_document" "tls_only" {
                  statement {
                    sid     = "DenyInsecureTransport"
                    effect  = "Deny"
                    actions = ["s3:*"]
                    resources = [
                      aws_s3_bucket.reports.arn,
                      "${aws_s3_bucket.reports.arn}/*",
                    ]
                    principals {
                      type        = "*"
                      identifiers = ["*"]
                    }
                    condition {
                      test     = "Bool"
                      variable = "aws:SecureTransport"
                      values   = ["false"]
                    }
                  }
                }

                resource "aws_s3_bucket_policy" "reports" {
                  bucket = aws_s3_bucket.reports.id
                  policy = data.aws_iam_policy_document.tls_only.json
                }
                """
            ),
            good(
                """
                variable "bucket_policy" { type = string }

                resource "aws_s3_bucket" "reports" {
                  bucket = "acme-reports"
                }

                resource "aws_s3_bucket_policy" "reports" {
                  bucket = aws_s3_bucket.reports.id
                  policy = var.bucket_policy
                }
                """,
                note="the policy is unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Reports:
                    Type: AWS::S3::Bucket
                    Properties:
                      BucketName: acme-reports
                """,
                address="Reports",
                line=2,
            ),
            bad(
                """
                Resources:
                  Exports:
                    Type: AWS::S3::Bucket
                  ExportsPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties:
                      Bucket: !Ref Exports
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: logging.s3.amazonaws.com}
                            Action: s3:PutObject
                            Resource: !Sub "${Exports.Arn}/*"
                """,
                address="Exports",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Reports:
                    Type: AWS::S3::Bucket
                  ReportsPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties:
                      Bucket: !Ref Reports
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Sid: DenyInsecureTransport
                            Effect: Deny
                            Principal: "*"
                            Action: s3:*
                            Resource: [!GetAtt Reports.Arn, !Sub "${Reports.Arn}/*"]
                            Condition:
                              Bool: {aws:SecureTransport: false}
                """
            ),
            good(
                """
                Resources:
                  Reports:
                    Type: AWS::S3::Bucket
                  ReportsPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties:
                      Bucket: !Ref Reports
                      PolicyDocument: !ImportValue standard-bucket-policy
                """
            ),
        ],
    ),
)
def s3_deny_insecure_transport(ctx: Context) -> Iterator[Report]:
    """An S3 bucket accepts requests over plain HTTP.

    What it checks:
        Every bucket for a bucket policy (inline `policy`, `aws_s3_bucket_policy`,
        `AWS::S3::BucketPolicy`, matched by reference or by bucket name; the
        `data "aws_iam_policy_document"` it uses included) with a `Deny`
        statement conditioned on `aws:SecureTransport` being false (`Bool` or
        `BoolIfExists`). An `Allow` conditioned on `aws:SecureTransport = true`
        does not deny plain HTTP. A policy that cannot be resolved, or a
        bucket policy resource that cannot be attributed to a bucket, makes
        the answer unknown. The finding names the bucket.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" requires TLS for data in transit
        (TSC CC6.7); S3 accepts HTTP unless a bucket policy denies it.
    How to fix:
        Terraform: add a statement with `effect = "Deny"`, principals `*`,
        actions `s3:*`, resources the bucket ARN and `ARN/*`, and a `condition`
        `Bool` `aws:SecureTransport` = `false`, to the bucket's
        `aws_s3_bucket_policy`. CloudFormation: the same statement in the
        `AWS::S3::BucketPolicy`.
    References:
        - https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
        - https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucketpolicy.html
    """
    for view in bucket_views(ctx.graph):
        bucket = view.bucket
        if bucket.may_not_exist:
            continue
        settings = view.policies()
        if any(s.value is UNKNOWN_SETTING for s in settings):
            yield from ctx.unresolved(bucket, (), "the bucket policy (not attributable)")
            continue
        verdict: bool | None = False
        holders: list[Node] = []
        for setting in settings:
            node = setting.source.node
            holders.append(node)
            docs = [
                d
                for d in documents_of(ctx.graph, node)
                if d.purpose == "resource" and d.holder.id == node.id
            ]
            if not docs:
                verdict = None
            for doc in docs:
                if doc.unknown is not None:
                    verdict = None if verdict is not True else verdict
                    continue
                for stmt in doc.statements:
                    v = denies_when_false(stmt, "aws:SecureTransport")
                    if v is True:
                        verdict = True
                    elif v is None and verdict is False:
                        verdict = None
        if verdict is True:
            continue
        if verdict is None:
            yield from ctx.unresolved(bucket, (), "the bucket policy")
            continue
        if holders:
            names = ", ".join(dict.fromkeys(h.address for h in holders if h.id != bucket.id))
            where = f"its bucket policy ({names or 'inline'})"
            msg = f"{bucket.address}: {where} does not deny requests without TLS (aws:SecureTransport = false)"
        else:
            msg = (
                f"{bucket.address}: no bucket policy denies requests without TLS "
                "(aws:SecureTransport = false)"
            )
        yield ctx.finding(
            bucket,
            (),
            msg,
            related=[RelatedRef(h, (), "bucket policy") for h in holders if h.id != bucket.id],
        )


RULES: tuple[Rule, ...] = (kms_key_policy_public, s3_public_bucket, s3_deny_insecure_transport)
