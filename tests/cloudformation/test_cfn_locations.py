"""Where things are: node ranges, attribute locations (1-based, end exclusive)."""

from __future__ import annotations

import json
from pathlib import Path

from cfn_testlib import load_text, loc, node

YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Condition: IsProd
    Metadata:
      soc2lint:
        ignore: [{id: ENC003, reason: public assets, expires: 2027-03-31}]
    Properties:
      BucketName: !Sub "${Env}-assets"
      ObjectLockEnabled: true
      Count: 12   # trailing comment
      Tags:
        - Key: a
          Value: b
        - {Key: c, Value: 7}
      Notes: |
        line one
        line two
      Choice: !If
        - IsProd
        - Nested:
            Deep: 1
        - Other: 2

  # a comment between resources belongs to neither

  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Bucket
"""


def test_node_range_runs_from_the_logical_id_to_the_end_of_its_mapping(tmp_path: Path) -> None:
    result = load_text(tmp_path, YAML)
    r = node(result, "Bucket").range
    assert (r.file, r.start_line, r.start_col, r.end_line, r.end_col) == (
        "template.yaml",
        7,
        3,
        29,
        19,
    )
    q = node(result, "Queue").range
    assert (q.start_line, q.start_col, q.end_line, q.end_col) == (33, 3, 35, 22)
    template = node(result, "template.yaml").range
    assert (template.start_line, template.end_line) == (1, 35)


def test_attribute_locations_from_key_through_value(tmp_path: Path) -> None:
    result = load_text(tmp_path, YAML)
    assert loc(result, "Bucket", ("BucketName",)) == (15, 7, 15, 39)
    assert loc(result, "Bucket", ("ObjectLockEnabled",)) == (16, 7, 16, 30)
    assert loc(result, "Bucket", ("Count",)) == (17, 7, 17, 16)  # comment excluded
    assert loc(result, "Bucket", ("Tags",)) == (18, 7, 21, 29)
    assert loc(result, "Bucket", ("Tags", 0)) == (19, 11, 20, 19)
    assert loc(result, "Bucket", ("Tags", 0, "Value")) == (20, 11, 20, 19)
    assert loc(result, "Bucket", ("Tags", 1)) == (21, 11, 21, 29)
    assert loc(result, "Bucket", ("Tags", 1, "Value")) == (21, 20, 21, 28)
    assert loc(result, "Bucket", ("Notes",)) == (22, 7, 24, 17)


def test_if_branch_locations_come_from_the_chosen_branch(tmp_path: Path) -> None:
    result = load_text(tmp_path, YAML)
    bucket = node(result, "Bucket")
    assert bucket.attrs["Choice"] == {"Nested": {"Deep": 1}}
    assert loc(result, "Bucket", ("Choice",)) == (25, 7, 29, 19)
    assert loc(result, "Bucket", ("Choice", "Nested")) == (27, 11, 28, 20)
    assert loc(result, "Bucket", ("Choice", "Nested", "Deep")) == (28, 13, 28, 20)


def test_resource_attribute_locations(tmp_path: Path) -> None:
    result = load_text(tmp_path, YAML)
    assert loc(result, "Bucket", ("@Type",)) == (8, 5, 8, 26)
    assert loc(result, "Bucket", ("@DeletionPolicy",)) == (9, 5, 9, 27)
    assert loc(result, "Bucket", ("@Condition",)) == (10, 5, 10, 22)
    assert loc(result, "Bucket", ("@Metadata",)) == (11, 5, 13, 75)
    assert loc(result, "Bucket", ("@Properties",))[0] == 14
    assert loc(result, "Queue", ("@DependsOn",)) == (35, 5, 35, 22)
    meta = node(result, "Bucket").meta["metadata"]
    # an unquoted YAML 1.1 date is the string it was written as
    assert meta["soc2lint"]["ignore"][0]["expires"] == "2027-03-31"


def test_json_locations(tmp_path: Path) -> None:
    doc = {
        "Resources": {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"EnableKeyRotation": False, "PendingWindowInDays": 7},
            }
        }
    }
    result = load_text(tmp_path, {"t.json": json.dumps(doc, indent=2)})
    # line 3 is `    "Key": {`
    r = node(result, "Key").range
    assert (r.start_line, r.start_col, r.end_line, r.end_col) == (3, 5, 9, 6)
    assert loc(result, "Key", ("EnableKeyRotation",)) == (6, 9, 6, 35)
    assert loc(result, "Key", ("PendingWindowInDays",)) == (7, 9, 7, 33)
    assert loc(result, "Key", ("@Type",)) == (4, 7, 4, 30)
