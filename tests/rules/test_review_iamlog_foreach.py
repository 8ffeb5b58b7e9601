"""Review of the IAM and LOG families: cases the rule examples do not pin down."""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

_FOREACH_ONLY = """
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Groups:
    - Name
    - [Audit, App]
    - ${Name}Logs:
        Type: AWS::Logs::LogGroup
        Properties:
          RetentionInDays: 7
"""


def test_template_whose_resources_are_all_foreach_loops_is_scanned(tmp_path: Path) -> None:
    """No AWSTemplateFormatVersion and only Fn::ForEach entries: still a template."""
    write_files(tmp_path, {"template.yaml": _FOREACH_ONLY})
    result = scan(
        [tmp_path],
        base=tmp_path,
        config=Config(select=("LOG009",), inline_suppressions=False),
    )
    got = sorted((f.address, f.range.file, f.range.start_line) for f in result.findings)
    assert got == [("AppLogs", "template.yaml", 10), ("AuditLogs", "template.yaml", 10)]
