"""Meta-tests of the rule catalogue: well-formed, complete, consistent with RULES.md, docs current."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from soc2lint.docs import PAGES_FILE, generate, page, pages_json, rule_page
from soc2lint.model import Severity
from soc2lint.registry import Registry, RegistryError
from soc2lint.rule import validate_rule

from helpers import registry
from rulekit import make_rule

REPO = Path(__file__).resolve().parent.parent
RULES_MD = REPO.parent / "shared" / "RULES.md"
ROW = re.compile(r"^\| ([A-Z]{3}\d{3}) \| ([a-z0-9-]+) \| (critical|high|medium|low) \|")


def _catalogue_rows() -> dict[str, tuple[str, str]]:
    if not RULES_MD.is_file():
        pytest.skip("../shared/RULES.md not available")
    rows = {}
    for line in RULES_MD.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def test_registry_builds_and_every_rule_is_complete() -> None:
    reg = registry()
    for r in reg:
        assert validate_rule(r, examples=True) == [], r.id


def test_ids_slugs_and_severities_match_rules_md() -> None:
    rows = _catalogue_rows()
    for r in registry():
        if r.reserved:
            continue
        assert r.id in rows, f"{r.id} is not in RULES.md"
        slug, sev = rows[r.id]
        assert r.slug == slug, r.id
        assert r.severity is Severity.parse(sev), r.id


def test_every_rule_of_rules_md_is_implemented() -> None:
    rows = _catalogue_rows()
    have = {r.id for r in registry()}
    missing = sorted(set(rows) - have)
    assert not missing, f"RULES.md rules not implemented: {missing}"


def test_duplicate_ids_and_slugs_are_rejected() -> None:
    a = make_rule("TST901", "test-dup", lambda ctx: iter(()))
    b = make_rule("TST901", "test-other", lambda ctx: iter(()))
    c = make_rule("TST902", "test-dup", lambda ctx: iter(()))
    with pytest.raises(RegistryError, match="duplicate rule id TST901"):
        Registry([a, b])
    with pytest.raises(RegistryError, match="duplicate rule slug test-dup"):
        Registry([a, c])


def test_incomplete_metadata_is_rejected() -> None:
    def nodoc(ctx: object) -> list[object]:
        return []

    r = make_rule("TST903", "test-nodoc", nodoc)  # type: ignore[arg-type]
    broken = r.__class__(**{**r.__dict__, "doc": "Title only."})
    with pytest.raises(RegistryError, match="lacks a 'What it checks:' section"):
        Registry([broken])


def test_generated_docs_are_current() -> None:
    docs = REPO / "docs" / "rules"
    expected = generate(registry())
    stale = [
        name
        for name, text in expected.items()
        if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != text
    ]
    extra = sorted(p.name for p in docs.glob("*.md") if p.name not in expected)
    assert not stale and not extra, (
        f"docs/rules is stale ({stale[:5]} changed, {extra[:5]} extra): "
        "run `python -m soc2lint.docs`"
    )


def test_generated_rule_pages_are_current() -> None:
    """SARIF's help and ``explain`` read the built-in rules' pages from the package's
    generated file: it must be what the rules and their examples give today."""
    assert PAGES_FILE.read_text(encoding="utf-8") == pages_json(registry()), (
        f"{PAGES_FILE.name} is stale: run `python -m soc2lint.docs`"
    )
    builtin = [r for r in registry() if r.origin == "builtin"]
    assert builtin and all(page(r) == rule_page(r) for r in builtin)


@pytest.mark.slow
def test_the_wheel_holds_every_package_rule_module_and_examples_file(tmp_path: Path) -> None:
    """What users install: every package, every rule module and its examples file."""
    pytest.importorskip("setuptools", minversion="77")
    tree = tmp_path / "tree"  # a copy: building leaves build/ and *.egg-info behind
    shutil.copytree(
        REPO / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, tree / name)
    built = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", str(tree), "--no-deps"),
            *("--no-build-isolation", "--no-cache-dir", "-q", "-w", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = tmp_path.glob("soc2lint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    src = REPO / "src"
    wanted = [p for p in (src / "soc2lint").rglob("*") if p.suffix in (".py", ".yaml", ".json")]
    wanted = [p for p in wanted if "__pycache__" not in p.parts]
    missing = sorted(
        str(p.relative_to(src)) for p in wanted if str(p.relative_to(src)) not in names
    )
    assert not missing, f"not in the wheel: {missing[:10]}"
    assert any(n.endswith(".examples.yaml") for n in names)


@pytest.mark.parametrize("margin", ["", "  "])
def test_the_sections_a_rule_shows_are_those_its_check_reads(margin: str) -> None:
    """A docstring whose title line is indented less than its sections (``margin``)
    keeps its headings indented once dedented: validate_rule then reports the sections
    missing, and the rule's page does not show them either (dedenting twice would)."""
    raw = (
        "\n  Queues are encrypted.\n"
        f"  {margin}What it checks:\n  {margin}    Every queue.\n"
        f"  {margin}Why it matters for SOC 2:\n  {margin}    CC6.1.\n"
    )
    made = make_rule("TST901", "uneven-doc", lambda ctx: [])
    r = dataclasses.replace(made, doc=raw)  # dedented once, as @rule does
    names = ("What it checks", "Why it matters for SOC 2")
    missing = {n for n in names if any(f"lacks a '{n}:'" in p for p in validate_rule(r))}
    shown = r.sections()
    assert missing == {n for n in names if n not in shown}
    assert missing == (set(names) if margin else set())
