"""Suppressions an auditor can accept: each one names its rules, gives a reason, may expire.

Inline (Terraform, CloudFormation YAML), on the resource's first line or in
the comment lines directly above it::

    # soc2lint: ignore[ENC001,s3-versioning] reason="test fixture, no customer data" expires=2027-03-31

CloudFormation (JSON or YAML) resource ``Metadata``::

    Metadata:
      soc2lint:
        ignore:
          - id: ENC003
            reason: "bucket holds public assets only"
            expires: 2027-03-31

A suppression on a Terraform ``module`` block applies to every resource inside
that module call.  A suppression without a reason does not suppress and is
reported (SYS003); an expired one stops suppressing and is reported (SYS004);
one that matched nothing is reported at low severity (SYS005).
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import ConfigError
from .findings import system_finding
from .frontend import read_for_display
from .lazyre import compile_lazily
from .model import Finding, Node, Range, Suppression
from .record import record
from .system_rules import (
    SUPPRESSION_EXPIRED,
    SUPPRESSION_INVALID,
    SUPPRESSION_UNUSED,
    UNIGNORABLE,
)

if TYPE_CHECKING:
    from .config import Config
    from .graph import ResourceGraph
    from .registry import Registry

DIRECTIVE_RE = compile_lazily(r"soc2lint\s*:\s*(?P<verb>[a-z-]+)\s*(?P<rest>.*)$", re.IGNORECASE)
IGNORE_RE = compile_lazily(r"^\[(?P<rules>[^\]]*)\]\s*(?P<params>.*)$")
PARAM_RE = compile_lazily(
    r"""(?P<key>[A-Za-z_]+)\s*=\s*(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)"""
)
COMMENT_START_RE = compile_lazily(r"^\s*(#|//|/\*)")


def today() -> _dt.date:
    """Today, or ``SOC2LINT_TODAY`` (YYYY-MM-DD) so tests and reproducible runs can pin it."""
    pinned = os.environ.get("SOC2LINT_TODAY")
    if pinned:
        try:
            return _dt.date.fromisoformat(pinned)
        except ValueError:
            pass
    return _dt.date.today()


@record
class SuppressionEntry:
    """One written suppression (inline comment, Metadata entry or config table)."""

    kind: str  # inline | metadata | config
    tokens: tuple[str, ...]
    reason: str
    expires: str | None
    range: Range
    #: problem making it invalid (missing reason, malformed...), None when valid
    error: str | None = None
    #: rule IDs the tokens resolve to (filled by the engine)
    rule_ids: set[str] = field(default_factory=set)
    #: rule IDs that matched at least one finding
    used: set[str] = field(default_factory=set)
    #: (scope, address) of the node it is attached to
    target: tuple[str, str] | None = None
    #: a configuration entry's address and path globs
    address_glob: str | None = None
    path_glob: str | None = None

    def suppression(self) -> Suppression:
        """What a finding it suppresses records (and its identity, :attr:`Suppression.id`)."""
        return Suppression(
            kind=self.kind,  # type: ignore[arg-type]
            reason=self.reason,
            expires=self.expires,
            range=self.range,
            rules=self.tokens,
            address=self.address_glob,
            path=self.path_glob,
        )

    @property
    def id(self) -> str:
        return self.suppression().id

    def expired(self, on: _dt.date) -> bool:
        if not self.expires:
            return False
        try:
            return _dt.date.fromisoformat(self.expires) < on
        except ValueError:
            return False


def _unquote(v: str) -> str:
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        inner = v[1:-1]
        return re.sub(r"\\(.)", r"\1", inner) if v[0] == '"' else inner
    return v


def parse_directive(text: str, range_: Range, kind: str = "inline") -> SuppressionEntry | None:
    """Parse the text of one comment; None when it is not a soc2lint directive."""
    body = text.strip()
    for marker in ("#", "//", "/*"):
        if body.startswith(marker):
            body = body[len(marker) :]
            break
    body = body.strip().removesuffix("*/").strip()
    m = DIRECTIVE_RE.match(body)
    if not m:
        return None
    verb = m.group("verb").lower()
    if verb != "ignore":
        return SuppressionEntry(
            kind,
            (),
            "",
            None,
            range_,
            error=f"unknown soc2lint directive '{verb}' (use ignore[...])",
        )
    im = IGNORE_RE.match(m.group("rest").strip())
    if not im:
        return SuppressionEntry(
            kind, (), "", None, range_, error='expected ignore[RULE,...] reason="..."'
        )
    tokens = tuple(t.strip() for t in im.group("rules").split(",") if t.strip())
    params: dict[str, str] = {}
    rest = im.group("params")
    for pm in PARAM_RE.finditer(rest):
        params[pm.group("key").lower()] = _unquote(pm.group("value"))
    leftover = PARAM_RE.sub("", rest).strip()
    error = None
    if not tokens:
        error = "names no rule: write ignore[RULE,...]"
    elif leftover:
        error = f'cannot read {leftover!r}: write reason="..." expires=YYYY-MM-DD'
    elif not params.get("reason", "").strip():
        error = 'has no reason: add reason="why this is acceptable"'
    unknown_keys = set(params) - {"reason", "expires"}
    if error is None and unknown_keys:
        error = f"unknown key(s) {', '.join(sorted(unknown_keys))} (use reason= and expires=)"
    expires = params.get("expires")
    if error is None and expires is not None:
        try:
            _dt.date.fromisoformat(expires)
        except ValueError:
            error = f"expires={expires!r} is not a date (YYYY-MM-DD)"
    return SuppressionEntry(
        kind, tokens, params.get("reason", "").strip(), expires, range_, error=error
    )


@record
class FileComments:
    """The soc2lint directives of one file, by line, and which lines are comment-only."""

    directives: dict[int, list[SuppressionEntry]]
    comment_only: set[int]


_YAML_BLOCK_START = compile_lazily(
    r"""^(?P<indent>[ ]*)(?:-[ ]+)*(?:(?:"[^"]*"|'[^']*'|[^#'"\s][^#]*?)[ ]*:[ ]+)?"""
    r"""(?:![^\s]*[ ]+)?[|>][-+0-9]*[ ]*(?:\#.*)?$"""
)
_HEREDOC_START = compile_lazily(r"<<-?[ ]*(?P<marker>[A-Za-z_][A-Za-z0-9_-]*)[ ]*$")


