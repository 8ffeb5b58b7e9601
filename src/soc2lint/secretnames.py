"""One shared, tested answer to "does this name look like it holds a secret?".

Used by the secrets rules (SEC003 password-named variables and parameters,
SEC004 environment variables, SEC005 NoEcho) and ENC013 (SSM parameters).
Names are split into words (``DB_PASSWORD``, ``dbPassword``, ``db-password``,
``/app/prod/api_key`` all give the word ``password`` or ``api key``), and a
name is secret-looking when its words contain a secret term.  Names that only
*refer* to a secret (``password_secret_arn``, ``SECRET_NAME``, ``token_url``)
are not secrets themselves.
"""

from __future__ import annotations

import itertools
import re

_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

#: single words that make a name secret-looking
SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "credential",
        "credentials",
        "authtoken",
        "accesstoken",
        "secretkey",
        "clientsecret",
        "masterpassword",
        "connectionstring",
    }
)

#: adjacent word pairs that make a name secret-looking (``api key``, ``private key``)
SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("access", "key"),
        ("auth", "token"),
        ("client", "secret"),
        ("connection", "string"),
        ("signing", "key"),
        ("encryption", "key"),
    }
)

#: trailing words that make the name a *reference* to a secret, not a secret
REFERENCE_WORDS = frozenset(
    {
        "arn",
        "arns",
        "id",
        "ids",
        "name",
        "names",
        "path",
        "url",
        "uri",
        "ref",
        "length",
        "len",
        "policy",
        "rotation",
        "enabled",
        "version",
        "versions",
        "type",
        "file",
        "parameter",
        "param",
        "manager",
        "store",
        "expiry",
        "expiration",
        "ttl",
        "endpoint",
        "header",
        "count",
        "min",
        "max",
        "reset",
        "required",
        "kms",
        "key",
    }
)

#: a ``key`` alone is too common (``ssh_key_name``, ``kms_key``); these words
#: before it make ``...key`` a secret
_KEY_OWNERS = frozenset({"api", "private", "secret", "access", "signing", "encryption", "hmac"})


def words(name: str) -> list[str]:
    """``db_masterPassword-v2`` -> ``["db", "master", "password", "v2"]``."""
    return [w.lower() for w in _SPLIT.split(name) if w]


def looks_secret(name: str) -> bool:
    """True when ``name`` names a secret value (not a reference to one)."""
    ws = words(name.rsplit("/", 1)[-1] if "/" in name else name)
    if not ws:
        return False
    last = ws[-1]
    # "..._key" counts only after an owner word (api_key, private_key...)
    if last == "key":
        return len(ws) >= 2 and ws[-2] in _KEY_OWNERS
    if last in REFERENCE_WORDS:
        return False
    joined = "".join(ws)
    if any(w in SECRET_WORDS for w in ws):
        return True
    if any(pair in SECRET_PAIRS for pair in itertools.pairwise(ws)):
        return True
    return joined in SECRET_WORDS
