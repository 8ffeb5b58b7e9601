from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from soc2lint.graph import ResourceGraph
from soc2lint.model import Node, Origin, PartialValue, Path, Range, Severity, known_structure
from soc2lint.rule import Context, Report, from_view, rule
from soc2lint.secretnames import looks_secret, words

from ...record import record
from ._shared import (
    CHECKLIST_KEYS,
    TSC,
    Place,
    _finding,
    mask,
    origin_at,
    place_of_origin,
    refs_at,
    scan_roots,
    walk_strings,
)

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


def mask_key_id(value: str) -> str:
    """An access key ID (an identifier, not a secret): its last four characters, as the
    AWS console shows them; short values are hidden entirely."""
    if len(value) < 12:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def credential_named(name: str) -> bool:
    joined = "".join(words(name))
    return looks_secret(name) or any(
        t in joined for t in ("accesskey", "keyid", "credential", "secretkey", "awskey")
    )


@record(frozen=True)
class StringHit:
    """A key found in a string: the attribute path, its name and the key."""

    path: Path
    field: str
    token: str


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


@record
class _NodeHits:
    """The access key IDs and secret keys found in one node's attributes."""

    node: Node
    keys: list[tuple[StringHit, Range | None]]
    secrets: list[tuple[StringHit, Range | None]]

    def tokens(self) -> set[str]:
        return {h.token for h, _ in self.keys} | {h.token for h, _ in self.secrets}


def _credential_hits(graph: ResourceGraph) -> list[_NodeHits]:
    out: list[_NodeHits] = []
    for node in graph.nodes(None, category=None):
        # every root scan_roots gives is one of the node's attributes: most nodes hold
        # no string that can be a key in any of them (depth -1: the roots' own depth is 0)
        if not _may_hold_credentials(node.attrs, -1):
            continue
        keys: list[tuple[StringHit, Range | None]] = []
        secrets: list[tuple[StringHit, Range | None]] = []
        for root, value, rng, field in scan_roots(node):
            if not _may_hold_credentials(value, 0):
                continue
            for path, name, text in walk_strings(value, root, field):
                if "AKIA" not in text and "ASIA" not in text and len(text) < 40:
                    continue
                for k in aws_key_ids(text):
                    keys.append((StringHit(path, name, k), rng))
                for s in aws_secret_keys(text):
                    secrets.append((StringHit(path, name, s), rng))
        if keys or secrets:
            out.append(_NodeHits(node, keys, secrets))
    return out


def credential_carriers(graph: ResourceGraph) -> list[Node]:
    """SEC001's population: the objects holding at least one string long enough to be
    an access key or a secret key, or naming a key prefix (no other can hold a key)."""
    return [
        node
        for node in graph.nodes(None, category=None)
        if any(_may_hold_credentials(value, 0) for _r, value, _g, _f in scan_roots(node))
    ]


CREDENTIAL_CARRIERS = from_view(
    credential_carriers,
    what="objects (resources, variables, parameters, outputs...) holding a string that can be a key",
)


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
    subjects=CREDENTIAL_CARRIERS,
    control="No AWS access key is written in the code.",
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
        provider's `access_key`, an `AWS_ACCESS_KEY_ID` environment variable). The secret is never echoed: messages show the last four
        characters of a key ID and nothing of a secret key, and text/SARIF
        snippets are masked. The AWS documentation's
        example pair (`AKIAIOSFODNN7EXAMPLE`) is still reported: it stands where a
        real key would be, and real keys follow the same pattern; placeholders
        (`AKIAXXXXXXXXXXXXXXXX`, LocalStack's `test`) and 40-character hex hashes
        are not keys. Its population in the evidence pack is the objects that hold
        at least one string that can be a key (20 characters or more, or naming a
        key prefix): an object with only short strings, numbers and booleans
        cannot hold a key, so counting it as a pass would overstate what was
        inspected.
    Why it matters for SOC 2:
        Checklist A forbids access keys in code and B forbids key hardcoding:
        anyone with read access to the repository, its history or a CI log can use
        the key, and long-lived keys bypass the access reviews CC6.1 relies on.
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
            return Place(node, hit.path, Origin("", rng) if rng is not None else None)
        for other in refs_at(graph, node, hit.path):
            found = hits_by_node.get(other.id)
            if found is None or other.category not in ("variable", "parameter", "local"):
                continue
            for h, r in (*found.keys, *found.secrets):
                if h.token == hit.token:
                    return Place(other, h.path, Origin("", r, other.address))
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
