"""Nested stacks: local children loaded with their parameters, outputs flowing back, limits."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from cfn_testlib import FIXTURES, addresses, diags, edges, load_paths, load_text, node

from soc2lint.frontend import Limits
from soc2lint.memory import resident_bytes
from soc2lint.model import Origin, Range, Unknown

NESTED = FIXTURES / "nested"
NESTED_FILES = [
    NESTED / "parent.yaml",
    NESTED / "stacks" / "network.yaml",
    NESTED / "stacks" / "data.yaml",
    NESTED / "stacks" / "kms.yaml",
]


def test_children_are_addressed_under_their_stack_in_the_parent_scope() -> None:
    result = load_paths(NESTED_FILES, root=FIXTURES, base=FIXTURES)
    assert {n.scope for n in result.nodes} == {"nested/parent.yaml"}
    assert addresses(result, "resource") == {
        "Network",
        "Network/Vpc",
        "Network/SubnetA",
        "Network/SubnetB",
        "Network/FlowLog",
        "Data",
        "Data/Keys",
        "Data/Keys/Key",
        "Data/Keys/KeyAlias",
        "Data/DatabaseSecurityGroup",
        "Data/SubnetGroup",
        "Data/Database",
        "Monitoring",
        "AppSecurityGroup",
        "AppToDatabase",
    }
    key = node(result, "Data/Keys/Key")
    assert key.range.file == "nested/stacks/kms.yaml"
    assert key.meta["template"] == "nested/stacks/kms.yaml"
    assert key.meta["stack_path"] == ["Data", "Keys"]
    assert key.meta["module_calls"] == ["Data", "Data/Keys"]
    assert key.name == "Key"
    assert node(result, "Network/Vpc").meta["stack_path"] == ["Network"]
    assert "stack_path" not in node(result, "AppSecurityGroup").meta
    # every child file is read once, as part of the parent
    assert sorted(result.files) == [
        "nested/parent.yaml",
        "nested/stacks/data.yaml",
        "nested/stacks/kms.yaml",
        "nested/stacks/network.yaml",
    ]


def test_parameters_passed_by_the_parent() -> None:
    result = load_paths(NESTED_FILES, root=FIXTURES, base=FIXTURES)
    assert node(result, "Network/Vpc").attrs == {"CidrBlock": "10.40.0.0/16"}
    assert node(result, "Network/SubnetA").attrs["CidrBlock"] == "10.40.0.0/24"
    # Environment is passed as !Ref Environment (prod): the flow log exists
    assert node(result, "Network/FlowLog").meta["condition_value"] is True
    db = node(result, "Data/Database")
    assert db.attrs["MasterUserPassword"] == "parent-literal-password"
    # the password's origin is the parent's parameter default, named by its address
    assert db.origins[("MasterUserPassword",)] == Origin(
        "parameter DBPassword", Range("nested/parent.yaml", 11, 5, 11, 37), "DBPassword"
    )
    assert db.attrs["BackupRetentionPeriod"] == 7
    # a literal passed by the parent: the origin is the stack's Parameters entry
    alias = node(result, "Data/Keys/Alias")
    assert alias.attrs["value"] == "alias/data"
    assert alias.origins[("value",)] == Origin(
        "stack Data/Keys parameter Alias",
        Range("nested/stacks/data.yaml", 22, 9, 22, 26),
        "Data/Keys",
    )


def test_outputs_flow_back_to_the_parent() -> None:
    result = load_paths(NESTED_FILES, root=FIXTURES, base=FIXTURES)
    sg = node(result, "AppSecurityGroup")
    assert sg.attrs["VpcId"] == Unknown("!Ref Vpc", ("Network/Vpc",))
    subnets = node(result, "Data/SubnetGroup").attrs["SubnetIds"]
    assert subnets == Unknown(
        '!Join [",", [!GetAtt Network.Outputs.SubnetA, !GetAtt Network.Outputs.SubnetB]]',
        ("Network/SubnetA", "Network/SubnetB"),
    )
    assert node(result, "Data/Database").attrs["KmsKeyId"] == Unknown(
        "!GetAtt Key.Arn", ("Data/Keys/Key",)
    )
    assert node(result, "Outputs.LogRetention").attrs["Value"] == 7
    refs = edges(result, "ref")
    assert ("AppSecurityGroup", "Network", "VpcId", "Outputs.VpcId") in refs
    assert ("AppSecurityGroup", "Network/Vpc", "VpcId", None) in refs
    assert ("AppToDatabase", "Data/DatabaseSecurityGroup", "GroupId", "GroupId") in refs
    assert ("Data/Database", "Data/Keys/Key", "KmsKeyId", "Arn") in refs
    assert ("Data/SubnetGroup", "Network/SubnetA", "SubnetIds", None) in refs


def test_contains_edges_from_every_stack_above() -> None:
    result = load_paths(NESTED_FILES, root=FIXTURES, base=FIXTURES)
    contains = {(s, d) for s, d, _, _ in edges(result, "contains")}
    assert ("Data", "Data/Keys/Key") in contains
    assert ("Data/Keys", "Data/Keys/Key") in contains
    assert ("Data", "Data/Database") in contains
    assert ("Network", "Network/Outputs.VpcId") in contains
    assert ("Network", "Network/CidrBlock") in contains
    assert not any(s == "Network" and d.startswith("Data") for s, d in contains)
    children = {d for s, d in contains if s == "Data"}
    assert children == {a for a in addresses(result) if a.startswith("Data/")}


def test_remote_template_is_one_sys006() -> None:
    result = load_paths(NESTED_FILES, root=FIXTURES, base=FIXTURES)
    assert diags(result) == [("SYS006", "nested/parent.yaml", 34, 7, "Monitoring")]
    assert (
        "https://s3.amazonaws.com/acme-templates/monitoring.yaml" in result.diagnostics[0].message
    )


def test_a_child_passed_alone_is_its_own_root(tmp_path: Path) -> None:
    result = load_paths([NESTED / "stacks" / "kms.yaml"], root=FIXTURES, base=FIXTURES)
    assert {n.scope for n in result.nodes} == {"nested/stacks/kms.yaml"}
    assert addresses(result, "resource") == {"Key", "KeyAlias"}
    assert node(result, "Alias").attrs["value"] == Unknown("!Ref Alias", ("Alias",))


PARENT = """\
Parameters:
  Create:
    Type: String
    Default: "no"
