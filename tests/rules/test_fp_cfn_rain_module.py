"""A bucket handed to a module that was not read may get its bucket policy there.

Found on aws-cloudformation-templates `RainModules/bucket.yml`: each bucket's
TLS-only policy is written by `Type: !Rain::Module bucket-policy.yaml`, given
the bucket's name.  soc2lint does not expand pre-processor modules, so the
policy is unknown and TLS007 must not fail; settings that CloudFormation keeps
on the bucket itself (LoggingConfiguration) are still judged.
"""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

TEMPLATE = """\
Parameters:
  AppName:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub ${AppName}-${AWS::Region}
      VersioningConfiguration:
        Status: Enabled
  BucketAccess:
    Type: !Rain::Module "bucket-policy.yaml"
    Properties:
      PolicyBucketName: !Sub ${AppName}-${AWS::Region}
  Referenced:
    Type: AWS::S3::Bucket
  ReferencedAccess:
    Type: !Rain::Module "bucket-policy.yaml"
    Properties:
      PolicyBucketName: !Ref Referenced
  Other:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub ${AppName}-other
"""


def _found(
    tmp_path: Path, files: dict[str, str], select: tuple[str, ...]
) -> set[tuple[str, str, int]]:
    write_files(tmp_path, files)
    result = scan([tmp_path], base=tmp_path, config=Config(select=select))
    return {(f.rule_id, f.address, f.range.start_line) for f in result.findings}


def test_cfn_bucket_passed_to_a_rain_module_has_an_unknown_policy(tmp_path: Path) -> None:
    got = _found(tmp_path, {"bucket.yml": TEMPLATE}, ("TLS007", "LOG011", "BAK005"))
    assert ("TLS007", "Other", 21) in got
    assert not {g for g in got if g[0] == "TLS007" and g[1] in ("Bucket", "Referenced")}
    # only the policy is a separate resource in CloudFormation: logging is still judged
    assert ("LOG011", "Bucket", 5) in got
    assert ("BAK005", "Referenced", 15) in got
