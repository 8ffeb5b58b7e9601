"""Every example of every rule, run through the real parsers and the whole engine.

A bad example must make its rule fire on the address and line it names; a good
example must leave the rule silent.  Both must parse: an example that does not
is a broken example, not a pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from soc2lint.config import Config
from soc2lint.engine import ScanResult
from soc2lint.registry import Registry
from soc2lint.rule import DEFAULT_OPTIONS, Example, Rule

from helpers import registry, scan, write_files

CONFIG_KEYS = {"account_scope", "strict", "var_files", "vars", "cfn_parameters"}


def _cases() -> list[Any]:
    out = []
    for r in registry():
        for lang, ex in r.examples.items():
            for kind, items in (("bad", ex.bad), ("good", ex.good)):
                for i, e in enumerate(items, 1):
                    out.append(pytest.param(r, lang, kind, e, id=f"{r.id}-{lang}-{kind}{i}"))
    return out


def run_example(
    r: Rule, lang: str, example: Example, tmp_path: Path, reg: Registry | None = None
) -> ScanResult:
    files = example.files(lang)  # type: ignore[arg-type]
    opts = dict(example.options)
    cfn_params = opts.pop("cfn_parameters", None)
    if cfn_params is not None:
        files = {**files, "params.json": json.dumps(cfn_params)}
    write_files(tmp_path, files)
    thresholds = {k: opts.pop(k) for k in list(opts) if k in DEFAULT_OPTIONS}
    unknown = set(opts) - CONFIG_KEYS
    assert not unknown, f"example options not understood: {unknown}"
    config = Config(
        select=(r.id,),
        account_scope=bool(opts.get("account_scope", r.account_scope)),
        strict=bool(opts.get("strict", False)),
        vars=dict(opts.get("vars", {})),
        var_files=tuple(str(tmp_path / v) for v in opts.get("var_files", ())),
        cfn_parameters=str(tmp_path / "params.json") if cfn_params is not None else None,
        options={**DEFAULT_OPTIONS, **thresholds},
        inline_suppressions=False,
        # examples call registry modules that are never downloaded here (CHG001): listed
        # (SYS006), not a broken example
        allow_unloaded_modules=True,
    )
    return scan([tmp_path], base=tmp_path, config=config, reg=reg)


@pytest.mark.parametrize(("r", "lang", "kind", "example"), _cases())
def test_example(r: Rule, lang: str, kind: str, example: Example, tmp_path: Path) -> None:
    check_example(r, lang, kind, example, run_example(r, lang, example, tmp_path))


def check_example(r: Rule, lang: str, kind: str, example: Example, result: ScanResult) -> None:
    """A bad example fires at exactly its address, file and line; a good one stays silent."""
    mine = [f for f in result.findings if f.rule_id == r.id]
    broken = [f for f in result.findings if f.incomplete and f.rule_id != r.id]
    assert not broken, f"example does not load cleanly: {[f.message for f in broken]}"
    shown = [(f.address, f.range.file, f.range.start_line, f.message) for f in mine]
    if kind == "bad":
        want_file = example.expected_file(lang)  # type: ignore[arg-type]
        hits = [
            f
            for f in mine
            if f.address == example.address
            and f.range.file == want_file
            and f.range.start_line == example.line
        ]
        assert hits, (
            f"{r.id} should fire on {example.address} at {want_file}:{example.line}; got {shown}"
        )
        assert all(f.message for f in hits)
    else:
        assert not mine, f"{r.id} should stay silent on this good example; got {shown}"


def test_there_are_examples_for_every_rule_language() -> None:
    for r in registry():
        if r.reserved:
            continue
        for lang in r.languages:
            ex = r.examples[lang]
            assert ex.bad and ex.good, f"{r.id} {lang}"
