"""Parsing HCL and JSON syntax into the syntax tree: positions, templates, heredocs, errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from tfload import diags, load, node, options, write

from soc2lint import terraform
from soc2lint.frontend import Limits
from soc2lint.graphdump import dump_graph
from soc2lint.model import Range
from soc2lint.terraform import load_terraform, parse_file
from soc2lint.terraform.evaluate import Loader
from soc2lint.terraform.syntax import (
    Block,
    ForExpr,
    GetAttr,
    Lit,
    ParsedFile,
    Splat,
    Template,
    TFor,
    TIf,
    render,
)

SAMPLE = """\
resource "aws_s3_bucket" "b" {
  bucket = "logs-${var.env}"
  tags = {
    Name = "x"
  }

  lifecycle_rule {
    enabled = true
  }
  policy = <<-EOT
    {"Statement": [{"Resource": "${var.arn}"}]}
    EOT
}
"""


def test_positions_of_blocks_attributes_and_nested_blocks() -> None:
    pf = parse_file(SAMPLE)
    assert pf.problems == ()
    assert pf.body is not None
    (block,) = pf.body.blocks
    assert (block.type, block.labels) == ("resource", ("aws_s3_bucket", "b"))
    assert block.pos == (1, 1, 13, 2)
    attrs = block.body.attrs
    assert attrs["bucket"].pos == (2, 3, 2, 29)
    assert attrs["tags"].pos == (3, 3, 5, 4)
    (nested,) = block.body.blocks
    assert nested.type == "lifecycle_rule"
    assert nested.pos == (7, 3, 9, 4)
    assert nested.body.attrs["enabled"].pos == (8, 5, 8, 19)
    # a heredoc attribute ends on its closing marker, not on the next line
    assert attrs["policy"].pos == (10, 3, 12, 8)


def test_heredoc_is_trimmed_and_its_interpolations_parsed_at_their_position() -> None:
    pf = parse_file(SAMPLE)
    assert pf.body is not None
    policy = pf.body.blocks[0].body.attrs["policy"].expr
    assert isinstance(policy, Template)
    text, ref, rest = policy.parts
    assert text == '{"Statement": [{"Resource": "'
    assert isinstance(ref, GetAttr)
    assert render(ref) == "var.arn"
    assert ref.pos[:2] == (11, 36)
    assert rest == '"}]}\n'


def test_plain_heredoc_keeps_indentation_and_directives_are_assembled() -> None:
    text = 'x = <<EOT\n  a\n%{ for s in ["p", "q"] ~}\n  ${s}\n%{ endfor ~}\n%{ if true }y%{ else }n%{ endif }\nEOT\n'
    pf = parse_file(text)
    assert pf.body is not None
    expr = pf.body.attrs["x"].expr
    assert isinstance(expr, Template)
    assert expr.parts[0] == "  a\n"
    assert isinstance(expr.parts[1], TFor)
    assert isinstance(expr.parts[-2], TIf)


def test_quoted_template_directives_and_strip_markers() -> None:
    pf = parse_file('x = "a %{~ if c ~} b %{~ else ~} c %{~ endif ~} d"\n')
    assert pf.body is not None
    expr = pf.body.attrs["x"].expr
    assert isinstance(expr, Template)
    assert expr.parts[0] == "a"
    cond = expr.parts[1]
    assert isinstance(cond, TIf)
    assert cond.then == ("b",) and cond.otherwise == ("c",)
    assert expr.parts[2] == "d"


def test_expressions_keep_their_shape() -> None:
    pf = parse_file(
        "a = aws_instance.web[*].id\n"
        'b = [for k, v in var.m : v if k != ""]\n'
        "c = { (var.k) = 1, plain = 2 }\n"
        "d = -3\n"
        "e = provider::aws::arn_parse(x)\n"
    )
    assert pf.body is not None
    attrs = pf.body.attrs
    assert isinstance(attrs["a"].expr, Splat)
    assert render(attrs["a"].expr) == "aws_instance.web[*].id"
    assert isinstance(attrs["b"].expr, ForExpr)
    assert render(attrs["c"].expr) == "{var.k = 1, plain = 2}"
    assert attrs["d"].expr == Lit((4, 5, 4, 7), -3)
    assert render(attrs["e"].expr) == "provider::aws::arn_parse(x)"


def test_parsed_files_pickle() -> None:
    pf = parse_file(SAMPLE)
    assert pickle.loads(pickle.dumps(pf)) == pf


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_every_fixture_tree_survives_the_parse_cache() -> None:
    """Trees go through pickle in the parse cache (``syntax.pickled_by_fields``): every
    node comes back equal and of its own class, with and without a parse problem."""
    texts = [(p.read_text(encoding="utf-8"), False) for p in sorted(FIXTURES.rglob("*.tf"))]
    assert len(texts) > 50
    texts.append(('{"resource": {"aws_s3_bucket": {"b": {"bucket": "${var.x}-logs"}}}}', True))
    texts.append(('resource "a" "b" {\n  x = \n', False))  # a parse problem
    for text, json_syntax in texts:
        pf = parse_file(text, json_syntax=json_syntax)
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            back = pickle.loads(pickle.dumps(pf, protocol=protocol))
            assert back == pf, text[:80]
            assert repr(back) == repr(pf), text[:80]
    assert parse_file(texts[-1][0]).problems


def test_crlf_and_comments() -> None:
    pf = parse_file('# comment\r\nx = 1 // trailing\r\n/* block\r\n comment */\r\ny = "a"\r\n')
    assert pf.problems == ()
    assert pf.body is not None
    assert pf.body.attrs["y"].pos[0] == 5


def test_duplicate_attribute_is_a_problem_and_the_first_wins() -> None:
    pf = parse_file("x = 1\nx = 2\n")
    assert pf.body is not None
    assert pf.body.attrs["x"].expr == Lit((1, 5, 1, 6), 1)
    assert [(p.line, p.column) for p in pf.problems] == [(2, 1)]
    assert "defined twice" in pf.problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        (
            'resource "a" "b" {\n  name = "x"\n',
            3,
            1,
            'expected "}" or an attribute, found end of file',
        ),
        ('x = "abc\ny = 1\n', 1, 6, "expected a closing quote"),
        ("x = 1 @ 2\n", 1, 7, 'unexpected "@ 2"'),
        ("x = \n", 1, 5, "expected an expression"),
        ("a = [1, 2\nb = 3\n", 2, 1, 'expected "]"'),
        ('x = "%{ if true }a"\n', 1, 6, '"%{if}" is not closed by "%{endif}"'),
        ("x = <<EOT\n${\nEOT\n", 2, 3, "not closed"),
    ],
)
def test_syntax_errors_in_plain_words(text: str, line: int, col: int, message: str) -> None:
    pf = parse_file(text)
    assert pf.body is None
    (problem,) = pf.problems
    assert (problem.line, problem.column) == (line, col), problem
    assert message in problem.message


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    pf = parse_file("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert pf.body is None
    assert "nested too deeply" in pf.problems[0].message


# ---- JSON syntax -----------------------------------------------------------------

TF_JSON = """{
  "//": "generated",
  "resource": {
    "aws_s3_bucket": {
      "b": {
        "bucket": "logs-${var.env}",
        "count": "${var.n}",
        "tags": {"Name": "x"},
        "depends_on": ["aws_kms_key.k"],
        "lifecycle": {"prevent_destroy": true},
        "dynamic": {"rule": {"for_each": "${var.rules}", "content": {"id": "${rule.key}"}}}
      }
    }
  },
  "variable": {"env": {"type": "string", "default": "prod"}},
  "locals": [{"a": 1}, {"b": "${local.a + 1}"}]
}
"""


def test_json_syntax_blocks_labels_and_templates() -> None:
    pf = parse_file(TF_JSON, json_syntax=True)
    assert pf.problems == ()
    assert pf.body is not None
    kinds = [(b.type, b.labels) for b in pf.body.blocks]
    assert kinds == [
        ("resource", ("aws_s3_bucket", "b")),
        ("variable", ("env",)),
        ("locals", ()),
        ("locals", ()),
    ]
    res = pf.body.blocks[0]
    assert res.pos[:2] == (5, 7)
    attrs = res.body.attrs
    assert render(attrs["bucket"].expr) == '"logs-${var.env}"'
    assert render(attrs["count"].expr) == '"${var.n}"'
    assert render(attrs["depends_on"].expr) == "[aws_kms_key.k]"
    assert attrs["tags"].pos[:2] == (8, 9)
    assert [b.type for b in res.body.blocks] == ["lifecycle", "dynamic"]
    dyn = res.body.blocks[1]
    assert isinstance(dyn, Block) and dyn.labels == ("rule",)
    assert [b.type for b in dyn.body.blocks] == ["content"]
    variable = pf.body.blocks[1]
    assert render(variable.body.attrs["type"].expr) == "string"


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [('{"resource": {', 1, 15), ('{"a": 1,}', 1, 9), ("[1]", 1, 1), ('{"x": tru}', 1, 7)],
)
def test_json_syntax_errors(text: str, line: int, col: int) -> None:
    pf = parse_file(text, json_syntax=True)
    assert isinstance(pf, ParsedFile) and pf.body is None
    assert (pf.problems[0].line, pf.problems[0].column) == (line, col)


# ---- unreadable files, through the loader ----------------------------------------


def test_unreadable_files_are_diagnostics_and_the_rest_still_loads(tmp_path: Path) -> None:
    good = 'resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n'
    result = load(
        tmp_path,
        {
            "good.tf": good,
            "broken.tf": 'resource "aws_sqs_queue" "r" {\n  name = "x"\n',
            "binary.tf": b"\x00\x01\x02binary",
            "latin1.tf": 'x = "caf\xe9"\n'.encode("latin-1"),
            "big.tf": "# " + "x" * 40_000 + "\n",
            "bom.tf": '\ufeffresource "aws_sqs_queue" "bom" {}\n',
            "deep.tf": "locals {\n  x = " + "[" * 12_000 + "]" * 12_000 + "\n}\n",
        },
        limits=Limits(max_file_bytes=32_768),
    )
    assert node(result, "aws_sqs_queue.q").attrs == {"name": "jobs"}
    assert node(result, "aws_sqs_queue.bom").range == Range("bom.tf", 1, 1, 1, 34)
    found = {
        (d.rule_id, d.range.file, d.range.start_line, d.range.start_col) for d in diags(result)
    }
    assert found == {
        ("SYS001", "broken.tf", 3, 1),
        ("SYS001", "binary.tf", 1, 1),
        ("SYS001", "latin1.tf", 1, 9),
        ("SYS008", "big.tf", 1, 1),
        ("SYS001", "deep.tf", 1, 1),
    }
    by_file = {d.range.file: d for d in diags(result)}
    assert by_file["broken.tf"].address == "broken.tf"
    assert by_file["broken.tf"].scope == "."
    assert by_file["broken.tf"].message == 'expected "}" or an attribute, found end of file'
    assert "binary" in by_file["binary.tf"].message
    assert "UTF-8" in by_file["latin1.tf"].message
    assert "limit" in by_file["big.tf"].message


def test_strip_markers_on_interpolations_are_accepted() -> None:
    # python-hcl2's grammar has no strip markers on ${...}; the value keeps its spaces
    pf = parse_file('x = "a ${~ var.x ~} b"\ny = "%{~ if true ~} y %{~ endif ~}"\n')
    assert pf.problems == ()
    assert pf.body is not None
    assert render(pf.body.attrs["x"].expr) == '"a ${var.x} b"'
    assert pf.body.attrs["x"].pos == (1, 1, 1, 23)
    assert render(pf.body.attrs["y"].expr) == '"%{ if true }y%{ endif }"'


NEWLINES_IN_BRACKETS = """\
variable "tags" {
  default = { Team = "data", Env = "prod" }
}
variable "names" {
  default = ["logs", "", "audit"]
}
locals {
  by_key = { for k, v in var.tags : lower(k)
    => v }
  filtered = { for k, v in var.tags :
    k => v
    if k != "Env"
  }
  kept = [for s in var.names : s
    if s != ""]
  upper = [
    for s in var.names :
    upper(s)
  ]
  sum = (
    1 + # one
    2   // two
    /* three */
  )
  difference = (
    3
    - 1
  )
  choice = (length(var.names) > 2
    ? "many"
    : "few")
  merged = merge(
    var.tags,
    { Owner = "platform" },
  )
  keywords = { for = "kw", in = "x"
    z = 1 }
  nested = { for k, v in var.tags : k => {
      for n in [1, 2] : n
      => v
    }
  }
  heredocs = [
    <<EOT
hello
EOT
    , "b"
  ]
  indexed = var.tags[
    "Team"
  ]
  document = jsonencode({
    Statement = [
      {
        Effect = "Allow"
      },
    ]
  })
}
"""


def test_new_lines_inside_brackets_parse_as_terraform_reads_them(tmp_path: Path) -> None:
    # HCL ignores new lines inside (), [], ${} and for expressions, not between the
    # items of an object or a block
    result = load(tmp_path, {"main.tf": NEWLINES_IN_BRACKETS})
    assert diags(result) == []
    values = {n.address: n.attrs["value"] for n in result.nodes if n.category == "local"}
    assert values == {
        "local.by_key": {"team": "data", "env": "prod"},
        "local.filtered": {"Team": "data"},
        "local.kept": ["logs", "audit"],
        "local.upper": ["LOGS", "", "AUDIT"],
        "local.sum": 3,
        "local.difference": 2,
        "local.choice": "many",
        "local.merged": {"Team": "data", "Env": "prod", "Owner": "platform"},
        "local.keywords": {"for": "kw", "in": "x", "z": 1},
        "local.nested": {"Team": {"1": "data", "2": "data"}, "Env": {"1": "prod", "2": "prod"}},
        "local.heredocs": ["hello\n", "b"],
        "local.indexed": "data",
        "local.document": '{"Statement":[{"Effect":"Allow"}]}',
    }
    # positions are those of the source: the arrow's value is on its own line
    by_key = node(result, "local.by_key")
    assert by_key.locations[("value",)].start_line == 8


def test_new_lines_still_separate_object_items_and_attributes() -> None:
    # dropping the new lines of an object constructor would join its items
    pf = parse_file("x = ({\n  a = 1\n  b = 2\n})\ny = 3\n")
    assert pf.problems == ()
    assert pf.body is not None
    assert render(pf.body.attrs["x"].expr) == "{a = 1, b = 2}"
    # and a missing operand is still an error, at its line
    pf = parse_file("x = (1 +\n)\n")
    assert pf.problems and pf.problems[0].line == 2


def test_parsed_files_come_from_the_content_hash_cache(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "main.tf").write_text(SAMPLE)
    opts = options(source, cache_dir=tmp_path / "cache")
    first = Loader(opts)
    parsed = first.parse(source / "main.tf")
    assert (first.cache.hits, first.cache.misses) == (0, 1)
    second = Loader(opts)
    assert second.parse(source / "main.tf") == parsed
    assert (second.cache.hits, second.cache.misses) == (1, 0)
    (source / "main.tf").write_text(SAMPLE + "\n# changed\n")
    third = Loader(opts)
    third.parse(source / "main.tf")
    assert third.cache.misses == 1


def test_worker_processes_give_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terraform, "POOL_MIN_FILES", 24)
    files = {
        f"f{i:02d}.tf": f'resource "aws_sqs_queue" "q{i}" {{\n  name = "queue-${{{i} + 1}}"\n}}\n'
        for i in range(24 + 6)
    }
    files["broken.tf"] = 'resource "aws_sqs_queue" "x" {\n'
    write(tmp_path, files)
    serial = load_terraform([tmp_path], [], options(tmp_path, jobs=1))
    pooled = load_terraform([tmp_path], [], options(tmp_path, jobs=2))
    assert dump_graph(pooled.nodes, pooled.edges) == dump_graph(serial.nodes, serial.edges)
    assert pooled.diagnostics == serial.diagnostics
    assert len(serial.nodes) == 24 + 6
