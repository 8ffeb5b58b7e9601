from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import KMS_KEY_ROTATION
from soc2lint.views.encryption import lower, written

from ._shared import CHECKLIST

IMPORTED = "imported key material: KMS cannot rotate it automatically"
CUSTOM_STORE = "in a custom key store: KMS cannot rotate it automatically"


@rule(
    id="KEY001",
    slug="kms-key-rotation",
    severity=Severity.MEDIUM,
    tsc=("CC6.1",),
    checklist=CHECKLIST,
    subjects=of_kinds("AWS::KMS::Key", what="KMS keys"),
    control="Symmetric KMS keys rotate their key material automatically.",
    fix={
        "terraform": "Set `enable_key_rotation = true` on the `aws_kms_key` "
        "(optionally `rotation_period_in_days`).",
        "cloudformation": "Set `EnableKeyRotation: true` on the `AWS::KMS::Key` "
        "(optionally `RotationPeriodInDays`).",
    },
)
def kms_key_rotation(ctx: Context) -> Iterator[Report]:
    """KMS key does not rotate its key material automatically.

    What it checks:
        Symmetric encryption keys (`aws_kms_key` whose `customer_master_key_spec` is
        absent or `SYMMETRIC_DEFAULT`; `AWS::KMS::Key` whose `KeySpec` is absent or
        `SYMMETRIC_DEFAULT`) must set `enable_key_rotation` / `EnableKeyRotation` to
        true; it is off by default. Exempt, because KMS cannot rotate them
        automatically: asymmetric and HMAC keys, keys with imported key material
        (`aws_kms_external_key`, `Origin: EXTERNAL`; they support only on-demand
        rotation, an operational control soc2lint cannot see) and keys in a custom
        key store (`custom_key_store_id`, `xks_key_id`). Multi-Region replica keys
        take the primary key's rotation.

        Replica keys of multi-Region keys (`aws_kms_replica_key`,
        `AWS::KMS::ReplicaKey`) have no rotation setting: the primary key's rotation
        applies to its replicas, so the primary is the one checked.
    Why it matters for SOC 2:
        Checklist B "Key Management" asks for annual rotation of encryption keys;
        CC6.1 expects cryptographic keys managed through their life cycle. Rotation
        limits how much data one key version protects.
    References:
        - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
        - https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-considerations.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_external_key
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
    """
    for key in ctx.graph.nodes("AWS::KMS::Key"):
        if key.type == "aws_kms_external_key":
            ctx.not_applicable(key, IMPORTED)
            continue
        origin = key.attr(tf=None, cfn="Origin")
        origin_value = lower(origin, "aws_kms")
        if origin_value is None:
            yield from ctx.unresolved(key, origin)
            continue
        if origin_value != "aws_kms":
            ctx.not_applicable(key, IMPORTED if origin_value == "external" else CUSTOM_STORE)
            continue
        store = key.attr(tf="custom_key_store_id", cfn=None)
        xks = key.attr(tf="xks_key_id", cfn=None)
        if written(store) or written(xks):
            ctx.not_applicable(key, CUSTOM_STORE)
            continue
        spec = key.attr(tf="customer_master_key_spec", cfn="KeySpec")
        spec_value = lower(spec, "symmetric_default")
        if spec_value is None:
            yield from ctx.unresolved(key, spec)
            continue
        if spec_value != "symmetric_default":
            ctx.not_applicable(
                key,
                f"{'an HMAC' if spec_value.startswith('hmac') else 'an asymmetric'} key "
                f"({spec_value.upper()}): KMS rotates only symmetric encryption keys",
            )
            continue
        yield from ctx.require(
            key,
            KMS_KEY_ROTATION,
            "{address}: {problem}; the symmetric key's material is never rotated",
        )
