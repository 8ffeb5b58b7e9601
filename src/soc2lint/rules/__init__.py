"""The built-in rule catalogue: one explicit table of every family's RULES.

Each family package (``enc``, ``tls``...) lists its rules, one module each, in a
``RULES`` tuple; nothing registers itself by being imported.
``soc2lint.registry`` validates the table.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from . import avl, bak, chg, enc, iam, key, log, net, sec, tls

BUILTIN_RULES: tuple[Rule, ...] = (
    *enc.RULES,
    *tls.RULES,
    *key.RULES,
    *sec.RULES,
    *iam.RULES,
    *log.RULES,
    *net.RULES,
    *avl.RULES,
    *bak.RULES,
    *chg.RULES,
)
