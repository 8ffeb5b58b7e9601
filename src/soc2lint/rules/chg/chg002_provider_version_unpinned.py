from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from soc2lint.model import Node, Range, Severity, Unknown
from soc2lint.rule import Context, Report, of_kinds, rule

from ._shared import CHECKLIST, is_downloaded

#: Terraform's built-in provider: no constraint possible
BUILTIN_PROVIDERS = frozenset({"terraform"})


def _provider_of_type(type_: str) -> str:
    return type_.split("_", 1)[0]


#: the module calls an address starts with (``module.x.``, ``module.y["k"].``, ``module.z[0].``)
_MODULE_PREFIX = re.compile(r'^(?:module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.)*')


def _local_name(provider_address: str) -> str:
    """``provider.aws.east`` / ``module.x.provider.aws`` -> ``aws``.

    The module calls come off first, so a module named ``identity_provider`` or
    ``provider`` does not read as the provider."""
    rest = provider_address[_MODULE_PREFIX.match(provider_address).end() :]  # type: ignore[union-attr]
    if rest.startswith("provider."):
        rest = rest[len("provider.") :]
    elif rest.startswith('provider["'):
        # ``provider["registry.terraform.io/hashicorp/aws"]``: the type is the last part
        return rest[len('provider["') :].split('"', 1)[0].rsplit("/", 1)[-1]
    return rest.split(".", 1)[0]


def _root_range(nodes: list[Node]) -> Range | None:
    """The first line of the root module's first file: where a missing ``terraform`` block
    goes, rather than a shared child module's file."""
    files = sorted(n.range.file for n in nodes if not n.meta.get("module_path"))
    return Range(files[0], 1, 1) if files else None


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
    subjects=of_kinds("terraform", "provider", what="provider requirements"),
    control="Provider versions are constrained.",
    fix={
        "terraform": (
            "Declare every provider in the root module's `terraform { required_providers { ... } }` "
            'with a `version` constraint, e.g. `aws = { source = "hashicorp/aws", '
            'version = "~> 5.0" }`, and commit `.terraform.lock.hcl`.'
        ),
    },
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
        or, when there is none either, on the configuration (`.`) at the first
        line of the root's first file, never in a child module shared by
        several roots. A plan JSON's `configuration.provider_config` carries
        each provider's merged `version_constraint`: that is the plan's
        `required_providers`.
    Why it matters for SOC 2:
        Checklist D (Change Management), TSC CC8.1: without a constraint
        `terraform init` on a fresh machine installs the newest provider,
        bringing behaviour changes into production that nobody reviewed.
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
    root_nodes: dict[str, list[Node]] = {}
    for n in ctx.graph.nodes(None, category=None):
        if n.language != "terraform":
            continue
        if is_downloaded(n):
            continue
        if not n.meta.get("module_path"):
            root_nodes.setdefault(n.scope, []).append(n)
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
                range=_root_range(root_nodes.get(scope, [])) or user.range,
            )
