"""ENC rules: encryption at rest (checklist B "Data at Rest"; see ../shared/RULES.md).

Every rule here follows the services' documented defaults (cited in each
rule's References) and the inheritance rules of restores and replicas: a
resource created from a snapshot, a point in time or a replication source
takes the source's encryption, which the configuration cannot show, so it is
unknown, never a failure.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .enc001_rds_storage_encrypted import rds_storage_encrypted
from .enc002_ebs_encrypted import ebs_encrypted
from .enc003_s3_bucket_encryption_explicit import s3_bucket_encryption_explicit
from .enc004_efs_encrypted import efs_encrypted
from .enc005_elasticache_at_rest_encryption import elasticache_at_rest_encryption
from .enc006_redshift_encrypted import redshift_encrypted
from .enc007_opensearch_encrypted_at_rest import opensearch_encrypted_at_rest
from .enc008_sqs_encrypted import sqs_encrypted
from .enc009_sns_encrypted import sns_encrypted
from .enc010_docdb_neptune_encrypted import docdb_neptune_encrypted
from .enc011_kinesis_stream_encrypted import kinesis_stream_encrypted
from .enc012_eks_secrets_encrypted import eks_secrets_encrypted
from .enc013_secret_in_plaintext_parameter import secret_in_plaintext_parameter

RULES: tuple[Rule, ...] = (
    rds_storage_encrypted,
    ebs_encrypted,
    s3_bucket_encryption_explicit,
    efs_encrypted,
    elasticache_at_rest_encryption,
    redshift_encrypted,
    opensearch_encrypted_at_rest,
    sqs_encrypted,
    sns_encrypted,
    docdb_neptune_encrypted,
    kinesis_stream_encrypted,
    eks_secrets_encrypted,
    secret_in_plaintext_parameter,
)
