from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from soc2lint.model import Node, Path, Severity, Unknown, document, known_structure
from soc2lint.rule import Context, RelatedRef, Report, of_kinds, rule
from soc2lint.secretnames import looks_password, looks_secret

from ._shared import CHECKLIST_HARDCODING, TSC, _finding, is_literal_secret, mask, written_place

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://([^/?#\s]*)", re.IGNORECASE)


def _is_trivial(value: str) -> bool:
    """Values that cannot be a secret: flags, numbers, null words, URLs without credentials."""
    text = value.strip().lower()
    url = _URL.match(text)
    if url:
        return "@" not in url.group(1)
    if text in (
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "none",
        "null",
        "nil",
        "enabled",
        "disabled",
    ):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def _env_entries(node: Node) -> Iterator[tuple[Path, str, Any]]:
    """(path of the value, variable name, value) of every environment variable of a function or task."""
    if node.kind == "AWS::Lambda::Function":
        for a in node.attrs_at(tf="environment.variables", cfn="Environment.Variables"):
            # known_structure: variables = merge(var.common, { API_TOKEN = "..." })
            variables = known_structure(a.value)
            if isinstance(variables, dict):
                for k, v in variables.items():
                    yield (*a.path, k), str(k), v
        return
    if node.language == "cloudformation":
        for a in node.attrs_at("ContainerDefinitions[].Environment[]"):
            if isinstance(a.value, dict) and isinstance(a.value.get("Name"), str):
                yield (*a.path, "Value"), a.value["Name"], a.value.get("Value")
        return
    # a JSON string (jsonencode, file, heredoc), partly known when it holds references
    containers = known_structure(document(node.attrs.get("container_definitions")))
    if isinstance(containers, dict):
        containers = [containers]
    if not isinstance(containers, list):
        return
    for i, c in enumerate(containers):
        env = known_structure(c.get("environment")) if isinstance(c, dict) else None
        if not isinstance(env, list):
            continue
        for j, e in enumerate(env):
            if isinstance(e, dict) and isinstance(e.get("name"), str):
                yield (
                    ("container_definitions", i, "environment", j, "value"),
                    e["name"],
                    e.get("value"),
                )


@rule(
    id="SEC004",
    slug="secret-in-environment",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST_HARDCODING,
    subjects=of_kinds(
        "AWS::Lambda::Function",
        "AWS::ECS::TaskDefinition",
        what="Lambda functions and ECS task definitions",
    ),
    control="Secrets reach functions and containers from a secret store, not plain environment variables.",
    fix={
        "terraform": (
            "Keep the secret in Secrets Manager or SSM Parameter Store (SecureString): ECS "
            "containers reference it in `secrets = [{ name, valueFrom }]`; Lambda functions "
            "read it at runtime (the AWS Parameters and Secrets Lambda extension) and get only "
            "its name or ARN in the environment."
        ),
        "cloudformation": (
            "Use ECS `Secrets: [{Name, ValueFrom}]`, or pass the secret's ARN to the Lambda "
            "function and read it at runtime; at minimum use `{{resolve:secretsmanager:...}}` "
            "instead of a literal."
        ),
    },
)
def secret_in_environment(ctx: Context) -> Iterator[Report]:
    """Secret stored as a plain environment variable.

    What it checks:
        Environment variables of Lambda functions (`aws_lambda_function`
        `environment.variables`, `AWS::Lambda::Function` and SAM
        `AWS::Serverless::Function` `Environment.Variables`) and ECS containers
        (`aws_ecs_task_definition` `container_definitions`, a JSON string from
        `jsonencode`, `file()` or a heredoc that is decoded, its known values read
        even when other values in it are references; variables built with
        `merge(var.x, {...})` are read for the keys written after the unknown map;
        `AWS::ECS::TaskDefinition`
        `ContainerDefinitions[].Environment`) whose name looks like a secret
        (password, secret, token, API key, private key, client secret, connection
        string; not names that only refer to one such as `..._SECRET_ARN` or
        `..._TOKEN_URL`) and whose value is a literal. Flags and numbers, ARNs,
        `{{resolve:...}}` references and unknown values are not findings; ECS
        `secrets` / `Secrets` entries are the fix. When the literal comes from a
        variable default, tfvars value, module input or parameter default, the
        finding names that place (and leaves password-named variables to SEC003).
    Why it matters for SOC 2:
        Checklist B "No key hardcoding": environment variables are shown in the
        console, returned by `GetFunctionConfiguration` / `DescribeTaskDefinition`
        to anyone with read access, and copied into logs and crash reports, so the
        secret is not protected by access control (CC6.1).
    References:
        - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
        - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html
        - https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_task_definition
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-containerdefinition.html
    """
    graph = ctx.graph
    done: set[tuple[str, str, tuple[Any, ...]]] = set()
    for node in graph.nodes(("AWS::Lambda::Function", "AWS::ECS::TaskDefinition")):
        if node.kind == "AWS::ECS::TaskDefinition" and node.language == "terraform":
            raw = node.attrs.get("container_definitions")
            if isinstance(raw, Unknown) and not isinstance(known_structure(raw), dict | list):
                yield from ctx.unresolved(node, ("container_definitions",))
                continue
        for path, name, value in _env_entries(node):
            if not looks_secret(name):
                continue
            if isinstance(value, Unknown):
                if not value.secret:
                    yield from ctx.unresolved(node, path, f"environment variable {name}")
                continue
            if not is_literal_secret(value) or _is_trivial(value):
                continue
            place = written_place(graph, node, path, value)
            if place is None:
                continue
            owner = place.node
            if (
                owner is not node
                and owner.category in ("variable", "parameter")
                and place.path in (("default",), ("value",), ("Default",))
                and looks_password(owner.address.rsplit(".", 1)[-1])
            ):
                continue  # SEC003 names the password variable
            if place.key in done:
                continue
            done.add(place.key)
            where = place.address or node.address
            related = (
                [RelatedRef(node, path, f"environment of {node.address}")]
                if place.node is not node
                else []
            )
            yield _finding(
                ctx,
                place,
                f"{where}: environment variable {name} of {node.address} holds a literal secret "
                f"({mask(value)})",
                related=related,
            )
