"""The settings rules read, each stated once with the value it takes when it is not written.

A :class:`Setting` is one attribute as both languages spell it (Terraform
``multi_az``, CloudFormation ``MultiAZ``; dotted paths for nested blocks and
properties), the resource kinds that have it, the default AWS or the
Terraform provider applies when it is not written, the values that pass, and
the pages that state the default.  Rules never restate a default: they read
the setting.

Reading is three-valued (:meth:`Setting.read`):

* not written (or null) -> the default; when the default fails, a finding
  points at the resource's first line (RULES.md, "Location");
* unknown (a variable without a value, an import, a value of the wrong type)
  -> no finding; a low one under ``--strict``;
* written and failing -> a finding at the attribute.

:meth:`soc2lint.rule.Context.require` does all of that in one call and spells
the attribute in the node's language in its message.

The table is data for more than the rules: ``docs/rules/settings.md`` is
generated from it, a finding made by ``Context.require`` carries its setting
(``Report.setting``) so that a fixer knows the value to write
(:attr:`Setting.fix_value`) and where (``tf`` / ``cfn``), and ``kinds`` names
the resources a setting applies to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from .model import Attr, Node, describe_value, to_bool, to_int
from .record import record

SettingType = Literal["bool", "int", "str"]

TF = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"
CFN = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"


@record(frozen=True)
class Setting:
    """One attribute rules read, in both languages, with its default.

    ``default`` is the value when the attribute is not written (``None``: it
    has none, so it is off or empty).  ``passing`` lists the values that pass
    (lower case for ``str`` settings); an ``int`` setting passes from
    ``minimum`` up, unless the rule gives its own threshold.  ``default_text``
    is how messages show the default when it is not the value itself
    (``"1 day"``).  ``docs`` are the pages that state the default.
    """

    kinds: tuple[str, ...]
    tf: str | None
    cfn: str | None
    default: Any
    docs: tuple[str, ...]
    type: SettingType = "bool"
    passing: tuple[Any, ...] = (True,)
    minimum: int | None = None
    default_text: str = ""
    #: why writing the passing value is unsafe for a running resource (it is replaced,
    #: interrupted, costs more, or clients may break); "" when it is safe (``soc2lint fix``)
    unsafe: str = ""
    #: Terraform: the separate resource the provider expects today for this setting
    #: (``aws_s3_bucket_public_access_block``), when the setting is not written
    tf_resource: str | None = None
    #: the value a fix writes, when it is not ``fix_value``'s choice (``"Enabled"``)
    write: Any = None

    def spelled(self, node: Node) -> str:
        """The attribute's name in the node's language."""
        return node.spelled(tf=self.tf, cfn=self.cfn)

    @property
    def fix_value(self) -> Any:
        """The value a fix writes: ``write``, else the first passing one, or the minimum."""
        if self.write is not None:
            return self.write
        return self.minimum if self.type == "int" else self.passing[0]

    def read(self, node: Node, *, threshold: int | None = None) -> Reading:
        """The setting on ``node``, three-valued (see the module docstring)."""
        return self.read_attr(node.attr(tf=self.tf, cfn=self.cfn), threshold=threshold)

    def read_attr(self, attr: Attr, *, threshold: int | None = None) -> Reading:
        """The setting as written at ``attr`` (for a value found inside a block)."""
        if attr.missing:
            value = self.default
            written = False
        elif attr.unknown:
            return Reading(self, attr, None, True, None)
        else:
            value = self.convert(attr.value)
            written = True
            if value is None:  # not a value of this type: cannot be judged
                return Reading(self, attr, None, True, None)
        return Reading(self, attr, value, written, self.passes(value, threshold))

    def convert(self, raw: Any) -> Any:
        """A written value as this setting's type (None when it is not one)."""
        if self.type == "bool":
            return to_bool(raw)
        if self.type == "int":
            return to_int(raw)
        return raw.strip().lower() if isinstance(raw, str) else None

    def passes(self, value: Any, threshold: int | None = None) -> bool:
        if self.type == "int":
            floor = threshold if threshold is not None else self.minimum
            return value is not None and floor is not None and value >= floor
        return value in self.passing


