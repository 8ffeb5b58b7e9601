"""TLS rules: encryption in transit (see ../shared/RULES.md).

TLS007 (S3 deny insecure transport) reads bucket policies through the
policy-document model (:mod:`soc2lint.views.policy`).  The tables of security policies these rules read
(ELB, CloudFront, OpenSearch, API Gateway) are in ``soc2lint.views.tls``;
RDS parameter groups are resolved by ``soc2lint.views.db_params``.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .tls001_lb_listener_https import lb_listener_https
from .tls002_lb_tls_policy import lb_tls_policy
from .tls003_cloudfront_https import cloudfront_https
from .tls004_opensearch_https import opensearch_https
from .tls005_elasticache_in_transit import elasticache_in_transit
from .tls006_rds_force_tls import rds_force_tls
from .tls007_s3_deny_insecure_transport import s3_deny_insecure_transport
from .tls008_apigw_tls12 import apigw_tls12
from .tls009_msk_in_transit import msk_in_transit

RULES: tuple[Rule, ...] = (
    lb_listener_https,
    lb_tls_policy,
    cloudfront_https,
    opensearch_https,
    elasticache_in_transit,
    rds_force_tls,
    s3_deny_insecure_transport,
    apigw_tls12,
    msk_in_transit,
)
