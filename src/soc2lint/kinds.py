"""Node kinds: the vocabulary rules select on.

A resource's kind is its AWS CloudFormation type name when one exists
(documented, and shipped as schemas by cfn-lint), so a rule written for
``AWS::RDS::DBInstance`` sees Terraform's ``aws_db_instance`` and
CloudFormation's ``AWS::RDS::DBInstance`` alike.  Terraform resources that
configure another resource and have no CloudFormation type of their own
(``aws_s3_bucket_versioning``) keep their Terraform type as kind; their
settings reach the resource they configure through graph edges.
"""

from __future__ import annotations

from typing import Any

#: Terraform resource type -> node kind.
TERRAFORM_KINDS: dict[str, str] = {
    # RDS / Aurora
    "aws_db_instance": "AWS::RDS::DBInstance",
    "aws_rds_cluster_instance": "AWS::RDS::DBInstance",
    "aws_rds_cluster": "AWS::RDS::DBCluster",
    "aws_db_parameter_group": "AWS::RDS::DBParameterGroup",
    "aws_rds_cluster_parameter_group": "AWS::RDS::DBClusterParameterGroup",
    "aws_db_subnet_group": "AWS::RDS::DBSubnetGroup",
    "aws_db_option_group": "AWS::RDS::OptionGroup",
    "aws_db_proxy": "AWS::RDS::DBProxy",
    # DocumentDB / Neptune
    "aws_docdb_cluster": "AWS::DocDB::DBCluster",
    "aws_docdb_cluster_instance": "AWS::DocDB::DBInstance",
    "aws_docdb_subnet_group": "AWS::DocDB::DBSubnetGroup",
    "aws_docdb_cluster_parameter_group": "AWS::DocDB::DBClusterParameterGroup",
    "aws_docdb_elastic_cluster": "AWS::DocDBElastic::Cluster",
    "aws_neptune_cluster": "AWS::Neptune::DBCluster",
    "aws_neptune_cluster_instance": "AWS::Neptune::DBInstance",
    "aws_neptune_subnet_group": "AWS::Neptune::DBSubnetGroup",
    "aws_neptune_cluster_parameter_group": "AWS::Neptune::DBClusterParameterGroup",
    # EC2 / EBS / Auto Scaling
    "aws_instance": "AWS::EC2::Instance",
    "aws_ebs_volume": "AWS::EC2::Volume",
    "aws_volume_attachment": "AWS::EC2::VolumeAttachment",
    "aws_launch_template": "AWS::EC2::LaunchTemplate",
    "aws_launch_configuration": "AWS::AutoScaling::LaunchConfiguration",
    "aws_autoscaling_group": "AWS::AutoScaling::AutoScalingGroup",
    "aws_eip": "AWS::EC2::EIP",
    "aws_eip_association": "AWS::EC2::EIPAssociation",
    "aws_network_interface": "AWS::EC2::NetworkInterface",
    "aws_key_pair": "AWS::EC2::KeyPair",
    # S3
    "aws_s3_bucket": "AWS::S3::Bucket",
    "aws_s3_bucket_policy": "AWS::S3::BucketPolicy",
    "aws_s3_access_point": "AWS::S3::AccessPoint",
    # EFS
    "aws_efs_file_system": "AWS::EFS::FileSystem",
    "aws_efs_mount_target": "AWS::EFS::MountTarget",
    "aws_efs_access_point": "AWS::EFS::AccessPoint",
    "aws_efs_file_system_policy": "aws_efs_file_system_policy",
    # ElastiCache / MemoryDB
    "aws_elasticache_replication_group": "AWS::ElastiCache::ReplicationGroup",
    "aws_elasticache_cluster": "AWS::ElastiCache::CacheCluster",
    "aws_elasticache_subnet_group": "AWS::ElastiCache::SubnetGroup",
    "aws_elasticache_parameter_group": "AWS::ElastiCache::ParameterGroup",
    "aws_elasticache_serverless_cache": "AWS::ElastiCache::ServerlessCache",
    "aws_elasticache_user": "AWS::ElastiCache::User",
    "aws_memorydb_cluster": "AWS::MemoryDB::Cluster",
    "aws_memorydb_subnet_group": "AWS::MemoryDB::SubnetGroup",
    # Redshift
    "aws_redshift_cluster": "AWS::Redshift::Cluster",
    "aws_redshift_subnet_group": "AWS::Redshift::ClusterSubnetGroup",
    "aws_redshift_parameter_group": "AWS::Redshift::ClusterParameterGroup",
    "aws_redshiftserverless_namespace": "AWS::RedshiftServerless::Namespace",
    "aws_redshiftserverless_workgroup": "AWS::RedshiftServerless::Workgroup",
    # OpenSearch / Elasticsearch
    "aws_opensearch_domain": "AWS::OpenSearchService::Domain",
    "aws_elasticsearch_domain": "AWS::Elasticsearch::Domain",
    "aws_opensearch_domain_policy": "aws_opensearch_domain_policy",
    "aws_elasticsearch_domain_policy": "aws_elasticsearch_domain_policy",
    "aws_opensearchserverless_collection": "AWS::OpenSearchServerless::Collection",
    "aws_opensearchserverless_security_policy": "AWS::OpenSearchServerless::SecurityPolicy",
    # Messaging / streaming
    "aws_sqs_queue": "AWS::SQS::Queue",
    "aws_sqs_queue_policy": "AWS::SQS::QueuePolicy",
    "aws_sns_topic": "AWS::SNS::Topic",
    "aws_sns_topic_policy": "AWS::SNS::TopicPolicy",
    "aws_sns_topic_subscription": "AWS::SNS::Subscription",
    "aws_kinesis_stream": "AWS::Kinesis::Stream",
    "aws_kinesis_firehose_delivery_stream": "AWS::KinesisFirehose::DeliveryStream",
    "aws_msk_cluster": "AWS::MSK::Cluster",
    "aws_mq_broker": "AWS::AmazonMQ::Broker",
    # DynamoDB
    "aws_dynamodb_table": "AWS::DynamoDB::Table",
    # `aws_dynamodb_global_table` (version 2017.11.29) joins `aws_dynamodb_table`s of
    # its own and holds none of AWS::DynamoDB::GlobalTable's settings: it keeps its
    # Terraform name, as `aws_dynamodb_table_replica` (views/dynamodb.py) does.
    # Containers / compute
    "aws_eks_cluster": "AWS::EKS::Cluster",
    "aws_eks_node_group": "AWS::EKS::Nodegroup",
    "aws_eks_fargate_profile": "AWS::EKS::FargateProfile",
    "aws_ecs_cluster": "AWS::ECS::Cluster",
    "aws_ecs_service": "AWS::ECS::Service",
    "aws_ecs_task_definition": "AWS::ECS::TaskDefinition",
    "aws_ecr_repository": "AWS::ECR::Repository",
    "aws_lambda_function": "AWS::Lambda::Function",
    "aws_lambda_permission": "AWS::Lambda::Permission",
    "aws_lambda_function_url": "AWS::Lambda::Url",
    "aws_lambda_event_source_mapping": "AWS::Lambda::EventSourceMapping",
    "aws_sfn_state_machine": "AWS::StepFunctions::StateMachine",
    "aws_batch_compute_environment": "AWS::Batch::ComputeEnvironment",
    "aws_glue_dev_endpoint": "AWS::Glue::DevEndpoint",
    "aws_sagemaker_notebook_instance": "AWS::SageMaker::NotebookInstance",
    # Secrets / keys / parameters
    "aws_kms_key": "AWS::KMS::Key",
    # a key for imported key material is an AWS::KMS::Key with Origin EXTERNAL
    "aws_kms_external_key": "AWS::KMS::Key",
    "aws_kms_replica_key": "AWS::KMS::ReplicaKey",
    "aws_kms_alias": "AWS::KMS::Alias",
    "aws_kms_key_policy": "aws_kms_key_policy",
    "aws_kms_grant": "aws_kms_grant",
    "aws_secretsmanager_secret": "AWS::SecretsManager::Secret",
    "aws_secretsmanager_secret_policy": "AWS::SecretsManager::ResourcePolicy",
    "aws_secretsmanager_secret_rotation": "AWS::SecretsManager::RotationSchedule",
    "aws_ssm_parameter": "AWS::SSM::Parameter",
    "aws_acm_certificate": "AWS::CertificateManager::Certificate",
    # Load balancing / edge / APIs
    "aws_lb": "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "aws_alb": "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "aws_lb_listener": "AWS::ElasticLoadBalancingV2::Listener",
    "aws_alb_listener": "AWS::ElasticLoadBalancingV2::Listener",
    "aws_lb_listener_rule": "AWS::ElasticLoadBalancingV2::ListenerRule",
    "aws_alb_listener_rule": "AWS::ElasticLoadBalancingV2::ListenerRule",
    "aws_lb_target_group": "AWS::ElasticLoadBalancingV2::TargetGroup",
    "aws_alb_target_group": "AWS::ElasticLoadBalancingV2::TargetGroup",
    "aws_lb_listener_certificate": "AWS::ElasticLoadBalancingV2::ListenerCertificate",
    "aws_elb": "AWS::ElasticLoadBalancing::LoadBalancer",
    "aws_cloudfront_distribution": "AWS::CloudFront::Distribution",
    "aws_cloudfront_origin_access_identity": "AWS::CloudFront::CloudFrontOriginAccessIdentity",
    "aws_cloudfront_origin_access_control": "AWS::CloudFront::OriginAccessControl",
    "aws_api_gateway_rest_api": "AWS::ApiGateway::RestApi",
    "aws_api_gateway_stage": "AWS::ApiGateway::Stage",
    "aws_api_gateway_deployment": "AWS::ApiGateway::Deployment",
    "aws_api_gateway_domain_name": "AWS::ApiGateway::DomainName",
    "aws_api_gateway_account": "AWS::ApiGateway::Account",
    "aws_apigatewayv2_api": "AWS::ApiGatewayV2::Api",
    "aws_apigatewayv2_stage": "AWS::ApiGatewayV2::Stage",
    "aws_apigatewayv2_domain_name": "AWS::ApiGatewayV2::DomainName",
    "aws_wafv2_web_acl": "AWS::WAFv2::WebACL",
    "aws_wafv2_web_acl_association": "AWS::WAFv2::WebACLAssociation",
    # IAM
    "aws_iam_role": "AWS::IAM::Role",
    "aws_iam_user": "AWS::IAM::User",
    "aws_iam_group": "AWS::IAM::Group",
    "aws_iam_policy": "AWS::IAM::ManagedPolicy",
    "aws_iam_role_policy": "AWS::IAM::RolePolicy",
    "aws_iam_user_policy": "AWS::IAM::UserPolicy",
    "aws_iam_group_policy": "AWS::IAM::GroupPolicy",
    "aws_iam_instance_profile": "AWS::IAM::InstanceProfile",
    "aws_iam_access_key": "AWS::IAM::AccessKey",
    "aws_iam_service_linked_role": "AWS::IAM::ServiceLinkedRole",
    "aws_iam_openid_connect_provider": "AWS::IAM::OIDCProvider",
    "aws_iam_saml_provider": "AWS::IAM::SAMLProvider",
    # Logging / detection
    "aws_cloudtrail": "AWS::CloudTrail::Trail",
    "aws_cloudtrail_event_data_store": "AWS::CloudTrail::EventDataStore",
    "aws_flow_log": "AWS::EC2::FlowLog",
    "aws_cloudwatch_log_group": "AWS::Logs::LogGroup",
    "aws_cloudwatch_log_metric_filter": "AWS::Logs::MetricFilter",
    "aws_cloudwatch_log_subscription_filter": "AWS::Logs::SubscriptionFilter",
    "aws_cloudwatch_metric_alarm": "AWS::CloudWatch::Alarm",
    "aws_cloudwatch_composite_alarm": "AWS::CloudWatch::CompositeAlarm",
    "aws_guardduty_detector": "AWS::GuardDuty::Detector",
    "aws_securityhub_account": "AWS::SecurityHub::Hub",
    "aws_accessanalyzer_analyzer": "AWS::AccessAnalyzer::Analyzer",
    "aws_config_configuration_recorder": "AWS::Config::ConfigurationRecorder",
    "aws_config_delivery_channel": "AWS::Config::DeliveryChannel",
    "aws_config_config_rule": "AWS::Config::ConfigRule",
    # Network
    "aws_vpc": "AWS::EC2::VPC",
    "aws_subnet": "AWS::EC2::Subnet",
    "aws_security_group": "AWS::EC2::SecurityGroup",
    "aws_vpc_security_group_ingress_rule": "AWS::EC2::SecurityGroupIngress",
    "aws_vpc_security_group_egress_rule": "AWS::EC2::SecurityGroupEgress",
    "aws_network_acl": "AWS::EC2::NetworkAcl",
    "aws_network_acl_rule": "AWS::EC2::NetworkAclEntry",
    "aws_network_acl_association": "AWS::EC2::SubnetNetworkAclAssociation",
    "aws_route_table": "AWS::EC2::RouteTable",
    "aws_route": "AWS::EC2::Route",
    "aws_route_table_association": "AWS::EC2::SubnetRouteTableAssociation",
    "aws_internet_gateway": "AWS::EC2::InternetGateway",
    "aws_internet_gateway_attachment": "AWS::EC2::VPCGatewayAttachment",
    "aws_egress_only_internet_gateway": "AWS::EC2::EgressOnlyInternetGateway",
    "aws_nat_gateway": "AWS::EC2::NatGateway",
    "aws_vpc_endpoint": "AWS::EC2::VPCEndpoint",
    "aws_vpc_peering_connection": "AWS::EC2::VPCPeeringConnection",
    "aws_ec2_transit_gateway": "AWS::EC2::TransitGateway",
    "aws_vpn_gateway": "AWS::EC2::VPNGateway",
    "aws_ec2_managed_prefix_list": "AWS::EC2::PrefixList",
    "aws_dms_replication_instance": "AWS::DMS::ReplicationInstance",
    "aws_dms_replication_subnet_group": "AWS::DMS::ReplicationSubnetGroup",
    # Backup
    "aws_backup_plan": "AWS::Backup::BackupPlan",
    "aws_backup_selection": "AWS::Backup::BackupSelection",
    "aws_backup_vault": "AWS::Backup::BackupVault",
    "aws_dlm_lifecycle_policy": "AWS::DLM::LifecyclePolicy",
    # Misc
    "aws_cloudformation_stack": "AWS::CloudFormation::Stack",
    "aws_route53_zone": "AWS::Route53::HostedZone",
    "aws_route53_record": "AWS::Route53::RecordSet",
    "aws_codebuild_project": "AWS::CodeBuild::Project",
    "aws_athena_workgroup": "AWS::Athena::WorkGroup",
    "aws_glue_catalog_database": "AWS::Glue::Database",
    "aws_workspaces_workspace": "AWS::WorkSpaces::Workspace",
    "aws_fsx_lustre_file_system": "AWS::FSx::FileSystem",
    "aws_fsx_windows_file_system": "AWS::FSx::FileSystem",
    "aws_fsx_ontap_file_system": "AWS::FSx::FileSystem",
}

