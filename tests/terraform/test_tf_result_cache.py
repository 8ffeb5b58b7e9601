"""The Terraform result cache: a cached root gives exactly what evaluating it gives, and
any change to what its evaluation read invalidates it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tfload import options, write

from soc2lint.cache import code_fingerprint
from soc2lint.frontend import LoadResult
from soc2lint.graphdump import dump_graph
from soc2lint.terraform import functions, load_terraform

MODULE = {
    "modules/bucket/main.tf": """
variable "name" {}
variable "versioning" {
  default = "Enabled"
}
resource "aws_s3_bucket" "this" {
  bucket = var.name
  policy = file("${path.module}/policy.json")
}
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioning
  }
}
output "arn" { value = aws_s3_bucket.this.arn }
""",
    "modules/bucket/policy.json": '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}',
}

PROJECT = {
    **MODULE,
    "envs/prod/main.tf": """
variable "suffix" {}
module "logs" {
  source = "../../modules/bucket"
  name   = "acme-logs-${var.suffix}"
}
""",
    "envs/prod/terraform.tfvars": 'suffix = "prod"\n',
    "envs/dev/main.tf": """
module "logs" {
  source     = "../../modules/bucket"
  name       = "acme-logs-dev"
  versioning = "Suspended"
}
""",
}


def _dirs(root: Path) -> list[Path]:
    return sorted({p.parent for p in root.rglob("*.tf")})


def _load(root: Path, cache: Path | None, **kw: Any) -> LoadResult:
    return load_terraform(_dirs(root), [], options(root, cache_dir=cache, **kw))


def _view(r: LoadResult) -> Any:
    return (
        dump_graph(r.nodes, r.edges, with_locations=True),
        r.diagnostics,
        r.files,
        {k: sorted(map(repr, v)) for k, v in r.literal_edges.items()},
    )


def _check(root: Path, cache: Path, **kw: Any) -> LoadResult:
    """Load with the cache and assert it equals a load without it."""
    cached = _load(root, cache, **kw)
    fresh = _load(root, None, **kw)
    assert _view(cached) == _view(fresh)
    return cached


def test_warm_load_equals_cold_and_uncached(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    cache = tmp_path / ".cache"
    cold = _check(tmp_path, cache)
    assert cold.cache_stats["terraform.roots_cached"] == 0
    warm = _check(tmp_path, cache)
    assert warm.cache_stats["terraform.roots_cached"] == warm.cache_stats["terraform.roots"] == 2
    assert warm.cache_stats["terraform.files_parsed"] == 0


def _bucket_names(r: LoadResult) -> dict[str, Any]:
    return {
        n.scope: n.attrs.get("bucket") for n in r.nodes if n.address.endswith("aws_s3_bucket.this")
    }


EDITS: dict[str, Callable[[Path], None]] = {
    "module file": lambda root: (root / "modules/bucket/main.tf").write_text(
        (root / "modules/bucket/main.tf").read_text().replace("var.name", "upper(var.name)")
    ),
    "file added to the module": lambda root: (root / "modules/bucket/extra.tf").write_text(
        'resource "aws_sqs_queue" "q" { name = "extra" }\n'
    ),
    "file() target": lambda root: (root / "modules/bucket/policy.json").write_text(
        '{"Statement": [{"Effect": "Deny", "Action": "s3:*"}]}'
    ),
    "tfvars": lambda root: (root / "envs/prod/terraform.tfvars").write_text('suffix = "p2"\n'),
    "auto.tfvars added": lambda root: (root / "envs/prod/x.auto.tfvars").write_text(
        'suffix = "auto"\n'
    ),
    "file removed": lambda root: (root / "modules/bucket/policy.json").unlink(),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_change_invalidates_the_roots_that_read_it(tmp_path: Path, edit: str) -> None:
    write(tmp_path, PROJECT)
    cache = tmp_path / ".cache"
    before = _check(tmp_path, cache)
    EDITS[edit](tmp_path)
    after = _check(tmp_path, cache)
    assert _view(after) != _view(before)
    # a root that did not read what changed is still served from the cache
    if edit in ("tfvars", "auto.tfvars added"):
        assert after.cache_stats["terraform.roots_cached"] == 1


def test_a_missing_module_that_appears_invalidates(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  source = "./modules/m"\n}\n',
        },
    )
    cache = tmp_path / ".cache"
    before = _check(tmp_path, cache)
    assert any(d.rule_id == "SYS007" for d in before.diagnostics)
    write(tmp_path, {"modules/m/main.tf": 'resource "aws_sqs_queue" "q" {}\n'})
    after = _check(tmp_path, cache)
    assert not any(d.rule_id == "SYS007" for d in after.diagnostics)
    assert any(n.address == "module.m.aws_sqs_queue.q" for n in after.nodes)


def test_options_are_part_of_the_key(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    cache = tmp_path / ".cache"
    _check(tmp_path, cache)
    by_var = _check(tmp_path, cache, vars={"suffix": "cli"})
    assert by_var.cache_stats["terraform.roots_cached"] == 0
    assert "acme-logs-cli" in _bucket_names(by_var).values()
    by_env = _check(tmp_path, cache, env={"TF_VAR_suffix": "env"})
    assert "acme-logs-prod" in _bucket_names(by_env).values()  # tfvars beat TF_VAR_


def test_var_file_content_is_a_dependency(tmp_path: Path) -> None:
    write(tmp_path, {**PROJECT, "prod.tfvars": 'suffix = "one"\n'})
    cache = tmp_path / ".cache"
    first = _check(tmp_path, cache, var_files=(tmp_path / "prod.tfvars",))
    assert "acme-logs-one" in _bucket_names(first).values()
    (tmp_path / "prod.tfvars").write_text('suffix = "two"\n')
    second = _check(tmp_path, cache, var_files=(tmp_path / "prod.tfvars",))
    assert "acme-logs-two" in _bucket_names(second).values()


def test_module_parse_errors_keep_the_first_roots_scope(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "modules/broken/main.tf": 'resource "aws_sqs_queue" "q" {\n  name = \n}\n',
            "a/main.tf": 'module "m" {\n  source = "../modules/broken"\n}\n',
            "b/main.tf": 'module "m" {\n  source = "../modules/broken"\n}\n',
            "c/main.tf": 'resource "aws_sqs_queue" "x" {\n',
        },
    )
    cache = tmp_path / ".cache"
    cold = _check(tmp_path, cache)
    warm = _check(tmp_path, cache)
    assert warm.cache_stats["terraform.roots_cached"] == 3
    parse_errors = [(d.range.file, d.scope) for d in warm.diagnostics if d.rule_id == "SYS001"]
    assert parse_errors == [("c/main.tf", "c"), ("modules/broken/main.tf", "a")]
    assert cold.diagnostics == warm.diagnostics
    # the root that reported it changes: the other one reports it now
    (tmp_path / "a/main.tf").write_text('resource "aws_sqs_queue" "y" {}\n')
    moved = _check(tmp_path, cache)
    assert ("modules/broken/main.tf", "b") in [
        (d.range.file, d.scope) for d in moved.diagnostics if d.rule_id == "SYS001"
    ]


def test_corrupt_root_entry_is_evaluated_again(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    cache = tmp_path / ".cache"
    _check(tmp_path, cache)
    for entry in cache.rglob("*.result"):
        entry.write_bytes(entry.read_bytes()[:50])
    again = _check(tmp_path, cache)
    assert again.cache_stats["terraform.roots_cached"] == 0
    assert _check(tmp_path, cache).cache_stats["terraform.roots_cached"] == 2


def test_a_result_a_time_limit_decided_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, PROJECT)
    cache = tmp_path / ".cache"
    calls = iter(range(1000))
    monkeypatch.setattr(functions, "timeouts", lambda: next(calls))
    _load(tmp_path, cache)
    monkeypatch.undo()
    assert _load(tmp_path, cache).cache_stats["terraform.roots_cached"] == 0


def test_a_scan_served_from_the_cache_imports_no_parser(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    cache = tmp_path / ".cache"
    script = f"""
