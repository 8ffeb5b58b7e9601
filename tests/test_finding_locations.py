"""Where a finding points (RULES.md, Conventions, "Location"), through the real parsers.

The attribute's line when it is written (also when a condition removes it);
the resource's first line when the attribute is missing altogether, even
inside a written block; the nearest written parent for a value that exists
but whose exact position is not recorded (inside a JSON string).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soc2lint.rule import Context, Report

from helpers import scan, write_files
from rulekit import make_rule, registry_with


def _at(path: str, cfn_path: str) -> object:
    def check(ctx: Context) -> Iterator[Report]:
        for node in ctx.graph.nodes("AWS::OpenSearchService::Domain"):
            chosen = path if node.language == "terraform" else cfn_path
            # as rules do: the concrete path of the attribute (block index included)
            yield ctx.finding(node, node.attr(chosen), f"{node.address}: {chosen}")

    return check


def _findings(tmp_path: Path, files: dict[str, str], path: str, cfn_path: str) -> list[int]:
    write_files(tmp_path, files)
    rule = make_rule("TST009", "test-location", _at(path, cfn_path))  # type: ignore[arg-type]
    result = scan([tmp_path], base=tmp_path, reg=registry_with(rule))
    return sorted(f.range.start_line for f in result.findings if f.rule_id == "TST009")


TF = """\
resource "aws_opensearch_domain" "d" {
  domain_name = "logs"

  encrypt_at_rest {
    kms_key_id = "alias/logs"
  }
  advanced_options = {
    "override_main_response_version" = "true"
  }
  access_policies = file("${path.module}/policy.json")
}
"""

POLICY = """{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*"}]}"""

CFN = """\
Parameters:
  Secure:
    Type: String
    Default: "no"
Conditions:
  IsSecure: !Equals [!Ref Secure, "yes"]
Resources:
  Domain:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions:
        KmsKeyId: alias/logs
      NodeToNodeEncryptionOptions: !If
        - IsSecure
        - Enabled: true
        - !Ref AWS::NoValue
"""


@pytest.mark.parametrize(
    ("tf_path", "cfn_path", "tf_line", "cfn_line"),
    [
        # written: its own line
        ("encrypt_at_rest.kms_key_id", "EncryptionAtRestOptions.KmsKeyId", 5, 12),
        # missing inside a written block: the resource's first line, not the block
        ("encrypt_at_rest.enabled", "EncryptionAtRestOptions.Enabled", 1, 8),
        # missing altogether: the resource's first line
        ("node_to_node_encryption.enabled", "DomainEndpointOptions.EnforceHTTPS", 1, 8),
        # written, removed by a condition (AWS::NoValue): where it is written
        ("domain_name", "NodeToNodeEncryptionOptions", 2, 13),
    ],
)
def test_finding_lines(
    tmp_path: Path, tf_path: str, cfn_path: str, tf_line: int, cfn_line: int
) -> None:
    assert _findings(tmp_path / "tf", {"main.tf": TF}, tf_path, cfn_path) == [tf_line]
    assert _findings(tmp_path / "cfn", {"t.yaml": CFN}, tf_path, cfn_path) == [cfn_line]


def test_a_value_inside_a_document_without_its_own_position_points_at_the_document(
    tmp_path: Path,
) -> None:
    lines = _findings(
        tmp_path,
        {"main.tf": TF, "policy.json": POLICY},
        "access_policies.Statement[0].Principal",
        "EncryptionAtRestOptions.KmsKeyId",
    )
    assert lines == [10]
