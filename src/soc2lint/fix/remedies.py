"""Which findings ``soc2lint fix`` can fix, what it writes, and whether that is safe.

A :class:`Remedy` answers the findings of one rule on some resource kinds in
one language at one attribute path (``""``: the resource itself, for a
setting that is not written at all).  It writes values (``writes``: paths
under the resource, the first is the setting itself, the others are written
only when missing, such as ``final_snapshot_identifier`` beside
``skip_final_snapshot = false``), or, in Terraform, adds the separate resource
the provider expects today (``companion``: ``aws_s3_bucket_public_access_block``
next to its bucket).  The values come from the settings table
(:mod:`soc2lint.settings`) wherever it has the setting: it is the source of
truth for the value that passes and for why a fix is unsafe.

A remedy is *safe* when it cannot replace, interrupt or add cost to a running
resource; otherwise ``unsafe`` says why (replacement, cost, client breakage)
and ``soc2lint fix`` applies it only with ``--unsafe-fixes``.  The rule pages
(``docs/rules``) and ``soc2lint explain`` list each rule's remedies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import settings as S
from ..model import Language
from ..record import record
from ..settings import Setting

#: a paths's value taken from a threshold option (``[tool.soc2lint.options]``)
OPTION = "option:"


@record(frozen=True)
class Remedy:
    """How a rule's finding on some resource kinds is fixed: what is written, and where."""

    rule: str
    language: Language
    kinds: tuple[str, ...]
    #: the finding's attribute path it answers, without indices ("" = the resource)
    match: str
    #: (path, value) written under the resource; the first always, the others when they
    #: are missing or, for a true/false or number, written with a value that falls short
    writes: tuple[tuple[str, Any], ...]
    unsafe: str = ""
    #: Terraform: the resource type added next to the node (its ``writes`` are its body)
    companion: str | None = None

    @property
    def safe(self) -> bool:
        return not self.unsafe

    def value(self, raw: Any, options: dict[str, Any]) -> Any:
        if isinstance(raw, str) and raw.startswith(OPTION):
            return int(options[raw[len(OPTION) :]])
        return raw

    def describe(self, options: dict[str, Any] | None = None) -> str:
        """What the fix does, in the language's words (for summaries and docs)."""
        opts = options or {}
        shown = []
        for path, raw in self.writes:
            v = raw
            if isinstance(raw, str) and raw.startswith(OPTION):
                name = raw[len(OPTION) :]
                v = opts.get(name, f"<{name}>")
            sep = " = " if self.language == "terraform" else ": "
            shown.append(f"{path.lstrip('@')}{sep}{_show(v, self.language)}")
        text = ", ".join(shown)
        if self.companion:
            return f"add a `{self.companion}` for it ({text})"
        return f"set {text}" if len(self.writes) == 1 else f"set {text} (the others when missing)"


def _show(value: Any, language: Language) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if language == "terraform" else value
    if isinstance(value, list):
        return "[" + ", ".join(_show(v, language) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v, language)}" for k, v in value.items()) + "}"
    return str(value)


def _setting(
    rule: str,
    s: Setting,
    *,
    value: Any = None,
    kinds: tuple[str, ...] | None = None,
    languages: Iterable[Language] = ("terraform", "cloudformation"),
    unsafe: str | None = None,
) -> list[Remedy]:
    """The remedies of one setting: write its passing value where it is written or missing."""
    out = []
    for lang in languages:
        path = s.tf if lang == "terraform" else s.cfn
        if path is None:
            continue
        v = s.fix_value if value is None else value
        out.append(
            Remedy(
                rule=rule,
                language=lang,
                kinds=kinds or s.kinds,
                match=path,
                writes=((path, v),),
                unsafe=s.unsafe if unsafe is None else unsafe,
            )
        )
    return out


def _both(
    rule: str,
    kinds: tuple[str, ...],
    tf: str | None,
    cfn: str | None,
    value: Any,
    unsafe: str = "",
    cfn_value: Any = None,
) -> list[Remedy]:
    out = []
    if tf:
        out.append(Remedy(rule, "terraform", kinds, tf, ((tf, value),), unsafe))
    if cfn:
        v = value if cfn_value is None else cfn_value
        out.append(Remedy(rule, "cloudformation", kinds, cfn, ((cfn, v),), unsafe))
    return out


