"""Every golden pack reconciles: the matrix's counts are the population rows, and the
inventory pages list the same subjects where they describe the same thing."""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
PACKS = sorted(p for p in GOLDEN.iterdir() if (p / "README.md").is_file())

ROW = re.compile(
    r"^\| \[(?P<id>[A-Z]{3}\d{3})\]\([^)]*\) \| [^|]* \| (?P<e>\d+) \| (?P<p>\d+) \| "
    r"(?P<f>\d+) \| (?P<x>\d+) \| (?P<u>\d+) \| (?P<na>\d+) \| \[population\]\(populations/"
    r"(?P=id)\.md\) \|$"
)
#: ENC rules whose subjects are data stores the encrypted-resources inventory lists
STORE_RULES = ("ENC001", "ENC003", "ENC004", "ENC005", "ENC006", "ENC007", "ENC010", "ENC011")
#: rules whose evaluated subjects are stateful resources the backup inventory lists
BACKUP_RULES = (
    "BAK001",
    "BAK002",
    "BAK004",
    "BAK005",
    "BAK006",
    "BAK007",
    "AVL001",
    "AVL006",
)
LINKED = re.compile(r"^\|(?: [^|]* \|)? \[(?P<name>(?:[^\]\\]|\\.)+)\]\(", re.M)


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _matrix(pack: Path) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in (pack / "README.md").read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            out[m["id"]] = {k: int(m[k]) for k in ("e", "p", "f", "x", "u", "na")}
    return out


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_matrix_counts_are_the_population_rows(pack: Path) -> None:
    matrix = _matrix(pack)
    assert matrix, "no rule rows in the matrix"
    for rule_id, counts in matrix.items():
        rows = _csv(pack / "populations" / f"{rule_id}.csv")
        by = Counter(r["status"] for r in rows)
        assert set(by) <= {"pass", "fail", "excepted", "unknown", "not applicable"}
        have = {
            "e": len(rows) - by["not applicable"],
            "p": by["pass"],
            "f": by["fail"],
            "x": by["excepted"],
            "u": by["unknown"],
            "na": by["not applicable"],
        }
        assert have == counts, rule_id
        for r in rows:
            assert r["location"], f"{rule_id}: {r['subject']} has no location"
            if r["status"] != "pass":
                assert r["reason"], f"{rule_id}: {r['subject']} is {r['status']} without why"
    # a population file for every row that ran, and none other
    files = {p.stem for p in (pack / "populations").glob("*.csv")}
    assert files == set(matrix)


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_inventories_list_what_the_matrix_counts(pack: Path) -> None:
    matrix = _matrix(pack)
    keys = pack / "encryption" / "kms-keys.md"
    if "KEY003" in matrix and keys.is_file():
        m = re.search(r"^(\d+) keys?\.$", keys.read_text(encoding="utf-8"), re.M)
        listed = int(m[1]) if m else 0
        assert listed == matrix["KEY003"]["e"] + matrix["KEY003"]["na"]
    stores = pack / "encryption" / "encrypted-resources.csv"
    if not stores.is_file():
        return
    inventory = {(r["scope"], r["address"]) for r in _csv(stores)}
    for rule_id in STORE_RULES:
        if rule_id not in matrix:
            continue
        subjects = {
            (r["root"], r["subject"]) for r in _csv(pack / "populations" / f"{rule_id}.csv")
        }
        missing = subjects - inventory
        assert not missing, f"{rule_id} counts subjects the inventory does not list: {missing}"
    backup = pack / "disaster-recovery" / "backup-inventory.md"
    if not backup.is_file():
        return
    listed = {
        html.unescape(m["name"].replace("\\", ""))
        for m in LINKED.finditer(backup.read_text(encoding="utf-8"))
    }
    for rule_id in BACKUP_RULES:
        if rule_id not in matrix:
            continue
        rows = _csv(pack / "populations" / f"{rule_id}.csv")
        evaluated = {r["subject"] for r in rows if r["status"] != "not applicable"}
        missing = evaluated - listed
        assert not missing, (
            f"{rule_id} evaluates what the backup inventory does not list: {missing}"
        )