def literal_lines(display_path: str, lines: list[str]) -> set[int]:
    """Line numbers (1-based) inside a YAML block scalar (``UserData: |``) or an HCL
    heredoc (``<<EOF``): text there is data (a script, a policy), so a ``#`` line in
    it is not a comment and cannot hold a suppression."""
    low = display_path.lower()
    out: set[int] = set()
    if low.endswith((".yaml", ".yml", ".template", ".cfn", ".tpl")):
        i = 0
        while i < len(lines):
            m = _YAML_BLOCK_START.match(lines[i])
            i += 1
            if m is None or lines[i - 1].lstrip().startswith("#"):
                continue
            parent = len(m.group("indent"))
            while i < len(lines):
                line = lines[i]
                if line.strip() and len(line) - len(line.lstrip(" ")) <= parent:
                    break
                out.add(i + 1)
                i += 1
    elif low.endswith((".tf", ".tfvars", ".hcl")):
        i = 0
        while i < len(lines):
            m = _HEREDOC_START.search(lines[i])
            i += 1
            if m is None or COMMENT_START_RE.match(lines[i - 1]):
                continue
            marker = m.group("marker")
            while i < len(lines) and lines[i].strip() != marker:
                out.add(i + 1)
                i += 1
    return out


def scan_file_comments(display_path: str, text: str) -> FileComments:
    directives: dict[int, list[SuppressionEntry]] = {}
    comment_only: set[int] = set()
    if "soc2lint" not in text:
        return FileComments(directives, comment_only)
    all_lines = text.splitlines()
    data = literal_lines(display_path, all_lines)
    for i, line in enumerate(all_lines, start=1):
        if i in data:
            continue
        if COMMENT_START_RE.match(line):
            comment_only.add(i)
        if "soc2lint" not in line:
            continue
        # the comment part of the line: from the first comment marker
        idx = _comment_index(line)
        if idx is None:
            continue
        comment = line[idx:]
        entry = parse_directive(comment, Range(display_path, i, idx + 1, i, len(line) + 1))
        if entry is not None:
            directives.setdefault(i, []).append(entry)
    return FileComments(directives, comment_only)


def _comment_index(line: str) -> int | None:
    """Index of the first comment marker outside a double-quoted string."""
    in_str = False
    i = 0
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "#" or line.startswith("//", i) or line.startswith("/*", i):
            return i
        i += 1
    return None


def attached_inline(node: Node, comments: FileComments) -> list[SuppressionEntry]:
    """Directives on the node's first line or in the comment lines directly above it."""
    out: list[SuppressionEntry] = []
    header = node.range.start_line
    out.extend(comments.directives.get(header, ()))
    line = header - 1
    while line >= 1 and line in comments.comment_only:
        out.extend(comments.directives.get(line, ()))
        line -= 1
    return out


