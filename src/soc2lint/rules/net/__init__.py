"""NET rules: network isolation (checklist G; see ../shared/RULES.md).

Every rule reads the one network model (:mod:`soc2lint.views.network`):
security-group rules from every shape they can be written in, network ACL
entries, routes, subnets and attachments.  A value the model cannot resolve
(a CIDR from a variable without default, a subnet from a module output that
is not evaluated) is unknown: no finding, a low one under ``--strict``.
"""

from __future__ import annotations

from soc2lint.rule import Rule

from .net001_sg_admin_port_open import sg_admin_port_open
from .net002_sg_database_port_open import sg_database_port_open
from .net003_sg_all_ports_open import sg_all_ports_open
from .net004_datastore_cidr_ingress import datastore_cidr_ingress
from .net005_default_security_group_open import default_security_group_open
from .net006_datastore_publicly_accessible import datastore_publicly_accessible
from .net007_datastore_in_public_subnet import datastore_in_public_subnet
from .net008_instance_public_ip import instance_public_ip
from .net009_internet_exposure_path import internet_exposure_path
from .net010_s3_public_access_block import s3_public_access_block
from .net011_s3_public_bucket import s3_public_bucket
from .net012_vpc_endpoints_for_private_traffic import vpc_endpoints_for_private_traffic
from .net013_nacl_admin_port_open import nacl_admin_port_open
from .net014_eks_public_endpoint import eks_public_endpoint
from .net015_sg_rule_without_description import sg_rule_without_description
from .net016_opensearch_outside_vpc import opensearch_outside_vpc

RULES: tuple[Rule, ...] = (
    sg_admin_port_open,
    sg_database_port_open,
    sg_all_ports_open,
    datastore_cidr_ingress,
    default_security_group_open,
    datastore_publicly_accessible,
    datastore_in_public_subnet,
    instance_public_ip,
    internet_exposure_path,
    s3_public_access_block,
    s3_public_bucket,
    vpc_endpoints_for_private_traffic,
    nacl_admin_port_open,
    eks_public_endpoint,
    sg_rule_without_description,
    opensearch_outside_vpc,
)
