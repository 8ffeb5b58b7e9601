"""Regular expressions compiled when first used, for modules that define many.

``re.compile`` at import made every scan compile ~95 patterns (~19 ms), 66 of which
a scan of terraform-aws-rds never uses: they belong to resources, functions or
report formats it does not have.  :func:`compile_lazily` returns a stand-in that
compiles on its first use; from then on its methods are the compiled pattern's own
(bound methods set on the stand-in), so a pattern used in a loop costs what the
compiled one does.
"""

from __future__ import annotations

import re
from typing import Any, cast

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class _Lazy:
    """A pattern to compile: its methods and attributes are the compiled pattern's."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __reduce__(self) -> tuple[type[_Lazy], tuple[str, int]]:
        return (_Lazy, self._args)  # a copy or a pickle is a stand-in again

    def __getattr__(self, name: str) -> Any:
        if name == "_args" or name.startswith("__"):
            # not a pattern's: ``_args`` before unpickling set it, the protocols copy
            # and pickle look for (``__deepcopy__``...), answered by ``__reduce__``
            raise AttributeError(name)
        # reached only for what the instance does not hold: its methods before the first
        # use, the pattern's other attributes (``groupindex``...) at every use, which
        # re.compile then finds in its own cache
        compiled = re.compile(*self._args)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def compile_lazily(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)`` on first use.  What it returns is used as the
    pattern is, through its methods and attributes; it is not an ``re.Pattern`` to
    ``isinstance`` nor a pattern argument of the ``re`` module's functions."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))
