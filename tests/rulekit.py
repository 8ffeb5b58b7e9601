"""Small, fully valid rules for testing the engine without the real catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from soc2lint.model import Severity
from soc2lint.registry import Registry
from soc2lint.rule import Context, Examples, Report, Rule, bad, good, rule
from soc2lint.system_rules import SYSTEM_RULES

DOC = """{title}

What it checks:
    A test rule.
Why it matters for SOC 2:
    It does not.
References:
    - https://example.com
"""


def make_rule(
    rule_id: str,
    slug: str,
    check: Callable[[Context], Iterable[Report]],
    *,
    severity: Severity = Severity.HIGH,
    title: str = "Test rule fired.",
    account_scope: bool = False,
) -> Rule:
    check.__doc__ = DOC.format(title=title)
    return rule(
        id=rule_id,
        slug=slug,
        severity=severity,
        tsc=("CC6.1",),
        checklist="B. Data at Rest",
        fix={"terraform": "Fix it in HCL.", "cloudformation": "Fix it in YAML."},
        terraform=Examples(
            good=[good('resource "aws_sqs_queue" "q" {}')],
            bad=[bad('resource "aws_sqs_queue" "q" {}', address="aws_sqs_queue.q", line=1)],
        ),
        account_scope=account_scope,
    )(check)


def registry_with(*rules: Rule) -> Registry:
    return Registry([*SYSTEM_RULES, *rules])
