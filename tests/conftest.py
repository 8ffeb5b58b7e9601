"""Shared fixtures: pinned date for suppression expiry, no colour, hermetic environment."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SOC2LINT_TODAY", "2026-06-01")


@pytest.fixture(autouse=True)
def _hermetic_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.setenv("SOC2LINT_TODAY", "2026-06-01")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("SOC2LINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    for var in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA", "FORCE_COLOR"):
        monkeypatch.delenv(var, raising=False)
    for var in list(os.environ):
        if var.startswith("TF_VAR_"):
            monkeypatch.delenv(var, raising=False)