Conditions:
  CreateIt: !Equals [!Ref Create, "yes"]
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Condition: CreateIt
    Properties:
      TemplateURL: child.yaml
"""
CHILD = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def test_child_of_a_stack_that_is_not_created_is_scanned_on_its_own(tmp_path: Path) -> None:
    result = load_text(tmp_path, {"parent.yaml": PARENT, "child.yaml": CHILD})
    assert {(n.scope, n.address) for n in result.nodes if n.category == "resource"} == {
        ("child.yaml", "Q")
    }
    result = load_text(
        tmp_path / "b", {"parent.yaml": PARENT, "child.yaml": CHILD}, params={"Create": "yes"}
    )
    assert {(n.scope, n.address) for n in result.nodes if n.category == "resource"} == {
        ("parent.yaml", "Child"),
        ("parent.yaml", "Child/Q"),
    }


def test_unknown_stack_condition_makes_children_conditional(tmp_path: Path) -> None:
    parent = PARENT.replace('    Default: "no"\n', "")
    result = load_text(tmp_path, {"parent.yaml": parent, "child.yaml": CHILD})
    assert node(result, "Child").meta["condition_value"] is None
    assert node(result, "Child/Q").meta["condition_value"] is None
    assert "condition" not in node(result, "Child/Q").meta


def stack(name: str, url: str) -> str:
    return (
        f"  {name}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        f"      TemplateURL: {url}\n"
    )


def test_nesting_cycle_is_sys007_and_the_scan_goes_on(tmp_path: Path) -> None:
    files = {
        "a.yaml": "Resources:\n" + stack("ToB", "b.yaml") + "  QA:\n    Type: AWS::SQS::Queue\n",
        "b.yaml": "Resources:\n" + stack("ToA", "a.yaml") + "  QB:\n    Type: AWS::SQS::Queue\n",
    }
    result = load_text(tmp_path, files)
    assert diags(result) == [("SYS007", "b.yaml", 5, 7, "ToB/ToA")]
    assert "cycle of templates: a.yaml -> b.yaml -> a.yaml" in result.diagnostics[0].message
    assert {(n.scope, n.address) for n in result.nodes if n.category == "resource"} == {
        ("a.yaml", "ToB"),
        ("a.yaml", "QA"),
        ("a.yaml", "ToB/ToA"),
        ("a.yaml", "ToB/QB"),
    }


def test_self_nesting_is_a_cycle(tmp_path: Path) -> None:
    result = load_text(tmp_path, {"self.yaml": "Resources:\n" + stack("Me", "./self.yaml")})
    assert diags(result) == [("SYS007", "self.yaml", 5, 7, "Me")]


def test_template_outside_the_root_is_sys007(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (tmp_path / "outside.yaml").write_text(CHILD)
    result = load_text(root, {"main.yaml": "Resources:\n" + stack("Out", "../outside.yaml")})
    assert diags(result) == [("SYS007", "main.yaml", 5, 7, "Out")]
    assert "outside the scanned root" in result.diagnostics[0].message
    assert addresses(result, "resource") == {"Out"}


def test_missing_child_is_sys007(tmp_path: Path) -> None:
    result = load_text(tmp_path, {"main.yaml": "Resources:\n" + stack("Gone", "nope/child.yaml")})
    assert diags(result) == [("SYS007", "main.yaml", 5, 7, "Gone")]
    assert "does not exist" in result.diagnostics[0].message


def test_depth_limit_is_sys007(tmp_path: Path) -> None:
    files = {f"t{i}.yaml": "Resources:\n" + stack(f"S{i}", f"t{i + 1}.yaml") for i in range(4)}
    files["t4.yaml"] = CHILD
    result = load_text(tmp_path, files, limits=Limits(max_module_depth=2))
    assert diags(result) == [("SYS007", "t2.yaml", 5, 7, "S0/S1/S2")]
    assert "over the limit of 2" in result.diagnostics[0].message
    assert "S0/S1/S2" in addresses(result, "resource")
    assert not any(a.startswith("S0/S1/S2/") for a in addresses(result))


def test_unknown_template_url_and_sar_application_are_sys006(tmp_path: Path) -> None:
    text = (
        "Parameters:\n  Url:\n    Type: String\nResources:\n"
        + stack("FromParam", "!Ref Url")
        + "  App:\n    Type: AWS::Serverless::Application\n    Properties:\n"
        "      Location:\n"
        "        ApplicationId: arn:aws:serverlessrepo:us-east-1:1:applications/x\n"
        "        SemanticVersion: 1.0.0\n"
        "  S3:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: s3://bucket/child.yaml\n"
    )
    result = load_text(tmp_path, {"main.yaml": text})
    assert diags(result) == [
        ("SYS006", "main.yaml", 8, 7, "FromParam"),
        ("SYS006", "main.yaml", 12, 7, "App"),
        ("SYS006", "main.yaml", 18, 7, "S3"),
    ]


def test_serverless_application_with_local_location(tmp_path: Path) -> None:
    parent = (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  App:\n"
        "    Type: AWS::Serverless::Application\n    Properties:\n      Location: apps/child.yaml\n"
        "      Parameters: {Name: orders}\n"
        "  Use:\n    Type: AWS::SNS::Topic\n    Properties:\n"
        "      TopicName: !GetAtt App.Outputs.QueueName\n"
    )
    child = (
        "Parameters:\n  Name: {Type: String}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"
        "    Properties: {QueueName: !Ref Name}\nOutputs:\n  QueueName:\n    Value: !Ref Name\n"
    )
    result = load_text(tmp_path, {"parent.yaml": parent, "apps/child.yaml": child})
    assert result.diagnostics == []
    assert node(result, "App").kind == "AWS::CloudFormation::Stack"
    assert node(result, "App/Q").attrs == {"QueueName": "orders"}
    assert node(result, "Use").attrs == {"TopicName": "orders"}


def test_broken_child_is_reported_once_in_its_file(tmp_path: Path) -> None:
    files = {
        "p1.yaml": "Resources:\n" + stack("A", "child.yaml"),
        "p2.yaml": "Resources:\n" + stack("B", "child.yaml"),
        "child.yaml": "Resources:\n  Q:\n    Type: [\n",
    }
    result = load_text(tmp_path, files)
    assert [(d.rule_id, d.range.file, d.range.start_line) for d in result.diagnostics] == [
        ("SYS001", "child.yaml", 4)
    ]


def test_past_the_memory_bound_an_evaluation_leaves_nothing_for_the_cyclic_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The front end and its worker processes run with the cyclic collector paused: past
    RELEASE_ABOVE_BYTES of resident memory, an evaluated template, its nested stacks and
    their nodes are freed by reference counting once dropped (a worker kept every template
    it evaluated: 680 MB on a 200-template scan, without bound on more)."""
    import soc2lint.cloudformation as cfn

    monkeypatch.setattr(cfn, "RELEASE_ABOVE_BYTES", 0)
    gc.collect()
    gc.disable()
    try:
        result = load_paths(NESTED_FILES, root=NESTED)
        assert any(n.address.startswith("Network/") for n in result.nodes)
        del result
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_below_the_memory_bound_evaluations_are_not_released() -> None:
    """The counterpart: below the bound the cycles are left (releasing costs CPU), so the
    test above shows the release is what frees them."""
    gc.collect()
    gc.disable()
    try:
        result = load_paths(NESTED_FILES, root=NESTED)
        del result
        assert gc.collect() > 0
    finally:
        gc.enable()


def test_resident_bytes_reads_this_process() -> None:
    resident = resident_bytes()
    if not Path("/proc/self/statm").exists():
        assert resident is None
        return
    assert resident is not None
    assert 1 << 20 < resident < 1 << 40
