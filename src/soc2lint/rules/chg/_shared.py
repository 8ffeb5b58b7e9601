"""Code several CHG rules share."""

from __future__ import annotations

from soc2lint.model import Node

CHECKLIST = "D. Change Management"


def is_downloaded(node: Node) -> bool:
    """A module block inside a module downloaded by ``terraform init`` (not the user's code)."""
    return ".terraform/modules/" in node.range.file.replace("\\", "/")
