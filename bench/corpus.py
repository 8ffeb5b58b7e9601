"""Deterministic benchmark corpora: a Terraform monorepo and a CloudFormation template set.

The Terraform monorepo is built from *groups*.  One group is twelve local
modules and the live roots that use them, about 10k lines in 120 files:

* leaf modules (called three deep): ``kms``, ``logs``, ``sg`` (dynamic
  ingress/egress), ``s3`` (for_each over buckets, split bucket settings,
  dynamic lifecycle rules, policy documents), ``iam`` (roles, for_each over
  policy attachments);
* middle modules: ``vpc`` (count subnets and NAT gateways, flow logs through
  ``logs``), ``db`` (RDS with a dynamic parameter group, through ``kms`` and
  ``sg``), ``ecs-cluster``, ``ecs-service`` (task definition, service, target
  group, through ``iam``, ``sg`` and ``logs``), ``data`` (through ``s3`` and
  ``kms``);
* top modules: ``platform`` (``vpc``, ``ecs-cluster``, ``db`` behind a count,
  ``ecs-service`` with for_each over services, ``data``) and ``audit``
  (CloudTrail through ``s3`` and ``kms``);
* six roots ``live/<group>/<env>-<region>/`` (main, variables, locals,
  outputs, providers, backend, versions, data sources, DNS, IAM users,
  alarms, ``terraform.tfvars``) calling ``platform`` and ``audit``.

So ``root -> platform -> ecs-service -> iam`` is three nested calls deep.
Five groups make the 50k-line, 600-file, 60-module monorepo; one group about
10k lines, ten groups about 100k.

The CloudFormation set is ``templates`` YAML templates of about ``resources``
resources each (parameters, conditions, mappings, short-form intrinsics).

Nothing random escapes the seed: two runs write byte-identical trees.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

# --------------------------------------------------------------------------
# Terraform
# --------------------------------------------------------------------------

VERSIONS = """terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40, < 6.0"
    }
  }
}
"""

COMMON_VARS = """variable "name" {
  description = "Name prefix for every resource this module creates."
  type        = string
}

variable "environment" {
  description = "Deployment environment (dev, staging or prod)."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
"""

KMS = {
    "main.tf": """resource "aws_kms_key" "this" {
  description             = "${var.name} (${var.environment})"
  enable_key_rotation     = var.enable_key_rotation
  deletion_window_in_days = var.environment == "prod" ? 30 : 7
  multi_region            = false
  policy                  = data.aws_iam_policy_document.key.json

  tags = merge(var.tags, {
    Name = "${var.name}-key"
  })
}

resource "aws_kms_alias" "this" {
  for_each      = toset(var.aliases)
  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_kms_grant" "service" {
  count             = length(var.grantee_principals)
  name              = "${var.name}-grant-${count.index}"
  key_id            = aws_kms_key.this.key_id
  grantee_principal = var.grantee_principals[count.index]
  operations        = ["Encrypt", "Decrypt", "GenerateDataKey"]
}
""",
    "policy.tf": """data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "RootAccess"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = var.service_principals
    content {
      sid       = "Service${replace(title(statement.value), ".", "")}"
      effect    = "Allow"
      actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = [statement.value]
      }
    }
  }
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "enable_key_rotation" {
  description = "Rotate the key material every year."
  type        = bool
  default     = true
}

variable "aliases" {
  description = "Alias suffixes for the key."
  type        = list(string)
  default     = ["default"]
}

variable "service_principals" {
  description = "AWS services allowed to use the key."
  type        = list(string)
  default     = []
}

variable "grantee_principals" {
  description = "IAM principals that receive a grant on the key."
  type        = list(string)
  default     = []
}
""",
    "outputs.tf": """output "key_arn" {
  description = "ARN of the key."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "ID of the key."
  value       = aws_kms_key.this.key_id
}

output "alias_names" {
  description = "Alias names."
  value       = [for a in aws_kms_alias.this : a.name]
}
""",
    "versions.tf": VERSIONS,
}

LOGS = {
    "main.tf": """locals {
  group_names = { for g in var.groups : g => "/${var.environment}/${var.name}/${g}" }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each          = local.group_names
  name              = each.value
  retention_in_days = var.retention_in_days
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, {
    LogGroup = each.key
  })
}

