"""The ``soc2lint`` command line: argument handling and exit codes only.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 usage or configuration error; 3 the scan was incomplete (a file did not
parse, a rule raised, a module could not be evaluated).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import __version__
from .config import FAIL_ON_CHOICES, Config, ConfigError, fail_threshold, find_config, load_config
from .errors import UsageError
from .model import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3

FORMATS = ("text", "concise", "json", "sarif", "github", "markdown", "rdjson")

F = TypeVar("F", bound=Callable[..., Any])

#: the options' path types, made once: each ``click.Path`` looks its name up in gettext's
#: catalogues (35 of them made for the commands' options cost ~1.7 ms a run)
_PATH = click.Path()
_PATH_OBJECT = click.Path(path_type=Path)


class UsageFailure(click.ClickException):
    exit_code = EXIT_USAGE


def _safe_stderr(message: str) -> str:
    """A message for stderr that may hold names from the scanned tree: each line printable
    (controls shown as escapes), none a GitHub workflow command."""
    from .report.neutral import neutralize, one_line

    return neutralize("\n".join(one_line(line) for line in message.split("\n")))


def _fail_usage(message: str) -> NoReturn:
    raise UsageFailure(_safe_stderr(message))


class _SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return _safe_stderr(super().format(record))


def _setup_logging(debug: bool) -> None:
    # cfn-lint logs decode errors itself; we report them as findings instead.
    logging.getLogger("cfnlint").addHandler(logging.NullHandler())
    logging.getLogger("cfnlint").propagate = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="soc2lint: %(levelname)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        # the stderr handler basicConfig made (not a test harness's capturing handler)
        if type(handler) is logging.StreamHandler and not isinstance(
            handler.formatter, _SafeFormatter
        ):
            handler.setFormatter(_SafeFormatter("soc2lint: %(levelname)s: %(message)s"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="soc2lint")
def main() -> None:
    """Static SOC 2 checks for Terraform and CloudFormation on AWS."""


#: set by :func:`run`, the console script: a scan ends its process without tearing down
#: what it built (see :func:`_end_scan`); never set when ``main`` runs inside another program
_PROCESS = {"exit_without_teardown": False}


def run() -> None:
    """The ``soc2lint`` console script: :func:`main`, in a process of its own."""
    _PROCESS["exit_without_teardown"] = True
    main()


def _end_scan(code: int) -> NoReturn:
    """``sys.exit(code)`` after a scan.  In the console script's own process, the process
    ends at once instead: freeing a large scan's objects one by one (the graph of 60k
    CloudFormation resources, about 1 GB) took a quarter of a second and changes nothing.
    The reports and timings are written by then and the worker pool is shut down; what
    is buffered on stdout and stderr is flushed first."""
    if _PROCESS["exit_without_teardown"]:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: the normal exit would say so
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


def _load_registry(rules_dirs: Sequence[str]) -> Any:
    from .registry import RegistryError, load_registry

    try:
        return load_registry([Path(d) for d in rules_dirs])
    except RegistryError as exc:
        _fail_usage(f"rule registry: {exc}")


def _resolve_config(config_path: str | None, paths: Sequence[Path], base: Any = None) -> Config:
    """The configuration file's settings: ``--config FILE``, or the file found upward
    from the first path.  With ``base`` (a pull request's base commit, a
    :class:`soc2lint.diff.BaseTree`), the base commit's version of it: the change under
    review does not configure its own review (an edit to it is noted)."""
    try:
        if config_path:
            p = Path(config_path)
            if base is not None:
                mapped = base.trusted_path(p, "the configuration file")
                if mapped != p and not mapped.is_file():
                    return Config()  # added by this change: noted, not applied
                p = mapped
            if not p.is_file():
                what = "not a regular file" if p.exists() else "no such file"
                _fail_usage(f"--config {config_path}: {what}")
            return load_config(p)
        start = paths[0] if paths else Path.cwd()
        found = find_config(start)
        if base is None:
            return load_config(found, discovered=True)
        mapped_start = base.map(start)
        at_base = find_config(mapped_start) if mapped_start is not None else None
        if found is not None and (
            at_base is None or base.relative(found) != at_base.relative_to(base.tree)
        ):
            base.notes.append(
                f"this change adds or moves the configuration file `{base.relative(found)}`; "
                "the verdict uses the base commit's configuration"
            )
        elif found is not None and at_base is not None:
            base.trusted_path(found, "the configuration file")
        return load_config(at_base, discovered=True)
    except ConfigError as exc:
        _fail_usage(f"configuration: {exc}")


def _split(values: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return tuple(out)


def _pairs_from_args(args: Sequence[str]) -> list[tuple[str, Path | None]] | None:
    """``--format A --output X --format B``: pair each output with the format before it.

    click collects repeated options separately and loses their interleaving,
    so the raw arguments are read here (see :class:`ScanCommand`).  Returns
    None when an ``--output`` has no ``--format`` before it.
    """
    pairs: list[list[Any]] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            break
        value: str | None = None
        opt = a
        if a.startswith("--format=") or a.startswith("--output="):
            opt, value = a.split("=", 1)
        elif len(a) > 2 and a[:2] in ("-f", "-o") and not a.startswith("--"):
            opt, value = a[:2], a[2:]
        if opt in ("--format", "-f", "--output", "-o"):
            if value is None:
                if i + 1 >= len(args):
                    return None
                value = args[i + 1]
                i += 1
            if opt in ("--format", "-f"):
                pairs.append([value.lower(), None])
            else:
                if not pairs or pairs[-1][1] is not None:
                    return None
                pairs[-1][1] = Path(value)
        i += 1
    return [(str(f), p) for f, p in pairs]


def _option_arity(command: click.Command) -> dict[str, bool]:
    """Every option name of ``command`` -> whether it takes a value."""
    out: dict[str, bool] = {}
    for p in command.params:
        if isinstance(p, click.Option):
            for name in (*p.opts, *p.secondary_opts):
                out[name] = not p.is_flag and not p.count
    return out


def _hook_args(command: click.Command, args: list[str]) -> list[str]:
    """pre-commit runs ``entry + args + file names``; the hook's entry ends in ``--`` so
    that a committed file named ``--rules-dir=hooks.tf`` is a file name, never an option.

    The user's own hook ``args`` (``--fail-on high``) then also come after ``--``:
    they are moved back in front of it.  Only leading tokens are moved, only known
    options (and their values), and only while the token is not an existing path:
    every file name pre-commit passes exists, so a file can never be taken for an
    option."""
    if "--" not in args:
        return args
    cut = args.index("--")
    if "--changed-files" not in args[:cut]:
        return args
    arity = _option_arity(command)
    tail = args[cut + 1 :]
    moved: list[str] = []
    j = 0
    while j < len(tail):
        token = tail[j]
        if token == "--" or not token.startswith("-") or token == "-" or os.path.lexists(token):
            break
        name = token.split("=", 1)[0]
        if name not in arity and len(token) > 2 and not token.startswith("--"):
            name = token[:2]  # -j4
            if not arity.get(name, False):
                break
            moved.append(token)
            j += 1
            continue
        if name not in arity:
            break
        moved.append(token)
        j += 1
        if "=" not in token and arity[name] and j < len(tail):
            moved.append(tail[j])
            j += 1
    return [*args[:cut], *moved, "--", *tail[j:]]


class VarOrderCommand(click.Command):
    """Remembers the order of --var-file and --var, which click collects separately:
    Terraform applies them in command-line order, later ones winning."""

    def make_parser(self, ctx: click.Context) -> Any:
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_args(args: list[str]) -> Any:
            opts, rest, order = parse(args)
            ctx.meta["soc2lint.var_order"] = [
                p.name for p in order if p.name in ("var_files", "vars_")
            ]
            return opts, rest, order

        parser.parse_args = parse_args  # type: ignore[method-assign]
        return parser


class ScanCommand(VarOrderCommand):
    """Remembers the order of --format/--output before click parses them, and whether
    paths were separated from options with ``--``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = _hook_args(self, list(args))
        ctx.meta["soc2lint.format_pairs"] = _pairs_from_args(list(args))
        ctx.meta["soc2lint.dashdash"] = "--" in args
        return super().parse_args(ctx, args)


