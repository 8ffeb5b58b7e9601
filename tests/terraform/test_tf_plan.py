"""Plan JSON (`terraform show -json`): values, unknowns, references, locations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tfload import by_address, diags, edge_set, load

from soc2lint.frontend import LoadOptions, LoadResult
from soc2lint.model import Range, Unknown
from soc2lint.terraform import load_terraform

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "terraform"


def _load(plan: str) -> LoadResult:
    options = LoadOptions(root=FIXTURES, base=FIXTURES)
    return load_terraform([], [FIXTURES / plan], options)


def test_plan_values_unknowns_and_references() -> None:
    result = _load("plan/tfplan.json")
    assert not result.diagnostics
    nodes = by_address(result)
    assert {n.scope for n in nodes.values()} == {"plan/tfplan.json"}
    bucket = nodes["aws_s3_bucket.logs"]
    assert bucket.kind == "AWS::S3::Bucket"
    assert bucket.attrs["bucket"] == "acme-prod-logs"
    assert bucket.attrs["force_destroy"] is False
    assert bucket.attrs["arn"] == Unknown("aws_s3_bucket.logs.arn", ("aws_s3_bucket.logs",))
    assert bucket.meta["provider"] == "provider.aws"
    versioning = nodes["aws_s3_bucket_versioning.logs"]
    assert versioning.attrs["bucket"] == Unknown(
        "aws_s3_bucket_versioning.logs.bucket", ("aws_s3_bucket_versioning.logs",)
    )
    assert versioning.attrs["versioning_configuration"] == [
        {"mfa_delete": None, "status": "Enabled"}
    ]
    db = nodes["module.db[0].aws_db_instance.this"]
    assert db.kind == "AWS::RDS::DBInstance"
    assert db.attrs["storage_encrypted"] is True
    assert isinstance(db.attrs["kms_key_id"], Unknown)
    assert db.meta["module_path"] == "module.db[0]"
    assert db.meta["module_calls"] == ["module.db[0]"]
    call = nodes["module.db[0]"]
    assert call.kind == "module"
    assert call.attrs == {"source": "./modules/db", "name": "orders"}
    assert call.meta["index"] == 0
    assert nodes["var.env"].attrs == {"default": "prod", "value": "prod"}
    assert nodes["provider.aws"].attrs == {"region": "eu-west-1"}
    assert edge_set(result, "aws_s3_bucket_versioning.logs") == {
        ("bucket", "aws_s3_bucket.logs", "id")
    }
    assert edge_set(result, "module.db[0].aws_db_instance.this") == {
        ("kms_key_id", "module.db[0].aws_kms_key.this", "arn")
    }
    assert edge_set(result, "module.db[0]", "contains") == {
        ("", "module.db[0].aws_db_instance.this", None),
        ("", "module.db[0].aws_kms_key.this", None),
    }


def test_plan_locations_point_into_the_tf_files_next_to_it() -> None:
    result = _load("plan/tfplan.json")
    nodes = by_address(result)
    versioning = nodes["aws_s3_bucket_versioning.logs"]
    assert versioning.range == Range("plan/main.tf", 14, 1, 20, 2)
    assert versioning.locations[("versioning_configuration", 0, "status")] == Range(
        "plan/main.tf", 18, 5, 18, 23
    )
    db = nodes["module.db[0].aws_db_instance.this"]
    assert db.range == Range("plan/modules/db/main.tf", 10, 1, 18, 2)
    assert db.locations[("storage_encrypted",)] == Range("plan/modules/db/main.tf", 15, 3, 15, 29)
    assert nodes["module.db[0]"].locations[("@count",)] == Range("plan/main.tf", 24, 3, 24, 13)
    assert "plan/modules/db/main.tf" in result.files


def test_plan_without_configuration_points_at_its_entries() -> None:
    result = _load("plan-only/plan.json")
    nodes = by_address(result)
    text = (FIXTURES / "plan-only" / "plan.json").read_text().splitlines()
    bucket = nodes["aws_s3_bucket.logs"]
    assert bucket.range.file == "plan-only/plan.json"
    assert '"address": "aws_s3_bucket.logs"' in text[bucket.range.start_line - 1]
    db = nodes["module.db[0].aws_db_instance.this"]
    assert '"address": "module.db[0].aws_db_instance.this"' in text[db.range.start_line - 1]
    assert bucket.locations == {}


def test_bad_plan_files_are_diagnostics(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "plan-only" / "plan.json", tmp_path / "good.json")
    result = load(
        tmp_path,
        {
            "broken.json": '{\n  "format_version": "1.2",\n  "planned_values": {\n',
            "notaplan.json": json.dumps({"terraform_version": "1.9.5", "format_version": "1.2"}),
        },
        dirs=[],
        plans=["broken.json", "notaplan.json", "good.json"],
    )
    found = sorted((d.rule_id, d.range.file, d.range.start_line) for d in diags(result))
    assert found == [("SYS001", "broken.json", 4), ("SYS001", "notaplan.json", 1)]
    assert "aws_s3_bucket.logs" in by_address(result, "good.json")
