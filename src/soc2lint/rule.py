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
    )
    def efs_encrypted(ctx: Context) -> Iterator[Report]:
        '''EFS file system is not encrypted at rest.

        What it checks:
            ...
        Why it matters for SOC 2:
            ...
        References:
            - https://...
        '''
        for fs in ctx.graph.nodes(EFS_ENCRYPTED.kinds):
            yield from ctx.require(fs, EFS_ENCRYPTED, "{address}: {problem}; ...")

The examples (good and bad, per language) are in the file beside the module,
``enc004_efs_encrypted.examples.yaml`` (:mod:`soc2lint.rule_examples`); a
third-party rule may pass ``terraform=Examples(...)`` and ``cloudformation=``
instead.  The fix is written once, in ``fix=``: findings carry it, and the
docs' "How to fix" section is made from it.

Rules never parse files and never look at which language a node came from
unless the rule is about that language; they read settings through
:mod:`soc2lint.settings` and other attributes through
``Node.attr(tf=..., cfn=...)``, and yield :class:`Report` objects.  The engine
turns reports into findings (location, fingerprint, fix text).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import field
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
from .record import record
from .rule_examples import ExamplesFile, examples_path
from .settings import Reading, Setting

LANGUAGES: tuple[Language, ...] = ("terraform", "cloudformation")

#: the sections a rule's docstring has, in this order
DOC_SECTIONS = ("What it checks", "Why it matters for SOC 2", "References")
#: the sections of a rule's page: the docstring's, and "How to fix" from ``fix=``
PAGE_SECTIONS = ("What it checks", "Why it matters for SOC 2", "How to fix", "References")
FIX_SECTION = "How to fix"
LANGUAGE_TITLES: dict[Language, str] = {
    "terraform": "Terraform",
    "cloudformation": "CloudFormation",
}

