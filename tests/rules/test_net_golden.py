"""Golden findings of the network rules (NET, AVL003/004/008) on the network fixtures.

Each fixture is scanned through the real front ends and the whole engine with
only our rules selected; the findings (rule, address, file, line, severity,
and for NET009 the code flow hop by hop) must equal the golden file.  Rewrite
the golden files with ``SOC2LINT_UPDATE_GOLDEN=1`` and review every line.

* ``network``: a three-tier VPC done right (no NET009), with the usual slips
  (a single-zone internal NLB, a rule without description, a VPN CIDR on the
  database, a bucket without a public access block, a bastion with a public IP).
* ``network-leaky``: the quick-start stack; the database in public subnets
  with 5432/3306 open must produce exactly the expected exposure path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from golden_files import check_json

from soc2lint.config import Config
from soc2lint.rule import DEFAULT_OPTIONS

from helpers import scan

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"

RULE_IDS = (
    *(f"NET{i:03d}" for i in range(1, 17) if i != 11),
    "AVL003",
    "AVL004",
    "AVL008",
)

CASES = [
    ("terraform", "network"),
    ("terraform", "network-leaky"),
    ("cloudformation", "network"),
    ("cloudformation", "network-leaky"),
]


def _front_end_missing(lang: str) -> bool:
    import soc2lint.cloudformation as cfn
    import soc2lint.terraform as tf

    mod = tf if lang == "terraform" else cfn
    return "Being built" in (mod.__doc__ or "")


def _findings(lang: str, name: str) -> list[dict[str, Any]]:
    root = REPO / "fixtures" / lang / name
    config = Config(select=RULE_IDS, options=dict(DEFAULT_OPTIONS), inline_suppressions=False)
    result = scan([root], base=REPO, config=config)
    broken = [f.message for f in result.findings if f.incomplete]
    assert not broken, broken
    out: list[dict[str, Any]] = []
    for f in result.findings:
        if f.rule_id not in RULE_IDS:
            continue
        entry: dict[str, Any] = {
            "rule": f.rule_id,
            "address": f.address,
            "file": f.range.file,
            "line": f.range.start_line,
            "severity": f.severity.label,
        }
        if f.code_flow:
            entry["code_flow"] = [
                {"address": h.address, "file": h.range.file, "line": h.range.start_line}
                for h in f.code_flow
            ]
        out.append(entry)
    return sorted(out, key=lambda d: (d["file"], d["line"], d["rule"], d["address"]))


@pytest.mark.parametrize(("lang", "name"), CASES, ids=[f"{n}-{lang}" for lang, n in CASES])
def test_network_golden(lang: str, name: str) -> None:
    if _front_end_missing(lang):
        pytest.skip(f"the {lang} front end has not landed yet")
    got = _findings(lang, name)
    path = GOLDEN / f"{name}-{lang}.json"
    check_json(path, got)


@pytest.mark.parametrize("lang", ["terraform", "cloudformation"])
def test_three_tier_vpc_has_no_exposure_path(lang: str) -> None:
    if _front_end_missing(lang):
        pytest.skip(f"the {lang} front end has not landed yet")
    assert not [f for f in _findings(lang, "network") if f["rule"] == "NET009"]


@pytest.mark.parametrize("lang", ["terraform", "cloudformation"])
def test_leaky_database_path_hop_by_hop(lang: str) -> None:
    if _front_end_missing(lang):
        pytest.skip(f"the {lang} front end has not landed yet")
    paths = [f for f in _findings(lang, "network-leaky") if f["rule"] == "NET009"]
    db = {"terraform": "aws_db_instance.app", "cloudformation": "Database"}[lang]
    (hit,) = [p for p in paths if p["address"] == db]
    hops = [h["address"] for h in hit["code_flow"]]
    expected = {
        "terraform": [
            "aws_route_table.public",
            "aws_subnet.public[0]",
            "aws_security_group.db",
            "aws_db_instance.app",
        ],
        "cloudformation": ["InternetRoute", "PublicA", "DbSecurityGroup", "Database"],
    }[lang]
    assert hops == expected
