"""SEC rules: secrets in code (see ../shared/RULES.md).

A value counts as *written in the code* only where it is written: a literal
that reaches an attribute through a variable default, a tfvars file, a module
input or a CloudFormation parameter default carries an ``Origin`` and is
reported where the origin says (the variable, the module call, the
parameter); a literal that an attribute takes from a local or another
resource through a reference is reported where that node writes it, never at
every place it flows to.  Messages and snippets never show a secret: values
are masked to their last four characters (``redact_snippet`` masks the source
lines in text and SARIF output too).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

from soc2lint.graph import ResourceGraph
from soc2lint.model import (
    Node,
    Origin,
    PartialValue,
    Path,
    Range,
    Severity,
    Unknown,
    document,
    known_structure,
    to_bool,
)
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.secretnames import looks_password, looks_secret, words

from ._common import existence_unknown

CHECKLIST_KEYS = "A. No access keys in code"
CHECKLIST_HARDCODING = "B. No key hardcoding"
TSC = ("CC6.1",)

REDACT = {"redact_snippet": True}


# --------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------


def mask(value: str) -> str:
    """A secret in a message: none of its characters, nor its length (CI logs are read
    by many)."""
    return "********"


def mask_key_id(value: str) -> str:
    """An access key ID (an identifier, not a secret): its last four characters, as the
    AWS console shows them; short values are hidden entirely."""
    if len(value) < 12:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def _names(path: Path) -> tuple[str, ...]:
    return tuple(p for p in path if isinstance(p, str))


def origin_at(node: Node, path: Path) -> tuple[Path, Origin] | None:
    """The origin of the value at ``path`` (or of the attribute that contains it)."""
    p = tuple(path)
    while p:
        o = node.origins.get(p)
        if o is not None:
            return p, o
        p = p[:-1]
    return None


def refs_at(graph: ResourceGraph, node: Node, path: Path) -> list[Node]:
    """Nodes that the attribute at ``path`` refers to (by expression)."""
    want = _names(path)
    out: list[Node] = []
    for edge, other in graph.edges(node, "out", edge_kind="ref"):
        have = _names(edge.src_path)
        n = min(len(have), len(want))
        if n and have[:n] == want[:n]:
            out.append(other)
    return out


_REFERENCE_PREFIXES = ("{{resolve:", "arn:aws:", "arn:aws-", "${", "resolve:secretsmanager")


#: a whole value that is a placeholder filled at run time: an SSM document's
#: ``{{ssm-secure:/name}}`` or ``{{ Password }}`` parameter, a dynamic reference
_PLACEHOLDER = re.compile(r"\{\{\s*[\w:/.\-]+\s*\}\}")


def is_literal_secret(value: Any) -> TypeGuard[str]:
    """A known, non-empty string that is not itself a reference to a secret store."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return (
        bool(text)
        and not text.startswith(_REFERENCE_PREFIXES)
        and _PLACEHOLDER.fullmatch(text) is None
    )


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


@dataclass(frozen=True)
class Place:
    """Where a literal is written: the node to name, the path, an optional range override."""

    node: Node
    path: Path
    range: Range | None = None
    address: str | None = None

    @property
    def key(self) -> tuple[str, str, tuple[Any, ...]]:
        """One finding per written place: the scope, the name and the source position."""
        r = self.range or self.node.location_of(self.path)
        return (
            self.node.scope,
            self.address or self.node.address,
            (r.file, r.start_line, r.start_col),
        )


def place_of_origin(graph: ResourceGraph, node: Node, opath: Path, origin: Origin) -> Place | None:
    """Where a value that came through ``origin`` is written; None when not in the scanned code."""
    if origin.range is None:
        return None  # --var, TF_VAR_..., --cfn-parameters: not in the code
    owner = graph.find(node.scope, origin.address) if origin.address else None
    if owner is None:
        return Place(node, opath, origin.range, origin.address)
    if owner.category == "variable":
        path: Path = ("default",) if origin.via.startswith("var.") else ("value",)
    elif owner.category == "parameter":
        path = ("Default",)
    elif " input " in origin.via:
        path = (origin.via.rsplit(" input ", 1)[-1],)
    else:
        path = opath
    return Place(owner, path, origin.range, owner.address)


def _finding(ctx: Context, place: Place, message: str, **kw: Any) -> Report:
    return ctx.finding(
        place.node,
        place.path,
        message,
        range=place.range,
        address=place.address if place.address != place.node.address else None,
        properties=REDACT,
        **kw,
    )


# ==========================================================================
# SEC001 hardcoded-aws-credentials
# ==========================================================================

AWS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_HEX = re.compile(r"^[0-9a-fA-F]+$")

#: the example credentials of AWS's documentation: still findings (they are
#: copied into real code), but the message says what they are
AWS_EXAMPLE_KEYS = frozenset({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})


def aws_key_ids(text: str) -> list[str]:
    """Access key IDs in ``text``; placeholders such as ``AKIAXXXXXXXXXXXXXXXX`` are not."""
    return [k for k in AWS_KEY_ID.findall(text) if len(set(k[4:])) > 2]


def aws_secret_keys(text: str) -> list[str]:
    """40-character strings shaped like a secret access key (base64, mixed case, not hex)."""
    out = []
    for s in AWS_SECRET.findall(text):
        if _HEX.match(s):
            continue
        if not (any(c.islower() for c in s) and any(c.isupper() for c in s)):
            continue
        if not any(c.isdigit() or c in "/+" for c in s):
            continue
        out.append(s)
    return out


def credential_named(name: str) -> bool:
    joined = "".join(words(name))
    return looks_secret(name) or any(
        t in joined for t in ("accesskey", "keyid", "credential", "secretkey", "awskey")
    )


@dataclass(frozen=True)
class StringHit:
    path: Path
    field: str
    token: str


#: attributes that are derived, not written (Terraform renders them from others)
_DERIVED = {"tags_all", "json", "minified_json"}


