"""CloudFormation front end: templates into graph nodes.  (Being built: issue 4.)"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..frontend import LoadOptions, LoadResult


def load_cloudformation(files: Sequence[Path], options: LoadOptions) -> LoadResult:
    """Load every CloudFormation template among ``files`` (others are skipped silently)."""
    return LoadResult()