import sys
from pathlib import Path
from soc2lint.frontend import LoadOptions
from soc2lint.terraform import load_terraform
root = Path({str(tmp_path)!r})
dirs = sorted({{p.parent for p in root.rglob("*.tf")}})
r = load_terraform(dirs, [], LoadOptions(root=root, base=root, cache_dir=Path({str(cache)!r})))
parsers = ("lark", "hcl2", "soc2lint.terraform.hclfast", "soc2lint.terraform.evaluate")
heavy = [m for m in parsers if m in sys.modules]
print(r.cache_stats["terraform.roots_cached"], ",".join(heavy) or "-")
"""
    first = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    # the fast HCL parser takes every file: lark is not even imported
    expected = "soc2lint.terraform.hclfast,soc2lint.terraform.evaluate"
    assert first.stdout.split() == ["0", expected], first.stderr
    second = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert second.stdout.split() == ["2", "-"], second.stderr


# ---- python-hcl2's grammar cache ---------------------------------------------


@pytest.fixture
def fresh_grammar(monkeypatch: pytest.MonkeyPatch) -> Any:
    from soc2lint.terraform import hcl

    hcl._lark.cache_clear()
    yield hcl
    hcl._lark.cache_clear()
    hcl.set_grammar_cache_dir(None)


def test_grammar_tables_go_to_the_cache_directory_when_hcl2_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_grammar: Any
) -> None:
    import hcl2.parser

    monkeypatch.setattr(hcl2.parser, "PARSER_FILE", tmp_path / "read-only" / "missing.bin")
    fresh_grammar.set_grammar_cache_dir(tmp_path / "cache")
    assert fresh_grammar.parse_hcl_lark("a = 1\n").body is not None
    # under a namespace keyed like every cache entry (version and code fingerprint)
    (namespace,) = (tmp_path / "cache").iterdir()
    assert namespace.name.startswith("grammar-") and namespace.name.endswith(code_fingerprint())
    assert [p.suffix for p in namespace.iterdir()] == [".grammar"]


def test_a_stale_hcl2_grammar_cache_is_used_once_then_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_grammar: Any
) -> None:
    import hcl2.parser

    # python-hcl2's own cache file exists (its package directory may or may not hold one:
    # lark writes it on a load without a cache directory), and any load counts as a
    # rebuild: as when the file is stale and cannot be rewritten
    own = tmp_path / "hcl2-package" / ".lark_cache.bin"
    own.parent.mkdir()
    own.write_bytes(b"stale\n")
    monkeypatch.setattr(hcl2.parser, "PARSER_FILE", own)
    monkeypatch.setattr(fresh_grammar, "_REBUILT_SECONDS", -1.0)
    cache = tmp_path / "cache"
    fresh_grammar.set_grammar_cache_dir(cache)
    fresh_grammar._lark()
    (namespace,) = cache.iterdir()
    assert [p.name for p in namespace.iterdir()] == [fresh_grammar._STALE_MARKER]
    fresh_grammar._lark.cache_clear()
    fresh_grammar._lark()
    assert any(p.suffix == ".grammar" for p in namespace.iterdir())


class _Planted:
    """A pickle that, loaded, writes a file: what an attacker plants in a cache."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "pwned"))  # type: ignore[return-value]


