"""The network model on hand-built nodes: rules, ACLs, routes, zones, attachments."""

from __future__ import annotations

from typing import Any

import pytest

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Node, Unknown
from soc2lint.views.network import (
    NetworkModel,
    Target,
    Targets,
    cidr_class,
    describe_ports,
    network_model,
    normalize_protocol,
    span_of_zones,
)

from helpers import make_node


def ref(address: str, attr: str = "id") -> Unknown:
    return Unknown(f"{address}.{attr}", refs=(address,))


def model(*nodes: Node, edges: tuple[Edge, ...] = ()) -> NetworkModel:
    return network_model(ResourceGraph(nodes, edges))


def sg(name: str = "web", **attrs: Any) -> Node:
    return make_node(f"aws_security_group.{name}", "AWS::EC2::SecurityGroup", attrs)


# --------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.0.0.0/0", "anywhere"),
        ("::/0", "anywhere"),
        ("10.0.0.0/16", "private"),
        ("172.16.4.0/24", "private"),
        ("100.64.0.0/10", "private"),
        ("fd00::/8", "private"),
        ("203.0.113.7/32", "public"),
        ("8.8.8.8", "public"),
        ("not-a-cidr", None),
        (Unknown("var.cidr"), None),
    ],
)
def test_cidr_class(value: Any, expected: str | None) -> None:
    assert cidr_class(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-1", "all"),
        (-1, "all"),
        ("ALL", "all"),
        ("6", "tcp"),
        (17, "udp"),
        ("icmp", "icmp"),
        ("50", "50"),
    ],
)
def test_protocol_names_and_numbers(value: Any, expected: str) -> None:
    assert normalize_protocol(value) == expected


def test_describe_ports() -> None:
    assert describe_ports("tcp", 22, 22) == "tcp/22"
    assert describe_ports("all", 0, 0) == "all traffic"
    assert describe_ports("udp", 0, 65535) == "udp/0-65535"
    assert describe_ports("tcp", -1, -1) == "tcp/0-65535"


# --------------------------------------------------------------------------
# security-group rules in every shape
# --------------------------------------------------------------------------