def metadata_entries(node: Node) -> list[SuppressionEntry]:
    """Suppressions in a CloudFormation resource's ``Metadata.soc2lint.ignore``."""
    md = node.meta.get("metadata")
    if not isinstance(md, Mapping):
        return []
    block = md.get("soc2lint")
    if block is None:
        return []
    where = node.locations.get(("@Metadata",), node.range)
    if not isinstance(block, Mapping) or not isinstance(block.get("ignore"), list):
        return [
            SuppressionEntry(
                "metadata", (), "", None, where, error="Metadata.soc2lint must be {ignore: [...]}"
            )
        ]
    out: list[SuppressionEntry] = []
    for item in block["ignore"]:
        out.append(_metadata_item(item, where))
    return out


def _metadata_item(item: Any, where: Range) -> SuppressionEntry:
    if isinstance(item, str):
        return SuppressionEntry(
            "metadata", (item,), "", None, where, error="has no reason: use {id, reason, expires}"
        )
    if not isinstance(item, Mapping):
        return SuppressionEntry("metadata", (), "", None, where, error="entry must be a mapping")
    raw = item.get("id", item.get("rules", item.get("rule")))
    tokens: tuple[str, ...]
    if isinstance(raw, str):
        tokens = tuple(t.strip() for t in raw.split(",") if t.strip())
    elif isinstance(raw, list):
        tokens = tuple(str(t) for t in raw)
    else:
        tokens = ()
    reason = item.get("reason")
    reason_s = reason.strip() if isinstance(reason, str) else ""
    expires = item.get("expires")
    if isinstance(expires, _dt.date):
        expires = expires.isoformat()
    error = None
    if not tokens:
        error = "names no rule: give id: RULE"
    elif not reason_s:
        error = "has no reason: add reason"
    elif expires is not None:
        try:
            _dt.date.fromisoformat(str(expires))
        except ValueError:
            error = f"expires {expires!r} is not a date (YYYY-MM-DD)"
    return SuppressionEntry(
        "metadata",
        tokens,
        reason_s,
        str(expires) if expires is not None else None,
        where,
        error=error,
    )


def unique(entries: Iterable[SuppressionEntry]) -> list[SuppressionEntry]:
    seen: set[int] = set()
    out = []
    for e in entries:
        if id(e) not in seen:
            seen.add(id(e))
            out.append(e)
    return out


# --------------------------------------------------------------------------
# Applying suppressions to a scan's findings
# --------------------------------------------------------------------------


def apply_per_path_ignores(
    findings: list[Finding], config: Config, registry: Registry
) -> list[Finding]:
    if not config.per_path_ignores:
        return findings
    table: list[tuple[str, set[str]]] = []
    for glob, tokens in config.per_path_ignores.items():
        ids: set[str] = set()
        for t in tokens:
            try:
                ids |= registry.resolve(t)
            except KeyError:
                raise ConfigError(f"per_path_ignores '{glob}': unknown rule '{t}'") from None
        table.append((glob, ids - UNIGNORABLE))
    out = []
    for f in findings:
        if any(
            f.rule_id in ids
            and (
                fnmatch.fnmatchcase(f.range.file, g)
                or fnmatch.fnmatchcase(f.range.file, g.rstrip("/") + "/*")
            )
            for g, ids in table
        ):
            continue
        out.append(f)
    return out


