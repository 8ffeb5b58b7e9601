from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import MISSING, Attr, Node, Severity, Unknown, describe_value, to_bool
from soc2lint.rule import Context, RelatedRef, Report, rule
from soc2lint.views import db_params as dbp
from soc2lint.views.populations import RDS_DATABASES

from ._shared import CHECKLIST, TSC


@rule(
    id="TLS006",
    slug="rds-force-tls",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=RDS_DATABASES,
    control="RDS databases require TLS connections.",
    graph=True,
    fix={
        "terraform": (
            'Use a custom parameter group that forces TLS: `parameter { name = "rds.force_ssl" '
            'value = "1" }` for PostgreSQL and SQL Server, `parameter { name = '
            '"require_secure_transport" value = "1" }` for MySQL and MariaDB (on the '
            "`aws_rds_cluster_parameter_group` for Aurora), and name it in "
            "`parameter_group_name` / `db_cluster_parameter_group_name`."
        ),
        "cloudformation": (
            "Use an `AWS::RDS::DBParameterGroup` (`AWS::RDS::DBClusterParameterGroup` for Aurora) "
            "with `Parameters: {rds.force_ssl: 1}` (PostgreSQL, SQL Server) or "
            "`{require_secure_transport: 1}` (MySQL, MariaDB) and name it in "
            "`DBParameterGroupName` / `DBClusterParameterGroupName`."
        ),
    },
)
def rds_force_tls(ctx: Context) -> Iterator[Report]:
    """RDS database does not require TLS connections.

    What it checks:
        RDS DB instances (`aws_db_instance`, `AWS::RDS::DBInstance`) and clusters
        (`aws_rds_cluster`, `AWS::RDS::DBCluster`) and the parameter group they use,
        found by reference or literal name (`parameter_group_name` /
        `DBParameterGroupName`; `db_cluster_parameter_group_name` /
        `DBClusterParameterGroupName` for clusters, which hold these parameters for
        Aurora). The group must force TLS: `rds.force_ssl = 1` for PostgreSQL,
        Aurora PostgreSQL and SQL Server, `require_secure_transport = ON/1` for
        MySQL, MariaDB and Aurora MySQL. Without a group (or with a `default.*`
        group), the engine's default applies; per AWS's documentation it forces TLS
        for RDS for PostgreSQL 15+, Aurora PostgreSQL 17+, RDS for MySQL 9.7+ and
        RDS for MariaDB 11.8+, and not for older versions, SQL Server or Aurora MySQL
        (RULES.md names PostgreSQL 15+ only; the MySQL, MariaDB and Aurora
        PostgreSQL defaults follow the newer documentation). A custom group that does
        not set the parameter gets the same default. Where the fix goes decides the
        resource named: a group that sets the parameter off, or a custom group that
        lacks it, is named once (the databases that use it are related locations); a
        database on the default group is named itself. Aurora member instances are
        judged at their cluster. A read replica (`replicate_source_db`,
        `SourceDBInstanceIdentifier`) takes its engine and version from its source (or
        from its own group's family) and is judged on its own parameter group when it
        names one; without one, a replica in the source's Region uses the source's
        group (judged on the source) and a cross-Region replica (source named by
        ARN) the engine's default group. An unknown engine, version (when it decides) or
        group, or a group defined outside the configuration, is unknown. Engines
        without such a parameter (Oracle uses an option group, Db2) are out of scope.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": a database that accepts unencrypted client
        connections lets credentials and query results cross the network in clear
        text whenever a client does not ask for TLS (CC6.7).
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_parameter_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbparametergroup.html
    """
    group_findings: dict[str, dict[str, Any]] = {}
    for db in ctx.graph.nodes((dbp.DB_INSTANCE, dbp.DB_CLUSTER)):
        if dbp.is_cluster_member(db):
            continue
        engine = db.attr(tf="engine", cfn="Engine")
        version_attr = db.attr(tf="engine_version", cfn="EngineVersion")
        choice = dbp.parameter_group_of(ctx.graph, db)
        if dbp.is_read_replica(db):
            if choice.status == "default" and choice.attr.missing:
                cross = dbp.replica_cross_region(ctx.graph, db)
                if cross is not True:
                    continue  # the source's group: judged on the source
            source = dbp.replica_source(ctx.graph, db)
            if source is not None and engine.missing:
                engine = source.attr(tf="engine", cfn="Engine")
            if source is not None and version_attr.missing:
                version_attr = source.attr(tf="engine_version", cfn="EngineVersion")
            if engine.missing and choice.group is not None:
                engine = Attr(db, engine.path, dbp.family_engine(dbp.group_family(choice.group)))
        if engine.unknown:
            yield from ctx.unresolved(db, engine)
            continue
        family = dbp.engine_family(engine.value)
        if family is None:
            continue
        param = dbp.TLS_PARAMETER[family]
        version = dbp.engine_version(version_attr.value) if version_attr.known else None
        engine_name = dbp.ENGINE_NAMES[family]
        if choice.status in ("unknown", "external"):
            yield from ctx.unresolved(db, choice.attr, "the parameter group")
            continue
        if choice.status == "default":
            if version is None and isinstance(choice.attr.value, str):
                version = dbp.family_version(choice.attr.value)
            forced = dbp.default_forces_tls(family, version)
            if forced is None:
                yield from ctx.unresolved(db, version_attr, "the engine version")
                continue
            if forced:
                continue
            shown = f" {version_attr.value}" if version_attr.known else ""
            yield ctx.finding(
                db,
                choice.attr,
                f"{db.address}: {engine_name}{shown} uses the default parameter group, where "
                f"`{param}` is off, so connections without TLS are accepted",
            )
            continue
        group = choice.group
        assert group is not None
        setting = dbp.parameter_in_group(group, param)
        if isinstance(setting.value, Unknown):
            yield from ctx.unresolved(group, setting.path, f"`{param}`")
            continue
        if setting.value is MISSING:
            gversion = dbp.family_version(dbp.group_family(group)) or version
            forced = dbp.default_forces_tls(family, gversion)
            if forced is None:
                yield from ctx.unresolved(db, version_attr, "the engine version")
                continue
            if forced:
                continue
            entry = group_findings.setdefault(
                group.id,
                {
                    "group": group,
                    "path": (),
                    "dbs": [],
                    "message": f"{group.address}: parameter group does not set `{param}`, whose "
                    f"{engine_name} default is off, so connections without TLS are accepted",
                },
            )
            entry["dbs"].append(db)
            continue
        on = to_bool(setting.value)
        if on is None:
            yield from ctx.unresolved(group, setting.path, f"`{param}`")
            continue
        if on:
            continue
        entry = group_findings.setdefault(
            group.id,
            {
                "group": group,
                "path": setting.path,
                "dbs": [],
                "message": f"{group.address}: parameter group sets `{param}` to "
                f"{describe_value(setting.value)}, so connections without TLS are accepted",
            },
        )
        entry["dbs"].append(db)
    for entry in group_findings.values():
        dbs: list[Node] = entry["dbs"]
        names = ", ".join(d.address for d in dbs)
        yield ctx.finding(
            entry["group"],
            entry["path"],
            f"{entry['message']} (used by {names})",
            related=[
                RelatedRef(d, dbp.group_attr(d).path, f"uses {entry['group'].address}") for d in dbs
            ],
        )
