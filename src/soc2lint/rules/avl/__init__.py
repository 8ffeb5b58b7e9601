"""AVL rules: availability (see ../shared/RULES.md).

AVL003, AVL004 and AVL008 answer through the network model
(:mod:`soc2lint.views.network`): subnets' availability zones, literal or
indexes into ``data.aws_availability_zones`` / ``Fn::GetAZs`` (distinct
indexes count as distinct zones); a zone that cannot be resolved is unknown,
never a failure.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .avl001_rds_multi_az import rds_multi_az
from .avl002_elasticache_failover import elasticache_failover
from .avl003_compute_multi_az import compute_multi_az
from .avl004_lb_multi_az import lb_multi_az
from .avl005_opensearch_zone_awareness import opensearch_zone_awareness
from .avl006_deletion_protection import deletion_protection
from .avl007_cluster_single_instance import cluster_single_instance
from .avl008_nat_gateway_single_az import nat_gateway_single_az

RULES: tuple[Rule, ...] = (
    rds_multi_az,
    elasticache_failover,
    compute_multi_az,
    lb_multi_az,
    opensearch_zone_awareness,
    deletion_protection,
    cluster_single_instance,
    nat_gateway_single_az,
)
