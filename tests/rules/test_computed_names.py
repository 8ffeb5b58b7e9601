"""Names computed from the same unknowns name the same thing (issue 27).

RULES.md: graph rules follow references "by literal name or ARN where the two
sides match".  A trail and its bucket named with the same computed string
(`!Sub ${AWS::AccountId}-trail-logs` in both, `"${local.prefix}-trail"` in
both) match; names built from different unknowns (another parameter, another
module's data source, a for_each key that is not known) never do.
"""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files


def _found(tmp_path: Path, files: dict[str, str], *rules: str) -> set[tuple[str, str, int]]:
    write_files(tmp_path, files)
    result = scan([tmp_path], base=tmp_path, config=Config(select=rules))
    return {(f.rule_id, f.address, f.range.start_line) for f in result.findings}


ORG_TRAIL_CFN = """\
Parameters:
  OrgPrefix:
    Type: String
  AuditPrefix:
    Type: String
Resources:
  TrailBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::AccountId}-trail-logs"
  TrailBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref TrailBucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: cloudtrail.amazonaws.com}
            Action: s3:PutObject
            Resource: !Sub "arn:${AWS::Partition}:s3:::${AWS::AccountId}-trail-logs/AWSLogs/*"
  OrgTrail:
    Type: AWS::CloudTrail::Trail
    DependsOn: TrailBucketPolicy
    Properties:
      IsLogging: true
      IsOrganizationTrail: true
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      S3BucketName: !Sub "${AWS::AccountId}-trail-logs"
  ArchiveBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Join ["-", [!Ref OrgPrefix, "audit-archive"]]
      VersioningConfiguration:
        Status: Enabled
  ArchiveTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      S3BucketName: !Sub "${OrgPrefix}-audit-archive"
  SandboxTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      S3BucketName: !Sub "${AuditPrefix}-audit-archive"
"""


def test_cfn_trail_finds_its_bucket_through_an_equal_computed_name(tmp_path: Path) -> None:
    got = _found(tmp_path, {"org-trail.yaml": ORG_TRAIL_CFN}, "LOG004", "LOG005")
    # !Sub in the trail and in the bucket, the same pseudo parameter: the trail's bucket
    assert ("LOG004", "TrailBucket", 7) in got
    assert ("LOG005", "TrailBucket", 7) in got
    # !Join and !Sub of the same parameter name the same bucket: versioned, not locked
    assert ("LOG004", "ArchiveBucket", 30) not in got
    assert ("LOG005", "ArchiveBucket", 30) in got
    # another parameter is another name: SandboxTrail's bucket is not ArchiveBucket
    assert {a for _, a, _ in got} == {"TrailBucket", "ArchiveBucket"}


ORG_TRAIL_TF = """\
variable "org" {
  type = string
}

variable "sandbox_org" {
  type = string
}

data "aws_caller_identity" "current" {}

locals {
  prefix = "${var.org}-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket" "trail" {
  bucket = "${local.prefix}-trail"
}

resource "aws_cloudtrail" "org" {
  name                       = "org"
  s3_bucket_name             = format("%s-trail", local.prefix)
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "sandbox" {
  name                       = "sandbox"
  s3_bucket_name             = "${var.sandbox_org}-${data.aws_caller_identity.current.account_id}-trail"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

module "team_a" {
  source = "./modules/team-logs"
}

module "team_b" {
  source = "./modules/team-logs"
}
"""

TEAM_LOGS_TF = """\
data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "logs" {
  bucket = "team-logs-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = "team-logs-${data.aws_caller_identity.current.account_id}"
  versioning_configuration {
    status = "Enabled"
  }
}
"""


def test_tf_trail_finds_its_bucket_through_an_equal_computed_name(tmp_path: Path) -> None:
    files = {"main.tf": ORG_TRAIL_TF, "modules/team-logs/main.tf": TEAM_LOGS_TF}
    got = _found(tmp_path, files, "LOG004", "LOG005", "BAK005")
    # the same local in the trail and the bucket: the trail's bucket is checked
    assert ("LOG004", "aws_s3_bucket.trail", 15) in got
    assert ("LOG005", "aws_s3_bucket.trail", 15) in got
    # each module's versioning names its own module's bucket, never the other's
    assert ("BAK005", "module.team_a.aws_s3_bucket.logs", 3) not in got
    assert ("BAK005", "module.team_b.aws_s3_bucket.logs", 3) not in got
    # another variable is another name: the sandbox trail's bucket is not declared here
    assert {a for _, a, _ in got} == {"aws_s3_bucket.trail"}


def test_values_that_differ_between_instances_never_match(tmp_path: Path) -> None:
    tf = """\
variable "teams" {
  type = set(string)
}

resource "aws_s3_bucket" "logs" {
  for_each = var.teams
  bucket   = "${each.key}-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  for_each = var.teams
  bucket   = "${each.key}-logs"
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "shared" {
  bucket = "shared-logs"
}
"""
    write_files(tmp_path, {"main.tf": tf})
    result = scan([tmp_path], base=tmp_path, config=Config(select=("BAK005",)))
    literal = [e for e in result.graph.all_edges() if e.kind == "literal"]
    # an unknown for_each key is a different value in each instance: no name to match
    assert literal == []
