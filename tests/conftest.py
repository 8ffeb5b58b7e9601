"""Shared fixtures: pinned date for suppression expiry, no colour, hermetic environment."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("SOC2LINT_TODAY", "2026-06-01")

# Hypothesis: "ci" (default) is derandomized and small so the suite stays short and
# reproducible; HYPOTHESIS_PROFILE=fuzz runs longer, randomized (see tests/fuzzing.py).
_SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.register_profile(
    "fuzz", derandomize=False, deadline=None, suppress_health_check=_SLOW_OK, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise OSError("network access is not allowed: soc2lint never touches the network")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with outbound connections refused: the scan must never need them."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
