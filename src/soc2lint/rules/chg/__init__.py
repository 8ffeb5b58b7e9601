"""CHG rules: change management (see ../shared/RULES.md).

These rules are about the language itself more than about AWS resources:
module sources and provider constraints (Terraform), the state backend
(Terraform), ``force_destroy`` and final snapshots (Terraform), and
``DeletionPolicy``/``UpdateReplacePolicy`` (CloudFormation).
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .chg001_module_source_unpinned import module_source_unpinned
from .chg002_provider_version_unpinned import provider_version_unpinned
from .chg003_state_backend_insecure import state_backend_insecure
from .chg004_s3_force_destroy import s3_force_destroy
from .chg005_db_skip_final_snapshot import db_skip_final_snapshot
from .chg006_stateful_resource_deletion_policy import stateful_resource_deletion_policy

RULES: tuple[Rule, ...] = (
    module_source_unpinned,
    provider_version_unpinned,
    state_backend_insecure,
    s3_force_destroy,
    db_skip_final_snapshot,
    stateful_resource_deletion_policy,
)
