from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import INGRESS_RULE_HOLDERS

from ._shared import CHECKLIST, DATABASE_NAMES, DATABASE_PORTS, TSC, open_from_anywhere

__all__ = ["DATABASE_NAMES", "DATABASE_PORTS", "sg_database_port_open"]


@rule(
    id="NET002",
    slug="sg-database-port-open",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=INGRESS_RULE_HOLDERS,
    control="Database and cache ports are not open to the internet.",
    fix={
        "terraform": "Remove the internet CIDR from the rule admitting the database port; admit "
        "the application tier's security group instead.",
        "cloudformation": "Remove `CidrIp: 0.0.0.0/0`/`CidrIpv6: ::/0` from the rule admitting the "
        "database port; use `SourceSecurityGroupId` of the application tier.",
    },
)
def sg_database_port_open(ctx: Context) -> Iterator[Report]:
    """Security group admits a database or cache port from anywhere.

    What it checks:
        Every ingress rule (all shapes, as for NET001) from `0.0.0.0/0` or
        `::/0` whose range covers a database or cache port: 1433 (SQL Server),
        1521 (Oracle), 2049 (NFS/EFS), 3306 (MySQL/MariaDB/Aurora), 5432
        (PostgreSQL), 5439 (Redshift), 6379 (Redis/Valkey), 9042 (Cassandra/
        Keyspaces), 9200/9300 (Elasticsearch/OpenSearch), 11211 (Memcached)
        and 27017 (MongoDB/DocumentDB). TCP counts for every port; UDP only
        for 2049 and 11211, the two services that also listen on UDP (a UDP
        media range must not look like an open database). Protocol `-1`
        covers everything. One rule, one finding: a rule open on every port
        is NET003's; a rule covering a database port and 22/3389 is reported
        here (not by NET001), and the message names the administration ports
        too. Among the rules a scan runs (`--select`), the first of NET003,
        NET002, NET001 that applies reports.
    Why it matters for SOC 2:
        Checklist G asks that data stores sit in private networks reachable
        only by the tiers that need them (CC6.6); a database port open to the
        internet is the most common path to a data breach.
    References:
        - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/infrastructure-security.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group_rule
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-ingress.html
    """
    yield from open_from_anywhere(ctx)
