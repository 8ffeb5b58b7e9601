"""Which parameter group an RDS database uses, and the TLS defaults by engine and version."""

from __future__ import annotations

import pytest

from soc2lint.graph import ResourceGraph
from soc2lint.model import MISSING, Edge, Unknown
from soc2lint.views import db_params as dbp

from helpers import make_node


@pytest.mark.parametrize(
    ("engine", "family"),
    [
        ("postgres", "postgres"),
        ("aurora-postgresql", "aurora-postgresql"),
        ("aurora", "aurora-mysql"),
        ("aurora-mysql", "aurora-mysql"),
        ("mysql", "mysql"),
        ("mariadb", "mariadb"),
        ("sqlserver-se", "sqlserver"),
        ("oracle-ee", None),
        (Unknown("var.engine"), None),
    ],
)
def test_engine_family(engine: object, family: str | None) -> None:
    assert dbp.engine_family(engine) == family


def test_versions() -> None:
    assert dbp.engine_version("15.4") == (15, 4)
    assert dbp.engine_version("9.6.22") == (9, 6)
    assert dbp.engine_version(16) == (16, 0)
    assert dbp.engine_version("latest") is None
    assert dbp.family_version("postgres14") == (14, 0)
    assert dbp.family_version("aurora-postgresql16") == (16, 0)
    assert dbp.family_version("default.mysql8.0") == (8, 0)
    assert dbp.family_version("sqlserver-se-15.0") is None


@pytest.mark.parametrize(
    ("family", "version", "forced"),
    [
        ("postgres", (14, 12), False),
        ("postgres", (15, 0), True),
        ("postgres", None, None),
        ("aurora-postgresql", (16, 2), False),
        ("aurora-postgresql", (17, 4), True),
        ("mysql", (8, 4), False),
        ("mysql", (9, 7), True),
        ("mariadb", (11, 4), False),
        ("mariadb", (11, 8), True),
        ("sqlserver", None, False),
        ("aurora-mysql", (8, 0), False),
    ],
)
def test_default_forces_tls(
    family: str, version: tuple[int, int] | None, forced: bool | None
) -> None:
    assert dbp.default_forces_tls(family, version) is forced


def test_parameter_group_by_reference_name_default_and_unknown() -> None:
    group = make_node("aws_db_parameter_group.pg", "AWS::RDS::DBParameterGroup", {"name": "pg"})
    by_ref = make_node(
        "aws_db_instance.a",
        "AWS::RDS::DBInstance",
        {"parameter_group_name": "pg"},
    )
    default = make_node("aws_db_instance.b", "AWS::RDS::DBInstance", {})
    named_default = make_node(
        "aws_db_instance.c", "AWS::RDS::DBInstance", {"parameter_group_name": "default.mysql8.0"}
    )
    external = make_node(
        "aws_db_instance.d", "AWS::RDS::DBInstance", {"parameter_group_name": "shared"}
    )
    unknown = make_node(
        "aws_db_instance.e", "AWS::RDS::DBInstance", {"parameter_group_name": Unknown("var.pg")}
    )
    g = ResourceGraph(
        [group, by_ref, default, named_default, external, unknown],  # type: ignore[list-item]
        [Edge(by_ref.id, group.id, "literal", ("parameter_group_name",))],  # type: ignore[attr-defined]
    )
    assert dbp.parameter_group_of(g, by_ref).group is group  # type: ignore[arg-type]
    assert dbp.parameter_group_of(g, default).status == "default"  # type: ignore[arg-type]
    assert dbp.parameter_group_of(g, named_default).status == "default"  # type: ignore[arg-type]
    assert dbp.parameter_group_of(g, external).status == "external"  # type: ignore[arg-type]
    assert dbp.parameter_group_of(g, unknown).status == "unknown"  # type: ignore[arg-type]


def test_parameter_values_in_both_languages() -> None:
    tf = make_node(
        "aws_db_parameter_group.pg",
        "AWS::RDS::DBParameterGroup",
        {
            "parameter": [
                {"name": "log_connections", "value": "1"},
                {"name": "RDS.FORCE_SSL", "value": "1"},
            ]
        },
    )
    s = dbp.parameter_in_group(tf, "rds.force_ssl")  # type: ignore[arg-type]
    assert s.value == "1" and s.path == ("parameter", 1, "value")
    assert dbp.parameter_in_group(tf, "require_secure_transport").value is MISSING  # type: ignore[arg-type]
    templated = make_node(
        "aws_db_parameter_group.t",
        "AWS::RDS::DBParameterGroup",
        {"parameter": [{"name": Unknown("each.value.name"), "value": Unknown("each.value.value")}]},
    )
    assert isinstance(dbp.parameter_in_group(templated, "rds.force_ssl").value, Unknown)  # type: ignore[arg-type]
    cfn = make_node(
        "Params",
        "AWS::RDS::DBParameterGroup",
        {"Parameters": {"require_secure_transport": "ON"}},
        language="cloudformation",
    )
    s = dbp.parameter_in_group(cfn, "require_secure_transport")  # type: ignore[arg-type]
    assert s.value == "ON" and s.path == ("Parameters", "require_secure_transport")


def test_cluster_members() -> None:
    member = make_node(
        "aws_rds_cluster_instance.a", "AWS::RDS::DBInstance", {}, type_="aws_rds_cluster_instance"
    )
    cfn_member = make_node(
        "Writer", "AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"}, language="cloudformation"
    )
    standalone = make_node("aws_db_instance.a", "AWS::RDS::DBInstance", {"engine": "postgres"})
    assert dbp.is_cluster_member(member)  # type: ignore[arg-type]
    assert dbp.is_cluster_member(cfn_member)  # type: ignore[arg-type]
    assert not dbp.is_cluster_member(standalone)  # type: ignore[arg-type]
