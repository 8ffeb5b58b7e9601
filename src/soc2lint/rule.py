"""How a rule is written: its metadata, its examples, and the context it checks in.

A rule is a function decorated with :func:`rule`.  The decorator returns a
:class:`Rule` holding the function and every piece of metadata the outputs,
the docs, ``soc2lint explain`` and the control matrix are generated from::

    @rule(
        id="ENC004",
        slug="efs-encrypted",
        severity=Severity.HIGH,
        tsc=("CC6.1", "C1.1"),
        checklist="B. Data at Rest",
        fix={"terraform": "Set `encrypted = true`.", "cloudformation": "Set `Encrypted: true`."},
        terraform=Examples(good=[good(...)], bad=[bad(..., address="aws_efs_file_system.a", line=2)]),
        cloudformation=Examples(...),
    )
    def efs_encrypted(ctx: Context) -> Iterator[Report]:
        '''EFS file system is not encrypted at rest.

        What it checks:
            ...
        Why it matters for SOC 2:
            ...
        How to fix:
            ...
        References:
            - https://...
        '''
        for fs in ctx.graph.nodes("AWS::EFS::FileSystem"):
            enc = fs.attr(tf="encrypted", cfn="Encrypted")
            ...
            yield ctx.finding(fs, enc, "...")

Rules never parse files and never look at which language a node came from
unless the rule is about that language; they read attributes through
``Node.attr(tf=..., cfn=...)`` and yield :class:`Report` objects.  The engine
turns reports into findings (location, fingerprint, fix text).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .graph import ResourceGraph
from .model import (
    Attr,
    Language,
    Node,
    Path,
    Range,
    Severity,
    Unknown,
    format_path,
    parse_path,
)

LANGUAGES: tuple[Language, ...] = ("terraform", "cloudformation")

DOC_SECTIONS = ("What it checks", "Why it matters for SOC 2", "How to fix", "References")

ID_RE = re.compile(r"^[A-Z]{3}\d{3}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TSC_RE = re.compile(r"^(CC\d\.\d|A1\.\d|C1\.\d|PI1\.\d|P\d\.\d)$")
CHECKLIST_RE = re.compile(r"^[A-G]\. .+")

# --------------------------------------------------------------------------
# Examples
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A configuration that must (bad) or must not (good) make its rule fire.

    ``code`` is one file's text (``main.tf`` for Terraform; ``template.yaml``
    or ``template.json`` for CloudFormation, chosen by whether it starts with
    ``{``) or a mapping of relative paths to texts for multi-file examples
    (tfvars, local modules, nested stacks).  A bad example names the
    ``address`` the finding must name and the ``line`` it must point at, in
    ``file`` (default: the main file).  ``options`` are configuration values
    the example runs with (``account_scope``, thresholds, ``strict``,
    ``cfn_parameters``...).
    """

    code: str | Mapping[str, str]
    address: str | None = None
    line: int | None = None
    file: str | None = None
    note: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def files(self, language: Language) -> dict[str, str]:
        if isinstance(self.code, str):
            return {main_file(language, self.code): self.code}
        return dict(self.code)

    def expected_file(self, language: Language) -> str:
        if self.file:
            return self.file
        files = self.files(language)
        return next(iter(files))


def main_file(language: Language, code: str) -> str:
    if language == "terraform":
        return "main.tf"
    return "template.json" if code.lstrip().startswith("{") else "template.yaml"


def good(
    code: str | Mapping[str, str], *, note: str = "", options: Mapping[str, Any] | None = None
) -> Example:
    """An example that must not make the rule fire."""
    return Example(code=_dedent(code), note=note, options=dict(options or {}))


def bad(
    code: str | Mapping[str, str],
    *,
    address: str,
    line: int,
    file: str | None = None,
    note: str = "",
    options: Mapping[str, Any] | None = None,
) -> Example:
    """An example that must make the rule fire on ``address`` at ``line`` (of ``file``)."""
    return Example(
        code=_dedent(code),
        address=address,
        line=line,
        file=file,
        note=note,
        options=dict(options or {}),
    )


def _dedent(code: str | Mapping[str, str]) -> str | Mapping[str, str]:
    if isinstance(code, str):
        return inspect.cleandoc(code) + "\n"
    return {k: inspect.cleandoc(v) + "\n" for k, v in code.items()}


@dataclass(frozen=True)
class Examples:
    good: Sequence[Example] = ()
    bad: Sequence[Example] = ()


# --------------------------------------------------------------------------
# Reports (what a rule yields)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RelatedRef:
    """Another node (and attribute) a finding involves."""

    node: Node
    path: Path = ()
    message: str = ""


