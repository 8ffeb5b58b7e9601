"""Intrinsic functions: what is computed, what stays Unknown, which references become edges."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cfn_testlib import attrs, edges, load_text, node

from soc2lint.cloudformation.conditions import Conditions
from soc2lint.cloudformation.intrinsics import (
    NOVALUE,
    Evaluator,
    ParamInfo,
    ResourceInfo,
    StackOutput,
    dynamic_reference,
    merge_branches,
)
from soc2lint.model import Unknown

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  Names:
    Type: CommaDelimitedList
    Default: "a,b,c"
  Open:
    Type: String
Mappings:
  Sizes:
    prod: {Small: 1, Large: 10}
    dev: {Small: 1, Large: 2}
  Same:
    us-east-1: {Ami: ami-123}
    eu-west-1: {Ami: ami-123}
  Differs:
    us-east-1: {Ami: ami-1}
    eu-west-1: {Ami: ami-2}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsOpen: !Equals [!Ref Open, "yes"]
Resources:
  Key:
    Type: AWS::KMS::Key
  Secret:
    Type: AWS::SecretsManager::Secret
"""


def props(tmp_path: Path, body: str) -> dict[str, Any]:
    """Evaluate ``body`` (YAML lines under Properties of resource R) and return R's attrs."""
    text = HEADER + "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n" + body
    result = load_text(tmp_path, text)
    assert result.diagnostics == []
    return attrs(result, "R")


def test_ref_parameter_default_and_pseudo_parameters(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        "      A: !Ref Env\n"
        "      B: !Ref AWS::Partition\n"
        "      C: !Ref AWS::URLSuffix\n"
        "      D: !Ref AWS::Region\n"
        "      E: !Ref AWS::AccountId\n"
        "      F: !Ref AWS::StackName\n"
        "      G: !Ref AWS::StackId\n"
        "      H: !Ref AWS::NotificationARNs\n"
        "      I: !Ref Open\n",
    )
    assert a["A"] == "prod"
    assert a["B"] == "aws"
    assert a["C"] == "amazonaws.com"
    assert a["D"] == Unknown("AWS::Region")
    assert a["E"] == Unknown("AWS::AccountId")
    assert a["F"] == Unknown("AWS::StackName")
    assert a["G"] == Unknown("AWS::StackId")
    assert a["H"] == Unknown("AWS::NotificationARNs")
    assert a["I"] == Unknown("!Ref Open", ("Open",))


def test_novalue_removes_properties_and_list_elements(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        "      Gone: !Ref AWS::NoValue\n"
        "      Kept: 1\n"
        "      List: [a, !Ref AWS::NoValue, b, !If [IsProd, !Ref AWS::NoValue, c]]\n",
    )
    assert a == {"Kept": 1, "List": ["a", "b"]}


def test_ref_and_getatt_to_resources_are_unknown_with_edges(tmp_path: Path) -> None:
    text = HEADER + (
        "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      KmsMasterKeyId: !Ref Key\n"
        "      Arn: !GetAtt Key.Arn\n"
        '      Long: {"Fn::GetAtt": [Key, KeyId]}\n'
        '      Dotted: {"Fn::GetAtt": Key.Arn}\n'
        "      Nested: !GetAtt [Key, !Ref Env]\n"
        "      Secret: !Ref Secret\n"
        "      Missing: !GetAtt Nope.Arn\n"
    )
    result = load_text(tmp_path, text)
    a = attrs(result, "R")
    assert a["KmsMasterKeyId"] == Unknown("!Ref Key", ("Key",))
    assert a["Arn"] == Unknown("!GetAtt Key.Arn", ("Key",))
    assert a["Long"] == Unknown("!GetAtt Key.KeyId", ("Key",))
    assert a["Dotted"] == Unknown("!GetAtt Key.Arn", ("Key",))
    assert a["Nested"] == Unknown("!GetAtt Key.prod", ("Key",))
    assert a["Secret"] == Unknown("!Ref Secret", ("Secret",), secret=True)
    assert a["Missing"] == Unknown("!GetAtt Nope.Arn")
    assert edges(result, "ref") >= {
        ("R", "Key", "KmsMasterKeyId", None),
        ("R", "Key", "Arn", "Arn"),
        ("R", "Key", "Long", "KeyId"),
        ("R", "Key", "Dotted", "Arn"),
        ("R", "Key", "Nested", "prod"),
        ("R", "Secret", "Secret", None),
        ("R", "Env", "Nested", None),
    }
    assert not any(dst == "Nope" for _, dst, _, _ in edges(result))


