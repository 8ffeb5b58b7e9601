from __future__ import annotations

import pytest

from soc2lint.model import Range
from soc2lint.suppressions import parse_directive, scan_file_comments

R = Range("main.tf", 3, 1)


def test_full_directive() -> None:
    e = parse_directive(
        '# soc2lint: ignore[ENC001, s3-versioning] reason="test fixture, no data" expires=2027-03-31',
        R,
    )
    assert e is not None and e.error is None
    assert e.tokens == ("ENC001", "s3-versioning")
    assert e.reason == "test fixture, no data"
    assert e.expires == "2027-03-31"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("# soc2lint: ignore[ENC001]", "no reason"),
        ('# soc2lint: ignore[] reason="x"', "names no rule"),
        ('# soc2lint: ignore ENC001 reason="x"', "expected ignore"),
        ('# soc2lint: ignore[ENC001] reason="x" expires=tomorrow', "not a date"),
        ('# soc2lint: ignore[ENC001] reason="x" owner=bob', "unknown key"),
        ('# soc2lint: disable[ENC001] reason="x"', "unknown soc2lint directive"),
        ("# soc2lint: ignore[ENC001] because", "cannot read"),
    ],
)
def test_malformed_directives_carry_an_error(text: str, error: str) -> None:
    e = parse_directive(text, R)
    assert e is not None and e.error is not None and error in e.error


def test_non_directive_comments_are_ignored() -> None:
    assert parse_directive("# just a comment about soc2 lint", R) is None


def test_comment_markers_and_strings() -> None:
    text = (
        'resource "x" "y" { # soc2lint: ignore[A001] reason=\'single quoted\'\n'
        '  name = "# soc2lint: ignore[B001] not a comment"\n'
        "}\n"
        '// soc2lint: ignore[C001] reason="slashes"\n'
        '/* soc2lint: ignore[D001] reason="block" */\n'
    )
    fc = scan_file_comments("main.tf", text)
    assert sorted(fc.directives) == [1, 4, 5]
    assert fc.directives[1][0].reason == "single quoted"
    assert fc.directives[4][0].tokens == ("C001",)
    assert fc.directives[5][0].reason == "block"
    assert fc.comment_only == {4, 5}
