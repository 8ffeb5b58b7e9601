"""Conditions: three-valued evaluation, resources and outputs that do not exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfn_testlib import addresses, edges, load_text, node

from soc2lint.cloudformation.conditions import Conditions, and3, normalize
from soc2lint.model import Unknown

TEMPLATE = """\
Parameters:
  Env:
    Type: String
    Default: prod
  Flag:
    Type: String
  Count:
    Type: Number
    Default: 3
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [dev, !Ref Env]
  NotProd: !Not [!Condition IsProd]
  FlagOn: !Equals [!Ref Flag, "true"]
  ProdAndFlag: !And [!Condition IsProd, !Condition FlagOn]
  DevAndFlag: !And [!Condition IsDev, !Condition FlagOn]
  ProdOrFlag: !Or [!Condition IsProd, !Condition FlagOn]
  DevOrFlag: !Or [!Condition IsDev, !Condition FlagOn]
  NotFlag: !Not [!Condition FlagOn]
  ThreeAsString: !Equals [!Ref Count, "3"]
  Loop: !Not [!Condition Loop2]
  Loop2: !Condition Loop
  Nested: !Or [!And [!Condition IsProd, !Not [!Condition IsDev]], !Condition FlagOn]
Resources:
  Always:
    Type: AWS::SQS::Queue
  ProdQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
  DevQueue:
    Type: AWS::SQS::Queue
    Condition: IsDev
  FlagQueue:
    Type: AWS::SQS::Queue
    Condition: FlagOn
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues:
        - !Ref Always
        - !If [IsDev, !Ref DevQueue, !Ref AWS::NoValue]
        - !If [FlagOn, !Ref FlagQueue, !Ref AWS::NoValue]
Outputs:
  ProdOut:
    Condition: IsProd
    Value: prod-only
  DevOut:
    Condition: IsDev
    Value: !Ref DevQueue
  FlagOut:
    Condition: FlagOn
    Value: flag
"""


def conditions_of(tmp_path: Path, params: dict[str, Any] | None = None) -> dict[str, Any]:
    from soc2lint.cloudformation.adapt import Session, TemplateInstance
    from soc2lint.cloudformation.decode import decode_text
    from soc2lint.cloudformation.files import FileStore
    from soc2lint.frontend import LoadOptions, LoadResult

    options = LoadOptions(root=tmp_path, base=tmp_path, cfn_parameters=params or {})
    decoded = decode_text(TEMPLATE)
    session = Session(options, FileStore(options), tmp_path / "t.yaml", "t.yaml", LoadResult())
    inst = TemplateInstance(session, tmp_path / "t.yaml", decoded.root)
    inst.run()
    return {name: inst.ev.condition(name) for name in inst.conditions.names()}


def test_condition_values_three_valued(tmp_path: Path) -> None:
    assert conditions_of(tmp_path) == {
        "IsProd": True,
        "IsDev": False,
        "NotProd": False,
        "FlagOn": None,
        "ProdAndFlag": None,
        "DevAndFlag": False,  # False whatever FlagOn is
        "ProdOrFlag": True,  # True whatever FlagOn is
        "DevOrFlag": None,
        "NotFlag": None,
        "ThreeAsString": True,  # values compare as strings, as CloudFormation does
        "Loop": None,
        "Loop2": None,
        "Nested": True,
    }


def test_condition_values_follow_cfn_parameters(tmp_path: Path) -> None:
    got = conditions_of(tmp_path, {"Env": "dev", "Flag": "true"})
    assert got["IsProd"] is False and got["IsDev"] is True
    assert got["FlagOn"] is True and got["DevAndFlag"] is True and got["NotFlag"] is False


def test_false_condition_drops_resources_outputs_and_refs(tmp_path: Path) -> None:
    result = load_text(tmp_path, TEMPLATE)
    assert addresses(result, "resource") == {"Always", "ProdQueue", "FlagQueue", "Policy"}
    assert addresses(result, "output") == {"Outputs.ProdOut", "Outputs.FlagOut"}
    queues = node(result, "Policy").attrs["Queues"]
    assert queues[0] == Unknown("!Ref Always", ("Always",))
    assert len(queues) == 2
    # FlagOn unknown: the element may or may not be there
    assert isinstance(queues[1], Unknown) and queues[1].refs == ("FlagQueue",)
    assert not any(dst == "DevQueue" for _, dst, _, _ in edges(result))


def test_condition_meta(tmp_path: Path) -> None:
    result = load_text(tmp_path, TEMPLATE)
    assert node(result, "ProdQueue").meta["condition"] == "IsProd"
    assert node(result, "ProdQueue").meta["condition_value"] is True
    flag = node(result, "FlagQueue")
    assert flag.meta["condition"] == "FlagOn"
    assert flag.meta["condition_value"] is None
    assert node(result, "Always").meta["condition_value"] is True
    assert "condition" not in node(result, "Always").meta
    assert node(result, "Outputs.FlagOut").meta["condition_value"] is None


def test_with_parameters_the_other_resources_exist(tmp_path: Path) -> None:
    result = load_text(tmp_path, TEMPLATE, params={"Env": "dev", "Flag": "false"})
    assert addresses(result, "resource") == {"Always", "DevQueue", "Policy"}
    assert addresses(result, "output") == {"Outputs.DevOut"}
    assert node(result, "Policy").attrs["Queues"] == [
        Unknown("!Ref Always", ("Always",)),
        Unknown("!Ref DevQueue", ("DevQueue",)),
    ]


def test_undefined_condition_is_unknown_and_keeps_the_resource(tmp_path: Path) -> None:
    text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: Missing\n"
    result = load_text(tmp_path, text)
    assert node(result, "Q").meta["condition_value"] is None


class _Values:
    def value(self, expr: Any, sink: list[tuple[str, str | None]]) -> Any:
        return expr


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ({"Fn::Equals": ["a", "a"]}, True),
        ({"Fn::Equals": ["a", "b"]}, False),
        ({"Fn::Equals": [1, "1"]}, True),
        ({"Fn::Equals": [True, "true"]}, True),
        ({"Fn::Equals": [Unknown("x"), "a"]}, None),
        ({"Fn::Equals": [["a", Unknown("x")], ["a", "b"]]}, None),
        ({"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}, True),
        ({"Fn::Not": {"Fn::Equals": ["a", "b"]}}, True),
        ({"Fn::And": [{"Fn::Equals": ["a", "a"]}, {"Fn::Equals": [Unknown("x"), "a"]}]}, None),
        ({"Fn::Or": [{"Fn::Equals": ["a", "b"]}, {"Fn::Equals": ["a", "b"]}]}, False),
        ({"Fn::Or": []}, None),
        ({"Fn::Equals": ["a"]}, None),
        ({"Fn::Unknown": ["a"]}, None),
        ("not a condition", None),
        (True, True),
    ],
)
def test_condition_expressions(expr: Any, expected: bool | None) -> None:
    assert Conditions({}).evaluate(expr, _Values()) is expected


def test_and3_and_normalize() -> None:
    assert and3(True, True) is True
    assert and3(True, None) is None
    assert and3(None, False) is False
    assert normalize({"a": [1, True, 2.5]}) == {"a": ["1", "true", "2.5"]}
