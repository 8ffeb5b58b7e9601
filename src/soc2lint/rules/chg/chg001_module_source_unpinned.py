from __future__ import annotations

import re
from collections.abc import Iterator

from soc2lint.model import Node, Severity, describe_value
from soc2lint.rule import Context, Report, of_kinds, rule

from ...record import record
from ._shared import CHECKLIST, is_downloaded

#: refs that name a moving branch rather than a release
BRANCH_REFS = frozenset(
    {
        "main",
        "master",
        "develop",
        "development",
        "dev",
        "trunk",
        "head",
        "latest",
        "default",  # Mercurial's default branch
        "tip",  # Mercurial's moving head
    }
)


_REGISTRY_PART = r"[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?"


_REGISTRY_RE = re.compile(
    rf"^(?:(?P<host>[0-9A-Za-z.-]+\.[0-9A-Za-z-]+(?::\d+)?)/)?"
    rf"(?P<ns>{_REGISTRY_PART})/(?P<name>{_REGISTRY_PART})/(?P<provider>[0-9a-z]{{1,64}})$"
)


@record(frozen=True)
class ModuleSource:
    """A parsed module source address."""

    kind: str  # local, registry, git, hg, s3, gcs, http, unknown
    #: the git/hg `ref` (or hg `rev`) query argument; None when absent
    ref: str | None = None


def parse_module_source(source: str) -> ModuleSource:
    """Classify a module ``source`` the way ``terraform init`` does."""
    s = source.strip()
    if s.startswith(("./", "../", ".\\", "..\\")) or s in (".", ".."):
        return ModuleSource("local")
    forced = ""
    m = re.match(r"^([a-z0-9]+)::(.*)$", s)
    if m:
        forced, s = m.group(1), m.group(2)
    address, _, query = s.partition("?")
    params = dict((k, v) for k, _, v in (part.partition("=") for part in query.split("&") if part))
    ref = params.get("ref")
    if forced == "hg":
        return ModuleSource("hg", ref if ref is not None else params.get("rev"))
    if forced in ("s3", "gcs"):
        return ModuleSource(forced)
    if (
        forced == "git"
        or address.startswith("git@")
        or address.endswith(".git")
        or ".git//" in address
    ):
        return ModuleSource("git", ref)
    if forced in ("http", "https"):
        return ModuleSource("http")
    if re.match(r"^(github\.com|bitbucket\.org)/", address):
        return ModuleSource("git", ref)
    if re.match(
        r"^[a-z0-9-]+\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com/", address
    ) or address.startswith("s3.amazonaws.com/"):
        return ModuleSource("s3")
    if address.startswith("www.googleapis.com/storage/"):
        return ModuleSource("gcs")
    if address.startswith(("http://", "https://")):
        return ModuleSource("http")
    base = address.split("//", 1)[0]
    if _REGISTRY_RE.match(base):
        return ModuleSource("registry")
    return ModuleSource("unknown")


def ref_is_pinned(ref: str) -> bool:
    """A tag or a commit SHA pins; a branch name (main, master, develop...) does not.

    Refs that are neither a known branch name nor obviously a version are taken
    as pinned: a static check cannot tell a tag from a branch.
    """
    r = ref.strip()
    if not r:
        return False
    low = r.lower().removeprefix("refs/heads/")
    return low not in BRANCH_REFS and not r.lower().startswith("refs/heads/")


_CONSTRAINT_RE = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?([0-9][0-9A-Za-z.+-]*)\s*$")


def version_is_pinned(constraint: str) -> bool:
    """Whether a registry version constraint bounds the version from above.

    Accepted: an exact version (`1.2.3`, `= 1.2.3`), the pessimistic operator
    at any precision (`~> 1.2.3` patch updates only, `~> 1.2` minor updates
    within major 1), or any set with an upper bound (`>= 1.2, < 2.0`).
    Rejected: `>= 1.0`, `> 1`, `!= 1.3` alone, `*` or an empty string: they
    admit every future version, breaking changes included.
    """
    parts = [p for p in constraint.split(",") if p.strip()]
    if not parts:
        return False
    for part in parts:
        m = _CONSTRAINT_RE.match(part)
        if not m:
            continue
        op = m.group(1) or "="
        if op in ("=", "<", "<=", "~>"):
            return True
    return False


