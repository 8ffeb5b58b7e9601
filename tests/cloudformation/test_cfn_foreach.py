"""Fn::ForEach (AWS::LanguageExtensions) is expanded into ordinary, positioned resources."""

from __future__ import annotations

from pathlib import Path

from cfn_testlib import addresses, attrs, diags, load_text, node

from soc2lint.frontend import Limits
from soc2lint.model import Unknown

from helpers import scan

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::LanguageExtensions\n"


def test_a_resource_loop_over_a_literal_list_creates_one_resource_per_value(
    tmp_path: Path,
) -> None:
    text = HEAD + (
        "Resources:\n"  # 3
        "  Fn::ForEach::Queues:\n"  # 4
        "    - Name\n"  # 5
        "    - [orders, billing-eu]\n"  # 6
        "    - Queue&{Name}:\n"  # 7
        "        Type: AWS::SQS::Queue\n"  # 8
        "        Properties:\n"  # 9
        "          QueueName: !Sub '${Name}-${AWS::Region}'\n"  # 10
        "          Tags:\n"  # 11
        "            - Key: team\n"  # 12
        "              Value: !Ref Name\n"  # 13
        "            - Key: plain\n"  # 14
        "              Value: '${Name}'\n"  # 15
    )
    result = load_text(tmp_path, text)
    assert diags(result) == []
    assert addresses(result, "resource") == {"Queueorders", "Queuebillingeu"}
    eu = node(result, "Queuebillingeu")
    assert eu.type == "AWS::SQS::Queue"
    assert eu.range.start_line == 7  # the fragment is where the fix goes
    a = attrs(result, "Queuebillingeu")
    assert isinstance(a["QueueName"], Unknown)  # ${AWS::Region} stays unknown
    assert "billing-eu-" in a["QueueName"].expr
    # Ref to the identifier is the value; a plain string is left as written
    assert a["Tags"] == [
        {"Key": "team", "Value": "billing-eu"},
        {"Key": "plain", "Value": "${Name}"},
    ]
    assert node(result, "Queueorders").locations[("Tags", 0, "Value")].start_line == 13


def test_a_loop_over_a_list_parameter_uses_its_default_or_the_given_value(
    tmp_path: Path,
) -> None:
    text = HEAD + (
        "Parameters:\n"
        "  Names:\n"
        "    Type: CommaDelimitedList\n"
        "    Default: a,b\n"
        "Resources:\n"
        "  Fn::ForEach::Topics:\n"
        "    - N\n"
        "    - !Ref Names\n"
        "    - Topic${N}:\n"
        "        Type: AWS::SNS::Topic\n"
    )
    assert addresses(load_text(tmp_path, text), "resource") == {"Topica", "Topicb"}
    given = load_text(tmp_path, text, params={"Names": "x,y,z"})
    assert addresses(given, "resource") == {"Topicx", "Topicy", "Topicz"}


def test_a_loop_whose_collection_is_unknown_is_reported_and_creates_nothing(
    tmp_path: Path,
) -> None:
    text = HEAD + (
        "Parameters:\n"  # 3
        "  Names:\n"
        "    Type: CommaDelimitedList\n"
        "Resources:\n"  # 6
        "  Keep:\n"
        "    Type: AWS::SQS::Queue\n"
        "  Fn::ForEach::Topics:\n"  # 9
        "    - N\n"
        "    - !Ref Names\n"
        "    - Topic${N}:\n"
        "        Type: AWS::SNS::Topic\n"
    )
    result = load_text(tmp_path, text)
    assert diags(result) == [("SYS006", "template.yaml", 9, 3, "Fn::ForEach::Topics")]
    assert "!Ref Names" in result.diagnostics[0].message
    assert addresses(result, "resource") == {"Keep"}


