from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Severity
from soc2lint.rule import Context, Report, rule
from soc2lint.settings import OPENSEARCH_ENCRYPTED_AT_REST
from soc2lint.views.populations import SEARCH_DOMAINS

from ._shared import CHECKLIST, TSC, UNENCRYPTED


@rule(
    id="ENC007",
    slug="opensearch-encrypted-at-rest",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    subjects=SEARCH_DOMAINS,
    control="OpenSearch/Elasticsearch domains are encrypted at rest.",
    fix={
        "terraform": "Add `encrypt_at_rest { enabled = true }` (with `kms_key_id`) to the domain.",
        "cloudformation": "Set `EncryptionAtRestOptions: {Enabled: true}` (with `KmsKeyId`) on "
        "the domain.",
    },
)
def opensearch_encrypted_at_rest(ctx: Context) -> Iterator[Report]:
    """OpenSearch / Elasticsearch domain is not encrypted at rest.

    What it checks:
        `aws_opensearch_domain` / `aws_elasticsearch_domain`
        `encrypt_at_rest.enabled`, and `AWS::OpenSearchService::Domain` /
        `AWS::Elasticsearch::Domain` `EncryptionAtRestOptions.Enabled`.
        Encryption at rest is an option that is off unless enabled.

        OpenSearch Serverless collections are always encrypted at rest (an encryption
        security policy only chooses the key), so `aws_opensearchserverless_*` /
        `AWS::OpenSearchServerless::*` are not checked.
    Why it matters for SOC 2:
        Checklist B "Data at Rest"; CC6.1 and C1.1. Indexes, logs, swap files and
        automated snapshots of the domain are only encrypted with this option.
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticsearch_domain
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-opensearchservice-domain-encryptionatrestoptions.html
    """
    for node in ctx.graph.nodes(OPENSEARCH_ENCRYPTED_AT_REST.kinds):
        yield from ctx.require(node, OPENSEARCH_ENCRYPTED_AT_REST, UNENCRYPTED)
