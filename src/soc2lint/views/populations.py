"""Populations several rules evaluate (``@rule(subjects=...)``), each defined once.

A rule's subjects are what the evidence pack counts and lists for it
(``populations/<RULE-ID>.csv``): a kind tuple is enough for most rules; the
populations here come from shared views (the policy documents of one purpose,
the buckets CloudTrail trails deliver to, the data stores of the network
model) or are shared by several rules (RDS databases, S3 buckets).
"""

from __future__ import annotations

from ..graph import ResourceGraph
from ..model import Node
from ..rule import Subjects, from_view, of_kinds
from ..secretnames import looks_password, looks_secret, name_looks_secret
from .dynamodb import GLOBAL_TABLE, TF_TABLE_REPLICA

RDS = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")
DB_CLUSTERS = ("AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster")
SEARCH = ("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain")
ELASTICACHE = ("AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster")
LBS = ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer")
BUCKET = ("AWS::S3::Bucket",)
KEY_POLICY_HOLDERS = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "aws_kms_key_policy")
SG_RULE_HOLDERS = (
    "AWS::EC2::SecurityGroup",
    "aws_default_security_group",
    "AWS::EC2::SecurityGroupIngress",
)
INSTANCES = (
    "AWS::EC2::Instance",
    "AWS::EC2::LaunchTemplate",
    "AWS::AutoScaling::LaunchConfiguration",
)


#: DynamoDB tables, global tables and Terraform's separate table replicas (views/dynamodb.py)
DYNAMODB_TABLES = ("AWS::DynamoDB::Table", GLOBAL_TABLE, TF_TABLE_REPLICA)


def opensearch_serverless_network_policies(graph: ResourceGraph) -> list[Node]:
    """OpenSearch Serverless security policies of type ``network`` (NET016)."""
    out = []
    for node in graph.nodes(("AWS::OpenSearchServerless::SecurityPolicy",)):
        kind = node.get(tf="type", cfn="Type")
        if not isinstance(kind, str) or kind.lower() == "network":
            out.append(node)
    return out


def sam_api_domains(graph: ResourceGraph) -> list[Node]:
    """SAM APIs that create a custom domain from their ``Domain`` (TLS008)."""
    apis = graph.nodes(("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"))
    return [
        n
        for n in apis
        if n.meta.get("sam_type") in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")
        and n.attr("Domain").present
    ]


def _policy_writers(
    graph: ResourceGraph, purpose: str, holder_kinds: tuple[str, ...] = ()
) -> list[Node]:
    """Where the statements of the graph's policies of one purpose are written: the
    holder, and the document a data source takes a statement from (the statement is
    located, and reported, where it is written)."""
    from .policy import policy_documents

    out: list[Node] = []
    for d in policy_documents(graph, purpose):  # type: ignore[arg-type]
        if holder_kinds and d.holder.kind not in holder_kinds:
            continue
        out.append(d.node)
        out.extend(s.node for s in d.statements)
    return out


def identity_policy_writers(graph: ResourceGraph) -> list[Node]:
    return _policy_writers(graph, "identity")


def trust_policy_writers(graph: ResourceGraph) -> list[Node]:
    return _policy_writers(graph, "trust")


def key_policy_writers(graph: ResourceGraph) -> list[Node]:
    return _policy_writers(graph, "resource", KEY_POLICY_HOLDERS)


def bucket_policy_writers(graph: ResourceGraph) -> list[Node]:
    return _policy_writers(graph, "resource", (*BUCKET, "AWS::S3::BucketPolicy"))


def trail_buckets(graph: ResourceGraph) -> list[Node]:
    """The S3 buckets CloudTrail trails deliver to; a trail whose bucket is not a bucket
    of the configuration (external, or unresolved) stands for its bucket."""
    from .logging import trails

    out: list[Node] = []
    for info in trails(graph):
        out.extend(info.buckets)
        if info.bucket_unresolved or not info.buckets:
            out.append(info.trail)
    return out


def datastores(graph: ResourceGraph) -> list[Node]:
    """The data stores of the network model (databases, caches, search domains...)."""
    from .network import network_model

    return [d.node for d in network_model(graph).datastores()]


