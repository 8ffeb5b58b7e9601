"""Roots evaluated by a forked helper process give exactly what evaluating them in one
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
    "fork" not in multiprocessing.get_all_start_methods(), reason="the helper is forked"
)

# each root spends a few thousand evaluation steps in the module (one expression that
# needs more than the allowance left once the scan-wide budget is spent) and makes
# three instances (the module's and its queues)
PROJECT2 = {
    **PROJECT,
    "modules/bucket/heavy.tf": """
locals {
  heavy = length([for i in range(3000) : i])
}
resource "aws_sqs_queue" "q" {
  count = 2
  name  = "q-${count.index}"
}
""",
}

PROJECT3 = {
    **PROJECT2,
    "envs/test/main.tf": """
module "logs" {
  source = "../../modules/bucket"
  name   = "acme-logs-test"
}
""",
}


def _load(root: Path, jobs: int, cache: Path | None = None, **kw: Any) -> LoadResult:
    return tf.load_terraform(_dirs(root), [], options(root, jobs=jobs, cache_dir=cache, **kw))


@pytest.fixture
def helper_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tf, "POOL_MIN_EVAL_BYTES", 0)


@pytest.mark.usefixtures("helper_always")
def test_roots_from_the_helper_equal_roots_evaluated_in_process(tmp_path: Path) -> None:
    write(tmp_path, PROJECT3)
    serial = _load(tmp_path, jobs=1)
    # this process evaluates roots from the first, the helper from the last one
    helped = _load(tmp_path, jobs=2, cache=tmp_path / ".cache")
    assert 1 <= helped.cache_stats["terraform.roots_by_helper"] <= 2
    assert serial.cache_stats["terraform.roots_by_helper"] == 0
    assert _view(helped) == _view(serial)
    assert [p.scope for p in helped.parts] == [p.scope for p in serial.parts]
    # what the helper evaluated was cached, and reads back the same
    warm = _load(tmp_path, jobs=2, cache=tmp_path / ".cache")
    assert warm.cache_stats["terraform.roots_cached"] == 3
    assert _view(warm) == _view(serial)


def test_small_scans_stay_in_process(tmp_path: Path) -> None:
    write(tmp_path, PROJECT3)
    assert _load(tmp_path, jobs=2).cache_stats["terraform.roots_by_helper"] == 0


@pytest.mark.usefixtures("helper_always")
@pytest.mark.parametrize("budget", ["max_total_eval_steps", "max_total_instances"])
def test_budgets_reached_only_by_all_roots_together_keep_the_serial_outcome(
    tmp_path: Path, budget: str
) -> None:
    write(tmp_path, PROJECT2)
    # each root alone stays within the budget, both in order do not: this process
    # evaluates the first root and the helper the second one from where the first
    # started, so only adding up what they spent shows the budget reached
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
    assert len(per_root) == 2
    limit = max(per_root)
    assert limit < sum(per_root)
    limits = dataclasses.replace(Limits(), **{budget: limit})
    serial = _load(tmp_path, jobs=1, limits=limits)
    helped = _load(tmp_path, jobs=2, limits=limits)
    assert helped.cache_stats["terraform.roots_by_helper"] == 0
    assert _view(helped) == _view(serial)
    # the budget did change the outcome: the same scan without it differs
    assert _view(_load(tmp_path, jobs=1)) != _view(serial)
