"""Configuration: ``[tool.soc2lint]`` in ``pyproject.toml`` or a ``.soc2lint.toml``.

The file is searched upward from the first scanned path (``--config FILE``
names one explicitly).  Every key is checked: an unknown key, a bad value or
an unknown rule ID is a :class:`ConfigError` naming it (exit 2), never
silently ignored.  Command-line flags override the file.

What is scanned does not configure the scanner.  A file *found* in the scanned
tree is written by whoever wrote the code under review (a pull request can
add one), so the keys that load code or read outside the repository
(:data:`TRUSTED_ONLY_KEYS`: ``rules-dirs`` imports Python, ``follow-symlinks``
and the file paths ``var-files``, ``cfn-parameters`` and ``baseline`` read
files, ``limits`` decides how much memory and time a scan may take,
``read-tf-var-env`` copies the environment, where CI keeps its secrets, into
the evaluation) are honoured only from the command line or from a file named
with ``--config`` (the workflow's choice, trusted like the command line).  A
discovered file that sets one of them is an error (exit 2) naming the key and
what to do instead: silently ignoring it would scan something other than what
the file's author meant, and "what soc2lint claims equals what it checked".
"""

from __future__ import annotations

import datetime as _dt
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Any

from .frontend import Limits
from .model import Severity
from .record import record
from .rule import DEFAULT_OPTIONS


def _toml() -> Any:
    """The TOML parser, imported when a configuration file is read: most scans have none,
    and importing it costs ~2 ms."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib


CONFIG_FILES = (".soc2lint.toml", "pyproject.toml")

#: keys a configuration file found in the scanned tree may not set (see the module doc)
TRUSTED_ONLY_KEYS = frozenset(
    {
        "rules_dirs",
        "follow_symlinks",
        "limits",
        "var_files",
        "cfn_parameters",
        "baseline",
        "read_tf_var_env",
        "allow_unloaded_modules",
    }
)

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "never")


class ConfigError(Exception):
    """The configuration is invalid; the message names the file and key."""


@record(frozen=True)
class ConfigSuppression:
    """A suppression written in configuration: rule(s) on an address (glob) and/or path (glob)."""

    rules: tuple[str, ...]
    reason: str
    address: str = "*"
    path: str = "*"
    expires: str | None = None
    #: the line of the entry in its configuration file (0: not known)
    line: int = 0


@record(frozen=True)
class Config:
    """The settings of a scan: a configuration file's, with the command line's over them."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "low"
    exclude: tuple[str, ...] = ()
    account_scope: bool = False
    strict: bool = False
    var_files: tuple[str, ...] = ()
    vars: Mapping[str, str] = field(default_factory=dict)
    #: var files and variables in the order they apply (see LoadOptions.var_args);
    #: empty: var_files, then vars
    var_args: tuple[tuple[str, str, str], ...] = ()
    cfn_parameters: str | None = None
    options: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_OPTIONS))
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    suppress: tuple[ConfigSuppression, ...] = ()
    inline_suppressions: bool = True
    baseline: str | None = None
    rules_dirs: tuple[str, ...] = ()
    follow_symlinks: bool = False
    limits: Limits = field(default_factory=Limits)
    #: None: TF_WORKSPACE, else each root's .terraform/environment, else "default"
    workspace: str | None = None
    #: read ``TF_VAR_*`` from the environment (off: in CI it carries secrets into reports)
    read_tf_var_env: bool = False
    #: modules, nested stacks and macros that could not be loaded are listed (SYS006) but
    #: do not make the scan incomplete (exit 3): for scans without `terraform init` on purpose
    allow_unloaded_modules: bool = False
    #: the file this came from (None: defaults only)
    source: Path | None = None
    #: True when ``source`` was found by searching the scanned tree, not named by --config
    discovered: bool = False

    def with_overrides(self, **kw: Any) -> Config:
        clean = {k: v for k, v in kw.items() if v is not None}
        return replace(self, **clean)


_KEYS = {
    "select",
    "ignore",
    "fail_on",
    "exclude",
    "account_scope",
    "strict",
    "var_files",
    "vars",
    "cfn_parameters",
    "options",
    "per_path_ignores",
    "suppress",
    "inline_suppressions",
    "baseline",
    "rules_dirs",
    "follow_symlinks",
    "limits",
    "workspace",
    "read_tf_var_env",
    "allow_unloaded_modules",
} | set(DEFAULT_OPTIONS)


def _norm(key: str) -> str:
    return key.replace("-", "_")


