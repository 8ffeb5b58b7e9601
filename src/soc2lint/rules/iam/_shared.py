"""Code several IAM rules share.

One statement, one IAM finding: what each identity policy statement allows, decided once.

RULES.md ("Clarifications"): each ``Allow`` statement gets at most one finding
from IAM001-IAM004 and IAM012-IAM014, the first that applies in the order
:data:`ORDER`, and its message names what else the statement allows.  This
module is the one place that decides, for every statement of every identity
policy, which of those rules apply (:class:`Claim`); each rule reports a
statement only when :meth:`~soc2lint.rule.Context.owns` says it is the first
applicable rule among those the scan runs, and takes its message's details from
its own claim.  The claims are built once per graph (``graph.view``).

Statements are keyed by where they are written (node and attribute path): the
statements of one SAM policy template share a location and count as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import field
from functools import lru_cache
from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Path, Unknown
from soc2lint.rule import Context, RelatedRef, Report
from soc2lint.views import iam_actions
from soc2lint.views.iam import boundary_only_policies, is_full_admin_statement
from soc2lint.views.policy import (
    PolicyDocument,
    Statement,
    action_matches,
    allowed_on_every_target,
    allows_action,
    covers_all_resources,
    denied_everywhere,
    first_allowing,
    policy_documents,
    policy_index,
    resource_covers_type,
)

from ...record import record
from .._common import documents, holder_note, label, related_holder

CHECKLIST = "A. Least Privilege"


TSC = ("CC6.1", "CC6.2", "CC6.3")


def boundary_only(ctx: Context, doc: PolicyDocument) -> bool:
    """Every policy carrying the document only serves as a permissions boundary."""
    return boundary_only_doc(ctx.graph, doc)


def identity_statements(ctx: Context) -> Iterator[tuple[PolicyDocument, Statement | None]]:
    """(document, statement) of identity policies; statement None: the document is unknown.

    Policies that only serve as permissions boundaries grant nothing and are left out.
    """
    for doc, judge in documents(ctx, "identity"):
        if boundary_only(ctx, doc):
            continue
        if not judge:
            yield doc, None
            continue
        for s in doc.statements:
            yield doc, s


#: the precedence of RULES.md: most specific-severe first
ORDER = ("IAM001", "IAM002", "IAM004", "IAM003", "IAM012", "IAM013", "IAM014")

Key = tuple[str, Path]


# --------------------------------------------------------------------------
# IAM002: whole-service wildcards
# --------------------------------------------------------------------------

#: services whose wildcard is critical (IAM002)
CRITICAL_SERVICES = frozenset({"iam", "sts", "organizations"})

_SERVICE_WILDCARD = re.compile(r"^([A-Za-z0-9-]+):\*+$")


def service_wildcards(stmt: Statement) -> list[tuple[str, str]] | None:
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


# --------------------------------------------------------------------------
# IAM003/IAM004: PassRole and escalation paths
# --------------------------------------------------------------------------

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


def action_list(actions: Sequence[str], limit: int = 4) -> str:
    if len(actions) <= limit:
        return ", ".join(actions)
    return f"{', '.join(actions[:limit])} and {len(actions) - limit} more"


def passrole_everywhere(doc: PolicyDocument, stmt: Statement) -> bool | None:
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


@record(frozen=True)
class Escalation:
    """IAM004's paths for one statement: the sentences and the statements involved."""

    paths: tuple[str, ...]
    related: tuple[RelatedRef, ...]
    short: str


#: where an action pattern's literal text ends (fnmatch's special characters)
_WILDCARD = re.compile(r"[*?\[]")


def _may_allow_iam(stmt: Statement) -> bool:
    """False when no element of the statement's ``Action`` can match an ``iam:`` action:
    the text before an element's first wildcard is what every action it matches begins
    with.  IAM004's paths all need one, and most statements name other services only."""
    if not isinstance(stmt.actions, tuple):
        return True  # NotAction, or unknown: match each action
    for a in stmt.actions:
        if isinstance(a, str) and "iam:".startswith(_WILDCARD.split(a.strip().lower(), 1)[0][:4]):
            return True
    return False