def secret_named_ssm_parameters(graph: ResourceGraph) -> list[Node]:
    """SSM parameters whose name looks like a secret's."""
    return [
        n
        for n in graph.nodes("AWS::SSM::Parameter", category=None)
        if name_looks_secret(n.get(tf="name", cfn="Name"))
    ]


def secret_named_cfn_parameters(graph: ResourceGraph) -> list[Node]:
    """CloudFormation template parameters whose name looks like a secret's."""
    return [
        n
        for n in graph.nodes("parameter", category=None)
        if n.language == "cloudformation" and looks_secret(n.address.rsplit("/", 1)[-1])
    ]


def password_named_inputs(graph: ResourceGraph) -> list[Node]:
    """Terraform variables and CloudFormation parameters whose name says they hold a password."""
    out = [
        v
        for v in graph.nodes("variable", category="variable")
        if looks_password(v.address.rsplit(".", 1)[-1])
    ]
    out.extend(
        p
        for p in graph.nodes("parameter", category="parameter")
        if looks_password(p.address.rsplit("/", 1)[-1])
    )
    return out


RDS_DATABASES = of_kinds(*RDS, what="RDS DB instances and clusters")
S3_BUCKETS = of_kinds(*BUCKET, what="S3 buckets")
SEARCH_DOMAINS = of_kinds(*SEARCH, what="OpenSearch/Elasticsearch domains")
REPLICATION_GROUPS = of_kinds(
    "AWS::ElastiCache::ReplicationGroup", what="ElastiCache replication groups"
)
ELASTICACHE_CLUSTERS = of_kinds(
    *ELASTICACHE, what="ElastiCache replication groups and cache clusters"
)
DB_CLUSTER_KINDS = of_kinds(*DB_CLUSTERS, what="DocumentDB and Neptune clusters")
EKS_CLUSTERS = of_kinds("AWS::EKS::Cluster", what="EKS clusters")
CLOUDFRONT = of_kinds("AWS::CloudFront::Distribution", what="CloudFront distributions")
TRAILS = of_kinds("AWS::CloudTrail::Trail", what="CloudTrail trails")
TRAIL_BUCKETS = from_view(
    trail_buckets,
    what="the S3 buckets CloudTrail trails deliver to (the trail, when its bucket is not here)",
)
VPCS = of_kinds("AWS::EC2::VPC", what="VPCs")
IDENTITY_POLICIES = from_view(
    identity_policy_writers,
    what="the holders of identity policies and the documents their statements are written in",
)
INGRESS_RULE_HOLDERS = of_kinds(
    *SG_RULE_HOLDERS, what="security groups and standalone ingress rules"
)
DATASTORES: Subjects = from_view(datastores, what="data stores of the network model")

__all__ = [
    "BUCKET",
    "CLOUDFRONT",
    "DATASTORES",
    "DB_CLUSTERS",
    "DB_CLUSTER_KINDS",
    "EKS_CLUSTERS",
    "ELASTICACHE",
    "ELASTICACHE_CLUSTERS",
    "IDENTITY_POLICIES",
    "INGRESS_RULE_HOLDERS",
    "INSTANCES",
    "KEY_POLICY_HOLDERS",
    "LBS",
    "RDS",
    "RDS_DATABASES",
    "REPLICATION_GROUPS",
    "S3_BUCKETS",
    "SEARCH",
    "SEARCH_DOMAINS",
    "SG_RULE_HOLDERS",
    "STATEFUL_KINDS",
    "STATEFUL_TF_KINDS",
    "TRAILS",
    "TRAIL_BUCKETS",
    "VPCS",
    "bucket_policy_writers",
    "datastores",
    "key_policy_writers",
    "password_named_inputs",
    "secret_named_cfn_parameters",
    "secret_named_ssm_parameters",
    "trail_buckets",
    "trust_policy_writers",
]

#: stateful CloudFormation resource kinds: their data goes with them when the stack
#: deletes or replaces them unless a deletion policy keeps it (CHG006, change controls)
STATEFUL_KINDS = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::EFS::FileSystem",
    "AWS::S3::Bucket",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ServerlessCache",
)
#: stateful Terraform resource kinds whose `prevent_destroy` the change controls list
STATEFUL_TF_KINDS = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::EFS::FileSystem",
    "AWS::S3::Bucket",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Redshift::Cluster",
)
