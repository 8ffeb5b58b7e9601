"""CHG001's module source parser and version-constraint reading."""

from __future__ import annotations

import pytest

from soc2lint.rules.chg.chg001_module_source_unpinned import (
    parse_module_source,
    ref_is_pinned,
    version_is_pinned,
)


@pytest.mark.parametrize(
    ("source", "kind", "ref"),
    [
        ("./modules/db", "local", None),
        ("../shared/vpc", "local", None),
        ("terraform-aws-modules/vpc/aws", "registry", None),
        ("terraform-aws-modules/iam/aws//modules/iam-user", "registry", None),
        ("app.terraform.io/acme/k8s-cluster/aws", "registry", None),
        ("git::https://example.com/vpc.git?ref=v1.2.0", "git", "v1.2.0"),
        ("git::https://example.com/network.git//modules/vpc?ref=main", "git", "main"),
        ("git::ssh://git@example.com/storage.git", "git", None),
        (
            "git@github.com:hashicorp/example.git?ref=51d462976d84fdea54b47d80dcabbf680badcdb8",
            "git",
            "51d462976d84fdea54b47d80dcabbf680badcdb8",
        ),
        ("github.com/hashicorp/example?ref=v1.0.0", "git", "v1.0.0"),
        ("github.com/hashicorp/example", "git", None),
        ("bitbucket.org/hashicorp/terraform-consul-aws", "git", None),
        ("hg::http://example.com/vpc.hg?rev=v1.2.0", "hg", "v1.2.0"),
        (
            "s3::https://s3-eu-west-1.amazonaws.com/examplecorp-terraform-modules/vpc.zip",
            "s3",
            None,
        ),
        ("gcs::https://www.googleapis.com/storage/v1/modules/foomodule.zip", "gcs", None),
        ("https://example.com/vpc-module.zip", "http", None),
    ],
)
def test_parse_module_source(source: str, kind: str, ref: str | None) -> None:
    parsed = parse_module_source(source)
    assert parsed.kind == kind
    assert parsed.ref == ref


@pytest.mark.parametrize(
    ("ref", "pinned"),
    [
        ("v1.2.3", True),
        ("1.2.3", True),
        ("51d4629", True),
        ("main", False),
        ("master", False),
        ("develop", False),
        ("HEAD", False),
        ("latest", False),
        ("refs/heads/release", False),
        ("", False),
    ],
)
def test_ref_is_pinned(ref: str, pinned: bool) -> None:
    assert ref_is_pinned(ref) is pinned


@pytest.mark.parametrize(
    ("constraint", "pinned"),
    [
        ("1.2.3", True),
        ("= 1.2.3", True),
        ("~> 1.2.3", True),
        ("~> 1.2", True),
        (">= 1.2, < 2.0", True),
        (">= 1.0", False),
        ("> 1", False),
        ("!= 1.3.0", False),
        ("*", False),
        ("", False),
    ],
)
def test_version_is_pinned(constraint: str, pinned: bool) -> None:
    assert version_is_pinned(constraint) is pinned