def escalation(doc: PolicyDocument, stmt: Statement) -> Escalation | None:
    if not _may_allow_iam(stmt):
        return None  # an Unknown element does not make an escalation surely granted
    paths: list[str] = []
    short: list[str] = []
    related: list[RelatedRef] = []
    singles = _escalations(doc, stmt)
    if singles:
        whats = list(dict.fromkeys(ESCALATIONS[a] for a in singles))
        paths.append(f"{action_list(singles)} on every target let the holder {'; '.join(whats)}")
        short.append(f"{action_list(singles, 2)} on every target")
    if passrole_everywhere(doc, stmt) is True:
        for action, other in _companions(doc, stmt):
            what = PASSROLE_COMPANIONS[action][1]
            extra = ""
            if action == "lambda:CreateFunction" and allows_action(other, "lambda:InvokeFunction"):
                extra = " and lambda:InvokeFunction"
            paths.append(f"iam:PassRole on every role with {action}{extra} lets the holder {what}")
            short.append(f"iam:PassRole with {action}")
            if other is not stmt:
                related.append(RelatedRef(other.node, other.path, f"{action} is granted here"))
    if not paths:
        return None
    return Escalation(tuple(paths), tuple(related), "; ".join(short))


# --------------------------------------------------------------------------
# IAM012-IAM014: data reads, permissions management and writes on every resource
# --------------------------------------------------------------------------

#: IAM012's actions (RULES.md): reads of stored data or secrets.  ``s3:GetObject*`` is
#: read as the actions that return an object's content (its ACL, tags, attributes,
#: legal hold and retention are metadata, not data)
DATA_READ_PATTERNS = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersionTorrent",
    "s3:GetObjectVersionForReplication",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "rds-data:ExecuteStatement",
    "sqs:ReceiveMessage",
)

#: services whose Permissions-management actions IAM013 leaves to IAM002-IAM004
_IAM013_EXCLUDED_SERVICES = frozenset({"iam"})

#: condition keys that narrow which resources a statement reaches (RULES.md, IAM family):
#: keys naming the target's account or organisation, its tags (or the tags a create
#: request must give it), the service it is used through, or the part of the resource a
#: request may touch.  Matched case-insensitively;
#: an entry ending in "/" or ":" matches every key it begins.
NARROWING_KEYS = (
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:resourcetag/",
    "aws:requesttag/",
    "kms:viaservice",
    "kms:callingviaservice",
    "kms:encryptioncontext:",
    "kms:encryptioncontextkeys",
    "kms:grantisforawsresource",
    "s3:prefix",
    "s3:existingobjecttag/",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "dynamodb:leadingkeys",
    "secretsmanager:secretid",
    "secretsmanager:resource/allowrotationlambdaarn",
    "ssm:resourcetag/",
)

#: any service's own tag key for the resource touched or created (``ec2:ResourceTag/x``,
#: ``rds:db-tag/x``, ``aws:RequestTag/x`` on a create action, as AWS's own ABAC policies do)
_SERVICE_TAG_KEY = re.compile(r"^[a-z0-9-]+:(?:resourcetag|requesttag|[a-z-]*-tag)/", re.IGNORECASE)


def narrowing_key(key: str) -> bool:
    low = key.strip().lower()
    if _SERVICE_TAG_KEY.match(low):
        return True
    return any(low == k or (k.endswith(("/", ":")) and low.startswith(k)) for k in NARROWING_KEYS)


