"""Reserved rules (SYS family) that the engine itself reports.

They are listed by ``soc2lint rules`` like any other rule, so users can see
what a parse error or an expired suppression means, but no rule module
yields them: front ends report parse and configuration problems as
diagnostics, the engine reports rule crashes and suppression problems.
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import Language, Severity
from .rule import Context, Examples, Report, Rule, bad, good


def _no_check(ctx: Context) -> Iterator[Report]:
    return iter(())


def _reserved(
    id: str,
    slug: str,
    severity: Severity,
    doc: str,
    fix: str | dict[Language, str],
    *,
    incomplete: bool = False,
    examples: dict[str, Examples] | None = None,
) -> Rule:
    return Rule(
        id=id,
        slug=slug,
        severity=severity,
        # not counted under any Trust Services Criterion (text summary, markdown, SARIF
        # tags, evidence): a reserved finding says what was not checked, not a control
        tsc=(),
        checklist="D. Change Management",
        check=_no_check,
        doc=doc,
        examples=examples or {},  # type: ignore[arg-type]
        fix=fix if isinstance(fix, dict) else {"terraform": fix, "cloudformation": fix},
        reserved=True,
        incomplete=incomplete,
        declared_languages=("terraform", "cloudformation"),
    )


PARSE_ERROR = _reserved(
    "SYS001",
    "parse-error",
    Severity.HIGH,
    """A file could not be parsed, so nothing in it was checked.

    What it checks:
        Every Terraform, tfvars, plan and CloudFormation file must parse. A file
        that does not is reported at the parser's line and column with what it
        expected, and the scan exits 3 (incomplete): a control that could not be
        checked is not a pass.
    Why it matters for SOC 2:
        An auditor relies on the scan covering all infrastructure code (CC7.1).
    References:
        - https://developer.hashicorp.com/terraform/language/syntax/configuration
    """,
    "Fix the syntax error at the reported position.",
    incomplete=True,
    examples={
        "terraform": Examples(
            good=[good('resource "aws_sqs_queue" "q" {\n  name = "jobs"\n}\n')],
            bad=[
                bad('resource "aws_sqs_queue" "q" {\n  name = "jobs"\n', address="main.tf", line=3)
            ],
        ),
        "cloudformation": Examples(
            good=[good("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")],
            bad=[
                bad(
                    "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n   Properties: [\n",
                    address="template.yaml",
                    line=4,
                )
            ],
        ),
    },
)

RULE_ERROR = _reserved(
    "SYS002",
    "rule-error",
    Severity.HIGH,
    """A rule raised an error, so its control was not checked.

    What it checks:
        A rule that crashes is isolated: the other rules still run, the crash is
        reported as this finding with the rule's ID, and the scan exits 3.
    Why it matters for SOC 2:
        A control that was not evaluated must not look like a pass (CC7.1).
    References:
        - https://github.com/soc2lint/soc2lint/issues
    """,
    "Run with --debug and report the traceback.",
    incomplete=True,
)

SUPPRESSION_INVALID = _reserved(
    "SYS003",
    "suppression-invalid",
    Severity.MEDIUM,
    """A suppression is malformed or has no reason, so it does not suppress.

    What it checks:
        Every inline, Metadata or configuration suppression must name rules that
        exist and give a `reason="..."`; a malformed one is reported here and the
        finding it meant to hide is reported too.
    Why it matters for SOC 2:
        Exceptions to a control must be justified and reviewable (CC8.1).
    References:
        - https://github.com/soc2lint/soc2lint#suppressions
    """,
    'Add reason="..." (and expires=YYYY-MM-DD) to the suppression.',
)

SUPPRESSION_EXPIRED = _reserved(
    "SYS004",
    "suppression-expired",
    Severity.MEDIUM,
    """A suppression has expired and no longer suppresses.

    What it checks:
        A suppression whose `expires=` date has passed stops hiding its finding
        and is reported, so exceptions are reviewed again.
    Why it matters for SOC 2:
        Accepted risks must be revisited on schedule (CC8.1, CC3.4).
    References:
        - https://github.com/soc2lint/soc2lint#suppressions
    """,
    "Fix the finding or renew the suppression after review.",
)

SUPPRESSION_UNUSED = _reserved(
    "SYS005",
    "suppression-unused",
    Severity.LOW,
    """A suppression matches no finding.

    What it checks:
        A suppression for a rule that ran and found nothing on that resource is
        stale; it is reported so it can be removed before it hides a future problem.
    Why it matters for SOC 2:
        The list of exceptions an auditor reviews should contain only live ones (CC8.1).
    References:
        - https://github.com/soc2lint/soc2lint#suppressions
    """,
    "Remove the unused suppression.",
)

MODULE_NOT_LOADED = _reserved(
    "SYS006",
    "module-not-loaded",
    Severity.LOW,
    """A module, nested stack or macro could not be loaded, so its resources were not seen.

    What it checks:
        Registry and git modules are read from `.terraform/modules/modules.json`
        after `terraform init` (`terraform init -backend=false` needs no
        credentials); nested stacks with a remote TemplateURL, Serverless
        Application Repository applications and Rain modules or other macros
        cannot be read. Each distinct source is reported once, at its first call,
        with the number of calls (the JSON report lists every call and root), and
        the scan is incomplete (exit 3): a control that could not be checked is
        not a pass. Teams that scan without `terraform init` on purpose can keep
        the listing without the exit code: `--allow-unloaded-modules` or
        `allow-unloaded-modules = true` in a configuration file named with
        `--config` (a configuration found in the scanned tree cannot set it).
    Why it matters for SOC 2:
        Resources inside unread modules are not covered by this scan (CC7.1).
    References:
        - https://developer.hashicorp.com/terraform/language/modules/sources
    """,
    {
        "terraform": "Run `terraform init -backend=false` first so the module can be read from "
        ".terraform/modules (or scan with `--allow-unloaded-modules` to accept it).",
        "cloudformation": "Point TemplateURL/Location at a local template (as before "
        "`aws cloudformation package`) so the nested stack can be read.",
    },
    incomplete=True,
)

CONFIGURATION_ERROR = _reserved(
    "SYS007",
    "configuration-error",
    Severity.HIGH,
    """The configuration cannot be evaluated here (module cycle, path outside the repository...).

    What it checks:
        A module that calls itself, a module source or file() path that leaves
        the scanned repository, nesting beyond the depth limit, a cycle between
        locals: each is reported on the block that causes it; everything else is
        still scanned and the scan exits 3.
    Why it matters for SOC 2:
        Parts of the configuration that were not evaluated were not checked (CC7.1).
    References:
        - https://developer.hashicorp.com/terraform/language/modules/syntax
    """,
    "Fix the module source or the cycle.",
    incomplete=True,
)

LIMIT_EXCEEDED = _reserved(
    "SYS008",
    "limit-exceeded",
    Severity.HIGH,
    """A safety limit was reached (file size, expansion count, evaluation steps).

    What it checks:
        Files over the size limit, count/for_each expansions over the cap and
        expressions that take too many evaluation steps are cut short and
        reported; the scan exits 3 because the cut part was not checked.
    Why it matters for SOC 2:
        A scan that silently skipped part of the input would overstate coverage (CC7.1).
    References:
        - https://github.com/soc2lint/soc2lint#configuration
    """,
    "Raise the limit in [tool.soc2lint.limits] (the message names the setting) if the input is legitimate.",
    incomplete=True,
)

SYSTEM_RULES: tuple[Rule, ...] = (
    PARSE_ERROR,
    RULE_ERROR,
    SUPPRESSION_INVALID,
    SUPPRESSION_EXPIRED,
    SUPPRESSION_UNUSED,
    MODULE_NOT_LOADED,
    CONFIGURATION_ERROR,
    LIMIT_EXCEEDED,
)

#: rules that can never be ignored or suppressed: they mean "not checked"
UNIGNORABLE = frozenset(r.id for r in SYSTEM_RULES if r.incomplete)
