"""The rule registry: one explicit table, validated when it is built.

Built-in rules come from ``soc2lint.rules.BUILTIN_RULES`` (a plain tuple, no
registration by import side effect).  Third-party packs come in through the
``soc2lint.rules`` entry-point group and ``--rules-dir``; each must expose a
``RULES`` sequence of :class:`~soc2lint.rule.Rule` and is validated exactly
like the built-ins.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib.machinery import PathFinder
from pathlib import Path

from .rule import Rule, validate_rule
from .system_rules import SYSTEM_RULES

ENTRY_POINT_GROUP = "soc2lint.rules"


class RegistryError(Exception):
    """The rule table is inconsistent (duplicate ID or slug, incomplete metadata)."""


class Registry:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(sorted(rules, key=lambda r: r.id))
        self.by_id: dict[str, Rule] = {}
        self.by_slug: dict[str, Rule] = {}
        problems: list[str] = []
        for r in self.rules:
            # a pack's examples are read now: a broken file is a clear error, not a crash later
            problems.extend(validate_rule(r, examples=r.origin != "builtin"))
            if r.id in self.by_id:
                problems.append(
                    f"duplicate rule id {r.id} ({r.origin} and {self.by_id[r.id].origin})"
                )
            if r.slug in self.by_slug:
                problems.append(
                    f"duplicate rule slug {r.slug} ({r.id} and {self.by_slug[r.slug].id})"
                )
            self.by_id.setdefault(r.id, r)
            self.by_slug.setdefault(r.slug, r)
        if problems:
            raise RegistryError("; ".join(problems))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, token: str) -> Rule | None:
        """A rule by ID (any case) or slug."""
        return self.by_id.get(token.upper()) or self.by_slug.get(token.lower())

    def resolve(self, token: str) -> set[str]:
        """Rule IDs a ``--select``/``--ignore`` token names: an ID, a slug or a family prefix.

        Raises :class:`KeyError` with the token when it names nothing.
        """
        t = token.strip()
        r = self.get(t)
        if r is not None:
            return {r.id}
        fam = t.upper()
        ids = {x.id for x in self.rules if x.family == fam}
        if ids:
            return ids
        if fam in ("ALL", "*"):
            return {x.id for x in self.rules}
        raise KeyError(token)


def builtin_rules() -> tuple[Rule, ...]:
    from .rules import BUILTIN_RULES  # type: ignore[import-not-found,unused-ignore]

    return tuple(BUILTIN_RULES)


def _plugin_rules(obj: object, origin: str) -> list[Rule]:
    if callable(obj) and not isinstance(obj, Rule):
        obj = obj()
    rules = getattr(obj, "RULES", obj)
    if isinstance(rules, Rule):
        rules = [rules]
    if not isinstance(rules, Sequence) or not all(isinstance(r, Rule) for r in rules):
        raise RegistryError(f"{origin}: expected a RULES sequence of soc2lint Rule objects")
    return [replace(r, origin=origin) for r in rules]


def load_rules_dir(directory: Path) -> list[Rule]:
    """Rules from every ``*.py`` module in ``directory`` that defines ``RULES``."""
    if not directory.is_dir():
        raise RegistryError(f"--rules-dir {directory}: not a directory")
    out: list[Rule] = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"soc2lint_user_rules_{abs(hash(str(path.resolve())))}_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise RegistryError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # a plugin's own error, reported with its path
            raise RegistryError(f"{path}: {type(exc).__name__}: {exc}") from exc
        if hasattr(module, "RULES"):
            out.extend(_plugin_rules(module, f"rules-dir:{path.name}"))
    return out


def _may_have_packs() -> bool:
    """Whether an installed distribution may declare a rule pack: some
    ``entry_points.txt`` on ``sys.path`` names the group (or distributions are
    found in a way this look does not follow).  Importing ``importlib.metadata``
    to ask costs a scan ~20 ms CPU; this look about 1."""
    if any(f is not PathFinder and hasattr(f, "find_distributions") for f in sys.meta_path):
        return True
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except NotADirectoryError:  # a zip archive
            return True
        except OSError:
            continue
        egg = entry.lower().endswith(".egg")
        for name in names:
            low = name.lower()
            if not (low.endswith((".dist-info", ".egg-info")) or (egg and low == "egg-info")):
                continue
            try:
                with open(os.path.join(entry, name, "entry_points.txt"), "rb") as fh:
                    if ENTRY_POINT_GROUP.encode() in fh.read():
                        return True
            except OSError:
                continue
    return False


def load_registry(rules_dirs: Sequence[Path] = (), *, use_entry_points: bool = True) -> Registry:
    rules: list[Rule] = [*SYSTEM_RULES, *builtin_rules()]
    if use_entry_points and _may_have_packs():
        from importlib.metadata import entry_points

        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            try:
                obj = ep.load()
            except Exception as exc:
                raise RegistryError(f"rule pack {ep.name}: {type(exc).__name__}: {exc}") from exc
            rules.extend(_plugin_rules(obj, f"plugin:{ep.name}"))
    for d in rules_dirs:
        rules.extend(load_rules_dir(d))
    return Registry(rules)