def narrowing_condition(stmt: Statement) -> bool | None:
    """The statement's conditions narrow the resources it reaches; None when unknown."""
    if isinstance(stmt.conditions, Unknown):
        return None
    unknown = False
    for body in (stmt.conditions or {}).values():
        if isinstance(body, Unknown):
            unknown = True
            continue
        for k, v in body.items():
            if not isinstance(k, str) or not narrowing_key(k):
                continue
            values = v if isinstance(v, list) else [v]
            if any(isinstance(x, str) and x.strip() not in ("*", "") for x in values) or any(
                isinstance(x, bool | Unknown) for x in values
            ):
                return True
    return None if unknown else False


@record(frozen=True)
class Categories:
    """Scopable actions of one action pattern, by what they do (full names, sorted)."""

    reads: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _data_reads() -> frozenset[str]:
    out = {
        a.full_name
        for p in DATA_READ_PATTERNS
        for a in iam_actions.expand(p)
        if a.supports_resource_scoping
    }
    return frozenset(out)


def _categorize(actions: Sequence[iam_actions.ActionInfo]) -> Categories:
    reads = _data_reads()
    r: list[str] = []
    p: list[str] = []
    w: list[str] = []
    for a in actions:
        if not a.supports_resource_scoping:
            continue  # only Resource "*" works for it: never reported
        name = a.full_name
        if name in reads:
            r.append(name)
        elif a.level == "Permissions management":
            if a.service.lower() not in _IAM013_EXCLUDED_SERVICES:
                p.append(name)
        elif a.level == "Write":
            w.append(name)
    return Categories(tuple(sorted(set(r))), tuple(sorted(set(p))), tuple(sorted(set(w))))


@lru_cache(maxsize=4096)
def categorize(pattern: str) -> Categories:
    """What an action pattern of a policy (``s3:Get*``) grants, by IAM012-IAM014's categories."""
    return _categorize(iam_actions.expand(pattern))


@lru_cache(maxsize=256)
def _everything_but(not_actions: tuple[str, ...]) -> Categories:
    kept = [
        a
        for a in iam_actions.expand("*")
        if not any(action_matches(x, a.full_name) for x in not_actions)
    ]
    return _categorize(kept)


@record(frozen=True)
class Grants:
    """IAM012-IAM014's actions of one statement on every resource; ``unknown``: maybe more."""

    reads: tuple[str, ...]
    permissions: tuple[str, ...]
    writes: tuple[str, ...]
    unknown: bool


_NONE = Grants((), (), (), False)
_UNKNOWN = Grants((), (), (), True)


def everywhere_grants(doc: PolicyDocument, stmt: Statement) -> Grants:
    """The scopable data-read, permissions-management and write actions the statement
    allows on every resource (``*`` or ``NotResource``), unless a condition narrows them."""
    if not stmt.allows:
        return _UNKNOWN if isinstance(stmt.effect, Unknown) else _NONE
    everywhere = covers_all_resources(stmt)
    if everywhere is False:
        return _NONE
    narrowed = narrowing_condition(stmt)
    if narrowed is True:
        return _NONE
    unknown = everywhere is None or narrowed is None
    found: list[Categories] = []
    if stmt.actions is not None:
        if isinstance(stmt.actions, Unknown):
            return _UNKNOWN
        for a in stmt.actions:
            if isinstance(a, Unknown):
                unknown = True
            else:
                found.append(categorize(a.strip()))
    elif stmt.not_actions is not None:
        if isinstance(stmt.not_actions, Unknown) or any(
            isinstance(x, Unknown) for x in stmt.not_actions
        ):
            return _UNKNOWN
        found.append(_everything_but(tuple(str(x).strip() for x in stmt.not_actions)))
    denied = [s for s in doc.statements if s.denies and s.has_condition is False]

    def kept(names: Iterator[str]) -> tuple[str, ...]:
        out = sorted(set(names))
        if denied:
            out = [n for n in out if not denied_everywhere(doc, n)]
        return tuple(out)

    reads = kept(n for c in found for n in c.reads)
    perms = kept(n for c in found for n in c.permissions)
    writes = kept(n for c in found for n in c.writes)
    if everywhere is None or narrowed is None:
        # the resource or the condition is unknown: nothing is certain
        return Grants((), (), (), bool(reads or perms or writes))
    return Grants(reads, perms, writes, unknown)


