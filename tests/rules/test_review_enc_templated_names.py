"""ENC013 review: templated SSM parameter names are judged by their literal end."""

from __future__ import annotations

import pytest

from soc2lint.model import Unknown
from soc2lint.secretnames import literal_tail, name_looks_secret


@pytest.mark.parametrize(
    ("expr", "tail"),
    [
        ('"/${var.env}/db_password"', "/db_password"),
        ('!Sub "/${AWS::StackName}/ApiKey"', "/ApiKey"),
        ('!Sub ["/${E}/api_key", {E: !Ref Env}]', "/api_key"),
        ('"${var.prefix}Password"', "Password"),
        ('"${var.prefix}password"', None),  # may be "mypassword": not a word of its own
        ('"/app/${var.name}"', None),  # the last word is unknown
        ('"/app/db_password"', None),  # not a template
        ("var.name", None),
        ("!Join [/, [!Ref Env, db_password]]", None),
    ],
)
def test_literal_tail(expr: str, tail: str | None) -> None:
    assert literal_tail(expr) == tail


def test_name_looks_secret() -> None:
    assert name_looks_secret("/orders/prod/db_password")
    assert name_looks_secret(Unknown('"/orders/${var.env}/db_password"', ("var.env",)))
    assert not name_looks_secret(Unknown('"/orders/${var.env}/db_password_arn"', ("var.env",)))
    assert not name_looks_secret(Unknown("var.name", ("var.name",)))
    assert not name_looks_secret(None)
