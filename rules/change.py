"""CHG rules: change management (see ../shared/RULES.md).

These rules are about the language itself more than about AWS resources:
module sources and provider constraints (Terraform), the state backend
(Terraform), ``force_destroy`` and final snapshots (Terraform), and
``DeletionPolicy``/``UpdateReplacePolicy`` (CloudFormation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from soc2lint.model import Node, Severity, Unknown, describe_value, to_bool
from soc2lint.rule import Context, Examples, Report, Rule, bad, good, rule
from soc2lint.views.databases import is_cluster_member, is_read_replica

from ._common import check_value

CHECKLIST = "D. Change Management"

# --------------------------------------------------------------------------
# CHG001: module sources
# --------------------------------------------------------------------------

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

_SHA_RE = re.compile(r"^[0-9a-fA-F]{7,40}$")
_REGISTRY_PART = r"[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?"
_REGISTRY_RE = re.compile(
    rf"^(?:(?P<host>[0-9A-Za-z.-]+\.[0-9A-Za-z-]+(?::\d+)?)/)?"
    rf"(?P<ns>{_REGISTRY_PART})/(?P<name>{_REGISTRY_PART})/(?P<provider>[0-9a-z]{{1,64}})$"
)


@dataclass(frozen=True)
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


def _is_downloaded(node: Node) -> bool:
    """A module block inside a module downloaded by ``terraform init`` (not the user's code)."""
    return ".terraform/modules/" in node.range.file.replace("\\", "/")


@rule(
    id="CHG001",
    slug="module-source-unpinned",
    severity=Severity.MEDIUM,
    tsc=("CC8.1",),
    checklist=CHECKLIST,
    fix={
        "terraform": (
            'Pin the module: a registry module takes `version = "1.2.3"` or `"~> 1.2"`; a '
            "git source takes `?ref=v1.2.3` (a tag) or a commit SHA, never a branch."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                module "vpc" {
                  source = "terraform-aws-modules/vpc/aws"

                  name = "prod"
                  cidr = "10.0.0.0/16"
                }
                """,
                address="module.vpc",
                line=2,
            ),
            bad(
                """
                module "network" {
                  source = "git::https://github.com/acme/terraform-modules.git//network?ref=main"

                  cidr = "10.1.0.0/16"
                }
                """,
                address="module.network",
                line=2,
            ),
            bad(
                """
                module "eks" {
                  source  = "terraform-aws-modules/eks/aws"
                  version = ">= 19.0"

                  cluster_name = "prod"
                }
                """,
                address="module.eks",
                line=3,
            ),
            bad(
                """
                module "labels" {
                  source = "github.com/cloudposse/terraform-null-label"

                  name = "app"
                }
                """,
                address="module.labels",
                line=2,
            ),
        ],
        good=[
            good(
                """
                module "vpc" {
                  source  = "terraform-aws-modules/vpc/aws"
                  version = "~> 5.8"

                  name = "prod"
                  cidr = "10.0.0.0/16"
                }

                module "iam_user" {
                  source  = "terraform-aws-modules/iam/aws//modules/iam-user"
                  version = "5.39.1"

                  name = "deployer"
                }
                """
            ),
            good(
                {
                    "main.tf": """
                    module "network" {
                      source = "git::https://github.com/acme/terraform-modules.git//network?ref=v2.4.0"

                      cidr = "10.1.0.0/16"
                    }

                    module "dns" {
                      source = "git@github.com:acme/terraform-dns.git?ref=3f2a9c1d4e5b6a7980c1d2e3f4a5b6c7d8e9f0a1"
                    }

                    module "app" {
                      source = "./modules/app"
                    }
                    """,
                    "modules/app/main.tf": """
                    resource "aws_sqs_queue" "jobs" {
                      name = "jobs"
                    }
                    """,
                }
            ),
        ],
    ),
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
    How to fix:
        Registry modules: `version = "5.8.1"` or `"~> 5.8"`. Git modules:
        `?ref=v1.4.2` or a full commit SHA. Keep upgrades as reviewed changes.
    References:
        - https://developer.hashicorp.com/terraform/language/modules/sources
        - https://developer.hashicorp.com/terraform/language/expressions/version-constraints
        - https://developer.hashicorp.com/terraform/language/modules/syntax#version
    """
    seen: set[tuple[str, str, int]] = set()
    for call in ctx.graph.nodes("module", category="module"):
        if call.language != "terraform" or _is_downloaded(call):
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


# --------------------------------------------------------------------------
# CHG002: provider versions
# --------------------------------------------------------------------------

#: Terraform's built-in provider: no constraint possible
BUILTIN_PROVIDERS = frozenset({"terraform"})


def _provider_of_type(type_: str) -> str:
    return type_.split("_", 1)[0]


def _local_name(provider_address: str) -> str:
    """``provider.aws.east`` / ``module.x.provider.aws`` -> ``aws``."""
    parts = provider_address.split("provider.", 1)
    rest = parts[1] if len(parts) == 2 else provider_address
    return rest.split(".", 1)[0]


def _has_version(entry: Any) -> bool | None:
    """Whether a `required_providers` entry carries a version constraint (None: unknown)."""
    if isinstance(entry, Unknown):
        return None
    if isinstance(entry, str):
        return bool(entry.strip())
    if isinstance(entry, dict):
        v = entry.get("version")
        if isinstance(v, Unknown):
            return None
        return isinstance(v, str) and bool(v.strip())
    return False


@rule(
    id="CHG002",
    slug="provider-version-unpinned",
    severity=Severity.LOW,
    tsc=("CC8.1",),
    checklist=CHECKLIST,
    fix={
        "terraform": (
            "Declare every provider in the root module's `terraform { required_providers { ... } }` "
            'with a `version` constraint, e.g. `aws = { source = "hashicorp/aws", '
            'version = "~> 5.0" }`, and commit `.terraform.lock.hcl`.'
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                terraform {
                  required_providers {
                    aws = {
                      source = "hashicorp/aws"
                    }
                  }
                }

                resource "aws_sqs_queue" "jobs" {
                  name = "jobs"
                }
                """,
                address="terraform",
                line=3,
            ),
            bad(
                {
                    "main.tf": """
                    terraform {
                      required_providers {
                        aws = {
                          source  = "hashicorp/aws"
                          version = "~> 5.0"
                        }
                      }
                    }

                    module "secrets" {
                      source = "./modules/secrets"
                    }
                    """,
                    "modules/secrets/main.tf": """
                    resource "random_password" "db" {
                      length = 32
                    }

                    resource "aws_secretsmanager_secret" "db" {
                      name = "db"
                    }
                    """,
                },
                address="terraform",
                line=1,
                note="random is used only inside a local module that does not constrain it",
            ),
            bad(
                {
                    "main.tf": """
                    terraform {
                      required_providers {
                        aws = {
                          source  = "hashicorp/aws"
                          version = "~> 5.0"
                        }
                      }
                    }

                    resource "random_id" "suffix" {
                      byte_length = 4
                    }

                    module "secrets" {
                      source = "./modules/secrets"
                    }
                    """,
                    "modules/secrets/main.tf": """
                    terraform {
                      required_providers {
                        random = {
                          source  = "hashicorp/random"
                          version = ">= 3.0"
                        }
                      }
                    }

                    resource "random_password" "db" {
                      length = 32
                    }
                    """,
                },
                address="terraform",
                line=1,
                note="the root uses random itself",
            ),
            bad(
                """
                provider "aws" {
                  region = "eu-west-1"
                }

                resource "aws_sqs_queue" "jobs" {
                  name = "jobs"
                }
                """,
                address="provider.aws",
                line=1,
                note="no terraform block at all",
            ),
        ],
        good=[
            good(
                """
                terraform {
                  required_version = ">= 1.5"
                  required_providers {
                    aws = {
                      source  = "hashicorp/aws"
                      version = ">= 5.0"
                    }
                    random = {
                      source  = "hashicorp/random"
                      version = "~> 3.6"
                    }
                  }
                }

                resource "random_id" "suffix" {
                  byte_length = 4
                }

                resource "aws_sqs_queue" "jobs" {
                  name = "jobs-${random_id.suffix.hex}"
                }

                resource "terraform_data" "marker" {
                  input = "x"
                }
                """
            ),
            good(
                """
                terraform {
                  required_providers {
                    aws = "~> 4.0"
                  }
                }

                provider "aws" {
                  alias  = "east"
                  region = "us-east-1"
                }

                resource "aws_sqs_queue" "jobs" {
                  provider = aws.east
                  name     = "jobs"
                }
                """,
                note="the legacy string form is a constraint",
            ),
            good(
                {
                    "main.tf": """
                    terraform {
                      required_providers {
                        aws = {
                          source  = "hashicorp/aws"
                          version = "~> 5.0"
                        }
                      }
                    }

                    module "secrets" {
                      source = "./modules/secrets"
                    }
                    """,
                    "modules/secrets/main.tf": """
                    terraform {
                      required_providers {
                        random = {
                          source  = "hashicorp/random"
                          version = ">= 3.0"
                        }
                      }
                    }

                    resource "random_password" "db" {
                      length = 32
                    }
                    """,
                },
                note="random is used only by a local module that constrains it itself",
            ),
        ],
    ),
)
def provider_version_unpinned(ctx: Context) -> Iterator[Report]:
    """Provider version is not constrained.

    What it checks:
        In each root module: every `required_providers` entry must carry a
        version constraint (object form `{ source, version }` or the legacy
        string form), and every provider the configuration uses — named by a
        `provider` block, by the prefix of a resource or data source type
        (`aws_`, `random_`...), or by a resource's `provider` argument, in the
        root or in any of its local modules — must be declared there. A
        provider used only inside local modules that declare it themselves
        with a version constraint passes: Terraform merges every module's
        requirements, so `terraform init` honours that constraint. Any
        constraint satisfies this rule (unlike module sources, CHG001): the
        lock file pins the exact build. Terraform's built-in `terraform`
        provider is exempt. Modules downloaded by `terraform init` are not
        looked into. The finding names the root's `terraform` block (where the
        fix goes); a root without one is reported on its `provider.NAME` block,
        or, when there is none either, on the configuration (`.`).
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1: without a constraint
        `terraform init` on a fresh machine installs the newest provider,
        bringing behaviour changes into production that nobody reviewed.
    How to fix:
        `terraform { required_providers { aws = { source = "hashicorp/aws",
        version = "~> 5.0" } } }` in the root module, one entry per provider,
        and commit `.terraform.lock.hcl`.
    References:
        - https://developer.hashicorp.com/terraform/language/providers/requirements
        - https://developer.hashicorp.com/terraform/language/expressions/version-constraints#best-practices
        - https://developer.hashicorp.com/terraform/language/files/dependency-lock
    """
    # providers used per scope: name -> first node using it
    used: dict[str, dict[str, Node]] = {}
    roots_tf: dict[str, Node] = {}
    root_providers: dict[str, dict[str, Node]] = {}
    # providers a local module of the scope constrains itself: Terraform merges
    # every module's requirements, so `terraform init` honours that constraint
    module_constrained: dict[str, set[str]] = {}
    root_used: dict[str, set[str]] = {}  # providers of resources written in the root itself
    for n in ctx.graph.nodes(None, category=None):
        if n.language != "terraform":
            continue
        if _is_downloaded(n):
            continue
        scope_used = used.setdefault(n.scope, {})
        if n.category == "terraform" and n.meta.get("module_path"):
            mod_rp = n.attr("required_providers").value
            if isinstance(mod_rp, dict):
                module_constrained.setdefault(n.scope, set()).update(
                    k for k, v in mod_rp.items() if _has_version(v) is True
                )
        if n.category == "terraform" and not n.meta.get("module_path"):
            roots_tf[n.scope] = n
        elif n.category == "provider":
            name = _local_name(n.address)
            scope_used.setdefault(name, n)
            if not n.meta.get("module_path"):
                root_providers.setdefault(n.scope, {}).setdefault(name, n)
        elif n.category in ("resource", "data"):
            prov = n.meta.get("provider")
            name = (
                _local_name(prov) if isinstance(prov, str) and prov else _provider_of_type(n.type)
            )
            scope_used.setdefault(name, n)
            if not n.meta.get("module_path"):
                root_used.setdefault(n.scope, set()).add(name)
    for scope in sorted(used):
        providers = {k: v for k, v in used[scope].items() if k not in BUILTIN_PROVIDERS}
        if not providers:
            continue
        tf = roots_tf.get(scope)
        rp_a = tf.attr("required_providers") if tf is not None else None
        declared: dict[str, Any] = {}
        if rp_a is not None and isinstance(rp_a.value, dict):
            declared = rp_a.value
        elif rp_a is not None and isinstance(rp_a.value, Unknown):
            continue
        for name in sorted(set(providers) | set(declared)):
            if name in BUILTIN_PROVIDERS:
                continue
            if name in declared and tf is not None:
                has = _has_version(declared[name])
                if has is None:
                    yield from ctx.unresolved(tf, ("required_providers", name))
                elif not has:
                    yield ctx.finding(
                        tf,
                        ("required_providers", name),
                        f"{tf.address}: `required_providers.{name}` has no version constraint",
                    )
                continue
            user = providers[name]
            if (
                name in module_constrained.get(scope, set())
                and name not in root_providers.get(scope, {})
                and name not in root_used.get(scope, set())
            ):
                continue  # used only by local modules, which constrain it themselves
            if tf is not None:
                yield ctx.finding(
                    tf,
                    ("required_providers", name),
                    f"{tf.address}: provider `{name}` is used (by {user.address}) but not "
                    "declared with a version constraint in `required_providers`",
                    related=[user],
                )
                continue
            block = root_providers.get(scope, {}).get(name)
            if block is not None:
                yield ctx.finding(
                    block,
                    (),
                    f"{block.address}: provider `{name}` has no version constraint: the root "
                    "module has no `terraform { required_providers }` block",
                    address=f"provider.{name}",
                )
                continue
            yield ctx.config_finding(
                f"provider `{name}` (used by {user.address}) has no version constraint: the "
                "root module has no `terraform { required_providers }` block",
                scope=scope,
                related=[user],
                range=user.range,
            )


# --------------------------------------------------------------------------
# CHG003: state backend
# --------------------------------------------------------------------------


@rule(
    id="CHG003",
    slug="state-backend-insecure",
    severity=Severity.HIGH,
    tsc=("CC8.1", "CC6.1"),
    checklist=CHECKLIST,
    fix={
        "terraform": (
            'In `backend "s3"` set `encrypt = true` (optionally `kms_key_id`) and enable '
            "locking with `use_lockfile = true` (Terraform 1.10+) or `dynamodb_table`."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                terraform {
                  backend "s3" {
                    bucket         = "acme-terraform-state"
                    key            = "prod/network.tfstate"
                    region         = "eu-west-1"
                    dynamodb_table = "terraform-locks"
                  }
                }
                """,
                address="terraform.backend",
                line=2,
            ),
            bad(
                """
                terraform {
                  backend "s3" {
                    bucket  = "acme-terraform-state"
                    key     = "prod/network.tfstate"
                    region  = "eu-west-1"
                    encrypt = false
                  }
                }
                """,
                address="terraform.backend",
                line=6,
            ),
            bad(
                """
                terraform {
                  backend "s3" {
                    bucket  = "acme-terraform-state"
                    key     = "prod/app.tfstate"
                    region  = "eu-west-1"
                    encrypt = true
                  }
                }
                """,
                address="terraform.backend",
                line=2,
                note="no locking (medium)",
            ),
            bad(
                """
                terraform {
                  backend "s3" {
                    bucket         = "acme-terraform-state"
                    key            = "prod/app.tfstate"
                    region         = "eu-west-1"
                    encrypt        = true
                    use_lockfile   = false
                    dynamodb_table = ""
                  }
                }
                """,
                address="terraform.backend",
                line=7,
                note="an empty `dynamodb_table` is no lock table",
            ),
        ],
        good=[
            good(
                """
                terraform {
                  backend "s3" {
                    bucket       = "acme-terraform-state"
                    key          = "prod/network.tfstate"
                    region       = "eu-west-1"
                    encrypt      = true
                    use_lockfile = true
                  }
                }
                """
            ),
            good(
                {
                    "main.tf": """
                    terraform {
                      backend "s3" {}
                    }
                    """,
                    "prod.s3.tfbackend": """
                    bucket         = "acme-terraform-state"
                    key            = "prod/network.tfstate"
                    region         = "eu-west-1"
                    encrypt        = true
                    dynamodb_table = "terraform-locks"
                    """,
                },
                note="settings merged from a backend configuration file",
            ),
            good(
                """
                terraform {
                  backend "s3" {
                    region = "eu-west-1"
                  }
                }
                """,
                note="partial configuration: the rest is given at `terraform init`",
            ),
        ],
    ),
)
def state_backend_insecure(ctx: Context) -> Iterator[Report]:
    """Terraform state backend is not encrypted or not locked.

    What it checks:
        A `backend "s3"` block, merged with a `*.s3.tfbackend`/`backend.hcl`
        file kept beside it: without `encrypt = true` the state object is
        written without requesting server-side encryption (high; a `kms_key_id`
        or `sse_customer_key` also counts as encryption); without locking —
        `use_lockfile = true` or a non-empty `dynamodb_table` — two runs can
        corrupt the state (medium). Both default to off. A partial configuration (no
        `bucket` or no `key` after merging the files) is completed at
        `terraform init -backend-config=...`, where these settings may be given:
        the rule then does not decide.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1 and CC6.1: the state holds
        every secret Terraform manages (database passwords, keys) and is the
        record of what is deployed; it must be encrypted, and changes to it
        must be serialised.
    How to fix:
        `encrypt = true` (and `kms_key_id` for a customer managed key) and
        `use_lockfile = true` (Terraform 1.10+) or `dynamodb_table = "..."`.
    References:
        - https://developer.hashicorp.com/terraform/language/backend/s3
        - https://developer.hashicorp.com/terraform/language/backend#partial-configuration
    """
    for be in ctx.graph.nodes("backend", category="backend"):
        if be.type != "s3":
            continue
        bucket, key = be.attr("bucket"), be.attr("key")
        if bucket.missing or key.missing:
            # partial configuration: -backend-config supplies the rest
            yield from ctx.unresolved(be, bucket if bucket.missing else key, "backend settings")
            continue
        enc = be.attr("encrypt")
        if enc.unknown:
            yield from ctx.unresolved(be, enc)
        else:
            flag = False if enc.missing else to_bool(enc.value)
            other_sse = be.attr("kms_key_id").present or be.attr("sse_customer_key").present
            if flag is False and not (enc.missing and other_sse):
                shown = "not set (default false)" if enc.missing else describe_value(enc.value)
                yield ctx.finding(
                    be,
                    enc,
                    f"{be.address}: S3 backend `encrypt` is {shown}: the state, which holds "
                    "secrets, is not encrypted by the backend",
                )
        lockfile, table = be.attr("use_lockfile"), be.attr("dynamodb_table")
        if lockfile.unknown or table.unknown:
            continue
        # an empty `dynamodb_table` is the same as none (the S3 backend ignores it)
        has_table = table.present and not (isinstance(table.value, str) and not table.value.strip())
        locked = (to_bool(lockfile.value) if lockfile.present else False) or has_table
        if not locked:
            yield ctx.finding(
                be,
                lockfile,
                f"{be.address}: S3 backend has no state locking (neither `use_lockfile = true` "
                "nor `dynamodb_table`)",
                severity=Severity.MEDIUM,
            )


# --------------------------------------------------------------------------
# CHG004: force_destroy
# --------------------------------------------------------------------------


@rule(
    id="CHG004",
    slug="s3-force-destroy",
    severity=Severity.MEDIUM,
    tsc=("CC8.1", "A1.2"),
    checklist=CHECKLIST,
    fix={"terraform": "Remove `force_destroy = true` (the default is false)."},
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_s3_bucket" "audit" {
                  bucket        = "acme-audit-logs"
                  force_destroy = true
                }
                """,
                address="aws_s3_bucket.audit",
                line=3,
            ),
            bad(
                """
                variable "force_destroy" {
                  type    = bool
                  default = true
                }

                resource "aws_s3_bucket" "data" {
                  bucket        = "acme-data"
                  force_destroy = var.force_destroy
                }
                """,
                address="aws_s3_bucket.data",
                line=8,
            ),
        ],
        good=[
            good(
                """
                resource "aws_s3_bucket" "audit" {
                  bucket = "acme-audit-logs"
                }
                """
            ),
            good(
                """
                variable "force_destroy" {
                  type = bool
                }

                resource "aws_s3_bucket" "data" {
                  bucket        = "acme-data"
                  force_destroy = var.force_destroy
                }
                """
            ),
        ],
    ),
)
def s3_force_destroy(ctx: Context) -> Iterator[Report]:
    """S3 bucket can be destroyed with all its objects.

    What it checks:
        `aws_s3_bucket` with `force_destroy = true` (default false). Terraform
        only: CloudFormation cannot delete a non-empty bucket.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1 and A1.2: with
        `force_destroy` a `terraform destroy`, a renamed resource or a bad
        refactor empties and deletes the bucket without any further
        confirmation; data removal should be a deliberate step.
    How to fix:
        Remove `force_destroy` (or set it to false) on production buckets; keep
        it for disposable test environments only.
    References:
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket#force_destroy
    """
    for b in ctx.graph.nodes("AWS::S3::Bucket"):
        if b.language != "terraform":
            continue
        yield from check_value(
            ctx,
            b,
            tf="force_destroy",
            cfn=None,
            ok=lambda v: to_bool(v) is not True,
            what="deletes every object on destroy",
            expected="false",
        )


# --------------------------------------------------------------------------
# CHG005: skip_final_snapshot
# --------------------------------------------------------------------------


@rule(
    id="CHG005",
    slug="db-skip-final-snapshot",
    severity=Severity.MEDIUM,
    tsc=("CC8.1", "A1.2"),
    checklist=CHECKLIST,
    fix={
        "terraform": (
            "Remove `skip_final_snapshot = true` (the default is false) and set "
            "`final_snapshot_identifier`."
        )
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "orders" {
                  engine              = "postgres"
                  instance_class      = "db.m6g.large"
                  skip_final_snapshot = true
                }
                """,
                address="aws_db_instance.orders",
                line=4,
            ),
            bad(
                {
                    "main.tf": """
                    module "aurora" {
                      source              = "./modules/aurora"
                      skip_final_snapshot = true
                    }
                    """,
                    "modules/aurora/main.tf": """
                    variable "skip_final_snapshot" {
                      type    = bool
                      default = false
                    }

                    resource "aws_rds_cluster" "this" {
                      cluster_identifier          = "orders"
                      engine                      = "aurora-postgresql"
                      master_username             = "app"
                      manage_master_user_password = true
                      skip_final_snapshot         = var.skip_final_snapshot
                    }
                    """,
                },
                address="module.aurora.aws_rds_cluster.this",
                file="modules/aurora/main.tf",
                line=11,
            ),
        ],
        good=[
            good(
                """
                resource "aws_db_instance" "orders" {
                  identifier                = "orders"
                  engine                    = "postgres"
                  instance_class            = "db.m6g.large"
                  final_snapshot_identifier = "orders-final"
                }

                resource "aws_db_instance" "replica" {
                  replicate_source_db = aws_db_instance.orders.identifier
                  instance_class      = "db.m6g.large"
                  skip_final_snapshot = true
                }
                """,
                note="a read replica cannot take a final snapshot",
            ),
            good(
                """
                variable "is_ephemeral" {
                  type = bool
                }

                resource "aws_docdb_cluster" "docs" {
                  cluster_identifier  = "docs"
                  master_username     = "app"
                  master_password     = var.password
                  skip_final_snapshot = var.is_ephemeral
                }

                variable "password" {
                  type      = string
                  sensitive = true
                }
                """
            ),
        ],
    ),
)
def db_skip_final_snapshot(ctx: Context) -> Iterator[Report]:
    """Database is deleted without a final snapshot.

    What it checks:
        `skip_final_snapshot = true` on `aws_db_instance` (not read replicas,
        which cannot take one), `aws_rds_cluster`, `aws_docdb_cluster` and
        `aws_neptune_cluster`. The provider default is false (a final snapshot
        is taken). Terraform only: in CloudFormation the equivalent is the
        `DeletionPolicy`, checked by CHG006.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1 and A1.2: a destroy or a
        replacement forced by a changed argument would drop the database with
        no way back.
    How to fix:
        Remove `skip_final_snapshot` (or set it to false) and give a
        `final_snapshot_identifier`.
    References:
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#skip_final_snapshot
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/rds_cluster#skip_final_snapshot
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/docdb_cluster#skip_final_snapshot
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/neptune_cluster#skip_final_snapshot
    """
    for db in ctx.graph.nodes(
        (
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::DocDB::DBCluster",
            "AWS::Neptune::DBCluster",
        )
    ):
        if db.language != "terraform" or is_cluster_member(db) or is_read_replica(db):
            continue
        yield from check_value(
            ctx,
            db,
            tf="skip_final_snapshot",
            cfn=None,
            ok=lambda v: to_bool(v) is not True,
            what="takes no final snapshot when deleted",
            expected="false",
        )