@record(frozen=True)
class Reading:
    """A setting read on one node.

    ``value`` is the written value converted to the setting's type, or the
    default when it is not written; ``ok`` is None when the value cannot be
    known (then ``value`` is None too).
    """

    setting: Setting
    attr: Attr
    value: Any
    written: bool
    ok: bool | None

    @property
    def unknown(self) -> bool:
        return self.ok is None

    @property
    def name(self) -> str:
        """The attribute as the node's language writes it (``encrypt_at_rest[0].enabled``)."""
        return self.attr.path_str

    @property
    def shown(self) -> str:
        """The value as messages show it: ``not set (default false)``, ``false``, ``"NONE"``."""
        if not self.written:
            return f"not set (default {self.setting.default_text or describe_value(self.value)})"
        return describe_value(self.attr.value)

    @property
    def problem(self) -> str:
        """The attribute and its value, as messages say it: `multi_az` is not set (default false)."""
        return f"`{self.name}` is {self.shown}"


def pick(node: Node, *settings: Setting) -> Setting:
    """The one of several settings (one per resource kind) that applies to ``node``."""
    for s in settings:
        if node.kind in s.kinds:
            return s
    return settings[0]


# ---------------------------------------------------------------------------
# The table.  Grouped by service; each entry's docs state its default.
# ---------------------------------------------------------------------------

RDS_INSTANCE = "AWS::RDS::DBInstance"
RDS_CLUSTER = "AWS::RDS::DBCluster"
DOCDB_CLUSTER = "AWS::DocDB::DBCluster"
NEPTUNE_CLUSTER = "AWS::Neptune::DBCluster"
DATABASES = (RDS_INSTANCE, RDS_CLUSTER, DOCDB_CLUSTER, NEPTUNE_CLUSTER)
OPENSEARCH = "AWS::OpenSearchService::Domain"
ELASTICSEARCH = "AWS::Elasticsearch::Domain"
REPLICATION_GROUP = "AWS::ElastiCache::ReplicationGroup"

# ---- RDS, Aurora, DocumentDB, Neptune ---------------------------------------

RDS_MULTI_AZ = Setting(
    kinds=(RDS_INSTANCE,),
    tf="multi_az",
    cfn="MultiAZ",
    default=False,
    docs=(
        f"{TF}db_instance#multi_az",
        f"{CFN}aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-multiaz",
    ),
    unsafe="cost: a standby instance in a second zone doubles the instance cost",
)
DB_DELETION_PROTECTION = Setting(
    kinds=DATABASES,
    tf="deletion_protection",
    cfn="DeletionProtection",
    default=False,
    docs=(
        f"{TF}db_instance#deletion_protection",
        f"{TF}rds_cluster#deletion_protection",
        f"{CFN}aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-deletionprotection",
        f"{CFN}aws-resource-docdb-dbcluster.html#cfn-docdb-dbcluster-deletionprotection",
    ),
)
DB_SKIP_FINAL_SNAPSHOT = Setting(
    kinds=DATABASES,
    tf="skip_final_snapshot",
    cfn=None,  # CloudFormation: DeletionPolicy: Snapshot (CHG006)
    default=False,
    passing=(False,),
    docs=(
        f"{TF}db_instance#skip_final_snapshot",
        f"{TF}rds_cluster#skip_final_snapshot",
        f"{TF}docdb_cluster#skip_final_snapshot",
        f"{TF}neptune_cluster#skip_final_snapshot",
    ),
)
DB_BACKUP_RETENTION = Setting(
    kinds=(*DATABASES, "AWS::DocDBElastic::Cluster"),
    tf="backup_retention_period",
    cfn="BackupRetentionPeriod",
    type="int",
    default=1,
    default_text="1 day",
    minimum=1,
    docs=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
        "USER_WorkingWithAutomatedBackups.BackupRetention.html",
        f"{CFN}aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-backupretentionperiod",
        f"{TF}docdb_elastic_cluster#backup_retention_period",
    ),
)
RDS_STORAGE_ENCRYPTED = Setting(
    kinds=(RDS_INSTANCE, RDS_CLUSTER),
    tf="storage_encrypted",
    cfn="StorageEncrypted",
    default=False,  # new Aurora clusters are encrypted anyway (views.encryption)
    docs=(
        f"{TF}db_instance#storage_encrypted",
        f"{TF}rds_cluster#storage_encrypted",
        "https://aws.amazon.com/blogs/database/"
        "use-default-encryption-at-rest-for-new-amazon-aurora-clusters/",
    ),
    unsafe="replaces an existing instance or cluster (snapshot, copy encrypted, restore)",
)
DOCDB_NEPTUNE_STORAGE_ENCRYPTED = Setting(
    kinds=(DOCDB_CLUSTER, NEPTUNE_CLUSTER),
    tf="storage_encrypted",
    cfn="StorageEncrypted",
    default=False,
    docs=(
        f"{TF}docdb_cluster#storage_encrypted",
        f"{TF}neptune_cluster#storage_encrypted",
        f"{CFN}aws-resource-neptune-dbcluster.html#cfn-neptune-dbcluster-storageencrypted",
    ),
    unsafe="replaces an existing cluster (snapshot, restore encrypted)",
)

