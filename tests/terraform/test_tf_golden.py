"""Golden files: the evaluated graph of the realistic fixtures.

Rewrite them with ``SOC2LINT_UPDATE_GOLDEN=1 pytest tests/terraform`` after a
deliberate change, and review the diff; never edit them by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from golden_files import check_json

from soc2lint.discover import discover
from soc2lint.frontend import LoadOptions, LoadResult
from soc2lint.graphdump import dump_graph
from soc2lint.model import Unknown
from soc2lint.terraform import load_terraform

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _load(root: Path) -> LoadResult:
    inv = discover([root], root=root, base=root)
    return load_terraform(inv.terraform_dirs, inv.plan_files, LoadOptions(root=root, base=root))


def _dump(result: LoadResult) -> dict[str, Any]:
    out = dump_graph(result.nodes, result.edges, with_locations=True)
    out["diagnostics"] = [
        {"rule": d.rule_id, "at": str(d.range), "address": d.address, "message": d.message}
        for d in result.diagnostics
    ]
    out["files"] = result.files
    return out


@pytest.mark.parametrize("name", ["project", "plan"])
def test_graph_matches_golden(name: str) -> None:
    got = _dump(_load(FIXTURES / name))
    path = GOLDEN / f"{name}.json"
    check_json(path, got, indent=1)


def test_project_fixture_essentials() -> None:
    """A few facts the golden file holds, spelled out so a regression reads clearly."""
    result = _load(FIXTURES / "project")
    assert result.diagnostics == []
    nodes = {n.address: n for n in result.nodes}
    sse = nodes["aws_s3_bucket_server_side_encryption_configuration.data[0]"]
    assert sse.attrs["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == (
        "aws:kms"
    )
    app_sg = nodes["module.network.aws_security_group.app"]
    assert [r["from_port"] for r in app_sg.attrs["ingress"]] == [22, 443]
    assert app_sg.attrs["ingress"][0]["cidr_blocks"] == ["203.0.113.0/24"]
    orders = nodes['module.db["orders"].aws_db_instance.this']
    assert orders.attrs["multi_az"] is True
    assert orders.attrs["instance_class"] == "db.t3.medium"
    assert orders.attrs["port"] == 5432
    assert orders.attrs["password"].secret is True
    reporting = nodes['module.db["reporting"].aws_db_instance.this']
    assert reporting.attrs["allocated_storage"] == 100
    replica = nodes["aws_db_instance.reporting_replica"]
    assert replica.attrs["password"] == "ChangeMe123!"
    assert replica.origins[("password",)].address == "var.legacy_db_password"
    ci = nodes["data.aws_iam_policy_document.ci"]
    assert json.loads(ci.attrs["json"])["Statement"][0]["Action"] == [
        "iam:PassRole",
        "ecs:UpdateService",
        "ecs:DescribeServices",
    ]
    # the source document is not fully known (the bucket ARN), its statements still merge
    bucket_doc = nodes["data.aws_iam_policy_document.data_bucket"]
    assert isinstance(bucket_doc.attrs["json"], Unknown)
    deny, allow = bucket_doc.attrs["document"]["Statement"]
    assert deny["Sid"] == "DenyInsecureTransport"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Principal"] == "*"
    assert isinstance(deny["Resource"][0], Unknown)
    assert allow["Sid"] == "AllowAnalyticsRead"
    backend = nodes["terraform.backend"]
    assert backend.attrs["encrypt"] is True
    assert backend.attrs["dynamodb_table"] == "acme-terraform-locks"
    assert nodes["aws_s3_bucket.data"].attrs["tags_all"] == {
        "Environment": "prod",
        "ManagedBy": "terraform",
        "CostCenter": "platform",
        "Project": "platform",
        "Owner": "sre@acme.example",
    }
    assert "tags_all" not in nodes["aws_kms_key.replica"].attrs
    assert nodes["aws_kms_key.replica"].meta["provider"] == "provider.aws.replica"