def _plant(path: Path, marker: Path) -> None:
    import pickle

    path.parent.mkdir(parents=True, exist_ok=True)
    # lark's cache layout: a hash line, then pickles
    path.write_bytes(b"0" * 64 + b"\n" + pickle.dumps(_Planted(marker)))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership")
@pytest.mark.parametrize("where", ["untrusted-directory", "group-writable-file", "symlink"])
def test_a_planted_grammar_pickle_is_never_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_grammar: Any, where: str
) -> None:
    import hcl2.parser
    import lark
    from hcl2.version import version as hcl2_version

    monkeypatch.setattr(hcl2.parser, "PARSER_FILE", tmp_path / "read-only" / "missing.bin")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    marker = tmp_path / "marker"
    name = "hcl2-{}-lark-{}-py{}.{}.grammar".format(
        hcl2_version, lark.__version__, *sys.version_info[:2]
    )
    namespace = fresh_grammar._grammar_directory(cache)
    assert namespace is not None
    target = namespace / name
    if where == "untrusted-directory":
        _plant(target, marker)
        os.chmod(cache, 0o777)  # anyone could have written the entry
    elif where == "group-writable-file":
        _plant(target, marker)
        os.chmod(target, 0o666)
    else:
        _plant(tmp_path / "elsewhere.grammar", marker)
        target.symlink_to(tmp_path / "elsewhere.grammar")
    # also at the path older versions used, directly in the cache directory
    _plant(cache / name, marker)
    fresh_grammar.set_grammar_cache_dir(cache)
    assert fresh_grammar.parse_hcl_lark("a = 1\n").body is not None
    assert not marker.exists()