def _scan_roots(node: Node) -> list[tuple[Path, Any, Range | None, str]]:
    """The attributes of a node that hold text written in it.

    (path, value, range override, field name): a variable's default, a
    parameter's Default, a local or output value are named by the variable,
    parameter, local or output itself.
    """
    own = node.address.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    if node.category == "variable":
        roots: list[tuple[Path, Any, Range | None, str]] = []
        if "default" in node.attrs:
            roots.append((("default",), node.attrs["default"], None, own))
        o = node.origins.get(("value",))
        if o is not None and o.range is not None and ".tfvars" in o.range.file:
            roots.append((("value",), node.attrs.get("value"), o.range, own))
        return roots
    if node.category == "parameter":
        if "Default" in node.attrs:
            return [(("Default",), node.attrs["Default"], None, own)]
        return []
    if node.category in ("template", "terraform"):
        return []
    if node.category in ("local", "output"):
        key = "Value" if "Value" in node.attrs else "value"
        return [((key,), node.attrs.get(key), None, own)]
    return [((k,), v, None, k) for k, v in node.attrs.items() if k not in _DERIVED]


def _walk_strings(
    value: Any, path: Path, field: str, depth: int = 0
) -> Iterator[tuple[Path, str, str]]:
    """(path, field name, text) of every string in ``value``, JSON text walked into."""
    out: list[tuple[Path, str, str]] = []
    _collect_strings(value, path, field, depth, out)
    return iter(out)


def _collect_strings(
    value: Any, path: Path, field: str, depth: int, out: list[tuple[Path, str, str]]
) -> None:
    # a list, not a generator: every node's every string goes through here
    if depth > 40:
        return
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("{", "[") and len(text) < 200_000:
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict | list):
                _collect_strings(decoded, path, field, depth + 1, out)
                return
        out.append((path, field, value))
    elif isinstance(value, PartialValue):
        # a partly known document or map: its known values, at their own paths
        _collect_strings(known_structure(value), path, field, depth + 1, out)
    elif isinstance(value, dict):
        # {name: X, value: Y} pairs (ECS environment, CodeBuild variables) are named by X
        pair_name = value.get("name", value.get("Name"))
        for k, v in value.items():
            if isinstance(v, str | dict | list | PartialValue):
                sub = str(k)
                if isinstance(pair_name, str) and sub in ("value", "Value"):
                    sub = pair_name
                _collect_strings(v, (*path, k), sub, depth + 1, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str | dict | list | PartialValue):
                _collect_strings(v, (*path, i), field, depth + 1, out)


def _may_hold_credentials(value: Any, depth: int) -> bool:
    """False when no string :func:`_walk_strings` finds in ``value`` can hold a key: each
    is short and names no key prefix (and none is JSON text, which it would decode).
    A cheap first pass: it builds no paths, and almost every attribute fails it."""
    if depth > 40:
        return False
    if isinstance(value, str):
        if "AKIA" in value or "ASIA" in value or len(value) >= 40:
            return True
        return value.strip()[:1] in ("{", "[")
    if isinstance(value, PartialValue):
        return _may_hold_credentials(known_structure(value), depth + 1)
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return False
    deeper = depth + 1
    for v in value:
        if isinstance(v, str):  # the test above, inline: most values are strings
            if deeper <= 40 and (
                "AKIA" in v or "ASIA" in v or len(v) >= 40 or v.strip()[:1] in ("{", "[")
            ):
                return True
        elif isinstance(v, dict | list | PartialValue) and _may_hold_credentials(v, deeper):
            return True
    return False


@dataclass
class _NodeHits:
    node: Node
    keys: list[tuple[StringHit, Range | None]]
    secrets: list[tuple[StringHit, Range | None]]

    def tokens(self) -> set[str]:
        return {h.token for h, _ in self.keys} | {h.token for h, _ in self.secrets}


def _credential_hits(graph: ResourceGraph) -> list[_NodeHits]:
    out: list[_NodeHits] = []
    for node in graph.nodes(None, category=None):
        keys: list[tuple[StringHit, Range | None]] = []
        secrets: list[tuple[StringHit, Range | None]] = []
        for root, value, rng, field in _scan_roots(node):
            if not _may_hold_credentials(value, 0):
                continue
            for path, name, text in _walk_strings(value, root, field):
                if "AKIA" not in text and "ASIA" not in text and len(text) < 40:
                    continue
                for k in aws_key_ids(text):
                    keys.append((StringHit(path, name, k), rng))
                for s in aws_secret_keys(text):
                    secrets.append((StringHit(path, name, s), rng))
        if keys or secrets:
            out.append(_NodeHits(node, keys, secrets))
    return out


def _example_note(*tokens: str) -> str:
    if any(t in AWS_EXAMPLE_KEYS for t in tokens):
        return " (AWS documentation's example credentials: replace them with a role or profile)"
    return ""


