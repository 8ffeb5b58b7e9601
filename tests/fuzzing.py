"""Hypothesis strategies for fuzzing the front ends (issue 13), shared by the
property tests in ``tests/test_fuzz_properties.py`` and the atheris targets in
``fuzz/``.

Profiles (registered in ``tests/conftest.py``): ``ci`` is the default, small
and derandomized so CI stays short and reproducible; ``fuzz`` multiplies the
example counts for local runs: ``HYPOTHESIS_PROFILE=fuzz python -m pytest
tests/test_fuzz_properties.py``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import yaml
from hypothesis import strategies as st

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")


def examples(n: int) -> int:
    """``n`` examples in CI, fifty times as many under the ``fuzz`` profile."""
    return n * 50 if PROFILE == "fuzz" else n


# ---------------------------------------------------------------------------
# Terraform expressions
# ---------------------------------------------------------------------------

#: locals every generated expression may refer to, with known values
KNOWN_LOCALS: dict[str, Any] = {
    "n": 3,
    "s": "a-b",
    "l": [1, 2, 3],
    "m": {"a": "x", "b": "y"},
    "o": {"name": "n", "tags": {"k": "v"}, "list": ["p", "q"]},
    "e": [],
    "t": True,
}
#: references whose values cannot be known before deploy
UNKNOWN_REFS = (
    "var.unknown",
    "data.aws_caller_identity.c.account_id",
    "aws_s3_bucket.b.arn",
    "module.m.out",
)

_NUMBERS = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from(["0", "1e308", "1e999", "-1e999", "0.5", "9" * 30, "1e-300", "1e9"]),
)


def _hcl_string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


_STRINGS = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=12,
    ),
    st.sampled_from(
        ["", "%d", "%0999999999d", "%v", "a,b", "10.0.0.0/16", "/[a-z]+/", "::", "\n", "*"]
    ),
)

_LEAVES = st.one_of(
    _NUMBERS.map(str),
    _STRINGS.map(_hcl_string),
    st.sampled_from(["true", "false", "null"]),
    st.sampled_from([f"local.{k}" for k in KNOWN_LOCALS]),
    st.sampled_from(UNKNOWN_REFS),
    st.sampled_from(["local.o.tags", "local.o.list[0]", 'local.m["a"]', "local.l[*]"]),
)

FUNCTION_NAMES = [
    "abs",
    "ceil",
    "floor",
    "signum",
    "pow",
    "log",
    "max",
    "min",
    "parseint",
    "format",
    "formatlist",
    "join",
    "split",
    "upper",
    "lower",
    "title",
    "chomp",
    "trimspace",
    "trim",
    "trimprefix",
    "trimsuffix",
    "replace",
    "regex",
    "regexall",
    "substr",
    "strrev",
    "indent",
    "length",
    "element",
    "index",
    "lookup",
    "contains",
    "keys",
    "values",
    "merge",
    "concat",
    "flatten",
    "distinct",
    "reverse",
    "sort",
    "slice",
    "range",
    "chunklist",
    "compact",
    "coalesce",
    "coalescelist",
    "one",
    "zipmap",
    "transpose",
    "setunion",
    "setintersection",
    "setsubtract",
    "setproduct",
    "alltrue",
    "anytrue",
    "sum",
    "matchkeys",
    "tolist",
    "toset",
    "tomap",
    "tostring",
    "tonumber",
    "tobool",
    "jsonencode",
    "jsondecode",
    "yamlencode",
    "yamldecode",
    "base64encode",
    "base64decode",
    "urlencode",
    "md5",
    "sha256",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "startswith",
    "endswith",
    "strcontains",
    "sensitive",
    "nonsensitive",
    "try",
    "can",
    "nosuchfunction",
    "provider::aws::arn_parse",
]


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    two = st.tuples(children, children)
    return st.one_of(
        st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b", "k1", '"x y"']), children), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"
        ),
        st.tuples(
            children,
            st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"]),
            children,
        ).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda x: f"!({x})"),
        children.map(lambda x: f"-({x})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(st.sampled_from(FUNCTION_NAMES), st.lists(children, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        two.map(lambda t: f"[for x in {t[0]} : {t[1]}]"),
        two.map(lambda t: f"[for i, x in {t[0]} : x if {t[1]}]"),
        two.map(lambda t: f"{{for k, v in {t[0]} : tostring(k) => {t[1]}}}"),
        two.map(lambda t: f"{{for k, v in {t[0]} : tostring(v) => k...}}"),
        two.map(lambda t: f"({t[0]})[{t[1]}]"),
        children.map(lambda x: f"({x}).name"),
        children.map(lambda x: f"({x})[*].name"),
        two.map(lambda t: f'"pre-${{{t[0]}}}-${{{t[1]}}}"'),
        two.map(lambda t: f'"%{{if {t[0]}}}yes%{{else}}${{{t[1]}}}%{{endif}}"'),
        children.map(lambda x: f'"%{{for v in {x}}}${{v}},%{{endfor}}"'),
    )


#: any well-formed expression (most fail to evaluate: 1 / "a"), stressing error paths
UNTYPED: st.SearchStrategy[str] = st.recursive(_LEAVES, _combine, max_leaves=12)


def _call(name: str, *args: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*args).map(lambda xs: f"{name}({', '.join(xs)})")


def _bin(a: st.SearchStrategy[str], ops: list[str], b: st.SearchStrategy[str]) -> Any:
    return st.tuples(a, st.sampled_from(ops), b).map(lambda t: f"({t[0]} {t[1]} {t[2]})")


_UNKNOWN = st.sampled_from(UNKNOWN_REFS)
_SMALL = st.integers(min_value=-3, max_value=12).map(str)
_WORD = st.sampled_from(['"a"', '"b-c"', '"10.0.0.0/16"', '"x,y"', '""', '"%s-%d"', '"é"'])


def _leaves() -> dict[str, st.SearchStrategy[str]]:
    num = st.one_of(_SMALL, _NUMBERS.map(str), st.just("local.n"), _UNKNOWN)
    string = st.one_of(_WORD, _STRINGS.map(_hcl_string), st.just("local.s"), _UNKNOWN)
    lst = st.one_of(
        st.sampled_from(["local.l", "local.e", "local.o.list", "[]", "[1, 2]"]), _UNKNOWN
    )
    mp = st.one_of(st.sampled_from(["local.m", "local.o", "local.o.tags", "{}"]), _UNKNOWN)
    boolean = st.one_of(st.sampled_from(["true", "false", "local.t"]), _UNKNOWN)
    return _level(num, string, lst, mp, boolean)


def _level(
    num: st.SearchStrategy[str],
    string: st.SearchStrategy[str],
    lst: st.SearchStrategy[str],
    mp: st.SearchStrategy[str],
    boolean: st.SearchStrategy[str],
) -> dict[str, st.SearchStrategy[str]]:
    return {
        "NUM": num,
        "STR": string,
        "LIST": lst,
        "MAP": mp,
        "BOOL": boolean,
        "ANY": st.one_of(num, string, boolean, lst, mp),
    }


def _typed(p: dict[str, st.SearchStrategy[str]]) -> dict[str, st.SearchStrategy[str]]:
    """One level of well-typed expressions built from the level below ``p``."""
    num = st.one_of(
        _SMALL,
        _NUMBERS.map(str),
        st.just("local.n"),
        _UNKNOWN,
        _call("length", p["LIST"]),
        _call("abs", p["NUM"]),
        _call("max", p["NUM"], p["NUM"]),
        _call("floor", p["NUM"]),
        _call("pow", p["NUM"], _SMALL),
        _call("parseint", st.just('"ff"'), st.just("16")),
        _call("sum", st.just("local.l")),
        _call("index", p["LIST"], p["NUM"]),
        _call("tonumber", p["STR"]),
        _bin(p["NUM"], ["+", "-", "*", "/", "%"], p["NUM"]),
        st.tuples(p["BOOL"], p["NUM"], p["NUM"]).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
    )
    string = st.one_of(
        _WORD,
        _STRINGS.map(_hcl_string),
        st.just("local.s"),
        _UNKNOWN,
        _call("upper", p["STR"]),
        _call("format", _WORD, p["NUM"]),
        _call("join", _WORD, p["LIST"]),
        _call("replace", p["STR"], _WORD, p["STR"]),
        _call("substr", p["STR"], p["NUM"], p["NUM"]),
        _call("tostring", p["NUM"]),
        _call("jsonencode", p["ANY"]),
        _call("yamlencode", p["ANY"]),
        _call("element", p["LIST"], p["NUM"]),
        _call("lookup", p["MAP"], p["STR"], p["STR"]),
        _call("cidrsubnet", st.just('"10.0.0.0/8"'), _SMALL, p["NUM"]),
        _call("indent", _SMALL, p["STR"]),
        _call("trimprefix", p["STR"], _WORD),
        _call("coalesce", p["STR"], p["STR"]),
        _call("try", p["STR"], _WORD),
        st.tuples(p["STR"], p["NUM"]).map(lambda t: f'"${{{t[0]}}}-${{{t[1]}}}"'),
        p["LIST"].map(lambda x: f'"%{{for v in {x}}}${{v}};%{{endfor}}"'),
    )
    lst = st.one_of(
        st.lists(p["ANY"], max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.sampled_from(["local.l", "local.e", "local.o.list"]),
        _UNKNOWN,
        _call("range", _SMALL),
        _call("concat", p["LIST"], p["LIST"]),
        _call("split", _WORD, p["STR"]),
        _call("keys", p["MAP"]),
        _call("values", p["MAP"]),
        _call("distinct", p["LIST"]),
        _call("flatten", st.tuples(p["LIST"], p["LIST"]).map(lambda t: f"[{t[0]}, {t[1]}]")),
        _call("slice", p["LIST"], _SMALL, _SMALL),
        _call("reverse", p["LIST"]),
        _call("sort", p["LIST"]),
        _call("setproduct", p["LIST"], p["LIST"]),
        _call("chunklist", p["LIST"], _SMALL),
        _call("toset", p["LIST"]),
        _call("compact", p["LIST"]),
        _call("cidrsubnets", st.just('"10.0.0.0/16"'), _SMALL, _SMALL),
        st.tuples(p["LIST"], p["ANY"]).map(lambda t: f"[for x in {t[0]} : {t[1]}]"),
        st.tuples(p["LIST"], p["BOOL"]).map(lambda t: f"[for i, x in {t[0]} : x if {t[1]}]"),
        p["MAP"].map(lambda m: f"[for k, v in {m} : v]"),
        p["LIST"].map(lambda x: f"{x}[*]"),
    )
    mp = st.one_of(
        st.lists(st.tuples(st.sampled_from(["a", "b", '"c d"', "k"]), p["ANY"]), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"
        ),
        st.sampled_from(["local.m", "local.o", "local.o.tags"]),
        _UNKNOWN,
        _call("merge", p["MAP"], p["MAP"]),
        _call("zipmap", p["LIST"], p["LIST"]),
        _call("tomap", p["MAP"]),
        _call("transpose", st.just('{a = ["x", "y"], b = ["x"]}')),
        st.tuples(p["MAP"], p["ANY"]).map(lambda t: f"{{for k, v in {t[0]} : k => {t[1]}}}"),
        st.tuples(p["LIST"], p["STR"]).map(
            lambda t: f"{{for x in {t[0]} : tostring(x) => {t[1]}...}}"
        ),
    )
    boolean = st.one_of(
        st.sampled_from(["true", "false", "local.t"]),
        _UNKNOWN,
        _bin(p["NUM"], ["<", ">=", "==", "!="], p["NUM"]),
        _bin(p["BOOL"], ["&&", "||"], p["BOOL"]),
        p["BOOL"].map(lambda b: f"!({b})"),
        _call("contains", p["LIST"], p["ANY"]),
        _call("startswith", p["STR"], _WORD),
        _call("alltrue", p["LIST"]),
        _call("can", p["ANY"]),
        _bin(p["STR"], ["==", "!="], p["STR"]),
    )
    return _level(num, string, lst, mp, boolean)


_TYPED = _leaves()
for _ in range(3):
    _TYPED = _typed(_TYPED)
ANY = _TYPED["ANY"]

#: a well-formed Terraform expression: mostly well-typed (so evaluation goes deep),
#: sometimes anything at all (so the error paths are exercised too)
EXPRESSIONS: st.SearchStrategy[str] = st.one_of(ANY, ANY, UNTYPED)


# ---------------------------------------------------------------------------
# Terraform documents
# ---------------------------------------------------------------------------

_RESOURCE_TYPES = (
    "aws_s3_bucket",
    "aws_db_instance",
    "aws_security_group",
    "aws_iam_policy",
    "aws_kms_key",
    "aws_lb_listener",
    "aws_cloudtrail",
    "aws_instance",
)
_ATTR_NAMES = (
    "bucket",
    "acl",
    "storage_encrypted",
    "kms_key_id",
    "policy",
    "cidr_blocks",
    "port",
    "protocol",
    "publicly_accessible",
    "enable_key_rotation",
    "tags",
    "name",
)
_NAMES = st.sampled_from(["a", "b", "main", "x1"])


@st.composite
def _block(draw: st.DrawFn, depth: int = 0) -> str:
    attrs = draw(st.lists(st.tuples(st.sampled_from(_ATTR_NAMES), EXPRESSIONS), max_size=4))
    lines = [f"  {k} = {v}" for k, v in attrs]
    if depth < 2 and draw(st.booleans()):
        nested = draw(_block(depth + 1))
        kind = draw(st.sampled_from(["ingress", "rule", "dynamic_block", "lifecycle"]))
        lines.append(f"  {kind} {{\n{nested}\n  }}")
    return "\n".join(lines)


@st.composite
def terraform_document(draw: st.DrawFn) -> str:
    """A configuration file: locals, variables, resources (count/for_each), outputs."""
    parts = [
        "locals {\n"
        + "\n".join(f"  {k} = {json.dumps(v)}" for k, v in KNOWN_LOCALS.items())
        + "\n}",
        'variable "unknown" {}',
    ]
    for i, expr in enumerate(draw(st.lists(EXPRESSIONS, max_size=3))):
        parts.append(f"locals {{\n  g{i} = {expr}\n}}")
    for _ in range(draw(st.integers(0, 3))):
        rtype = draw(st.sampled_from(_RESOURCE_TYPES))
        name = draw(_NAMES)
        body = draw(_block())
        meta = draw(
            st.sampled_from(
                ["", "  count = 2", '  for_each = toset(["p", "q"])', "  count = local.n"]
                + [f"  count = {e}" for e in ("var.unknown", "100000", "-1", '"x"')]
                + ["  for_each = local.m", "  depends_on = [aws_s3_bucket.a]"]
            )
        )
        parts.append(f'resource "{rtype}" "{name}" {{\n{meta}\n{body}\n}}')
    if draw(st.booleans()):
        parts.append(f'output "o" {{\n  value = {draw(EXPRESSIONS)}\n}}')
    if draw(st.booleans()):
        parts.append(f'module "m" {{\n  source = "./mod"\n  input = {draw(EXPRESSIONS)}\n}}')
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------
# CloudFormation templates
# ---------------------------------------------------------------------------

_CFN_TYPES = (
    "AWS::S3::Bucket",
    "AWS::RDS::DBInstance",
    "AWS::EC2::SecurityGroup",
    "AWS::IAM::Policy",
    "AWS::KMS::Key",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::CloudTrail::Trail",
    "AWS::Serverless::Function",
    "AWS::CloudFormation::Stack",
    "Custom::Thing",
    "Not::A::Type",
)
_CFN_PROPS = (
    "BucketName",
    "BucketEncryption",
    "StorageEncrypted",
    "KmsKeyId",
    "PolicyDocument",
    "SecurityGroupIngress",
    "Port",
    "Protocol",
    "PubliclyAccessible",
    "EnableKeyRotation",
    "Tags",
    "TemplateURL",
)
_LOGICAL = st.sampled_from(["A", "B", "Bucket", "Key1", "Missing"])

_CFN_SCALARS = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.booleans(),
    st.none(),
    _STRINGS,
    st.sampled_from(["AWS::Region", "AWS::NoValue", "0.0.0.0/0", "*", "${AWS::AccountId}"]),
)


def _cfn_combine(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from((*_CFN_PROPS, "Key", "Value")), children, max_size=3),
        _LOGICAL.map(lambda x: {"Ref": x}),
        st.sampled_from(["AWS::Region", "AWS::NoValue", "Param"]).map(lambda x: {"Ref": x}),
        st.tuples(_LOGICAL, st.sampled_from(["Arn", "Nope", "A.B"])).map(
            lambda t: {"Fn::GetAtt": [t[0], t[1]]}
        ),
        children.map(lambda x: {"Fn::Sub": x}),
        st.tuples(children, children).map(lambda t: {"Fn::Join": [t[0], t[1]]}),
        st.tuples(children, children).map(lambda t: {"Fn::Select": [t[0], t[1]]}),
        st.tuples(children, children).map(lambda t: {"Fn::If": ["Cond", t[0], t[1]]}),
        children.map(lambda x: {"Fn::If": x}),
        st.tuples(children, children).map(lambda t: {"Fn::FindInMap": ["Map", t[0], t[1]]}),
        children.map(lambda x: {"Fn::Base64": x}),
        children.map(lambda x: {"Fn::GetAZs": x}),
        children.map(lambda x: {"Fn::ImportValue": x}),
        children.map(lambda x: {"Fn::Split": [",", x]}),
        children.map(lambda x: {"Fn::ToJsonString": x}),
        children.map(lambda x: {"Fn::Length": x}),
        children.map(lambda x: {"Condition": x}),
        st.tuples(children, children).map(lambda t: {"Fn::Equals": [t[0], t[1]]}),
    )


CFN_VALUES: st.SearchStrategy[Any] = st.recursive(_CFN_SCALARS, _cfn_combine, max_leaves=10)


@st.composite
def cfn_template(draw: st.DrawFn) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for name in draw(st.lists(_LOGICAL, max_size=4, unique=True)):
        res: dict[str, Any] = {"Type": draw(st.sampled_from(_CFN_TYPES))}
        if draw(st.booleans()):
            res["Properties"] = draw(
                st.one_of(
                    st.dictionaries(st.sampled_from(_CFN_PROPS), CFN_VALUES, max_size=4), CFN_VALUES
                )
            )
        if draw(st.booleans()):
            res["Condition"] = draw(st.sampled_from(["Cond", "Nope"]))
        if draw(st.booleans()):
            res["DependsOn"] = draw(CFN_VALUES)
        if draw(st.booleans()):
            res["DeletionPolicy"] = draw(st.sampled_from(["Retain", "Delete", 3]))
        resources[name] = res
    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    if draw(st.booleans()):
        template["Parameters"] = {"Param": {"Type": "String", "Default": draw(CFN_VALUES)}}
    if draw(st.booleans()):
        template["Conditions"] = {"Cond": draw(CFN_VALUES)}
    if draw(st.booleans()):
        template["Mappings"] = {"Map": {"k": {"v": draw(CFN_VALUES)}}}
    if draw(st.booleans()):
        template["Outputs"] = {"O": {"Value": draw(CFN_VALUES)}}
    if draw(st.booleans()):
        template["Transform"] = draw(st.sampled_from(["AWS::Serverless-2016-10-31", ["X"], 1]))
    return template


def dump_template(template: dict[str, Any], as_json: bool) -> str:
    if as_json:
        return json.dumps(template, indent=1, ensure_ascii=False)
    return yaml.safe_dump(template, sort_keys=False, allow_unicode=True)


# ---------------------------------------------------------------------------
# Mutations of real files
# ---------------------------------------------------------------------------


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to three edits: a flipped byte, a cut, a duplicated slice,
    an inserted token, or truncation."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        kind = draw(st.sampled_from(["flip", "cut", "dup", "insert", "truncate"]))
        if kind == "flip":
            out[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del out[i : i + draw(st.integers(1, 64))]
        elif kind == "dup":
            j = min(len(out), i + draw(st.integers(1, 400)))
            out[j:j] = out[i:j]
        elif kind == "insert":
            token = draw(
                st.sampled_from(
                    [
                        b"{",
                        b"}",
                        b'"',
                        b"${",
                        b"%{",
                        b"[",
                        b"<<EOT\n",
                        b"\n",
                        b"&a ",
                        b"*a",
                        b"!Ref ",
                        b"\t",
                        b"\xff",
                        b"\x00",
                        b"- ",
                        b": ",
                        b"'",
                    ]
                )
            )
            out[i:i] = token
        else:
            del out[i:]
    return bytes(out)
