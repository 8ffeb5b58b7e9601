"""Property tests: a partly known document re-encoded with its unknowns filled in decodes to
the same known values (issue 26), and a name's template renders to the name (issue 27).

A document is generated with *holes*: values that are unknown in one evaluation and
known in another.  Evaluated with the holes unknown it is a PartialValue; with the
holes given values it is the text Terraform or CloudFormation would send.  Every value
the partial one claims to know must be the value at the same place in the decoded text,
each unknown must stand where the text has a value, and a string built from holes must
have a template that renders to the string.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fuzzing import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from soc2lint.cloudformation.conditions import Conditions
from soc2lint.cloudformation.intrinsics import Evaluator, ParamInfo, ResourceInfo, StackOutput
from soc2lint.frontend import LoadOptions
from soc2lint.model import PartialValue, Unknown, leaf_template
from soc2lint.terraform.evaluate import Loader
from soc2lint.terraform.expressions import NULL_RESOLVER, Scope
from soc2lint.terraform.hcl import parse_expression

HOLES = ("h0", "h1", "h2")


class Hole:
    """A value unknown in one evaluation; ``text`` is in a string (with text around it)."""

    def __init__(self, name: str, prefix: str = "", suffix: str = "") -> None:
        self.name, self.prefix, self.suffix = name, prefix, suffix

    def __repr__(self) -> str:
        return f"Hole({self.name!r}, {self.prefix!r}, {self.suffix!r})"


_TEXT = st.text(alphabet="abcXYZ019-_/: .", max_size=8)
_KEYS = st.text(alphabet="abcdefgXYZ_", min_size=1, max_size=6)
_SCALARS = st.one_of(
    _TEXT,
    st.integers(min_value=-1000, max_value=10**6),
    st.booleans(),
    st.none(),
    st.builds(Hole, st.sampled_from(HOLES)),
    st.builds(Hole, st.sampled_from(HOLES), _TEXT, _TEXT),
)
DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
).filter(lambda d: isinstance(d, dict | list))
#: what each hole is when it is known: strings the JSON and YAML encoders keep as they are
HOLE_VALUES = st.fixed_dictionaries({h: _TEXT.filter(lambda s: s.strip() == s) for h in HOLES})


def _has_hole(doc: Any) -> bool:
    if isinstance(doc, Hole):
        return True
    if isinstance(doc, dict):
        return any(_has_hole(v) for v in doc.values())
    if isinstance(doc, list):
        return any(_has_hole(v) for v in doc)
    return False


def _filled(doc: Any, values: dict[str, str]) -> Any:
    if isinstance(doc, Hole):
        return doc.prefix + values[doc.name] + doc.suffix
    if isinstance(doc, dict):
        return {k: _filled(v, values) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_filled(v, values) for v in doc]
    return doc


def _render(template: tuple[str, ...], values: dict[str, str]) -> str:
    out = template[0]
    for i in range(1, len(template), 2):
        out += values[template[i]] + template[i + 1]
    return out


def _agrees(known: Any, full: Any, values: dict[str, str], where: str = "$") -> None:
    """Every known value of ``known`` is ``full``'s at the same place; unknowns stand
    where ``full`` has a value, and a templated one renders to it."""
    if isinstance(known, PartialValue) and known.encoding == "":
        known = known.value  # an open map or list: its known part
    if isinstance(known, Unknown):
        if known.template is not None:
            assert _render(known.template, values) == full, where
        return
    if isinstance(known, dict):
        assert isinstance(full, dict), where
        assert known.keys() == full.keys(), where
        for k, v in known.items():
            _agrees(v, full[k], values, f"{where}.{k}")
    elif isinstance(known, list):
        assert isinstance(full, list) and len(known) == len(full), where
        for i, v in enumerate(known):
            _agrees(v, full[i], values, f"{where}[{i}]")
    else:
        assert known == full and type(known) is type(full), where


# ---- Terraform ---------------------------------------------------------------------------


def _hcl(doc: Any) -> str:
    """``doc`` written as an HCL expression; holes as references to the h0... names."""
    if isinstance(doc, Hole):
        if not doc.prefix and not doc.suffix:
            return doc.name
        return json.dumps(doc.prefix)[:-1] + "${" + doc.name + "}" + json.dumps(doc.suffix)[1:]
    if isinstance(doc, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_hcl(v)}" for k, v in doc.items()) + "}"
    if isinstance(doc, list):
        return "[" + ", ".join(_hcl(v) for v in doc) + "]"
    if doc is None:
        return "null"
    if isinstance(doc, bool):
        return "true" if doc else "false"
    if isinstance(doc, int):
        return str(doc)
    return json.dumps(doc).replace("${", "$${").replace("%{", "%%{")


def _terraform(text: str, names: dict[str, Any]) -> Any:
    root = Path("/nonexistent-root")
    loader = Loader(LoadOptions(root=root, base=root))
    loader.ev.cwd = root
    value, _ = loader.ev.evaluate(parse_expression(text), Scope(NULL_RESOLVER, names), None)
    return value


def _unknown_holes() -> dict[str, Unknown]:
    return {h: Unknown(f"var.{h}", (f"var.{h}",), template=leaf_template(h)) for h in HOLES}


@pytest.mark.parametrize(
    ("function", "decode"), [("jsonencode", json.loads), ("yamlencode", yaml.safe_load)]
)
@settings(max_examples=examples(150))
@given(doc=DOCUMENTS, values=HOLE_VALUES)
def test_terraform_encoded_documents_keep_their_known_values(
    function: str, decode: Any, doc: Any, values: dict[str, str]
) -> None:
    expr = f"{function}({_hcl(doc)})"
    full = _terraform(expr, dict(values))
    assert isinstance(full, str)
    assert decode(full) == _filled(doc, values)
    partial = _terraform(expr, _unknown_holes())
    if not _has_hole(doc):
        assert partial == full
        return
    assert isinstance(partial, PartialValue)
    assert partial.encoding == ("json" if function == "jsonencode" else "yaml")
    _agrees(partial.value, decode(full), values)
    # decoding a partly known document gives its known structure back
    back = _terraform(f"{function.replace('en', 'de', 1)}({expr})", _unknown_holes())
    _agrees(back, decode(full), values)


def _json_template(doc: Any) -> str:
    """``doc`` as JSON text with ``${h0}`` interpolations, written into the text."""
    if isinstance(doc, Hole):
        return json.dumps(doc.prefix)[:-1] + "${" + doc.name + "}" + json.dumps(doc.suffix)[1:]
    if isinstance(doc, dict):
        items = ", ".join(f"{json.dumps(k)}: {_json_template(v)}" for k, v in doc.items())
        return "{" + items + "}"
    if isinstance(doc, list):
        return "[" + ", ".join(_json_template(v) for v in doc) + "]"
    return json.dumps(doc).replace("${", "$${").replace("%{", "%%{")


@settings(max_examples=examples(150))
@given(doc=DOCUMENTS, values=HOLE_VALUES, bare=st.integers(min_value=0, max_value=99))
def test_terraform_heredoc_json_keeps_its_known_values(
    doc: Any, values: dict[str, str], bare: int
) -> None:
    # a heredoc of JSON (a policy, a container definition), with one more member whose
    # value is an interpolation written as a whole value: ${jsonencode(...)}
    text = _json_template({"document": doc, "count": "BARE"}).replace('"BARE"', "${jsonencode(n)}")
    expr = f"<<EOT\n{text}\nEOT\n"
    full = _terraform(expr, {**values, "n": bare})
    assert isinstance(full, str)
    decoded = json.loads(full)
    assert decoded == {"document": _filled(doc, values), "count": bare}
    partial = _terraform(expr, {**_unknown_holes(), "n": Unknown("var.n", ("var.n",))})
    assert isinstance(partial, PartialValue)
    assert partial.encoding == "json"
    _agrees(partial.value, decoded, values)
    assert isinstance(partial.value["count"], Unknown)


# ---- CloudFormation ----------------------------------------------------------------------


class _Env:
    def __init__(self, params: dict[str, Any]) -> None:
        self.params = {k: ParamInfo(k, v) for k, v in params.items()}

    @property
    def mappings(self) -> dict[str, Any]:
        return {}

    def parameter(self, name: str) -> ParamInfo | None:
        return self.params.get(name)

    def resource(self, name: str) -> ResourceInfo | None:
        return None

    def stack_output(self, logical_id: str, output: str) -> StackOutput | None:
        return None


def _sub_template(doc: Any) -> str:
    """``doc`` as JSON text with Fn::Sub variables (``${h0}``)."""
    if isinstance(doc, Hole):
        return json.dumps(doc.prefix)[:-1] + "${" + doc.name + "}" + json.dumps(doc.suffix)[1:]
    if isinstance(doc, dict):
        items = ", ".join(f"{json.dumps(k)}: {_sub_template(v)}" for k, v in doc.items())
        return "{" + items + "}"
    if isinstance(doc, list):
        return "[" + ", ".join(_sub_template(v) for v in doc) + "]"
    return json.dumps(doc).replace("${", "${!")


@settings(max_examples=examples(150))
@given(doc=DOCUMENTS, values=HOLE_VALUES)
def test_cloudformation_sub_json_keeps_its_known_values(doc: Any, values: dict[str, str]) -> None:
    expr = {"Fn::Sub": _sub_template(doc)}
    full = Evaluator(_Env(values), Conditions({})).value(expr, [])
    assert isinstance(full, str)
    decoded = json.loads(full)
    assert decoded == _filled(doc, values)
    unknown = {h: Unknown(f"!Ref {h}", (h,), template=leaf_template(h)) for h in HOLES}
    partial = Evaluator(_Env(unknown), Conditions({})).value(expr, [])
    if not _has_hole(doc):
        assert partial == full
        return
    assert isinstance(partial, PartialValue)
    _agrees(partial.value, decoded, values)


@settings(max_examples=examples(150))
@given(
    parts=st.lists(st.one_of(_TEXT, st.sampled_from(HOLES).map(Hole)), min_size=1, max_size=5),
    values=HOLE_VALUES,
)
def test_names_built_alike_have_equal_templates_that_render_to_the_name(
    parts: list[Any], values: dict[str, str]
) -> None:
    # "${...}" templates, join() and format() in Terraform; !Sub and !Join in CloudFormation
    hcl = "".join("${" + p.name + "}" if isinstance(p, Hole) else p for p in parts)
    joined = ", ".join(p.name if isinstance(p, Hole) else json.dumps(p) for p in parts)
    name = "".join(values[p.name] if isinstance(p, Hole) else p for p in parts)
    sub = "".join(
        "${" + p.name + "}" if isinstance(p, Hole) else p.replace("${", "${!") for p in parts
    )
    unknown_cfn = {h: Unknown(f"!Ref {h}", (h,), template=leaf_template(h)) for h in HOLES}
    got = [
        _terraform(json.dumps(hcl), _unknown_holes()),
        _terraform(f'join("", [{joined}])', _unknown_holes()),
        Evaluator(_Env(unknown_cfn), Conditions({})).value({"Fn::Sub": sub}, []),
        Evaluator(_Env(unknown_cfn), Conditions({})).value(
            {"Fn::Join": ["", [{"Ref": p.name} if isinstance(p, Hole) else p for p in parts]]},
            [],
        ),
    ]
    if not any(isinstance(p, Hole) for p in parts):
        assert all(g == name for g in got)
        return
    templates = {g.template for g in got if isinstance(g, Unknown)}
    assert len(templates) == 1 and all(isinstance(g, Unknown) for g in got), got
    (template,) = templates
    assert template is not None and _render(template, values) == name
