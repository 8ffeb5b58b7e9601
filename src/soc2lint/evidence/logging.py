"""Evidence section (work in progress)."""

from __future__ import annotations

from .context import EvidenceContext


def render(ctx: EvidenceContext) -> dict[str, str]:
    return {}