def test_sub_both_forms_escapes_and_references(tmp_path: Path) -> None:
    text = HEADER + (
        "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        '      Known: !Sub "${Env}-${AWS::Partition}-x"\n'
        '      Escaped: !Sub "${!Literal}-${Env}"\n'
        '      Vars: !Sub ["${A}/${B}", {A: !Ref Env, B: fixed}]\n'
        '      Partial: !Sub "arn:${AWS::Partition}:s3:::${Env}-${Key.Arn}/*"\n'
        '      Pseudo: !Sub "${AWS::Region}"\n'
        '      Number: !Sub ["n${N}", {N: 5}]\n'
    )
    result = load_text(tmp_path, text)
    a = attrs(result, "R")
    assert a["Known"] == "prod-aws-x"
    assert a["Escaped"] == "${Literal}-prod"
    assert a["Vars"] == "prod/fixed"
    assert a["Partial"] == Unknown(
        '!Sub "arn:${AWS::Partition}:s3:::${Env}-${Key.Arn}/*"', ("Key",)
    )
    assert a["Pseudo"] == Unknown('!Sub "${AWS::Region}"')
    assert a["Number"] == "n5"
    assert ("R", "Key", "Partial", "Arn") in edges(result, "ref")
    assert ("R", "Env", "Known", None) in edges(result, "ref")


def test_join_select_split(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        '      Join: !Join ["-", [a, !Ref Env, 3, true]]\n'
        '      JoinList: !Join [",", !Ref Names]\n'
        '      JoinUnknown: !Join ["", [x, !Ref Key]]\n'
        "      Select: !Select [1, !Ref Names]\n"
        '      SelectStr: !Select ["2", [x, y, z]]\n'
        "      SelectOut: !Select [5, [x]]\n"
        '      Split: !Split [",", "a,b,,c"]\n'
        '      SelectSplit: !Select [2, !Split ["/", "a/b/c"]]\n'
        '      SplitUnknown: !Select [0, !Split [":", !GetAtt Key.Arn]]\n',
    )
    assert a["Join"] == "a-prod-3-true"
    assert a["JoinList"] == "a,b,c"
    assert a["JoinUnknown"] == Unknown('!Join ["", [x, !Ref Key]]', ("Key",))
    assert a["Select"] == "b"
    assert a["SelectStr"] == "z"
    assert isinstance(a["SelectOut"], Unknown)
    assert a["Split"] == ["a", "b", "", "c"]
    assert a["SelectSplit"] == "c"
    assert a["SplitUnknown"] == Unknown('!Split [":", !GetAtt Key.Arn][0]', ("Key",))


def test_find_in_map(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        "      Large: !FindInMap [Sizes, !Ref Env, Large]\n"
        "      SmallAnyRegion: !FindInMap [Sizes, !Ref AWS::Region, Small]\n"
        "      SameAmi: !FindInMap [Same, !Ref AWS::Region, Ami]\n"
        "      DiffAmi: !FindInMap [Differs, !Ref AWS::Region, Ami]\n"
        "      Default: !FindInMap [Sizes, staging, Large, {DefaultValue: 4}]\n"
        "      NoKey: !FindInMap [Sizes, staging, Large]\n",
    )
    assert a["Large"] == 10
    assert a["SmallAnyRegion"] == 1  # every entry agrees
    assert a["SameAmi"] == "ami-123"
    assert a["DiffAmi"] == Unknown("!FindInMap [Differs, !Ref AWS::Region, Ami]")
    assert a["Default"] == 4
    assert isinstance(a["NoKey"], Unknown)


