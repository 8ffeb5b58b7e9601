"""The control matrix: for every rule, what it evaluated and how each of those fared.

A finding says where a rule failed; it does not say where the rule passed.  To
count passes, each rule declares here the *subjects* it evaluates, in one
explicit table (:data:`APPLICABILITY`), written from the rule's own code:

* ``kinds``: node kinds (``AWS::RDS::DBInstance``, ``module``, ``parameter``...),
  optionally narrowed by ``where`` (the same predicate the rule applies, taken
  from the rule module or the shared views: cluster members, secret-looking
  names...);
* ``subjects``: a function of the graph, when the subjects come from a shared
  view rather than from a kind (the nodes holding identity policies, the
  buckets CloudTrail trails deliver to, the data stores of the network model);
* ``per_scope``: configuration-wide rules checked root by root (IAM007): the
  subject is each scanned root, named ``.`` like their findings;
* ``whole``: the account-scope rules (LOG007, IAM011...), which ask whether the
  account baseline as a whole has a control: one subject, the configuration.

Only nodes of the languages the rule supports count.  Then, per rule:

* **fail**: subjects named by an active finding;
* **excepted**: subjects whose findings are all suppressed (accepted, see
  ``exceptions/suppressions.md``);
* **unknown**: subjects with an unresolved-value finding (the scan runs in
  strict mode internally) and no failure;
* **pass**: applicable − fail − excepted − unknown.

A finding names the resource where the fix goes, which is sometimes not the
subject (a bucket's separate encryption resource, the variable holding a
password).  It is attributed to its own node when that is a subject, else to
the first related location that is, else to the bucket a separate S3
configuration resource belongs to (the S3 view's links); a finding that maps to no subject is
still counted (as an extra applicable subject) and listed in
``MatrixRow.unmapped``, which the tests require to stay empty on every rule
example and fixture, so the table cannot drift from the rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..graph import ResourceGraph
from ..model import Finding, Node, Unknown
from ..registry import Registry
from ..rule import Rule
from ..secretnames import looks_secret, name_looks_secret

SubjectKey = tuple[str, str]  # (scope, address); address "." for a whole root
#: the subject of the account-scope rules: the whole scanned configuration
WHOLE: SubjectKey = ("", ".")
Status = Literal["pass", "fail", "excepted", "unknown"]


#: DynamoDB tables, global tables and Terraform's separate table replicas (views/dynamodb.py)
DYNAMODB = ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "aws_dynamodb_table_replica")


@dataclass(frozen=True)
class Applies:
    """What a rule evaluates (see the module docstring)."""

    kinds: tuple[str, ...] = ()
    where: Callable[[ResourceGraph, Node], bool] | None = None
    subjects: Callable[[ResourceGraph], Iterable[Node]] | None = None
    per_scope: bool = False
    #: account-scope rules: one subject, the whole scanned configuration (the account baseline)
    whole: bool = False
    #: what the subjects are, in words, for the README
    what: str = ""


# ---- predicates and subject functions (each mirrors the rule's own selection) ----


def _not_cluster_member(graph: ResourceGraph, node: Node) -> bool:
    from ._rules import rds_instance_member

    return node.kind != "AWS::RDS::DBInstance" or not rds_instance_member(node)


def _not_other_serverless_policy(graph: ResourceGraph, node: Node) -> bool:
    """NET016: OpenSearch Serverless security policies of type network only."""
    if node.kind != "AWS::OpenSearchServerless::SecurityPolicy":
        return True
    kind = node.get(tf="type", cfn="Type")
    return not isinstance(kind, str) or kind.lower() == "network"


def _apigw_domain(graph: ResourceGraph, node: Node) -> bool:
    """TLS008: a domain name, or a SAM API that creates one from its `Domain`."""
    if node.kind.endswith("DomainName"):
        return True
    sam = node.meta.get("sam_type") in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")
    return sam and node.attr("Domain").present


def _not_db_member(graph: ResourceGraph, node: Node) -> bool:
    from ..views.databases import is_cluster_member

    return not is_cluster_member(node)


def _secret_named_parameter(graph: ResourceGraph, node: Node) -> bool:
    return name_looks_secret(node.get(tf="name", cfn="Name"))


def _secret_named_cfn_parameter(graph: ResourceGraph, node: Node) -> bool:
    return looks_secret(node.address.rsplit("/", 1)[-1])


def _policy_writers(
    graph: ResourceGraph, purpose: str, holder_kinds: tuple[str, ...] = ()
) -> list[Node]:
    """Where the statements of the graph's policies of one purpose are written.

    A statement a data source takes from a source document is located (and
    reported) in the document that wrote it, so both count.
    """
    from ..views.policy import policy_documents

    out: list[Node] = []
    for d in policy_documents(graph, purpose):  # type: ignore[arg-type]
        if holder_kinds and d.holder.kind not in holder_kinds:
            continue
        out.append(d.node)
        out.extend(s.node for s in d.statements)
    return out


def _identity_policy_holders(graph: ResourceGraph) -> Iterable[Node]:
    return _policy_writers(graph, "identity")


def _trust_policy_holders(graph: ResourceGraph) -> Iterable[Node]:
    return _policy_writers(graph, "trust")


def _key_policies(graph: ResourceGraph) -> Iterable[Node]:
    return _policy_writers(graph, "resource", KEY_POLICY_HOLDERS)


def _bucket_policies(graph: ResourceGraph) -> Iterable[Node]:
    return _policy_writers(graph, "resource", (*BUCKET, "AWS::S3::BucketPolicy"))


def _trail_buckets(graph: ResourceGraph) -> Iterable[Node]:
    from ..views.logging import trails

    return [b for info in trails(graph) for b in info.buckets]


def _datastores(graph: ResourceGraph) -> Iterable[Node]:
    from ..views.network import network_model

    return [d.node for d in network_model(graph).datastores()]


def _everything(graph: ResourceGraph) -> Iterable[Node]:
    return list(graph)


def _password_holders(graph: ResourceGraph) -> Iterable[Node]:
    from ._rules import looks_password, password_fields

    out: list[Node] = []
    for var in graph.nodes("variable", category="variable"):
        if looks_password(var.address.rsplit(".", 1)[-1]):
            out.append(var)
    for param in graph.nodes("parameter", category="parameter"):
        if looks_password(param.address.rsplit("/", 1)[-1]):
            out.append(param)
    for node in graph.nodes(None):
        if next(iter(password_fields(node.attrs)), None) is not None:
            out.append(node)
    return out


def _api_stage(graph: ResourceGraph, node: Node) -> bool:
    """A stage, a SAM API (it creates its stage) or a deployment that creates a stage (LOG014)."""
    from ..views.policy import is_sam

    if node.kind in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
        return is_sam(node)
    if node.kind == "AWS::ApiGateway::Deployment":
        stage = node.attr(tf="stage_name", cfn="StageName")
        return stage.unknown or (isinstance(stage.value, str) and bool(stage.value.strip()))
    return True


def _symmetric_key(graph: ResourceGraph, node: Node) -> bool:
    """KEY001 exempts asymmetric and HMAC keys."""
    spec = node.get(tf="customer_master_key_spec", cfn="KeySpec")
    return not (isinstance(spec, str) and spec.strip().upper() != "SYMMETRIC_DEFAULT")


def _tls_listener(graph: ResourceGraph, node: Node) -> bool:
    """TLS002 looks at HTTPS/TLS listeners (and every classic load balancer)."""
    if node.kind != "AWS::ElasticLoadBalancingV2::Listener":
        return True
    protocol = node.get(tf="protocol", cfn="Protocol")
    if protocol is None or isinstance(protocol, Unknown):
        return protocol is not None or node.attr(tf="certificate_arn", cfn="Certificates").present
    return isinstance(protocol, str) and protocol.strip().upper() in ("HTTPS", "TLS")


def _application_and_classic_lbs(graph: ResourceGraph, node: Node) -> bool:
    if node.kind != "AWS::ElasticLoadBalancingV2::LoadBalancer":
        return True
    t = node.get(tf="load_balancer_type", cfn="Type")
    return not (isinstance(t, str) and t.lower() in ("network", "gateway"))


# ---- kinds used by several rules ------------------------------------------------

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
SG_ALL_RULE_HOLDERS = (*SG_RULE_HOLDERS, "AWS::EC2::SecurityGroupEgress")
INSTANCES = (
    "AWS::EC2::Instance",
    "AWS::EC2::LaunchTemplate",
    "AWS::AutoScaling::LaunchConfiguration",
)
APIGW_STAGES = (
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGatewayV2::Api",
)

#: Every built-in rule -> what it evaluates.  A test fails when a rule is missing.
APPLICABILITY: dict[str, Applies] = {
    # ENC
    "ENC001": Applies(
        RDS, where=_not_cluster_member, what="RDS instances (not cluster members) and clusters"
    ),
    "ENC002": Applies(
        ("AWS::EC2::Volume", *INSTANCES),
        what="EBS volumes, instances, launch templates and configurations",
    ),
    "ENC003": Applies(BUCKET, what="S3 buckets"),
    "ENC004": Applies(("AWS::EFS::FileSystem",), what="EFS file systems"),
    "ENC005": Applies(
        ("AWS::ElastiCache::ReplicationGroup",), what="ElastiCache replication groups"
    ),
    "ENC006": Applies(("AWS::Redshift::Cluster",), what="Redshift clusters"),
    "ENC007": Applies(SEARCH, what="OpenSearch/Elasticsearch domains"),
    "ENC008": Applies(("AWS::SQS::Queue",), what="SQS queues"),
    "ENC009": Applies(("AWS::SNS::Topic",), what="SNS topics"),
    "ENC010": Applies(DB_CLUSTERS, what="DocumentDB and Neptune clusters"),
    "ENC011": Applies(("AWS::Kinesis::Stream",), what="Kinesis streams"),
    "ENC012": Applies(("AWS::EKS::Cluster",), what="EKS clusters"),
    "ENC013": Applies(
        ("AWS::SSM::Parameter",),
        where=_secret_named_parameter,
        what="SSM parameters with secret-looking names",
    ),
    # TLS
    "TLS001": Applies(
        ("AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancing::LoadBalancer"),
        what="load balancer listeners, classic load balancers",
    ),
    "TLS002": Applies(
        (
            "AWS::ElasticLoadBalancingV2::Listener",
            "AWS::ElasticLoadBalancing::LoadBalancer",
            "aws_load_balancer_policy",
        ),
        where=_tls_listener,
        what="HTTPS/TLS listeners, classic load balancers",
    ),
    "TLS003": Applies(("AWS::CloudFront::Distribution",), what="CloudFront distributions"),
    "TLS004": Applies(SEARCH, what="OpenSearch/Elasticsearch domains"),
    "TLS005": Applies(
        ("AWS::ElastiCache::ReplicationGroup", "AWS::MemoryDB::Cluster"),
        what="ElastiCache replication groups and MemoryDB clusters",
    ),
    "TLS006": Applies(RDS, what="RDS instances and clusters"),
    "TLS007": Applies((*BUCKET, "AWS::S3::BucketPolicy"), what="S3 buckets"),
    "TLS008": Applies(
        (
            "AWS::ApiGateway::DomainName",
            "AWS::ApiGatewayV2::DomainName",
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGatewayV2::Api",
        ),
        where=_apigw_domain,
        what="API Gateway custom domains (SAM APIs' `Domain` included)",
    ),
    "TLS009": Applies(("AWS::MSK::Cluster",), what="MSK clusters"),
    # KEY
    "KEY001": Applies(("AWS::KMS::Key",), where=_symmetric_key, what="symmetric KMS keys"),
    "KEY002": Applies(KEY_POLICY_HOLDERS, subjects=_key_policies, what="KMS key policies"),
    "KEY003": Applies(("AWS::KMS::Key", "AWS::KMS::ReplicaKey"), what="KMS keys"),
    "KEY004": Applies(
        (
            *RDS,
            *DYNAMODB,
            "AWS::EC2::Volume",
            "AWS::EFS::FileSystem",
            "aws_efs_replication_configuration",
            "AWS::SecretsManager::Secret",
            *BUCKET,
        ),
        where=_not_cluster_member,
        what="RDS, DynamoDB, EBS, EFS (and EFS replicas), Secrets Manager and S3 resources",
    ),
    # SEC
    "SEC001": Applies(subjects=_everything, what="every object of the configuration"),
    "SEC002": Applies(("AWS::IAM::AccessKey",), what="IAM access keys"),
    "SEC003": Applies(
        subjects=_password_holders, what="password fields, password variables and parameters"
    ),
    "SEC004": Applies(
        ("AWS::Lambda::Function", "AWS::ECS::TaskDefinition"),
        what="Lambda functions and ECS task definitions",
    ),
    "SEC005": Applies(
        ("parameter",),
        where=_secret_named_cfn_parameter,
        what="CloudFormation parameters with secret-looking names",
    ),
    # IAM
    "IAM001": Applies(subjects=_identity_policy_holders, what="identity policies"),
    "IAM002": Applies(subjects=_identity_policy_holders, what="identity policies"),
    "IAM003": Applies(subjects=_identity_policy_holders, what="identity policies"),
    "IAM004": Applies(subjects=_identity_policy_holders, what="identity policies"),
    "IAM005": Applies(
        (
            "AWS::IAM::User",
            "AWS::IAM::UserPolicy",
            "aws_iam_user_policy_attachment",
            "aws_iam_policy_attachment",
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
        ),
        what="IAM users and the policies attached to users",
    ),
    "IAM006": Applies(
        (
            "AWS::IAM::User",
            "AWS::IAM::Group",
            "AWS::IAM::Role",
            "aws_iam_user_policy_attachment",
            "aws_iam_group_policy_attachment",
            "aws_iam_role_policy_attachment",
            "aws_iam_policy_attachment",
            "aws_iam_role_policy_attachments_exclusive",
            "AWS::Lambda::Function",
            "AWS::StepFunctions::StateMachine",
        ),
        what="IAM principals and policy attachments",
    ),
    "IAM007": Applies(per_scope=True, what="each scanned root"),
    "IAM008": Applies(subjects=_trust_policy_holders, what="role trust policies"),
    "IAM009": Applies(("AWS::IAM::Role",), what="IAM roles"),
    "IAM010": Applies(("AWS::IAM::User",), what="IAM users"),
    "IAM011": Applies(whole=True, what="the account baseline"),
    "IAM012": Applies(subjects=_identity_policy_holders, what="identity policies"),
    "IAM013": Applies(subjects=_identity_policy_holders, what="identity policies"),
    "IAM014": Applies(subjects=_identity_policy_holders, what="identity policies"),
    # LOG
    "LOG001": Applies(
        ("AWS::CloudTrail::Trail", "AWS::CloudTrail::EventDataStore"),
        what="CloudTrail trails and event data stores",
    ),
    "LOG002": Applies(("AWS::CloudTrail::Trail",), what="CloudTrail trails"),
    "LOG003": Applies(
        ("AWS::CloudTrail::Trail", "AWS::CloudTrail::EventDataStore"),
        what="CloudTrail trails and event data stores",
    ),
    "LOG004": Applies(
        ("AWS::CloudTrail::Trail",), subjects=_trail_buckets, what="CloudTrail buckets"
    ),
    "LOG005": Applies(
        ("AWS::CloudTrail::Trail",), subjects=_trail_buckets, what="CloudTrail buckets"
    ),
    "LOG006": Applies(("AWS::CloudTrail::Trail",), what="CloudTrail trails"),
    "LOG007": Applies(whole=True, what="the account baseline"),
    "LOG008": Applies(("AWS::EC2::VPC",), what="VPCs"),
    "LOG009": Applies(
        ("AWS::Logs::LogGroup", "AWS::EC2::FlowLog"), what="log groups and flow logs"
    ),
    "LOG010": Applies(
        LBS, where=_application_and_classic_lbs, what="application and classic load balancers"
    ),
    "LOG011": Applies(BUCKET, what="S3 buckets"),
    "LOG012": Applies(RDS, where=_not_cluster_member, what="RDS instances and clusters"),
    "LOG013": Applies(("AWS::EKS::Cluster",), what="EKS clusters"),
    "LOG014": Applies(APIGW_STAGES, where=_api_stage, what="API Gateway stages"),
    "LOG015": Applies(
        ("AWS::ApiGateway::Stage", "AWS::ApiGateway::RestApi", "aws_api_gateway_method_settings"),
        what="API Gateway method settings",
    ),
    "LOG016": Applies(("AWS::CloudFront::Distribution",), what="CloudFront distributions"),
    "LOG017": Applies(whole=True, what="the account baseline"),
    "LOG018": Applies(whole=True, what="the account baseline"),
    "LOG019": Applies(whole=True, what="the account baseline"),
    "LOG020": Applies(
        ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"),
        what="CloudWatch metric and composite alarms",
    ),
    "LOG021": Applies(whole=True, what="the account baseline"),
    "LOG022": Applies(whole=True, what="the account baseline"),
    # NET
    "NET001": Applies(SG_RULE_HOLDERS, what="security groups and ingress rules"),
    "NET002": Applies(SG_RULE_HOLDERS, what="security groups and ingress rules"),
    "NET003": Applies(SG_RULE_HOLDERS, what="security groups and ingress rules"),
    "NET004": Applies(SG_RULE_HOLDERS, what="security groups and ingress rules"),
    "NET005": Applies(("aws_default_security_group",), what="default security groups"),
    "NET006": Applies(
        (
            *RDS,
            "AWS::Redshift::Cluster",
            "AWS::RedshiftServerless::Workgroup",
            "AWS::DMS::ReplicationInstance",
        ),
        what="RDS, Redshift and DMS instances, Redshift Serverless workgroups",
    ),
    "NET007": Applies(subjects=_datastores, what="data stores"),
    "NET008": Applies(INSTANCES, what="instances, launch templates and configurations"),
    "NET009": Applies(
        subjects=_datastores,
        kinds=("AWS::EC2::Instance", "AWS::AutoScaling::AutoScalingGroup", *LBS),
        what="data stores, instances, auto scaling groups and load balancers",
    ),
    "NET010": Applies((*BUCKET, "aws_s3_bucket_public_access_block"), what="S3 buckets"),
    "NET011": Applies(
        (*BUCKET, "AWS::S3::BucketPolicy", "aws_s3_bucket_acl"),
        subjects=_bucket_policies,
        what="S3 buckets, bucket policies and ACLs",
    ),
    "NET012": Applies(("AWS::EC2::VPC",), what="VPCs"),
    "NET013": Applies(
        ("AWS::EC2::NetworkAcl", "aws_default_network_acl", "AWS::EC2::NetworkAclEntry"),
        what="network ACLs",
    ),
    "NET014": Applies(("AWS::EKS::Cluster",), what="EKS clusters"),
    "NET015": Applies(SG_ALL_RULE_HOLDERS, what="security groups and their rules"),
    "NET016": Applies(
        (*SEARCH, "AWS::OpenSearchServerless::SecurityPolicy"),
        where=_not_other_serverless_policy,
        what="OpenSearch/Elasticsearch domains, OpenSearch Serverless network policies",
    ),
    # AVL
    "AVL001": Applies(RDS, where=_not_db_member, what="RDS instances and clusters"),
    "AVL002": Applies(
        (*ELASTICACHE, "AWS::MemoryDB::Cluster"),
        what="ElastiCache replication groups and clusters, MemoryDB clusters",
    ),
    "AVL003": Applies(
        ("AWS::AutoScaling::AutoScalingGroup", "AWS::EKS::Nodegroup", "AWS::ECS::Service"),
        what="auto scaling groups, EKS node groups, ECS services",
    ),
    "AVL004": Applies(LBS, what="load balancers"),
    "AVL005": Applies(
        (*SEARCH, "AWS::OpenSearchServerless::Collection"),
        what="OpenSearch/Elasticsearch domains, OpenSearch Serverless collections",
    ),
    "AVL006": Applies(
        (*RDS, *DB_CLUSTERS, *DYNAMODB),
        where=_not_db_member,
        what="databases and DynamoDB tables and replicas",
    ),
    "AVL007": Applies(DB_CLUSTERS, what="DocumentDB and Neptune clusters"),
    "AVL008": Applies(("AWS::EC2::NatGateway",), what="NAT gateways"),
    # BAK
    "BAK001": Applies(
        (*RDS, *DB_CLUSTERS, "AWS::DocDBElastic::Cluster"), where=_not_db_member, what="databases"
    ),
    "BAK002": Applies(DYNAMODB, what="DynamoDB tables and replicas"),
    "BAK003": Applies(("AWS::Backup::BackupPlan",), what="AWS Backup plans"),
    "BAK004": Applies(ELASTICACHE, what="ElastiCache replication groups and clusters"),
    "BAK005": Applies(BUCKET, what="S3 buckets"),
    "BAK006": Applies(("AWS::Redshift::Cluster",), what="Redshift clusters"),
    "BAK007": Applies(
        ("AWS::EC2::Volume", "AWS::EFS::FileSystem"), what="EBS volumes and EFS file systems"
    ),
    # CHG
    "CHG001": Applies(("module",), what="module calls"),
    "CHG002": Applies(("terraform", "provider"), what="provider requirements"),
    "CHG003": Applies(("backend",), what="state backends"),
    "CHG004": Applies(BUCKET, what="S3 buckets"),
    "CHG005": Applies((*RDS, *DB_CLUSTERS), what="databases"),
    "CHG006": Applies(
        (
            *RDS,
            "AWS::DynamoDB::Table",
            "AWS::DynamoDB::GlobalTable",
            "AWS::EFS::FileSystem",
            *BUCKET,
            *ELASTICACHE,
            "AWS::ElastiCache::ServerlessCache",
        ),
        what="stateful CloudFormation resources",
    ),
}


@dataclass
class MatrixRow:
    rule: Rule
    ran: bool
    #: why the rule did not run ("needs --account-scope", "not selected")
    not_run: str = ""
    declared: bool = True
    statuses: dict[SubjectKey, Status] = field(default_factory=dict)
    #: findings that named no declared subject (must stay empty; see the tests)
    unmapped: list[Finding] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for s in self.statuses.values() if s == status)

    @property
    def applicable(self) -> int:
        return len(self.statuses)


def _subjects(graph: ResourceGraph, rule: Rule, applies: Applies) -> dict[SubjectKey, Node | None]:
    langs = set(rule.languages)
    out: dict[SubjectKey, Node | None] = {}
    if applies.whole:
        if any(n.language in langs for n in graph):
            out[WHOLE] = None
        return out
    if applies.per_scope:
        by_scope: dict[str, set[str]] = defaultdict(set)
        for n in graph:
            by_scope[n.scope].add(n.language)
        for scope, ls in sorted(by_scope.items()):
            if ls & langs:
                out[(scope, ".")] = None
        return out
    nodes: list[Node] = []
    if applies.kinds:
        nodes.extend(graph.nodes(applies.kinds, category=None))
    if applies.subjects is not None:
        nodes.extend(applies.subjects(graph))
    for n in nodes:
        if n.language not in langs:
            continue
        if applies.where is not None and n.kind in applies.kinds and not applies.where(graph, n):
            continue
        out.setdefault((n.scope, n.address), n)
    return out


def _owners(graph: ResourceGraph) -> dict[SubjectKey, SubjectKey]:
    """Configuration resources -> the resource they configure (S3's separate resources)."""

    def build(g: ResourceGraph) -> dict[SubjectKey, SubjectKey]:
        from ..views.s3 import bucket_views

        out: dict[SubjectKey, SubjectKey] = {}
        for view in bucket_views(g):
            b = view.bucket
            for nodes in view.linked.values():
                for cfg in nodes:
                    out.setdefault((cfg.scope, cfg.address), (b.scope, b.address))
        return out

    result: dict[SubjectKey, SubjectKey] = graph.view("evidence.owners", build)
    return result


def _subject_of(
    f: Finding,
    subjects: dict[SubjectKey, Node | None],
    applies: Applies | None,
    owners: dict[SubjectKey, SubjectKey],
) -> SubjectKey | None:
    if applies is not None and applies.whole:
        return WHOLE
    if applies is not None and applies.per_scope:
        return (f.scope, ".")
    key = (f.scope, f.address)
    if key in subjects:
        return key
    for rel in (*f.related, *f.code_flow):
        if rel.address and (f.scope, rel.address) in subjects:
            return (f.scope, rel.address)
    owner = owners.get(key)
    if owner is not None and owner in subjects:
        return owner
    return None


_RANK: dict[Status, int] = {"pass": 0, "unknown": 1, "excepted": 2, "fail": 3}


def build_matrix(
    graph: ResourceGraph,
    findings: Sequence[Finding],
    registry: Registry,
    rules_run: Sequence[Rule],
    *,
    account_scope: bool,
    selected: Collection[str] | None = None,
) -> list[MatrixRow]:
    """One row per non-reserved rule of the registry (run or not), in ID order.

    ``findings`` must come from a strict scan (unresolved values reported).
    ``selected`` are the rule IDs the configuration selects (account scope
    aside), to say why a rule did not run.
    """
    ran = {r.id for r in rules_run}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if not f.baselined:
            by_rule[f.rule_id].append(f)
    rows: list[MatrixRow] = []
    owners = _owners(graph)
    for rule in registry:
        if rule.reserved:
            continue
        applies = APPLICABILITY.get(rule.id)
        if rule.id not in ran:
            if selected is not None and rule.id not in selected:
                why = "not selected"
            elif rule.account_scope and not account_scope:
                why = "needs --account-scope"
            else:
                why = "not selected"
            rows.append(MatrixRow(rule, False, why, applies is not None))
            continue
        row = MatrixRow(rule, True, declared=applies is not None)
        subjects: dict[SubjectKey, Node | None] = (
            _subjects(graph, rule, applies) if applies is not None else {}
        )
        if applies is not None:
            row.statuses = dict.fromkeys(subjects, "pass")
        for f in by_rule.get(rule.id, ()):
            key = _subject_of(f, subjects, applies, owners)
            if key is None:
                key = (f.scope, f.address)
                if applies is not None:
                    row.unmapped.append(f)
            status: Status
            if f.unresolved:
                status = "unknown"
            elif f.suppressed:
                status = "excepted"
            else:
                status = "fail"
            current = row.statuses.get(key, "pass")
            if _RANK[status] > _RANK[current]:
                row.statuses[key] = status
            else:
                row.statuses.setdefault(key, current)
        rows.append(row)
    return rows
