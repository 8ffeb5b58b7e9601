"""A resource is configured elsewhere only when an unread module receives the resource itself.

A module that was not downloaded (no `terraform init`) may configure what it is
given: a bucket passed as `bucket = aws_s3_bucket.logs.id` may get its
versioning or logging there, so LOG004/LOG011 must not fail it.  A module that
only receives a string built from the bucket (an object ARN for an IAM policy,
a description) cannot, and the bucket's settings are still judged.
"""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

MAIN = """\
resource "aws_s3_bucket" "trail" {
  bucket = "acme-org-trail"
}

resource "aws_cloudtrail" "org" {
  name                       = "org"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-exports"
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "acme-uploads"
}

module "reader_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-policy"
  version = "5.39.0"

  # strings built from the buckets: the module writes an IAM policy, not the buckets
  object_arns = ["${aws_s3_bucket.trail.arn}/*", "arn:aws:s3:::acme-exports/*"]
  description = "read access to ${aws_s3_bucket.reports.id}"
}

module "uploads_bucket_settings" {
  source  = "cloudposse/s3-bucket-settings/aws"
  version = "1.0.0"

  bucket_ids = [aws_s3_bucket.uploads.id]
}

module "by_name" {
  source  = "cloudposse/s3-log-storage/aws"
  version = "1.0.0"

  bucket = "acme-exports"
}
"""


def test_only_modules_given_the_resource_itself_make_it_unknown(tmp_path: Path) -> None:
    write_files(tmp_path, {"main.tf": MAIN})
    result = scan([tmp_path], base=tmp_path, config=Config(select=("LOG004", "LOG011")))
    got = {(f.rule_id, f.address) for f in result.findings}
    # an ARN with a path or a description does not hand the bucket over
    assert ("LOG004", "aws_s3_bucket.trail") in got
    assert ("LOG011", "aws_s3_bucket.reports") in got
    # a reference to the bucket, alone or in a list, or its exact name, does
    assert ("LOG011", "aws_s3_bucket.uploads") not in got
    assert ("LOG011", "aws_s3_bucket.exports") not in got
