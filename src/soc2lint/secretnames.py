"""One shared, tested answer to "does this name look like it holds a secret?".

:func:`looks_password` is the narrower question SEC003 asks of variables and
parameters: does the name hold a *password* (not an API key or a token)?

Used by the secrets rules (SEC003 password-named variables and parameters,
SEC004 environment variables, SEC005 NoEcho) and ENC013 (SSM parameters; a
templated name is judged by its literal end, :func:`name_looks_secret`).
Names are split into words (``DB_PASSWORD``, ``dbPassword``, ``db-password``,
``/app/prod/api_key`` all give the word ``password`` or ``api key``), and a
name is secret-looking when its words contain a secret term.  Names that only
*refer* to a secret (``password_secret_arn``, ``SECRET_NAME``, ``token_url``)
are not secrets themselves.
"""

from __future__ import annotations

import itertools
import re

from .lazyre import compile_lazily
from .model import Unknown

_SPLIT = compile_lazily(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

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
        # names of places and settings around a secret, not the secret itself
        "table",
        "bucket",
        "queue",
        "topic",
        "issuer",
        "audience",
        "host",
        "hostname",
        "domain",
        "prefix",
        "region",
        "algorithm",
        "format",
        "timeout",
        "lifetime",
        "duration",
        "location",
        "provider",
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


#: words that make a name password-named (SEC003: variables and parameters)
PASSWORD_WORDS = frozenset(
    {"password", "passwords", "passwd", "pwd", "passphrase", "masterpassword", "adminpassword"}
)


def looks_password(name: str) -> bool:
    """True when ``name`` names a password (``db_password``, ``MasterUserPassword``).

    Names that refer to a password rather than hold one (``password_secret_arn``,
    ``password_length``, ``manage_master_user_password`` is a flag...) are not.
    """
    ws = words(name.rsplit("/", 1)[-1] if "/" in name else name)
    if not ws:
        return False
    if ws[-1] in REFERENCE_WORDS or ws[0] in ("manage", "create", "generate", "random"):
        return False
    joined = "".join(ws)
    return any(w in PASSWORD_WORDS for w in ws) or any(
        joined.endswith(w) for w in ("password", "passwd", "passphrase")
    )


#: an ARN of where secrets are kept: SSM parameters, Secrets Manager secrets
_STORE_ARN = compile_lazily(r"^arn:aws[a-z-]*:(?:ssm|secretsmanager):[^\s]*$", re.IGNORECASE)
#: a parameter or secret name written as a path: /prod/db_password, admin/db_password
_STORE_PATH = compile_lazily(r"^/?[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+$|^/[A-Za-z0-9_.\-]+$")


def names_secret_location(value: object) -> bool:
    """The value names where a secret is stored, not the secret (RULES.md "Where a secret
    is stored is not a secret"): an SSM parameter or Secrets Manager ARN, or a path-like
    name (``/prod/db_password``, ``admin/db_password``) whose last part is secret-named
    or that has several levels under a leading ``/``.  A password such as
    ``/Sup3rS3cret`` (one level, not secret-named) is still a password.
    """
    if not isinstance(value, str):
        return False
    text = value.strip()
    if _STORE_ARN.match(text):
        return True
    if not _STORE_PATH.match(text):
        return False
    last = text.rstrip("/").rsplit("/", 1)[-1]
    if looks_secret(last) or looks_password(last):
        return True
    return text.startswith("/") and text.count("/") >= 2


_TEMPLATE = compile_lazily(r'^(?:!Sub\s*\[?\s*)?"((?:[^"\\]|\\.)*)"')


def literal_tail(expr: str) -> str | None:
    """The literal end of a templated name (`"/${var.env}/db_password"`, `!Sub /${Env}/token`).

    ``expr`` is the source text of an unresolved value (``Unknown.expr``). Only the
    words after the last interpolation count, and only when they start a new word:
    whatever the interpolation gives, the name ends with them.
    """
    m = _TEMPLATE.match(expr.strip())
    if m is None or "${" not in m.group(1):
        return None
    tail = m.group(1).rsplit("}", 1)[-1]
    if "${" in tail or "%{" in tail:
        return None
    return _word_tail(tail)


def _word_tail(tail: str) -> str | None:
    """``tail`` when it starts a new word whatever comes before it, else None."""
    if not tail:
        return None
    starts_word = not tail[0].isalnum() or (
        tail[0].isupper() and len(tail) > 1 and tail[1].islower()
    )
    return tail if starts_word else None


def name_looks_secret(value: object) -> bool:
    """A resource name (a string, or an unresolved template) that looks like a secret."""
    if isinstance(value, str):
        return looks_secret(value)
    if not isinstance(value, Unknown):
        return False
    # the text after the last unknown part (a template records it for "${...}", format(),
    # join() and !Join alike), else as the expression is written
    tail = _word_tail(value.template[-1]) if value.template else literal_tail(value.expr)
    return tail is not None and looks_secret(tail)
