from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Node, Severity, Unknown, to_bool
from soc2lint.rule import Context, RelatedRef, Report, from_view, rule
from soc2lint.secretnames import looks_password
from soc2lint.views.populations import password_named_inputs

from ._shared import (
    CHECKLIST_HARDCODING,
    TSC,
    Place,
    _finding,
    is_literal_secret,
    mask,
    password_fields,
    written_place,
)


def _is_aws_resource(node: Node) -> bool:
    return node.category == "resource" and (
        node.type.startswith("aws_") or node.type.startswith("AWS::")
    )


def _managed_password(node: Node) -> bool | None:
    flag = node.attr(tf="manage_master_user_password", cfn="ManageMasterUserPassword")
    if flag.missing:
        return False
    if flag.unknown:
        return None
    return to_bool(flag.value) is True


def password_holders(graph: ResourceGraph) -> list[Node]:
    """SEC003's population: password-named variables and parameters, and the AWS
    resources with a password field."""
    out = password_named_inputs(graph)
    out.extend(
        n
        for n in graph.nodes(None)
        if _is_aws_resource(n) and next(iter(password_fields(n.attrs, ())), None) is not None
    )
    return out


PASSWORD_HOLDERS = from_view(
    password_holders,
    what="password-named variables and parameters, and AWS resources with a password field",
)


@rule(
    id="SEC003",
    slug="hardcoded-password",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST_HARDCODING,
    subjects=PASSWORD_HOLDERS,
    control="No password is written in the code.",
    fix={
        "terraform": (
            "Do not write the password: use `manage_master_user_password = true` (RDS, Aurora, "
            "Redshift), a `random_password` stored in Secrets Manager, or read it from "
            "`aws_secretsmanager_secret_version` / an ephemeral resource; remove literal "
            "defaults from password variables (mark them `sensitive = true`)."
        ),
        "cloudformation": (
            "Use `ManageMasterUserPassword: true`, or `{{resolve:secretsmanager:...}}` / a "
            "`AWS::SecretsManager::Secret` with `GenerateSecretString`; give password parameters "
            "`NoEcho: true` and no `Default`."
        ),
    },
)
def hardcoded_password(ctx: Context) -> Iterator[Report]:
    """Password written in the code.

    What it checks:
        A literal in a password field of an AWS resource: `password`,
        `master_password`, `master_user_password`, `auth_token`, `admin_password`,
        `admin_user_password` (and their `_wo` write-only forms) in Terraform — RDS
        instances and clusters, Redshift, DocumentDB, the OpenSearch master user
        (`advanced_security_options.master_user_options.master_user_password`),
        ElastiCache `auth_token`, MQ users, DMS endpoints, directories... — and
        `MasterUserPassword`, `Password`, `AuthToken`, `AdminPassword` in
        CloudFormation, plus `passwords` / `Passwords` lists (ElastiCache and
        MemoryDB users); field names are compared without case or underscores, so a
        Glue connection's `PASSWORD` or a CloudFormation `LoginProfile.Password`
        count too, and so do password fields inside JSON or YAML documents held
        in a string (a Secrets Manager `secret_string`/`SecretString` built with
        `jsonencode` or `!Sub`, an SSM document), even when other values in the
        document are references. Not literals, so never findings: `{{...}}`
        placeholders (SSM `{{ssm-secure:...}}`, document parameters), variables and parameters
        without a default, resource references, `random_password`, Secrets Manager
        and SSM values, `{{resolve:...}}` dynamic references (all unknown to a
        static scan), and `manage_master_user_password = true` /
        `ManageMasterUserPassword: true`. When the field takes a variable or
        parameter whose default (or tfvars value, or module input) is the literal,
        the finding names that variable / parameter / module call and points at the
        literal; a literal in a local is named at the local. A password-named
        `variable` with a literal default, or CloudFormation parameter with a
        `Default`, is a finding on its own even when unused (not a parameter of an
        SSM type, `AWS::SSM::Parameter::Value<String>`, whose `Default` is the name
        of the SSM parameter); each written literal is reported once. A value
        that names where the password is stored is not a password (RULES.md):
        an SSM or Secrets Manager ARN, or a parameter or secret name written as
        a path (`/prod/db_password`, `admin/db_password`, `/prod/app/db`). Empty strings are not passwords and are not reported;
        obvious placeholders such as "changeme" are reported, because they are
        deployed as they are.
    Why it matters for SOC 2:
        Checklist B "No key hardcoding": a password in the repository is readable
        by everyone with access to it, its history and its forks, cannot be rotated
        without a code change, and defeats access control to the data store (CC6.1).
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
        - https://docs.aws.amazon.com/secretsmanager/latest/userguide/hardcoded.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#manage_master_user_password
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
    """
    graph = ctx.graph
    done: set[tuple[str, str, tuple[Any, ...]]] = set()

    def emit(place: Place, message: str) -> Iterator[Report]:
        if place.key in done:
            return
        done.add(place.key)
        yield _finding(ctx, place, message)

    # password-named variables and parameters with a literal default (or tfvars value)
    for var in graph.nodes("variable", category="variable"):
        name = var.address.rsplit(".", 1)[-1]
        if not looks_password(name):
            continue
        default = var.attrs.get("default")
        if is_literal_secret(default):
            yield from emit(
                Place(var, ("default",)),
                f"{var.address}: password variable has a literal default ({mask(default)})",
            )
        o = var.origins.get(("value",))
        value = var.attrs.get("value")
        if (
            o is not None
            and o.range is not None
            and ".tfvars" in o.range.file
            and is_literal_secret(value)
        ):
            yield from emit(
                Place(var, ("value",), replace(o, address=var.address)),
                f"{var.address}: password variable is set to a literal in {o.range.file} ({mask(value)})",
            )
    for param in graph.nodes("parameter", category="parameter"):
        if not looks_password(param.address.rsplit("/", 1)[-1]):
            continue
        ptype = param.attrs.get("Type")
        if isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter::"):
            # the Default names an SSM parameter; the value is resolved at deploy
            ctx.not_applicable(param, "an SSM parameter type: the value is read at deploy time")
            continue
        default = param.attrs.get("Default")
        if is_literal_secret(default):
            yield from emit(
                Place(param, ("Default",)),
                f"{param.address}: password parameter has a literal Default ({mask(default)})",
            )

    # literals in password fields, named where they are written
    for node in graph.nodes(None):
        if not _is_aws_resource(node):
            continue
        fields = list(password_fields(node.attrs, ()))
        if not fields:
            continue
        managed = _managed_password(node)
        for path, value in fields:
            top_level = len(path) == 1
            if top_level and managed is not False:
                continue
            field = next((p for p in reversed(path) if isinstance(p, str)), "")
            if isinstance(value, Unknown):
                if not value.secret:
                    yield from ctx.unresolved(node, path)
                continue
            if not is_literal_secret(value):
                continue
            place = written_place(graph, node, path, value)
            if place is None:
                continue
            if place.node is node and place.range is None:
                yield from emit(
                    place, f"{node.address}: `{field}` is a literal password ({mask(value)})"
                )
                continue
            if place.key in done:
                continue
            done.add(place.key)
            yield _finding(
                ctx,
                place,
                f"{place.address or place.node.address}: literal password ({mask(value)}) used as "
                f"`{field}` of {node.address}",
                related=[RelatedRef(node, path, f"`{field}` of {node.address}")],
            )