BUCKET = ("AWS::S3::Bucket",)
PAB_FLAGS = S.S3_PUBLIC_ACCESS_BLOCK
PAB_RESOURCE = S.S3_BLOCK_PUBLIC_ACLS.tf_resource or "aws_s3_bucket_public_access_block"
VERSIONING_RESOURCE = S.S3_VERSIONING.tf_resource or "aws_s3_bucket_versioning"
SSE_RESOURCE = S.S3_DEFAULT_ENCRYPTION.tf_resource or ""


def _versioning(rule: str) -> list[Remedy]:
    s = S.S3_VERSIONING
    return [
        Remedy(
            rule,
            "terraform",
            BUCKET,
            "",
            (("versioning_configuration.status", s.write),),
            s.unsafe,
            companion=VERSIONING_RESOURCE,
        ),
        Remedy(
            rule,
            "terraform",
            BUCKET,
            "versioning.enabled",
            (("versioning.enabled", True),),
            s.unsafe,
        ),
        Remedy(
            rule,
            "terraform",
            ("aws_s3_bucket_versioning",),
            "versioning_configuration.status",
            (("versioning_configuration.status", s.write),),
            s.unsafe,
        ),
        Remedy(
            rule,
            "cloudformation",
            BUCKET,
            "",
            (("VersioningConfiguration", {"Status": s.write}),),
            s.unsafe,
        ),
        Remedy(
            rule,
            "cloudformation",
            BUCKET,
            "VersioningConfiguration.Status",
            (("VersioningConfiguration.Status", s.write),),
            s.unsafe,
        ),
    ]


def _deletion_policy(kinds: tuple[str, ...], policy: str) -> list[Remedy]:
    writes = (("@DeletionPolicy", policy), ("@UpdateReplacePolicy", policy))
    return [
        Remedy("CHG006", "cloudformation", kinds, "", writes),
        Remedy("CHG006", "cloudformation", kinds, "@DeletionPolicy", writes),
        Remedy(
            "CHG006",
            "cloudformation",
            kinds,
            "@UpdateReplacePolicy",
            (("@UpdateReplacePolicy", policy), ("@DeletionPolicy", policy)),
        ),
    ]


def _zone_awareness(zone: Setting, count: Setting) -> list[Remedy]:
    """Zone awareness needs two data nodes: the count is written too when it is missing."""
    out = []
    langs: tuple[tuple[Language, str | None, str | None], ...] = (
        ("terraform", zone.tf, count.tf),
        ("cloudformation", zone.cfn, count.cfn),
    )
    for lang, zpath, cpath in langs:
        if zpath and cpath:
            out.append(
                Remedy(
                    "AVL005",
                    lang,
                    zone.kinds,
                    zpath,
                    ((zpath, True), (cpath, count.fix_value)),
                    zone.unsafe,
                )
            )
    return out


def _pab_paths(s: Setting) -> list[tuple[Language, str, list[str]]]:
    """A flag's path in each language, and the other three flags' (written with it)."""
    return [
        ("terraform", s.tf or "", [o.tf or "" for o in PAB_FLAGS if o is not s]),
        ("cloudformation", s.cfn or "", [o.cfn or "" for o in PAB_FLAGS if o is not s]),
    ]


_EKS_ENDPOINTS: tuple[tuple[Language, str, str, str], ...] = (
    ("terraform", "vpc_config", "endpoint_public_access", "endpoint_private_access"),
    ("cloudformation", "ResourcesVpcConfig", "EndpointPublicAccess", "EndpointPrivateAccess"),
)
_OPENSEARCH = (S.OPENSEARCH, S.ELASTICSEARCH)
_CLIENTS_TLS = "clients that connect without TLS stop working"
_TLS_POLICY_CLIENTS = "clients limited to TLS 1.0/1.1 can no longer connect"