resource "aws_cloudwatch_log_metric_filter" "errors" {
  for_each       = var.create_error_metric ? local.group_names : {}
  name           = "${var.name}-${each.key}-errors"
  log_group_name = aws_cloudwatch_log_group.this[each.key].name
  pattern        = "?ERROR ?Error ?Exception"

  metric_transformation {
    name      = "${var.name}-${each.key}-errors"
    namespace = "Acme/${var.name}"
    value     = "1"
  }
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "groups" {
  description = "Log group name suffixes."
  type        = list(string)
  default     = ["app"]
}

variable "retention_in_days" {
  description = "How long to keep log events."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the log groups."
  type        = string
  default     = null
}

variable "create_error_metric" {
  description = "Create a metric filter counting errors."
  type        = bool
  default     = true
}
""",
    "outputs.tf": """output "log_group_names" {
  description = "Log group names by suffix."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "log_group_arns" {
  description = "Log group ARNs by suffix."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.arn }
}
""",
    "versions.tf": VERSIONS,
}

SG = {
    "main.tf": """resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  description = var.description
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.ingress_rules
    content {
      description     = ingress.value.description
      from_port       = ingress.value.port
      to_port         = ingress.value.port
      protocol        = lookup(ingress.value, "protocol", "tcp")
      cidr_blocks     = lookup(ingress.value, "cidr_blocks", null)
      security_groups = lookup(ingress.value, "security_groups", null)
    }
  }

  dynamic "egress" {
    for_each = var.allow_all_egress ? [1] : []
    content {
      description = "All outbound"
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = merge(var.tags, {
    Name = var.name
  })
}
""",
    "rules.tf": """resource "aws_vpc_security_group_ingress_rule" "extra" {
  for_each          = { for r in var.extra_ingress : "${r.port}-${r.cidr}" => r }
  security_group_id = aws_security_group.this.id
  description       = "extra ${each.key}"
  from_port         = each.value.port
  to_port           = each.value.port
  ip_protocol       = "tcp"
  cidr_ipv4         = each.value.cidr
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "description" {
  description = "Security group description."
  type        = string
  default     = "Managed by Terraform"
}

variable "vpc_id" {
  description = "VPC of the security group."
  type        = string
}

variable "ingress_rules" {
  description = "Inline ingress rules."
  type = list(object({
    description     = string
    port            = number
    protocol        = optional(string, "tcp")
    cidr_blocks     = optional(list(string))
    security_groups = optional(list(string))
  }))
  default = []
}

variable "extra_ingress" {
  description = "Ingress rules kept as separate resources."
  type = list(object({
    port = number
    cidr = string
  }))
  default = []
}

variable "allow_all_egress" {
  description = "Allow all outbound traffic."
  type        = bool
  default     = true
}
""",
    "outputs.tf": """output "id" {
  description = "Security group ID."
  value       = aws_security_group.this.id
}

output "arn" {
  description = "Security group ARN."
  value       = aws_security_group.this.arn
}
""",
    "versions.tf": VERSIONS,
}

S3 = {
    "locals.tf": """locals {
  bucket_names = { for k, b in var.buckets : k => "${var.name}-${var.environment}-${k}" }
  versioned    = { for k, b in var.buckets : k => b if lookup(b, "versioning", true) }
  with_rules   = { for k, b in var.buckets : k => b if length(lookup(b, "lifecycle_rules", [])) > 0 }
}
""",
    "main.tf": """resource "aws_s3_bucket" "this" {
  for_each      = var.buckets
  bucket        = local.bucket_names[each.key]
  force_destroy = var.environment != "prod"

  tags = merge(var.tags, {
    Name    = local.bucket_names[each.key]
    Purpose = each.value.purpose
  })
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  versioning_configuration {
    status = contains(keys(local.versioned), each.key) ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = aws_s3_bucket.this
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_logging" "this" {
  for_each      = var.access_log_bucket == null ? {} : aws_s3_bucket.this
  bucket        = each.value.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${each.key}/"
}
""",
    "lifecycle.tf": """resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.with_rules
  bucket   = aws_s3_bucket.this[each.key].id

  dynamic "rule" {
    for_each = each.value.lifecycle_rules
    content {
      id     = rule.value.id
      status = "Enabled"

      filter {
        prefix = lookup(rule.value, "prefix", "")
      }

      dynamic "transition" {
        for_each = lookup(rule.value, "transition_days", null) == null ? [] : [rule.value.transition_days]
        content {
          days          = transition.value
          storage_class = "STANDARD_IA"
        }
      }

      expiration {
        days = rule.value.expiration_days
      }

      noncurrent_version_expiration {
        noncurrent_days = 90
      }
    }
  }
}
""",
    "policy.tf": """data "aws_iam_policy_document" "bucket" {
  for_each = aws_s3_bucket.this

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      each.value.arn,
      "${each.value.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = length(var.reader_arns) > 0 ? [1] : []
    content {
      sid       = "AllowReaders"
      effect    = "Allow"
      actions   = ["s3:GetObject", "s3:ListBucket"]
      resources = [each.value.arn, "${each.value.arn}/*"]

      principals {
        type        = "AWS"
        identifiers = var.reader_arns
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  policy   = data.aws_iam_policy_document.bucket[each.key].json
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "buckets" {
  description = "Buckets to create, by short name."
  type = map(object({
    purpose    = string
    versioning = optional(bool, true)
    lifecycle_rules = optional(list(object({
      id              = string
      prefix          = optional(string, "")
      transition_days = optional(number)
      expiration_days = number
    })), [])
  }))
}

variable "kms_key_arn" {
  description = "KMS key for default encryption (AES256 when null)."
  type        = string
  default     = null
}

variable "access_log_bucket" {
  description = "Bucket receiving server access logs."
  type        = string
  default     = null
}

variable "reader_arns" {
  description = "Principals allowed to read the buckets."
  type        = list(string)
  default     = []
}
""",
    "outputs.tf": """output "bucket_ids" {
  description = "Bucket names by short name."
  value       = { for k, b in aws_s3_bucket.this : k => b.id }
}

output "bucket_arns" {
  description = "Bucket ARNs by short name."
  value       = { for k, b in aws_s3_bucket.this : k => b.arn }
}
""",
    "versions.tf": VERSIONS,
}

IAM = {
    "main.tf": """data "aws_iam_policy_document" "assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = var.trusted_services
    }

    dynamic "condition" {
      for_each = var.external_id == null ? [] : [var.external_id]
      content {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.name}-${var.environment}"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each   = toset(var.managed_policy_arns)
  role       = aws_iam_role.this.name
  policy_arn = each.value
}
""",
    "policies.tf": """data "aws_iam_policy_document" "inline" {
  count = length(var.statements) > 0 ? 1 : 0

  dynamic "statement" {
    for_each = var.statements
    content {
      sid       = statement.value.sid
      effect    = "Allow"
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

resource "aws_iam_role_policy" "inline" {
  count  = length(var.statements) > 0 ? 1 : 0
  name   = "${var.name}-inline"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.inline[0].json
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "trusted_services" {
  description = "Services that may assume the role."
  type        = list(string)
  default     = ["ecs-tasks.amazonaws.com"]
}

variable "external_id" {
  description = "External ID required to assume the role."
  type        = string
  default     = null
}

variable "permissions_boundary" {
  description = "Permissions boundary policy ARN."
  type        = string
  default     = null
}

variable "managed_policy_arns" {
  description = "Managed policies attached to the role."
  type        = list(string)
  default     = []
}

variable "statements" {
  description = "Inline policy statements."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default = []
}
""",
    "outputs.tf": """output "role_arn" {
  description = "Role ARN."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Role name."
  value       = aws_iam_role.this.name
}
""",
    "versions.tf": VERSIONS,
}

VPC = {
    "locals.tf": """locals {
  az_count        = min(length(var.availability_zones), var.max_azs)
  azs             = slice(var.availability_zones, 0, local.az_count)
  public_subnets  = [for i, az in local.azs : cidrsubnet(var.cidr_block, 8, i)]
  private_subnets = [for i, az in local.azs : cidrsubnet(var.cidr_block, 8, i + 10)]
  nat_count       = var.single_nat_gateway ? 1 : local.az_count
}
""",
    "main.tf": """resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, {
    Name = var.name
  })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-igw" })
}

resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
}
""",
    "subnets.tf": """resource "aws_subnet" "public" {
  count                   = local.az_count
  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.public_subnets[count.index]
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = false

  tags = merge(var.tags, {
    Name = "${var.name}-public-${local.azs[count.index]}"
    Tier = "public"
  })
}

resource "aws_subnet" "private" {
  count             = local.az_count
  vpc_id            = aws_vpc.this.id
  cidr_block        = local.private_subnets[count.index]
  availability_zone = local.azs[count.index]

  tags = merge(var.tags, {
    Name = "${var.name}-private-${local.azs[count.index]}"
    Tier = "private"
  })
}
""",
    "routes.tf": """resource "aws_eip" "nat" {
  count  = local.nat_count
  domain = "vpc"
  tags   = merge(var.tags, { Name = "${var.name}-nat-${count.index}" })
}

resource "aws_nat_gateway" "this" {
  count         = local.nat_count
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = merge(var.tags, { Name = "${var.name}-nat-${count.index}" })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route_table" "private" {
  count  = local.az_count
  vpc_id = aws_vpc.this.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
  }

  tags = merge(var.tags, { Name = "${var.name}-private-${count.index}" })
}

resource "aws_route_table_association" "public" {
  count          = local.az_count
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count          = local.az_count
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}
""",
    "flowlogs.tf": """module "flow_logs" {
  source            = "../logs-@G@"
  name              = "${var.name}-flow"
  environment       = var.environment
  groups            = ["vpc"]
  retention_in_days = var.flow_log_retention_days
  kms_key_arn       = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${var.name}-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json
}

resource "aws_flow_log" "this" {
  count           = var.enable_flow_logs ? 1 : 0
  vpc_id          = aws_vpc.this.id
  traffic_type    = "ALL"
  iam_role_arn    = aws_iam_role.flow_logs.arn
  log_destination = module.flow_logs.log_group_arns["vpc"]
}

module "endpoints_sg" {
  source      = "../sg-@G@"
  name        = "${var.name}-endpoints"
  environment = var.environment
  vpc_id      = aws_vpc.this.id
  description = "VPC interface endpoints"
  ingress_rules = [{
    description = "HTTPS from the VPC"
    port        = 443
    cidr_blocks = [var.cidr_block]
  }]
  tags = var.tags
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "cidr_block" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "Availability zones to spread subnets over."
  type        = list(string)
}

variable "max_azs" {
  description = "Use at most this many availability zones."
  type        = number
  default     = 3
}

variable "single_nat_gateway" {
  description = "One NAT gateway for every private subnet."
  type        = bool
  default     = false
}

variable "enable_flow_logs" {
  description = "Record VPC flow logs."
  type        = bool
  default     = true
}

variable "flow_log_retention_days" {
  description = "Flow log retention."
  type        = number
  default     = 90
}

variable "kms_key_arn" {
  description = "KMS key for the flow log group."
  type        = string
  default     = null
}
""",
    "outputs.tf": """output "vpc_id" {
  description = "VPC ID."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnet IDs."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnet IDs."
  value       = aws_subnet.private[*].id
}

output "endpoints_security_group_id" {
  description = "Security group of the interface endpoints."
  value       = module.endpoints_sg.id
}
""",
    "versions.tf": VERSIONS,
}

DB = {
    "main.tf": """module "kms" {
  source             = "../kms-@G@"
  name               = "${var.name}-db"
  environment        = var.environment
  service_principals = ["rds.amazonaws.com"]
  tags               = var.tags
}

module "sg" {
  source      = "../sg-@G@"
  name        = "${var.name}-db"
  environment = var.environment
  vpc_id      = var.vpc_id
  description = "Database access"
  ingress_rules = [for sg in var.allowed_security_groups : {
    description     = "PostgreSQL from ${sg}"
    port            = 5432
    security_groups = [sg]
  }]
  allow_all_egress = false
  tags             = var.tags
}

resource "aws_db_subnet_group" "this" {
  name       = "${var.name}-${var.environment}"
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_db_instance" "this" {
  identifier                          = "${var.name}-${var.environment}"
  engine                              = "postgres"
  engine_version                      = var.engine_version
  instance_class                      = var.instance_class
  allocated_storage                   = var.allocated_storage
  max_allocated_storage               = var.allocated_storage * 4
  storage_type                        = "gp3"
  storage_encrypted                   = true
  kms_key_id                          = module.kms.key_arn
  db_name                             = replace(var.name, "-", "_")
  username                            = "app_admin"
  manage_master_user_password         = true
  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [module.sg.id]
  parameter_group_name                = aws_db_parameter_group.this.name
  multi_az                            = var.environment == "prod"
  backup_retention_period             = var.environment == "prod" ? 35 : 7
  backup_window                       = "03:00-04:00"
  maintenance_window                  = "sun:04:30-sun:05:30"
  deletion_protection                 = var.environment == "prod"
  skip_final_snapshot                 = var.environment != "prod"
  final_snapshot_identifier           = "${var.name}-${var.environment}-final"
  copy_tags_to_snapshot               = true
  iam_database_authentication_enabled = true
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = module.kms.key_arn
  monitoring_interval                 = 60
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  auto_minor_version_upgrade          = true
  publicly_accessible                 = false

  tags = merge(var.tags, {
    Name = "${var.name}-${var.environment}"
  })
}
""",
    "params.tf": """resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-"
  family      = "postgres${split(".", var.engine_version)[0]}"

  dynamic "parameter" {
    for_each = merge(local.default_parameters, var.parameters)
    content {
      name         = parameter.key
      value        = parameter.value
      apply_method = "pending-reboot"
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  default_parameters = {
    "rds.force_ssl"            = "1"
    "log_min_duration_statement" = "1000"
    "log_connections"          = "1"
    "log_disconnections"       = "1"
  }
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the database."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups allowed to connect."
  type        = list(string)
  default     = []
}

variable "engine_version" {
  description = "PostgreSQL version."
  type        = string
  default     = "16.3"
}

variable "instance_class" {
  description = "Instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage" {
  description = "Storage in GiB."
  type        = number
  default     = 50
}

variable "parameters" {
  description = "Extra database parameters."
  type        = map(string)
  default     = {}
}
""",
    "outputs.tf": """output "endpoint" {
  description = "Connection endpoint."
  value       = aws_db_instance.this.endpoint
}

output "security_group_id" {
  description = "Security group of the database."
  value       = module.sg.id
}

output "kms_key_arn" {
  description = "Key encrypting the database."
  value       = module.kms.key_arn
}
""",
    "versions.tf": VERSIONS,
}

ECS_CLUSTER = {
    "main.tf": """module "kms" {
  source             = "../kms-@G@"
  name               = "${var.name}-ecs"
  environment        = var.environment
  service_principals = ["logs.amazonaws.com"]
  tags               = var.tags
}

module "logs" {
  source            = "../logs-@G@"
  name              = "${var.name}-ecs"
  environment       = var.environment
  groups            = ["exec"]
  retention_in_days = var.log_retention_days
  kms_key_arn       = module.kms.key_arn
  tags              = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = "${var.name}-${var.environment}"

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  configuration {
    execute_command_configuration {
      kms_key_id = module.kms.key_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = module.logs.log_group_names["exec"]
      }
    }
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = var.capacity_weights
    content {
      capacity_provider = default_capacity_provider_strategy.key
      weight            = default_capacity_provider_strategy.value
    }
  }
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "container_insights" {
  description = "Enable Container Insights."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the exec log group."
  type        = number
  default     = 365
}

variable "capacity_weights" {
  description = "Weight of each capacity provider."
  type        = map(number)
  default     = { FARGATE = 1, FARGATE_SPOT = 3 }
}
""",
    "outputs.tf": """output "cluster_arn" {
  description = "Cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "cluster_name" {
  description = "Cluster name."
  value       = aws_ecs_cluster.this.name
}

output "kms_key_arn" {
  description = "Key of the cluster's logs."
  value       = module.kms.key_arn
}
""",
    "versions.tf": VERSIONS,
}

ECS_SERVICE = {
    "locals.tf": """locals {
  full_name = "${var.name}-${var.environment}"
  container = {
    name      = var.name
    image     = "${var.image}:${var.image_tag}"
    essential = true
    portMappings = [{
      containerPort = var.port
      protocol      = "tcp"
    }]
    environment = [for k, v in var.environment_variables : { name = k, value = v }]
    secrets     = [for k, arn in var.secret_arns : { name = k, valueFrom = arn }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = module.logs.log_group_names["app"]
        awslogs-region        = var.region
        awslogs-stream-prefix = var.name
      }
    }
    readonlyRootFilesystem = true
  }
}
""",
    "main.tf": """module "task_role" {
  source      = "../iam-@G@"
  name        = "${var.name}-task"
  environment = var.environment
  statements = [
    {
      sid       = "ReadConfig"
      actions   = ["ssm:GetParameter", "ssm:GetParametersByPath"]
      resources = ["arn:aws:ssm:${var.region}:*:parameter/${var.name}/*"]
    },
    {
      sid       = "Buckets"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = [for b in var.bucket_arns : "${b}/*"]
    },
  ]
  tags = var.tags
}

module "execution_role" {
  source              = "../iam-@G@"
  name                = "${var.name}-exec"
  environment         = var.environment
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
  tags                = var.tags
}

module "sg" {
  source      = "../sg-@G@"
  name        = "${var.name}-svc"
  environment = var.environment
  vpc_id      = var.vpc_id
  ingress_rules = [{
    description = "Traffic from the load balancer"
    port        = var.port
    cidr_blocks = var.allowed_cidrs
  }]
  tags = var.tags
}

module "logs" {
  source            = "../logs-@G@"
  name              = var.name
  environment       = var.environment
  groups            = ["app"]
  retention_in_days = var.log_retention_days
  kms_key_arn       = var.kms_key_arn
  tags              = var.tags
}

resource "aws_ecs_service" "this" {
  name                               = local.full_name
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  enable_execute_command             = var.environment != "prod"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [module.sg.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = var.name
    container_port   = var.port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags
}
""",
    "task.tf": """resource "aws_ecs_task_definition" "this" {
  family                   = local.full_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  task_role_arn            = module.task_role.role_arn
  execution_role_arn       = module.execution_role.role_arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  dynamic "volume" {
    for_each = var.volumes
    content {
      name = volume.key

      efs_volume_configuration {
        file_system_id     = volume.value
        transit_encryption = "ENABLED"
      }
    }
  }

  tags = var.tags
}
""",
    "alb.tf": """resource "aws_lb_target_group" "this" {
  name_prefix = substr(var.name, 0, 6)
  port        = var.port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path                = var.health_check_path
    matcher             = "200-399"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_appautoscaling_target" "this" {
  count              = var.max_count > var.desired_count ? 1 : 0
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${local.full_name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.desired_count
  max_capacity       = var.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  count              = length(aws_appautoscaling_target.this)
  name               = "${local.full_name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "region" {
  description = "AWS region (for log configuration)."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster ARN."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster name."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the service."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the tasks."
  type        = list(string)
}

variable "allowed_cidrs" {
  description = "CIDR blocks that reach the service."
  type        = list(string)
  default     = []
}

variable "image" {
  description = "Container image repository."
  type        = string
}

variable "image_tag" {
  description = "Container image tag."
  type        = string
  default     = "latest"
}

variable "port" {
  description = "Container port."
  type        = number
  default     = 8080
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Task memory (MiB)."
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Running tasks."
  type        = number
  default     = 2
}

variable "max_count" {
  description = "Most tasks autoscaling may run."
  type        = number
  default     = 6
}

variable "health_check_path" {
  description = "Target group health check path."
  type        = string
  default     = "/healthz"
}

variable "environment_variables" {
  description = "Plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "Secrets injected as environment variables."
  type        = map(string)
  default     = {}
}

variable "bucket_arns" {
  description = "Buckets the task reads and writes."
  type        = list(string)
  default     = []
}

variable "volumes" {
  description = "EFS volumes by name."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "Key for the service's log group."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Log retention."
  type        = number
  default     = 365
}
""",
    "outputs.tf": """output "service_name" {
  description = "Service name."
  value       = aws_ecs_service.this.name
}

output "task_role_arn" {
  description = "Task role ARN."
  value       = module.task_role.role_arn
}

output "target_group_arn" {
  description = "Target group ARN."
  value       = aws_lb_target_group.this.arn
}

output "security_group_id" {
  description = "Security group of the tasks."
  value       = module.sg.id
}
""",
    "versions.tf": VERSIONS,
}

DATA = {
    "main.tf": """module "kms" {
  source             = "../kms-@G@"
  name               = "${var.name}-data"
  environment        = var.environment
  service_principals = ["s3.amazonaws.com"]
  aliases            = ["data", "backup"]
  tags               = var.tags
}

module "buckets" {
  source            = "../s3-@G@"
  name              = var.name
  environment       = var.environment
  buckets           = var.buckets
  kms_key_arn       = module.kms.key_arn
  access_log_bucket = var.access_log_bucket
  reader_arns       = var.reader_arns
  tags              = var.tags
}

resource "aws_backup_vault" "this" {
  name        = "${var.name}-${var.environment}"
  kms_key_arn = module.kms.key_arn
  tags        = var.tags
}

resource "aws_backup_plan" "this" {
  name = "${var.name}-${var.environment}"

  dynamic "rule" {
    for_each = var.backup_rules
    content {
      rule_name         = rule.key
      target_vault_name = aws_backup_vault.this.name
      schedule          = rule.value.schedule

      lifecycle {
        delete_after = rule.value.retention_days
      }
    }
  }
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "buckets" {
  description = "Buckets, as the s3 module takes them."
  type        = any
}

variable "access_log_bucket" {
  description = "Bucket receiving access logs."
  type        = string
  default     = null
}

variable "reader_arns" {
  description = "Principals allowed to read."
  type        = list(string)
  default     = []
}

variable "backup_rules" {
  description = "Backup rules by name."
  type = map(object({
    schedule       = string
    retention_days = number
  }))
  default = {
    daily = { schedule = "cron(0 3 * * ? *)", retention_days = 35 }
  }
}
""",
    "outputs.tf": """output "bucket_arns" {
  description = "Bucket ARNs by short name."
  value       = module.buckets.bucket_arns
}

output "bucket_ids" {
  description = "Bucket names by short name."
  value       = module.buckets.bucket_ids
}

output "kms_key_arn" {
  description = "Data key ARN."
  value       = module.kms.key_arn
}
""",
    "versions.tf": VERSIONS,
}

PLATFORM = {
    "main.tf": """module "vpc" {
  source             = "../vpc-@G@"
  name               = var.name
  environment        = var.environment
  cidr_block         = var.cidr_block
  availability_zones = var.availability_zones
  single_nat_gateway = var.environment != "prod"
  kms_key_arn        = module.data.kms_key_arn
  tags               = local.tags
}

module "cluster" {
  source      = "../ecs-cluster-@G@"
  name        = var.name
  environment = var.environment
  tags        = local.tags
}

module "data" {
  source            = "../data-@G@"
  name              = var.name
  environment       = var.environment
  buckets           = var.buckets
  access_log_bucket = var.access_log_bucket
  tags              = local.tags
}

module "db" {
  source                  = "../db-@G@"
  count                   = var.create_database ? 1 : 0
  name                    = var.name
  environment             = var.environment
  vpc_id                  = module.vpc.vpc_id
  subnet_ids              = module.vpc.private_subnet_ids
  allowed_security_groups = [for s in module.service : s.security_group_id]
  instance_class          = var.db_instance_class
  tags                    = local.tags
}
""",
    "services.tf": """module "service" {
  source   = "../ecs-service-@G@"
  for_each = var.services

  name                  = each.key
  environment           = var.environment
  region                = var.region
  cluster_arn           = module.cluster.cluster_arn
  cluster_name          = module.cluster.cluster_name
  vpc_id                = module.vpc.vpc_id
  subnet_ids            = module.vpc.private_subnet_ids
  allowed_cidrs         = [var.cidr_block]
  image                 = "${var.ecr_registry}/${each.key}"
  image_tag             = each.value.image_tag
  port                  = each.value.port
  cpu                   = each.value.cpu
  memory                = each.value.memory
  desired_count         = each.value.desired_count
  environment_variables = merge(local.default_env, each.value.env)
  bucket_arns           = [for k in each.value.buckets : module.data.bucket_arns[k]]
  kms_key_arn           = module.cluster.kms_key_arn
  tags                  = merge(local.tags, { Service = each.key })
}
""",
    "locals.tf": """locals {
  tags = merge(var.tags, {
    Platform    = var.name
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  default_env = {
    ENVIRONMENT = var.environment
    REGION      = var.region
    LOG_LEVEL   = var.environment == "prod" ? "info" : "debug"
  }
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "region" {
  description = "AWS region."
  type        = string
}

variable "cidr_block" {
  description = "VPC CIDR block."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones."
  type        = list(string)
}

variable "ecr_registry" {
  description = "Container registry host."
  type        = string
}

variable "create_database" {
  description = "Create the platform database."
  type        = bool
  default     = true
}

variable "db_instance_class" {
  description = "Database instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "access_log_bucket" {
  description = "Bucket receiving access logs."
  type        = string
  default     = null
}

variable "buckets" {
  description = "Data buckets by short name."
  type        = any
  default     = {}
}

variable "services" {
  description = "Services to run, by name."
  type = map(object({
    image_tag     = string
    port          = optional(number, 8080)
    cpu           = optional(number, 512)
    memory        = optional(number, 1024)
    desired_count = optional(number, 2)
    env           = optional(map(string), {})
    buckets       = optional(list(string), [])
  }))
  default = {}
}
""",
    "outputs.tf": """output "vpc_id" {
  description = "VPC ID."
  value       = module.vpc.vpc_id
}

output "service_names" {
  description = "ECS service names."
  value       = [for s in module.service : s.service_name]
}

output "database_endpoint" {
  description = "Database endpoint, when created."
  value       = try(module.db[0].endpoint, null)
}

output "bucket_ids" {
  description = "Data bucket names."
  value       = module.data.bucket_ids
}
""",
    "versions.tf": VERSIONS,
}

AUDIT = {
    "main.tf": """module "kms" {
  source             = "../kms-@G@"
  name               = "${var.name}-audit"
  environment        = var.environment
  service_principals = ["cloudtrail.amazonaws.com", "logs.amazonaws.com"]
  tags               = var.tags
}

module "trail_bucket" {
  source      = "../s3-@G@"
  name        = "${var.name}-audit"
  environment = var.environment
  kms_key_arn = module.kms.key_arn
  buckets = {
    trail = {
      purpose = "cloudtrail"
      lifecycle_rules = [{
        id              = "archive"
        transition_days = 90
        expiration_days = 2555
      }]
    }
  }
  tags = var.tags
}

module "trail_logs" {
  source            = "../logs-@G@"
  name              = "${var.name}-audit"
  environment       = var.environment
  groups            = ["cloudtrail"]
  retention_in_days = 400
  kms_key_arn       = module.kms.key_arn
  tags              = var.tags
}

resource "aws_cloudtrail" "this" {
  name                          = "${var.name}-${var.environment}"
  s3_bucket_name                = module.trail_bucket.bucket_ids["trail"]
  kms_key_id                    = module.kms.key_arn
  is_multi_region_trail         = var.multi_region
  include_global_service_events = true
  enable_log_file_validation    = true
  cloud_watch_logs_group_arn    = "${module.trail_logs.log_group_arns["cloudtrail"]}:*"

  dynamic "event_selector" {
    for_each = var.data_event_buckets
    content {
      read_write_type           = "All"
      include_management_events = true

      data_resource {
        type   = "AWS::S3::Object"
        values = ["${event_selector.value}/"]
      }
    }
  }

  tags = var.tags
}
""",
    "variables.tf": COMMON_VARS
    + """
variable "multi_region" {
  description = "Record every region."
  type        = bool
  default     = true
}

variable "data_event_buckets" {
  description = "Bucket ARNs whose object-level events are recorded."
  type        = list(string)
  default     = []
}
""",
    "outputs.tf": """output "trail_arn" {
  description = "Trail ARN."
  value       = aws_cloudtrail.this.arn
}

output "trail_bucket" {
  description = "Trail bucket name."
  value       = module.trail_bucket.bucket_ids["trail"]
}
""",
    "versions.tf": VERSIONS,
}

#: module directory prefix -> files (``@G@`` is the group suffix)
MODULES: dict[str, dict[str, str]] = {
    "kms": KMS,
    "logs": LOGS,
    "sg": SG,
    "s3": S3,
    "iam": IAM,
    "vpc": VPC,
    "db": DB,
    "ecs-cluster": ECS_CLUSTER,
    "ecs-service": ECS_SERVICE,
    "data": DATA,
    "platform": PLATFORM,
    "audit": AUDIT,
}

#: interface and gateway endpoints the vpc module can create (terraform-aws-modules style)
ENDPOINT_SERVICES = (
    ("s3", "Gateway"),
    ("dynamodb", "Gateway"),
    ("ecr_api", "Interface"),
    ("ecr_dkr", "Interface"),
    ("logs", "Interface"),
    ("ssm", "Interface"),
    ("ssmmessages", "Interface"),
    ("ec2messages", "Interface"),
    ("kms", "Interface"),
    ("secretsmanager", "Interface"),
    ("sts", "Interface"),
    ("sqs", "Interface"),
)


def _vpc_endpoints() -> str:
    parts = [
        "# VPC endpoints: one resource per service, each behind its own switch.\n",
        'data "aws_region" "current" {}\n',
    ]
    for svc, kind in ENDPOINT_SERVICES:
        aws_name = svc.replace("_", ".")
        default = "true" if kind == "Gateway" else "false"
        parts.append(
            f"""
variable "enable_{svc}_endpoint" {{
  description = "Create a {kind.lower()} endpoint for {aws_name}."
  type        = bool
  default     = {default}
}}

variable "{svc}_endpoint_policy" {{
  description = "Policy of the {aws_name} endpoint (JSON); null for full access."
  type        = string
  default     = null
}}

resource "aws_vpc_endpoint" "{svc}" {{
  count             = var.enable_{svc}_endpoint ? 1 : 0
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${{data.aws_region.current.name}}.{aws_name}"
  vpc_endpoint_type = "{kind}"
  policy            = var.{svc}_endpoint_policy
"""
        )
        if kind == "Interface":
            parts.append(
                """  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [module.endpoints_sg.id]
  private_dns_enabled = true
"""
            )
        else:
            parts.append("  route_table_ids   = aws_route_table.private[*].id\n")
        parts.append(
            f"""
  tags = merge(var.tags, {{
    Name = "${{var.name}}-{svc.replace("_", "-")}"
  }})
}}
"""
        )
    return "".join(parts)


#: (metric, comparison, default threshold, unit) of the db module's alarms
DB_ALARMS = (
    ("CPUUtilization", "GreaterThanThreshold", 80, "percent CPU"),
    ("FreeStorageSpace", "LessThanThreshold", 10737418240, "bytes free"),
    ("FreeableMemory", "LessThanThreshold", 268435456, "bytes of memory"),
    ("DatabaseConnections", "GreaterThanThreshold", 400, "connections"),
    ("ReadLatency", "GreaterThanThreshold", 0.05, "seconds per read"),
    ("WriteLatency", "GreaterThanThreshold", 0.05, "seconds per write"),
    ("DiskQueueDepth", "GreaterThanThreshold", 64, "queued I/Os"),
    ("SwapUsage", "GreaterThanThreshold", 268435456, "bytes of swap"),
)


def _db_alarms() -> str:
    parts = [
        """variable "create_alarms" {
  description = "Create CloudWatch alarms for the instance."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "Where alarms notify."
  type        = list(string)
  default     = []
}
"""
    ]
    for metric, comparison, threshold, unit in DB_ALARMS:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in metric).lstrip("_")
        parts.append(
            f"""
variable "{snake}_threshold" {{
  description = "Alarm when {metric} crosses this many {unit}."
  type        = number
  default     = {threshold}
}}

resource "aws_cloudwatch_metric_alarm" "{snake}" {{
  count               = var.create_alarms ? 1 : 0
  alarm_name          = "${{var.name}}-${{var.environment}}-db-{snake.replace("_", "-")}"
  alarm_description   = "{metric} of ${{aws_db_instance.this.identifier}}"
  comparison_operator = "{comparison}"
  evaluation_periods  = var.environment == "prod" ? 3 : 5
  metric_name         = "{metric}"
  namespace           = "AWS/RDS"
  period              = 300
  statistic           = "Average"
  threshold           = var.{snake}_threshold
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  dimensions = {{
    DBInstanceIdentifier = aws_db_instance.this.identifier
  }}
}}
"""
        )
    return "".join(parts)


VPC["endpoints.tf"] = _vpc_endpoints()
DB["alarms.tf"] = _db_alarms()

# ---- per-root application components --------------------------------------


def _queue(n: str, name: str, env: str, rng: random.Random) -> str:
    retention = rng.choice((345600, 604800, 1209600))
    return f"""resource "aws_sqs_queue" "{n}_dlq" {{
  name                      = "{name}-{n}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}}

resource "aws_sqs_queue" "{n}" {{
  name                       = "{name}-{n}"
  visibility_timeout_seconds = {rng.choice((30, 60, 300))}
  message_retention_seconds  = {retention}
  kms_master_key_id          = "alias/aws/sqs"

  redrive_policy = jsonencode({{
    deadLetterTargetArn = aws_sqs_queue.{n}_dlq.arn
    maxReceiveCount     = {rng.randint(3, 10)}
  }})

  tags = local.tags
}}

data "aws_iam_policy_document" "{n}_queue" {{
  statement {{
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.{n}.arn]

    principals {{
      type        = "*"
      identifiers = ["*"]
    }}

    condition {{
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }}
  }}
}}

resource "aws_sqs_queue_policy" "{n}" {{
  queue_url = aws_sqs_queue.{n}.id
  policy    = data.aws_iam_policy_document.{n}_queue.json
}}
"""


def _table(n: str, name: str, env: str, rng: random.Random) -> str:
    indexes = rng.sample(("by_owner", "by_status", "by_created", "by_tenant"), rng.randint(1, 3))
    attrs = "".join(
        f"""
  attribute {{
    name = "{i[3:]}"
    type = "S"
  }}
"""
        for i in indexes
    )
    gsis = ", ".join(f'{{ name = "{i}", hash_key = "{i[3:]}" }}' for i in indexes)
    return f"""locals {{
  {n}_indexes = [{gsis}]
}}

resource "aws_dynamodb_table" "{n}" {{
  name         = "{name}-{n}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {{
    name = "pk"
    type = "S"
  }}

  attribute {{
    name = "sk"
    type = "S"
  }}
{attrs}
  dynamic "global_secondary_index" {{
    for_each = local.{n}_indexes
    content {{
      name            = global_secondary_index.value.name
      hash_key        = global_secondary_index.value.hash_key
      projection_type = "ALL"
    }}
  }}

  point_in_time_recovery {{
    enabled = var.environment == "prod"
  }}

  server_side_encryption {{
    enabled = true
  }}

  ttl {{
    attribute_name = "expires_at"
    enabled        = true
  }}

  deletion_protection_enabled = var.environment == "prod"
  tags                        = local.tags
}}
"""


def _function(n: str, name: str, env: str, rng: random.Random) -> str:
    runtime = rng.choice(("python3.12", "nodejs20.x", "python3.11"))
    return f"""data "aws_iam_policy_document" "{n}_assume" {{
  statement {{
    actions = ["sts:AssumeRole"]

    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "{n}" {{
  name               = "{name}-{n}"
  assume_role_policy = data.aws_iam_policy_document.{n}_assume.json
}}

resource "aws_iam_role_policy_attachment" "{n}_basic" {{
  role       = aws_iam_role.{n}.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}}

resource "aws_cloudwatch_log_group" "{n}" {{
  name              = "/aws/lambda/{name}-{n}"
  retention_in_days = {rng.choice((30, 90, 365))}
}}

resource "aws_lambda_function" "{n}" {{
  function_name = "{name}-{n}"
  role          = aws_iam_role.{n}.arn
  runtime       = "{runtime}"
  handler       = "{"index.handler" if runtime.startswith("node") else "app.handler"}"
  filename      = "${{path.module}}/dist/{n}.zip"
  memory_size   = {rng.choice((128, 256, 512, 1024))}
  timeout       = {rng.choice((10, 30, 60, 300))}

  environment {{
    variables = {{
      ENVIRONMENT = var.environment
      TABLE       = "{name}-{n}"
    }}
  }}

  tracing_config {{
    mode = "Active"
  }}

  depends_on = [aws_cloudwatch_log_group.{n}, aws_iam_role_policy_attachment.{n}_basic]
  tags       = local.tags
}}

resource "aws_lambda_permission" "{n}_events" {{
  statement_id  = "AllowEventBridge"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.{n}.function_name
  principal     = "events.amazonaws.com"
}}
"""


def _secret(n: str, name: str, env: str, rng: random.Random) -> str:
    return f"""resource "aws_secretsmanager_secret" "{n}" {{
  name                    = "{name}/{n}"
  description             = "{n} credentials for {name}"
  recovery_window_in_days = var.environment == "prod" ? 30 : 7
  tags                    = local.tags
}}

resource "aws_ssm_parameter" "{n}" {{
  for_each = {{
    endpoint = "https://{n}.{env}.example.com"
    timeout  = "{rng.randint(5, 60)}"
    region   = var.region
  }}
  name  = "/{name}/{n}/${{each.key}}"
  type  = "String"
  value = each.value
  tags  = local.tags
}}
"""


def _bucket(n: str, name: str, env: str, rng: random.Random) -> str:
    return f"""resource "aws_s3_bucket" "{n}" {{
  bucket = "{name}-{n}"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "{n}" {{
  bucket = aws_s3_bucket.{n}.id

  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "{n}" {{
  bucket = aws_s3_bucket.{n}.id

  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "{rng.choice(("AES256", "aws:kms"))}"
    }}
  }}
}}

resource "aws_s3_bucket_public_access_block" "{n}" {{
  bucket                  = aws_s3_bucket.{n}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}
"""


def _cache(n: str, name: str, env: str, rng: random.Random) -> str:
    return f"""resource "aws_elasticache_subnet_group" "{n}" {{
  name       = "{name}-{n}"
  subnet_ids = ["subnet-{rng.randrange(16**8):08x}", "subnet-{rng.randrange(16**8):08x}"]
}}

resource "aws_elasticache_replication_group" "{n}" {{
  replication_group_id       = "{name}-{n}"
  description                = "{n} cache for {name}"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = var.environment == "prod" ? "cache.r7g.large" : "cache.t4g.small"
  num_cache_clusters         = var.environment == "prod" ? 3 : 1
  automatic_failover_enabled = var.environment == "prod"
  multi_az_enabled           = var.environment == "prod"
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  snapshot_retention_limit   = {rng.choice((1, 7, 14))}
  subnet_group_name          = aws_elasticache_subnet_group.{n}.name
  tags                       = local.tags
}}
"""


def _schedule(n: str, name: str, env: str, rng: random.Random) -> str:
    return f"""resource "aws_cloudwatch_event_rule" "{n}" {{
  name                = "{name}-{n}"
  description         = "Runs {n} on a schedule"
  schedule_expression = "rate({rng.choice((5, 15, 60))} minutes)"
  tags                = local.tags
}}

resource "aws_cloudwatch_event_target" "{n}" {{
  rule = aws_cloudwatch_event_rule.{n}.name
  arn  = aws_sns_topic.alarms.arn
}}
"""


COMPONENT_KINDS = (
    ("queue", _queue),
    ("table", _table),
    ("fn", _function),
    ("secret", _secret),
    ("store", _bucket),
    ("cache", _cache),
    ("job", _schedule),
)

#: application components written into each live root's app.tf
COMPONENTS_PER_ROOT = 26


def _components(name: str, env: str, rng: random.Random, count: int) -> str:
    out = []
    for i in range(count):
        kind, make = COMPONENT_KINDS[
            (i + rng.randrange(len(COMPONENT_KINDS))) % len(COMPONENT_KINDS)
        ]
        out.append(make(f"{kind}_{i:02d}", name, env, rng))
    return "\n".join(out)


ENVIRONMENTS = ("dev", "staging", "prod")
REGIONS = (("eu-west-1", "euw1"), ("us-east-1", "use1"))
SERVICE_NAMES = (
    "api",
    "web",
    "worker",
    "billing",
    "search",
    "auth",
    "notify",
    "reports",
    "ingest",
    "export",
)


def _root_files(
    group: str,
    env: str,
    region: str,
    short: str,
    index: int,
    rng: random.Random,
    components: int,
) -> dict[str, str]:
    """The files of one live root: a realistic environment stack."""
    services = rng.sample(SERVICE_NAMES, rng.randint(2, 4))
    svc_lines = []
    for s in services:
        svc_lines.append(
            f"""    {s} = {{
      image_tag     = "v1.{rng.randint(0, 40)}.{rng.randint(0, 9)}"
      port          = {rng.choice((8080, 8000, 3000, 9000))}
      cpu           = {rng.choice((256, 512, 1024))}
      memory        = {rng.choice((512, 1024, 2048))}
      desired_count = {rng.randint(1, 4)}
      env = {{
        SERVICE = "{s}"
      }}
      buckets = ["{rng.choice(("uploads", "exports"))}"]
    }}"""
        )
    services_hcl = "\n".join(svc_lines)
    octet = 10 + index * 4 + ENVIRONMENTS.index(env)
    name = f"{group}-{env}-{short}"
    files: dict[str, str] = {}
    files["versions.tf"] = (
        VERSIONS
        + f"""
terraform {{
  backend "s3" {{
    bucket         = "acme-terraform-state"
    key            = "{group}/{env}/{short}/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "acme-terraform-locks"
    encrypt        = true
  }}
}}
"""
    )
    files["providers.tf"] = f"""provider "aws" {{
  region = var.region

  default_tags {{
    tags = local.tags
  }}
}}

provider "aws" {{
  alias  = "dns"
  region = "us-east-1"

  assume_role {{
    role_arn = "arn:aws:iam::{100000000000 + index}:role/dns-admin"
  }}
}}
"""
    files["variables.tf"] = """variable "region" {
  description = "AWS region of this stack."
  type        = string
}

variable "environment" {
  description = "Environment name."
  type        = string
}

variable "owner" {
  description = "Owning team."
  type        = string
  default     = "platform"
}

variable "cost_center" {
  description = "Cost center for billing reports."
  type        = string
  default     = "0000"
}

variable "cidr_block" {
  description = "VPC CIDR block."
  type        = string
}

variable "create_database" {
  description = "Create the stack database."
  type        = bool
  default     = true
}

variable "services" {
  description = "Services of this stack."
  type        = any
  default     = {}
}

variable "alarm_emails" {
  description = "Who receives alarms."
  type        = list(string)
  default     = []
}
"""
    files["terraform.tfvars"] = f"""region          = "{region}"
environment     = "{env}"
owner           = "team-{group}"
cost_center     = "{1000 + index * 7}"
cidr_block      = "10.{octet}.0.0/16"
create_database = {"true" if env != "dev" or index % 2 == 0 else "false"}
alarm_emails    = ["oncall-{group}@example.com"]

services = {{
{services_hcl}
}}
"""
    files["locals.tf"] = f"""locals {{
  name = "{name}"

  tags = {{
    Owner       = var.owner
    CostCenter  = var.cost_center
    Environment = var.environment
    Stack       = "{group}"
  }}

  buckets = {{
    uploads = {{
      purpose = "user uploads"
      lifecycle_rules = [{{
        id              = "expire-tmp"
        prefix          = "tmp/"
        expiration_days = 7
      }}]
    }}
    exports = {{
      purpose    = "data exports"
      versioning = var.environment == "prod"
      lifecycle_rules = [{{
        id              = "archive"
        transition_days = 30
        expiration_days = 365
      }}]
    }}
    logs = {{
      purpose = "access logs"
    }}
  }}
}}
"""
    files["main.tf"] = f"""data "aws_availability_zones" "available" {{
  state = "available"
}}

data "aws_caller_identity" "current" {{}}

data "aws_region" "current" {{}}

module "platform" {{
  source             = "../../../modules/platform-{group}"
  name               = local.name
  environment        = var.environment
  region             = var.region
  cidr_block         = var.cidr_block
  availability_zones = ["{region}a", "{region}b", "{region}c"]
  ecr_registry       = "{100000000000 + index}.dkr.ecr.{region}.amazonaws.com"
  create_database    = var.create_database
  db_instance_class  = var.environment == "prod" ? "db.r6g.large" : "db.t4g.medium"
  buckets            = local.buckets
  services           = var.services
  tags               = local.tags
}}

module "audit" {{
  source             = "../../../modules/audit-{group}"
  name               = local.name
  environment        = var.environment
  multi_region       = var.environment == "prod"
  data_event_buckets = [for b in values(module.platform.bucket_ids) : "arn:aws:s3:::${{b}}"]
  tags               = local.tags
}}

resource "aws_route53_zone" "internal" {{
  name = "{env}.{group}.internal.example.com"

  vpc {{
    vpc_id = module.platform.vpc_id
  }}

  tags = local.tags
}}

resource "aws_route53_record" "service" {{
  for_each = toset(module.platform.service_names)
  zone_id  = aws_route53_zone.internal.zone_id
  name     = each.key
  type     = "CNAME"
  ttl      = 300
  records  = ["${{each.key}}.{env}.{group}.example.com"]
}}

resource "aws_route53_query_log" "internal" {{
  count                    = var.environment == "prod" ? 1 : 0
  depends_on               = [aws_cloudwatch_log_group.dns]
  cloudwatch_log_group_arn = aws_cloudwatch_log_group.dns[0].arn
  zone_id                  = aws_route53_zone.internal.zone_id
}}

resource "aws_cloudwatch_log_group" "dns" {{
  provider          = aws.dns
  count             = var.environment == "prod" ? 1 : 0
  name              = "/aws/route53/{env}.{group}"
  retention_in_days = 90
}}
"""
    files["iam.tf"] = f"""locals {{
  deployers = toset(["ci-{group}-{env}", "release-{group}-{env}"])
}}

resource "aws_iam_group" "operators" {{
  name = "{name}-operators"
}}

resource "aws_iam_group_policy_attachment" "read_only" {{
  group      = aws_iam_group.operators.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}

data "aws_iam_policy_document" "deploy" {{
  statement {{
    sid       = "Ecs"
    actions   = ["ecs:UpdateService", "ecs:DescribeServices", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }}

  statement {{
    sid       = "PassRole"
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:role/{name}-*"]
  }}
}}

resource "aws_iam_policy" "deploy" {{
  name   = "{name}-deploy"
  policy = data.aws_iam_policy_document.deploy.json
}}

resource "aws_iam_role" "deployer" {{
  for_each = local.deployers
  name     = each.key
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = {{ Federated = "arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:oidc-provider/token.actions.githubusercontent.com" }}
      Condition = {{
        StringLike = {{ "token.actions.githubusercontent.com:sub" = "repo:acme/${{each.key}}:*" }}
      }}
    }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "deployer" {{
  for_each   = aws_iam_role.deployer
  role       = each.value.name
  policy_arn = aws_iam_policy.deploy.arn
}}
"""
    files["app.tf"] = f"""resource "aws_sns_topic" "alarms" {{
  name              = "{name}-alarms"
  kms_master_key_id = "alias/aws/sns"
}}

resource "aws_sns_topic_subscription" "email" {{
  for_each  = toset(var.alarm_emails)
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}}

resource "aws_cloudwatch_metric_alarm" "service_cpu" {{
  for_each            = toset(module.platform.service_names)
  alarm_name          = "${{each.key}}-cpu-high"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 300
  statistic           = "Average"
  threshold           = var.environment == "prod" ? 70 : 90
  alarm_actions       = [aws_sns_topic.alarms.arn]

  dimensions = {{
    ServiceName = each.key
  }}
}}
"""
    files["app.tf"] += "\n" + _components(name, env, rng, components)
    files["outputs.tf"] = """output "vpc_id" {
  description = "VPC of the stack."
  value       = module.platform.vpc_id
}

output "services" {
  description = "Service names."
  value       = module.platform.service_names
}

output "database_endpoint" {
  description = "Database endpoint."
  value       = module.platform.database_endpoint
}

output "trail_arn" {
  description = "Audit trail."
  value       = module.audit.trail_arn
}
"""
    return files


def terraform_monorepo(
    root: Path, groups: int, seed: int = 20260612, components: int = COMPONENTS_PER_ROOT
) -> None:
    """Write a monorepo of ``groups`` groups (12 modules and 6 roots each) under ``root``."""
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    index = 0
    for g in range(groups):
        group = f"g{g + 1:02d}"
        for prefix, files in MODULES.items():
            d = root / "modules" / f"{prefix}-{group}"
            d.mkdir(parents=True)
            for name, text in files.items():
                (d / name).write_text(text.replace("@G@", group), encoding="utf-8")
        for env in ENVIRONMENTS:
            for region, short in REGIONS:
                d = root / "live" / group / f"{env}-{short}"
                d.mkdir(parents=True)
                files = _root_files(group, env, region, short, index, rng, components)
                for name, text in files.items():
                    (d / name).write_text(text, encoding="utf-8")
                index += 1
    (root / "README.md").write_text("# acme infrastructure (generated benchmark corpus)\n")


#: the file whose one-line edit "after changing one file" measures
def changed_file(root: Path) -> Path:
    return root / "modules" / "s3-g01" / "main.tf"


# --------------------------------------------------------------------------
# CloudFormation
# --------------------------------------------------------------------------


def cloudformation_corpus(root: Path, templates: int, resources: int, seed: int = 20260601) -> int:
    """Write ``templates`` templates of about ``resources`` resources; returns the total."""
    import importlib.util

    here = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location("_cfn_bench", here / "cfn_bench.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = random.Random(seed)
    total = 0
    for n in range(templates):
        text, count = mod.template(n + 1, resources, rng)
        (root / f"stack-{n:03d}.yaml").write_text(text, encoding="utf-8")
        total += count
    return total


def count_lines(root: Path, suffixes: tuple[str, ...]) -> tuple[int, int]:
    """(files, lines) under ``root`` whose names end with one of ``suffixes``."""
    files = lines = 0
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name.endswith(suffixes):
            files += 1
            with p.open("rb") as fh:
                lines += sum(1 for _ in fh)
    return files, lines