def _var_args(
    config: Config, var_files: Sequence[str], vars_: Sequence[str]
) -> tuple[tuple[str, str, str], ...]:
    """The configuration's var files and variables, then the command line's in its order."""
    out: list[tuple[str, str, str]] = [("file", f, "") for f in config.var_files]
    out.extend(("var", k, v) for k, v in config.vars.items())
    files, pairs = iter(var_files), iter(vars_)
    ctx = click.get_current_context(silent=True)
    order = ctx.meta.get("soc2lint.var_order") if ctx is not None else None
    if order is None or len(order) != len(var_files) + len(vars_):
        order = ["var_files"] * len(var_files) + ["vars_"] * len(vars_)
    for name in order:
        if name == "var_files":
            out.append(("file", next(files), ""))
        else:
            k, _, val = next(pairs).partition("=")
            out.append(("var", k.strip(), val))
    return tuple(out)


def _format_pairs(ctx: click.Context) -> list[tuple[str, Path | None]]:
    pairs = ctx.meta.get("soc2lint.format_pairs")
    if pairs is None:
        _fail_usage("give a --format before each --output (e.g. --format sarif --output x.sarif)")
    if not pairs:
        pairs = [("text", None)]
    if sum(1 for _, o in pairs if o is None or str(o) == "-") > 1:
        _fail_usage("only one format can go to stdout: give the others an --output FILE")
    return list(pairs)


