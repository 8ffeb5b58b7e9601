"""The SEC rules' literal and credential detectors."""

from __future__ import annotations

import pytest

from soc2lint.model import Unknown
from soc2lint.rules.sec._shared import is_literal_secret, mask
from soc2lint.rules.sec.sec001_hardcoded_aws_credentials import (
    aws_key_ids,
    aws_secret_keys,
    credential_named,
    mask_key_id,
)


def test_key_ids_and_placeholders() -> None:
    assert aws_key_ids("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n") == [
        "AKIAIOSFODNN7EXAMPLE"
    ]
    assert aws_key_ids("ASIAY34FZKBOKMUTVV7A") == ["ASIAY34FZKBOKMUTVV7A"]
    assert aws_key_ids("AKIAXXXXXXXXXXXXXXXX") == []
    assert aws_key_ids("XAKIAIOSFODNN7EXAMPLE") == []
    assert aws_key_ids("AKIAIOSFODNN7EXAMPLE1") == []


def test_secret_keys_are_mixed_case_base64_not_hashes() -> None:
    assert aws_secret_keys("k=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") == [
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    ]
    assert aws_secret_keys("0b9a7e3f1c2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f") == []
    assert aws_secret_keys("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMN") == []
    assert aws_secret_keys("x" * 41) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("access_key", True),
        ("AWS_ACCESS_KEY_ID", True),
        ("AccessKeyId", True),
        ("aws_credentials", True),
        ("user_data", False),
        ("region", False),
    ],
)
def test_credential_named(name: str, expected: bool) -> None:
    assert credential_named(name) is expected


def test_literals_and_masking() -> None:
    assert is_literal_secret("hunter2")
    assert not is_literal_secret("")
    assert not is_literal_secret("  ")
    assert not is_literal_secret("{{resolve:secretsmanager:db:SecretString:password}}")
    assert not is_literal_secret("arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf")
    assert not is_literal_secret(Unknown("var.password"))
    # a secret: none of its characters, not even its length
    assert mask("hunter2hunter2") == mask("short") == "********"
    # an access key ID is an identifier: its last four, as the AWS console shows them
    assert mask_key_id("AKIAIOSFODNN7EXAMPLE") == "****************MPLE"
    assert mask_key_id("short") == "*****"


def test_the_credential_pre_check_never_skips_a_string_the_walk_would_examine() -> None:
    from soc2lint.rules.sec._shared import walk_strings as _walk_strings
    from soc2lint.rules.sec.sec001_hardcoded_aws_credentials import _may_hold_credentials

    def examined(value: object) -> bool:
        return any(
            "AKIA" in t or "ASIA" in t or len(t) >= 40 for _p, _n, t in _walk_strings(value, (), "")
        )

    key = "AKIAIOSFODNN7EXAMPLE"
    cases: list[object] = [
        {"a": "short", "b": [1, 2, {"c": "also short"}]},
        {"a": [{"b": key}]},
        {"Environment": [{"Name": "K", "Value": "x" * 40}]},
        ' ["\\u0041KIAIOSFODNN7EXAMPLE"]',  # JSON text: the escape hides the prefix
        '{"a": 1}',
        "{not json",
        [Unknown("var.x"), None, True, 3.5],
        {"deep": [[[[{"k": key}]]]]},
    ]
    for value in cases:
        if examined(value):
            assert _may_hold_credentials(value, 0), value
    assert not _may_hold_credentials({"a": "short", "b": [1, {"c": "x"}]}, 0)
