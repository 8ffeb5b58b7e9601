"""AVL rules: availability (see ../shared/RULES.md)."""

from __future__ import annotations

from soc2lint.rule import Rule

RULES: tuple[Rule, ...] = ()
