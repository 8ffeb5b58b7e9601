"""Every bad example of every rule that has a fix is fixed; every good example is left alone.

``soc2lint fix`` (with ``--unsafe-fixes``, in diff mode) runs on each example through the
real parsers and the whole engine.  A bad example's finding must be gone, every file it
changed must still parse, and the change must stay inside the resource the finding names
(or on the line where its value is really set: a variable's default, a parameter's
default), plus, for a Terraform companion resource, right after that resource's block.
A good example must come out byte-identical.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_rule_examples import CONFIG_KEYS

from soc2lint.cloudformation.decode import decode_text
from soc2lint.config import Config
from soc2lint.engine import ScanRequest
from soc2lint.fix.plan import line_edits
from soc2lint.fix.remedies import fixable_rules, remedy_for
from soc2lint.fix.run import FixResult, run_fix
from soc2lint.fix.text import Text
from soc2lint.rule import DEFAULT_OPTIONS, Example, Rule
from soc2lint.terraform.hcl import parse_hcl

from helpers import registry, write_files

#: bad examples whose finding has a remedy but that a fix must leave, and why
NOT_FIXED: dict[str, str] = {
    "ENC003-terraform-bad2": "an encryption resource of that name exists (switched off by count)",
}


COMPUTED = re.compile(r"is computed|is an expression")


def _cases() -> list[Any]:
    out = []
    fixable = fixable_rules()
    for r in registry():
        if r.id not in fixable:
            continue
        for lang, ex in r.examples.items():
            for kind, items in (("bad", ex.bad), ("good", ex.good)):
                for i, e in enumerate(items, 1):
                    out.append(pytest.param(r, lang, kind, e, id=f"{r.id}-{lang}-{kind}{i}"))
    return out


def fix_example(r: Rule, lang: str, example: Example, tmp_path: Path) -> FixResult:
    files = example.files(lang)  # type: ignore[arg-type]
    opts = dict(example.options)
    cfn_params = opts.pop("cfn_parameters", None)
    if cfn_params is not None:
        files = {**files, "params.json": json.dumps(cfn_params)}
    write_files(tmp_path, files)
    (tmp_path / ".git").mkdir()
    thresholds = {k: opts.pop(k) for k in list(opts) if k in DEFAULT_OPTIONS}
    assert not set(opts) - CONFIG_KEYS
    config = Config(
        select=(r.id,),
        account_scope=bool(opts.get("account_scope", r.account_scope)),
        strict=bool(opts.get("strict", False)),
        vars=dict(opts.get("vars", {})),
        var_files=tuple(str(tmp_path / v) for v in opts.get("var_files", ())),
        cfn_parameters=str(tmp_path / "params.json") if cfn_params is not None else None,
        options={**DEFAULT_OPTIONS, **thresholds},
        inline_suppressions=False,
    )
    req = ScanRequest(paths=[tmp_path], config=config, registry=registry(), base=tmp_path, env={})
    return run_fix(req, unsafe=True, write=False)


def _parses(name: str, text: str) -> bool:
    if name.endswith((".tf", ".tfvars")):
        return parse_hcl(text).body is not None
    return not decode_text(text).problems


@pytest.mark.parametrize(("r", "lang", "kind", "example"), _cases())
def test_fix_example(
    r: Rule, lang: str, kind: str, example: Example, tmp_path: Path, request: Any
) -> None:
    result = fix_example(r, lang, example, tmp_path)
    if kind == "good":
        assert result.changed == [], result.diff()
        return
    mine = [
        f
        for f in result.first.active
        if f.rule_id == r.id and f.address == example.address and f.range.start_line == example.line
    ]
    assert mine, "the bad example does not fire"
    index = {(n.scope, n.address): n for n in result.first.graph.nodes(category=None)}
    fixable = []
    for f in mine:
        node = index.get((f.scope, f.address))
        if (
            node is not None
            and remedy_for(f.rule_id, node.language, node.kind, f.attr_path) is not None
        ):
            fixable.append((f, node))
    if not fixable:
        pytest.skip("no remedy for this case (the rule's other findings have one)")
    case = request.node.callspec.id
    remaining = {f.fingerprint for f in result.final.active}
    outcomes = {o.finding.fingerprint: o for o in result.outcomes}
    for f, _node in fixable:
        if f.fingerprint in remaining:
            reason = outcomes[f.fingerprint].reason
            # a value decided by logic (a conditional, an intrinsic function, an expression)
            # is not rewritten: the fix says so and leaves the file alone
            assert case in NOT_FIXED or COMPUTED.search(reason), f"not fixed: {reason}"
            continue
        assert not outcomes[f.fingerprint].reason
    for name in result.changed:
        assert _parses(name, result.after[name]), f"{name} no longer parses:\n{result.diff()}"
    allowed: dict[str, set[int]] = {}
    for _f, node in fixable:
        lines = allowed.setdefault(node.range.file, set())
        lines.update(
            range(node.range.start_line, (node.range.end_line or node.range.start_line) + 3)
        )
        for origin in node.origins.values():
            if origin.range is not None:
                allowed.setdefault(origin.range.file, set()).add(origin.range.start_line)
    for name in result.changed:
        t = Text(result.before[name])
        for e in line_edits(name, result.before[name], result.after[name]):
            first, _ = t.position(e.start)
            last, _ = t.position(max(e.start, e.end - 1))
            touched = set(range(first, last + 1))
            assert touched <= allowed.get(name, set()), (
                f"{name}: lines {sorted(touched)} are outside the resource:\n{result.diff()}"
            )
            if e.end > e.start:
                assert last - first <= 1, f"a fix rewrote several lines:\n{result.diff()}"