def _common_scan_options(f: F) -> F:
    """The options shared by ``scan`` and ``baseline create``."""
    options = [
        click.argument("paths", nargs=-1, type=_PATH_OBJECT),
        click.option("--select", multiple=True, help="Rules to run: IDs, slugs or families (NET)."),
        click.option("--ignore", multiple=True, help="Rules to skip: IDs, slugs or families."),
        click.option("--config", "config_path", type=_PATH, help="Configuration file."),
        click.option(
            "--account-scope",
            is_flag=True,
            default=None,
            help="The configuration is an account baseline: run account-wide checks.",
        ),
        click.option(
            "--strict",
            is_flag=True,
            default=None,
            help="Report values that cannot be resolved as low findings.",
        ),
        click.option(
            "--var-file",
            "var_files",
            multiple=True,
            type=_PATH,
            help="Terraform variable file (as terraform -var-file).",
        ),
        click.option(
            "--var",
            "vars_",
            multiple=True,
            metavar="NAME=VALUE",
            help="Terraform variable (as terraform -var); with --var-file, later ones win.",
        ),
        click.option(
            "--workspace",
            help="terraform.workspace (default: TF_WORKSPACE, else each root's "
            ".terraform/environment, else default).",
        ),
        click.option(
            "--cfn-parameters",
            type=_PATH,
            help="CloudFormation parameter values (AWS CLI or CodePipeline JSON).",
        ),
        click.option(
            "--no-suppressions",
            "--no-inline-suppressions",
            "no_inline_suppressions",
            is_flag=True,
            default=False,
            help="The reviewer's view: apply no suppression (inline, Metadata or "
            "configuration) and show every finding (--no-inline-suppressions is its old name).",
        ),
        click.option(
            "--rules-dir",
            "rules_dirs",
            multiple=True,
            type=_PATH,
            help="Directory of extra rule modules (each defining RULES).",
        ),
        click.option(
            "--allow-unloaded-modules",
            is_flag=True,
            default=None,
            help="List modules, nested stacks and macros that could not be loaded (SYS006) "
            "without exiting 3 (for scans without `terraform init` on purpose).",
        ),
        click.option(
            "--follow-symlinks",
            is_flag=True,
            default=None,
            help="Follow symlinked directories (never out of the repository).",
        ),
        click.option(
            "--env-vars",
            "read_tf_var_env",
            is_flag=True,
            default=None,
            help="Read TF_VAR_* from the environment (off: in CI it holds secrets).",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            default=False,
            help="Read and write no cache (parsed files, evaluated roots and templates, findings).",
        ),
        click.option(
            "--jobs",
            "-j",
            type=int,
            default=None,
            help="Worker processes (CloudFormation templates, history's slices of the period, "
            "Terraform roots that read 1 MB of configuration or more, parsing trees of 2,000 "
            "files or more; default: CPUs; 1: none).",
        ),
        click.option(
            "--debug", is_flag=True, default=False, help="Tracebacks and timing on stderr."
        ),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def _check_paths_are_not_options(paths: Sequence[Path], changed_files: bool) -> None:
    """A path argument that looks like an option and names no file is a mistake (an
    option after ``--``, or one this command does not have): refused, never guessed."""
    for p in paths:
        text = str(p)
        if text.startswith("-") and text != "-" and not os.path.lexists(text):
            _fail_usage(f"{text!r} looks like an option, not a path (unknown option, or after --)")
    if changed_files and paths:
        ctx = click.get_current_context(silent=True)
        if ctx is not None and not ctx.meta.get("soc2lint.dashdash", True):
            _fail_usage(
                "--changed-files: put -- before the file names (a pre-commit hook's entry "
                "ends with --), so that a file named like an option is never read as one"
            )


def _prepare(opts: dict[str, Any], base: Any = None) -> tuple[list[Path], Config, Any]:
    """Paths, configuration (file + flags) and registry from the common options (with
    ``base``, the configuration, baseline and in-repository rule packs of the base
    commit: see :func:`_resolve_config`)."""
    _setup_logging(opts["debug"])
    _check_paths_are_not_options(opts["paths"], bool(opts.get("changed_files")))
    scan_paths = list(opts["paths"]) or [Path(".")]
    if opts.get("changed_files"):
        from .discover import find_root
        from .precommit import expand_changed

        # the repository from the files' directories as written: a committed symlink
        # (stacks/root.yaml -> /) must not make the whole file system the repository
        root = find_root([Path(os.path.abspath(p)).parent for p in scan_paths])
        scan_paths = expand_changed([p for p in scan_paths if p.exists()], root)
    for p in scan_paths:
        if not p.exists():
            _fail_usage(f"path does not exist: {p}")
    config = _with_options(_resolve_config(opts["config_path"], scan_paths, base), opts)
    if base is not None:
        config = _base_files(config, base)
    registry = _load_registry(config.rules_dirs)
    return scan_paths, config, registry


def _with_options(config: Config, opts: dict[str, Any]) -> Config:
    """The command line's options over a configuration file's settings."""
    parsed_vars: dict[str, str] = dict(config.vars)
    for v in opts["vars_"]:
        if "=" not in v:
            _fail_usage(f"--var {v!r}: expected NAME=VALUE")
        k, _, val = v.partition("=")
        parsed_vars[k.strip()] = val
    select, ignore = opts["select"], opts["ignore"]
    return config.with_overrides(
        select=_split(select) or None,
        ignore=tuple(config.ignore) + _split(ignore) if ignore else None,
        fail_on=opts["fail_on"].lower() if opts.get("fail_on") else None,
        account_scope=opts["account_scope"],
        strict=opts["strict"],
        var_files=tuple(config.var_files) + tuple(opts["var_files"]) if opts["var_files"] else None,
        vars=parsed_vars,
        var_args=_var_args(config, opts["var_files"], opts["vars_"]),
        workspace=opts.get("workspace"),
        cfn_parameters=opts["cfn_parameters"],
        inline_suppressions=False if opts["no_inline_suppressions"] else None,
        rules_dirs=(
            tuple(config.rules_dirs) + tuple(opts["rules_dirs"]) if opts["rules_dirs"] else None
        ),
        baseline=opts.get("baseline"),
        follow_symlinks=opts["follow_symlinks"],
        read_tf_var_env=opts["read_tf_var_env"],
        allow_unloaded_modules=opts.get("allow_unloaded_modules"),
    )


def _base_files(config: Config, base: Any) -> Config:
    """In a pull request, the baseline and rule packs kept in the repository are read at
    the base commit: the change cannot edit what judges it."""
    baseline = config.baseline
    if baseline:
        baseline = str(base.trusted_path(Path(baseline), "the baseline"))
    rules_dirs = []
    for d in config.rules_dirs:
        mapped = base.trusted_path(Path(d), "the rule pack")
        if mapped.is_dir():
            rules_dirs.append(str(mapped))
    return config.with_overrides(baseline=baseline, rules_dirs=tuple(rules_dirs))


def _run(
    opts: dict[str, Any],
    scan_paths: list[Path],
    config: Config,
    registry: Any,
    diff_base: Any = None,
) -> Any:
    from .engine import ScanRequest, run_scan

    progress = _Progress()
    request = ScanRequest(
        paths=scan_paths,
        config=config,
        registry=registry,
        base=Path.cwd(),
        debug=opts["debug"],
        cache_dir=None if opts["no_cache"] else _trusted_cache_dir(scan_paths),
        jobs=opts["jobs"] or (os.cpu_count() or 1),
        progress=progress.update,
    )
    with _guarded(progress, opts["debug"]):
        if diff_base:
            from .diff import run_diff_scan

            result = run_diff_scan(request, diff_base)
        else:
            result = run_scan(request)
        # in a pull request a baseline the change adds is not applied (base.notes says so)
        if config.baseline and (diff_base is None or Path(config.baseline).exists()):
            from .diff import apply_baseline, load_baseline

            apply_baseline(result, load_baseline(Path(config.baseline)))
    progress.done()
    if request.cache_dir is not None:
        from .cache_prune import prune_cache

        prune_cache(request.cache_dir)  # at most once a day; never raises
    if opts["debug"]:
        t = result.timings
        click.echo("soc2lint: timings " + " ".join(f"{k}={v:.3f}s" for k, v in t.items()), err=True)
    return result


@main.command(cls=ScanCommand)
@_common_scan_options
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS, case_sensitive=False),
    help="Output format; repeat with --output to write several (default text).",
)
@click.option(
    "--output",
    "-o",
    "outputs",
    multiple=True,
    type=_PATH_OBJECT,
    help="File for the format given just before it ('-' for stdout).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
    help="Lowest severity that fails the run (default low; never = always exit 0).",
)
@click.option(
    "--min-severity",
    type=click.Choice(("critical", "high", "medium", "low"), case_sensitive=False),
    help="Show only findings at or above this severity in text, concise and github output; "
    "the exit code still follows --fail-on on every finding.",
)
@click.option(
    "--statistics",
    is_flag=True,
    default=False,
    help="Text and concise output: a count per rule instead of each finding.",
)
@click.option(
    "--sarif-category",
    metavar="CATEGORY",
    help="SARIF runAutomationDetails.id (code scanning's category); unset by default, so "
    "upload-sarif's category input decides.",
)
@click.option(
    "--sarif-include-suppressed",
    is_flag=True,
    default=False,
    help="Write suppressed results into SARIF (GitHub ignores SARIF suppressions).",
)
@click.option(
    "--diff-base",
    metavar="REF",
    help="Report only findings new since git revision REF (e.g. origin/main).",
)
@click.option("--baseline", type=_PATH, help="Leave out findings recorded in this baseline file.")
@click.option(
    "--changed-files",
    is_flag=True,
    default=False,
    help="PATHS are changed files (pre-commit): scan their modules and callers.",
)
def scan(**opts: Any) -> None:
    """Scan PATHS (default: the current directory) and report findings."""
    with contextlib.ExitStack() as stack:
        base = None
        if opts["diff_base"]:
            from .diff import open_base
            from .engine import UsageError

            _setup_logging(opts["debug"])
            _check_paths_are_not_options(opts["paths"], bool(opts.get("changed_files")))
            start = opts["paths"][0] if opts["paths"] else Path(".")
            if not start.exists():
                _fail_usage(f"path does not exist: {start}")
            try:
                base = stack.enter_context(open_base(start, opts["diff_base"]))
            except UsageError as exc:
                _fail_usage(str(exc))
        scan_paths, config, registry = _prepare(opts, base)
        if opts["changed_files"] and not scan_paths:
            sys.exit(EXIT_OK)
        pairs = _format_pairs(click.get_current_context())
        result = _run(opts, scan_paths, config, registry, diff_base=base)
    _report(opts, pairs, scan_paths, config, result)


