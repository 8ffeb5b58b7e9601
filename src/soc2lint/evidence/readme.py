"""README.md of the pack: what was scanned, the control matrix, manual controls, findings."""

from __future__ import annotations

from collections import defaultdict

from .. import __version__
from ..docs import FAMILY_TITLES, TSC_TITLES, docs_uri, page_name
from ..model import Finding
from ..report.common import severity_sort_key
from ..report.mdsafe import code
from .common import md, table
from .context import EvidenceContext
from .matrix import MatrixRow
from .populations import md_name

README = "README.md"

#: titles of criteria that only manual controls name (the rules' are in soc2lint.docs)
EXTRA_TSC_TITLES = {
    "CC1.4": "Attracts, develops and retains competent individuals",
    "CC4.1": "Selects, develops and performs ongoing and separate evaluations",
}

#: Controls no code can show (RULES.md, "Not checkable from code"): control, criteria, evidence
MANUAL_CONTROLS: tuple[tuple[str, str, str], ...] = (
    (
        "Root account MFA",
        "CC6.1",
        "Screenshot or credential report showing MFA on the root user of every account; "
        "no root access keys.",
    ),
    (
        "IAM Access Analyzer reviews",
        "CC6.1, CC6.3",
        "Records of periodic reviews of Access Analyzer findings (external and unused "
        "access) and what was done about them.",
    ),
    (
        "Quarterly restore tests",
        "A1.3",
        "Restore test reports: what was restored, from which backup, how long it took, "
        "whether it met the recovery objectives.",
    ),
    (
        "Incident log",
        "CC7.3, CC7.4",
        "The incident register with triage, response and post-incident review for the "
        "audit period.",
    ),
    (
        "Security awareness training",
        "CC1.4",
        "Training completion records for every staff member, and the training content.",
    ),
    (
        "Penetration tests",
        "CC4.1",
        "The latest penetration test report and the remediation of its findings.",
    ),
    (
        "Auditor engagement",
        "CC4.1",
        "Engagement letter, audit period, system description and the auditor's requests.",
    ),
)

PASSWORD_POLICY_MANUAL = (
    "Account password policy (IAM011)",
    "CC6.1, CC6.2",
    "CloudFormation has no password-policy resource: export the account password "
    "policy (`aws iam get-account-password-policy`) showing a minimum length of at "
    "least {length}.",
)

CONTENTS: tuple[tuple[str, str], ...] = (
    (
        "access-control/iam-principals.md",
        "every IAM user, group and role: trust, policies, admin access, findings (also `.csv`)",
    ),
    (
        "encryption/encrypted-resources.md",
        "every data store: encryption at rest, key, encryption in transit (also `.csv`)",
    ),
    ("encryption/kms-keys.md", "every KMS key: rotation, policy, which resources use it"),
    (
        "logging/logging-inventory.md",
        "CloudTrail trails and buckets, flow logs, log groups, access logs",
    ),
    (
        "network/network-diagram.md",
        "a Mermaid diagram per VPC, internet exposure paths highlighted",
    ),
    (
        "network/firewall-rules.md",
        "every security-group and network ACL rule with its justification",
    ),
    (
        "disaster-recovery/backup-inventory.md",
        "backups, retention, point-in-time recovery, Multi-AZ, deletion protection",
    ),
    (
        "change-management/change-controls.md",
        "module and provider pinning, state backend, deletion policies",
    ),
    (
        "exceptions/suppressions.md",
        "every suppression: rule, resource, reason, expiry, and the expired ones",
    ),
    ("findings.json", "the findings of the same scan, soc2lint JSON schema"),
    ("findings.sarif", "the findings of the same scan, SARIF 2.1.0"),
)


def _tsc_key(t: str) -> tuple[int, str, int, int]:
    prefix = t.rstrip("0123456789.")
    nums = t[len(prefix) :].split(".")
    major = int(nums[0]) if nums and nums[0].isdigit() else 0
    minor = int(nums[1]) if len(nums) > 1 and nums[1].isdigit() else 0
    return (0 if prefix == "CC" else 1, prefix, major, minor)


def _title(t: str) -> str:
    return TSC_TITLES.get(t) or EXTRA_TSC_TITLES.get(t, "")


