"""The ``soc2lint`` command line: argument handling and exit codes only.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 usage or configuration error; 3 the scan was incomplete (a file did not
parse, a rule raised, a module could not be evaluated).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import __version__
from .config import FAIL_ON_CHOICES, Config, ConfigError, fail_threshold, find_config, load_config
from .model import Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3

FORMATS = ("text", "json", "sarif", "github", "markdown")

F = TypeVar("F", bound=Callable[..., Any])


class UsageFailure(click.ClickException):
    exit_code = EXIT_USAGE


def _fail_usage(message: str) -> NoReturn:
    raise UsageFailure(message)


def _setup_logging(debug: bool) -> None:
    # cfn-lint logs decode errors itself; we report them as findings instead.
    logging.getLogger("cfnlint").addHandler(logging.NullHandler())
    logging.getLogger("cfnlint").propagate = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="soc2lint: %(levelname)s: %(message)s",
    )


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


def _resolve_config(config_path: str | None, paths: Sequence[Path]) -> Config:
    try:
        if config_path:
            p = Path(config_path)
            if not p.is_file():
                _fail_usage(f"--config {config_path}: no such file")
            return load_config(p)
        start = paths[0] if paths else Path.cwd()
        return load_config(find_config(start))
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
    """Remembers the order of --format/--output before click parses them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["soc2lint.format_pairs"] = _pairs_from_args(list(args))
        return super().parse_args(ctx, args)


def _var_args(
    config: Config, var_files: Sequence[str], vars_: Sequence[str]
) -> tuple[tuple[str, str, str], ...]:
    """The configuration's var files and variables, then the command line's in its order."""
    out: list[tuple[str, str, str]] = [("file", f, "") for f in config.var_files]
    out.extend(("var", k, v) for k, v in config.vars.items())
    files, pairs = iter(var_files), iter(vars_)
    order = click.get_current_context().meta.get("soc2lint.var_order")
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
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--select", multiple=True, help="Rules to run: IDs, slugs or families (NET)."),
        click.option("--ignore", multiple=True, help="Rules to skip: IDs, slugs or families."),
        click.option("--config", "config_path", type=click.Path(), help="Configuration file."),
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
            type=click.Path(),
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
            type=click.Path(),
            help="CloudFormation parameter values (AWS CLI or CodePipeline JSON).",
        ),
        click.option(
            "--no-inline-suppressions",
            is_flag=True,
            default=False,
            help="Ignore inline and Metadata suppressions: show every finding.",
        ),
        click.option(
            "--rules-dir",
            "rules_dirs",
            multiple=True,
            type=click.Path(),
            help="Directory of extra rule modules (each defining RULES).",
        ),
        click.option("--no-cache", is_flag=True, default=False, help="Do not use the parse cache."),
        click.option(
            "--jobs", "-j", type=int, default=None, help="Parser processes (default: CPUs)."
        ),
        click.option(
            "--debug", is_flag=True, default=False, help="Tracebacks and timing on stderr."
        ),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def _prepare(opts: dict[str, Any]) -> tuple[list[Path], Config, Any]:
    """Paths, configuration (file + flags) and registry from the common options."""
    _setup_logging(opts["debug"])
    scan_paths = list(opts["paths"]) or [Path(".")]
    if opts.get("changed_files"):
        from .discover import find_root
        from .precommit import expand_changed

        scan_paths = expand_changed([p for p in scan_paths if p.exists()], find_root(scan_paths))
    for p in scan_paths:
        if not p.exists():
            _fail_usage(f"path does not exist: {p}")
    config = _resolve_config(opts["config_path"], scan_paths)
    parsed_vars: dict[str, str] = dict(config.vars)
    for v in opts["vars_"]:
        if "=" not in v:
            _fail_usage(f"--var {v!r}: expected NAME=VALUE")
        k, _, val = v.partition("=")
        parsed_vars[k.strip()] = val
    select, ignore = opts["select"], opts["ignore"]
    config = config.with_overrides(
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
    )
    registry = _load_registry(config.rules_dirs)
    return scan_paths, config, registry