def _call_address(node: Node) -> str:
    """``module.a["x"].module.b[0]`` -> ``module.a.module.b``: the module call, not an instance."""
    return re.sub(r"\[[^\]]*\]", "", node.address)


@rule(
    id="CHG001",
    slug="module-source-unpinned",
    severity=Severity.MEDIUM,
    tsc=("CC8.1",),
    checklist=CHECKLIST,
    subjects=of_kinds("module", what="module calls"),
    control="Module sources are pinned to a release.",
    fix={
        "terraform": (
            'Pin the module: a registry module takes `version = "1.2.3"` or `"~> 1.2"`; a '
            "git source takes `?ref=v1.2.3` (a tag) or a commit SHA, never a branch."
        ),
    },
)
def module_source_unpinned(ctx: Context) -> Iterator[Report]:
    """Module source is not pinned to a release.

    What it checks:
        Every `module` call, at any depth of the scanned code, by its `source`:
        a registry module (`namespace/name/provider`, optionally `//subdir`,
        or `host/namespace/name/provider` for a private registry) needs a
        `version` that bounds the version from above: an exact version,
        `~> X.Y.Z` (patch releases only), `~> X.Y` (minor releases within a
        major), or a range with `<`/`<=`. `>= 1.0`, `> 1`, `!=` alone or `*`
        admit any future release and fail. A git source (`git::https://…`,
        `git::ssh://…`, `git@host:…`, `github.com/…`, `bitbucket.org/…`) and a
        Mercurial source (`hg::…`) need `?ref=` (hg also `?rev=`) with a tag or
        a commit SHA: no ref (the default branch) or a branch name (`main`,
        `master`, `develop`, `dev`, `development`, `trunk`, `HEAD`, `latest`,
        hg `default`/`tip`) fails; any other ref is accepted, since a tag cannot
        be told from a branch statically. Local paths (`./`, `../`) live in the
        repository and pass; S3, GCS and HTTP archives are addressed by object
        and pass. Module blocks inside modules that `terraform init` downloaded
        (`.terraform/modules`) are not the user's code and are skipped. The
        finding names the module call (`module.NAME`, nested `module.a.module.b`)
        once, whatever its `count`/`for_each`.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1: every change that reaches
        production must be authorised and reviewed. An unpinned module pulls
        whatever upstream published last into the next `terraform init`, with
        no review in this repository.
    References:
        - https://developer.hashicorp.com/terraform/language/modules/sources
        - https://developer.hashicorp.com/terraform/language/expressions/version-constraints
        - https://developer.hashicorp.com/terraform/language/modules/syntax#version
    """
    seen: set[tuple[str, str, int]] = set()
    for call in ctx.graph.nodes("module", category="module"):
        if call.language != "terraform":
            continue
        if is_downloaded(call):
            ctx.not_applicable(
                call, "a call inside a downloaded module: its pinning is the module's own"
            )
            continue
        key = (call.scope, call.range.file, call.range.start_line)
        if key in seen:
            continue
        seen.add(key)
        address = _call_address(call)
        src_a = call.attr("source")
        if not isinstance(src_a.value, str):
            continue
        src = parse_module_source(src_a.value)
        if src.kind == "registry":
            ver = call.attr("version")
            if ver.missing:
                yield ctx.finding(
                    call,
                    src_a,
                    f"{address}: registry module `{src_a.value}` has no `version`: "
                    "every `terraform init` may pick up a new release",
                    address=address,
                )
            elif isinstance(ver.value, str):
                if not version_is_pinned(ver.value):
                    yield ctx.finding(
                        call,
                        ver,
                        f"{address}: `version = {describe_value(ver.value)}` admits any newer "
                        f"release of `{src_a.value}`",
                        address=address,
                    )
            else:
                yield from ctx.unresolved(call, ver)
        elif src.kind in ("git", "hg"):
            if src.ref is None:
                yield ctx.finding(
                    call,
                    src_a,
                    f"{address}: {src.kind} module source has no `?ref=`: it follows the "
                    "default branch",
                    address=address,
                )
            elif not ref_is_pinned(src.ref):
                yield ctx.finding(
                    call,
                    src_a,
                    f"{address}: module source pins `ref={src.ref}`, a branch: it follows "
                    "whatever is pushed to it",
                    address=address,
                )