# --------------------------------------------------------------------------
# CHG006: DeletionPolicy / UpdateReplacePolicy
# --------------------------------------------------------------------------

STATEFUL_KINDS = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::EFS::FileSystem",
    "AWS::S3::Bucket",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ServerlessCache",
)


def _default_deletion_policy(node: Node) -> str:
    if node.kind == "AWS::RDS::DBCluster":
        return "Snapshot"
    if node.kind == "AWS::RDS::DBInstance" and not is_cluster_member(node):
        return "Snapshot"
    return "Delete"


@rule(
    id="CHG006",
    slug="stateful-resource-deletion-policy",
    severity=Severity.MEDIUM,
    tsc=("CC8.1", "A1.2"),
    checklist=CHECKLIST,
    fix={
        "cloudformation": (
            "Set `DeletionPolicy` and `UpdateReplacePolicy` to `Retain` (or `Snapshot` for "
            "RDS and ElastiCache) on the resource."
        ),
    },
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Orders:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                """,
                address="Orders",
                line=2,
            ),
            bad(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    DeletionPolicy: Delete
                    UpdateReplacePolicy: Snapshot
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.m6g.large
                      AllocatedStorage: "100"
                """,
                address="Database",
                line=4,
            ),
            bad(
                """
                Resources:
                  Uploads:
                    Type: AWS::S3::Bucket
                    DeletionPolicy: Retain
                    Properties:
                      VersioningConfiguration:
                        Status: Enabled
                """,
                address="Uploads",
                line=2,
                note="UpdateReplacePolicy defaults to Delete",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Orders:
                    Type: AWS::DynamoDB::Table
                    DeletionPolicy: Retain
                    UpdateReplacePolicy: Retain
                    Properties:
                      BillingMode: PAY_PER_REQUEST
                      AttributeDefinitions:
                        - AttributeName: id
                          AttributeType: S
                      KeySchema:
                        - AttributeName: id
                          KeyType: HASH
                  Queue:
                    Type: AWS::SQS::Queue
                """
            ),
            good(
                """
                Resources:
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    UpdateReplacePolicy: Snapshot
                    Properties:
                      Engine: aurora-postgresql
                      MasterUsername: app
                      ManageMasterUserPassword: true
                  Writer:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: aurora-postgresql
                      DBClusterIdentifier: !Ref Cluster
                      DBInstanceClass: db.r6g.large
                  Pages:
                    Type: AWS::ElastiCache::CacheCluster
                    Properties:
                      Engine: memcached
                      CacheNodeType: cache.t4g.small
                      NumCacheNodes: 2
                """,
                note="DBCluster deletion defaults to Snapshot; members and Memcached are exempt",
            ),
        ],
    ),
)
def stateful_resource_deletion_policy(ctx: Context) -> Iterator[Report]:
    """Stateful resource is deleted with its data when the stack removes or replaces it.

    What it checks:
        CloudFormation RDS instances and clusters, DynamoDB tables and global
        tables, EFS file systems, S3 buckets and ElastiCache replication groups,
        Redis clusters and serverless caches, by their `DeletionPolicy` and
        `UpdateReplacePolicy` resource attributes: the resource fails when
        either resolves to `Delete`, written or by default. CloudFormation's
        documented defaults: `DeletionPolicy` is `Delete`, except `Snapshot` for
        `AWS::RDS::DBCluster` and for an `AWS::RDS::DBInstance` without
        `DBClusterIdentifier`; `UpdateReplacePolicy` is `Delete` for every type
        — the UpdateReplacePolicy documentation lists no exception, so an RDS
        instance or cluster without `UpdateReplacePolicy` fails too (RULES.md
        says RDS defaults to `Snapshot` and passes: that holds for
        `DeletionPolicy` only). Aurora member instances (with
        `DBClusterIdentifier`) and Memcached clusters (no durable data) are
        exempt. One finding per resource; the message names each attribute at
        fault; it points at the written attribute when there is one.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1 and A1.2: a stack deletion,
        or an update that replaces the resource (a changed engine, name or key
        schema), must not silently destroy production data.
    How to fix:
        `DeletionPolicy: Retain` (or `Snapshot` where supported) and
        `UpdateReplacePolicy: Retain` (or `Snapshot`) on the resource.
    References:
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html
    """
    for n in ctx.graph.nodes(STATEFUL_KINDS):
        if n.language != "cloudformation" or is_cluster_member(n):
            continue
        if n.kind == "AWS::ElastiCache::CacheCluster":
            engine = n.attr("Engine").value
            if isinstance(engine, Unknown):
                yield from ctx.unresolved(n, n.attr("Engine"))
                continue
            if not (isinstance(engine, str) and engine.lower() in ("redis", "valkey")):
                continue
        failing: list[tuple[str, str, bool]] = []  # (attribute, value, written)
        undecided = False
        for attr_name, meta_key, default in (
            ("DeletionPolicy", "deletion_policy", _default_deletion_policy(n)),
            ("UpdateReplacePolicy", "update_replace_policy", "Delete"),
        ):
            value = n.meta.get(meta_key)
            if value is None:
                if default == "Delete":
                    failing.append((attr_name, default, False))
            elif isinstance(value, str):
                if value == "Delete":
                    failing.append((attr_name, value, True))
            else:
                undecided = True
        if not failing:
            if undecided:
                yield from ctx.unresolved(n, ("@DeletionPolicy",), "the deletion policy")
            continue
        written = [f for f in failing if f[2]]
        at: tuple[str, ...] = (f"@{written[0][0]}",) if written else ()
        parts = [
            f"`{name}` is Delete" if was_written else f"`{name}` is not set (default Delete)"
            for name, _, was_written in failing
        ]
        yield ctx.finding(
            n,
            at,
            f"{n.address}: {' and '.join(parts)}: the data is deleted when the stack "
            + (
                "removes or replaces the resource"
                if len(failing) == 2
                else (
                    "removes the resource"
                    if failing[0][0] == "DeletionPolicy"
                    else "replaces the resource"
                )
            ),
        )


RULES: tuple[Rule, ...] = (
    module_source_unpinned,
    provider_version_unpinned,
    state_backend_insecure,
    s3_force_destroy,
    db_skip_final_snapshot,
    stateful_resource_deletion_policy,
)