def test_inline_rules_and_port_coverage() -> None:
    g = sg(
        ingress=[
            {"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]},
            {"from_port": 20, "to_port": 25, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]},
            {"from_port": 8, "to_port": 0, "protocol": "icmp", "cidr_blocks": ["0.0.0.0/0"]},
            {"from_port": 1, "to_port": 65535, "protocol": "udp", "ipv6_cidr_blocks": ["::/0"]},
        ],
        egress=[
            {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
        ],
    )
    m = model(g)
    rules, complete = m.rules_of(g, "ingress")
    assert complete and len(rules) == 4
    everything, ssh_range, icmp, udp = rules
    assert everything.covers_port(22) and everything.covers_all_ports()
    assert ssh_range.covers_port(22) and not ssh_range.covers_port(3389)
    assert icmp.covers_port(22) is False and icmp.covers_all_ports() is False
    assert udp.covers_all_ports() and udp.covers_port(22) is False
    assert udp.covers_port(11211, ("tcp", "udp"))
    assert [p.value for p in everything.anywhere_peers()] == ["0.0.0.0/0"]
    assert everything.path == ("ingress", 0) and everything.holder is g
    assert len(m.sg_rules("egress")) == 1


def test_web_only_rule_is_not_a_non_web_port() -> None:
    g = sg(
        ingress=[
            {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
            {"from_port": 80, "to_port": 81, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
        ]
    )
    web, wider = model(g).rules_of(g, "ingress")[0]
    assert web.covers_non_web_port() is False
    assert wider.covers_non_web_port() is True


def test_standalone_rules_attach_to_their_group() -> None:
    g = sg()
    legacy = make_node(
        "aws_security_group_rule.ssh",
        "AWS::EC2::SecurityGroupIngress",
        {
            "type": "ingress",
            "security_group_id": ref("aws_security_group.web"),
            "protocol": "tcp",
            "from_port": 22,
            "to_port": 22,
            "cidr_blocks": ["0.0.0.0/0"],
            "description": "SSH",
        },
        type_="aws_security_group_rule",
    )
    vpc_rule = make_node(
        "aws_vpc_security_group_ingress_rule.db",
        "AWS::EC2::SecurityGroupIngress",
        {
            "security_group_id": ref("aws_security_group.web"),
            "ip_protocol": "tcp",
            "from_port": 5432,
            "to_port": 5432,
            "referenced_security_group_id": ref("aws_security_group.app"),
        },
        type_="aws_vpc_security_group_ingress_rule",
    )
    app = sg("app")
    m = model(g, app, legacy, vpc_rule)
    rules, complete = m.rules_of(g, "ingress")
    assert complete
    assert {r.holder.address for r in rules} == {legacy.address, vpc_rule.address}
    peer = next(r for r in rules if r.holder is vpc_rule).peers[0]
    assert peer.kind == "security_group" and peer.value.node is app
    assert next(r for r in rules if r.holder is legacy).peers[0].path == ("cidr_blocks", 0)


def test_cloudformation_rules() -> None:
    g = make_node(
        "Sg",
        "AWS::EC2::SecurityGroup",
        {
            "GroupDescription": "x",
            "SecurityGroupIngress": [
                {"IpProtocol": -1, "SourceSecurityGroupId": Unknown("!Ref Lb", refs=("Lb",))},
                {"IpProtocol": "6", "FromPort": 22, "ToPort": 22, "CidrIpv6": "::/0"},
            ],
        },
        language="cloudformation",
    )
    lb = make_node("Lb", "AWS::EC2::SecurityGroup", {}, language="cloudformation")
    standalone = make_node(
        "In",
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": Unknown("!Ref Sg", refs=("Sg",)),
            "IpProtocol": "udp",
            "FromPort": 53,
            "ToPort": 53,
            "CidrIp": "10.0.0.0/8",
        },
        language="cloudformation",
    )
    m = model(g, lb, standalone)
    rules, complete = m.rules_of(g, "ingress")
    assert complete and len(rules) == 3
    assert rules[0].peers[0].value.node is lb
    assert rules[1].protocol == "tcp" and rules[1].anywhere_peers()
    assert rules[2].holder is standalone and rules[2].path == ()


def test_unattributable_rule_makes_groups_incomplete() -> None:
    g = sg()
    orphan = make_node(
        "aws_vpc_security_group_ingress_rule.x",
        "AWS::EC2::SecurityGroupIngress",
        {"security_group_id": Unknown("var.sg_id"), "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"},
        type_="aws_vpc_security_group_ingress_rule",
    )
    m = model(g, orphan)
    rules, complete = m.rules_of(g, "ingress")
    assert rules == [] and complete is False
    assert m.rules_of(g, "egress")[1] is True
    assert m.sg_rules("ingress")[0].group is None


# --------------------------------------------------------------------------
# network ACLs
# --------------------------------------------------------------------------


def _acl(*ingress: dict[str, Any]) -> Node:
    return make_node("aws_network_acl.a", "AWS::EC2::NetworkAcl", {"ingress": list(ingress)})


def test_nacl_first_match_wins() -> None:
    deny = {
        "rule_no": 50,
        "action": "deny",
        "protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "cidr_block": "0.0.0.0/0",
    }
    allow = {
        "rule_no": 100,
        "action": "allow",
        "protocol": "-1",
        "from_port": 0,
        "to_port": 0,
        "cidr_block": "0.0.0.0/0",
    }
    acl = _acl(allow, deny)
    m = model(acl)
    assert m.nacl_decision(acl, 22).allowed is False
    d = m.nacl_decision(acl, 3389)
    assert d.allowed is True and d.entry is not None and d.entry.number == 100
    assert m.nacl_decision(acl, 22, family="ipv6").allowed is False  # implicit deny


def test_nacl_partial_deny_does_not_block_anywhere() -> None:
    deny = {
        "rule_no": 10,
        "action": "deny",
        "protocol": "6",
        "from_port": 22,
        "to_port": 22,
        "cidr_block": "198.51.100.0/24",
    }
    allow = {
        "rule_no": 20,
        "action": "allow",
        "protocol": "6",
        "from_port": 0,
        "to_port": 1024,
        "cidr_block": "0.0.0.0/0",
    }
    acl = _acl(deny, allow)
    assert model(acl).nacl_decision(acl, 22).allowed is True


def test_nacl_unknown_entry_is_unknown() -> None:
    allow = {
        "rule_no": 100,
        "action": "allow",
        "protocol": "-1",
        "from_port": 0,
        "to_port": 0,
        "cidr_block": "0.0.0.0/0",
    }
    maybe = {
        "rule_no": Unknown("var.n"),
        "action": "deny",
        "protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "cidr_block": "0.0.0.0/0",
    }
    acl = _acl(allow, maybe)
    assert model(acl).nacl_decision(acl, 22).allowed is None


def test_cloudformation_acl_entries() -> None:
    acl = make_node("Acl", "AWS::EC2::NetworkAcl", {}, language="cloudformation")
    entry = make_node(
        "E",
        "AWS::EC2::NetworkAclEntry",
        {
            "NetworkAclId": Unknown("!Ref Acl", refs=("Acl",)),
            "RuleNumber": 100,
            "Protocol": 6,
            "RuleAction": "allow",
            "CidrBlock": "0.0.0.0/0",
            "PortRange": {"From": 3000, "To": 4000},
        },
        language="cloudformation",
    )
    m = model(acl, entry)
    (e,) = m.nacl_entries(acl)
    assert e.egress is False and e.protocol == "tcp" and e.covers_port(3389)
    assert m.nacl_decision(acl, 3389).allowed is True


# --------------------------------------------------------------------------
# routing
# --------------------------------------------------------------------------


def _vpc() -> Node:
    return make_node("aws_vpc.main", "AWS::EC2::VPC", {"cidr_block": "10.0.0.0/16"})


def _subnet(name: str, **attrs: Any) -> Node:
    return make_node(
        f"aws_subnet.{name}", "AWS::EC2::Subnet", {"vpc_id": ref("aws_vpc.main"), **attrs}
    )


def test_inline_igw_route_makes_a_subnet_public() -> None:
    vpc, igw = _vpc(), make_node("aws_internet_gateway.igw", "AWS::EC2::InternetGateway", {})
    pub, priv = _subnet("pub"), _subnet("priv")
    rt = make_node(
        "aws_route_table.pub",
        "AWS::EC2::RouteTable",
        {
            "vpc_id": ref("aws_vpc.main"),
            "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.igw")}],
        },
    )
    assoc = make_node(
        "aws_route_table_association.pub",
        "AWS::EC2::SubnetRouteTableAssociation",
        {"subnet_id": ref("aws_subnet.pub"), "route_table_id": ref("aws_route_table.pub")},
    )
    m = model(vpc, igw, pub, priv, rt, assoc)
    ir = m.internet_route(pub)
    assert ir.public is True and ir.route is not None and ir.route.target is igw
    assert ir.route.path == ("route", 0)
    assert m.internet_route(priv).public is False  # the implicit main table: local only


