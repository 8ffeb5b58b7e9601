"""CloudFormation templates through the parse cache: same result, cfn-lint not even
imported when every template is found there, a changed template decoded again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cfn_testlib import write

from soc2lint.cloudformation import load_cloudformation
from soc2lint.frontend import LoadOptions, LoadResult
from soc2lint.graphdump import dump_graph

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "acme-${Env}-logs"
      VersioningConfiguration:
        Status: Enabled
"""


def _load(root: Path, cache: Path | None, jobs: int = 1) -> LoadResult:
    paths = sorted(root.glob("*.yaml"))
    opts = LoadOptions(root=root, base=root, cache_dir=cache, jobs=jobs)
    return load_cloudformation(paths, opts)


def _view(r: LoadResult) -> object:
    return dump_graph(r.nodes, r.edges, with_locations=True), r.diagnostics, r.files


def test_decoded_templates_come_from_the_cache(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": TEMPLATE, "broken.yaml": "Resources:\n  X: [\n"})
    cache = tmp_path / "cache"
    uncached = _load(src, None)
    assert _view(_load(src, cache)) == _view(uncached)
    assert _view(_load(src, cache)) == _view(uncached)
    # top-level templates: their evaluations are in the result cache, which makes their
    # decoded form redundant (it would only serve other parameter values or options)
    assert len(list(cache.rglob("*.pickle"))) == 0
    assert len(list(cache.rglob("*.result"))) == 2
    (src / "app.yaml").write_text(TEMPLATE.replace("Enabled", "Suspended"))
    changed = _load(src, cache)
    assert _view(changed) == _view(_load(src, None))
    assert _view(changed) != _view(uncached)


def test_nested_templates_are_decoded_once_through_the_parse_cache(tmp_path: Path) -> None:
    src = tmp_path / "src"
    parent = (
        "Parameters:\n  Env:\n    Type: String\nResources:\n  Child:\n"
        "    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: nested/child.yaml\n"
    )
    write(src, {"app.yaml": parent, "nested/child.yaml": TEMPLATE})
    cache = tmp_path / "cache"
    paths = [src / "app.yaml", src / "nested" / "child.yaml"]

    def load(env: str, cache_dir: Path | None) -> LoadResult:
        opts = LoadOptions(root=src, base=src, cache_dir=cache_dir, cfn_parameters={"Env": env})
        return load_cloudformation(paths, opts)

    assert _view(load("a", cache)) == _view(load("a", None))
    # the child, and the parent (decoded up front to know which files are children)
    assert len(list(cache.rglob("*.pickle"))) == 2
    # other parameter values: the parent is evaluated again, both read from the cache
    assert _view(load("b", cache)) == _view(load("b", None))
    assert len(list(cache.rglob("*.pickle"))) == 2


def test_cfn_lint_is_not_imported_for_well_formed_templates(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, {"app.yaml": TEMPLATE})
    script = f"""
import sys
from pathlib import Path
from soc2lint.cloudformation import load_cloudformation
from soc2lint.frontend import LoadOptions
root = Path({str(src)!r})
r = load_cloudformation([root / "app.yaml"], LoadOptions(root=root, base=root,
    cache_dir=Path({str(tmp_path / "cache")!r})))
print(len(r.nodes), "cfnlint" in sys.modules)
"""
    first = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    second = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    # well-formed YAML is read by libyaml directly (cfn-lint only for what it cannot read)
    assert first.stdout.split()[1] == "False", first.stderr
    assert second.stdout.split() == [first.stdout.split()[0], "False"], second.stderr


def test_the_cache_key_names_the_installed_decoder_libraries() -> None:
    """A new cfn-lint or PyYAML never reads what another one decoded: the key carries
    the versions their distributions declare (read without importing cfn-lint)."""
    from importlib.metadata import version

    from soc2lint.cloudformation.files import DECODER_VERSION, decoder_version

    assert decoder_version() == (
        f"{DECODER_VERSION}-cfn-lint-{version('cfn-lint')}-PyYAML-{version('PyYAML')}"
    )