ID_RE = re.compile(r"^[A-Z]{3}\d{3}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TSC_RE = re.compile(r"^(CC\d\.\d|A1\.\d|C1\.\d|PI1\.\d|P\d\.\d)$")
CHECKLIST_RE = re.compile(r"^[A-G]\. .+")

# --------------------------------------------------------------------------
# Examples
# --------------------------------------------------------------------------


@record(frozen=True)
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


@record(frozen=True)
class Examples:
    """A rule's good and bad examples in one language."""

    good: Sequence[Example] = ()
    bad: Sequence[Example] = ()


# --------------------------------------------------------------------------
# Reports (what a rule yields)
# --------------------------------------------------------------------------


@record(frozen=True)
class RelatedRef:
    """Another node (and attribute) a finding involves."""

    node: Node
    path: Path = ()
    message: str = ""


@record(frozen=True)
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
    #: the setting the finding is about (Context.require): what a fix writes, and where
    setting: Setting | None = None


# --------------------------------------------------------------------------
# Subjects (what a rule evaluates)
# --------------------------------------------------------------------------

#: a subject: (scope, address); address "." for a whole root, ("", ".") for the configuration
SubjectKey = tuple[str, str]
#: the subject of configuration-wide (account-scope) rules: the whole scanned configuration
WHOLE: SubjectKey = ("", ".")


@record(frozen=True)
class Subjects:
    """The population a rule evaluates (``@rule(subjects=...)``): the evidence pack's
    control matrix and population lists are computed from it and from what the rule
    reported, so it is the one statement of which objects a rule covers.

    * ``kinds``: every node of these kinds (of the languages the rule supports);
    * ``view``: a function of the graph giving the subjects, when they come from a
      shared view (the holders of identity policies, the buckets trails deliver to);
      with ``kinds``, the union;
    * ``per_scope``: configuration-wide rules checked root by root (IAM007): the
      subject is each scanned root, named ``.`` like their findings;
    * ``whole``: account-scope rules that ask whether the account baseline as a whole
      has a control: one subject, the configuration.

    A subject the rule looks at and decides it does not apply to is reported with
    :meth:`Context.not_applicable` and a reason; ``what`` names the population in words.
    """

    kinds: tuple[str, ...] = ()
    view: Callable[[ResourceGraph], Iterable[Node]] | None = None
    per_scope: bool = False
    whole: bool = False
    what: str = ""

    def nodes(self, graph: ResourceGraph) -> list[Node]:
        """The subject nodes (not for ``per_scope``/``whole``), each once, in graph order."""
        nodes: list[Node] = []
        if self.kinds:
            nodes.extend(graph.nodes(self.kinds, category=None))
        if self.view is not None:
            nodes.extend(self.view(graph))
        seen: set[int] = set()
        out: list[Node] = []
        for n in nodes:
            if id(n) not in seen:
                seen.add(id(n))
                out.append(n)
        return out


def of_kinds(*kinds: str, what: str) -> Subjects:
    """Subjects: every node of these kinds."""
    return Subjects(kinds=tuple(kinds), what=what)


def from_view(
    view: Callable[[ResourceGraph], Iterable[Node]], *, what: str, kinds: Sequence[str] = ()
) -> Subjects:
    """Subjects a shared view gives (and nodes of ``kinds``, if any)."""
    return Subjects(kinds=tuple(kinds), view=view, what=what)


#: configuration-wide rules checked root by root
PER_SCOPE = Subjects(per_scope=True, what="each scanned root")
#: account-scope rules: the account baseline as a whole
ACCOUNT_BASELINE = Subjects(whole=True, what="the account baseline")


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


@record
class Context:
    """What a rule's check function receives."""

    graph: ResourceGraph
    rule: Rule
    options: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_OPTIONS))
    account_scope: bool = False
    strict: bool = False
    #: the scan roots, for configuration-wide findings
    scopes: Sequence[str] = ()
    #: the IDs of the rules this run reports (empty: every rule); see :meth:`owns`
    selected: frozenset[str] = frozenset()

    def runs(self, rule_id: str) -> bool:
        """Does this run report ``rule_id`` (is it selected)?"""
        return not self.selected or rule_id in self.selected

    def owns(self, order: Sequence[str], verdicts: Mapping[str, bool | None]) -> bool:
        """One problem, one finding (RULES.md "Clarifications"): does this rule report it?

        ``order`` lists the rules that may report the same problem, most specific
        first; ``verdicts`` says which of them apply (True), may apply (None) or do
        not (False).  The problem belongs to the first rule of ``order`` that
        applies *and runs in this scan*: with ``--select IAM003`` alone, a statement
        IAM002 would otherwise report is reported by IAM003.  Only a rule that
        surely applies takes the problem away from the rules after it.
        """
        for rule_id in order:
            if verdicts.get(rule_id) is True and self.runs(rule_id):
                return rule_id == self.rule.id
        return False

    #: subjects the rule found it does not apply to -> why (:meth:`not_applicable`)
    skipped: dict[SubjectKey, str] = field(default_factory=dict)

    def not_applicable(self, node: Node, reason: str) -> None:
        """Record that the rule looked at ``node`` (one of its subjects) and does not
        apply to it, and why ("imported key material: KMS cannot rotate it"). The
        evidence pack lists it as not applicable instead of passing."""
        self.skipped.setdefault((node.scope, node.address), reason)

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
        setting: Setting | None = None,
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
            setting=setting,
        )

    def require(
        self,
        node: Node,
        setting: Setting,
        message: str,
        *,
        threshold: int | None = None,
        reading: Reading | None = None,
    ) -> Iterator[Report]:
        """Check one setting in one call: nothing when it passes; a finding when it fails.

        ``message`` is formatted with ``{address}`` and ``{problem}`` (the attribute
        in the node's language and its value: "`multi_az` is not set (default
        false)").  A failing default points at the resource, a failing value at the
        attribute; an unknown value gives a low finding under ``--strict`` only.
        ``reading`` is a reading the rule already made (e.g. inside a block).
        """
        r = reading if reading is not None else setting.read(node, threshold=threshold)
        if r.ok is None:
            yield from self.unresolved(node, r.attr)
        elif not r.ok:
            text = message.format(address=node.address, problem=r.problem)
            yield self.finding(node, r.attr, text, setting=setting)

    def unresolved(
        self, node: Node, at: Attr | str | Path, what: str = "", *, value: Unknown | None = None
    ) -> Iterator[Report]:
        """Under ``--strict``, a low finding saying the decision hinges on an unknown value.

        ``value`` names the unknown that decides when it is only part of the attribute
        at ``at`` (a principal inside a ``jsonencode(...)`` policy), so the message
        quotes that expression, not the whole document.  Yields nothing otherwise, so
        rules can always ``yield from`` it.
        """
        if not self.strict:
            return
        attr = at if isinstance(at, Attr) else node.attr(at)
        value = value if value is not None else attr.value
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


