"""Every network diagram the evidence pack draws renders in a real headless Chromium.

The diagrams of every golden pack, of docs/example-evidence, of the tricky
project (names full of Mermaid syntax) and of a generated 40-subnet VPC are
rendered with the ``mermaid`` npm package (11.x) loaded from disk: a parse
error, a render error, an error SVG or an empty SVG fails the test.

Needs Debian's ``chromium`` and ``npm install --prefix .cache/mermaid
mermaid@11`` (``.ci/run`` installs both).  Without them the test is skipped
with the reason, except under CI (``CI=true``), where a missing tool fails it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from soc2lint.evidence.network import mermaid_blocks

from mermaid_render import find_chromium, find_mermaid, render
from packs import REPO, copy_sources, instance_group_project, large_vpc_project, run_evidence

GOLDEN = Path(__file__).resolve().parent / "golden"


def _tools() -> tuple[str, Path]:
    chromium, mermaid_js = find_chromium(), find_mermaid()
    missing = []
    if chromium is None:
        missing.append("headless Chromium (apt-get install -y chromium)")
    if mermaid_js is None:
        missing.append("mermaid (npm install --prefix .cache/mermaid mermaid@11)")
    if missing:
        reason = "the Mermaid render test needs " + " and ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; .ci/run installs them")
        pytest.skip(reason)
    assert chromium is not None and mermaid_js is not None
    return chromium, mermaid_js


def _committed_diagrams() -> list[tuple[str, str]]:
    out = []
    for md in sorted([*GOLDEN.glob("*/network/network-diagram.md"),
                      REPO / "docs/example-evidence/network/network-diagram.md"]):  # fmt: skip
        for i, d in enumerate(mermaid_blocks(md.read_text(encoding="utf-8"))):
            out.append((f"{md.relative_to(REPO)}#{i + 1}", d))
    return out


def test_committed_packs_have_diagrams() -> None:
    names = [n for n, _ in _committed_diagrams()]
    assert any("network-leaky" in n for n in names)
    assert any("docs/example-evidence" in n for n in names)
    assert any("tricky" in n for n in names)


def test_every_diagram_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chromium, mermaid_js = _tools()
    diagrams = _committed_diagrams()
    # a generated 40-subnet VPC, written by the CLI like any project
    large_vpc_project(tmp_path / "big")
    r = run_evidence(tmp_path, ["big", "-o", "big-pack", "--reproducible"], monkeypatch)
    assert r.exit_code in (0, 1), r.output
    text = (tmp_path / "big-pack/network/network-diagram.md").read_text(encoding="utf-8")
    diagrams += [(f"40-subnet VPC #{i + 1}", d) for i, d in enumerate(mermaid_blocks(text))]
    # the network fixtures whose diagrams are not in a golden pack
    copy_sources(["fixtures/terraform/project"], tmp_path)
    r = run_evidence(tmp_path, ["fixtures/terraform/project", "-o", "p2"], monkeypatch)
    text = (tmp_path / "p2/network/network-diagram.md").read_text(encoding="utf-8")
    diagrams += [(f"terraform/project #{i + 1}", d) for i, d in enumerate(mermaid_blocks(text))]
    # count = 900 instances over 6 subnets: over 90,000 characters before it was summarised
    instance_group_project(tmp_path / "fleet")
    r = run_evidence(tmp_path, ["fleet", "-o", "fleet-pack", "--reproducible"], monkeypatch)
    text = (tmp_path / "fleet-pack/network/network-diagram.md").read_text(encoding="utf-8")
    diagrams += [(f"900-instance group #{i + 1}", d) for i, d in enumerate(mermaid_blocks(text))]

    results = render([d for _, d in diagrams], chromium=chromium, mermaid_js=mermaid_js)
    assert len(results) == len(diagrams)
    problems = []
    for (name, _), res in zip(diagrams, results, strict=True):
        if not res.ok:
            problems.append(f"{name}: {res.error}")
        elif res.error_svg:
            problems.append(f"{name}: Mermaid drew its error image")
        elif res.too_large:
            problems.append(f"{name}: over the 50,000 characters GitHub renders")
        elif res.nodes == 0 or res.width <= 0 or res.height <= 0 or res.svg_length < 500:
            problems.append(f"{name}: empty SVG ({res})")
    assert not problems, "\n".join(problems)


def test_a_syntax_error_is_caught() -> None:
    """The harness itself: a broken diagram must fail, not pass silently, and so must one
    over GitHub's 50,000 characters."""
    chromium, mermaid_js = _tools()
    too_long = "flowchart TB\n" + "".join(f'  n{i}["node {i:05d}"]\n' for i in range(3000))
    assert len(too_long) > 50_000
    bad, good, long = render(
        ['flowchart TB\n  a["x" --> b', 'flowchart TB\n  a["x #quot;y#quot;"] --> b', too_long],
        chromium=chromium,
        mermaid_js=mermaid_js,
    )
    assert not bad.ok and "Parse error" in bad.error
    assert good.ok and good.nodes == 2
    assert not long.ok or long.too_large


HISTORY_GOLDEN = REPO / "tests" / "history" / "golden"


def test_the_timeline_charts_render_with_their_colours() -> None:
    """The xychart-beta of every golden history timeline (GitHub renders Mermaid 11):
    it parses, draws, stays far below GitHub's 50,000-character limit, and draws its four
    lines in the palette the page's legend names."""
    from soc2lint.evidence.history_timeline import COLOURS

    chromium, mermaid_js = _tools()
    charts = []
    for md in sorted(HISTORY_GOLDEN.glob("*/posture/timeline.md")):
        for i, d in enumerate(mermaid_blocks(md.read_text(encoding="utf-8"))):
            charts.append((f"{md.relative_to(REPO)}#{i + 1}", d))
    assert charts, "no golden timeline"
    results = render([d for _, d in charts], chromium=chromium, mermaid_js=mermaid_js)
    for (name, source), res in zip(charts, results, strict=True):
        assert len(source) < 50_000, name
        assert res.ok and not res.error_svg, f"{name}: {res.error}"
        assert res.width > 0 and res.height > 0 and res.svg_length > 500, name
        assert {c for _, c, _ in COLOURS} <= set(res.strokes), f"{name}: {res.strokes}"