def _row_cells(ctx: EvidenceContext, row: MatrixRow) -> list[str]:
    r = row.rule
    rule_link = f"[{r.id}]({docs_uri()}{page_name(r)})"
    control = md(r.control or r.title)
    if not row.ran:
        return [rule_link, control, *("—" for _ in range(6)), f"not run ({md(row.not_run)})"]
    if not row.declared:
        return [
            rule_link,
            control,
            "?",
            "?",
            str(row.count("fail")),
            str(row.count("excepted")),
            str(row.count("unknown")),
            "?",
            "population not declared (third-party rule)",
        ]
    ev = ctx.pack.pack_link(README, md_name(r.id), "population")
    return [
        rule_link,
        control,
        str(row.applicable),
        str(row.count("pass")),
        str(row.count("fail")),
        str(row.count("excepted")),
        str(row.count("unknown")),
        str(row.count("not applicable")),
        ev,
    ]


def _scanned(ctx: EvidenceContext) -> list[str]:
    res = ctx.result
    cfg = res.config
    out = ["## What was scanned", ""]
    paths = ", ".join(code(p, table=False) for p in ctx.scan_paths)
    out.append(f"- Paths: {paths}")
    if ctx.commit is not None:
        branch = (
            f" (branch {code(ctx.commit.branch, table=False)})"
            if ctx.commit.branch
            else " (detached HEAD)"
        )
        out.append(f"- Commit: {code(ctx.commit.sha, table=False)}{branch}")
    else:
        out.append("- Commit: not in a git repository")
    out.append(f"- soc2lint: {__version__}")
    tf = [
        f
        for f in res.files
        if f.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl", ".tfbackend"))
    ]
    cfn = [f for f in res.files if f not in tf]
    out.append(
        f"- Files: {len(res.files)} ({len(tf)} Terraform, {len(cfn)} CloudFormation or plan)"
    )
    if cfg is not None:
        out.append("- Configuration:")
        src = cfg.source
        out.append(f"  - file: {md(_display(ctx, src)) if src else 'none (defaults)'}")
        out.append(f"  - rules selected: {md(', '.join(cfg.select)) if cfg.select else 'all'}")
        out.append(f"  - rules ignored: {md(', '.join(cfg.ignore)) if cfg.ignore else 'none'}")
        out.append(f"  - account scope: {'yes' if cfg.account_scope else 'no'}")
        out.append(
            f"  - strict: {'yes' if cfg.strict else 'no'} (unknowns are counted in the matrix either way)"
        )
        out.append(
            "  - suppressions (inline, Metadata, configuration): "
            + ("honoured" if cfg.inline_suppressions else "ignored (every finding shown)")
        )
        if cfg.var_files:
            out.append(f"  - variable files: {md(', '.join(cfg.var_files))}")
        if cfg.vars:
            out.append(f"  - variables: {md(', '.join(sorted(cfg.vars)))}")
        if cfg.cfn_parameters:
            out.append(f"  - CloudFormation parameters: {md(cfg.cfn_parameters)}")
        opts = ", ".join(f"{k} = {v}" for k, v in sorted(cfg.options.items()))
        out.append(f"  - thresholds: {md(opts)}")
        if cfg.per_path_ignores:
            ppi = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(cfg.per_path_ignores.items()))
            out.append(f"  - per-path ignores: {md(ppi)}")
    out.append("")
    unloaded = [f for f in res.findings if f.rule_id == "SYS006"]
    if res.incomplete or unloaded:
        out.append(
            "**The scan was incomplete**: the files or rules below were not fully checked, "
            "so a control they cover is not shown to pass."
        )
        out.append("")
        if unloaded:
            out.extend(_partial_roots(ctx, unloaded))
        rows = [
            [md(f.rule_id), ctx.pack.link(README, f.range), md(f.message)]
            for f in res.findings
            if f.incomplete or f.rule_id == "SYS006"
        ]
        out.extend(table(["Rule", "Where", "Problem"], rows))
        out.append("")
    else:
        out.append("The scan was complete: every file was read and every selected rule ran.")
        out.append("")
    return out