def test_if_known_and_unknown_conditions(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        "      Prod: !If [IsProd, big, small]\n"
        "      OpenAgree: !If [IsOpen, same, same]\n"
        "      OpenDiffer: !If [IsOpen, a, b]\n"
        "      OpenDict: !If [IsOpen, {X: 1, Y: 2, Z: 3}, {X: 1, Y: 5}]\n"
        "      OpenList: !If [IsOpen, [a, b], [a, c]]\n",
    )
    assert a["Prod"] == "big"
    assert a["OpenAgree"] == "same"
    assert a["OpenDiffer"] == Unknown("!If [IsOpen, a, b]")
    expr = "!If [IsOpen, {X: 1, Y: 2, Z: 3}, {X: 1, Y: 5}]"
    assert a["OpenDict"] == {"X": 1, "Y": Unknown(expr), "Z": Unknown(expr)}
    assert a["OpenList"] == ["a", Unknown("!If [IsOpen, [a, b], [a, c]]")]


def test_unknown_if_branches_both_give_edges(tmp_path: Path) -> None:
    text = HEADER + (
        "  R:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      K: !If [IsOpen, !Ref Key, !Ref Secret]\n"
        "      P: !If [IsProd, !Ref Key, !Ref Secret]\n"
    )
    result = load_text(tmp_path, text)
    assert attrs(result, "R")["K"] == Unknown(
        "!If [IsOpen, !Ref Key, !Ref Secret]", ("Key", "Secret"), secret=True
    )
    got = edges(result, "ref")
    assert ("R", "Key", "K", None) in got and ("R", "Secret", "K", None) in got
    # a known condition draws only the chosen branch's edge
    assert ("R", "Key", "P", None) in got and ("R", "Secret", "P", None) not in got


def test_base64_getazs_cidr_length_tojsonstring_importvalue(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        "      B64: !Base64 hello\n"
        "      B64Unknown: !Base64 {Ref: Key}\n"
        '      Az0: !Select [0, !GetAZs ""]\n'
        "      Az1: !Select [1, !GetAZs {Ref: AWS::Region}]\n"
        "      AzOther: !Select [0, !GetAZs eu-west-1]\n"
        '      Azs: !GetAZs ""\n'
        '      Cidr: !Cidr ["10.0.0.0/16", 3, 8]\n'
        '      Cidr6: !Cidr ["2001:db8::/56", 2, 64]\n'
        "      CidrUnknown: !Select [1, !Cidr [!GetAtt Key.Arn, 4, 8]]\n"
        "      Length: !Length [a, !Ref AWS::Region, c]\n"
        "      LengthParam: !Length {Ref: Names}\n"
        "      Json: !ToJsonString {a: [1, x], b: !Ref Env}\n"
        "      JsonUnknown: !ToJsonString {a: !Ref Key}\n"
        "      Import: !ImportValue shared-vpc-id\n",
    )
    assert a["B64"] == base64.b64encode(b"hello").decode()
    assert a["B64Unknown"] == Unknown("!Base64 !Ref Key", ("Key",))
    assert a["Az0"] == Unknown("Fn::GetAZs[0]")
    assert a["Az1"] == Unknown("Fn::GetAZs[1]")
    assert a["Az0"] != a["Az1"]
    assert a["AzOther"] == Unknown("Fn::GetAZs(eu-west-1)[0]")
    assert a["Azs"] == Unknown("Fn::GetAZs")
    assert a["Cidr"] == ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    assert a["Cidr6"] == ["2001:db8::/64", "2001:db8:0:1::/64"]
    assert a["CidrUnknown"] == Unknown("Fn::Cidr(!GetAtt Key.Arn, 4, 8)[1]", ("Key",))
    assert a["Length"] == 3
    assert a["LengthParam"] == 3
    assert json.loads(a["Json"]) == {"a": [1, "x"], "b": "prod"}
    assert a["JsonUnknown"] == Unknown("!ToJsonString {a: !Ref Key}", ("Key",))
    assert a["Import"] == Unknown("!ImportValue shared-vpc-id")


