"""Golden files of the evaluated graph of each fixture.

Rewrite them with ``SOC2LINT_UPDATE_GOLDEN=1 pytest tests/cloudformation``, read the
diff, and commit it with the change that caused it.  Never edit them by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cfn_testlib import FIXTURES, load_paths
from golden_files import check_text

from soc2lint.frontend import LoadResult
from soc2lint.graphdump import dump_graph

GOLDEN = Path(__file__).resolve().parent / "golden"

CASES: dict[str, list[str]] = {
    "multi-tier-yaml": ["multi-tier/app.yaml"],
    "multi-tier-json": ["multi-tier/app.json"],
    "sam": ["sam/template.yaml"],
    "nested": [
        "nested/parent.yaml",
        "nested/stacks/data.yaml",
        "nested/stacks/kms.yaml",
        "nested/stacks/network.yaml",
    ],
    "cdk": [
        "cdk-app/cdk.out/OrdersStack.assets.json",
        "cdk-app/cdk.out/OrdersStack.template.json",
        "cdk-app/cdk.out/OrdersStackProcessor1A2B3C4D.nested.template.json",
        "cdk-app/cdk.out/manifest.json",
        "cdk-app/cdk.out/tree.json",
    ],
}


def snapshot(result: LoadResult) -> dict[str, Any]:
    return {
        "files": sorted(result.files),
        "diagnostics": [
            {"rule": d.rule_id, "at": str(d.range), "address": d.address, "message": d.message}
            for d in sorted(result.diagnostics, key=lambda d: (str(d.range), d.rule_id, d.message))
        ],
        "graph": dump_graph(result.nodes, result.edges, with_locations=True),
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_graph(name: str) -> None:
    result = load_paths([FIXTURES / f for f in CASES[name]], root=FIXTURES, base=FIXTURES)
    text = json.dumps(snapshot(result), indent=1, sort_keys=False) + "\n"
    path = GOLDEN / f"{name}.json"
    check_text(path, text)


def test_yaml_and_json_templates_give_the_same_graph() -> None:
    def normalized(file: str) -> dict[str, Any]:
        result = load_paths([FIXTURES / file], root=FIXTURES, base=FIXTURES)
        graph = dump_graph(result.nodes, result.edges)
        for n in graph["nodes"]:
            for key in ("scope", "file", "line", "end_line", "origins"):
                n.pop(key, None)
            n.get("meta", {}).pop("template", None)
            if n["category"] == "template":
                n["address"] = "<template>"
        for e in graph["edges"]:
            e["src"] = e["src"].split("::", 1)[1]
            e["dst"] = e["dst"].split("::", 1)[1]
        return graph

    yaml_graph = normalized("multi-tier/app.yaml")
    assert yaml_graph == normalized("multi-tier/app.json")
    assert len(yaml_graph["nodes"]) == 52 and len(yaml_graph["edges"]) == 82


def test_loading_is_deterministic_whatever_the_order_of_files() -> None:
    files = [FIXTURES / f for case in CASES.values() for f in case]
    one = snapshot(load_paths(files, root=FIXTURES, base=FIXTURES))
    again = snapshot(load_paths(list(reversed(files)), root=FIXTURES, base=FIXTURES))
    assert one == again
    assert len(one["graph"]["nodes"]) > 150


def test_loading_in_worker_processes_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import soc2lint.cloudformation as cfn

    paths = [FIXTURES / f for case in CASES.values() for f in case]
    serial = load_paths(paths, root=FIXTURES, base=FIXTURES)
    monkeypatch.setattr(cfn, "POOL_MIN_ROOTS", 2)
    used: list[int] = []
    real = cfn._load_in_pool

    def spy(roots: list[Path], jobs: int, options: Any, result: Any) -> Any:
        used.append(len(roots))
        done = real(roots, jobs, options, result)
        assert done is not None, "the process pool could not be used"
        return done

    monkeypatch.setattr(cfn, "_load_in_pool", spy)
    pooled = load_paths(paths, root=FIXTURES, base=FIXTURES, jobs=2)
    # 12 files; the 3 nested children and CDK's nested template are not roots
    assert used == [8]
    assert snapshot(pooled) == snapshot(serial)
    assert pooled.files == serial.files
    assert [(n.scope, n.address) for n in pooled.nodes] == [
        (n.scope, n.address) for n in serial.nodes
    ]
