"""Output formats: one module per format, all rendering a :class:`~soc2lint.engine.ScanResult`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Severity

if TYPE_CHECKING:
    from ..engine import ScanResult


def render(
    fmt: str,
    result: ScanResult,
    *,
    threshold: Severity | None = Severity.LOW,
    color: bool = False,
    sarif_include_suppressed: bool = False,
    min_severity: Severity | None = None,
    statistics: bool = False,
    sarif_category: str | None = None,
) -> str:
    """The scan result in ``fmt`` (text, concise, json, sarif, github, markdown, rdjson).

    ``min_severity`` hides lower findings from the formats people read (text,
    concise, github); ``statistics`` replaces the text and concise listings with
    a count per rule.  Neither changes what fails the run (``threshold``), nor the
    machine formats (json, sarif), which always hold every finding.

    Every format but ``github`` (whose workflow commands escape their own values)
    gets a last pass that leaves no line a GitHub runner would take for a
    workflow command (:func:`soc2lint.report.neutral.neutralize`)."""
    from .neutral import neutralize

    if fmt == "text":
        from .text import render_text

        return neutralize(
            render_text(
                result,
                threshold=threshold,
                color=color,
                min_severity=min_severity,
                statistics=statistics,
            )
        )
    if fmt == "concise":
        from .text import render_concise

        return neutralize(
            render_concise(
                result, threshold=threshold, min_severity=min_severity, statistics=statistics
            )
        )
    if fmt == "json":
        from .json_report import render_json

        return neutralize(render_json(result, threshold=threshold), "json")
    if fmt == "sarif":
        from .sarif import render_sarif

        return neutralize(
            render_sarif(
                result, include_suppressed=sarif_include_suppressed, category=sarif_category
            ),
            "json",
        )
    if fmt == "github":
        from .github import render_github

        return render_github(result, threshold=threshold, min_severity=min_severity)
    if fmt == "rdjson":
        from .rdjson import render_rdjson

        return neutralize(render_rdjson(result), "json")
    if fmt == "markdown":
        from .markdown import render_markdown

        return neutralize(render_markdown(result, threshold=threshold))
    raise ValueError(f"unknown format {fmt!r}")
