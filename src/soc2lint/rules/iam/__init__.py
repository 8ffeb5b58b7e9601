"""IAM rules: least privilege (checklist A; TSC CC6.1, CC6.2, CC6.3).

IAM001-IAM004, IAM008 and IAM012-IAM014 read policy documents from every place
they can be written (``soc2lint.views.policy``); IAM005-IAM007, IAM009 and
IAM010 read who holds which policy (``soc2lint.views.iam``).  IAM rules read
identity policies only (RULES.md "Clarifications"): resource policies have
their own rules.  A statement gets at most one finding from IAM001-IAM004 and
IAM012-IAM014: ``_shared`` decides in one place which of them apply to each
statement, and the first that applies among the rules the scan runs reports it.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .iam001_iam_full_admin import iam_full_admin
from .iam002_iam_service_wildcard import iam_service_wildcard
from .iam003_iam_passrole_wildcard import iam_passrole_wildcard
from .iam004_iam_privilege_escalation import iam_privilege_escalation
from .iam005_iam_user_direct_policy import iam_user_direct_policy
from .iam006_iam_admin_managed_policy import iam_admin_managed_policy
from .iam007_iam_too_many_admins import iam_too_many_admins
from .iam008_iam_trust_any_principal import iam_trust_any_principal
from .iam009_iam_role_shared_across_services import iam_role_shared_across_services
from .iam010_iam_user_without_mfa_enforcement import iam_user_without_mfa_enforcement
from .iam011_iam_password_policy import iam_password_policy
from .iam012_iam_data_read_wildcard import iam_data_read_wildcard
from .iam013_iam_permissions_management_wildcard import iam_permissions_management_wildcard
from .iam014_iam_write_wildcard import iam_write_wildcard

RULES: tuple[Rule, ...] = (
    iam_full_admin,
    iam_service_wildcard,
    iam_passrole_wildcard,
    iam_privilege_escalation,
    iam_user_direct_policy,
    iam_admin_managed_policy,
    iam_too_many_admins,
    iam_trust_any_principal,
    iam_role_shared_across_services,
    iam_user_without_mfa_enforcement,
    iam_password_policy,
    iam_data_read_wildcard,
    iam_permissions_management_wildcard,
    iam_write_wildcard,
)
