"""Multi-AZ rules answered through the network model (AVL003, AVL004, AVL008)."""

from __future__ import annotations

from soc2lint.rule import Rule

RULES: tuple[Rule, ...] = ()
