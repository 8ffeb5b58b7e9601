"""Documentation generated from rule metadata: the catalogue, rule pages, ``explain``.

``python -m soc2lint.docs`` (or ``soc2lint-docs``) rewrites ``docs/rules/`` and
the built-in rules' pages in ``soc2lint/data/rule_pages.json`` (what SARIF's
``help.markdown`` carries: rendering a page parses its examples, ~1.5 ms a rule);
a test fails when either differs from what this module generates.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from . import __version__
from .jsonlines import entries
from .model import describe_value
from .registry import Registry
from .rule import Example, Rule

LANG_TITLE = {"terraform": "Terraform", "cloudformation": "CloudFormation"}
FENCE = {"terraform": "hcl", "cloudformation": "yaml"}

FAMILY_TITLES = {
    "ENC": "Encryption at rest",
    "TLS": "Encryption in transit",
    "KEY": "Key management",
    "SEC": "Secrets in code",
    "IAM": "Least-privilege IAM",
    "LOG": "Logging and monitoring",
    "NET": "Network isolation",
    "AVL": "Availability",
    "BAK": "Backup and recovery",
    "CHG": "Change management",
    "SYS": "Scan integrity (reserved)",
}

#: Trust Services Criteria titles (AICPA TSC 2017, revised points of focus 2022)
TSC_TITLES = {
    "CC3.4": "Identifies and assesses changes that could impact internal control",
    "CC6.1": "Logical access security software, infrastructure and architectures",
    "CC6.2": "Registration and authorization of new users",
    "CC6.3": "Role-based access, least privilege and segregation of duties",
    "CC6.6": "Security measures against threats from outside system boundaries",
    "CC6.7": "Restricts transmission, movement and removal of information",
    "CC6.8": "Prevents or detects unauthorized or malicious software",
    "CC7.1": "Detection and monitoring of configuration changes and vulnerabilities",
    "CC7.2": "Monitors system components for anomalies",
    "CC7.3": "Evaluates security events",
    "CC7.4": "Responds to identified security incidents",
    "CC8.1": "Authorizes, designs, tests, approves and implements changes",
    "A1.1": "Maintains and monitors processing capacity",
    "A1.2": "Environmental protections, software, data backup and recovery infrastructure",
    "A1.3": "Tests recovery plan procedures",
    "C1.1": "Identifies and maintains confidential information",
    "C1.2": "Disposes of confidential information",
}


def page_name(r: Rule) -> str:
    return f"{r.id}-{r.slug}.md"


REPOSITORY = "https://github.com/soc2lint/soc2lint"


def docs_uri(version: str | None = None) -> str:
    """The rule pages of the version that ran, not of ``main``: its release tag
    (``v1.2.3``); a development build with a commit (``1.2.3.dev4+g1a2b3c4``) its commit."""
    version = version or __version__
    ref = f"v{version}"
    if "+g" in version:
        ref = version.rsplit("+g", 1)[1].split(".", 1)[0]
    return f"{REPOSITORY}/blob/{ref}/docs/rules/"


def catalogue_rows(registry: Registry) -> list[dict[str, object]]:
    return [
        {
            "id": r.id,
            "slug": r.slug,
            "severity": r.severity.label,
            "family": r.family,
            "title": r.title,
            "tsc": list(r.tsc),
            "checklist": r.checklist,
            "languages": list(r.languages),
            "graph": r.graph,
            "account_scope": r.account_scope,
            "reserved": r.reserved,
            "options": list(r.options),
            "origin": r.origin,
        }
        for r in registry
    ]


def catalogue_json(registry: Registry) -> str:
    return json.dumps({"schema_version": 1, "rules": catalogue_rows(registry)}, indent=2)


def catalogue_text(registry: Registry) -> str:
    lines = []
    for r in registry:
        flags = ("⧉" if r.graph else " ") + ("◎" if r.account_scope else " ")
        langs = ",".join("tf" if x == "terraform" else "cfn" for x in r.languages)
        lines.append(
            f"{r.id}  {r.slug:<38} {r.severity.label:<8} {flags} {','.join(r.tsc):<16} "
            f"{r.checklist[:1]}  {langs:<6}  {r.title}"
        )
    lines.append("")
    lines.append("⧉ graph rule (follows references)   ◎ account scope (--account-scope)")
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def catalogue_markdown(registry: Registry) -> str:
    out = [
        "# soc2lint rules",
        "",
        "Generated from the rules' metadata by `python -m soc2lint.docs`; do not edit by hand.",
        "",
        "⧉ graph rule (follows references between resources) · "
        "◎ account scope (runs with `--account-scope`)",
        "",
        "The defaults the rules apply to settings that are not written, and the pages that "
        "state them: [settings.md](settings.md).",
        "",
    ]
    by_family: dict[str, list[Rule]] = defaultdict(list)
    for r in registry:
        by_family[r.family].append(r)
    for fam in sorted(by_family, key=lambda f: (f == "SYS", f)):
        out.append(f"## {fam} — {FAMILY_TITLES.get(fam, fam)}")
        out.append("")
        out.append("| ID | slug | severity | TSC | checklist | languages | what fails |")
        out.append("|---|---|---|---|---|---|---|")
        for r in by_family[fam]:
            marks = ("⧉ " if r.graph else "") + ("◎ " if r.account_scope else "")
            langs = ", ".join(LANG_TITLE[x] for x in r.languages)
            out.append(
                f"| [{r.id}]({page_name(r)}) | `{r.slug}` | {r.severity.label} | "
                f"{', '.join(r.tsc)} | {_md_escape(r.checklist)} | {langs} | "
                f"{marks}{_md_escape(r.title)} |"
            )
        out.append("")
    out.append("## SOC 2 mapping")
    out.append("")
    out.append("| TSC criterion | rules |")
    out.append("|---|---|")
    by_tsc: dict[str, list[str]] = defaultdict(list)
    for r in registry:
        if r.reserved:
            continue
        for t in r.tsc:
            by_tsc[t].append(r.id)
    for t in sorted(by_tsc, key=_tsc_key):
        title = TSC_TITLES.get(t, "")
        out.append(f"| {t} {('— ' + title) if title else ''} | {', '.join(sorted(by_tsc[t]))} |")
    out.append("")
    return "\n".join(out)


def _tsc_key(t: str) -> tuple[str, int, int]:
    prefix = t.rstrip("0123456789.")
    nums = t[len(prefix) :].split(".")
    try:
        return (prefix, int(nums[0]), int(nums[1]))
    except (ValueError, IndexError):
        return (prefix, 0, 0)


def _example_block(lang: str, ex: Example) -> list[str]:
    out: list[str] = []
    files = ex.files(lang)  # type: ignore[arg-type]
    for name, text in files.items():
        fence = FENCE[lang]
        if name.endswith(".json"):
            fence = "json"
        if len(files) > 1:
            out.append(f"`{name}`")
            out.append("")
        out.append(f"```{fence}")
        out.append(text.rstrip("\n"))
        out.append("```")
        out.append("")
    return out


_TF_NOT_RESOURCES = {
    "var": "variables",
    "provider": "provider configurations",
    "terraform": "the state backend",
    "module": "module calls",
    "output": "outputs",
    "local": "locals",
}


def _terraform_type(address: str) -> str:
    """``module.a["x"].aws_s3_bucket.b[0]`` -> ``aws_s3_bucket``; other objects by what they are."""
    if address == ".":
        return "the configuration as a whole"
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    if parts[0] == "data" and len(parts) > 1:
        return f"`data.{parts[1]}`"
    if parts[0] in _TF_NOT_RESOURCES:
        return _TF_NOT_RESOURCES[parts[0]]
    return f"`{parts[0]}`"


def _cloudformation_type(address: str, ex: Example) -> str | None:
    """The ``Type`` of the resource a CloudFormation example's finding names."""
    from .cloudformation.decode import decode_text

    if address == ".":
        return "the configuration as a whole"
    logical = address.rsplit("/", 1)[-1]
    parameter = False
    for text in ex.files("cloudformation").values():
        root = decode_text(text).root
        if not isinstance(root, dict):
            continue
        resources = root.get("Resources")
        if isinstance(resources, dict):
            entry = resources.get(logical)
            if isinstance(entry, dict) and isinstance(entry.get("Type"), str):
                return f"`{entry['Type']}`"
        params = root.get("Parameters")
        if isinstance(params, dict) and logical in params:
            parameter = True
    return "parameters" if parameter else None


