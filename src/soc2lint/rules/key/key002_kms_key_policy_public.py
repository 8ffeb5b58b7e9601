from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, RelatedRef, Report, from_view, rule
from soc2lint.views.populations import key_policy_writers

from .._common import (
    actions_text,
    holder_note,
    label,
    public_allows,
    public_condition_note,
    related_holder,
    unresolved_document,
    unresolved_public,
)

KEY_HOLDERS = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "aws_kms_key_policy")


@rule(
    id="KEY002",
    slug="kms-key-policy-public",
    severity=Severity.CRITICAL,
    tsc=("CC6.1",),
    checklist="B. Key Management",
    subjects=from_view(key_policy_writers, what="KMS key policies"),
    control="KMS key policies grant use and management to named principals only.",
    fix={
        "terraform": "Name the principals in the key policy (account root, roles) or add a "
        "`Condition` (`kms:CallerAccount`, `aws:PrincipalOrgID`, `kms:ViaService`).",
        "cloudformation": "Name the principals in `KeyPolicy` or add a `Condition` "
        "(`kms:CallerAccount`, `aws:PrincipalOrgID`, `kms:ViaService`).",
    },
)
def kms_key_policy_public(ctx: Context) -> Iterator[Report]:
    """A KMS key policy allows anyone to use or manage the key.

    What it checks:
        Key policies (`aws_kms_key.policy`, `aws_kms_key_policy`,
        `aws_kms_replica_key`, `AWS::KMS::Key`/`AWS::KMS::ReplicaKey`
        `KeyPolicy`, including policies written in `data
        "aws_iam_policy_document"`) for an `Allow` statement whose principal is
        `*` or `{"AWS": "*"}`, unless a condition restricts who can use it to
        fixed values (no wildcard, no policy variable) of `kms:CallerAccount`,
        `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
        `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceVpc(e)`,
        `aws:SourceIp` (not a public-wide range) and the other keys of S3's
        definition of a non-public policy (shared with NET011 and IAM008); a
        condition on `aws:SecureTransport`, `kms:ViaService` alone or
        `aws:CurrentTime` does not. The account-root statement of the default
        key policy names the account and is never a finding, also under
        `--strict` when the account ID is a reference
        (`arn:aws:iam::${data.aws_caller_identity.current.account_id}:root`);
        an unknown principal or condition is not a failure, and `--strict`
        names the expression that decides.
    Why it matters for SOC 2:
        Any AWS principal could use (or administer) the key, so whatever it
        encrypts is no longer protected (checklist B "Key Management",
        TSC CC6.1).
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
        - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
    """
    for doc, stmt, unresolved in public_allows(ctx, KEY_HOLDERS):
        if stmt is None:
            yield from unresolved_document(ctx, doc)
            continue
        if unresolved:
            yield from unresolved_public(ctx, stmt)
            continue
        key = doc.holder
        yield ctx.finding(
            stmt.node,
            stmt.path,
            f"{stmt.node.address}: key policy {label(stmt)} allows principal `*` "
            f"({actions_text(stmt)}) {public_condition_note(stmt)}{holder_note(doc, stmt)}",
            related=related_holder(doc, stmt) or ([] if key is stmt.node else [RelatedRef(key)]),
        )