# ---- EBS, EFS, Redshift --------------------------------------------------------

EBS_VOLUME_ENCRYPTED = Setting(
    kinds=("AWS::EC2::Volume",),
    tf="encrypted",
    cfn="Encrypted",
    default=False,
    docs=(
        f"{TF}ebs_volume#encrypted",
        f"{CFN}aws-resource-ec2-volume.html#cfn-ec2-volume-encrypted",
    ),
    unsafe="replaces an existing volume (its data is not copied)",
)
EBS_ENCRYPTION_BY_DEFAULT = Setting(
    kinds=("aws_ebs_encryption_by_default",),
    tf="enabled",
    cfn=None,
    default=True,
    docs=(f"{TF}ebs_encryption_by_default#enabled",),
)
EFS_ENCRYPTED = Setting(
    kinds=("AWS::EFS::FileSystem",),
    tf="encrypted",
    cfn="Encrypted",
    default=False,
    docs=(
        f"{TF}efs_file_system#encrypted",
        f"{CFN}aws-resource-efs-filesystem.html#cfn-efs-filesystem-encrypted",
    ),
    unsafe="replaces an existing file system (its data is not copied)",
)
REDSHIFT_ENCRYPTED = Setting(
    kinds=("AWS::Redshift::Cluster",),
    tf="encrypted",
    cfn="Encrypted",
    default=True,
    docs=(
        "https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html",
        f"{TF}redshift_cluster#encrypted",
    ),
    unsafe="the cluster is migrated to an encrypted copy: read-only for the migration",
)
REDSHIFT_SNAPSHOT_RETENTION = Setting(
    kinds=("AWS::Redshift::Cluster",),
    tf="automated_snapshot_retention_period",
    cfn="AutomatedSnapshotRetentionPeriod",
    type="int",
    default=1,
    minimum=1,
    docs=(
        f"{TF}redshift_cluster#automated_snapshot_retention_period",
        f"{CFN}aws-resource-redshift-cluster.html"
        "#cfn-redshift-cluster-automatedsnapshotretentionperiod",
    ),
)

# ---- ElastiCache -----------------------------------------------------------------

