"""A jsonencode(...) with unknown parts keeps what is known (PartialValue) for policy rules."""

from __future__ import annotations

from pathlib import Path

from tfload import load, node

from soc2lint.model import PartialValue, Unknown


def test_partly_known_jsonencode_keeps_its_structure(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        {
            "main.tf": """
resource "aws_s3_bucket" "site" {
  bucket = "acme-site"
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.site.arn}/*"
    }]
  })
}

resource "aws_sqs_queue" "q" {
  name   = "q"
  policy = jsonencode({ Statement = [] })
}
"""
        },
    )
    policy = node(result, "aws_s3_bucket_policy.site").attrs["policy"]
    assert isinstance(policy, PartialValue) and isinstance(policy, Unknown)
    assert "aws_s3_bucket.site" in policy.refs
    (stmt,) = policy.value["Statement"]
    assert stmt["Principal"] == "*" and stmt["Action"] == "s3:GetObject"
    assert isinstance(stmt["Resource"], Unknown) and not isinstance(stmt["Resource"], PartialValue)
    # fully known: still the JSON string the provider sends
    assert node(result, "aws_sqs_queue.q").attrs["policy"] == '{"Statement":[]}'
