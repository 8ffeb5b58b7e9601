"""Which rules a run executes: ``select`` / ``ignore`` (IDs, slugs or family prefixes)."""

from __future__ import annotations

from collections.abc import Sequence

from .config import Config
from .errors import UsageError
from .registry import Registry
from .rule import Rule
from .system_rules import UNIGNORABLE


def selected_rules(registry: Registry, config: Config) -> list[Rule]:
    """The rules a run executes, from select/ignore (IDs, slugs or family prefixes)."""

    def resolve(tokens: Sequence[str], what: str) -> set[str]:
        ids: set[str] = set()
        for t in tokens:
            try:
                ids |= registry.resolve(t)
            except KeyError:
                raise UsageError(
                    f"{what}: unknown rule '{t}' (see `soc2lint rules` for IDs, slugs and families)"
                ) from None
        return ids

    chosen = resolve(config.select, "--select") if config.select else {r.id for r in registry}
    ignored = resolve(config.ignore, "--ignore")
    locked = ignored & UNIGNORABLE
    if locked:
        hint = (
            "; to scan without `terraform init` on purpose, pass --allow-unloaded-modules"
            if "SYS006" in locked
            else ""
        )
        raise UsageError(
            f"--ignore: {', '.join(sorted(locked))} cannot be ignored: they mean part of the "
            f"configuration was not checked{hint}"
        )
    out = []
    for r in registry:
        if r.reserved:
            if r.id not in ignored:
                out.append(r)
            continue
        if r.id in chosen and r.id not in ignored:
            if r.account_scope and not config.account_scope:
                continue
            out.append(r)
    return out