ELASTICACHE_AT_REST_ENCRYPTED = Setting(
    kinds=(REPLICATION_GROUP,),
    tf="at_rest_encryption_enabled",
    cfn="AtRestEncryptionEnabled",
    default=False,  # Valkey encrypts by default (views.encryption)
    default_text="false for Redis OSS",
    docs=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html",
        f"{TF}elasticache_replication_group#at_rest_encryption_enabled",
    ),
    unsafe="replaces an existing replication group (its data is lost without a snapshot)",
)
ELASTICACHE_TRANSIT_ENCRYPTED = Setting(
    kinds=(REPLICATION_GROUP,),
    tf="transit_encryption_enabled",
    cfn="TransitEncryptionEnabled",
    default=False,
    docs=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html",
        f"{TF}elasticache_replication_group#transit_encryption_enabled",
    ),
    unsafe="clients must connect with TLS; on older engines the group is replaced",
)
MEMORYDB_REPLICAS_PER_SHARD = Setting(
    kinds=("AWS::MemoryDB::Cluster",),
    tf="num_replicas_per_shard",
    cfn="NumReplicasPerShard",
    type="int",
    default=1,
    minimum=1,
    docs=(
        f"{TF}memorydb_cluster#num_replicas_per_shard",
        f"{CFN}aws-resource-memorydb-cluster.html#cfn-memorydb-cluster-numreplicaspershard",
    ),
)
MEMORYDB_TLS = Setting(
    kinds=("AWS::MemoryDB::Cluster",),
    tf="tls_enabled",
    cfn="TLSEnabled",
    default=True,
    docs=(
        f"{TF}memorydb_cluster#tls_enabled",
        f"{CFN}aws-resource-memorydb-cluster.html#cfn-memorydb-cluster-tlsenabled",
    ),
)
ELASTICACHE_AUTOMATIC_FAILOVER = Setting(
    kinds=(REPLICATION_GROUP,),
    tf="automatic_failover_enabled",
    cfn="AutomaticFailoverEnabled",
    default=False,
    docs=(
        f"{TF}elasticache_replication_group#automatic_failover_enabled",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "aws-resource-elasticache-replicationgroup.html",
    ),
    unsafe="needs at least one replica: cost",
)
ELASTICACHE_MULTI_AZ = Setting(
    kinds=(REPLICATION_GROUP,),
    tf="multi_az_enabled",
    cfn="MultiAZEnabled",
    default=False,
    docs=(
        f"{TF}elasticache_replication_group#multi_az_enabled",
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html",
    ),
    unsafe="needs automatic failover and a replica in another zone: cost",
)
ELASTICACHE_SNAPSHOT_RETENTION = Setting(
    kinds=(REPLICATION_GROUP, "AWS::ElastiCache::CacheCluster"),
    tf="snapshot_retention_limit",
    cfn="SnapshotRetentionLimit",
    type="int",
    default=0,
    minimum=1,
    docs=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups-automatic.html",
        f"{TF}elasticache_replication_group#snapshot_retention_limit",
    ),
)

# ---- OpenSearch / Elasticsearch ------------------------------------------------

OPENSEARCH_ENCRYPTED_AT_REST = Setting(
    kinds=(OPENSEARCH, ELASTICSEARCH),
    tf="encrypt_at_rest.enabled",
    cfn="EncryptionAtRestOptions.Enabled",
    default=False,
    docs=(
        f"{TF}opensearch_domain#encrypt_at_rest",
        f"{CFN}aws-properties-opensearchservice-domain-encryptionatrestoptions.html",
    ),
    unsafe="older domains are replaced; newer ones run a blue/green update",
)
OPENSEARCH_NODE_TO_NODE = Setting(
    kinds=(OPENSEARCH, ELASTICSEARCH),
    tf="node_to_node_encryption.enabled",
    cfn="NodeToNodeEncryptionOptions.Enabled",
    default=False,
    docs=(
        f"{TF}opensearch_domain#node_to_node_encryption",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "aws-resource-opensearchservice-domain.html",
    ),
    unsafe="older domains are replaced; newer ones run a blue/green update",
)
OPENSEARCH_ZONE_AWARENESS = Setting(
    kinds=(OPENSEARCH,),
    tf="cluster_config.zone_awareness_enabled",
    cfn="ClusterConfig.ZoneAwarenessEnabled",
    default=False,
    docs=(
        f"{TF}opensearch_domain#zone_awareness_enabled",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "aws-properties-opensearchservice-domain-clusterconfig.html",
    ),
    unsafe="needs an even number of data nodes across zones: cost and a blue/green update",
)
ELASTICSEARCH_ZONE_AWARENESS = Setting(
    kinds=(ELASTICSEARCH,),
    tf="cluster_config.zone_awareness_enabled",
    cfn="ElasticsearchClusterConfig.ZoneAwarenessEnabled",
    default=False,
    docs=(f"{TF}elasticsearch_domain#zone_awareness_enabled",),
    unsafe="needs an even number of data nodes across zones: cost and a blue/green update",
)
OPENSEARCH_INSTANCE_COUNT = Setting(
    kinds=(OPENSEARCH,),
    tf="cluster_config.instance_count",
    cfn="ClusterConfig.InstanceCount",
    type="int",
    default=1,
    minimum=2,
    docs=(
        f"{TF}opensearch_domain#instance_count",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "aws-properties-opensearchservice-domain-clusterconfig.html",
    ),
    unsafe="cost: another data node",
)
ELASTICSEARCH_INSTANCE_COUNT = Setting(
    kinds=(ELASTICSEARCH,),
    tf="cluster_config.instance_count",
    cfn="ElasticsearchClusterConfig.InstanceCount",
    type="int",
    default=1,
    minimum=2,
    docs=(f"{TF}elasticsearch_domain#instance_count",),
    unsafe="cost: another data node",
)