def did_you_mean(name: str, known: Iterable[str], *, dashed: bool = False) -> str:
    """`` (did you mean 'fail-on'?)`` for the closest known name, or ``""`` (``dashed``:
    the name as the documentation spells top-level keys, with ``-``)."""
    import difflib

    names = {k.replace("_", "-"): k for k in known}
    probe = name.replace("_", "-").lower()
    close = difflib.get_close_matches(probe, sorted(names), n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean '{close[0] if dashed else names[close[0]]}'?)"


def find_config(start: Path) -> Path | None:
    """The nearest ``.soc2lint.toml``, or ``pyproject.toml`` with a ``[tool.soc2lint]`` table."""
    probe = start.resolve()
    if probe.is_file():
        probe = probe.parent
    while True:
        for name in CONFIG_FILES:
            cand = probe / name
            if cand.is_file():
                if name == "pyproject.toml":
                    tomllib = _toml()
                    try:
                        data = tomllib.loads(read_config_text(cand))
                    except (ConfigError, tomllib.TOMLDecodeError):
                        return cand  # let load_config report it
                    if "soc2lint" not in data.get("tool", {}):
                        continue
                return cand
        if (probe / ".git").exists() or probe.parent == probe:
            return None
        probe = probe.parent


#: a configuration file is a few kilobytes; this bounds what a hostile one costs to read
MAX_CONFIG_BYTES = 1024 * 1024


def read_config_text(path: Path) -> str:
    """A configuration file's text: a regular file (never a FIFO or device), size-capped."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError(f"{path}: not a regular file")
        if st.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: over {MAX_CONFIG_BYTES} bytes, not a configuration file")
        with path.open("rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None


def load_config(path: Path | None, *, discovered: bool = False) -> Config:
    """Read and validate a configuration file (``None``: the defaults).

    ``discovered``: the file was found in the scanned tree (not named with
    ``--config``), so it may not set :data:`TRUSTED_ONLY_KEYS`.
    """
    if path is None:
        return Config()
    return parse_config_text(read_config_text(path), path, discovered=discovered)


def parse_config_text(text: str, path: Path, *, discovered: bool = False) -> Config:
    """:func:`load_config` on text already read (``path`` names it in messages and says
    which table to read: ``[tool.soc2lint]`` of a ``pyproject.toml``)."""
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("soc2lint", {})
        prefix = "tool.soc2lint."
    else:
        table = data.get("tool", {}).get("soc2lint", data)
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{prefix.rstrip('.') or 'soc2lint'}] must be a table")
    cfg = parse_config(table, path, prefix, discovered=discovered)
    if cfg.suppress:
        lines = suppression_lines(text, prefix)
        cfg = replace(
            cfg,
            suppress=tuple(
                replace(s, line=lines[i] if i < len(lines) else (lines[-1] if lines else 1))
                for i, s in enumerate(cfg.suppress)
            ),
        )
    return cfg


_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*(?P<name>[A-Za-z0-9_.\s\"'-]+?)\s*\]\]")
_SUPPRESS_KEY = re.compile(r"^\s*(?P<name>[A-Za-z0-9_.\s\"'-]*suppress)\s*=")


def suppression_lines(text: str, prefix: str) -> list[int]:
    """The line of each ``suppress`` entry, in order: each ``[[tool.soc2lint.suppress]]``
    header; for an inline array (``suppress = [{...}, {...}]``), the line of each inline
    table's opening brace."""
    want = {f"{prefix}suppress", "suppress", "tool.soc2lint.suppress"}
    lines = text.splitlines()
    out: list[int] = []
    for i, line in enumerate(lines, start=1):
        m = _ARRAY_TABLE.match(line)
        if m and re.sub(r"[\s\"']", "", m["name"]) in want:
            out.append(i)
    if out:
        return out
    for i, line in enumerate(lines, start=1):
        m = _SUPPRESS_KEY.match(line)
        if m is None:
            continue
        depth = 0
        for j in range(i - 1, len(lines)):
            text_j = lines[j] if j != i - 1 else lines[j][m.end() :]
            for ch in text_j:
                if ch == "{":
                    if depth == 0:
                        out.append(j + 1)
                    depth += 1
                elif ch == "}":
                    depth -= 1
                elif ch == "]" and depth == 0:
                    return out or [i]
        return out or [i]
    return out