# --------------------------------------------------------------------------
# the claims
# --------------------------------------------------------------------------


@record(frozen=True)
class Claim:
    """Does one rule apply to a statement (True), maybe (None), or not (False)."""

    verdict: bool | None
    #: how another rule's message names what this claim allows ("iam:PassRole on *")
    also: str = ""
    #: the rule's own details (wildcards, escalation paths, actions)
    detail: Any = None


_NO = Claim(False)
_MAYBE = Claim(None)


def _resource_word(stmt: Statement) -> str:
    return "*" if stmt.resources is not None else "every resource (NotResource)"


def _names(actions: Sequence[str], limit: int = 3) -> str:
    return action_list(list(actions), limit)


def _grant_claims(doc: PolicyDocument, stmt: Statement) -> dict[str, Claim]:
    if doc.template is not None:
        # a SAM policy template's `*` is AWS's and takes no parameter to scope it
        # (VPCAccessPolicy's network interfaces, CloudWatchDashboardPolicy...)
        return dict.fromkeys(("IAM012", "IAM013", "IAM014"), _NO)
    g = everywhere_grants(doc, stmt)
    on = _resource_word(stmt)
    out: dict[str, Claim] = {}
    for rule_id, names, what in (
        ("IAM012", g.reads, "data reads"),
        ("IAM013", g.permissions, "permissions-management actions"),
        ("IAM014", g.writes, "writes"),
    ):
        if names:
            # the other finding's message names a few; past three, how many
            shown = f"{what} ({_names(names)})" if len(names) <= 3 else f"{len(names)} {what}"
            out[rule_id] = Claim(True, f"{shown} on {on}", names)
        else:
            out[rule_id] = _MAYBE if g.unknown else _NO
    return out


def statement_claims(doc: PolicyDocument, stmt: Statement) -> dict[str, Claim]:
    """Which of IAM001-IAM004 and IAM012-IAM014 apply to one statement."""
    claims: dict[str, Claim] = {}
    if not stmt.allows:
        verdict: bool | None = None if isinstance(stmt.effect, Unknown) else False
        return dict.fromkeys(ORDER, Claim(verdict))
    admin = is_full_admin_statement(stmt)
    claims["IAM001"] = Claim(admin, "every action on every resource")
    # IAM002
    wildcards = service_wildcards(stmt)
    if wildcards is None:
        claims["IAM002"] = _MAYBE
    elif not wildcards:
        claims["IAM002"] = _NO
    else:
        everywhere = covers_all_resources(stmt)
        names = ", ".join(a for a, _ in wildcards)
        claims["IAM002"] = Claim(everywhere, f"{names} on {_resource_word(stmt)}", wildcards)
    # IAM004
    esc = escalation(doc, stmt)
    claims["IAM004"] = (
        Claim(True, f"privilege escalation ({esc.short})", esc) if esc is not None else _NO
    )
    # IAM003
    passrole = passrole_everywhere(doc, stmt)
    claims["IAM003"] = Claim(passrole, f"iam:PassRole on {_resource_word(stmt)}")
    claims.update(_grant_claims(doc, stmt))
    return claims


@record
class StatementClaims:
    """The statements written at one location, and which rules apply to them together."""

    entries: list[tuple[PolicyDocument, Statement, dict[str, Claim]]] = field(default_factory=list)
    #: which rules apply to the statements together (set by :func:`_build` once they are all in)
    verdicts: dict[str, bool | None] = field(default_factory=dict)

    def decide(self) -> None:
        for rule_id in ORDER:
            vs = [c[rule_id].verdict for _, _, c in self.entries]
            self.verdicts[rule_id] = True if True in vs else (None if None in vs else False)

    def first(self, rule_id: str) -> tuple[PolicyDocument, Statement, Claim] | None:
        """The first statement here the rule applies to, with its claim."""
        for doc, stmt, claims in self.entries:
            if claims[rule_id].verdict is True:
                return doc, stmt, claims[rule_id]
        return None

    def also(self, rule_id: str) -> str:
        """``; also allows iam:PassRole on every role`` for the other rules that apply."""
        others: list[str] = []
        for other in ORDER:
            if other == rule_id:
                continue
            hit = self.first(other)
            if hit is not None and hit[2].also and hit[2].also not in others:
                others.append(hit[2].also)
        if not others:
            return ""
        return f"; also allows {', '.join(others)}"