OPENSEARCH_SERVERLESS_STANDBY = Setting(
    kinds=("AWS::OpenSearchServerless::Collection",),
    tf="standby_replicas",
    cfn="StandbyReplicas",
    type="str",
    default="enabled",
    default_text='"ENABLED"',
    passing=("enabled",),
    docs=(
        f"{TF}opensearchserverless_collection#standby_replicas",
        f"{CFN}aws-resource-opensearchserverless-collection.html"
        "#cfn-opensearchserverless-collection-standbyreplicas",
    ),
)

# ---- DynamoDB ---------------------------------------------------------------------

DYNAMODB_DELETION_PROTECTION = Setting(
    kinds=("AWS::DynamoDB::Table",),
    tf="deletion_protection_enabled",
    cfn="DeletionProtectionEnabled",
    default=False,
    docs=(
        f"{TF}dynamodb_table#deletion_protection_enabled",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
        "WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection",
        f"{TF}dynamodb_table_replica#deletion_protection_enabled",
        f"{CFN}aws-properties-dynamodb-globaltable-replicaspecification.html",
    ),
)

DYNAMODB_SSE = Setting(
    kinds=("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"),
    tf="server_side_encryption.enabled",
    cfn="SSESpecification.SSEEnabled",
    default=False,  # encrypted with an AWS-owned key
    docs=(
        f"{TF}dynamodb_table#server_side_encryption",
        f"{CFN}aws-properties-dynamodb-table-ssespecification.html",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html",
    ),
)

DYNAMODB_PITR = Setting(
    kinds=("AWS::DynamoDB::Table",),
    tf="point_in_time_recovery.enabled",
    cfn="PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
    default=False,
    docs=(
        f"{TF}dynamodb_table#point_in_time_recovery",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "aws-properties-dynamodb-table-pointintimerecoveryspecification.html",
    ),
    unsafe="cost: continuous backups are billed by table size",
)

# The settings of one replica of a global table (views/dynamodb.py): an entry of
# `AWS::DynamoDB::GlobalTable` `Replicas`, a `replica` block of `aws_dynamodb_table`,
# an `aws_dynamodb_table_replica`.  Deletion protection is spelled as on a table
# (DYNAMODB_DELETION_PROTECTION).
DYNAMODB_REPLICA_PITR = Setting(
    kinds=("AWS::DynamoDB::GlobalTable", "aws_dynamodb_table_replica", "AWS::DynamoDB::Table"),
    tf="point_in_time_recovery",
    cfn="PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
    default=False,
    docs=(
        f"{TF}dynamodb_table#point_in_time_recovery-1",
        f"{TF}dynamodb_table_replica#point_in_time_recovery",
        f"{CFN}aws-properties-dynamodb-globaltable-replicaspecification.html",
    ),
)

