"""Every kind of bad input: reported at the right place, or skipped silently, never raised."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from cfn_testlib import addresses, diags, load_paths, load_text, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soc2lint.cloudformation import decode, load_cloudformation
from soc2lint.cloudformation.intrinsics import Evaluator
from soc2lint.frontend import Limits, LoadOptions

from helpers import count_calls


def test_malformed_yaml_is_sys001_at_the_parser_position(tmp_path: Path) -> None:
    text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n   Properties: [\n"
    result = load_text(tmp_path, text)
    assert diags(result) == [("SYS001", "template.yaml", 4, 4, "template.yaml")]
    d = result.diagnostics[0]
    assert d.message == "did not find expected key"
    assert d.scope == "template.yaml"
    assert result.nodes == []
    assert result.files == ["template.yaml"]


def test_malformed_yaml_in_a_flow_sequence(tmp_path: Path) -> None:
    text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags: [a, b\n  R:\n"
    result = load_text(tmp_path, text)
    assert diags(result) == [("SYS001", "template.yaml", 6, 4, "template.yaml")]


def test_malformed_json_is_sys001_at_the_parser_position(tmp_path: Path) -> None:
    text = (
        '{\n  "Resources": {\n    "A": {\n      "Type": "AWS::SQS::Queue"\n'
        '      "Properties": {}\n    }\n  }\n}\n'
    )
    result = load_text(tmp_path, {"stack.json": text})
    assert diags(result) == [("SYS001", "stack.json", 5, 7, "stack.json")]
    assert "expected ','" in result.diagnostics[0].message


def test_json_with_trailing_garbage(tmp_path: Path) -> None:
    text = '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {}\n}\n}\n'
    result = load_text(tmp_path, {"stack.json": text})
    assert diags(result) == [("SYS001", "stack.json", 5, 1, "stack.json")]


def test_tab_indentation(tmp_path: Path) -> None:
    result = load_text(tmp_path, "Resources:\n\tQ:\n\t\tType: AWS::SQS::Queue\n")
    assert diags(result) == [("SYS001", "template.yaml", 2, 1, "template.yaml")]


def test_second_document_and_python_tags_are_located(tmp_path: Path) -> None:
    result = load_text(
        tmp_path,
        {
            "two.yaml": "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n---\nb: 2\n",
            "py.yaml": "Resources:\n  Q: !!python/object/apply:os.system ['id']\n",
        },
    )
    assert diags(result) == [
        ("SYS001", "py.yaml", 2, 6, "py.yaml"),
        ("SYS001", "two.yaml", 4, 1, "two.yaml"),
    ]


def test_broken_yaml_that_does_not_look_like_a_template_is_skipped(tmp_path: Path) -> None:
    result = load_text(tmp_path, {"values.yaml": "replicas: 3\nimage: [nginx\n"})
    assert result.diagnostics == [] and result.nodes == [] and result.files == []


def test_duplicate_keys_reported_at_both_lines_and_the_rest_still_checked(tmp_path: Path) -> None:
    text = (
        "Resources:\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: first\n"
        "      BucketName: second\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "  Queue:\n"
        "    Type: AWS::SNS::Topic\n"
    )
    result = load_text(tmp_path, text)
    assert diags(result) == [
        ("SYS001", "template.yaml", 2 + 3, 7, "template.yaml"),
        ("SYS001", "template.yaml", 2 + 4, 7, "template.yaml"),
        ("SYS001", "template.yaml", 7, 3, "template.yaml"),
        ("SYS001", "template.yaml", 9, 3, "template.yaml"),
    ]
    messages = sorted(d.message for d in result.diagnostics)
    assert messages[0].startswith("duplicate key 'BucketName' (lines 5 and 6)")
    assert "duplicate key 'Queue' (lines 7 and 9)" in messages[2]
    nodes = {n.address: n for n in result.nodes if n.category == "resource"}
    assert nodes["Bucket"].attrs == {"BucketName": "second"}
    assert nodes["Queue"].kind == "AWS::SNS::Topic"
    assert nodes["Queue"].range.start_line == 9


def test_duplicate_keys_in_json(tmp_path: Path) -> None:
    text = (
        '{"Resources": {\n "A": {"Type": "AWS::SQS::Queue"},\n "A": {"Type": "AWS::SNS::Topic"}}}\n'
    )
    result = load_text(tmp_path, {"t.json": text})
    assert [(d.range.start_line, d.range.start_col) for d in result.diagnostics] == [(2, 2), (3, 2)]
    assert [n.kind for n in result.nodes if n.category == "resource"] == ["AWS::SNS::Topic"]


def test_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    text = (
        "Defaults: &defaults\n  Type: AWS::SQS::Queue\n  Properties: {DelaySeconds: 5}\n"
        "Resources:\n  Q:\n    <<: *defaults\n    Properties: {DelaySeconds: 7}\n"
    )
    result = load_text(tmp_path, text)
    assert result.diagnostics == []
    assert [n.attrs for n in result.nodes if n.address == "Q"] == [{"DelaySeconds": 7}]


def test_null_and_unhashable_keys(tmp_path: Path) -> None:
    result = load_text(
        tmp_path,
        {
            "null.yaml": "Resources:\n  ~: 1\n",
            "list.yaml": "Resources:\n  ? [a, b]\n  : 1\n",
        },
    )
    assert diags(result) == [
        ("SYS001", "list.yaml", 2, 5, "list.yaml"),
        ("SYS001", "null.yaml", 2, 3, "null.yaml"),
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("list.yaml", "- Resources\n- AWSTemplateFormatVersion\n"),
        ("scalar.json", '"AWSTemplateFormatVersion"\n'),
    ],
)
def test_root_not_a_mapping_is_reported_when_it_looks_like_a_template(
    tmp_path: Path, name: str, content: str
) -> None:
    result = load_text(tmp_path, {name: content})
    assert diags(result) == [("SYS001", name, 1, 1, name)]
    assert "not a mapping" in result.diagnostics[0].message


def test_list_root_that_is_no_template_is_skipped(tmp_path: Path) -> None:
    result = load_text(tmp_path, {"playbook.yml": "- hosts: all\n  tasks: []\n"})
    assert result.diagnostics == [] and result.files == []


NOT_TEMPLATES = {
    "k8s/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: web\n          resources:\n"
        "            limits: {cpu: 500m}\n"
    ),
    ".github/workflows/ci.yml": (
        "name: ci\non:\n  push: {branches: [main]}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
    ),
    "package.json": json.dumps({"name": "app", "version": "1.0.0", "dependencies": {}}),
    "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n    volumes: [data:/var]\n",
    "openapi.yaml": (
        "openapi: 3.0.0\ninfo: {title: Resources API, version: '1'}\npaths:\n  /resources:\n"
        "    get: {responses: {'200': {description: ok}}}\ncomponents:\n  schemas:\n"
        "    Resources: {type: object}\n"
    ),
    "serverless.yml": (
        "service: app\nprovider: {name: aws}\nresources:\n  Resources:\n    Q:\n"
        "      Type: AWS::SQS::Queue\n"
    ),
    "empty.yaml": "",
    "no-types.yaml": "Resources:\n  Thing: {Kind: X}\n",
}


def test_other_yaml_and_json_is_skipped_silently(tmp_path: Path) -> None:
    result = load_text(tmp_path, NOT_TEMPLATES)
    assert result.diagnostics == []
    assert result.nodes == []
    assert result.files == []


def test_template_detection_is_by_content_not_extension(tmp_path: Path) -> None:
    body = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    names = ["a.yaml", "b.yml", "c.template", "d.cfn.yaml", "e.txt", "f"]
    result = load_text(tmp_path, {n: body for n in names})
    assert sorted(n.scope for n in result.nodes if n.category == "resource") == sorted(names)
    json_body = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})
    result = load_text(tmp_path / "j", {"x.template": json_body})
    assert [n.kind for n in result.nodes] == ["template"]


def test_binary_file_is_sys001(tmp_path: Path) -> None:
    result = load_text(tmp_path, {"blob.json": b"Resources\x00\x01\x02\xff" * 10})
    assert diags(result) == [("SYS001", "blob.json", 1, 1, "blob.json")]
    assert "binary" in result.diagnostics[0].message


def test_non_utf8_file_is_sys001_at_the_bad_byte(tmp_path: Path) -> None:
    content = b"Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Description: caf\xe9\n"
    result = load_text(tmp_path, {"latin1.yaml": content})
    assert diags(result) == [("SYS001", "latin1.yaml", 4, 21, "latin1.yaml")]
    assert "UTF-8" in result.diagnostics[0].message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    content = "\ufeffResources:\n  Q:\n    Type: AWS::SQS::Queue\n".encode()
    result = load_text(tmp_path, {"bom.yaml": content})
    assert result.diagnostics == []
    assert addresses(result, "resource") == {"Q"}


def alias_bomb(levels: int) -> str:
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Mappings:",
        "  a0: &a0 [x, x, x, x, x, x, x, x, x]",
    ]
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"  a{i}: &a{i} [{refs}]")
    lines += [
        "Resources:",
        "  Q:",
        "    Type: AWS::SQS::Queue",
        f"    Properties: {{Tags: *a{levels}}}",
    ]
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_rejected_quickly_with_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"bomb.yaml": alias_bomb(9)})  # 9**10 leaves once expanded
    copied = count_calls(monkeypatch, decode._Converter, "convert")
    tracemalloc.start()
    result = load_paths([tmp_path / "bomb.yaml"], root=tmp_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert diags(result) == [("SYS008", "bomb.yaml", 1, 1, "bomb.yaml")]
    assert "limits.max_yaml_nodes" in result.diagnostics[0].message
    assert result.nodes == []
    # the expansion stops at its node budget, not at 9**10 values
    assert copied.count <= decode.MAX_NODES + 1, copied.count
    assert peak < 64 * 1024 * 1024, peak


def test_small_alias_use_is_expanded(tmp_path: Path) -> None:
    result = load_text(tmp_path, alias_bomb(1))
    assert result.diagnostics == []
    [queue] = [n for n in result.nodes if n.address == "Q"]
    assert queue.attrs["Tags"] == [["x"] * 9] * 9


def big_template(target_bytes: int) -> str:
    """A realistic large template: hundreds of roles with long inline policies."""
    parts = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Parameters:",
        "  Env: {Type: String, Default: prod}",
        "Resources:",
    ]
    size, i = 0, 0
    while size < target_bytes:
        block = [
            f"  Role{i}:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            "      AssumeRolePolicyDocument:",
            "        Version: 2012-10-17",
            "        Statement:",
            "          - Effect: Allow",
            "            Principal: {Service: ec2.amazonaws.com}",
            "            Action: sts:AssumeRole",
            "      Policies:",
            "        - PolicyName: access",
            "          PolicyDocument:",
            "            Statement:",
        ]
        for j in range(40):
            block += [
                "              - Effect: Allow",
                "                Action: [s3:GetObject, s3:PutObject]",
                f"                Resource: !Sub 'arn:${{AWS::Partition}}:s3:::${{Env}}-{i}-{j}/*'",
            ]
        text = "\n".join(block)
        parts.append(text)
        size += len(text) + 1
        i += 1
    return "\n".join(parts) + "\n"


def test_five_megabyte_template_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = big_template(5 * 1024 * 1024)
    write(tmp_path, {"big.yaml": text})
    evaluated = count_calls(monkeypatch, Evaluator, "_ev")
    result = load_paths([tmp_path / "big.yaml"], root=tmp_path)
    assert result.diagnostics == []
    # evaluation is linear in the template: a few values per line
    lines = text.count("\n")
    assert evaluated.count <= 10 * lines, (evaluated.count, lines)
    roles = [n for n in result.nodes if n.kind == "AWS::IAM::Role"]
    assert len(roles) == text.count("Type: AWS::IAM::Role")
    first = next(n for n in roles if n.address == "Role0")
    statement = first.attrs["Policies"][0]["PolicyDocument"]["Statement"][39]
    # ${AWS::Partition} and ${Env} are known, so the whole string is
    assert statement["Resource"] == "arn:aws:s3:::prod-0-39/*"


def test_template_over_the_size_limit_is_sys008(tmp_path: Path) -> None:
    text = big_template(300 * 1024)
    write(tmp_path, {"big.yaml": text})
    limits = Limits(max_file_bytes=256 * 1024)
    result = load_paths([tmp_path / "big.yaml"], root=tmp_path, limits=limits)
    assert diags(result) == [("SYS008", "big.yaml", 1, 1, "big.yaml")]
    assert "262144-byte limit" in result.diagnostics[0].message
    assert result.nodes == []


def test_resource_without_type_is_reported_and_others_checked(tmp_path: Path) -> None:
    text = "Resources:\n  Good:\n    Type: AWS::SQS::Queue\n  Bad:\n    Properties: {}\n"
    result = load_text(tmp_path, text)
    assert diags(result) == [("SYS001", "template.yaml", 4, 3, "Bad")]
    assert addresses(result, "resource") == {"Good"}


def test_foreach_without_the_transform_is_not_expanded_and_says_so(tmp_path: Path) -> None:
    text = (
        "Resources:\n  Good:\n    Type: AWS::SQS::Queue\n"
        "  Fn::ForEach::Topics:\n    - Name\n    - [a, b]\n    - Topic${Name}:\n"
        "        Type: AWS::SNS::Topic\n"
    )
    result = load_text(tmp_path, text)
    assert diags(result) == [("SYS006", "template.yaml", 4, 3, "Fn::ForEach::Topics")]
    assert addresses(result, "resource") == {"Good"}


def test_deeply_nested_template_is_reported(tmp_path: Path) -> None:
    text = (
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {A: "
        + "[" * 600
        + "]" * 600
        + "}\n"
    )
    result = load_text(tmp_path, text)
    assert [d.rule_id for d in result.diagnostics] == ["SYS001"]
    assert "depth" in result.diagnostics[0].message
    assert result.nodes == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda body: "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + body,
            st.text(alphabet=" \n\t:-[]{}!&*#'\"abcRefGtSubIfType,.%|>", max_size=200),
        ),
    )
)
def test_load_never_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    options = LoadOptions(root=tmp_path, base=tmp_path)
    result = load_cloudformation([path], options)
    assert all(d.rule_id in ("SYS001", "SYS006", "SYS007", "SYS008") for d in result.diagnostics)
    assert all(d.range.start_line >= 1 and d.range.start_col >= 1 for d in result.diagnostics)