REMEDIES: tuple[Remedy, ...] = (
    # ---- availability
    *_setting("AVL001", S.RDS_MULTI_AZ),
    *_setting("AVL002", S.ELASTICACHE_MULTI_AZ),
    *_setting("AVL002", S.ELASTICACHE_AUTOMATIC_FAILOVER),
    *_zone_awareness(S.OPENSEARCH_ZONE_AWARENESS, S.OPENSEARCH_INSTANCE_COUNT),
    *_zone_awareness(S.ELASTICSEARCH_ZONE_AWARENESS, S.ELASTICSEARCH_INSTANCE_COUNT),
    *_setting("AVL005", S.OPENSEARCH_INSTANCE_COUNT),
    *_setting("AVL005", S.ELASTICSEARCH_INSTANCE_COUNT),
    *_setting("AVL006", S.DB_DELETION_PROTECTION),
    *_setting("AVL006", S.DYNAMODB_DELETION_PROTECTION),
    # ---- backup
    *_setting("BAK001", S.DB_BACKUP_RETENTION, value=OPTION + "backup_retention_days"),
    *_setting("BAK002", S.DYNAMODB_PITR),
    *_both(
        "BAK003",
        ("AWS::Backup::BackupPlan",),
        "rule.lifecycle.delete_after",
        "BackupPlan.BackupPlanRule.Lifecycle.DeleteAfterDays",
        OPTION + "backup_retention_days",
    ),
    *_setting("BAK004", S.ELASTICACHE_SNAPSHOT_RETENTION, value=7),
    *_setting("BAK006", S.REDSHIFT_SNAPSHOT_RETENTION, value=7),
    *_versioning("BAK005"),
    *_versioning("LOG004"),
    # ---- change management
    *_setting("CHG003", S.S3_BACKEND_ENCRYPT),
    *_setting("CHG004", S.S3_FORCE_DESTROY),
    *(
        Remedy(
            "CHG005",
            "terraform",
            (kind,),
            "skip_final_snapshot",
            (("skip_final_snapshot", False), ("final_snapshot_identifier", "{label}-final")),
        )
        for kind in S.DB_SKIP_FINAL_SNAPSHOT.kinds
    ),
    *_deletion_policy(
        (
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::ElastiCache::ReplicationGroup",
            "AWS::ElastiCache::CacheCluster",
        ),
        "Snapshot",
    ),
    *_deletion_policy(
        (
            "AWS::DynamoDB::Table",
            "AWS::DynamoDB::GlobalTable",
            "AWS::EFS::FileSystem",
            "AWS::S3::Bucket",
            "AWS::ElastiCache::ServerlessCache",
        ),
        "Retain",
    ),
    # ---- encryption at rest
    *_setting("ENC001", S.RDS_STORAGE_ENCRYPTED),
    *_setting("ENC002", S.EBS_VOLUME_ENCRYPTED),
    *_both(
        "ENC002",
        ("AWS::EC2::Instance",),
        "root_block_device.encrypted",
        "BlockDeviceMappings.Ebs.Encrypted",
        True,
        S.EBS_VOLUME_ENCRYPTED.unsafe,
    ),
    *_both(
        "ENC002",
        ("AWS::EC2::Instance", "AWS::AutoScaling::LaunchConfiguration"),
        "ebs_block_device.encrypted",
        None,
        True,
        S.EBS_VOLUME_ENCRYPTED.unsafe,
    ),
    *_both(
        "ENC002",
        ("AWS::EC2::LaunchTemplate",),
        "block_device_mappings.ebs.encrypted",
        "LaunchTemplateData.BlockDeviceMappings.Ebs.Encrypted",
        "true",
        cfn_value=True,
    ),
    Remedy(
        "ENC003",
        "terraform",
        BUCKET,
        "",
        (("rule.apply_server_side_encryption_by_default.sse_algorithm", "AES256"),),
        companion=SSE_RESOURCE,
    ),
    Remedy(
        "ENC003",
        "cloudformation",
        BUCKET,
        "",
        (
            (
                "BucketEncryption",
                {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
            ),
        ),
    ),
    *_setting("ENC004", S.EFS_ENCRYPTED),
    *_setting("ENC005", S.ELASTICACHE_AT_REST_ENCRYPTED),
    *_setting("ENC006", S.REDSHIFT_ENCRYPTED),
    *_setting("ENC007", S.OPENSEARCH_ENCRYPTED_AT_REST),
    *_setting("ENC008", S.SQS_MANAGED_SSE),
    *_both(
        "ENC009",
        ("AWS::SNS::Topic",),
        "kms_master_key_id",
        "KmsMasterKeyId",
        "alias/aws/sns",
        "AWS services that publish to the topic (CloudWatch alarms, EventBridge, S3 events) "
        "cannot use the AWS managed key: give them a customer managed key instead",
    ),
    *_setting("ENC010", S.DOCDB_NEPTUNE_STORAGE_ENCRYPTED),
    Remedy(
        "ENC011",
        "terraform",
        ("AWS::Kinesis::Stream",),
        "encryption_type",
        (("encryption_type", "KMS"), ("kms_key_id", "alias/aws/kinesis")),
    ),
    Remedy(
        "ENC011",
        "cloudformation",
        ("AWS::Kinesis::Stream",),
        "StreamEncryption",
        (("StreamEncryption", {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),),
    ),
    # ---- keys
    *_setting("KEY001", S.KMS_KEY_ROTATION),
    # ---- logging
    *_setting("LOG001", S.CLOUDTRAIL_MULTI_REGION),
    *_setting("LOG001", S.CLOUDTRAIL_GLOBAL_EVENTS),
    *_setting("LOG002", S.CLOUDTRAIL_LOG_VALIDATION),
    *_both(
        "LOG009",
        ("AWS::Logs::LogGroup",),
        "retention_in_days",
        "RetentionInDays",
        OPTION + "log_retention_days",
        "cost: log events are stored (and billed) for longer",
    ),
    *_both(
        "LOG013",
        ("AWS::EKS::Cluster",),
        "enabled_cluster_log_types",
        None,
        ["api", "audit", "authenticator"],
        "cost: control plane logs are billed by CloudWatch Logs",
    ),
    Remedy(
        "LOG013",
        "cloudformation",
        ("AWS::EKS::Cluster",),
        "Logging",
        (
            (
                "Logging",
                {
                    "ClusterLogging": {
                        "EnabledTypes": [{"Type": t} for t in ("api", "audit", "authenticator")]
                    }
                },
            ),
        ),
        "cost: control plane logs are billed by CloudWatch Logs",
    ),
    *_both(
        "LOG015",
        ("aws_api_gateway_method_settings",),
        "settings.data_trace_enabled",
        None,
        False,
    ),
    *_both(
        "LOG015",
        ("AWS::ApiGateway::Stage",),
        None,
        "MethodSettings.DataTraceEnabled",
        False,
    ),
    *_setting("LOG020", S.ALARM_ACTIONS_ENABLED),
    # ---- network
    *_both(
        "NET006",
        ("AWS::RDS::DBInstance", "AWS::Redshift::Cluster", "AWS::DMS::ReplicationInstance"),
        "publicly_accessible",
        "PubliclyAccessible",
        False,
        "clients that reach the database from the internet lose access",
    ),
    *_both(
        "NET008",
        ("AWS::EC2::Instance",),
        "associate_public_ip_address",
        "NetworkInterfaces.AssociatePublicIpAddress",
        False,
        "replaces the instance, and whatever reached it on its public address loses access",
    ),
    *_both(
        "NET008",
        ("AWS::EC2::LaunchTemplate",),
        "network_interfaces.associate_public_ip_address",
        None,
        "false",
        "new instances get no public address: whatever reached them on it loses access",
    ),
    Remedy(
        "NET010",
        "terraform",
        BUCKET,
        "",
        tuple((s.tf or "", True) for s in PAB_FLAGS),
        companion=PAB_RESOURCE,
    ),
    Remedy(
        "NET010",
        "cloudformation",
        BUCKET,
        "",
        (
            (
                "PublicAccessBlockConfiguration",
                {(s.cfn or "").split(".")[-1]: True for s in PAB_FLAGS},
            ),
        ),
    ),
    *(
        Remedy(
            "NET010",
            lang,
            s.kinds,
            path,
            ((path, True), *((p2, True) for p2 in others)),
        )
        for s in PAB_FLAGS
        for lang, path, others in _pab_paths(s)
    ),
    # EKS refuses a cluster with neither endpoint: the private one is turned on with it
    *(
        Remedy(
            "NET014",
            lang,
            ("AWS::EKS::Cluster",),
            f"{block}.{public}",
            ((f"{block}.{public}", False), (f"{block}.{private}", True)),
            "kubectl and CI outside the VPC lose access to the API endpoint",
        )
        for lang, block, public, private in _EKS_ENDPOINTS
    ),
    # ---- secrets
    Remedy("SEC005", "cloudformation", ("parameter",), "", (("NoEcho", True),)),
    Remedy("SEC005", "cloudformation", ("parameter",), "NoEcho", (("NoEcho", True),)),
    # ---- encryption in transit
    *_both(
        "TLS002",
        ("AWS::ElasticLoadBalancingV2::Listener",),
        "ssl_policy",
        "SslPolicy",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
    ),
    *_both(
        "TLS003",
        ("AWS::CloudFront::Distribution",),
        "default_cache_behavior.viewer_protocol_policy",
        "DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy",
        "redirect-to-https",
        "clients that cannot follow a redirect to HTTPS break",
    ),
    *_both(
        "TLS003",
        ("AWS::CloudFront::Distribution",),
        "ordered_cache_behavior.viewer_protocol_policy",
        "DistributionConfig.CacheBehaviors.ViewerProtocolPolicy",
        "redirect-to-https",
        "clients that cannot follow a redirect to HTTPS break",
    ),
    *_both(
        "TLS003",
        ("AWS::CloudFront::Distribution",),
        "viewer_certificate.minimum_protocol_version",
        "DistributionConfig.ViewerCertificate.MinimumProtocolVersion",
        "TLSv1.2_2021",
        _TLS_POLICY_CLIENTS,
    ),
    *_both(
        "TLS004",
        _OPENSEARCH,
        "domain_endpoint_options.enforce_https",
        "DomainEndpointOptions.EnforceHTTPS",
        True,
        _CLIENTS_TLS,
    ),
    *_both(
        "TLS004",
        _OPENSEARCH,
        "domain_endpoint_options.tls_security_policy",
        "DomainEndpointOptions.TLSSecurityPolicy",
        "Policy-Min-TLS-1-2-2019-07",
        _TLS_POLICY_CLIENTS,
    ),
    *_setting("TLS004", S.OPENSEARCH_NODE_TO_NODE),
    *_setting("TLS005", S.ELASTICACHE_TRANSIT_ENCRYPTED),
    *_both(
        "TLS008",
        ("AWS::ApiGateway::DomainName",),
        "security_policy",
        "SecurityPolicy",
        "TLS_1_2",
    ),
    *_both(
        "TLS008",
        ("AWS::ApiGatewayV2::DomainName",),
        "domain_name_configuration.security_policy",
        "DomainNameConfigurations.SecurityPolicy",
        "TLS_1_2",
    ),
    *_both(
        "TLS009",
        ("AWS::MSK::Cluster",),
        "encryption_info.encryption_in_transit.client_broker",
        "EncryptionInfo.EncryptionInTransit.ClientBroker",
        "TLS",
        _CLIENTS_TLS,
    ),
    *_setting("TLS009", S.MSK_IN_CLUSTER),
    *_setting("LOG017", S.GUARDDUTY_ENABLED),
)

_INDEX: dict[tuple[str, Language, str], list[Remedy]] = {}
for _r in REMEDIES:
    _INDEX.setdefault((_r.rule, _r.language, _r.match), []).append(_r)


def normalized(attr_path: str) -> str:
    """``encrypt_at_rest[0].enabled`` -> ``encrypt_at_rest.enabled``."""
    out = []
    for part in attr_path.split("."):
        out.append(part.split("[", 1)[0])
    return ".".join(p for p in out if p)


def remedy_for(rule_id: str, language: Language, kind: str, attr_path: str) -> Remedy | None:
    """The remedy for a finding, or None when its rule has none for it."""
    for r in _INDEX.get((rule_id, language, normalized(attr_path)), ()):
        if kind in r.kinds:
            return r
    return None


def remedies_of(rule_id: str) -> list[Remedy]:
    """A rule's remedies (for its documentation)."""
    return [r for r in REMEDIES if r.rule == rule_id]


def fixable_rules() -> set[str]:
    return {r.rule for r in REMEDIES}