def _run(
    opts: dict[str, Any],
    scan_paths: list[Path],
    config: Config,
    registry: Any,
    diff_base: str | None = None,
) -> Any:
    from .engine import ScanRequest, UsageError, run_scan

    progress = _Progress()
    request = ScanRequest(
        paths=scan_paths,
        config=config,
        registry=registry,
        base=Path.cwd(),
        debug=opts["debug"],
        cache_dir=None if opts["no_cache"] else _cache_dir(),
        jobs=opts["jobs"] or (os.cpu_count() or 1),
        progress=progress.update,
    )
    try:
        if diff_base:
            from .diff import run_diff_scan

            result = run_diff_scan(request, diff_base)
        else:
            result = run_scan(request)
        if config.baseline:
            from .diff import apply_baseline, load_baseline

            apply_baseline(result, load_baseline(Path(config.baseline)))
    except (UsageError, ConfigError) as exc:
        progress.done()
        _fail_usage(str(exc))
    except KeyboardInterrupt:
        progress.done()
        click.echo("soc2lint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: fail closed without a traceback unless --debug
        progress.done()
        if opts["debug"]:
            traceback.print_exc()
        click.echo(
            f"soc2lint: internal error: {type(exc).__name__}: {exc} (run with --debug)", err=True
        )
        sys.exit(EXIT_INCOMPLETE)
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
    type=click.Path(path_type=Path),
    help="File for the format given just before it ('-' for stdout).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
    help="Lowest severity that fails the run (default low; never = always exit 0).",
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
@click.option(
    "--baseline", type=click.Path(), help="Leave out findings recorded in this baseline file."
)
@click.option(
    "--changed-files",
    is_flag=True,
    default=False,
    help="PATHS are changed files (pre-commit): scan their modules and callers.",
)
def scan(**opts: Any) -> None:
    """Scan PATHS (default: the current directory) and report findings."""
    scan_paths, config, registry = _prepare(opts)
    if opts["changed_files"] and not scan_paths:
        sys.exit(EXIT_OK)
    pairs = _format_pairs(click.get_current_context())
    result = _run(opts, scan_paths, config, registry, diff_base=opts["diff_base"])

    from .report import render

    if result.inventory is not None and result.inventory.empty and not result.findings:
        click.echo(
            "soc2lint: no Terraform or CloudFormation files found under "
            + ", ".join(str(p) for p in scan_paths),
            err=True,
        )
    threshold = fail_threshold(config.fail_on)
    # The scan's objects live until the process ends: keep the cyclic collector
    # from walking them again while the reports are built.
    gc.freeze()
    started = time.perf_counter()
    for fmt, out in pairs:
        text = render(
            fmt,
            result,
            threshold=threshold,
            color=_use_color(out),
            sarif_include_suppressed=opts["sarif_include_suppressed"],
        )
        _write(out, text)
    result.timings["report"] = time.perf_counter() - started
    _write_timings(result)
    _end_scan(result.exit_code(threshold))


def _peak_rss_kib() -> tuple[int, int]:
    """Peak RSS of this process and of its largest child process (0 where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0, 0
    scale = 1024 if sys.platform == "darwin" else 1  # bytes on macOS, KiB elsewhere
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // scale,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // scale,
    )


def _write_timings(result: Any) -> None:
    """``SOC2LINT_TIMINGS=FILE``: the scan's stage timings as JSON (for bench/run.py)."""
    target = os.environ.get("SOC2LINT_TIMINGS")
    if not target:
        return
    import json

    own, workers = _peak_rss_kib()
    data = {
        "timings": result.timings,
        "rule_timings": result.rule_timings,
        "cache_stats": result.cache_stats,
        "findings": len(result.findings),
        "nodes": len(result.graph),
        "files": len(result.files),
        # peak resident set size in KiB of this process, and of its largest worker
        "maxrss_kib": own,
        "workers_maxrss_kib": workers,
    }
    try:
        Path(target).write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError as exc:
        click.echo(f"soc2lint: SOC2LINT_TIMINGS {target}: {exc.strerror}", err=True)


@main.group("baseline")
def baseline_group() -> None:
    """Record today's findings so that only new ones are reported (`scan --baseline`)."""


@baseline_group.command("create", cls=VarOrderCommand)
@_common_scan_options
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(path_type=Path),
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
    n = write_baseline(result, opts["output"])
    click.echo(f"soc2lint: wrote {n} finding{'s' if n != 1 else ''} to {opts['output']}", err=True)
    sys.exit(EXIT_INCOMPLETE if result.incomplete else EXIT_OK)


@main.command("evidence", cls=VarOrderCommand)
@_common_scan_options
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(path_type=Path),
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
    files = build_pack(
        result,
        strict_result,
        output=output,
        scan_paths=display_paths(scan_paths, result.base),
        reproducible=opts["reproducible"],
        threshold=threshold,
    )
    try:
        write_pack(files, output)
    except PackError as exc:
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
    sys.exit(result.exit_code(threshold))


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
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail_usage(f"--output {out}: cannot write: {exc.strerror}")


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
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path())
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
@click.option("--rules-dir", "rules_dirs", multiple=True, type=click.Path())
def explain_cmd(rule_name: str, rules_dirs: tuple[str, ...]) -> None:
    """Show a rule's documentation with its Terraform and CloudFormation examples."""
    from .docs import rule_page

    registry = _load_registry(rules_dirs)
    r = registry.get(rule_name)
    if r is None:
        _fail_usage(f"unknown rule '{rule_name}' (see `soc2lint rules`)")
    click.echo(rule_page(r))


@main.command("graph", cls=VarOrderCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--locations", is_flag=True, help="Include attribute locations.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path())
@click.option("--var", "vars_", multiple=True, metavar="NAME=VALUE")
@click.option("--cfn-parameters", type=click.Path())
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
    click.echo(json.dumps(data, indent=2, sort_keys=False))


def severity_choice() -> list[str]:
    return [s.label for s in sorted(Severity, reverse=True)]


if __name__ == "__main__":  # pragma: no cover
    run()