def resource_types(r: Rule) -> dict[str, list[str]]:
    """Per language, what the rule's bad examples show it reporting: resource types first.

    Generated from the examples (which the suite runs), so the list says what the
    rule is shown to check, never a second description of it.
    """
    out: dict[str, list[str]] = {}
    for lang in r.languages:
        ex = r.examples.get(lang)
        if ex is None:
            continue
        found: set[str] = set()
        for b in ex.bad:
            if not b.address:
                continue
            t = (
                _terraform_type(b.address)
                if lang == "terraform"
                else _cloudformation_type(b.address, b)
            )
            if t:
                found.add(t)
        if found:
            out[lang] = sorted(found, key=lambda t: (not t.startswith("`"), t.strip("`").lower()))
    return out


def rule_page(r: Rule) -> str:
    sections = r.sections()
    marks = []
    if r.graph:
        marks.append("graph rule ⧉ (follows references between resources)")
    if r.account_scope:
        marks.append("account scope ◎ (runs with `--account-scope`)")
    if r.reserved:
        marks.append("reserved: reported by the engine itself")
    out = [
        f"# {r.id} {r.slug}",
        "",
        f"**{r.title}**",
        "",
        "| | |",
        "|---|---|",
        f"| Severity | {r.severity.label} (SARIF `{r.severity.sarif_level}`, "
        f"security-severity {r.severity.security_severity}) |",
        f"| Trust Services Criteria | {', '.join(r.tsc) or '— (not counted under any criterion)'} |",
        f"| Checklist | {r.checklist} |",
        f"| Languages | {', '.join(LANG_TITLE[x] for x in r.languages) or '—'} |",
    ]
    if r.control:
        out.append(f"| Control | {r.control} |")
    if r.subjects is not None and r.subjects.what:
        out.append(f"| Evaluates | {r.subjects.what} (the evidence pack's population) |")
    if r.options:
        out.append(f"| Options | {', '.join(f'`{o}`' for o in r.options)} |")
    if marks:
        out.append(f"| Notes | {'; '.join(marks)} |")
    out.append("")
    for name in ("What it checks", "Why it matters for SOC 2", "How to fix", "References"):
        body = sections.get(name)
        if body:
            out.append(f"## {name}")
            out.append("")
            out.append(body)
            out.append("")
        if name == "What it checks":
            out.extend(_resource_types_section(r))
        if name == "How to fix" and r.origin == "builtin":
            out.extend(_automatic_fix(r))
    for lang in r.languages:
        ex = r.examples.get(lang)
        if ex is None:
            continue
        out.append(f"## {LANG_TITLE[lang]} examples")
        out.append("")
        for i, b in enumerate(ex.bad, 1):
            note = f" — {b.note}" if b.note else ""
            out.append(f"### Bad {i}{note}")
            out.append("")
            out.append(
                f"Reported on `{b.address}` at line {b.line}"
                + (f" of `{b.file}`" if b.file else "")
                + "."
            )
            out.append("")
            out.extend(_example_block(lang, b))
        for i, g in enumerate(ex.good, 1):
            note = f" — {g.note}" if g.note else ""
            out.append(f"### Good {i}{note}")
            out.append("")
            out.extend(_example_block(lang, g))
    return "\n".join(out).rstrip("\n") + "\n"