def _report(
    opts: dict[str, Any],
    pairs: list[tuple[str, Path | None]],
    scan_paths: list[Path],
    config: Config,
    result: Any,
) -> None:

    from .report import render

    if result.inventory is not None and result.inventory.empty and not result.findings:
        click.echo(
            _safe_stderr(
                "soc2lint: no Terraform or CloudFormation files found under "
                + ", ".join(str(p) for p in scan_paths)
            ),
            err=True,
        )
    threshold = fail_threshold(config.fail_on)
    min_severity = Severity.parse(opts["min_severity"]) if opts.get("min_severity") else None
    # The scan's objects live until the process ends: keep the cyclic collector
    # from walking them again while the reports are built.
    gc.freeze()
    from .timings import timed, write_timings_file

    with timed(result.timings, "report"):
        for fmt, out in pairs:
            try:
                text = render(
                    fmt,
                    result,
                    threshold=threshold,
                    color=_use_color(out),
                    sarif_include_suppressed=opts["sarif_include_suppressed"],
                    min_severity=min_severity,
                    statistics=opts["statistics"],
                    sarif_category=opts["sarif_category"],
                )
            except (MemoryError, RecursionError) as exc:
                # the findings were made but cannot be written: fail closed, never a traceback
                why = "out of memory" if isinstance(exc, MemoryError) else "nested too deeply"
                del exc
                gc.collect()
                click.echo(
                    f"soc2lint: the {fmt} report could not be built ({why}); the scan is not "
                    "reported as passing (exit 3)",
                    err=True,
                )
                _end_scan(EXIT_INCOMPLETE)
            _write(out, text)
    problem = write_timings_file(result)
    if problem:
        click.echo(f"soc2lint: {problem}", err=True)
    _end_scan(result.exit_code(threshold))


