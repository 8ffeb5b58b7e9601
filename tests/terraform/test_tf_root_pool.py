"""Roots evaluated in forked worker processes give exactly what evaluating them in one
process gives, and the scan-wide budgets keep the outcome of evaluating them in order."""

from __future__ import annotations

import dataclasses
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from test_tf_result_cache import PROJECT, _dirs, _view
from tfload import options, write

import soc2lint.terraform as tf
from soc2lint.frontend import Limits, LoadResult

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the pool forks"
)

# a third root with count instances; each root spends a few thousand evaluation steps
# in the module (one expression that needs more than the allowance left once the
# scan-wide budget is spent)
PROJECT3 = {
    **PROJECT,
    "modules/bucket/heavy.tf": "locals {\n  heavy = length([for i in range(3000) : i])\n}\n",
    "envs/test/main.tf": """
resource "aws_sqs_queue" "q" {
  count = 3
  name  = "q-${count.index}"
}
module "logs" {
  source = "../../modules/bucket"
  name   = "acme-logs-test"
}
""",
}


def _load(root: Path, jobs: int, cache: Path | None = None, **kw: Any) -> LoadResult:
    return tf.load_terraform(_dirs(root), [], options(root, jobs=jobs, cache_dir=cache, **kw))


@pytest.fixture
def pool_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tf, "POOL_MIN_EVAL_BYTES", 0)


@pytest.mark.usefixtures("pool_always")
def test_roots_from_the_pool_equal_roots_evaluated_in_process(tmp_path: Path) -> None:
    write(tmp_path, PROJECT3)
    serial = _load(tmp_path, jobs=1)
    pooled = _load(tmp_path, jobs=2, cache=tmp_path / ".cache")
    assert pooled.cache_stats["terraform.roots_in_pool"] == 3
    assert serial.cache_stats["terraform.roots_in_pool"] == 0
    assert _view(pooled) == _view(serial)
    assert [p.scope for p in pooled.parts] == [p.scope for p in serial.parts]
    # what the pool evaluated was cached, and reads back the same
    warm = _load(tmp_path, jobs=2, cache=tmp_path / ".cache")
    assert warm.cache_stats["terraform.roots_cached"] == 3
    assert _view(warm) == _view(serial)


def test_small_scans_stay_in_process(tmp_path: Path) -> None:
    write(tmp_path, PROJECT3)
    assert _load(tmp_path, jobs=2).cache_stats["terraform.roots_in_pool"] == 0


@pytest.mark.usefixtures("pool_always")
@pytest.mark.parametrize("budget", ["max_total_eval_steps", "max_total_instances"])
def test_budgets_reached_only_by_all_roots_together_keep_the_serial_outcome(
    tmp_path: Path, budget: str
) -> None:
    write(tmp_path, PROJECT3)
    # each root alone stays within the budget, all of them in order do not
    per_root = []
    for d in _dirs(tmp_path):
        if "modules" in d.parts:
            continue
        state = tf._Loading(options(tmp_path, jobs=1))
        tf._evaluate_root(state.loader, d, state.options)
        spent = (
            state.loader.ev.total_steps
            if budget == "max_total_eval_steps"
            else state.loader.instances_made
        )
        per_root.append(spent)
    limit = max(per_root)
    assert limit < sum(per_root)
    limits = dataclasses.replace(Limits(), **{budget: limit})
    serial = _load(tmp_path, jobs=1, limits=limits)
    pooled = _load(tmp_path, jobs=2, limits=limits)
    assert pooled.cache_stats["terraform.roots_in_pool"] == 0
    assert _view(pooled) == _view(serial)
    # the budget did change the outcome: the same scan without it differs
    assert _view(_load(tmp_path, jobs=1)) != _view(serial)
