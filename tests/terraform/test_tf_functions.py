"""Every built-in function the evaluator knows, on known and unknown arguments."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from tfload import ev, load, node, write

from soc2lint.frontend import Limits
from soc2lint.model import Unknown

U = Unknown("var.x", ("var.x",))

CASES: list[tuple[str, Any]] = [
    # numbers
    ("abs(-3)", 3),
    ("ceil(1.2)", 2),
    ("floor(1.8)", 1),
    ("max(1, 7, 3)", 7),
    ("min(4, -2)", -2),
    ("max([5, 9]...)", 9),
    ("sum([1, 2, 3.5])", 6.5),
    ("signum(-4)", -1),
    ("pow(2, 10)", 1024),
    ('parseint("ff", 16)', 255),
    ("range(3)", [0, 1, 2]),
    ("range(1, 4)", [1, 2, 3]),
    ("range(10, 0, -4)", [10, 6, 2]),
    ("range(0)", []),
    # strings
    ('lower("AbC")', "abc"),
    ('upper("abc")', "ABC"),
    ('title("hello world-wide")', "Hello World-Wide"),
    ('trimspace("  x \\n")', "x"),
    ('trim("?!hello?!", "!?")', "hello"),
    ('trimprefix("helloworld", "hello")', "world"),
    ('trimsuffix("helloworld", "world")', "hello"),
    ('trimprefix("hello", "x")', "hello"),
    ('startswith("arn:aws:s3", "arn:")', True),
    ('endswith("file.tf", ".json")', False),
    ('strcontains("abc", "b")', True),
    ('substr("hello world", 1, 4)', "ello"),
    ('substr("hello", -3, -1)', "llo"),
    ('join("-", ["a", "b"], ["c"])', "a-b-c"),
    ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
    ('replace("1 + 2 + 3", "+", "-")', "1 - 2 - 3"),
    ('replace("hello world", "/w.*d/", "there")', "hello there"),
    ('replace("a-1 b-2", "/([a-z])-(\\\\d)/", "$2$1")', "1a 2b"),
    ('regex("[a-z]+", "123abc456")', "abc"),
    ('regex("(\\\\d+)-(\\\\d+)", "10-20")', ["10", "20"]),
    ('regex("(?P<k>\\\\w+)=(?P<v>\\\\w+)", "a=b")', {"k": "a", "v": "b"}),
    ('regexall("\\\\d", "a1b2")', ["1", "2"]),
    ('length(regexall("z", "abc")) > 0', False),
    ('format("%s-%03d", "web", 7)', "web-007"),
    ('format("%q %t %v", "x", true, 1.5)', '"x" true 1.5'),
    ('format("%.2f|%5s|%-4s|", 3.14159, "ab", "c")', "3.14|   ab|c   |"),
    ('format("%x %X %o %b %%", 255, 255, 8, 5)', "ff FF 10 101 %"),
    ('format("%[2]s %[1]s", "a", "b")', "b a"),
    ('format("%#v", {a = 1})', '{"a":1}'),
    ('formatlist("%s=%s", ["a", "b"], "x")', ["a=x", "b=x"]),
    ('formatlist("%s.%s", ["a", "b"], ["1", "2"])', ["a.1", "b.2"]),
    ('strrev("abc")', "cba"),
    ('chomp("x\\n\\n")', "x"),
    ('indent(2, "a\\nb")', "a\n  b"),
    # encoding
    ('jsonencode({b = [1, true, null], a = "<x>"})', '{"a":"\\u003cx\\u003e","b":[1,true,null]}'),
    ('jsondecode("{\\"a\\": [1, 2.5]}")', {"a": [1, 2.5]}),
    ('yamldecode("a: 1\\nb: [x, y]\\n")', {"a": 1, "b": ["x", "y"]}),
    ("yamlencode({a = 1})", "a: 1\n"),
    ('base64encode("hello")', "aGVsbG8="),
    ('base64decode("aGVsbG8=")', "hello"),
    ('md5("abc")', hashlib.md5(b"abc").hexdigest()),
    ('sha1("abc")', hashlib.sha1(b"abc").hexdigest()),
    ('sha256("abc")', hashlib.sha256(b"abc").hexdigest()),
    ('urlencode("a b&c")', "a+b%26c"),
    # collections
    ("length([1, 2, 3])", 3),
    ("length({a = 1})", 1),
    ('length("héllo")', 5),
    ('element(["a", "b", "c"], 4)', "b"),
    ('contains(["a", "b"], "b")', True),
    ('contains(["a", "b"], "z")', False),
    ('index(["a", "b"], "b")', 1),
    ("keys({b = 1, a = 2})", ["a", "b"]),
    ("values({b = 1, a = 2})", [2, 1]),
    ('lookup({a = 1}, "a", 0)', 1),
    ('lookup({a = 1}, "b", 0)', 0),
    ("merge({a = 1, b = 2}, {b = 3}, null)", {"a": 1, "b": 3}),
    ('concat(["a"], [], ["b", "c"])', ["a", "b", "c"]),
    ('coalesce("", null, "x", "y")', "x"),
    ("coalescelist([], [1], [2])", [1]),
    ('compact(["a", "", null, "b"])', ["a", "b"]),
    ('distinct(["a", "b", "a"])', ["a", "b"]),
    ("flatten([[1, [2]], [], 3])", [1, 2, 3]),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ('tolist(toset(["x"]))', ["x"]),
    ('tomap({a = "1"})', {"a": "1"}),
    ("tostring(5)", "5"),
    ("tostring(true)", "true"),
    ('tonumber("1.5")', 1.5),
    ('tonumber("42")', 42),
    ('tobool("true")', True),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ("chunklist([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
    ('matchkeys(["i-1", "i-2", "i-3"], ["a", "b", "a"], ["a"])', ["i-1", "i-3"]),
    ('transpose({a = ["1", "2"], b = ["2"]})', {"1": ["a"], "2": ["a", "b"]}),
    ('setunion(["a"], ["b", "a"])', ["a", "b"]),
    ('setintersection(["a", "b"], ["b", "c"])', ["b"]),
    ('setsubtract(["a", "b"], ["b"])', ["a"]),
    ("alltrue([true, true])", True),
    ("alltrue([true, false])", False),
    ("anytrue([false, true])", True),
    ("anytrue([])", False),
    ("reverse([1, 2, 3])", [3, 2, 1]),
    ('sort(["b", "a", "c"])', ["a", "b", "c"]),
    ('slice(["a", "b", "c", "d"], 1, 3)', ["b", "c"]),
    ('one(["x"])', "x"),
    ("one([])", None),
    ('sensitive("s")', "s"),
    ('nonsensitive("s")', "s"),
    # networking
    ('cidrsubnet("10.0.0.0/16", 8, 2)', "10.0.2.0/24"),
    ('cidrsubnet("172.16.0.0/12", 4, 15)', "172.31.0.0/16"),
    ('cidrhost("10.12.112.0/20", 16)', "10.12.112.16"),
    ('cidrhost("10.0.0.0/24", -1)', "10.0.0.255"),
    ('cidrnetmask("172.16.0.0/12")', "255.240.0.0"),
    ('cidrsubnets("10.1.0.0/16", 4, 4, 8)', ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24"]),
    # try / can
    ('try(lookup({}, "missing"), "fallback")', "fallback"),
    ('try("first", "second")', "first"),
    ('can(regex("^ami-", "ami-123"))', True),
    ('can(regex("^ami-", "img-123"))', False),
    ('can(tonumber("x"))', False),
]


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_function(expr: str, expected: Any) -> None:
    assert ev(expr) == expected


# ---- unknown arguments ---------------------------------------------------------

DECIDED: list[tuple[str, Any]] = [
    ('coalesce("a", x)', "a"),
    ("length([x, x])", 2),
    ('contains(["a", x], "a")', True),
    ('lookup({a = x, b = "known"}, "b")', "known"),
    ('lookup({a = 1}, "b", x)', U),
    ("alltrue([false, x])", False),
    ("anytrue([true, x])", True),
    ('element(["a", x], 0)', "a"),
    ("keys({a = x})", ["a"]),
    ("one([x])", U),
    ("tolist([x])", [U]),
    ('concat(["a"], [x])', ["a", U]),
    ("merge({a = x}, {b = 1})", {"a": U, "b": 1}),
    ("sensitive(x)", U),
]


@pytest.mark.parametrize(("expr", "expected"), DECIDED, ids=[c[0] for c in DECIDED])
def test_decided_despite_unknown(expr: str, expected: Any) -> None:
    assert ev(expr, x=U) == expected


UNDECIDED = [
    "upper(x)",
    'coalesce(x, "a")',
    'contains(["b", x], "a")',
    "length(x)",
    'join(",", [x, "b"])',
    'format("%s", x)',
    "jsonencode({a = x})",
    "merge(x, {b = 1})",
    'lookup(x, "a", "d")',
    "toset([x])",
    "flatten([x])",
    'compact([x, "a"])',
    'replace(x, "a", "b")',
    "cidrsubnet(x, 8, 1)",
    "keys(x)",
    "alltrue([true, x])",
    'regex("a", x)',
    "base64encode(x)",
    "templatefile(x, {})",
]


@pytest.mark.parametrize("expr", UNDECIDED)
def test_unknown_argument_gives_unknown_with_refs(expr: str) -> None:
    value = ev(expr, x=U)
    assert isinstance(value, Unknown), value
    assert value.refs == ("var.x",)
    assert value.expr == expr


def test_unknown_only_functions() -> None:
    for expr in ("uuid()", "timestamp()", 'bcrypt("x")'):
        value = ev(expr)
        assert isinstance(value, Unknown)
        assert value.expr == expr


def test_unknown_function_and_provider_function_give_unknown() -> None:
    for expr in ('provider::aws::arn_parse("arn:aws:s3:::b")', 'nosuchfunction(1, "a")'):
        value = ev(expr)
        assert value == Unknown(expr)


def test_secret_unknowns_stay_secret_through_functions() -> None:
    secret = Unknown("random_password.p.result", ("random_password.p",), secret=True)
    value = ev('"prefix-${x}"', x=secret)
    assert isinstance(value, Unknown)
    assert value.secret is True
    assert value.refs == ("random_password.p",)


@pytest.mark.parametrize(
    "expr",
    [
        'lookup({a = 1}, "b")',
        "element([], 0)",
        'index(["a"], "z")',
        'regex("z", "abc")',
        'tonumber("abc")',
        'cidrsubnet("10.0.0.0/30", 4, 0)',
        "one([1, 2])",
        'jsondecode("{")',
        'base64decode("***")',
        "range(1, 2, 0)",
        'substr("abc", 9, 1)',
    ],
)
def test_errors_become_unknown(expr: str) -> None:
    value = ev(expr)
    assert isinstance(value, Unknown)
    assert value.expr == expr


def test_range_over_the_step_budget_stops_before_allocating() -> None:
    limits = Limits(max_eval_steps=10_000)
    value = ev("range(1e9)", limits=limits)
    assert isinstance(value, Unknown)


def test_yaml_alias_bomb_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += (
            f"a{i}: &a{i} [*{'a' if i == 1 else f'a{i - 1}'}"
            + f", *{'a' if i == 1 else f'a{i - 1}'}" * 8
            + "]\n"
        )
    value = ev(f"yamldecode({json.dumps(bomb)})", limits=Limits(max_eval_steps=50_000))
    assert isinstance(value, Unknown)


def test_file_functions_read_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "policy.json").write_text('{"Version": "2012-10-17"}')
    (tmp_path / "user_data.tpl").write_text(
        "#!/bin/sh\n%{ for p in ports ~}\nopen ${p}\n%{ endfor ~}\necho ${name}\n"
    )
    assert ev('file("policy.json")', root=tmp_path) == '{"Version": "2012-10-17"}'
    assert ev('jsondecode(file("policy.json")).Version', root=tmp_path) == "2012-10-17"
    assert ev('fileexists("policy.json")', root=tmp_path) is True
    assert ev('fileexists("nope.json")', root=tmp_path) is False
    rendered = ev('templatefile("user_data.tpl", {ports = [22, 443], name = "web"})', root=tmp_path)
    assert rendered == "#!/bin/sh\nopen 22\nopen 443\necho web\n"
    missing = ev('file("missing.txt")', root=tmp_path)
    assert isinstance(missing, Unknown)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # Go's filepath.Base / Dir / Clean, which Terraform's functions use
        ('basename("modules/logs/main.tf")', "main.tf"),
        ('basename("modules/logs/")', "logs"),
        ('basename("")', "."),
        ('basename("///")', "/"),
        ('dirname("modules/logs/main.tf")', "modules/logs"),
        ('dirname("main.tf")', "."),
        ('dirname("/main.tf")', "/"),
        ('dirname("a//b")', "a"),
        ('dirname("./x/../y/z.tf")', "y"),
        ('abspath("/etc//nginx/")', "/etc/nginx"),
        ('pathexpand("/opt/keys/id.pub")', "/opt/keys/id.pub"),
        ('pathexpand("keys/id.pub")', "keys/id.pub"),
    ],
)
def test_path_functions(expr: str, expected: str) -> None:
    assert ev(expr) == expected


def test_home_directory_is_unknown_never_the_scanners() -> None:
    # whoever runs terraform has their own home: the scanner's HOME says nothing about it
    for expr in ('pathexpand("~/.ssh/id_rsa.pub")', 'pathexpand("~")', 'pathexpand("~bob/x")'):
        value = ev(expr)
        assert isinstance(value, Unknown), expr


def test_module_directory_names_through_path_functions(tmp_path: Path) -> None:
    # the layout live/<env>/ with names taken from the directory, a common pattern
    write(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "live/prod/main.tf": """
module "logs" {
  source = "../../modules/logs"
}

locals {
  env     = basename(abspath(path.module))
  account = basename(dirname(abspath(path.root)))
  here    = basename(path.cwd)
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-${local.env}-data"
}
""",
            "modules/logs/main.tf": """
resource "aws_s3_bucket" "logs" {
  bucket = "acme-${basename(abspath(path.module))}"
}
""",
        },
    )
    result = load(tmp_path, dirs=["live/prod"])
    assert node(result, "aws_s3_bucket.data").attrs["bucket"] == "acme-prod-data"
    assert node(result, "module.logs.aws_s3_bucket.logs").attrs["bucket"] == "acme-logs"
    assert node(result, "local.account").attrs["value"] == "live"
    assert node(result, "local.here").attrs["value"] == "prod"