@main.command("fix", cls=ScanCommand)
@_common_scan_options
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    default=False,
    help="Print the fixes as a unified diff and write nothing.",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    default=False,
    help="Also apply fixes that may replace a resource, add cost or break clients.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
    help="Lowest severity of the findings that remain that fails the run (default low).",
)
@click.option(
    "--changed-files",
    is_flag=True,
    default=False,
    help="PATHS are changed files (pre-commit): fix their modules and callers.",
)
def fix_cmd(**opts: Any) -> None:
    """Fix findings under PATHS where the value is set; safe fixes unless --unsafe-fixes.

    Each fix is re-checked by scanning again: the finding must be gone and no new one may
    appear, or the fix is rolled back.  The summary (fixed / left, with the reason, per
    rule) goes to stderr; --diff prints the changes on stdout.  The exit code follows the
    findings that remain.
    """
    from .fix.report import summary_text
    from .fix.run import run_fix

    scan_paths, config, registry = _prepare(opts)
    if opts["changed_files"] and not scan_paths:
        sys.exit(EXIT_OK)
    from .engine import ScanRequest

    request = ScanRequest(
        paths=scan_paths,
        config=config,
        registry=registry,
        base=Path.cwd(),
        debug=opts["debug"],
        cache_dir=None if opts["no_cache"] else _trusted_cache_dir(scan_paths),
        jobs=opts["jobs"] or (os.cpu_count() or 1),
    )
    progress = _Progress()
    with _guarded(progress, opts["debug"]):
        result = run_fix(
            request,
            unsafe=opts["unsafe_fixes"],
            write=not opts["show_diff"],
            progress=progress.update,
        )
    progress.done()
    if opts["show_diff"]:
        diff = result.diff()
        if diff:
            click.echo(diff, nl=False)
    click.echo(_safe_stderr(summary_text(result, diff_only=opts["show_diff"])), err=True)
    for problem in result.errors:
        click.echo(_safe_stderr(f"soc2lint: {problem}"), err=True)
    # --diff writes nothing: every finding is still in the repository
    after = result.first if opts["show_diff"] else result.final
    code = after.exit_code(fail_threshold(config.fail_on))
    if result.errors and code == EXIT_OK:
        code = EXIT_INCOMPLETE
    _end_scan(code)


@main.group("baseline")
def baseline_group() -> None:
    """Record today's findings so that only new ones are reported (`scan --baseline`)."""


@baseline_group.command("create", cls=VarOrderCommand)
@_common_scan_options
@click.option(
    "--output",
    "-o",
    "output",
    type=_PATH_OBJECT,
    default=Path(".soc2lint-baseline.json"),
    show_default=True,
    help="Where to write the baseline.",
)
def baseline_create(**opts: Any) -> None:
    """Scan PATHS and write every current finding's fingerprint to a baseline file."""
    from .diff import write_baseline

    opts.setdefault("fail_on", None)
    scan_paths, config, registry = _prepare(opts)
    result = _run(opts, scan_paths, config, registry)
    from .safeio import UnsafePath

    try:
        n = write_baseline(result, opts["output"])
    except UnsafePath as exc:
        _fail_usage(f"--output {opts['output']}: {exc}")
    except OSError as exc:
        _fail_usage(f"--output {opts['output']}: cannot write: {exc.strerror or exc}")
    click.echo(f"soc2lint: wrote {n} finding{'s' if n != 1 else ''} to {opts['output']}", err=True)
    sys.exit(EXIT_INCOMPLETE if result.incomplete else EXIT_OK)