def test_default_route_table_is_the_main_table() -> None:
    vpc = _vpc()
    s = _subnet("a")
    main = make_node(
        "aws_default_route_table.main",
        "aws_default_route_table",
        {
            "default_route_table_id": ref("aws_vpc.main", "default_route_table_id"),
            "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0123"}],
        },
        type_="aws_default_route_table",
    )
    m = model(vpc, s, main)
    assert m.route_tables_of(s) == [main]
    assert m.internet_route(s).public is True


def test_nat_route_and_unknown_association() -> None:
    vpc = _vpc()
    s, other = _subnet("a"), _subnet("b")
    nat = make_node("aws_nat_gateway.n", "AWS::EC2::NatGateway", {})
    rt = make_node("aws_route_table.p", "AWS::EC2::RouteTable", {"vpc_id": ref("aws_vpc.main")})
    route = make_node(
        "aws_route.nat",
        "AWS::EC2::Route",
        {
            "route_table_id": ref("aws_route_table.p"),
            "destination_cidr_block": "0.0.0.0/0",
            "nat_gateway_id": ref("aws_nat_gateway.n"),
        },
    )
    assoc = make_node(
        "aws_route_table_association.a",
        "AWS::EC2::SubnetRouteTableAssociation",
        {"subnet_id": ref("aws_subnet.a"), "route_table_id": ref("aws_route_table.p")},
    )
    orphan = make_node(
        "aws_route_table_association.x",
        "AWS::EC2::SubnetRouteTableAssociation",
        {"subnet_id": Unknown("var.subnet"), "route_table_id": ref("aws_route_table.p")},
    )
    m = model(vpc, s, other, nat, rt, route, assoc, orphan)
    found, r = m.nat_route(s)
    assert found is True and r is not None and r.target is nat
    assert m.internet_route(s).public is False
    # b might be the orphan association's subnet
    assert m.route_tables_of(other) is None
    assert m.internet_route(other).public is None