def _automatic_fix(r: Rule) -> list[str]:
    """What ``soc2lint fix`` does for the rule's findings, safe and unsafe (fix.remedies)."""
    from .fix.remedies import remedies_of

    remedies = remedies_of(r.id)
    out = ["## Automatic fix", ""]
    if not remedies:
        out += [
            "`soc2lint fix` has no automatic fix for this rule: the remedy needs a choice "
            "soc2lint cannot make for you (a key, a bucket, a network design, a policy).",
            "",
        ]
        return out
    out += [
        "`soc2lint fix` edits the value where it is set (the attribute, a variable's default, "
        "a `.tfvars` entry, a module argument, a parameter's default) or inserts it; a safe "
        "fix is applied by default, an unsafe one only with `--unsafe-fixes`. A value "
        "decided by a condition or an expression is left for you.",
        "",
        "| language | finding at | fix | safe |",
        "|---|---|---|---|",
    ]
    for rem in remedies:
        where = f"`{rem.match}`" if rem.match else "the resource"
        kinds = ", ".join(f"`{k}`" for k in rem.kinds)
        safe = "safe" if rem.safe else f"unsafe: {_md_escape(rem.unsafe)}"
        out.append(
            f"| {LANG_TITLE[rem.language]} | {kinds} {where} | {_md_escape(rem.describe())} "
            f"| {safe} |"
        )
    out.append("")
    return out


def _resource_types_section(r: Rule) -> list[str]:
    types = resource_types(r)
    if not types:
        return []
    out = [
        "## Resource types",
        "",
        "Reported on (from the examples below, which the test suite runs):",
        "",
    ]
    for lang, names in types.items():
        out.append(f"- {LANG_TITLE[lang]}: {', '.join(names)}")
    out.append("")
    return out