def _period(ctx: EvidenceContext) -> list[str]:
    """The observation period in one paragraph (``soc2lint evidence --since``)."""
    if ctx.history is None:
        return []
    from .history_common import CHANGE_LOG_MD, EXPOSURE_MD, SAMPLE_MD, TIMELINE_MD, summary

    h = ctx.history
    out = ["## Observation period", ""]
    out.append(
        summary(h)
        + " Details: "
        + ", ".join(
            ctx.pack.pack_link(README, page, name)
            for page, name in (
                (CHANGE_LOG_MD, "change log"),
                (SAMPLE_MD, "sample of changes"),
                (EXPOSURE_MD, "exposure windows"),
                (TIMELINE_MD, "timeline"),
            )
        )
        + "."
    )
    out.append("")
    if not h.complete:
        out.append(
            "**Part of the period is unknown**: some commits could not be fully checked "
            "(see the timeline's incomplete scans)."
        )
        out.append("")
    return out


def _partial_roots(ctx: EvidenceContext, unloaded: list[Finding]) -> list[str]:
    """Which roots are partial because a module, nested stack or macro was not loaded."""
    by_root: dict[str, set[str]] = defaultdict(set)
    for f in unloaded:
        source = str(f.properties.get("source") or f.address)
        roots = f.properties.get("roots") or [f.scope]
        for root in roots:
            by_root[str(root) or "."].add(source)
    accepted = bool(ctx.result.config and ctx.result.config.allow_unloaded_modules)
    out = [
        "These roots use modules, nested stacks or macros that could not be loaded: their "
        "resources were not seen, so every population of these roots (the rows of "
        "`populations/` whose root is listed) is partial"
        + (" (accepted with `allow-unloaded-modules`)" if accepted else "")
        + ":",
        "",
    ]
    rows = [
        [code(root), md(", ".join(sorted(sources)))] for root, sources in sorted(by_root.items())
    ]
    out.extend(table(["Root", "Not loaded"], rows))
    out.append("")
    return out


def _display(ctx: EvidenceContext, path: object) -> str:
    import os
    from pathlib import Path

    p = Path(str(path))
    try:
        return os.path.relpath(p.resolve(), ctx.pack.base).replace(os.sep, "/")
    except ValueError:
        return str(p)


def _manual_controls(ctx: EvidenceContext) -> list[tuple[str, str, str]]:
    """The manual controls of this pack (IAM011 only in a CloudFormation-only baseline)."""
    out = list(MANUAL_CONTROLS)
    languages = {n.language for n in ctx.graph}
    if "cloudformation" in languages and "terraform" not in languages:
        c, t, e = PASSWORD_POLICY_MANUAL
        out.append((c, t, e.format(length=ctx.option("min_password_length"))))
    return out