# --------------------------------------------------------------------------
# zones
# --------------------------------------------------------------------------


def test_zone_keys() -> None:
    m = model()
    tf = make_node(
        "aws_subnet.p[1]",
        "AWS::EC2::Subnet",
        {"availability_zone": Unknown("data.aws_availability_zones.available.names[count.index]")},
        meta={"index": 1},
    )
    el = make_node(
        "aws_subnet.e",
        "AWS::EC2::Subnet",
        {"availability_zone": Unknown("element(data.aws_availability_zones.available.names, 0)")},
    )
    cfn = make_node(
        "S",
        "AWS::EC2::Subnet",
        {"AvailabilityZone": Unknown("Fn::GetAZs[2]")},
        language="cloudformation",
    )
    lit = make_node("aws_subnet.l", "AWS::EC2::Subnet", {"availability_zone": "eu-west-1a"})
    zid = make_node("aws_subnet.z", "AWS::EC2::Subnet", {"availability_zone_id": "euw1-az1"})
    other = make_node("aws_subnet.o", "AWS::EC2::Subnet", {"availability_zone": Unknown("var.az")})
    assert m.zone_of(tf) == ("index", "data.aws_availability_zones.available", 1)
    assert m.zone_of(el) == ("index", "data.aws_availability_zones.available", 0)
    assert m.zone_of(cfn) == ("index", "Fn::GetAZs", 2)
    assert m.zone_of(lit) == ("name", "eu-west-1a")
    assert m.zone_of(zid) == ("id", "euw1-az1")
    assert m.zone_of(other) is None


def test_zone_span_bounds() -> None:
    a, b = ("name", "a"), ("name", "b")
    assert span_of_zones([a, a], 2).fewer_than_two is True
    assert span_of_zones([a, b], 2).fewer_than_two is False
    assert span_of_zones([None], 1).fewer_than_two is True  # one subnet, one zone
    assert span_of_zones([None, None], 2).fewer_than_two is None
    assert span_of_zones([a, ("id", "use1-az1")], 2).fewer_than_two is None
    i0, i1 = ("index", "Fn::GetAZs", 0), ("index", "Fn::GetAZs", 1)
    assert span_of_zones([i0, i1], 2).fewer_than_two is False
    assert span_of_zones([i0, i0], 2).fewer_than_two is True


def test_zone_span_of_unknown_lists() -> None:
    m = model()
    assert (
        m.zone_span(Targets((Target((), unknown=Unknown("var.x")),), False)).fewer_than_two is None
    )
    one = make_node("aws_subnet.a", "AWS::EC2::Subnet", {"availability_zone": "eu-west-1a"})
    many = make_node("aws_subnet.m", "AWS::EC2::Subnet", {}, meta={"count_unknown": True})
    assert m.zone_span(Targets((Target((), node=one),), True)).fewer_than_two is True
    assert m.zone_span(Targets((Target((), node=many),), True)).fewer_than_two is None


