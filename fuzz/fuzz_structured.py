"""atheris target: structure-aware fuzzing through the hypothesis strategies.

The byte-level targets (fuzz_hcl.py, fuzz_cfn.py) mostly exercise the
parsers: random bytes rarely make a configuration that evaluates.  This one
lets atheris drive the generators of ``tests/fuzzing.py`` (through
hypothesis's ``fuzz_one_input``), so coverage feedback steers well-formed
expressions, configurations and templates deep into evaluation and the rules,
with the same checks as ``tests/test_fuzz_properties.py``.

    python fuzz/fuzz_structured.py scan -max_total_time=600 -max_len=8192

Targets: expressions, unknowns, terraform, cloudformation, scan, mutations.
A failure prints the falsifying example and atheris saves the input.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

with atheris.instrument_imports(include=["soc2lint"]):
    import test_fuzz_properties as props
    from hypothesis import given, settings
    from hypothesis import strategies as st

import _common
from fuzzing import EXPRESSIONS, cfn_template, mutation, terraform_document

_FIXED = settings(database=None, derandomize=False, deadline=None)


def _fresh() -> Path:
    return _common.workdir()


@_FIXED
@given(EXPRESSIONS)
def expressions(text: str) -> None:
    props._evaluate(text)


@_FIXED
@given(EXPRESSIONS, st.sampled_from(["var.unknown", "module.m.out"]))
def unknowns(text: str, unknown: str) -> None:
    props.test_unknown_operands_make_strict_operations_unknown.hypothesis.inner_test(  # type: ignore[attr-defined]
        text, unknown, "({e}) + {u}"
    )


def _in_tmp(check: Any, *args: Any) -> None:
    root = _fresh()
    try:
        check(root, *args)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@_FIXED
@given(terraform_document(), terraform_document())
def terraform(doc: str, module: str) -> None:
    _in_tmp(props.check_terraform_configuration, doc, module)


@_FIXED
@given(cfn_template(), st.booleans())
def cloudformation(template: dict[str, Any], as_json: bool) -> None:
    _in_tmp(props.check_cloudformation_template, template, as_json)


@_FIXED
@given(terraform_document(), cfn_template(), st.booleans())
def scan(doc: str, template: dict[str, Any], as_json: bool) -> None:
    _in_tmp(props.check_generated_scan, doc, template, as_json)


@_FIXED
@given(st.data())
def mutations(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(props.FIXTURE_FILES))
    _in_tmp(props.check_mutated_scan, source, data.draw(mutation(source.read_bytes())))


TARGETS = {
    f.__name__: f for f in (expressions, unknowns, terraform, cloudformation, scan, mutations)
}


def main() -> None:
    _common.no_network()
    names = [a for a in sys.argv[1:] if not a.startswith("-")]
    target = TARGETS[names[0] if names else "scan"]
    args = [a for a in sys.argv if a not in names]
    atheris.Setup(args, target.hypothesis.fuzz_one_input)  # type: ignore[attr-defined]
    atheris.Fuzz()


if __name__ == "__main__":
    main()
