"""The built-in rules' layout: a folder per family, one module per rule, its examples beside it.

``src/soc2lint/rules/<family>/<id>_<slug>.py`` holds exactly one rule, listed
once in its family's ``RULES``; ``<id>_<slug>.examples.yaml`` sits beside it;
a family folder holds nothing else but ``__init__.py`` and ``_shared.py``;
``BUILTIN_RULES`` is every family's ``RULES``.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import soc2lint.rules
from soc2lint.rule import Rule
from soc2lint.rule_examples import ExamplesFile, examples_path

RULES_DIR = Path(soc2lint.rules.__file__).parent
MODULE = re.compile(r"^([a-z]{3}\d{3})_([a-z0-9_]+)\.py$")
FAMILIES = sorted(p.name for p in RULES_DIR.iterdir() if (p / "__init__.py").is_file())


def _rules_defined_in(module: object) -> list[Rule]:
    name = getattr(module, "__name__", "")
    return [
        v
        for v in vars(module).values()
        if isinstance(v, Rule) and getattr(v.check, "__module__", None) == name
    ]


def test_there_are_families() -> None:
    assert len(FAMILIES) >= 10, FAMILIES


@pytest.mark.parametrize("family", FAMILIES)
def test_family_folder_holds_one_module_per_rule_each_listed_once(family: str) -> None:
    folder = RULES_DIR / family
    package = importlib.import_module(f"soc2lint.rules.{family}")
    listed: tuple[Rule, ...] = package.RULES
    found: list[Rule] = []
    for path in sorted(folder.iterdir()):
        if path.name in ("__init__.py", "_shared.py", "__pycache__"):
            continue
        if path.name.endswith(".examples.yaml"):
            module = path.with_name(path.name.removesuffix(".examples.yaml") + ".py")
            assert module.is_file(), f"{path.name}: no rule module beside it"
            continue
        m = MODULE.match(path.name)
        assert m, f"{family}/{path.name}: only <id>_<slug>.py, _shared.py and examples files"
        module = importlib.import_module(f"soc2lint.rules.{family}.{path.stem}")
        rules = _rules_defined_in(module)
        assert len(rules) == 1, f"{path.name} defines {len(rules)} rules"
        (r,) = rules
        assert r.id.lower() == m.group(1), f"{path.name} holds {r.id}"
        assert r.slug.replace("-", "_") == m.group(2), f"{path.name} holds {r.slug}"
        assert r.family.lower() == family
        assert isinstance(r.examples, ExamplesFile), f"{r.id}: examples belong in the file"
        assert r.examples.path == examples_path(path), r.id
        assert r.examples.path.is_file(), f"{r.id}: no {r.examples.path.name}"
        found.append(r)
    assert [r.id for r in listed] == sorted(r.id for r in listed), f"{family}.RULES not by ID"
    assert len({r.id for r in listed}) == len(listed), f"{family}.RULES lists a rule twice"
    assert {r.id for r in listed} == {r.id for r in found}, f"{family}.RULES and its modules"
    for r in listed:
        assert any(r is f for f in found), f"{r.id} in {family}.RULES is not its module's rule"


def test_builtin_rules_are_every_familys_rules() -> None:
    expected = [
        r.id
        for family in FAMILIES
        for r in importlib.import_module(f"soc2lint.rules.{family}").RULES
    ]
    assert sorted(r.id for r in soc2lint.rules.BUILTIN_RULES) == sorted(expected)
    assert len(soc2lint.rules.BUILTIN_RULES) == len(expected)