def settings_markdown() -> str:
    """The settings table (:mod:`soc2lint.settings`): defaults as the rules apply them."""
    from .settings import all_settings

    out = [
        "# Settings and their defaults",
        "",
        "Generated from `soc2lint.settings` by `python -m soc2lint.docs`; do not edit by hand.",
        "",
        "The attributes rules read, with the value AWS or the Terraform provider applies when "
        "they are not written. A setting that is not written takes its default; one whose value "
        "cannot be known is unknown (no finding; a low one under `--strict`).",
        "",
        "`fix` is what `soc2lint fix` does with the setting: safe fixes are applied by "
        "default, unsafe ones (with the reason) only with `--unsafe-fixes`; a Terraform "
        "resource named there is the separate resource the provider expects today, added "
        "next to the resource when the setting is not written.",
        "",
        "| setting | resources | Terraform | CloudFormation | default | passes | fix | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, s in sorted(all_settings()):
        passes = (
            f"≥ {s.minimum} (or the rule's threshold)"
            if s.type == "int"
            else ", ".join(describe_value(v) for v in s.passing)
        )
        default = s.default_text or describe_value(s.default)
        sources = " ".join(f"[{i}]({url})" for i, url in enumerate(s.docs, 1))
        out.append(
            f"| `{name}` | {', '.join(f'`{k}`' for k in s.kinds)} | "
            f"{f'`{s.tf}`' if s.tf else '—'} | {f'`{s.cfn}`' if s.cfn else '—'} | "
            f"{_md_escape(default)} | {_md_escape(passes)} | {_md_escape(_fix_cell(s))} | "
            f"{sources} |"
        )
    return "\n".join(out) + "\n"


def _fix_cell(s: Any) -> str:
    value = (
        f"the rule's threshold (at least {s.minimum})"
        if s.type == "int"
        else describe_value(s.fix_value)
    )
    safety = f"unsafe: {s.unsafe}" if s.unsafe else "safe"
    resource = f"; Terraform: `{s.tf_resource}`" if s.tf_resource else ""
    return f"writes {value} ({safety}){resource}"


def generate(registry: Registry) -> dict[str, str]:
    """Every generated docs file: relative path under docs/rules/ -> content."""
    files = {"README.md": catalogue_markdown(registry), "settings.md": settings_markdown()}
    for r in registry:
        if r.origin != "builtin":
            continue
        files[page_name(r)] = rule_page(r)
    return files


#: the built-in rules' pages, generated with docs/rules (:func:`page`)
PAGES_FILE = Path(__file__).resolve().parent / "data" / "rule_pages.json"


def builtin_pages(registry: Registry) -> dict[str, str]:
    """Rule ID -> page, for the built-in rules (the content of :data:`PAGES_FILE`)."""
    return {
        r.id: rule_page(r) for r in sorted(registry, key=lambda r: r.id) if r.origin == "builtin"
    }


def pages_json(registry: Registry) -> str:
    """:data:`PAGES_FILE`'s text: one rule a line, so a change shows as one line."""
    pages = builtin_pages(registry)
    lines = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in pages.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


@functools.lru_cache(maxsize=1)
def _generated_pages() -> dict[bytes, bytes]:
    """:data:`PAGES_FILE`'s lines by JSON-encoded rule ID, each page still JSON: the file
    holds one rule a line (:func:`pages_json`), and a SARIF report decodes only the
    pages of the rules it describes, not all 0.8 MB of them."""
    try:
        data = PAGES_FILE.read_bytes()
    except OSError:
        return {}
    return entries(data.splitlines())


def page(r: Rule) -> str:
    """:func:`rule_page`, read from the generated file for a built-in rule."""
    if r.origin == "builtin":
        encoded = _generated_pages().get(json.dumps(r.id).encode())
        if encoded is not None:
            try:
                text = json.loads(encoded)
            except ValueError:  # not JSON (hand-edited?): the page is made instead
                text = None
            if isinstance(text, str):
                return text
    return rule_page(r)


def write_docs(directory: Path, registry: Registry) -> list[str]:
    """Rewrite ``directory`` with the generated pages; returns the names written."""
    directory.mkdir(parents=True, exist_ok=True)
    files = generate(registry)
    for old in directory.glob("*.md"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sorted(files)


def main(argv: list[str] | None = None) -> int:
    from .registry import load_registry

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/rules")
    registry = load_registry(use_entry_points=False)
    names = write_docs(target, registry)
    PAGES_FILE.write_text(pages_json(registry), encoding="utf-8")
    print(f"wrote {len(names)} files to {target} and the rule pages to {PAGES_FILE.name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