def _period_options(f: F) -> F:
    """The options of ``history`` that ``evidence --since`` shares."""
    options = [
        click.option(
            "--until",
            metavar="DATE",
            help="Last day of the period (YYYY-MM-DD; default today, UTC).",
        ),
        click.option(
            "--ref",
            metavar="REF",
            help="Branch or revision whose first-parent history is replayed (default HEAD).",
        ),
        click.option(
            "--sample",
            "sample_size",
            type=click.IntRange(min=0),
            default=25,
            show_default=True,
            help="Changes in the auditor's sample.",
        ),
        click.option(
            "--seed",
            default="0",
            show_default=True,
            help="Seed of the sample (letters, digits, '.', '_', '-').",
        ),
        click.option(
            "--ticket-pattern",
            metavar="REGEX",
            help="Ticket keys in commit messages (default: ABC-123 style keys).",
        ),
        click.option(
            "--remediation-days",
            "remediation_days",
            multiple=True,
            metavar="SEVERITY=DAYS",
            help="Remediation target (default critical=7, high=30, medium=90, low=180).",
        ),
        click.option(
            "--repository-url",
            metavar="URL",
            help="Web address of the repository for links (default: GitHub Actions' or "
            "the origin remote's, when on GitHub).",
        ),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


@main.command("evidence", cls=VarOrderCommand)
@_common_scan_options
@_period_options
@click.option(
    "--since",
    metavar="DATE",
    help="Also replay the git history from DATE: the observation period's pages.",
)
@click.option(
    "--output",
    "-o",
    "output",
    type=_PATH_OBJECT,
    default=Path("compliance"),
    show_default=True,
    help="Directory to write the evidence pack into (its pack files are replaced).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
    help="Exit 1 when findings at or above this severity exist (default: the pack never fails).",
)
@click.option(
    "--reproducible",
    is_flag=True,
    default=False,
    help="Leave out the generation time, so the same code gives byte-identical files.",
)
def evidence(**opts: Any) -> None:
    """Scan PATHS and write the SOC 2 evidence pack (control matrix and inventories)."""
    from .evidence import PackError, build_pack, display_paths, write_pack

    fail_on = opts["fail_on"]
    scan_paths, config, registry = _prepare(opts)
    result = _run(opts, scan_paths, config, registry)
    strict_result = result
    if not config.strict:
        # the control matrix counts unknowns: the same scan, reporting unresolved values
        strict_result = _run(opts, scan_paths, config.with_overrides(strict=True), registry)
    threshold = fail_threshold(fail_on.lower()) if fail_on else None
    output: Path = opts["output"]
    history = _replay(opts, scan_paths) if opts["since"] else None
    files = build_pack(
        result,
        strict_result,
        output=output,
        scan_paths=display_paths(scan_paths, result.base),
        reproducible=opts["reproducible"],
        threshold=threshold,
        history=history,
    )
    from .safeio import UnsafePath

    try:
        write_pack(files, output)
    except (PackError, UnsafePath) as exc:
        _fail_usage(f"--output: {exc}")
    except OSError as exc:
        _fail_usage(f"--output {output}: cannot write: {exc.strerror or exc}")
    active = [f for f in result.active if not f.rule_id.startswith("SYS")]
    state = "INCOMPLETE scan, " if result.incomplete else ""
    click.echo(
        f"soc2lint: wrote {len(files)} files to {output} ({state}{len(active)} open "
        f"finding{'s' if len(active) != 1 else ''})",
        err=True,
    )
    if history is not None and not history.complete:
        click.echo(
            "soc2lint: part of the observation period is unknown: some commits could not "
            "be fully checked (see posture/timeline.md)",
            err=True,
        )
        sys.exit(EXIT_INCOMPLETE)
    sys.exit(result.exit_code(threshold))


@main.command("history", cls=VarOrderCommand)
@_common_scan_options
@click.option(
    "--since",
    metavar="DATE",
    required=True,
    help="First day of the period (YYYY-MM-DD, or '12 months ago').",
)
@_period_options
@click.option(
    "--output",
    "-o",
    "output",
    type=_PATH_OBJECT,
    default=Path("compliance"),
    show_default=True,
    help="Directory for the pages (only the history's own files are replaced).",
)
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    type=click.Choice(("markdown", "json"), case_sensitive=False),
    help="markdown: the pages (Markdown and CSV; default); json: history.json. Repeatable.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
    help="Exit 1 when findings at or above this severity are open at the period's end.",
)
@click.option(
    "--reproducible",
    is_flag=True,
    default=False,
    help="Leave out the generation time, so the same history gives byte-identical files.",
)
def history_cmd(**opts: Any) -> None:
    """Replay the git history of PATHS over a period (the SOC 2 Type II observation period):
    change log, sample of changes, exposure windows and timeline."""
    from .evidence import history_files, write_files
    from .safeio import UnsafePath

    _setup_logging(opts["debug"])
    _check_paths_are_not_options(opts["paths"], False)
    scan_paths = list(opts["paths"]) or [Path(".")]
    history = _replay(opts, scan_paths)
    formats = [f.lower() for f in opts["formats"]] or ["markdown"]
    import datetime as _dt

    generated_at = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    files = history_files(history, formats, opts["reproducible"], generated_at)
    output: Path = opts["output"]
    try:
        write_files(files, output)
    except UnsafePath as exc:
        _fail_usage(f"--output: {exc}")
    except OSError as exc:
        _fail_usage(f"--output {output}: cannot write: {exc.strerror or exc}")
    from .timings import write_history_timings_file

    problem = write_history_timings_file(history.stats)
    if problem:
        click.echo(f"soc2lint: {problem}", err=True)
    t = history.tracked
    open_end = sum(1 for w in t.windows if w.closed is None)
    click.echo(
        f"soc2lint: replayed {len(history.plan.commits)} commit"
        f"{'s' if len(history.plan.commits) != 1 else ''} from {history.period.since} to "
        f"{history.period.until}: {len(history.changes)} changed infrastructure code, "
        f"{len(t.windows)} finding{'s' if len(t.windows) != 1 else ''} open at some point, "
        f"{open_end} at the end; wrote {len(files)} files to {output}",
        err=True,
    )
    if not history.complete:
        click.echo(
            "soc2lint: part of the period is unknown: some commits could not be fully "
            "checked (see posture/timeline.md)",
            err=True,
        )
        sys.exit(EXIT_INCOMPLETE)
    if opts["fail_on"]:
        threshold = fail_threshold(opts["fail_on"].lower())
        if threshold is not None and history.open_at_end(threshold):
            sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