# ---- SQS, KMS, S3 -------------------------------------------------------------------

SQS_MANAGED_SSE = Setting(
    kinds=("AWS::SQS::Queue",),
    tf="sqs_managed_sse_enabled",
    cfn="SqsManagedSseEnabled",
    default=True,
    docs=(
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
        "sqs-server-side-encryption.html",
        f"{CFN}aws-resource-sqs-queue.html",
    ),
)
KMS_KEY_ROTATION = Setting(
    kinds=("AWS::KMS::Key",),
    tf="enable_key_rotation",
    cfn="EnableKeyRotation",
    default=False,
    docs=(
        f"{TF}kms_key#enable_key_rotation",
        f"{CFN}aws-resource-kms-key.html#cfn-kms-key-enablekeyrotation",
    ),
)
S3_PAB_KINDS = (
    "aws_s3_bucket_public_access_block",
    "aws_s3_account_public_access_block",
    "AWS::S3::Bucket",
)
S3_PAB_DOCS = (
    f"{TF}s3_bucket_public_access_block",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
    "aws-properties-s3-bucket-publicaccessblockconfiguration.html",
)
S3_BLOCK_PUBLIC_ACLS = Setting(
    kinds=S3_PAB_KINDS,
    tf="block_public_acls",
    cfn="PublicAccessBlockConfiguration.BlockPublicAcls",
    default=False,
    docs=S3_PAB_DOCS,
    tf_resource="aws_s3_bucket_public_access_block",
)
S3_BLOCK_PUBLIC_POLICY = Setting(
    kinds=S3_PAB_KINDS,
    tf="block_public_policy",
    cfn="PublicAccessBlockConfiguration.BlockPublicPolicy",
    default=False,
    docs=S3_PAB_DOCS,
    tf_resource="aws_s3_bucket_public_access_block",
)
S3_IGNORE_PUBLIC_ACLS = Setting(
    kinds=S3_PAB_KINDS,
    tf="ignore_public_acls",
    cfn="PublicAccessBlockConfiguration.IgnorePublicAcls",
    default=False,
    docs=S3_PAB_DOCS,
    tf_resource="aws_s3_bucket_public_access_block",
)
S3_RESTRICT_PUBLIC_BUCKETS = Setting(
    kinds=S3_PAB_KINDS,
    tf="restrict_public_buckets",
    cfn="PublicAccessBlockConfiguration.RestrictPublicBuckets",
    default=False,
    docs=S3_PAB_DOCS,
    tf_resource="aws_s3_bucket_public_access_block",
)
#: the four flags of a public access block, in the order messages list them
S3_PUBLIC_ACCESS_BLOCK = (
    S3_BLOCK_PUBLIC_ACLS,
    S3_BLOCK_PUBLIC_POLICY,
    S3_IGNORE_PUBLIC_ACLS,
    S3_RESTRICT_PUBLIC_BUCKETS,
)
S3_VERSIONING = Setting(
    kinds=("aws_s3_bucket_versioning", "AWS::S3::Bucket"),
    tf="versioning_configuration.status",
    cfn="VersioningConfiguration.Status",
    type="str",
    default=None,
    default_text="never enabled",
    passing=("enabled",),
    write="Enabled",
    tf_resource="aws_s3_bucket_versioning",
    unsafe="cost: every object version is kept and billed; versioning can later be "
    "suspended, never removed",
    docs=(
        f"{TF}s3_bucket_versioning",
        f"{CFN}aws-properties-s3-bucket-versioningconfiguration.html",
    ),
)
S3_DEFAULT_ENCRYPTION = Setting(
    kinds=("aws_s3_bucket_server_side_encryption_configuration", "AWS::S3::Bucket"),
    tf="rule.apply_server_side_encryption_by_default.sse_algorithm",
    cfn="BucketEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionByDefault."
    "SSEAlgorithm",
    type="str",
    default=None,
    default_text="not declared (S3 applies SSE-S3)",
    passing=("aes256", "aws:kms", "aws:kms:dsse"),
    write="AES256",
    tf_resource="aws_s3_bucket_server_side_encryption_configuration",
    docs=(
        f"{TF}s3_bucket_server_side_encryption_configuration",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html",
    ),
)
S3_FORCE_DESTROY = Setting(
    kinds=("AWS::S3::Bucket",),
    tf="force_destroy",
    cfn=None,  # CloudFormation cannot delete a bucket that holds objects
    default=False,
    passing=(False,),
    docs=(f"{TF}s3_bucket#force_destroy",),
)

