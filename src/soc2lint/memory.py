"""Pausing the cyclic garbage collector while a scan builds its object trees.

Parsing, evaluation and the rules allocate millions of small containers that
all live until the stage (or the scan) ends.  Each automatic collection walks
everything allocated so far, so with the collector on, loading a large corpus
took about twice as long and the rules of a 60k-resource scan a third longer
(bench/RESULTS.md).  They make little cyclic garbage; it is collected after.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(*, freeze_after: bool = False) -> Iterator[None]:
    """No automatic cyclic collection inside the block; the collector as it was after.

    ``freeze_after`` moves what the block allocated to the collector's oldest
    generation (frozen, then unfrozen), so that the first young collection
    afterwards does not walk all of it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze_after:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def resident_bytes() -> int | None:
    """This process's resident memory now (Linux's ``/proc/self/statm``); None where
    that cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
