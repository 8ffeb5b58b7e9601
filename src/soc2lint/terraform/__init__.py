"""Terraform front end: HCL and plan JSON into graph nodes.  (Being built: issue 3.)"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..frontend import LoadOptions, LoadResult


def load_terraform(
    dirs: Sequence[Path], plan_files: Sequence[Path], options: LoadOptions
) -> LoadResult:
    """Load every Terraform root among ``dirs`` and every plan file."""
    return LoadResult()
