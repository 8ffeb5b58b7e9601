"""Bundled data written as a JSON object with one entry a line, read an entry at a time.

The generated rule pages (:func:`soc2lint.docs.pages_json`) and the IAM action
database (``scripts/build_iam_actions.py``) are written so: a scan decodes only the
entries it asks about, not the whole file (0.8 MB and 1 MB)."""

from __future__ import annotations

from collections.abc import Iterable


def entries(lines: Iterable[bytes]) -> dict[bytes, bytes]:
    """The ``"key": value,`` lines of such an object: JSON-encoded key -> JSON-encoded
    value (the lines of its braces, which hold no ``": "``, left out)."""
    out: dict[bytes, bytes] = {}
    for line in lines:
        key, sep, value = line.partition(b": ")
        if sep:
            out[key] = value.removesuffix(b",")
    return out
