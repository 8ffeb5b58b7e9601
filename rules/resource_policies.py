"""Resource-policy rules across families (KEY002, NET011, TLS007): key, bucket and queue policies.

They share the policy-document model with the IAM family (``soc2lint.views.policy``).
"""

from __future__ import annotations

from soc2lint.rule import Rule

RULES: tuple[Rule, ...] = ()