_SEED = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _replay(opts: dict[str, Any], scan_paths: list[Path]) -> Any:
    """Replay the period the options name (``history``, ``evidence --since``)."""
    from pathlib import PurePosixPath

    from .diff import find_git_root
    from .evidence.gitinfo import head_commit
    from .history import (
        DEFAULT_TARGETS,
        DEFAULT_TICKET_PATTERN,
        HistoryError,
        HistoryOptions,
        ScanSettings,
        parse_date,
        run_history,
    )
    from .suppressions import today as today_date

    start = next((p for p in scan_paths if p.exists()), Path("."))
    root = find_git_root(start)
    if root is None:
        _fail_usage("history: the scanned path is not inside a git repository")
    cwd = Path.cwd().resolve()
    try:
        cwd_rel = PurePosixPath(cwd.relative_to(root).as_posix())
    except ValueError:
        cwd_rel = PurePosixPath(".")  # run from outside: paths shown from the repository root
    rel_paths = []
    for p in scan_paths:
        full = Path(os.path.abspath(p))
        try:
            rel = full.relative_to(root)
        except ValueError:
            try:
                rel = full.resolve().relative_to(root)
            except ValueError:
                _fail_usage(f"history: {p} is not inside the repository {root}")
        rel_paths.append(PurePosixPath(rel.as_posix()))
    config_path = Path(opts["config_path"]) if opts["config_path"] else None
    config_in_repo = None
    if config_path is not None:
        try:
            config_in_repo = PurePosixPath(
                Path(os.path.abspath(config_path)).relative_to(root).as_posix()
            )
        except ValueError:
            if not config_path.is_file():
                _fail_usage(f"--config {config_path}: no such file")
    # the rule packs: from the command line and a --config file as it is now (a file found
    # in the tree cannot name any); each commit's own configuration is read at the commit
    try:
        named = load_config(config_path) if config_path is not None else Config()
    except ConfigError as exc:
        _fail_usage(f"configuration: {exc}")
    current = _with_options(named, opts)
    registry = _load_registry(current.rules_dirs)
    today = today_date()
    targets = dict(DEFAULT_TARGETS)
    for item in opts["remediation_days"]:
        name, _, value = item.partition("=")
        try:
            severity = Severity.parse(name)
            days = int(value)
        except ValueError:
            _fail_usage(f"--remediation-days {item!r}: expected SEVERITY=DAYS (high=30)")
        if days < 0:
            _fail_usage(f"--remediation-days {item!r}: days cannot be negative")
        targets[severity] = days
    if not _SEED.match(opts["seed"]):
        _fail_usage("--seed: use 1 to 64 letters, digits, '.', '_' or '-'")
    ref = opts["ref"] or "HEAD"
    ref_name = opts["ref"] or ""
    if not opts["ref"]:
        head = head_commit(root)
        ref_name = head.branch if head is not None and head.branch else "HEAD"
    progress = _Progress()
    with _guarded(progress, opts["debug"], usage=(HistoryError,)):
        since = parse_date(opts["since"], "--since", today)
        until = parse_date(opts["until"], "--until", today) if opts["until"] else today
        settings = ScanSettings(
            paths=rel_paths,
            cwd=cwd_rel,
            registry=registry,
            configure=lambda c: _with_options(c, opts),
            config_path=config_path,
            config_in_repo=config_in_repo,
            cache_dir=None if opts["no_cache"] else _trusted_cache_dir(scan_paths),
            jobs=opts["jobs"] or (os.cpu_count() or 1),
            debug=opts["debug"],
            env=dict(os.environ),
            option_files=tuple(
                str(v) for v in (*opts["var_files"], opts["cfn_parameters"]) if v is not None
            ),
        )
        options = HistoryOptions(
            since=since,
            until=until,
            ref=ref,
            ref_name=ref_name,
            sample=opts["sample_size"],
            seed=opts["seed"],
            ticket_pattern=opts["ticket_pattern"] or DEFAULT_TICKET_PATTERN,
            targets=targets,
            repository_url=opts["repository_url"],
            shown_paths=tuple(str(p) for p in (opts["paths"] or [Path(".")])),
        )
        history = run_history(root, settings, options, today=today, progress=progress.update)
        progress.done()
    return history


