"""The copy of a repository a fix is planned against (:mod:`.run`), or the repository
itself when fixes are only suggested (:mod:`.suggest`): files read once, and which of
them may be written.  Apart from :mod:`.run` so that a report's suggestions do not
import what applying fixes needs (temporary directories, the engine's re-scan).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .plan import GENERATED
from .text import NotFixable


class Tree:
    """Its files' current text (``shadow``: the private copy, or the repository itself),
    and the rules for writing the originals (``root``)."""

    def __init__(self, root: Path, shadow: Path, unparsed: set[str]) -> None:
        self.root = root
        self.shadow = shadow
        self.unparsed = unparsed
        self.before: dict[str, str] = {}
        self.current: dict[str, str] = {}

    def read(self, rel: str) -> str:
        if rel not in self.current:
            try:
                with open(self.shadow / rel, encoding="utf-8", newline="") as fh:
                    text = fh.read()
            except UnicodeDecodeError:
                raise NotFixable(f"{rel} is not UTF-8 text") from None
            except OSError as exc:
                raise NotFixable(f"{rel} cannot be read: {exc.strerror or exc}") from None
            self.before[rel] = text
            self.current[rel] = text
        return self.current[rel]

    def put(self, rel: str, text: str) -> None:
        self.read(rel)
        self.current[rel] = text
        with open(self.shadow / rel, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)

    def list_dir(self, rel_dir: str) -> list[str]:
        """The Terraform files of a directory of the repository (relative paths)."""
        directory = self.shadow / rel_dir if rel_dir else self.shadow
        try:
            names = sorted(p.name for p in directory.iterdir() if p.name.endswith(".tf"))
        except OSError:
            return []
        return [f"{rel_dir}/{n}" if rel_dir else n for n in names]

    def check(self, rel: str) -> None:
        """Raise NotFixable when ``rel`` must not be written (see :mod:`.run`'s docstring)."""
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts:
            raise NotFixable(f"{rel} is outside the repository: not edited")
        if any(p in GENERATED for p in parts[:-1]):
            raise NotFixable(
                f"{rel} is generated (.terraform/modules, cdk.out): the fix goes in the module "
                "call or the CDK source, which soc2lint does not edit"
            )
        if rel in self.unparsed:
            raise NotFixable(f"{rel} does not parse (SYS001): not edited")
        original = self.root / rel
        probe = self.root
        for p in parts:
            probe = probe / p
            if probe.is_symlink():
                raise NotFixable(f"{rel} is reached through a symbolic link: not edited")
        try:
            st = original.stat()
        except OSError:
            raise NotFixable(f"{rel} cannot be found in the repository") from None
        if not stat.S_ISREG(st.st_mode):
            raise NotFixable(f"{rel} is not a regular file")
        if not (st.st_mode & stat.S_IWUSR) or not os.access(original, os.W_OK):
            raise NotFixable(f"{rel} is read-only: not edited")