def apply_suppressions(
    findings: list[Finding],
    graph: ResourceGraph,
    files: Sequence[str],
    base: Path,
    root: Path,
    config: Config,
    registry: Registry,
    ran: set[str],
    *,
    on: _dt.date | None = None,
) -> tuple[list[Finding], list[SuppressionEntry]]:
    """Match suppressions to findings; expiries are evaluated at ``on`` (default
    :func:`today`: ``soc2lint history`` passes each commit's date)."""
    if on is None:
        on = today()
    # ---- collect written suppressions per node ----------------------------
    per_node: dict[tuple[str, str], list[SuppressionEntry]] = defaultdict(list)
    entries: list[SuppressionEntry] = []
    if config.inline_suppressions:
        comments: dict[str, FileComments] = {}
        for display in files:
            text = read_for_display(base / display, root, config.limits)
            if text is None:
                continue
            comments[display] = scan_file_comments(display, text)
        for node in graph:
            fc = comments.get(node.range.file)
            attached = metadata_entries(node)
            if fc is not None and fc.directives:
                attached = attached_inline(node, fc) + attached
            for e in attached:
                if e.target is None:
                    e.target = (node.scope, node.address)
                per_node[(node.scope, node.address)].append(e)
        # directives attached to no node are reported as invalid
        claimed = {id(e) for es in per_node.values() for e in es}
        for fc in comments.values():
            for es in fc.directives.values():
                for e in es:
                    if id(e) not in claimed and e.error is None:
                        e.error = "is not on a resource's first line or the line above it"
                    if id(e) not in claimed:
                        entries.append(e)
        for es in per_node.values():
            entries.extend(es)
        entries = unique(entries)
    # the reviewer's view (inline_suppressions off) shows every finding, whatever wrote
    # the suppression: configuration entries are not applied either
    config_entries: list[tuple[SuppressionEntry, str, str]] = []
    src, config_dir = _config_display(config, base)
    for cs in config.suppress if config.inline_suppressions else ():
        e = SuppressionEntry(
            "config",
            cs.rules,
            cs.reason,
            cs.expires,
            Range(src, cs.line or 1, 1),
            error=None,
            address_glob=cs.address,
            path_glob=cs.path,
        )
        config_entries.append((e, cs.address, cs.path))
        entries.append(e)

    # ---- resolve rule tokens ----------------------------------------------
    for e in entries:
        for t in e.tokens:
            try:
                e.rule_ids |= registry.resolve(t)
            except KeyError:
                if e.error is None:
                    e.error = f"names unknown rule '{t}'"
        locked = e.rule_ids & UNIGNORABLE
        if locked and e.error is None:
            e.error = f"cannot suppress {', '.join(sorted(locked))}"

    # ---- match findings (none to match against: no finding changes) ---------
    for f in findings if per_node or config_entries else ():
        if f.incomplete or f.rule_id.startswith("SYS"):
            continue
        cands: list[SuppressionEntry] = []
        cands.extend(per_node.get((f.scope, f.address), ()))
        owner = graph.find(f.scope, f.address) if per_node else None
        if owner is not None:
            for call in owner.meta.get("module_calls", ()) or ():
                cands.extend(per_node.get((f.scope, call), ()))
        for e, addr_glob, path_glob in config_entries:
            if fnmatch.fnmatchcase(f.address, addr_glob) and _path_matches(
                f.range.file, path_glob, base, config_dir
            ):
                cands.append(e)
        for e in cands:
            if e.error is not None or f.rule_id not in e.rule_ids:
                continue
            e.used.add(f.rule_id)
            if e.expired(on):
                continue
            f.suppression = e.suppression()
            break

    # ---- report problems with the suppressions themselves -----------------
    extra: list[Finding] = []
    for e in entries:
        address = e.target[1] if e.target else e.range.file
        scope = e.target[0] if e.target else ""
        where = f"suppression at {e.range.file}:{e.range.start_line}"
        if e.error is not None:
            extra.append(
                system_finding(
                    SUPPRESSION_INVALID,
                    f"{where} {e.error}; it suppresses nothing",
                    address,
                    e.range,
                    scope,
                )
            )
            continue
        if e.expired(on):
            extra.append(
                system_finding(
                    SUPPRESSION_EXPIRED,
                    f"{where} for {', '.join(e.tokens)} expired on {e.expires}; the "
                    f"finding is reported again (reason was: {e.reason})",
                    address,
                    e.range,
                    scope,
                )
            )
            continue
        unused = sorted((e.rule_ids & ran) - e.used)
        if unused and not e.used:
            on_what = (
                f"address {e.address_glob!r}, path {e.path_glob!r}"
                if e.kind == "config"
                else address
            )
            extra.append(
                system_finding(
                    SUPPRESSION_UNUSED,
                    f"{where} for {', '.join(e.tokens)} matches no finding on {on_what}; remove it",
                    address,
                    e.range,
                    scope,
                )
            )
    return findings + extra, entries


def _config_display(config: Config, base: Path) -> tuple[str, Path | None]:
    """The configuration file as findings name files (relative to the scan's base), and
    the directory its path globs are relative to."""
    if config.source is None:
        return "configuration", None
    source = Path(config.source)
    try:
        shown = os.path.relpath(source.resolve(), base.resolve())
    except ValueError:
        shown = str(source)
    if shown.startswith(".."):
        shown = str(source.resolve())
    return shown.replace(os.sep, "/"), source.resolve().parent


def _path_matches(display: str, glob: str, base: Path, config_dir: Path | None) -> bool:
    """A configuration entry's ``path`` glob matches a file named relative to the scan's
    base, or relative to the configuration file's directory (where it is written)."""
    if fnmatch.fnmatchcase(display, glob):
        return True
    if config_dir is None:
        return False
    try:
        rel = os.path.relpath((base / display).resolve(), config_dir)
    except ValueError:
        return False
    return not rel.startswith("..") and fnmatch.fnmatchcase(rel.replace(os.sep, "/"), glob)
