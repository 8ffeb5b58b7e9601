"""The built-in rule catalogue: one explicit table of every family's RULES.

Each family module lists its rules in a ``RULES`` tuple; nothing registers
itself by being imported.  ``soc2lint.registry`` validates the table.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from . import (
    audit_logging,
    availability,
    backup,
    change,
    encryption,
    iam,
    keys,
    network,
    resource_policies,
    secrets,
    transit,
    zones,
)

BUILTIN_RULES: tuple[Rule, ...] = (
    *encryption.RULES,
    *transit.RULES,
    *keys.RULES,
    *secrets.RULES,
    *iam.RULES,
    *resource_policies.RULES,
    *audit_logging.RULES,
    *network.RULES,
    *zones.RULES,
    *availability.RULES,
    *backup.RULES,
    *change.RULES,
)