@dataclass(frozen=True)
class Report:
    """A rule's raw result; the engine resolves it to a located :class:`~soc2lint.model.Finding`."""

    node: Node | None  # None: configuration-wide (named ".")
    path: Path
    message: str
    severity: Severity | None = None
    related: tuple[RelatedRef, ...] = ()
    code_flow: tuple[RelatedRef, ...] = ()
    #: override the node the finding names and points at (e.g. a variable for SEC003)
    range: Range | None = None
    address: str | None = None
    scope: str | None = None
    fix: str | None = None
    unresolved: bool = False
    properties: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Options and context
# --------------------------------------------------------------------------

#: Thresholds RULES.md names, with their defaults.
DEFAULT_OPTIONS: dict[str, Any] = {
    "log_retention_days": 90,
    "backup_retention_days": 30,
    "max_admins": 4,
    "min_password_length": 14,
}


@dataclass
class Context:
    """What a rule's check function receives."""

    graph: ResourceGraph
    rule: Rule
    options: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_OPTIONS))
    account_scope: bool = False
    strict: bool = False
    #: the scan roots, for configuration-wide findings
    scopes: Sequence[str] = ()

    def option(self, name: str) -> Any:
        """A threshold from configuration (``[tool.soc2lint.options]``), or its default."""
        if name in self.options:
            return self.options[name]
        return DEFAULT_OPTIONS[name]

    def finding(
        self,
        node: Node | None,
        at: Attr | str | Path = (),
        message: str = "",
        *,
        severity: Severity | None = None,
        related: Iterable[RelatedRef | Node] = (),
        code_flow: Iterable[RelatedRef] = (),
        fix: str | None = None,
        range: Range | None = None,
        address: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Report:
        """A finding on ``node`` at attribute ``at`` (an Attr, a dotted path or a tuple).

        The engine points at the attribute's line; when the attribute is missing
        (also inside a written block) at the resource's first line (RULES.md,
        "Location"); a value that exists without a position of its own (inside a
        JSON string) at its nearest written parent.
        """
        if isinstance(at, Attr):
            path = at.path
        elif isinstance(at, str):
            path = parse_path(at)
        else:
            path = tuple(at)
        rel = tuple(r if isinstance(r, RelatedRef) else RelatedRef(r) for r in related)
        return Report(
            node=node,
            path=path,
            message=message,
            severity=severity,
            related=rel,
            code_flow=tuple(code_flow),
            fix=fix,
            range=range,
            address=address,
            properties=dict(properties or {}),
        )

    def unresolved(self, node: Node, at: Attr | str | Path, what: str = "") -> Iterator[Report]:
        """Under ``--strict``, a low finding saying the decision hinges on an unknown value.

        Yields nothing otherwise, so rules can always ``yield from`` it.
        """
        if not self.strict:
            return
        attr = at if isinstance(at, Attr) else node.attr(at)
        value = attr.value
        expr = value.expr if isinstance(value, Unknown) and value.expr else "an unresolved value"
        cause = value.cause if isinstance(value, Unknown) else ""
        subject = what or f"`{format_path(attr.path)}`"
        yield Report(
            node=node,
            path=attr.path,
            message=(
                f"{node.address}: {subject} could not be evaluated ({expr}"
                f"{': ' + cause if cause else ''}); {self.rule.id} cannot decide statically"
            ),
            severity=Severity.LOW,
            unresolved=True,
        )

    def config_finding(
        self,
        message: str,
        *,
        scope: str | None = None,
        related: Iterable[RelatedRef | Node] = (),
        severity: Severity | None = None,
        range: Range | None = None,
    ) -> Report:
        """A configuration-wide finding (IAM007, account-scope rules), named ``.``."""
        rel = tuple(r if isinstance(r, RelatedRef) else RelatedRef(r) for r in related)
        return Report(
            node=None,
            path=(),
            message=message,
            severity=severity,
            related=rel,
            range=range,
            address=".",
            scope=scope,
        )


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------

CheckFn = Callable[[Context], Iterable[Report]]
Precision = Literal["very-high", "high", "medium", "low"]


@dataclass(frozen=True)
class Rule:
    id: str
    slug: str
    severity: Severity
    tsc: tuple[str, ...]
    checklist: str
    check: CheckFn
    doc: str
    examples: Mapping[Language, Examples]
    fix: Mapping[Language, str]
    account_scope: bool = False
    graph: bool = False
    options: tuple[str, ...] = ()
    precision: Precision = "high"
    #: a reserved rule the engine itself reports (parse errors...)
    reserved: bool = False
    #: findings of this rule make the scan incomplete (exit 3)
    incomplete: bool = False
    #: where the rule came from: "builtin" or the plugin's name
    origin: str = "builtin"
    #: languages for reserved rules without examples
    declared_languages: tuple[Language, ...] = ()

    @property
    def family(self) -> str:
        return self.id[:3]

    @property
    def languages(self) -> tuple[Language, ...]:
        if self.declared_languages:
            return self.declared_languages
        return tuple(lang for lang in LANGUAGES if lang in self.examples)

    @property
    def title(self) -> str:
        """The docstring's first line: what is wrong when the rule fires."""
        return _first_line(self.doc) or self.slug

    def section(self, name: str) -> str:
        return doc_sections(self.doc).get(name, "")

    def fix_for(self, language: Language | None) -> str:
        if language and language in self.fix:
            return self.fix[language]
        return next(iter(self.fix.values()), "")


@functools.lru_cache(maxsize=4096)
def _first_line(doc: str) -> str:
    """Memoised: reports ask every finding's rule for its title."""
    text = doc.strip()
    return text.splitlines()[0].strip() if text else ""


def rule(
    *,
    id: str,
    slug: str,
    severity: Severity,
    tsc: Sequence[str],
    checklist: str,
    fix: Mapping[Language, str] | str,
    terraform: Examples | None = None,
    cloudformation: Examples | None = None,
    account_scope: bool = False,
    graph: bool = False,
    options: Sequence[str] = (),
    precision: Precision = "high",
) -> Callable[[CheckFn], Rule]:
    """Declare a rule; see the module docstring."""

    def wrap(fn: CheckFn) -> Rule:
        examples: dict[Language, Examples] = {}
        if terraform is not None:
            examples["terraform"] = terraform
        if cloudformation is not None:
            examples["cloudformation"] = cloudformation
        fixes: dict[Language, str]
        if isinstance(fix, str):
            fixes = {lang: fix for lang in examples} or {"terraform": fix}
        else:
            fixes = dict(fix)
        return Rule(
            id=id,
            slug=slug,
            severity=severity,
            tsc=tuple(tsc),
            checklist=checklist,
            check=fn,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            examples=examples,
            fix=fixes,
            account_scope=account_scope,
            graph=graph,
            options=tuple(options),
            precision=precision,
        )

    return wrap


def doc_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into its title and fixed sections."""
    lines = inspect.cleandoc(doc).splitlines()
    out: dict[str, str] = {}
    current = "title"
    buf: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.endswith(":") and stripped[:-1] in DOC_SECTIONS and not line.startswith(" "):
            out[current] = inspect.cleandoc("\n".join(buf)).strip()
            current = stripped[:-1]
            buf = []
        else:
            buf.append(line)
    out[current] = inspect.cleandoc("\n".join(buf)).strip()
    return out


def validate_rule(r: Rule) -> list[str]:
    """Problems with a rule's metadata (empty when it is complete and well formed)."""
    problems: list[str] = []
    if not ID_RE.match(r.id):
        problems.append(f"id {r.id!r} is not a family prefix and three digits")
    if not SLUG_RE.match(r.slug):
        problems.append(f"{r.id}: slug {r.slug!r} is not lower-case-with-dashes")
    if not isinstance(r.severity, Severity):
        problems.append(f"{r.id}: severity must be a Severity")
    if r.reserved:
        return problems
    if not r.tsc or any(not TSC_RE.match(t) for t in r.tsc):
        problems.append(f"{r.id}: tsc {r.tsc!r} must name Trust Services Criteria like CC6.1")
    if not CHECKLIST_RE.match(r.checklist):
        problems.append(f"{r.id}: checklist {r.checklist!r} must read like 'B. Data at Rest'")
    sections = doc_sections(r.doc)
    if not sections.get("title"):
        problems.append(f"{r.id}: docstring has no title line")
    for name in DOC_SECTIONS:
        if not sections.get(name):
            problems.append(f"{r.id}: docstring lacks a '{name}:' section")
    if not r.examples:
        problems.append(f"{r.id}: no examples for any language")
    for lang, ex in r.examples.items():
        if lang not in LANGUAGES:
            problems.append(f"{r.id}: unknown language {lang!r}")
        if not ex.good or not ex.bad:
            problems.append(f"{r.id}: {lang} needs at least one good and one bad example")
        for b in ex.bad:
            if not b.address or not b.line:
                problems.append(f"{r.id}: every bad {lang} example must name address and line")
        if lang not in r.fix:
            problems.append(f"{r.id}: no fix text for {lang}")
    return problems


def format_title(text: str) -> str:
    return text.rstrip(".")


__all__ = [
    "DEFAULT_OPTIONS",
    "LANGUAGES",
    "Context",
    "Example",
    "Examples",
    "RelatedRef",
    "Report",
    "Rule",
    "bad",
    "doc_sections",
    "good",
    "rule",
    "validate_rule",
]
