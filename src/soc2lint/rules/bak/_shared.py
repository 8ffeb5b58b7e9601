"""Code several BAK rules share."""

from __future__ import annotations

from soc2lint.model import Attr, Unknown, to_int

CHECKLIST = "F. Backup Strategy"


def _int(a: Attr) -> int | Unknown | None:
    """The attribute as an int; None when not written; Unknown when it cannot be known."""
    if a.missing:
        return None
    if isinstance(a.value, Unknown):
        return a.value
    n = to_int(a.value)
    return n if n is not None else Unknown(repr(a.value))
