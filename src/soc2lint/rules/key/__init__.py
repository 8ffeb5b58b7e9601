"""KEY rules: key management (checklist B "Key Management"; see ../shared/RULES.md).

KEY002 reads key policies through the policy-document model
(:mod:`soc2lint.views.policy`); KEY003 and KEY004 read the shared key-usage
view :mod:`soc2lint.views.keys`, and KEY004 the encryption decisions of
:mod:`soc2lint.views.encryption`.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .key001_kms_key_rotation import kms_key_rotation
from .key002_kms_key_policy_public import kms_key_policy_public
from .key003_kms_key_shared_across_services import kms_key_shared_across_services
from .key004_customer_managed_key import customer_managed_key

RULES: tuple[Rule, ...] = (
    kms_key_rotation,
    kms_key_policy_public,
    kms_key_shared_across_services,
    customer_managed_key,
)
