from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity, to_bool
from soc2lint.rule import Context, Report, of_kinds, rule
from soc2lint.settings import S3_BACKEND_ENCRYPT

from ._shared import CHECKLIST


@rule(
    id="CHG003",
    slug="state-backend-insecure",
    severity=Severity.HIGH,
    tsc=("CC8.1", "CC6.1"),
    checklist=CHECKLIST,
    subjects=of_kinds("backend", what="state backends"),
    control="The Terraform state backend is encrypted and locked.",
    fix={
        "terraform": (
            'In `backend "s3"` set `encrypt = true` (optionally `kms_key_id`) and enable '
            "locking with `use_lockfile = true` (Terraform 1.10+) or `dynamodb_table`."
        ),
    },
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
    References:
        - https://developer.hashicorp.com/terraform/language/backend/s3
        - https://developer.hashicorp.com/terraform/language/backend#partial-configuration
    """
    for be in ctx.graph.nodes("backend", category="backend"):
        if be.type != "s3":
            ctx.not_applicable(be, f"a {be.type} backend: only the S3 backend is checked")
            continue
        bucket, key = be.attr("bucket"), be.attr("key")
        if bucket.missing or key.missing:
            # partial configuration: -backend-config supplies the rest
            yield from ctx.unresolved(be, bucket if bucket.missing else key, "backend settings")
            continue
        enc = S3_BACKEND_ENCRYPT.read(be)
        if enc.attr.unknown:
            yield from ctx.unresolved(be, enc.attr)
        else:
            other_sse = be.attr("kms_key_id").present or be.attr("sse_customer_key").present
            if enc.ok is False and not (not enc.written and other_sse):
                yield ctx.finding(
                    be,
                    enc.attr,
                    f"{be.address}: S3 backend `encrypt` is {enc.shown}: the state, which holds "
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
