"""The settings table and the one-call check rules make with it (Context.require)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from soc2lint.graph import ResourceGraph
from soc2lint.model import Node, Severity, Unknown
from soc2lint.rule import Context, Report
from soc2lint.settings import (
    DB_BACKUP_RETENTION,
    DB_SKIP_FINAL_SNAPSHOT,
    ELASTICSEARCH_ZONE_AWARENESS,
    OPENSEARCH_ENCRYPTED_AT_REST,
    OPENSEARCH_ZONE_AWARENESS,
    RDS_MULTI_AZ,
    REDSHIFT_ENCRYPTED,
    Setting,
    all_settings,
    pick,
)

from helpers import make_node
from rulekit import make_rule

TABLE = dict(all_settings())


def _rds(language: str = "terraform", **attrs: Any) -> Node:
    if language == "terraform":
        return make_node(
            "aws_db_instance.db", "AWS::RDS::DBInstance", attrs, type_="aws_db_instance"
        )
    return make_node(
        "Db", "AWS::RDS::DBInstance", attrs, language="cloudformation", file="template.yaml"
    )


def test_every_entry_is_complete() -> None:
    assert len(TABLE) >= 30
    for name, s in TABLE.items():
        assert s.kinds, name
        assert s.tf or s.cfn, name
        assert s.docs and all(d.startswith("https://") for d in s.docs), name
        if s.type == "bool":
            assert s.default in (True, False), name
            assert s.passing and all(isinstance(v, bool) for v in s.passing), name
        elif s.type == "int":
            assert isinstance(s.default, int) and isinstance(s.minimum, int), name
        else:
            assert all(isinstance(v, str) and v == v.lower() for v in s.passing), name
        assert s.passes(s.convert(s.fix_value)), f"{name}: the value a fix writes must pass"


def test_no_two_entries_describe_the_same_attribute() -> None:
    seen: dict[tuple[str, str | None, str | None], str] = {}
    for name, s in TABLE.items():
        for kind in s.kinds:
            key = (kind, s.tf, s.cfn)
            assert key not in seen, f"{name} repeats {seen.get(key)}"
            seen[key] = name


@pytest.mark.parametrize(
    ("attrs", "value", "written", "ok", "shown"),
    [
        ({}, False, False, False, "not set (default false)"),
        ({"multi_az": None}, False, False, False, "not set (default false)"),
        ({"multi_az": True}, True, True, True, "true"),
        ({"multi_az": "false"}, False, True, False, '"false"'),
        ({"multi_az": Unknown("var.ha")}, None, True, None, "unknown (var.ha)"),
        ({"multi_az": ["yes"]}, None, True, None, "['yes']"),
    ],
)
def test_reading_is_three_valued(
    attrs: dict[str, Any], value: Any, written: bool, ok: bool | None, shown: str
) -> None:
    r = RDS_MULTI_AZ.read(_rds(**attrs))
    assert (r.value, r.written, r.ok, r.shown) == (value, written, ok, shown)
    assert r.name == "multi_az"


def test_the_default_and_the_name_follow_the_node() -> None:
    assert (
        RDS_MULTI_AZ.read(_rds("cloudformation")).problem == "`MultiAZ` is not set (default false)"
    )
    assert RDS_MULTI_AZ.spelled(_rds("cloudformation")) == "MultiAZ"
    assert REDSHIFT_ENCRYPTED.read(_rds()).ok is True  # encrypted unless turned off
    # a Terraform-only setting on a CloudFormation node: never written, its default passes
    assert DB_SKIP_FINAL_SNAPSHOT.read(_rds("cloudformation", SkipFinalSnapshot=True)).ok is True


def test_nested_settings_and_ints() -> None:
    dom = make_node(
        "aws_opensearch_domain.d",
        "AWS::OpenSearchService::Domain",
        {"encrypt_at_rest": [{"enabled": False}]},
    )
    r = OPENSEARCH_ENCRYPTED_AT_REST.read(dom)
    assert (r.ok, r.name) == (False, "encrypt_at_rest[0].enabled")
    assert (
        DB_BACKUP_RETENTION.read(_rds()).problem
        == "`backup_retention_period` is not set (default 1 day)"
    )
    assert DB_BACKUP_RETENTION.read(_rds(backup_retention_period=7)).ok is True
    assert DB_BACKUP_RETENTION.read(_rds(backup_retention_period=7), threshold=30).ok is False
    assert DB_BACKUP_RETENTION.read(_rds(backup_retention_period="x")).ok is None
    es = make_node("d", "AWS::Elasticsearch::Domain", {}, language="cloudformation")
    assert pick(es, OPENSEARCH_ZONE_AWARENESS, ELASTICSEARCH_ZONE_AWARENESS).cfn == (
        "ElasticsearchClusterConfig.ZoneAwarenessEnabled"
    )


def _check(setting: Setting, message: str) -> Callable[[Context], Iterable[Report]]:
    def check(ctx: Context) -> Iterable[Report]:
        for node in ctx.graph.nodes(setting.kinds):
            yield from ctx.require(node, setting, message)

    return check


@pytest.mark.parametrize("strict", [False, True])
def test_require_in_one_call(strict: bool) -> None:
    rule = make_rule(
        "TST950", "test-settings", _check(RDS_MULTI_AZ, "{address} is single-AZ: {problem}")
    )
    nodes = [
        make_node("aws_db_instance.a", "AWS::RDS::DBInstance", {}),
        make_node("aws_db_instance.b", "AWS::RDS::DBInstance", {"multi_az": False}),
        make_node("aws_db_instance.c", "AWS::RDS::DBInstance", {"multi_az": True}),
        make_node("aws_db_instance.d", "AWS::RDS::DBInstance", {"multi_az": Unknown("var.x")}),
        make_node("Db", "AWS::RDS::DBInstance", {}, language="cloudformation"),
    ]
    ctx = Context(graph=ResourceGraph(nodes), rule=rule, strict=strict)
    reports = list(rule.check(ctx))
    found = {(r.node.address, r.path, r.message, r.unresolved) for r in reports if r.node}
    expected = {
        (
            "aws_db_instance.a",
            ("multi_az",),
            "aws_db_instance.a is single-AZ: `multi_az` is not set (default false)",
            False,
        ),
        (
            "aws_db_instance.b",
            ("multi_az",),
            "aws_db_instance.b is single-AZ: `multi_az` is false",
            False,
        ),
        ("Db", ("MultiAZ",), "Db is single-AZ: `MultiAZ` is not set (default false)", False),
    }
    if strict:
        expected.add(
            (
                "aws_db_instance.d",
                ("multi_az",),
                "aws_db_instance.d: `multi_az` could not be evaluated (var.x); TST950 cannot "
                "decide statically",
                True,
            )
        )
    assert found == expected
    assert all(r.setting is RDS_MULTI_AZ for r in reports if not r.unresolved)
    assert all(r.severity is Severity.LOW for r in reports if r.unresolved)