def test_dynamic_references_are_unknown_and_secret_ones_flagged(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        '      Ssm: "{{resolve:ssm:/app/db-host}}"\n'
        '      SsmSecure: "{{resolve:ssm-secure:/app/db-password:3}}"\n'
        '      SecretsManager: "{{resolve:secretsmanager:prod/db:SecretString:password}}"\n'
        '      InSub: !Sub "{{resolve:secretsmanager:${Secret}:SecretString:password}}"\n'
        '      Plain: "{{not a reference}}"\n',
    )
    assert a["Ssm"] == Unknown("{{resolve:ssm:/app/db-host}}", secret=False)
    assert a["SsmSecure"] == Unknown("{{resolve:ssm-secure:/app/db-password:3}}", secret=True)
    assert a["SecretsManager"].secret is True
    assert isinstance(a["InSub"], Unknown) and a["InSub"].secret is True
    assert a["InSub"].refs == ("Secret",)
    assert a["Plain"] == "{{not a reference}}"


def test_unknown_functions_and_transform_are_unknown(tmp_path: Path) -> None:
    a = props(
        tmp_path,
        '      Macro: {"Fn::Transform": {Name: AWS::Include, Parameters: {Location: s3://x}}}\n'
        "      Future: !Foo [a, !Ref Key]\n",
    )
    assert isinstance(a["Macro"], Unknown)
    assert a["Future"] == Unknown("!Foo [a, !Ref Key]", ("Key",))


# ---- the evaluator on its own ---------------------------------------------------------


class FakeEnv:
    def __init__(self) -> None:
        self.params = {"P": ParamInfo("P", "v")}
        self.resources = {"Stack": ResourceInfo("Stack", "AWS::CloudFormation::Stack")}

    @property
    def mappings(self) -> dict[str, Any]:
        return {}

    def parameter(self, name: str) -> ParamInfo | None:
        return self.params.get(name)

    def resource(self, name: str) -> ResourceInfo | None:
        return self.resources.get(name)

    def stack_output(self, logical_id: str, output: str) -> StackOutput | None:
        if output == "Vpc":
            return StackOutput(Unknown("!Ref Vpc", ("Stack/Vpc",)), (("Stack/Vpc", None),))
        return None


def test_stack_outputs_flow_through_getatt() -> None:
    ev = Evaluator(FakeEnv(), Conditions({}))
    sink: list[tuple[str, str | None]] = []
    assert ev.value({"Fn::GetAtt": ["Stack", "Outputs.Vpc"]}, sink) == Unknown(
        "!Ref Vpc", ("Stack/Vpc",)
    )
    assert sink == [("Stack", "Outputs.Vpc"), ("Stack/Vpc", None)]
    sink.clear()
    assert ev.value({"Fn::GetAtt": ["Stack", "Outputs.Missing"]}, sink) == Unknown(
        "!GetAtt Stack.Outputs.Missing", ("Stack",)
    )


def test_evaluation_step_limit_gives_unknown() -> None:
    ev = Evaluator(FakeEnv(), Conditions({}), max_steps=10)
    value = ev.value({"Fn::Join": ["", [str(i) for i in range(50)]]}, [])
    assert isinstance(value, Unknown) and "evaluation limit" in value.expr
    # the counter restarts for the next expression
    assert ev.value({"Ref": "P"}, []) == "v"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("x", "x", "x"),
        (NOVALUE, NOVALUE, NOVALUE),
        (1, True, Unknown("e")),
        ({"k": 1}, {"k": 1, "j": 2}, {"k": 1, "j": Unknown("e")}),
        ([1, 2], [1, 2, 3], Unknown("e")),
        ("x", NOVALUE, Unknown("e")),
    ],
)
def test_merge_branches(a: Any, b: Any, expected: Any) -> None:
    assert merge_branches(a, b, "e") == expected


def test_dynamic_reference_helper() -> None:
    assert dynamic_reference("plain") == "plain"
    assert dynamic_reference("x{{resolve:ssm-secure:a}}y") == Unknown(
        "x{{resolve:ssm-secure:a}}y", secret=True
    )


def test_output_value_from_a_condition_function_node(tmp_path: Path) -> None:
    text = HEADER + (
        "Outputs:\n  IsProdOut:\n    Value: !If [IsProd, yes-prod, not-prod]\n"
        "  Unknown:\n    Value: !If [IsOpen, a, b]\n"
    )
    result = load_text(tmp_path, text)
    assert node(result, "Outputs.IsProdOut").attrs["Value"] == "yes-prod"
    assert isinstance(node(result, "Outputs.Unknown").attrs["Value"], Unknown)