def boundary_only_doc(graph: ResourceGraph, doc: PolicyDocument) -> bool:
    """Every policy carrying the document only serves as a permissions boundary."""
    boundaries = boundary_only_policies(graph)
    if not boundaries:
        return False
    holders = [
        holder_id
        for holder_id, docs in policy_index(graph).by_holder.items()
        if any(d.node.id == doc.node.id for d in docs)
    ]
    return bool(holders) and all(h in boundaries for h in holders)


def judged_identity_documents(graph: ResourceGraph) -> Iterator[tuple[PolicyDocument, bool]]:
    """Identity documents that grant something, with whether they can be judged
    (known and certain to exist); boundary-only policies are left out."""
    for doc in policy_documents(graph, "identity"):
        if boundary_only_doc(graph, doc):
            continue
        judge = doc.unknown is None and not doc.node.may_not_exist and not doc.holder.may_not_exist
        yield doc, judge


def _build(graph: ResourceGraph) -> dict[Key, StatementClaims]:
    out: dict[Key, StatementClaims] = {}
    for doc, judge in judged_identity_documents(graph):
        if not judge:
            continue
        for stmt in doc.statements:
            key = (stmt.node.id, stmt.path)
            out.setdefault(key, StatementClaims()).entries.append(
                (doc, stmt, statement_claims(doc, stmt))
            )
    for sc in out.values():
        sc.decide()
    return out


def all_claims(ctx: Context) -> dict[Key, StatementClaims]:
    """Every identity statement's claims, by location (built once per graph)."""
    result: dict[Key, StatementClaims] = ctx.graph.view("iam.claims", _build)
    return result


def owned(ctx: Context) -> Iterator[tuple[PolicyDocument, Statement, Claim, str]]:
    """(document, statement, claim, "also allows" text) of the statements this rule reports."""
    for sc in all_claims(ctx).values():
        if not ctx.owns(ORDER, sc.verdicts):
            continue
        hit = sc.first(ctx.rule.id)
        if hit is not None:
            doc, stmt, claim = hit
            yield doc, stmt, claim, sc.also(ctx.rule.id)


def undecided(ctx: Context) -> Iterator[Statement]:
    """Statements where this rule may apply (unknown values) and no rule before it that runs
    surely applies: reported under ``--strict`` only."""
    for sc in all_claims(ctx).values():
        verdicts = sc.verdicts
        if verdicts.get(ctx.rule.id) is not None:
            continue
        before = ORDER[: ORDER.index(ctx.rule.id)]
        if any(verdicts.get(r) is not False and ctx.runs(r) for r in before):
            continue  # a rule before it reports the statement, or its unknown
        _, stmt, _ = sc.entries[0]
        yield stmt


def grant_findings(ctx: Context, what: str, limit: int = 10) -> Iterator[Report]:
    """IAM012-IAM014: the statements this rule reports, naming up to ``limit`` actions."""
    for stmt in undecided(ctx):
        yield from ctx.unresolved(stmt.node, stmt.path, label(stmt))
    for doc, stmt, claim, also in owned(ctx):
        names: tuple[str, ...] = claim.detail
        where = "`*`" if stmt.resources is not None else "every resource (NotResource)"
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: {label(stmt)} allows {what} on {where}: "
            f"{action_list(names, limit)}{also}{holder_note(doc, stmt)}",
            related=related_holder(doc, stmt),
            properties={"actions": list(names)},
        )