S3_BACKEND_ENCRYPT = Setting(
    kinds=("backend",),  # a Terraform `backend "s3"` block
    tf="encrypt",
    cfn=None,
    default=False,
    docs=("https://developer.hashicorp.com/terraform/language/backend/s3",),
)

# ---- CloudTrail, load balancers, CloudWatch, GuardDuty ----------------------------------

CLOUDTRAIL = "AWS::CloudTrail::Trail"
CLOUDTRAIL_DOCS = (
    f"{TF}cloudtrail",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudtrail-trail.html",
)
CLOUDTRAIL_MULTI_REGION = Setting(
    kinds=(CLOUDTRAIL,),
    tf="is_multi_region_trail",
    cfn="IsMultiRegionTrail",
    default=False,
    docs=CLOUDTRAIL_DOCS,
)
CLOUDTRAIL_GLOBAL_EVENTS = Setting(
    kinds=(CLOUDTRAIL,),
    tf="include_global_service_events",
    cfn="IncludeGlobalServiceEvents",
    default=True,
    docs=CLOUDTRAIL_DOCS,
)
CLOUDTRAIL_LOG_VALIDATION = Setting(
    kinds=(CLOUDTRAIL,),
    tf="enable_log_file_validation",
    cfn="EnableLogFileValidation",
    default=False,
    docs=CLOUDTRAIL_DOCS,
)
ALB_ACCESS_LOGS = Setting(
    kinds=("AWS::ElasticLoadBalancingV2::LoadBalancer",),
    tf="access_logs.enabled",
    cfn=None,  # CloudFormation: the access_logs.s3.enabled load balancer attribute
    default=False,
    docs=(f"{TF}lb#enabled-1",),
)
CLASSIC_ELB_ACCESS_LOGS = Setting(
    kinds=("AWS::ElasticLoadBalancing::LoadBalancer",),
    tf="access_logs.enabled",
    cfn="AccessLoggingPolicy.Enabled",  # required when the policy is written
    default=True,
    docs=(f"{TF}elb#enabled",),
)
ALARM_ACTIONS_ENABLED = Setting(
    kinds=("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"),
    tf="actions_enabled",
    cfn="ActionsEnabled",
    default=True,
    docs=(
        f"{TF}cloudwatch_metric_alarm#actions_enabled",
        f"{TF}cloudwatch_composite_alarm#actions_enabled",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html",
    ),
)
GUARDDUTY_ENABLED = Setting(
    kinds=("AWS::GuardDuty::Detector",),
    tf="enable",
    cfn="Enable",
    default=True,
    docs=(f"{TF}guardduty_detector#enable",),
    unsafe="cost: GuardDuty is billed by the events it analyses",
)

# ---- MSK ------------------------------------------------------------------------------

MSK_IN_CLUSTER = Setting(
    kinds=("AWS::MSK::Cluster",),
    tf="encryption_info.encryption_in_transit.in_cluster",
    cfn="EncryptionInfo.EncryptionInTransit.InCluster",
    default=True,
    docs=(
        f"{TF}msk_cluster#in_cluster",
        f"{CFN}aws-properties-msk-cluster-encryptionintransit.html",
    ),
    unsafe="replaces an existing cluster",
)


def all_settings() -> Iterator[tuple[str, Setting]]:
    """Every entry of the table, by its name here (for the docs and the tests)."""
    for name, value in globals().items():
        if isinstance(value, Setting):
            yield name, value


__all__ = ["Reading", "Setting", "all_settings", "pick"]