def _criteria(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _matrix(ctx: EvidenceContext) -> list[str]:
    out = ["## Control matrix", ""]
    out.append(
        "Each Trust Services Criterion that soc2lint checks or that a manual control covers, "
        "the rules that check it, and how the resources each rule evaluates fared. "
        "*Evaluated* counts the subjects the rule applies to (each rule declares what it "
        "evaluates; the population list of each rule names every subject, where it is "
        "written and how it fared, so the counts can be reconciled and sampled); *fail* "
        "those with an open finding; *excepted* those "
        "whose findings are suppressed with a reason (see "
        + ctx.pack.pack_link(README, "exceptions/suppressions.md", "exceptions")
        + "); *unknown* those whose setting could not be resolved from the code (a variable "
        "without a value, an imported value); *pass* the rest. *Not applicable* counts the "
        "subjects the rule looked at and does not apply to, each with its reason in the "
        "population list (a KMS key with imported key material cannot rotate automatically); "
        "they are not counted as evaluated. IAM007 evaluates each scanned "
        "root once; the account-scope rules evaluate the scanned configuration as one "
        "account baseline. In the summary, the counts add up the checks of the "
        "rows below (one check per rule and resource); *manual* counts the controls to be "
        "evidenced by hand ("
        + ctx.pack.pack_link(README, "#controls-code-cannot-show", "below")
        + ")."
    )
    out.append("")
    by_tsc: dict[str, list[MatrixRow]] = defaultdict(list)
    for row in ctx.rows:
        for t in row.rule.tsc:
            by_tsc[t].append(row)
    manual_by_tsc: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for control in _manual_controls(ctx):
        for t in _criteria(control[1]):
            manual_by_tsc[t].append(control)
    criteria = sorted(set(by_tsc) | set(manual_by_tsc), key=_tsc_key)
    summary = []
    for t in criteria:
        rows = [r for r in by_tsc.get(t, []) if r.ran and r.declared]
        summary.append(
            [
                f"[{md(t)}](#{t.lower().replace('.', '')})",
                md(_title(t)),
                str(len(by_tsc.get(t, []))),
                str(sum(r.count("pass") for r in rows)),
                str(sum(r.count("fail") for r in rows)),
                str(sum(r.count("excepted") for r in rows)),
                str(sum(r.count("unknown") for r in rows)),
                str(len(manual_by_tsc.get(t, []))),
            ]
        )
    out.extend(
        table(
            ["Criterion", "Title", "Rules", "Pass", "Fail", "Excepted", "Unknown", "Manual"],
            summary,
        )
    )
    out.append("")
    headers = [
        "Rule",
        "Control",
        "Evaluated",
        "Pass",
        "Fail",
        "Excepted",
        "Unknown",
        "Not applicable",
        "Evidence",
    ]
    manual_link = ctx.pack.pack_link(README, "#controls-code-cannot-show", "collect by hand")
    for t in criteria:
        out.append(f"### {t}")
        out.append("")
        title = _title(t)
        if title:
            out.append(md(title))
            out.append("")
        rows_sorted = sorted(by_tsc.get(t, []), key=lambda r: r.rule.id)
        cells = [_row_cells(ctx, r) for r in rows_sorted]
        for manual_control in manual_by_tsc.get(t, []):
            cells.append(["manual", md(manual_control[0]), *("—" for _ in range(6)), manual_link])
        out.extend(table(headers, cells))
        out.append("")
    return out


def _manual(ctx: EvidenceContext) -> list[str]:
    out = ["## Controls code cannot show", ""]
    out.append(
        "These controls are operational: no configuration file proves them. They belong in "
        "the compliance repository beside this pack, collected by hand for the audit period."
    )
    out.append("")
    rows = [[md(c), md(t), md(e)] for c, t, e in _manual_controls(ctx)]
    out.extend(table(["Control", "Criteria", "Evidence to collect"], rows))
    out.append("")
    return out


def _findings(ctx: EvidenceContext) -> list[str]:
    active = sorted(
        (f for f in ctx.result.active if not f.rule_id.startswith("SYS")), key=severity_sort_key
    )
    out = ["## Open findings", ""]
    if not active:
        out.append("None.")
        out.append("")
        return out
    out.append(
        f"{len(active)} finding{'s' if len(active) != 1 else ''}, most severe first; "
        "every field is in `findings.json` and `findings.sarif`."
    )
    out.append("")
    rows = [_finding_row(ctx, f) for f in active]
    out.extend(table(["Severity", "Rule", "Resource", "Where", "Finding"], rows))
    out.append("")
    return out


def _finding_row(ctx: EvidenceContext, f: Finding) -> list[str]:
    return [
        f.severity.label,
        md(f.rule_id),
        md(f.address),
        ctx.pack.link(README, f.range),
        md(f.message),
    ]


def render(ctx: EvidenceContext) -> dict[str, str]:
    from . import README_TITLE

    out = [README_TITLE, ""]
    out.append(
        "Generated by [soc2lint](https://github.com/soc2lint/soc2lint) from the infrastructure "
        "code, to be committed and reviewed with it. Do not edit by hand: regenerate with "
        "`soc2lint evidence`. Every entry links to the file and line it comes from."
    )
    out.append("")
    if not ctx.reproducible:
        out.append(f"Generated at {ctx.generated_at}.")
        out.append("")
    out.extend(_scanned(ctx))
    out.extend(_period(ctx))
    out.extend(_matrix(ctx))
    out.extend(_manual(ctx))
    out.extend(_findings(ctx))
    out.append("## Contents")
    out.append("")
    contents = list(CONTENTS)
    if ctx.history is not None:
        from .history_common import PAGES

        contents += [*PAGES, ("history.json", "the observation period's data, for machines")]
    for path, text in contents:
        out.append(f"- {ctx.pack.pack_link(README, path, path)}: {text}")
    out.append("")
    out.append(
        f"Rule families: {md(', '.join(f'{k} {v}' for k, v in FAMILY_TITLES.items() if k != 'SYS'))}."
    )
    out.append("")
    return {README: "\n".join(out)}
