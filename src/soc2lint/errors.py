"""Errors every layer may raise and the CLI maps to exit codes."""

from __future__ import annotations


class UsageError(Exception):
    """Bad arguments or configuration discovered while preparing the scan (exit 2)."""
