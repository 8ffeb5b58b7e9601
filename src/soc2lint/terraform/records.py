"""What the Terraform front end keeps in the result cache (light to import: a scan
served from the cache never imports the parser or the evaluator)."""

from __future__ import annotations

from typing import Any

from ..cache import Dependency
from ..frontend import Diagnostic
from ..record import record

#: part of the cache keys: bump when the syntax tree or the records change shape
PARSER_VERSION = "ast1-hcl2-8"


class RootRecord:
    """What evaluating one root produced, in a form the result cache can keep.

    ``configs`` lists the module configurations the root used, in order,
    with their own diagnostics (parse errors, duplicates): those are reported
    once per scan, in the scope of the first root that uses the configuration,
    which only the merge of every root can decide.
    """

    __slots__ = (
        "configs",
        "deps",
        "diagnostics",
        "edges",
        "files",
        "literal_edges",
        "nodes",
        "scope",
        "undeclared",
        "uniform",
    )

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.deps: tuple[Dependency, ...] = ()
        self.nodes: list[Any] = []
        self.edges: list[Any] = []
        #: the root's literal edges (see soc2lint.links), computed with it
        self.literal_edges: list[Any] = []
        self.diagnostics: list[Diagnostic] = []
        self.configs: list[tuple[str, str, list[Diagnostic]]] = []
        self.files: set[str] = set()
        #: values for variables the root does not declare: ("own", name, where) from
        #: its own tfvars files, ("shared", name, where) from --var-file / --var
        self.undeclared: list[tuple[str, str, str]] = []
        #: every node and edge is in the root's own scope (the merge then need not sort)
        self.uniform = True


@record
class DirInfo:
    """What a scanned directory contributes before any root is evaluated."""

    display: str
    files: list[str]
    #: the configuration's own diagnostics (parse errors, duplicates), without scope
    diagnostics: list[Diagnostic]
    #: sources of its local module calls (which directories are roots)
    local_calls: list[str]


class Reported:
    """Diagnostics of one load, each (rule, message, range, scope) once."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._seen: set[tuple[str, str, Any, str]] = set()

    def add(self, d: Diagnostic) -> None:
        key = (d.rule_id, d.message, d.range, d.scope)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(d)
