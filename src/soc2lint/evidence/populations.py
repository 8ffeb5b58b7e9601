"""populations/<RULE-ID>.{csv,md}: every subject each rule evaluated, with its status.

The control matrix's counts are these rows (:mod:`soc2lint.population`): an
auditor can reconcile a count with a list and draw a sample from it.  One file
pair per rule that ran with a declared population.
"""

from __future__ import annotations

from ..model import Suppression
from ..population import STATUSES, Population, Subject
from .common import columns_doc, csv_text, location, md, table
from .context import EvidenceContext

DIRECTORY = "populations"
#: rows shown in a population's Markdown page (the CSV always lists every one)
MD_ROWS = 2000

COLUMNS: tuple[tuple[str, str], ...] = (
    ("subject", "the resource, variable, parameter or root evaluated (`.` for a whole root)"),
    ("root", "the scanned root (Terraform directory or CloudFormation template) it belongs to"),
    ("kind", "its kind (CloudFormation type name for both languages, or `module`, `variable`...)"),
    ("location", "`file:line` where it is written"),
    ("status", "pass, fail, excepted, unknown or not applicable"),
    (
        "reason",
        "why: the finding (fail, excepted), the unresolved value (unknown), "
        "or why the rule does not apply",
    ),
    ("suppression", "for excepted subjects, the suppression: kind and `file:line`"),
)


def csv_name(rule_id: str) -> str:
    return f"{DIRECTORY}/{rule_id}.csv"


def md_name(rule_id: str) -> str:
    return f"{DIRECTORY}/{rule_id}.md"


def _suppression(s: Suppression | None) -> str:
    if s is None:
        return ""
    where = location(s.range)
    return f"{s.kind} {where}".strip()


def _cells(s: Subject) -> list[str]:
    scope, address = s.key
    kind = s.node.kind if s.node is not None else ""
    return [
        address,
        scope or ".",
        kind,
        location(s.range) or scope or "the scanned configuration",
        s.status,
        s.reason,
        _suppression(s.suppression),
    ]


def _page(ctx: EvidenceContext, pop: Population) -> str:
    r = pop.rule
    name = md_name(r.id)
    spec = r.subjects
    out = [f"# {r.id} population", ""]
    out.append(f"- Rule: {md(r.id)} {md(r.slug)} ({md(r.title)})")
    if r.control:
        out.append(f"- Control: {md(r.control)}")
    if spec is not None and spec.what:
        out.append(f"- Subjects: {md(spec.what)}")
    counts = ", ".join(f"{st} {pop.count(st)}" for st in STATUSES)
    out.append(f"- Evaluated: {pop.evaluated} ({counts})")
    out.append(f"- Also as CSV: {ctx.pack.pack_link(name, csv_name(r.id), f'{r.id}.csv')}")
    out.append("")
    rows = pop.rows()
    cells = []
    for s in rows[:MD_ROWS]:
        c = [md(v) for v in _cells(s)]
        if s.range is not None:
            c[3] = ctx.pack.link(name, s.range)
        cells.append(c)
    if cells:
        out.extend(table([h for h, _ in COLUMNS], cells))
    else:
        out.append("No subjects: nothing of what this rule evaluates is in the scanned code.")
    if len(rows) > MD_ROWS:
        out.append("")
        out.append(f"The first {MD_ROWS} of {len(rows)} subjects; the CSV lists every one.")
    out.append("")
    out.append("## Columns")
    out.append("")
    out.extend(columns_doc(COLUMNS))
    return "\n".join(out)


def render(ctx: EvidenceContext) -> dict[str, str]:
    files: dict[str, str] = {}
    for row in ctx.rows:
        pop = row.population
        if pop is None or not pop.declared:
            continue
        rid = row.rule.id
        files[csv_name(rid)] = csv_text([h for h, _ in COLUMNS], (_cells(s) for s in pop.rows()))
        files[md_name(rid)] = _page(ctx, pop)
    return files


__all__ = ["COLUMNS", "DIRECTORY", "csv_name", "md_name", "render"]
