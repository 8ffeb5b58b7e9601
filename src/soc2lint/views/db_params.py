"""Which parameter group an RDS instance or cluster uses, and what it sets.

An RDS DB instance reads its engine parameters from the DB parameter group
named by ``parameter_group_name`` / ``DBParameterGroupName``; a cluster
(Aurora, Multi-AZ DB cluster) from the cluster parameter group named by
``db_cluster_parameter_group_name`` / ``DBClusterParameterGroupName``.  The
group is found by reference or by literal name; without one, the engine's
default group applies (``default.postgres16``), whose values are the
engine's defaults.  Aurora member instances take cluster-level parameters
(``rds.force_ssl``, ``require_secure_transport``) from their cluster.

The engine defaults of the TLS-enforcing parameters, from AWS's docs:

* RDS for PostgreSQL: ``rds.force_ssl`` is 1 for version 15 and later, 0 for
  14 and older.
  https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
* Aurora PostgreSQL: ``rds.force_ssl`` is 1 by default from version 17 (release
  notes of Aurora PostgreSQL 17), 0 before.
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/AuroraPostgreSQL.Updates.html
* RDS for MySQL: ``require_secure_transport`` is OFF for 8.4 and lower, ON
  for 9.7.
  https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html
* RDS for MariaDB: OFF for 11.4 and earlier, ON for 11.8 and later.
  https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html
* Aurora MySQL: ``require_secure_transport`` is OFF by default.
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html
* RDS for SQL Server: ``rds.force_ssl`` is 0 by default.
  https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html
"""

from __future__ import annotations

import re
from typing import Any, Literal

from ..graph import ResourceGraph
from ..lazyre import compile_lazily
from ..model import MISSING, Attr, Node, Path, Unknown
from ..record import record

DB_INSTANCE = "AWS::RDS::DBInstance"
DB_CLUSTER = "AWS::RDS::DBCluster"
DB_PARAMETER_GROUP = "AWS::RDS::DBParameterGroup"
DB_CLUSTER_PARAMETER_GROUP = "AWS::RDS::DBClusterParameterGroup"

#: engine family -> the parameter that makes the server refuse unencrypted connections
TLS_PARAMETER: dict[str, str] = {
    "postgres": "rds.force_ssl",
    "aurora-postgresql": "rds.force_ssl",
    "sqlserver": "rds.force_ssl",
    "mysql": "require_secure_transport",
    "mariadb": "require_secure_transport",
    "aurora-mysql": "require_secure_transport",
}

#: engine family -> first (major, minor) version whose default group forces TLS (None: none does)
TLS_DEFAULT_ON_FROM: dict[str, tuple[int, int] | None] = {
    "postgres": (15, 0),
    "aurora-postgresql": (17, 0),
    "sqlserver": None,
    "mysql": (9, 7),
    "mariadb": (11, 8),
    "aurora-mysql": None,
}

ENGINE_NAMES: dict[str, str] = {
    "postgres": "PostgreSQL",
    "aurora-postgresql": "Aurora PostgreSQL",
    "sqlserver": "SQL Server",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "aurora-mysql": "Aurora MySQL",
}


def engine_family(engine: Any) -> str | None:
    """``postgres``, ``aurora-postgresql``, ``mysql``... for an engine name; None when out of scope."""
    if not isinstance(engine, str):
        return None
    e = engine.strip().lower()
    if e in ("postgres", "postgresql"):
        return "postgres"
    if e == "aurora-postgresql":
        return "aurora-postgresql"
    if e in ("aurora", "aurora-mysql"):
        return "aurora-mysql"
    if e == "mysql":
        return "mysql"
    if e == "mariadb":
        return "mariadb"
    if e.startswith("sqlserver"):
        return "sqlserver"
    return None


Version = tuple[int, int]

_VERSION = compile_lazily(r"^\s*(\d+)(?:\.(\d+))?")
_FAMILY_VERSION = compile_lazily(
    r"^(?:aurora-postgresql|postgres|aurora-mysql|mysql|mariadb)(\d+)(?:\.(\d+))?$",
    re.IGNORECASE,
)


def engine_version(version: Any) -> Version | None:
    """``"15.4"`` -> (15, 4), ``"8.0.35"`` -> (8, 0), ``16`` -> (16, 0); None when unknown."""
    if isinstance(version, int | float) and not isinstance(version, bool):
        return (int(version), 0)
    if not isinstance(version, str):
        return None
    m = _VERSION.match(version)
    if not m:
        return None
    return (int(m.group(1)), int(m.group(2) or 0))


def family_version(family: Any) -> Version | None:
    """``postgres14`` / ``aurora-postgresql15`` / ``default.mysql8.0`` -> the engine version."""
    if not isinstance(family, str):
        return None
    m = _FAMILY_VERSION.match(family.strip().removeprefix("default."))
    if not m:
        return None
    return (int(m.group(1)), int(m.group(2) or 0))


def default_forces_tls(family: str, version: Version | None) -> bool | None:
    """Whether the engine's default parameter group forces TLS; None when the version decides and is unknown."""
    first = TLS_DEFAULT_ON_FROM.get(family)
    if first is None:
        return False
    if version is None:
        return None
    return version >= first


