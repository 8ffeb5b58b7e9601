"""The control matrix: one row per rule, computed from the population record.

What a rule evaluated is the rule's own declaration (``@rule(subjects=...)``)
and what it reported while it ran (findings, ``ctx.not_applicable``); see
:mod:`soc2lint.population`.  Nothing here restates which resources a rule
covers, so the counts are the rows of ``populations/<RULE-ID>.csv``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ..graph import ResourceGraph
from ..model import Finding
from ..population import Population, Status, build_populations
from ..record import record
from ..registry import Registry
from ..rule import Rule, SubjectKey


@record
class MatrixRow:
    rule: Rule
    ran: bool
    #: why the rule did not run ("needs --account-scope", "not selected", "the rule failed")
    not_run: str = ""
    population: Population | None = None

    @property
    def declared(self) -> bool:
        if self.population is not None:
            return self.population.declared
        return self.rule.subjects is not None

    @property
    def unmapped(self) -> list[Finding]:
        return self.population.unmapped if self.population is not None else []

    def count(self, status: Status) -> int:
        return self.population.count(status) if self.population is not None else 0

    @property
    def applicable(self) -> int:
        """Subjects evaluated: every subject the rule applies to."""
        return self.population.evaluated if self.population is not None else 0


def build_matrix(
    graph: ResourceGraph,
    findings: Sequence[Finding],
    registry: Registry,
    rules_run: Sequence[Rule],
    *,
    account_scope: bool,
    not_applicable: Mapping[str, Mapping[SubjectKey, str]] | None = None,
    rule_errors: Collection[str] = (),
    selected: Collection[str] | None = None,
) -> list[MatrixRow]:
    """One row per non-reserved rule of the registry (run or not), in ID order.

    ``findings`` must come from a strict scan (unresolved values reported).
    ``selected`` are the rule IDs the configuration selects (account scope
    aside), to say why a rule did not run.
    """
    ran = {r.id for r in rules_run}
    pops = build_populations(
        graph, [f for f in findings if f.rule_id in ran], rules_run, not_applicable or {}
    )
    rows: list[MatrixRow] = []
    for rule in registry:
        if rule.reserved:
            continue
        if rule.id in rule_errors:
            rows.append(MatrixRow(rule, False, "the rule failed: SYS002"))
            continue
        if rule.id not in ran:
            if selected is not None and rule.id not in selected:
                why = "not selected"
            elif rule.account_scope and not account_scope:
                why = "needs --account-scope"
            else:
                why = "not selected"
            rows.append(MatrixRow(rule, False, why))
            continue
        rows.append(MatrixRow(rule, True, population=pops[rule.id]))
    return rows