#: SAM resource type -> the kind rules read it as.  The adapter keeps the
#: SAM type in ``Node.type`` and maps the properties that differ.
SAM_KINDS: dict[str, str] = {
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::LayerVersion": "AWS::Lambda::LayerVersion",
    "AWS::Serverless::Application": "AWS::CloudFormation::Stack",
}


def terraform_kind(resource_type: str, attrs: dict[str, Any] | None = None) -> str:
    """The node kind of a Terraform resource of ``resource_type``.

    ``aws_security_group_rule`` is an ingress or egress rule depending on
    its ``type`` argument; an unknown ``type`` keeps the Terraform name.
    """
    if resource_type == "aws_security_group_rule":
        rule_type = (attrs or {}).get("type")
        if rule_type == "ingress":
            return "AWS::EC2::SecurityGroupIngress"
        if rule_type == "egress":
            return "AWS::EC2::SecurityGroupEgress"
        return resource_type
    return TERRAFORM_KINDS.get(resource_type, resource_type)


def terraform_data_kind(data_type: str) -> str:
    """The node kind of a Terraform data source: ``data.<type>``."""
    return f"data.{data_type}"


def cloudformation_kind(resource_type: str) -> str:
    return SAM_KINDS.get(resource_type, resource_type)


def service_of(kind: str, type_: str = "") -> str:
    """The AWS service a kind belongs to (``AWS::RDS::DBInstance`` -> ``rds``)."""
    if kind.startswith("AWS::"):
        parts = kind.split("::")
        return parts[1].lower() if len(parts) > 1 else kind.lower()
    name = type_ or kind
    if name.startswith("aws_"):
        return name[4:].split("_", 1)[0]
    return name
