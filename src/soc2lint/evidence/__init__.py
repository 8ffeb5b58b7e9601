"""The audit evidence pack: ``soc2lint evidence`` writes the compliance repository from the code.

One module per section (``access``, ``encryption``, ``logging``, ``network``,
``recovery``, ``change``, ``exceptions``; with ``--since``, the observation
period's ``history_changes``, ``history_exposure`` and ``history_timeline``),
``readme`` for the control matrix,
``matrix`` for what each rule evaluates, and this module to assemble and
write the files.  Every generator is a pure function of the scan: the same
code gives byte-identical files (sorted, no timestamp except one line of
README.md, which ``--reproducible`` leaves out).
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Severity
from ..safeio import UnsafePath, check_no_symlinks, make_dirs, read_input_file, write_output_file
from .common import Pack
from .context import EvidenceContext
from .gitinfo import head_commit
from .matrix import build_matrix

if TYPE_CHECKING:
    from ..engine import ScanResult
    from ..history import History

#: files and directories the pack consists of (what ``write_pack`` replaces)
PACK_ENTRIES = (
    "README.md",
    "access-control",
    "encryption",
    "logging",
    "network",
    "disaster-recovery",
    "change-management",
    "exceptions",
    "populations",
    "findings.json",
    "findings.sarif",
    "posture",
    "history.json",
)

#: the files ``soc2lint history`` writes (what it replaces; nothing else is touched)
HISTORY_JSON = "history.json"


def build_pack(
    result: ScanResult,
    strict_result: ScanResult,
    *,
    output: Path,
    scan_paths: Sequence[str],
    reproducible: bool = False,
    threshold: Severity | None = None,
    now: _dt.datetime | None = None,
    history: History | None = None,
) -> dict[str, str]:
    """Every file of the pack: relative path -> text.

    ``result`` is the scan as the user configured it; ``strict_result`` the
    same scan with unresolved values reported (the same object when the user
    asked for ``--strict``), from which the control matrix counts unknowns.
    """
    from ..report import render
    from ..selection import selected_rules
    from . import (
        access,
        change,
        encryption,
        exceptions,
        logging,
        network,
        populations,
        readme,
        recovery,
    )

    config = result.config
    selected = None
    if config is not None:
        wide = config.with_overrides(account_scope=True)
        selected = {r.id for r in selected_rules(strict_result.registry, wide)}
    rows = build_matrix(
        strict_result.graph,
        strict_result.findings,
        strict_result.registry,
        strict_result.rules_run,
        account_scope=bool(config and config.account_scope),
        not_applicable=strict_result.not_applicable,
        rule_errors=strict_result.rule_errors,
        selected=selected,
    )
    when = now or _dt.datetime.now(_dt.timezone.utc)
    ctx = EvidenceContext(
        result=result,
        rows=rows,
        pack=Pack(output=output.resolve(), base=result.base.resolve()),
        scan_paths=list(scan_paths),
        reproducible=reproducible,
        generated_at=when.strftime("%Y-%m-%d %H:%M:%S UTC"),
        commit=head_commit(result.root),
        history=history,
    )
    files: dict[str, str] = {}
    for module in (
        readme,
        access,
        encryption,
        logging,
        network,
        recovery,
        change,
        exceptions,
        populations,
    ):
        files.update(module.render(ctx))
    files["findings.json"] = render("json", result, threshold=threshold)
    files["findings.sarif"] = render("sarif", result)
    if history is not None:
        files.update(history_files(history, ["markdown", "json"], reproducible, ctx.generated_at))
    return dict(sorted(files.items()))


def history_files(
    history: History, formats: Sequence[str], reproducible: bool, generated_at: str
) -> dict[str, str]:
    """The period's pages (``markdown``: Markdown and CSV) and ``history.json`` (``json``)."""
    import json

    from ..history.document import history_document
    from . import history_changes, history_exposure, history_timeline

    files: dict[str, str] = {}
    if "markdown" in formats:
        for module in (history_changes, history_exposure, history_timeline):
            files.update(
                module.render(history, reproducible=reproducible, generated_at=generated_at)
            )
    if "json" in formats:
        doc = history_document(history, reproducible=reproducible, generated_at=generated_at)
        files[HISTORY_JSON] = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return dict(sorted(files.items()))


def write_files(files: dict[str, str], output: Path) -> None:
    """Write files into ``output`` (created), replacing those files only."""
    make_dirs(output)
    for rel, text in files.items():
        write_output_file(output / rel, text if text.endswith("\n") else text + "\n")


class PackError(Exception):
    """The output directory holds files the pack would overwrite but did not write."""


#: the first line of every pack's README.md: what makes a directory a pack to replace
README_TITLE = "# SOC 2 evidence pack"


def _is_pack(output: Path) -> bool:
    try:
        text = read_input_file(output / "README.md", max_bytes=1 << 20)
    except UnsafePath:  # missing, a link to a FIFO or device, too large
        return False
    return text.split("\n", 1)[0] == README_TITLE


def write_pack(files: dict[str, str], output: Path) -> None:
    """Write the pack, replacing the pack's own files and directories (nothing else) first.

    A directory that holds some of those names without being a pack (no
    README.md written by soc2lint) is refused rather than overwritten.
    """
    check_no_symlinks(output / "README.md")
    clashes = [e for e in PACK_ENTRIES if (output / e).exists() or (output / e).is_symlink()]
    if clashes and not _is_pack(output):
        raise PackError(
            f"{output} already holds {', '.join(clashes)} and is not an evidence pack "
            "(its README.md was not written by soc2lint); choose an empty or new directory"
        )
    # a symbolic link committed in the scanned tree (compliance -> ~/.ssh) must not
    # redirect the pack: no component in the working directory may be one
    make_dirs(output)
    for entry in PACK_ENTRIES:
        p = output / entry
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()
    for rel, text in files.items():
        write_output_file(output / rel, text if text.endswith("\n") else text + "\n")


def display_paths(paths: Sequence[Path], base: Path) -> list[str]:
    out = []
    for p in paths:
        try:
            rel = os.path.relpath(p.resolve(), base.resolve())
        except ValueError:
            rel = str(p)
        out.append(rel.replace(os.sep, "/"))
    return out


__all__ = [
    "HISTORY_JSON",
    "PACK_ENTRIES",
    "README_TITLE",
    "PackError",
    "build_pack",
    "display_paths",
    "history_files",
    "write_files",
    "write_pack",
]