@contextlib.contextmanager
def _guarded(
    progress: _Progress, debug: bool, usage: tuple[type[Exception], ...] = ()
) -> Iterator[None]:
    """A command's run, ending as the exit codes say: a usage or configuration error
    (or one of ``usage``) exits 2, Ctrl-C 130, anything else is a bug that fails closed
    (exit 3) without a traceback unless ``--debug``."""
    usage_errors: tuple[type[Exception], ...] = (UsageError, ConfigError, *usage)
    try:
        yield
    except usage_errors as exc:
        progress.done()
        _fail_usage(str(exc))
    except KeyboardInterrupt:
        progress.done()
        click.echo("soc2lint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        progress.done()
        if debug:
            traceback.print_exc()
        click.echo(
            _safe_stderr(
                f"soc2lint: internal error: {type(exc).__name__}: {exc} (run with --debug)"
            ),
            err=True,
        )
        sys.exit(EXIT_INCOMPLETE)


class _Progress:
    """Stage messages on stderr, only on a terminal and only once a scan takes a while."""

    DELAY = 2.0

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._shown = False
        self._enabled = sys.stderr.isatty() and not os.environ.get("SOC2LINT_NO_PROGRESS")

    def update(self, text: str) -> None:
        if not self._enabled or self._clock() - self._start < self.DELAY:
            return
        sys.stderr.write(f"\r\033[Ksoc2lint: {text}...")
        sys.stderr.flush()
        self._shown = True

    def done(self) -> None:
        if self._shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self._shown = False


def _use_color(out: Path | None) -> bool:
    if out is not None and str(out) != "-":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _write(out: Path | None, text: str) -> None:
    if out is None or str(out) == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    from .safeio import UnsafePath, write_output_file

    try:
        write_output_file(out, text)
    except UnsafePath as exc:
        _fail_usage(f"--output {out}: {exc}")
    except OSError as exc:
        _fail_usage(f"--output {out}: cannot write: {exc.strerror or exc}")


def _trusted_cache_dir(scan_paths: Sequence[Path]) -> Path | None:
    """The cache directory, unless it lies inside the repository being scanned: its
    entries are pickles, and a pull request could commit some there."""
    from .discover import find_root
    from .safeio import inside

    directory = _cache_dir()
    root = find_root(list(scan_paths))
    if inside(directory, root) or inside(root, directory):
        logging.getLogger("soc2lint").warning(
            "not using the cache directory %s: it is inside the scanned repository, whose "
            "files a pull request can write (entries are pickles, which can run code)",
            directory,
        )
        return None
    return directory


def _cache_dir() -> Path:
    env = os.environ.get("SOC2LINT_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "soc2lint"


@main.command("rules")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(("text", "json", "markdown")), default="text"
)
@click.option("--rules-dir", "rules_dirs", multiple=True, type=_PATH)
def rules_cmd(fmt: str, rules_dirs: tuple[str, ...]) -> None:
    """List the rule catalogue (ID, slug, severity, TSC criteria, checklist, languages)."""
    from .docs import catalogue_json, catalogue_markdown, catalogue_text

    registry = _load_registry(rules_dirs)
    if fmt == "json":
        click.echo(catalogue_json(registry))
    elif fmt == "markdown":
        click.echo(catalogue_markdown(registry))
    else:
        click.echo(catalogue_text(registry))


@main.command("explain")
@click.argument("rule_name")
@click.option("--rules-dir", "rules_dirs", multiple=True, type=_PATH)
def explain_cmd(rule_name: str, rules_dirs: tuple[str, ...]) -> None:
    """Show a rule's documentation with its Terraform and CloudFormation examples."""
    from .docs import page

    registry = _load_registry(rules_dirs)
    r = registry.get(rule_name)
    if r is None:
        _fail_usage(f"unknown rule '{rule_name}' (see `soc2lint rules`)")
    click.echo(page(r))


@main.command("graph", cls=VarOrderCommand)
@click.argument("paths", nargs=-1, type=_PATH_OBJECT)
@click.option("--locations", is_flag=True, help="Include attribute locations.")
@click.option("--var-file", "var_files", multiple=True, type=_PATH)
@click.option("--var", "vars_", multiple=True, metavar="NAME=VALUE")
@click.option("--cfn-parameters", type=_PATH)
@click.option("--debug", is_flag=True, default=False)
def graph_cmd(
    paths: tuple[Path, ...],
    locations: bool,
    var_files: tuple[str, ...],
    vars_: tuple[str, ...],
    cfn_parameters: str | None,
    debug: bool,
) -> None:
    """Print the evaluated resource graph as JSON (what soc2lint understood)."""
    import json

    from .engine import ScanRequest, UsageError, run_scan
    from .graphdump import dump_graph

    _setup_logging(debug)
    scan_paths = list(paths) or [Path(".")]
    for p in scan_paths:
        if not p.exists():
            _fail_usage(f"path does not exist: {p}")
    config = _resolve_config(None, scan_paths)
    parsed = dict(config.vars)
    for v in vars_:
        k, _, val = v.partition("=")
        parsed[k] = val
    config = config.with_overrides(
        select=("SYS",),
        var_files=tuple(var_files) or None,
        vars=parsed,
        var_args=_var_args(config, var_files, vars_),
        cfn_parameters=cfn_parameters,
    )
    registry = _load_registry(())
    try:
        result = run_scan(
            ScanRequest(
                paths=scan_paths, config=config, registry=registry, base=Path.cwd(), debug=debug
            )
        )
    except (UsageError, ConfigError) as exc:
        _fail_usage(str(exc))
    data = dump_graph(list(result.graph), result.graph.all_edges(), with_locations=locations)
    data["diagnostics"] = [
        {"rule": f.rule_id, "file": f.range.file, "line": f.range.start_line, "message": f.message}
        for f in result.findings
    ]
    from .report.neutral import neutralize

    click.echo(neutralize(json.dumps(data, indent=2, sort_keys=False), "json"))


if __name__ == "__main__":  # pragma: no cover
    run()
