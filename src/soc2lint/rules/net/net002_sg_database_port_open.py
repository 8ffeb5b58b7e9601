from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.views.populations import INGRESS_RULE_HOLDERS

from ._shared import CHECKLIST, TSC, open_from_anywhere

#: database and cache ports; UDP only where the service listens on UDP too
DATABASE_PORTS: dict[int, tuple[str, ...]] = {
    1433: ("tcp",),
    1521: ("tcp",),
    2049: ("tcp", "udp"),
    3306: ("tcp",),
    5432: ("tcp",),
    5439: ("tcp",),
    6379: ("tcp",),
    9042: ("tcp",),
    9200: ("tcp",),
    9300: ("tcp",),
    11211: ("tcp", "udp"),
    27017: ("tcp",),
}


DATABASE_NAMES = {
    1433: "SQL Server",
    1521: "Oracle",
    2049: "NFS/EFS",
    3306: "MySQL",
    5432: "PostgreSQL",
    5439: "Redshift",
    6379: "Redis",
    9042: "Cassandra",
    9200: "Elasticsearch",
    9300: "Elasticsearch transport",
    11211: "Memcached",
    27017: "MongoDB/DocumentDB",
}


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
        covers everything.
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
    yield from open_from_anywhere(ctx, DATABASE_PORTS, DATABASE_NAMES, "the database port")
