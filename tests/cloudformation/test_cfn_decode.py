"""The decoder wrapper: positions, YAML 1.1 types, cfn-lint's own decoder as the fallback."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from cfn_testlib import FIXTURES, load_text

from soc2lint.cloudformation.decode import (
    _decode_with_cfnlint,
    decode_text,
    is_template,
    looks_like_template,
)
from soc2lint.cloudformation.nodes import YDict, YList, YStr, plain, span_of


def test_spans_are_one_based_and_end_exclusive() -> None:
    text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Delay: 5\n"
    root = decode_text(text).root
    resources = root["Resources"]
    (key,) = resources.keys()
    assert isinstance(key, YStr) and key.span == (2, 3, 2, 4)
    queue = resources["Q"]
    assert isinstance(queue, YDict) and queue.span == (3, 5, 5, 15)
    assert span_of(queue["Type"]) == (3, 11, 3, 26)
    props = queue["Properties"]
    assert props.value_spans == {"Delay": (5, 14, 5, 15)}


def test_short_form_tags_become_the_long_form_with_positions() -> None:
    text = (
        "A: !Ref X\nB: !GetAtt R.Arn\nC: !GetAtt [R, Endpoint.Address]\n"
        'D: !Sub "${X}-y"\nE: !If [C, 1, 2]\nF: !Foo bar\n'
    )
    root = decode_text(text).root
    assert plain(root) == {
        "A": {"Ref": "X"},
        "B": {"Fn::GetAtt": ["R", "Arn"]},
        "C": {"Fn::GetAtt": ["R", "Endpoint.Address"]},
        "D": {"Fn::Sub": "${X}-y"},
        "E": {"Fn::If": ["C", 1, 2]},
        "F": {"Fn::Foo": "bar"},
    }
    assert span_of(root["A"]) == (1, 4, 1, 10)
    assert isinstance(root["B"]["Fn::GetAtt"], YList)


def test_yaml_11_types() -> None:
    text = (
        "On: yes\nVersion: 2012-10-17\nStamp: 2001-12-14t21:59:43.10-05:00\n"
        "Octal: 017\nBlob: !!binary aGVs\n  bG8=\n017: key\n"
    )
    root = plain(decode_text(text).root)
    assert root == {
        "On": True,  # the key is the text written; the value is YAML 1.1's boolean
        "Version": "2012-10-17",
        "Stamp": "2001-12-14t21:59:43.10-05:00",
        "Octal": 15,
        "Blob": "aGVsbG8=",
        "017": "key",
    }


def test_decoded_templates_pickle_with_their_positions() -> None:
    decoded = decode_text((FIXTURES / "sam" / "template.yaml").read_text())
    again = pickle.loads(pickle.dumps(decoded))
    assert plain(again.root) == plain(decoded.root)
    fn = again.root["Resources"]["CreateOrderFunction"]
    assert fn.span == decoded.root["Resources"]["CreateOrderFunction"].span
    assert next(iter(again.root["Resources"])).span == (48, 3, 48, 14)


def _key_spans(value: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    out: dict[tuple[Any, ...], Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out[(*path, str(k))] = getattr(k, "span", None)
            out.update(_key_spans(v, (*path, str(k))))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.update(_key_spans(v, (*path, i)))
    return out


@pytest.mark.parametrize("name", ["multi-tier/app.yaml", "multi-tier/app.json"])
def test_cfnlint_fallback_reads_the_same_template(name: str) -> None:
    text = (FIXTURES / name).read_text()
    fast = decode_text(text)
    slow = _decode_with_cfnlint(text, text.split("\n"))
    assert fast.problems == [] and slow.problems == []
    assert plain(fast.root) == plain(slow.root)
    fast_keys = _key_spans(fast.root)
    slow_keys = _key_spans(slow.root)
    # keys cfn-lint invents for short-form tags carry no position in either
    assert {k: v for k, v in fast_keys.items() if v} == {k: v for k, v in slow_keys.items() if v}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AWSTemplateFormatVersion: '2010-09-09'\n", True),
        ("Resources:\n  A: {Type: X}\n", True),
        ('{"Resources": {"A": {"Type": "X"}}}', True),
        ("resources:\n  A: {Type: X}\n", False),
        ("Resources:\n  A: {Kind: X}\n", False),
        ("Resources: []\n", False),
        ("- a\n", False),
        ("", False),
    ],
)
def test_is_template(text: str, expected: bool) -> None:
    assert is_template(decode_text(text).root) is expected


def test_looks_like_template() -> None:
    assert looks_like_template("Resources:\n  [")
    assert looks_like_template('{\n  "Resources" : {')
    assert looks_like_template("x: 1\nAWSTemplateFormatVersion")
    assert not looks_like_template("spec:\n  resources:\n")
    assert not looks_like_template("service: x\nresources:\n  Resources:\n")


def test_no_log_output_from_cfnlint(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    load_text(
        tmp_path,
        {
            "a.json": '{\n\t"Resources": {"A": "\\q"}\n}\n',
            "b.yaml": "Resources:\n\tA: 1\n",
            "c.yaml": "Resources:\n  A: !!python/name:os.system\n",
        },
    )
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_own_alias_guard_counts_shared_values_once_per_use() -> None:
    from soc2lint.cloudformation.decode import (
        DEFAULT_MAX_YAML_NODES,
        _AliasAmplification,
        _guard_aliases,
    )

    level: list[Any] = ["x"] * 9
    for _ in range(4):
        level = [level] * 9
    _guard_aliases({"ok": level}, DEFAULT_MAX_YAML_NODES)  # 9**5 leaves: under the limit
    for _ in range(2):
        level = [level] * 9
    with pytest.raises(_AliasAmplification) as err:
        _guard_aliases({"bomb": level}, DEFAULT_MAX_YAML_NODES)  # 9**7, counted without expanding
    problem = err.value.problems[0]
    assert str(DEFAULT_MAX_YAML_NODES) in problem.message and problem.limit