@record(frozen=True)
class Rule:
    """A rule: its check function and the metadata every output is generated from."""

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
    #: the population the rule evaluates (None: not declared, e.g. a third-party rule)
    subjects: Subjects | None = None
    #: the control objective the rule tests, stated as what holds when it passes
    control: str = ""

    def __post_init__(self) -> None:
        # dedented once here, so that reading its sections need not (validate_rule runs
        # at every start)
        object.__setattr__(self, "doc", inspect.cleandoc(self.doc))

    @property
    def family(self) -> str:
        return self.id[:3]

    @property
    def languages(self) -> tuple[Language, ...]:
        if self.declared_languages:
            return self.declared_languages
        ex = self.examples
        present = ex.languages() if isinstance(ex, ExamplesFile) else ex
        return tuple(lang for lang in LANGUAGES if lang in present)

    @property
    def title(self) -> str:
        """The docstring's first line: what is wrong when the rule fires."""
        return _first_line(self.doc) or self.slug

    def section(self, name: str) -> str:
        return self.sections().get(name, "")

    def sections(self) -> dict[str, str]:
        """The page's sections: the docstring's, with "How to fix" made from ``fix``."""
        out = doc_sections(self.doc)
        out[FIX_SECTION] = self.fix_text()
        return {name: out[name] for name in ("title", *PAGE_SECTIONS) if out.get(name)}

    def fix_text(self) -> str:
        """The fix, once per distinct text: ``Terraform: ...`` paragraphs when they differ."""
        texts = list(dict.fromkeys(self.fix.values()))
        if len(texts) <= 1:
            return texts[0] if texts else ""
        return "\n\n".join(f"{LANGUAGE_TITLES[lang]}: {text}" for lang, text in self.fix.items())

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
    subjects: Subjects | None = None,
    control: str = "",
) -> Callable[[CheckFn], Rule]:
    """Declare a rule; see the module docstring.

    Without ``terraform=`` and ``cloudformation=``, the examples are read (when
    first needed) from the file beside the rule's module:
    ``enc004_efs_encrypted.py`` -> ``enc004_efs_encrypted.examples.yaml``
    (:mod:`soc2lint.rule_examples`).
    """

    def wrap(fn: CheckFn) -> Rule:
        examples: Mapping[Language, Examples]
        fixes: dict[Language, str]
        if terraform is None and cloudformation is None:
            examples = ExamplesFile(examples_path(inspect.getfile(fn)), id)
            fixes = dict(fix) if not isinstance(fix, str) else dict.fromkeys(LANGUAGES, fix)
        else:
            inline: dict[Language, Examples] = {}
            if terraform is not None:
                inline["terraform"] = terraform
            if cloudformation is not None:
                inline["cloudformation"] = cloudformation
            examples = inline
            if isinstance(fix, str):
                fixes = {lang: fix for lang in inline} or {"terraform": fix}
            else:
                fixes = dict(fix)
        return Rule(
            id=id,
            slug=slug,
            severity=severity,
            tsc=tuple(tsc),
            checklist=checklist,
            check=fn,
            doc=fn.__doc__ or "",
            examples=examples,
            fix=fixes,
            account_scope=account_scope,
            graph=graph,
            options=tuple(options),
            precision=precision,
            subjects=subjects,
            control=control,
        )

    return wrap


def doc_sections(doc: str) -> dict[str, str]:
    """Split a rule's ``doc`` (dedented when the rule is made) into its title and fixed
    sections, as :func:`validate_rule` reads them: dedenting it again could move a
    section heading (a docstring whose first line is indented less than the rest)."""
    return {
        name: inspect.cleandoc("\n".join(lines)).strip()
        for name, lines in _section_lines(doc).items()
    }


def _section_lines(doc: str) -> dict[str, list[str]]:
    """:func:`doc_sections` of a dedented docstring (a rule's ``doc``), without dedenting
    each section's text, which checking that the sections are written does not need
    (:func:`validate_rule` runs at every start)."""
    out: dict[str, list[str]] = {}
    current = "title"
    buf: list[str] = []
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.endswith(":") and stripped[:-1] in PAGE_SECTIONS and not line.startswith(" "):
            out[current] = buf
            current = stripped[:-1]
            buf = []
        else:
            buf.append(line)
    out[current] = buf
    return out


def validate_rule(r: Rule, *, examples: bool = False) -> list[str]:
    """Problems with a rule's metadata (empty when it is complete and well formed).

    Examples kept in a file are read and checked only with ``examples=True``
    (the test suite, ``soc2lint explain``): a scan checks that the file exists.
    """
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
    sections = _section_lines(r.doc)
    written = {name for name, lines in sections.items() if any(ln.strip() for ln in lines)}
    if "title" not in written:
        problems.append(f"{r.id}: docstring has no title line")
    for name in DOC_SECTIONS:
        if name not in written:
            problems.append(f"{r.id}: docstring lacks a '{name}:' section")
    if FIX_SECTION in sections:
        problems.append(
            f"{r.id}: the docstring has a '{FIX_SECTION}:' section; the fix is written once, in fix="
        )
    if isinstance(r.examples, ExamplesFile) and not (examples or r.examples.loaded):
        if not r.examples.path.is_file():
            problems.append(f"{r.id}: no examples file {r.examples.path.name}")
        return problems
    try:
        if not r.examples:
            problems.append(f"{r.id}: no examples for any language")
    except ValueError as exc:  # ExamplesError
        problems.append(f"{r.id}: {exc}")
        return problems
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


__all__ = [
    "ACCOUNT_BASELINE",
    "DEFAULT_OPTIONS",
    "LANGUAGES",
    "PER_SCOPE",
    "WHOLE",
    "Context",
    "Example",
    "Examples",
    "RelatedRef",
    "Report",
    "Rule",
    "SubjectKey",
    "Subjects",
    "bad",
    "doc_sections",
    "from_view",
    "good",
    "of_kinds",
    "rule",
    "validate_rule",
]