@rule(
    id="SEC001",
    slug="hardcoded-aws-credentials",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST_KEYS,
    fix={
        "terraform": (
            "Remove `access_key`/`secret_key` and any key literal from the code; let the provider "
            "use the environment, a shared profile, SSO or `assume_role`, and give workloads IAM "
            "roles. Rotate the exposed key: it is in the repository history."
        ),
        "cloudformation": (
            "Remove the key from the template; give the workload an IAM role (execution role, "
            "instance profile, task role) and read other secrets with `{{resolve:secretsmanager:...}}`. "
            "Rotate the exposed key."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                provider "aws" {
                  region     = "us-west-2"
                  access_key = "AKIAIOSFODNN7EXAMPLE"
                  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
                }
                """,
                address="provider.aws",
                line=3,
                note="literal credentials in the provider (the AWS docs' example pair)",
            ),
            bad(
                """
                resource "aws_instance" "batch" {
                  ami           = "ami-0c55b159cbfafe1f0"
                  instance_type = "t3.micro"
                  user_data     = <<-EOF
                    #!/bin/bash
                    export AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986
                    export AWS_SECRET_ACCESS_KEY=q8Hw2nRzX4vLp0TsYc7JkDe9BfMa5Ug3Wi6Ko1Nb
                    aws s3 sync s3://acme-batch-input /data
                  EOF
                }
                """,
                address="aws_instance.batch",
                line=4,
                note="a key pair inside user data",
            ),
            bad(
                {
                    "main.tf": """
                    variable "ci_access_key" {
                      type = string
                    }

                    provider "aws" {
                      alias      = "ci"
                      region     = "eu-west-1"
                      access_key = var.ci_access_key
                    }
                    """,
                    "terraform.tfvars": """
                    ci_access_key = "AKIAQYLPMN5HHHFPZAM2"
                    """,
                },
                address="var.ci_access_key",
                line=1,
                file="terraform.tfvars",
                note="a key ID set in terraform.tfvars for a credential-named variable",
            ),
            bad(
                """
                variable "deploy_id" {
                  default = "AKIAQYLPMN5HHHFPZAM2"
                }

                variable "deploy_secret" {
                  default = "q8Hw2nRzX4vLp0TsYc7JkDe9BfMa5Ug3Wi6Ko1Nb"
                }

                provider "aws" {
                  region     = "eu-west-1"
                  access_key = var.deploy_id
                  secret_key = var.deploy_secret
                }
                """,
                address="var.deploy_id",
                line=2,
                note="literal defaults of variables the provider's access_key/secret_key take",
            ),
            bad(
                """
                variable "uploader" {
                  default = "AKIAQYLPMN5HHHFPZAM2"
                }

                resource "aws_lambda_function" "upload" {
                  function_name = "upload"
                  role          = "arn:aws:iam::123456789012:role/upload"
                  runtime       = "python3.12"
                  handler       = "index.handler"
                  filename      = "upload.zip"
                  environment {
                    variables = {
                      AWS_ACCESS_KEY_ID = var.uploader
                    }
                  }
                }
                """,
                address="var.uploader",
                line=2,
                note="a key ID passed through a variable into a credential-named field",
            ),
            bad(
                """
                resource "aws_secretsmanager_secret" "registry" {
                  name = "registry-credentials"
                }

                resource "aws_ecs_task_definition" "app" {
                  family = "app"
                  container_definitions = jsonencode([{
                    name  = "app"
                    image = "registry.example.com/app:1.4.2"
                    environment = [
                      { name = "AWS_ACCESS_KEY_ID", value = "AKIAQYLPMN5HHHFPZAM2" },
                      { name = "AWS_SECRET_ACCESS_KEY", value = "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" },
                    ]
                    repositoryCredentials = { credentialsParameter = aws_secretsmanager_secret.registry.arn }
                  }])
                }
                """,
                address="aws_ecs_task_definition.app",
                line=11,
                note="a document with a reference in it (the secret's ARN) is still read",
            ),
        ],
        good=[
            good(
                """
                provider "aws" {
                  region  = "us-west-2"
                  profile = "deploy"
                }
                """,
            ),
            good(
                """
                variable "access_key" {
                  type      = string
                  sensitive = true
                }

                provider "aws" {
                  region                      = "us-east-1"
                  access_key                  = var.access_key
                  secret_key                  = "test"
                  skip_credentials_validation = true
                }
                """,
                note="a variable without a default is unknown; 'test' is a LocalStack placeholder, not a key",
            ),
            good(
                """
                resource "aws_ssm_parameter" "note" {
                  name  = "/docs/key-format"
                  type  = "String"
                  value = "Access key IDs look like AKIAXXXXXXXXXXXXXXXX"
                }
                """,
                note="a placeholder key ID",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Exporter:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      Role: !ImportValue exporter-role-arn
                      Code:
                        ZipFile: "def handler(event, context): pass"
                      Environment:
                        Variables:
                          AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE
                          AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                """,
                address="Exporter",
                line=12,
            ),
            bad(
                """
                Parameters:
                  DeployAccessKeyId:
                    Type: String
                    Default: AKIAQYLPMN5HHHFPZAM2
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                """,
                address="DeployAccessKeyId",
                line=4,
                note="a key ID as the default of a credential-named parameter",
            ),
            bad(
                """
                Parameters:
                  Uploader:
                    Type: String
                    Default: AKIAQYLPMN5HHHFPZAM2
                Resources:
                  Upload:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      Role: !ImportValue upload-role-arn
                      Code:
                        ZipFile: "def handler(event, context): pass"
                      Environment:
                        Variables:
                          AWS_ACCESS_KEY_ID: !Ref Uploader
                """,
                address="Uploader",
                line=4,
                note="a parameter default passed into a credential-named field",
            ),
            bad(
                """
                Resources:
                  Export:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      Role: !ImportValue export-role-arn
                      Code:
                        ZipFile: "def handler(event, context): pass"
                  ExportStateMachine:
                    Type: AWS::StepFunctions::StateMachine
                    Properties:
                      RoleArn: !ImportValue export-sfn-role-arn
                      DefinitionString: !Sub |
                        {
                          "StartAt": "Export",
                          "States": {
                            "Export": {
                              "Type": "Task",
                              "Resource": "${Export.Arn}",
                              "Parameters": {
                                "aws_access_key_id": "AKIAQYLPMN5HHHFPZAM2",
                                "aws_secret_access_key": "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"
                              },
                              "End": true
                            }
                          }
                        }
                """,
                address="ExportStateMachine",
                line=22,
                note="a JSON string built with !Sub from a function's ARN is still read",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Exporter:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      Role: !ImportValue exporter-role-arn
                      Code:
                        ZipFile: "def handler(event, context): pass"
                      Environment:
                        Variables:
                          API_KEY: "{{resolve:secretsmanager:exporter/api:SecretString:key}}"
                """,
            ),
            good(
                """
                Parameters:
                  AccessKeyId:
                    Type: String
                    NoEcho: true
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                    Properties:
                      Tags:
                        - Key: build
                          Value: 0b9a7e3f1c2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f
                """,
                note="a parameter without a default; a 40-character hex hash is not a secret key",
            ),
        ],
    ),
)
def hardcoded_aws_credentials(ctx: Context) -> Iterator[Report]:
    """AWS access key written in the code.

    What it checks:
        Every string of the configuration (resources, data sources, module inputs,
        variable defaults and tfvars values, locals, outputs, provider and backend
        blocks, CloudFormation properties and parameter defaults), including JSON
        and YAML documents inside strings and heredocs such as user data, and
        documents that also hold values unknown before deploy (a `jsonencode`,
        heredoc, `templatefile` or `Fn::Sub`/`Fn::Join` with a resource's ARN in
        it: ECS container definitions, Step Functions definitions, event inputs,
        Batch job definitions, SSM documents), whose known values are read at their
        own line: an AWS access key
        ID (`AKIA`/`ASIA` followed by 16 upper-case letters or digits) is a finding
        when the same resource also holds a 40-character secret access key, or when
        it sits alone in a credential-named field (`access_key`,
        `AWS_ACCESS_KEY_ID`, `AccessKeyId`...). A `provider "aws"` or S3 backend
        with a literal secret key is a finding on its own. The finding names where
        the literal is written (the provider `provider.aws`, the resource, the
        variable or parameter), once per written place, never where the value
        flows; a literal passed through a variable default, tfvars, a parameter
        default or a module input is judged in the field that uses it (a
        provider's `access_key`, an `AWS_ACCESS_KEY_ID` environment variable). The secret is never echoed: messages mask all but the last four
        characters and text/SARIF snippets are masked. The AWS documentation's
        example pair (`AKIAIOSFODNN7EXAMPLE`) is still reported: it stands where a
        real key would be, and real keys follow the same pattern; placeholders
        (`AKIAXXXXXXXXXXXXXXXX`, LocalStack's `test`) and 40-character hex hashes
        are not keys.
    Why it matters for SOC 2:
        Checklist A forbids access keys in code and B forbids key hardcoding:
        anyone with read access to the repository, its history or a CI log can use
        the key, and long-lived keys bypass the access reviews CC6.1 relies on.
    How to fix:
        Terraform: drop `access_key`/`secret_key` and let the provider read the
        environment, a profile or SSO (`assume_role` for cross-account work); give
        instances, functions and tasks IAM roles. CloudFormation: use execution
        roles, instance profiles and task roles, and
        `{{resolve:secretsmanager:...}}` for third-party secrets. Deactivate and
        rotate the exposed key in IAM.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds-programmatic-access.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs#authentication-and-configuration
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
    """
    graph = ctx.graph
    all_hits = _credential_hits(graph)
    tokens_by_node = {h.node.id: h.tokens() for h in all_hits}
    hits_by_node = {h.node.id: h for h in all_hits}
    #: secrets already reported with their key ID, by where they are written
    paired_places: set[tuple[str, str, tuple[Any, ...]]] = set()
    done: set[tuple[str, str, tuple[Any, ...]]] = set()

    def copied(node: Node, path: Path, token: str, written_at: Range | None) -> bool:
        if written_at is None and origin_at(node, path) is not None:
            return True  # reported where the origin writes it
        return any(token in tokens_by_node.get(o.id, ()) for o in refs_at(graph, node, path))

    def written_at(node: Node, hit: StringHit, rng: Range | None) -> Place | None:
        """Where the literal is written, judged in this field's context; None when copied.

        A value passed through a variable default, tfvars or a module input is named
        where it is written, but whether it is a credential is judged here, where the
        field (`access_key`, `AWS_ACCESS_KEY_ID`) and its paired secret are.
        """
        via = origin_at(node, hit.path) if rng is None else None
        if via is not None:
            return place_of_origin(graph, node, via[0], via[1])
        if not copied(node, hit.path, hit.token, rng):
            return Place(node, hit.path, rng)
        for other in refs_at(graph, node, hit.path):
            found = hits_by_node.get(other.id)
            if found is None or other.category not in ("variable", "parameter", "local"):
                continue
            for h, r in (*found.keys, *found.secrets):
                if h.token == hit.token:
                    return Place(other, h.path, r, other.address)
        return None

    for hits in all_hits:
        node = hits.node
        secrets = [(h, r) for h, r in hits.secrets if not copied(node, h.path, h.token, r)]
        reported_secret = False
        for hit, rng in hits.keys:
            maybe = written_at(node, hit, rng)
            if maybe is None:
                continue
            place = maybe
            paired = secrets or hits.secrets
            if not paired and not credential_named(hit.field):
                continue
            if place.key in done:
                continue
            done.add(place.key)
            extra = ""
            if paired:
                extra = f" together with a secret access key {mask(paired[0][0].token)}"
                reported_secret = True
                for h, r in paired:
                    at = written_at(node, h, r)
                    if at is not None:
                        paired_places.add(at.key)
            note = _example_note(hit.token, *(h.token for h, _ in paired[:1]))
            yield _finding(
                ctx,
                place,
                f"{place.address or node.address}: AWS access key ID {mask_key_id(hit.token)} is written "
                f"in `{hit.field}`{extra}{note}",
            )
        if reported_secret or node.category not in ("provider", "backend"):
            continue
        for hit, rng in hits.secrets:
            if hit.field != "secret_key":
                continue
            maybe = written_at(node, hit, rng)
            if maybe is None:
                continue
            place = maybe
            if place.key in done or place.key in paired_places:
                continue
            owner = hits_by_node.get(place.node.id)
            if (
                owner is not None
                and owner.keys
                and hit.token in {h.token for h, _ in owner.secrets}
            ):
                continue  # reported with the key ID written beside it
            done.add(place.key)
            yield _finding(
                ctx,
                place,
                f"{place.address or node.address}: secret access key {mask(hit.token)} is written in "
                f"`secret_key`{_example_note(hit.token)}",
            )


# ==========================================================================
# SEC002 iam-access-key-created
# ==========================================================================


@rule(
    id="SEC002",
    slug="iam-access-key-created",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST_KEYS,
    fix={
        "terraform": (
            "Remove the `aws_iam_access_key`: give the workload an IAM role (instance profile, "
            "task role, Lambda execution role, IRSA / EKS Pod Identity, OIDC federation for CI) "
            "instead of a long-lived key."
        ),
        "cloudformation": (
            "Remove the `AWS::IAM::AccessKey`: give the workload an IAM role (instance profile, "
            "task role, execution role, OIDC federation for CI) instead of a long-lived key."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_user" "ci" {
                  name = "ci-deployer"
                }

                resource "aws_iam_access_key" "ci" {
                  user = aws_iam_user.ci.name
                }
                """,
                address="aws_iam_access_key.ci",
                line=5,
            ),
            bad(
                {
                    "main.tf": """
                    module "legacy_app" {
                      source = "./modules/app-user"
                      name   = "legacy-app"
                    }
                    """,
                    "modules/app-user/main.tf": """
                    variable "name" {
                      type = string
                    }

                    resource "aws_iam_user" "this" {
                      name = var.name
                    }

                    resource "aws_iam_access_key" "this" {
                      user    = aws_iam_user.this.name
                      pgp_key = "keybase:legacy_app"
                    }
                    """,
                },
                address="module.legacy_app.aws_iam_access_key.this",
                line=9,
                file="modules/app-user/main.tf",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_role" "app" {
                  name = "app"
                  assume_role_policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect    = "Allow"
                      Action    = "sts:AssumeRole"
                      Principal = { Service = "ec2.amazonaws.com" }
                    }]
                  })
                }
                """,
            ),
            good(
                """
                variable "create_key" {
                  type    = bool
                  default = false
                }

                resource "aws_iam_access_key" "ci" {
                  count = var.create_key ? 1 : 0
                  user  = "ci-deployer"
                }
                """,
                note="count = 0: the key does not exist",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  DeployUser:
                    Type: AWS::IAM::User
                  DeployKey:
                    Type: AWS::IAM::AccessKey
                    Properties:
                      UserName: !Ref DeployUser
                """,
                address="DeployKey",
                line=4,
            ),
            bad(
                """
                Parameters:
                  CreateKey:
                    Type: String
                    Default: "true"
                Conditions:
                  WithKey: !Equals [!Ref CreateKey, "true"]
                Resources:
                  PartnerKey:
                    Type: AWS::IAM::AccessKey
                    Condition: WithKey
                    Properties:
                      UserName: partner-upload
                      Status: Active
                """,
                address="PartnerKey",
                line=8,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  AppRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: lambda.amazonaws.com}
                            Action: sts:AssumeRole
                """,
            ),
            good(
                """
                Parameters:
                  CreateKey:
                    Type: String
                    Default: "false"
                Conditions:
                  WithKey: !Equals [!Ref CreateKey, "true"]
                Resources:
                  PartnerKey:
                    Type: AWS::IAM::AccessKey
                    Condition: WithKey
                    Properties:
                      UserName: partner-upload
                """,
                note="the condition is false: the key does not exist",
            ),
        ],
    ),
)
def iam_access_key_created(ctx: Context) -> Iterator[Report]:
    """Long-lived IAM access key created for an application.

    What it checks:
        Every `aws_iam_access_key` and `AWS::IAM::AccessKey` that exists (a
        `count = 0` resource or a false CloudFormation `Condition` is not created and
        is not reported; an unknown count or condition is unknown), whatever its
        status: the configuration issues a
        long-lived credential to an IAM user. The finding names the key resource.
    Why it matters for SOC 2:
        Checklist A asks for no long-lived access keys; keys created by code end
        up in state files, outputs and CI variables, never expire and are hard to
        attribute, weakening logical access controls (CC6.1). Roles give
        short-lived credentials instead.
    How to fix:
        Terraform and CloudFormation: delete the key resource and grant the
        workload an IAM role (instance profile, ECS task role, Lambda execution
        role, IRSA / EKS Pod Identity, OIDC federation for CI systems).
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
        - https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_identities_unique.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_access_key
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-accesskey.html
    """
    for key in ctx.graph.nodes("AWS::IAM::AccessKey"):
        if key.may_not_exist:
            yield from existence_unknown(ctx, key)
            continue
        user = key.attr(tf="user", cfn="UserName")
        users = ctx.graph.targets(key, "AWS::IAM::User")
        if len(users) == 1:
            whom = f" for {users[0].address}"
        elif isinstance(user.value, str):
            whom = f' for IAM user "{user.value}"'
        elif isinstance(user.value, Unknown) and user.value.expr:
            whom = f" for {user.value.expr}"
        else:
            whom = ""
        related = [RelatedRef(u, (), "the key's user") for u in users]
        yield ctx.finding(
            key,
            (),
            f"{key.address}: creates a long-lived access key{whom}; use an IAM role instead",
            related=related,
        )


# ==========================================================================
# SEC003 hardcoded-password
# ==========================================================================

#: password fields, compared without case and underscores: Terraform `password`,
#: `master_password`, `master_user_password`, `auth_token`, `admin_password`,
#: `admin_user_password` and their `_wo` write-only forms; CloudFormation
#: `Password`, `MasterUserPassword`, `AuthToken`, `AdminPassword`...; map keys such
#: as a Glue connection's `PASSWORD`
PASSWORD_FIELDS = frozenset(
    {
        "password",
        "masterpassword",
        "masteruserpassword",
        "authtoken",
        "adminpassword",
        "adminuserpassword",
        "passwordwo",
        "masterpasswordwo",
        "adminuserpasswordwo",
    }
)
PASSWORD_LIST_FIELDS = frozenset({"passwords"})


_FIELD_KEYS: dict[str, str] = {}


def _field_key(name: str) -> str:
    key = _FIELD_KEYS.get(name)
    if key is None:
        key = name.replace("_", "").lower()
        if len(_FIELD_KEYS) < 100_000:  # attribute names repeat: remember them
            _FIELD_KEYS[name] = key
    return key


def _password_fields(value: Any, path: Path, depth: int = 0) -> Iterator[tuple[Path, Any]]:
    """(path, value) of every password field in ``value``, documents (JSON text, a
    partly known ``jsonencode``: a secret's ``secret_string``, an SSM document) read as
    what they encode."""
    out: list[tuple[Path, Any]] = []
    if _may_have_password_field(value, depth):
        _collect_password_fields(value, path, depth, out)
    return iter(out)


#: the first characters of a string that may hold a JSON document
_DOCUMENT_STARTS = frozenset("{[ \t\r\n")


def _is_document_text(value: str) -> bool:
    return value[:1] in _DOCUMENT_STARTS and value.lstrip()[:1] in ("{", "[")


#: attribute name -> whether it is a password or password-list field (names repeat)
_PASSWORD_NAMES: dict[Any, bool] = {}


def _may_have_password_field(value: Any, depth: int) -> bool:
    """False when :func:`_collect_password_fields` finds nothing in ``value``: no password
    or password-list field where it looks, and no document that could hold one.  A cheap
    first pass that builds no paths: almost every resource fails it."""
    if depth > 20:
        return False
    if isinstance(value, PartialValue):
        return True
    if isinstance(value, dict):
        names = _PASSWORD_NAMES
        starts = _DOCUMENT_STARTS
        for k, v in value.items():
            hit = names.get(k)
            if hit is None:
                key = _field_key(str(k))
                hit = key in PASSWORD_FIELDS or key in PASSWORD_LIST_FIELDS
                if len(names) < 100_000:
                    names[k] = hit
            if hit:
                return True
            if isinstance(v, str):
                # the test of _is_document_text, inline: most values are short strings
                if v[:1] in starts and v.lstrip()[:1] in ("{", "["):
                    return True
            elif isinstance(v, dict | list | PartialValue) and _may_have_password_field(
                v, depth + 1
            ):
                return True
    elif isinstance(value, list):
        starts = _DOCUMENT_STARTS
        for v in value:
            if isinstance(v, str):
                if v[:1] in starts and v.lstrip()[:1] in ("{", "["):
                    return True
            elif isinstance(v, dict | list | PartialValue) and _may_have_password_field(
                v, depth + 1
            ):
                return True
    return False


def _collect_password_fields(
    value: Any, path: Path, depth: int, out: list[tuple[Path, Any]]
) -> None:
    # a list, not a generator: every resource's every attribute goes through here
    if depth > 20:
        return
    if isinstance(value, PartialValue) or (isinstance(value, str) and _is_document_text(value)):
        decoded = known_structure(document(value))
        if isinstance(decoded, dict | list):
            _collect_password_fields(decoded, path, depth + 1, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            key = _field_key(str(k))
            if key in PASSWORD_FIELDS:
                out.append(((*path, k), v))
            elif key in PASSWORD_LIST_FIELDS and isinstance(v, list):
                p = (*path, k)
                for i, item in enumerate(v):
                    out.append(((*p, i), item))
            elif isinstance(v, dict | list | PartialValue | str):
                _collect_password_fields(v, (*path, k), depth + 1, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, dict | list | PartialValue | str):
                _collect_password_fields(v, (*path, i), depth + 1, out)


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


def _string_path(node: Node, literal: str) -> Path | None:
    """Where ``node`` holds the string ``literal`` (in what it writes), if anywhere."""
    for root, value, _rng, field in _scan_roots(node):
        for path, _name, text in _walk_strings(value, root, field):
            if text == literal:
                return path
    return None


def _variable_place(graph: ResourceGraph, var: Node, literal: str, depth: int) -> Place | None:
    """Where a variable's value that holds ``literal`` is written."""
    origin = var.origins.get(("value",))
    if origin is not None:
        return place_of_origin(graph, var, ("value",), origin)
    if _string_path(var, literal) is not None:
        return Place(var, ("default",))
    # a module input built from an expression (`var.x ? null : var.y`): follow it
    # outwards to where the literal is written, else name the module call's argument
    call_address, sep, name = var.address.rpartition(".var.")
    call = graph.find(var.scope, call_address) if sep else None
    if call is not None:
        outer = written_place(graph, call, (name,), literal, depth + 1)
        if outer is not None and outer.node is not call:
            return outer
        return Place(call, (name,))
    # a root variable given on the command line or in a plan: not in the code
    return None


def written_place(
    graph: ResourceGraph, node: Node, path: Path, literal: str, depth: int = 0
) -> Place | None:
    """Where the literal found at ``path`` of ``node`` is written in the code.

    The node itself, unless the value came through an origin (variable
    default, tfvars, module input, parameter default) or from a node it refers
    to (a local, a variable whose value is the literal, followed outwards
    through module calls); None when it is written outside the scanned code
    (``--var``, ``--cfn-parameters``) or in another resource's configuration
    (reported there by the rules about it).
    """
    found = origin_at(node, path)
    if found is not None:
        return place_of_origin(graph, node, found[0], found[1])
    if depth > 16:
        return Place(node, path)
    # values of `for_each` instances come from the collection (each.value)
    sources = refs_at(graph, node, path) + refs_at(graph, node, ("@for_each",))
    for other in sources:
        if other.category == "variable":
            in_value = any(
                text == literal
                for _p, _n, text in _walk_strings(other.attrs.get("value"), ("value",), "value")
            )
            if in_value or _string_path(other, literal) is not None:
                return _variable_place(graph, other, literal, depth)
            continue
        at = _string_path(other, literal)
        if at is None:
            continue
        if other.category in ("local", "parameter"):
            return Place(other, at)
        return None  # another resource's configured value
    return Place(node, path)


@rule(
    id="SEC003",
    slug="hardcoded-password",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST_HARDCODING,
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
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "orders" {
                  identifier        = "orders"
                  engine            = "postgres"
                  instance_class    = "db.t4g.medium"
                  allocated_storage = 50
                  username          = "orders"
                  password          = "Sup3rS3cret!2024"
                }
                """,
                address="aws_db_instance.orders",
                line=7,
            ),
            bad(
                """
                variable "db_password" {
                  type      = string
                  sensitive = true
                  default   = "changeme-please"
                }

                resource "aws_rds_cluster" "reporting" {
                  cluster_identifier = "reporting"
                  engine             = "aurora-postgresql"
                  master_username    = "reporting"
                  master_password    = var.db_password
                }
                """,
                address="var.db_password",
                line=4,
                note="the finding names the variable whose default is the literal",
            ),
            bad(
                {
                    "main.tf": """
                    module "cache" {
                      source     = "./modules/cache"
                      auth_token = "r3dis-t0ken-for-sessions-01"
                    }
                    """,
                    "modules/cache/main.tf": """
                    variable "auth_token" {
                      type = string
                    }

                    resource "aws_elasticache_replication_group" "this" {
                      replication_group_id       = "sessions"
                      description                = "sessions"
                      node_type                  = "cache.t4g.small"
                      transit_encryption_enabled = true
                      auth_token                 = var.auth_token
                    }
                    """,
                },
                address="module.cache",
                line=3,
                note="a literal passed as a local module's input: named at the module call",
            ),
            bad(
                """
                variable "admin_password" {
                  type    = string
                  default = "Adm1n-Passw0rd"
                }
                """,
                address="var.admin_password",
                line=3,
                note="a password-named variable with a literal default, even unused",
            ),
        ],
        good=[
            good(
                """
                resource "aws_db_instance" "orders" {
                  identifier                  = "orders"
                  engine                      = "postgres"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 50
                  username                    = "orders"
                  manage_master_user_password = true
                }
                """,
            ),
            good(
                """
                resource "random_password" "db" {
                  length  = 32
                  special = false
                }

                variable "db_password" {
                  type      = string
                  sensitive = true
                }

                resource "aws_rds_cluster" "reporting" {
                  cluster_identifier = "reporting"
                  engine             = "aurora-postgresql"
                  master_username    = "reporting"
                  master_password    = random_password.db.result
                }

                resource "aws_db_instance" "legacy" {
                  identifier        = "legacy"
                  engine            = "mysql"
                  instance_class    = "db.t4g.small"
                  allocated_storage = 20
                  username          = "legacy"
                  password          = var.db_password
                }
                """,
                note="a generated password, and a variable without a default",
            ),
            good(
                """
                data "aws_secretsmanager_secret_version" "db" {
                  secret_id = "prod/orders/db"
                }

                resource "aws_db_instance" "orders" {
                  identifier        = "orders"
                  engine            = "postgres"
                  instance_class    = "db.t4g.medium"
                  allocated_storage = 50
                  username          = "orders"
                  password          = jsondecode(data.aws_secretsmanager_secret_version.db.secret_string)["password"]
                }
                """,
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: mysql
                      DBInstanceClass: db.t4g.small
                      AllocatedStorage: "20"
                      MasterUsername: admin
                      MasterUserPassword: Passw0rd-2024
                """,
                address="Database",
                line=9,
            ),
            bad(
                """
                Parameters:
                  DBPassword:
                    Type: String
                    NoEcho: true
                    Default: Adm1nPassw0rd
                Resources:
                  Warehouse:
                    Type: AWS::Redshift::Cluster
                    Properties:
                      ClusterType: single-node
                      NodeType: ra3.xlplus
                      DBName: warehouse
                      MasterUsername: admin
                      MasterUserPassword: !Ref DBPassword
                """,
                address="DBPassword",
                line=5,
                note="the finding names the parameter whose Default is the literal",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: mysql
                      DBInstanceClass: db.t4g.small
                      AllocatedStorage: "20"
                      MasterUsername: admin
                      MasterUserPassword: "{{resolve:secretsmanager:prod/db:SecretString:password}}"
                """,
            ),
            good(
                """
                Parameters:
                  DBPassword:
                    Type: String
                    NoEcho: true
                    MinLength: 16
                Resources:
                  Cluster:
                    Type: AWS::DocDB::DBCluster
                    Properties:
                      MasterUsername: admin
                      MasterUserPassword: !Ref DBPassword
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      DBInstanceClass: db.t4g.small
                      AllocatedStorage: "20"
                      MasterUsername: admin
                      ManageMasterUserPassword: true
                """,
                note="a parameter without a default, and an RDS-managed password",
            ),
            good(
                """
                Parameters:
                  DBPassword:
                    Type: AWS::SSM::Parameter::Value<String>
                    Default: /orders/prod/db-password
                Resources:
                  Cluster:
                    Type: AWS::DocDB::DBCluster
                    Properties:
                      MasterUsername: admin
                      MasterUserPassword: !Ref DBPassword
                """,
                note="an SSM-typed parameter: its Default is the SSM parameter's name",
            ),
        ],
    ),
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
        of the SSM parameter); each written literal is reported once. Empty strings are not passwords and are not reported;
        obvious placeholders such as "changeme" are reported, because they are
        deployed as they are.
    Why it matters for SOC 2:
        Checklist B "No key hardcoding": a password in the repository is readable
        by everyone with access to it, its history and its forks, cannot be rotated
        without a code change, and defeats access control to the data store (CC6.1).
    How to fix:
        Terraform: `manage_master_user_password = true`, or a `random_password`
        kept in Secrets Manager, or `aws_secretsmanager_secret_version`; no default
        on password variables. CloudFormation: `ManageMasterUserPassword: true` or
        `{{resolve:secretsmanager:...}}`; password parameters with `NoEcho: true` and
        no `Default`.
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
                Place(var, ("value",), o.range, var.address),
                f"{var.address}: password variable is set to a literal in {o.range.file} ({mask(value)})",
            )
    for param in graph.nodes("parameter", category="parameter"):
        if not looks_password(param.address.rsplit("/", 1)[-1]):
            continue
        ptype = param.attrs.get("Type")
        if isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter::"):
            continue  # the Default names an SSM parameter; the value is resolved at deploy
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
        fields = list(_password_fields(node.attrs, ()))
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


# ==========================================================================
# SEC004 secret-in-environment
# ==========================================================================


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
    terraform=Examples(
        bad=[
            bad(
                """
                variable "role_arn" {
                  type = string
                }

                resource "aws_lambda_function" "notifier" {
                  function_name = "notifier"
                  role          = var.role_arn
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "notifier.zip"

                  environment {
                    variables = {
                      SLACK_WEBHOOK_TOKEN = "xoxb-2417-9919-EXAMPLE"
                      LOG_LEVEL           = "info"
                    }
                  }
                }
                """,
                address="aws_lambda_function.notifier",
                line=14,
            ),
            bad(
                """
                variable "execution_role_arn" {
                  type = string
                }

                resource "aws_ecs_task_definition" "api" {
                  family                   = "api"
                  requires_compatibilities = ["FARGATE"]
                  network_mode             = "awsvpc"
                  cpu                      = 256
                  memory                   = 512
                  execution_role_arn       = var.execution_role_arn
                  container_definitions = jsonencode([
                    {
                      name      = "api"
                      image     = "public.ecr.aws/acme/api:1.4.2"
                      essential = true
                      environment = [
                        { name = "STRIPE_API_KEY", value = "sk_live_51HqEXAMPLEKEY" },
                        { name = "PORT", value = "8080" }
                      ]
                    }
                  ])
                }
                """,
                address="aws_ecs_task_definition.api",
                line=18,
            ),
            bad(
                """
                variable "common_environment" {
                  type = map(string)
                }

                resource "aws_lambda_function" "billing" {
                  function_name = "billing"
                  role          = "arn:aws:iam::111122223333:role/billing"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "billing.zip"

                  environment {
                    variables = merge(var.common_environment, {
                      STRIPE_API_KEY = "sk_live_51HqLyjWDarjtT1zdp7dcEXAMPLE"
                      LOG_LEVEL      = "info"
                    })
                  }
                }
                """,
                address="aws_lambda_function.billing",
                line=14,
                note="merged into a map that is not known: the literal written last is",
            ),
        ],
        good=[
            good(
                """
                variable "role_arn" {
                  type = string
                }

                resource "aws_lambda_function" "notifier" {
                  function_name = "notifier"
                  role          = var.role_arn
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "notifier.zip"

                  environment {
                    variables = {
                      SLACK_TOKEN_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbCdEf"
                      ENABLE_TOKEN_AUTH      = "true"
                    }
                  }
                }
                """,
                note="a reference to the secret, and a flag that only mentions tokens",
            ),
            good(
                """
                variable "execution_role_arn" {
                  type = string
                }

                resource "aws_ecs_task_definition" "api" {
                  family                   = "api"
                  requires_compatibilities = ["FARGATE"]
                  network_mode             = "awsvpc"
                  cpu                      = 256
                  memory                   = 512
                  execution_role_arn       = var.execution_role_arn
                  container_definitions = jsonencode([
                    {
                      name      = "api"
                      image     = "public.ecr.aws/acme/api:1.4.2"
                      essential = true
                      secrets = [
                        { name = "STRIPE_API_KEY", valueFrom = "arn:aws:ssm:us-east-1:111122223333:parameter/api/stripe" }
                      ]
                    }
                  ])
                }
                """,
                note="ECS secrets are the fix",
            ),
            good(
                """
                variable "common_environment" {
                  type = map(string)
                }

                resource "aws_secretsmanager_secret" "stripe" {
                  name = "billing/stripe"
                }

                resource "aws_lambda_function" "billing" {
                  function_name = "billing"
                  role          = "arn:aws:iam::111122223333:role/billing"
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "billing.zip"

                  environment {
                    variables = merge(var.common_environment, {
                      STRIPE_API_KEY_SECRET_ARN = aws_secretsmanager_secret.stripe.arn
                      LOG_LEVEL                 = "info"
                    })
                  }
                }
                """,
                note="the secret's ARN beside a literal that is not a secret",
            ),
            good(
                """
                variable "role_arn" {
                  type = string
                }

                variable "api_token" {
                  type      = string
                  sensitive = true
                }

                resource "aws_lambda_function" "notifier" {
                  function_name = "notifier"
                  role          = var.role_arn
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "notifier.zip"

                  environment {
                    variables = {
                      API_TOKEN = var.api_token
                    }
                  }
                }
                """,
                note="a variable without a default: unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Webhook:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: nodejs20.x
                      Handler: index.handler
                      CodeUri: src/
                      Environment:
                        Variables:
                          GITHUB_CLIENT_SECRET: 3f9a2b7c4d1e8f6a0b5c
                """,
                address="Webhook",
                line=11,
                note="a SAM function is a Lambda function",
            ),
            bad(
                """
                Resources:
                  ApiTask:
                    Type: AWS::ECS::TaskDefinition
                    Properties:
                      Family: api
                      ContainerDefinitions:
                        - Name: api
                          Image: public.ecr.aws/acme/api:1.4.2
                          Environment:
                            - Name: DB_PASSWORD
                              Value: Orders-Passw0rd
                            - Name: PORT
                              Value: "8080"
                """,
                address="ApiTask",
                line=11,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  ApiTask:
                    Type: AWS::ECS::TaskDefinition
                    Properties:
                      Family: api
                      ContainerDefinitions:
                        - Name: api
                          Image: public.ecr.aws/acme/api:1.4.2
                          Secrets:
                            - Name: DB_PASSWORD
                              ValueFrom: arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf
                          Environment:
                            - Name: PORT
                              Value: "8080"
                """,
            ),
            good(
                """
                Resources:
                  Webhook:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: nodejs20.x
                      Handler: index.handler
                      Role: !ImportValue webhook-role-arn
                      Code:
                        ZipFile: "exports.handler = async () => {}"
                      Environment:
                        Variables:
                          GITHUB_CLIENT_SECRET: !ImportValue github-client-secret
                """,
                note="Fn::ImportValue is unknown",
            ),
        ],
    ),
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
    How to fix:
        Terraform: ECS `secrets = [{ name, valueFrom }]` pointing at Secrets
        Manager or SSM SecureString; Lambda functions receive the secret's ARN and
        read it at runtime. CloudFormation: ECS `Secrets`, or the secret's ARN in
        the function's environment.
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


# ==========================================================================
# SEC005 cfn-secret-parameter-noecho
# ==========================================================================


@rule(
    id="SEC005",
    slug="cfn-secret-parameter-noecho",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST_HARDCODING,
    fix={"cloudformation": "Add `NoEcho: true` to the parameter (and give it no `Default`)."},
    cloudformation=Examples(
        bad=[
            bad(
                """
                Parameters:
                  DBPassword:
                    Type: String
                    MinLength: 16
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                """,
                address="DBPassword",
                line=2,
            ),
            bad(
                """
                {
                  "Parameters": {
                    "GithubToken": {
                      "Type": "String",
                      "NoEcho": false
                    }
                  },
                  "Resources": {
                    "Queue": {"Type": "AWS::SQS::Queue"}
                  }
                }
                """,
                address="GithubToken",
                line=5,
            ),
        ],
        good=[
            good(
                """
                Parameters:
                  DBPassword:
                    Type: String
                    NoEcho: true
                  DBPasswordSecretArn:
                    Type: String
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                """,
                note="NoEcho set; a parameter that names a secret's ARN is not a secret",
            ),
            good(
                """
                Parameters:
                  ApiKey:
                    Type: AWS::SSM::Parameter::Value<String>
                    Default: /app/api-key-name
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                """,
                note="an SSM parameter type: the input is a parameter name",
            ),
        ],
    ),
)
def cfn_secret_parameter_noecho(ctx: Context) -> Iterator[Report]:
    """CloudFormation secret parameter is shown in clear text.

    What it checks:
        CloudFormation parameters whose name looks like a secret (password,
        secret, token, API key, private key, credential...; not names that only
        refer to a secret such as `DBPasswordSecretArn`) without `NoEcho: true`.
        The finding names the parameter, at `NoEcho` when it is written false, else
        at the parameter. Parameters of an SSM type
        (`AWS::SSM::Parameter::Value<...>`) take a parameter name, not the secret,
        and are not findings.
    Why it matters for SOC 2:
        Checklist B "No key hardcoding": without NoEcho, CloudFormation shows the
        value in the console, `DescribeStacks` and change sets to anyone who can
        read the stack, so the secret escapes its access control (CC6.1).
    How to fix:
        CloudFormation: `NoEcho: true` on the parameter, no `Default`; better,
        `{{resolve:secretsmanager:...}}` so the secret never passes through a
        parameter.
    References:
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
    """
    for param in ctx.graph.nodes("parameter", category="parameter"):
        if param.language != "cloudformation":
            continue
        name = param.address.rsplit("/", 1)[-1]
        if not looks_secret(name):
            continue
        ptype = param.attrs.get("Type")
        if isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter::"):
            continue
        noecho = param.attr("NoEcho")
        if noecho.present and to_bool(noecho.value) is True:
            continue
        shown = "not set" if noecho.missing else f"{noecho.describe()}"
        yield ctx.finding(
            param,
            noecho if noecho.present else (),
            f"{param.address}: secret parameter is displayed in clear text (`NoEcho` is {shown})",
            properties=REDACT,
        )


RULES: tuple[Rule, ...] = (
    hardcoded_aws_credentials,
    iam_access_key_created,
    hardcoded_password,
    secret_in_environment,
    cfn_secret_parameter_noecho,
)