def test_nested_loops_and_loops_in_conditions_and_properties(tmp_path: Path) -> None:
    text = HEAD + (
        "Parameters:\n"
        "  Stage:\n"
        "    Type: String\n"
        "    Default: prod\n"
        "Conditions:\n"
        "  Fn::ForEach::Stages:\n"
        "    - S\n"
        "    - [prod, dev]\n"
        "    - Is${S}: !Equals [!Ref Stage, !Ref S]\n"
        "Resources:\n"
        "  Fn::ForEach::Envs:\n"
        "    - S\n"
        "    - [prod, dev]\n"
        "    - Fn::ForEach::Kinds:\n"
        "        - K\n"
        "        - [logs, data]\n"
        "        - ${S}${K}:\n"
        "            Type: AWS::SQS::Queue\n"
        "            Condition: !Sub Is${S}\n"
        "            Properties:\n"
        "              Fn::ForEach::Props:\n"
        "                - P\n"
        "                - [DelaySeconds]\n"
        "                - ${P}: 5\n"
    )
    result = load_text(tmp_path, text)
    assert diags(result) == []
    # the dev copies' condition (Isdev, made by the Conditions loop) is false
    assert addresses(result, "resource") == {"prodlogs", "proddata"}
    assert attrs(result, "prodlogs")["DelaySeconds"] == 5


def test_a_copy_that_collides_with_an_existing_resource_is_reported(tmp_path: Path) -> None:
    text = HEAD + (
        "Resources:\n"
        "  Qa:\n"
        "    Type: AWS::SQS::Queue\n"
        "  Fn::ForEach::Qs:\n"  # 6
        "    - N\n"
        "    - [a, b]\n"
        "    - Q${N}:\n"
        "        Type: AWS::SNS::Topic\n"
    )
    result = load_text(tmp_path, text)
    assert diags(result) == [("SYS001", "template.yaml", 6, 3, "Fn::ForEach::Qs")]
    assert node(result, "Qa").type == "AWS::SQS::Queue"
    assert node(result, "Qb").type == "AWS::SNS::Topic"


def test_loops_are_bounded_by_the_expansion_limit(tmp_path: Path) -> None:
    text = HEAD + (
        "Resources:\n"
        "  Fn::ForEach::Qs:\n"  # 4
        "    - N\n"
        "    - [a, b, c]\n"
        "    - Q${N}:\n"
        "        Type: AWS::SQS::Queue\n"
    )
    result = load_text(tmp_path, text, limits=Limits(max_expansion=2))
    assert diags(result) == [("SYS008", "template.yaml", 4, 3, "Fn::ForEach::Qs")]
    assert addresses(result, "resource") == set()


def test_a_malformed_loop_is_a_template_error(tmp_path: Path) -> None:
    text = HEAD + "Resources:\n  Fn::ForEach::Qs:\n    - N\n    - [a]\n"
    result = load_text(tmp_path, text)
    assert diags(result) == [("SYS001", "template.yaml", 4, 3, "Fn::ForEach::Qs")]


def test_rules_see_the_resources_a_loop_creates(tmp_path: Path) -> None:
    (tmp_path / "db.yaml").write_text(
        HEAD
        + (
            "Resources:\n"
            "  Fn::ForEach::Dbs:\n"
            "    - N\n"
            "    - [Orders, Users]\n"
            "    - ${N}Db:\n"  # 7
            "        Type: AWS::RDS::DBInstance\n"
            "        DeletionPolicy: Snapshot\n"
            "        UpdateReplacePolicy: Snapshot\n"
            "        Properties:\n"
            "          Engine: postgres\n"
            "          DBInstanceClass: db.t3.micro\n"
            "          AllocatedStorage: '20'\n"
            "          StorageEncrypted: false\n"  # 15
        ),
        encoding="utf-8",
    )
    result = scan([tmp_path], base=tmp_path)
    enc = sorted((f.address, f.range.start_line) for f in result.findings if f.rule_id == "ENC001")
    assert enc == [("OrdersDb", 15), ("UsersDb", 15)]
