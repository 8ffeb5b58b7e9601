"""What every section generator receives: the scan, the control matrix, where links go."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import field
from typing import TYPE_CHECKING, Any

from ..model import Finding, Node
from ..population import Status
from ..record import record
from .common import Pack
from .gitinfo import Commit
from .matrix import MatrixRow

if TYPE_CHECKING:
    from ..engine import ScanResult


@record
class EvidenceContext:
    #: the scan as the user asked for it (findings.json, findings.sarif, sections)
    result: ScanResult
    #: the control matrix, from the strict scan
    rows: list[MatrixRow]
    pack: Pack
    #: the scanned paths as given, relative to the base where possible
    scan_paths: list[str]
    reproducible: bool = False
    generated_at: str = ""
    commit: Commit | None = None
    #: the observation period (``soc2lint evidence --since``), when asked for
    history: Any = None
    _by_node: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    _status: dict[tuple[str, str, str], Status] = field(default_factory=dict)
    _reason: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_node: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in self.result.findings:
            if f.rule_id.startswith("SYS") or f.baselined:
                continue
            by_node[(f.scope, f.address)].append(f)
            for r in f.related:
                if r.address and r.address != f.address:
                    by_node[(f.scope, r.address)].append(f)
        self._by_node = dict(by_node)
        for row in self.rows:
            if row.population is None:
                continue
            for (scope, address), subject in row.population.subjects.items():
                self._status[(row.rule.id, scope, address)] = subject.status
                self._reason[(row.rule.id, scope, address)] = subject.reason

    @property
    def graph(self):  # type: ignore[no-untyped-def]
        return self.result.graph

    def findings_touching(self, node: Node) -> list[Finding]:
        """Findings (active and suppressed) that name the node or list it as related."""
        return list(self._by_node.get((node.scope, node.address), ()))

    def rule_ids_touching(self, node: Node) -> list[str]:
        """Rule IDs of the findings touching the node; ``(excepted)`` when all are suppressed."""
        by_rule: dict[str, bool] = {}
        for f in self.findings_touching(node):
            by_rule[f.rule_id] = by_rule.get(f.rule_id, True) and f.suppressed
        return [f"{r} (excepted)" if excepted else r for r, excepted in sorted(by_rule.items())]

    def status(self, rule_id: str, node: Node) -> Status | None:
        """How the node fared under a rule in the control matrix (None: not evaluated)."""
        return self._status.get((rule_id, node.scope, node.address))

    def reason(self, rule_id: str, node: Node) -> str:
        """Why the node has its status under a rule (not applicable, fail...): "" for a pass."""
        return self._reason.get((rule_id, node.scope, node.address), "")

    def option(self, name: str) -> int:
        from ..rule import DEFAULT_OPTIONS

        cfg = self.result.config
        if cfg is not None and name in cfg.options:
            return int(cfg.options[name])
        return int(DEFAULT_OPTIONS[name])