def is_cluster_member(db: Node) -> bool:
    """An instance whose cluster-level parameters come from its cluster (Aurora, DocDB...)."""
    if db.kind != DB_INSTANCE:
        return False
    if db.type == "aws_rds_cluster_instance":
        return True
    member = db.attr(tf="cluster_identifier", cfn="DBClusterIdentifier")
    if member.present:
        return True
    engine = db.get(tf="engine", cfn="Engine")
    return isinstance(engine, str) and engine.lower().startswith("aurora")


@record(frozen=True)
class GroupChoice:
    """The parameter group a database uses.

    ``status``: ``default`` (the engine's default group), ``group`` (a group of
    this configuration, in ``group``), ``unknown`` (an unresolved expression) or
    ``external`` (a literal name of a group not in this configuration).
    """

    status: Literal["default", "group", "unknown", "external"]
    attr: Attr
    group: Node | None = None


def group_attr(db: Node) -> Attr:
    if db.kind == DB_CLUSTER:
        return db.attr(tf="db_cluster_parameter_group_name", cfn="DBClusterParameterGroupName")
    return db.attr(tf="parameter_group_name", cfn="DBParameterGroupName")


def parameter_group_of(graph: ResourceGraph, db: Node) -> GroupChoice:
    a = group_attr(db)
    kind = DB_CLUSTER_PARAMETER_GROUP if db.kind == DB_CLUSTER else DB_PARAMETER_GROUP
    via = a.path[0] if a.path and isinstance(a.path[0], str) else None
    targets = graph.targets(db, kind, via=via) if via else []
    if len(targets) == 1:
        return GroupChoice("group", a, targets[0])
    if len(targets) > 1:
        return GroupChoice("unknown", a)
    if a.missing:
        return GroupChoice("default", a)
    if isinstance(a.value, str):
        if a.value.startswith("default."):
            return GroupChoice("default", a)
        return GroupChoice("external", a)
    return GroupChoice("unknown", a)


@record(frozen=True)
class ParameterSetting:
    """A parameter's value in a group: MISSING when not set, Unknown when not resolvable."""

    value: Any
    path: Path


def parameter_in_group(group: Node, name: str) -> ParameterSetting:
    """The value ``group`` gives to parameter ``name`` (case-insensitive), and where."""
    wanted = name.lower()
    if group.language == "terraform":
        blocks = group.attrs.get("parameter", MISSING)
        if isinstance(blocks, Unknown):
            return ParameterSetting(blocks, ("parameter",))
        unknown: ParameterSetting | None = None
        if isinstance(blocks, list):
            for i, block in enumerate(blocks):
                if isinstance(block, Unknown):
                    unknown = ParameterSetting(block, ("parameter", i))
                    continue
                if not isinstance(block, dict):
                    continue
                pname = block.get("name")
                if isinstance(pname, Unknown):
                    unknown = ParameterSetting(pname, ("parameter", i, "name"))
                    continue
                if isinstance(pname, str) and pname.lower() == wanted:
                    return ParameterSetting(block.get("value", MISSING), ("parameter", i, "value"))
        if unknown is not None:
            return unknown
        return ParameterSetting(MISSING, ("parameter",))
    params = group.attrs.get("Parameters", MISSING)
    if isinstance(params, Unknown):
        return ParameterSetting(params, ("Parameters",))
    if isinstance(params, dict):
        for k, v in params.items():
            if isinstance(k, str) and k.lower() == wanted:
                return ParameterSetting(v, ("Parameters", k))
    return ParameterSetting(MISSING, ("Parameters",))


def group_family(group: Node) -> Any:
    return group.get(tf="family", cfn="Family")


def family_engine(family: Any) -> str | None:
    """The engine family a parameter group family is for (``postgres14`` -> ``postgres``)."""
    if not isinstance(family, str):
        return None
    name = family.strip().lower().removeprefix("default.")
    m = re.match(r"^(aurora-postgresql|aurora-mysql|postgres|mysql|mariadb|sqlserver-[a-z]+)", name)
    return engine_family(m.group(1)) if m else None


# ---- read replicas ----------------------------------------------------------------
#
# A read replica (`replicate_source_db`, `SourceDBInstanceIdentifier`) takes its engine
# and version from its source.  Its parameter group is its own when it names one;
# otherwise a replica in the source's Region uses the source's group and a
# cross-Region replica (the source named by ARN) the engine's default group
# (CreateDBInstanceReadReplica, DBParameterGroupName):
# https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html


def replica_source_attr(db: Node) -> Attr:
    return db.attr(tf="replicate_source_db", cfn="SourceDBInstanceIdentifier")


def is_read_replica(db: Node) -> bool:
    return db.kind == DB_INSTANCE and replica_source_attr(db).present


def replica_source(graph: ResourceGraph, db: Node) -> Node | None:
    """The source instance of a read replica, when the configuration holds it."""
    a = replica_source_attr(db)
    via = a.path[0] if a.path and isinstance(a.path[0], str) else None
    found = graph.targets(db, DB_INSTANCE, via=via) if via else []
    return found[0] if len(found) == 1 else None


def replica_cross_region(graph: ResourceGraph, db: Node) -> bool | None:
    """Whether a replica names its source by ARN (a cross-Region replica); None: unknown."""
    a = replica_source_attr(db)
    if isinstance(a.value, str):
        return a.value.startswith("arn:")
    via = a.path[0] if a.path and isinstance(a.path[0], str) else None
    if via is None:
        return None
    arns = {
        str(e.dst_attr or "").lower().endswith("arn")
        for e, _ in graph.edges(db, "out", edge_kind="ref", via=via)
    }
    return arns.pop() if len(arns) == 1 else None
