from __future__ import annotations

import pytest

from soc2lint.secretnames import looks_password, looks_secret, names_secret_location, words


def test_words_split_every_style() -> None:
    assert words("db_masterPassword-v2") == ["db", "master", "password", "v2"]
    assert words("DBPassword") == ["db", "password"]
    assert words("APIKey") == ["api", "key"]


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "DB_PASSWORD",
        "dbPassword",
        "master_password",
        "MasterUserPassword",
        "api_key",
        "ApiKey",
        "APIKEY",
        "github_token",
        "AUTH_TOKEN",
        "client_secret",
        "SECRET_KEY_BASE",
        "/app/prod/db/password",
        "stripe-secret",
        "private_key",
        "ssh_private_key",
        "connection_string",
        "pwd",
        "SLACK_WEBHOOK_TOKEN",
        "AccessKey",
    ],
)
def test_secret_names(name: str) -> None:
    assert looks_secret(name)


@pytest.mark.parametrize(
    "name",
    [
        "db_password_secret_arn",
        "SECRET_NAME",
        "password_length",
        "token_url",
        "kms_key_id",
        "ssh_key",
        "key_name",
        "api_key_id",
        "/app/prod/password/arn",
        "username",
        "tokenizer",
        "passwords_enabled",
        "secret_rotation",
        "KmsKeyId",
        "database_name",
        "private_key_path",
        "monkey",
        "keyboard_layout",
        "TOKEN_TABLE",
        "SECRETS_BUCKET",
        "JWT_TOKEN_ISSUER",
        "TOKEN_AUDIENCE",
        "PASSWORD_RESET_HOST",
        "secret_prefix",
        "TOKEN_ALGORITHM",
        "SESSION_TOKEN_TIMEOUT",
        "",
    ],
)
def test_not_secret_names(name: str) -> None:
    assert not looks_secret(name)


@pytest.mark.parametrize(
    "name",
    [
        "db_password",
        "DB_PASSWORD",
        "MasterUserPassword",
        "master_password",
        "DBPassword",
        "admin_passwd",
        "RedisPwd",
        "adminpassword",
        "key_passphrase",
        "user_passwords",
    ],
)
def test_password_names(name: str) -> None:
    assert looks_password(name)


@pytest.mark.parametrize(
    "name",
    [
        "password_length",
        "db_password_secret_arn",
        "manage_master_user_password",
        "create_random_password",
        "password_policy",
        "api_key",
        "auth_token",
        "passwords_enabled",
        "password_ssm_parameter",
        "username",
        "",
    ],
)
def test_not_password_names(name: str) -> None:
    assert not looks_password(name)


@pytest.mark.parametrize(
    ("value", "location"),
    [
        ("/prod/db_password", True),
        ("admin/db_password", True),
        ("/prod/app/db", True),
        ("my/db_pwd", True),
        ("arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf", True),
        ("arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/app/token", True),
        # passwords, even with a slash
        ("/Sup3rS3cret", False),
        ("Sup3r/S3cret!", False),
        ("hunter2", False),
        ("prod/app/db", False),
        ("correct horse/battery staple", False),
        ("", False),
    ],
)
def test_where_a_secret_is_stored_is_not_a_secret(value: str, location: bool) -> None:
    assert names_secret_location(value) is location