# --------------------------------------------------------------------------
# attachments and references
# --------------------------------------------------------------------------


def test_datastore_attachments_through_subnet_group_and_cluster() -> None:
    vpc = _vpc()
    s = _subnet("db")
    group = make_node(
        "aws_db_subnet_group.db",
        "AWS::RDS::DBSubnetGroup",
        {"name": "db", "subnet_ids": [ref("aws_subnet.db")]},
    )
    dbsg = sg("db")
    cluster = make_node(
        "aws_rds_cluster.c",
        "AWS::RDS::DBCluster",
        {
            "cluster_identifier": "orders",
            "engine": "aurora-postgresql",
            "db_subnet_group_name": "db",
            "vpc_security_group_ids": [ref("aws_security_group.db")],
        },
    )
    member = make_node(
        "aws_rds_cluster_instance.m",
        "AWS::RDS::DBInstance",
        {"cluster_identifier": "orders", "engine": "aurora-postgresql"},
        type_="aws_rds_cluster_instance",
    )
    edges = (Edge(member.id, cluster.id, "ref", ("cluster_identifier",), "cluster_identifier"),)
    m = model(vpc, s, group, dbsg, cluster, member, edges=edges)
    assert m.subnets_of(cluster).nodes == [s]  # by the subnet group's name
    assert m.cluster_of(member) is cluster
    assert m.security_groups_of(member).nodes == [dbsg]
    assert m.subnet_group_of(member) is not None
    assert m.port_of(member) == 5432
    assert {d.node.address for d in m.datastores()} == {cluster.address, member.address}


def test_literal_ids_are_outside_the_configuration() -> None:
    inst = make_node(
        "aws_instance.i",
        "AWS::EC2::Instance",
        {"subnet_id": "subnet-0123", "vpc_security_group_ids": ["sg-1", Unknown("var.sg")]},
    )
    m = model(inst)
    subnets = m.subnets_of(inst)
    assert subnets.literals == ["subnet-0123"] and subnets.complete and subnets.count == 1
    groups = m.security_groups_of(inst)
    assert groups.literals == ["sg-1"] and not groups.complete


def test_s3_endpoint_detection() -> None:
    vpc = _vpc()
    s3 = make_node(
        "aws_vpc_endpoint.s3",
        "AWS::EC2::VPCEndpoint",
        {
            "vpc_id": ref("aws_vpc.main"),
            "service_name": Unknown('"com.amazonaws.${data.aws_region.current.name}.s3"'),
        },
    )
    kms = make_node(
        "aws_vpc_endpoint.kms",
        "AWS::EC2::VPCEndpoint",
        {"vpc_id": ref("aws_vpc.main"), "service_name": "com.amazonaws.eu-west-1.kms"},
    )
    m = model(vpc, s3, kms)
    found, complete = m.s3_endpoints_of(vpc)
    assert found == [s3] and complete
    odd = make_node(
        "aws_vpc_endpoint.x",
        "AWS::EC2::VPCEndpoint",
        {
            "vpc_id": ref("aws_vpc.main"),
            "service_name": Unknown("data.aws_vpc_endpoint_service.s.service_name"),
        },
    )
    assert model(vpc, kms, odd).s3_endpoints_of(vpc) == ([], False)


def test_public_ip_settings() -> None:
    m = model()
    lt = make_node(
        "aws_launch_template.t",
        "AWS::EC2::LaunchTemplate",
        {"network_interfaces": [{"associate_public_ip_address": "false"}]},
    )
    flag, attr = m.public_ip(lt)
    assert (
        flag is False
        and attr is not None
        and attr.path == ("network_interfaces", 0, "associate_public_ip_address")
    )
    inst = make_node(
        "Web",
        "AWS::EC2::Instance",
        {"NetworkInterfaces": [{"AssociatePublicIpAddress": True}]},
        language="cloudformation",
    )
    assert m.public_ip(inst)[0] is True
    assert m.public_ip(make_node("aws_instance.x", "AWS::EC2::Instance", {}))[0] is None