def parse_config(
    table: Mapping[str, Any],
    path: Path | None = None,
    prefix: str = "",
    *,
    discovered: bool = False,
) -> Config:
    where = f"{path}: " if path else ""
    cfg: dict[str, Any] = {}
    options = dict(DEFAULT_OPTIONS)
    for raw_key, value in table.items():
        key = _norm(raw_key)
        name = f"{prefix}{raw_key}"
        if key not in _KEYS:
            raise ConfigError(
                f"{where}unknown configuration key '{name}'{did_you_mean(raw_key, _KEYS, dashed=True)}"
            )
        if discovered and key in TRUSTED_ONLY_KEYS:
            raise ConfigError(
                f"{where}'{name}' is not taken from a configuration file found in the scanned "
                "tree (what is scanned does not configure the scanner: this key loads code, "
                "reads files or sets resource limits); give it on the command line, or name a "
                "configuration file you trust with --config"
            )
        if key in ("select", "ignore", "exclude", "var_files", "rules_dirs"):
            cfg[key] = _str_list(value, where, name)
        elif key == "fail_on":
            if not isinstance(value, str) or value.lower() not in FAIL_ON_CHOICES:
                raise ConfigError(
                    f"{where}'{name}' must be one of {', '.join(FAIL_ON_CHOICES)}, got {value!r}"
                )
            cfg[key] = value.lower()
        elif key in (
            "account_scope",
            "strict",
            "inline_suppressions",
            "follow_symlinks",
            "read_tf_var_env",
            "allow_unloaded_modules",
        ):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}'{name}' must be true or false, got {value!r}")
            cfg[key] = value
        elif key in ("cfn_parameters", "baseline", "workspace"):
            if not isinstance(value, str):
                raise ConfigError(f"{where}'{name}' must be a string, got {value!r}")
            cfg[key] = value
        elif key == "vars":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}'{name}' must be a table of NAME = value")
            cfg[key] = {str(k): _var_text(v) for k, v in value.items()}
        elif key == "options":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}'{name}' must be a table")
            for ok, ov in value.items():
                options[_check_option(_norm(ok), ov, where, f"{name}.{ok}")] = ov
        elif key in DEFAULT_OPTIONS:
            options[_check_option(key, value, where, name)] = value
        elif key == "per_path_ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}'{name}' must be a table of \"glob\" = [rules]")
            cfg[key] = {str(k): _str_list(v, where, f"{name}.{k}") for k, v in value.items()}
        elif key == "suppress":
            cfg[key] = tuple(_suppression(v, where, f"{name}[{i}]") for i, v in enumerate(value))
        elif key == "limits":
            cfg[key] = _limits(value, where, name)
    return Config(**cfg, options=options, source=path, discovered=discovered)


def _var_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _str_list(value: Any, where: str, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}'{name}' must be a list of strings, got {value!r}")
    return tuple(value)


def _check_option(key: str, value: Any, where: str, name: str) -> str:
    if key not in DEFAULT_OPTIONS:
        raise ConfigError(
            f"{where}unknown rule option '{name}'{did_you_mean(key, DEFAULT_OPTIONS)} "
            f"(known: {', '.join(sorted(DEFAULT_OPTIONS))})"
        )
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}'{name}' must be a non-negative integer, got {value!r}")
    return key


def _suppression(value: Any, where: str, name: str) -> ConfigSuppression:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}'{name}' must be a table with rules, reason, address/path")
    allowed = {"rules", "rule", "reason", "address", "path", "expires"}
    for k in value:
        if k not in allowed:
            raise ConfigError(f"{where}unknown key '{name}.{k}'{did_you_mean(k, allowed)}")
    rules = value.get("rules", value.get("rule"))
    if rules is None:
        raise ConfigError(f"{where}'{name}' needs 'rules'")
    reason = value.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{where}'{name}' needs a non-empty 'reason'")
    expires = value.get("expires")
    if isinstance(expires, _dt.date):
        expires = expires.isoformat()
    if expires is not None:
        try:
            _dt.date.fromisoformat(str(expires))
        except ValueError:
            raise ConfigError(f"{where}'{name}.expires' must be a date YYYY-MM-DD") from None
    return ConfigSuppression(
        rules=_str_list(rules, where, f"{name}.rules"),
        reason=reason.strip(),
        address=str(value.get("address", "*")),
        path=str(value.get("path", "*")),
        expires=str(expires) if expires is not None else None,
    )


def _limits(value: Any, where: str, name: str) -> Limits:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}'{name}' must be a table")
    known = {f.name: f for f in fields(Limits)}
    kw: dict[str, Any] = {}
    for k, v in value.items():
        nk = _norm(k)
        if nk not in known:
            raise ConfigError(
                f"{where}unknown key '{name}.{k}'{did_you_mean(k, known)} "
                f"(known: {', '.join(sorted(known))})"
            )
        if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
            raise ConfigError(f"{where}'{name}.{k}' must be a positive number, got {v!r}")
        kw[nk] = float(v) if nk in ("file_time_budget", "max_regex_seconds") else int(v)
    return Limits(**kw)


def fail_threshold(fail_on: str) -> Severity | None:
    """The lowest severity that fails the run; None for ``never``."""
    return None if fail_on == "never" else Severity.parse(fail_on)
