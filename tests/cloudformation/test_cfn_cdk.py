"""CDK: a cdk.out directory scanned like any templates, construct paths kept."""

from __future__ import annotations

from cfn_testlib import FIXTURES, addresses, edges, load_paths, node

from soc2lint.model import Unknown

CDK_OUT = FIXTURES / "cdk-app" / "cdk.out"


def test_manifest_tree_and_assets_are_not_templates() -> None:
    # discovery hands over every JSON file of the directory
    result = load_paths(sorted(CDK_OUT.glob("*.json")), root=FIXTURES, base=FIXTURES)
    assert result.diagnostics == []
    assert sorted(result.files) == [
        "cdk-app/cdk.out/OrdersStack.template.json",
        "cdk-app/cdk.out/OrdersStackProcessor1A2B3C4D.nested.template.json",
    ]


def test_resources_by_logical_id_with_cdk_paths() -> None:
    result = load_paths(sorted(CDK_OUT.glob("*.json")), root=FIXTURES, base=FIXTURES)
    bucket = node(result, "Bucket83908E77")
    assert bucket.scope == "cdk-app/cdk.out/OrdersStack.template.json"
    assert bucket.range.file == "cdk-app/cdk.out/OrdersStack.template.json"
    assert bucket.range.start_line == 3
    assert bucket.meta["cdk_path"] == "OrdersStack/Bucket/Resource"
    assert bucket.meta["deletion_policy"] == "Retain"
    assert bucket.attrs["VersioningConfiguration"] == {"Status": "Enabled"}
    table = node(result, "OrdersTable8E1F9B2C")
    assert table.meta["deletion_policy"] == "Delete"
    assert table.meta["update_replace_policy"] == "Delete"
    # CDKMetadata's condition depends on the region: kept, unknown
    assert node(result, "CDKMetadata").meta["condition_value"] is None
    assert node(result, "BootstrapVersion").attrs["value"] == Unknown(
        "!Ref BootstrapVersion (SSM parameter /cdk-bootstrap/hnb659fds/version)",
        ("BootstrapVersion",),
    )


def test_nested_stack_template_named_by_the_asset_metadata_is_loaded_as_a_child() -> None:
    result = load_paths(sorted(CDK_OUT.glob("*.json")), root=FIXTURES, base=FIXTURES)
    stack = "ProcessorNestedStackProcessorNestedStackResource5A1B2C3D"
    fn = node(result, f"{stack}/ProcessorFunction7C8D9E0F")
    assert fn.scope == "cdk-app/cdk.out/OrdersStack.template.json"
    assert fn.range.file == "cdk-app/cdk.out/OrdersStackProcessor1A2B3C4D.nested.template.json"
    assert fn.meta["cdk_path"] == "OrdersStack/Processor/Function/Resource"
    # the parent passes the table's ARN: the child's references reach the table
    assert fn.attrs["Environment"]["Variables"]["TABLE_ARN"] == Unknown(
        "!GetAtt OrdersTable8E1F9B2C.Arn", ("OrdersTable8E1F9B2C",)
    )
    refs = edges(result, "ref")
    assert (
        f"{stack}/ProcessorFunction7C8D9E0F",
        "OrdersTable8E1F9B2C",
        "Environment.Variables.TABLE_ARN",
        "Arn",
    ) in refs
    assert ("BucketPolicyE9A3008A", "Bucket83908E77", "Bucket", None) in refs
    # not scanned a second time as a root of its own
    assert {n.scope for n in result.nodes} == {"cdk-app/cdk.out/OrdersStack.template.json"}
    assert f"{stack}/ProcessorFunctionServiceRole5F2A1B3C" in addresses(result, "resource")
