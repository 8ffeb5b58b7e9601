"""The TLS policy tables and the classic load balancer listener view, on hand-built nodes."""

from __future__ import annotations

import pytest

from soc2lint.graph import ResourceGraph
from soc2lint.model import Edge, Unknown
from soc2lint.views.tls import (
    apigw_policy_allows_legacy_tls,
    classic_listeners,
    cloudfront_policy_below_required,
    elb_policy_allows_legacy_tls,
    elb_policy_lowest_tls,
    opensearch_policy_allows_legacy_tls,
)

from helpers import make_node


@pytest.mark.parametrize(
    "name",
    [
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-2015-05",
        "ELBSecurityPolicy-TLS-1-0-2015-04",
        "ELBSecurityPolicy-TLS-1-1-2017-01",
        "ELBSecurityPolicy-FS-2018-06",
        "ELBSecurityPolicy-FS-1-1-2019-08",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09",
        "ELBSecurityPolicy-2011-08",
        "ELBSample-OpenSSLDefaultCipherPolicy",
        "ELBSecurityPolicy-TLS13-1-1-Future-2030-01",
    ],
)
def test_elb_policies_accepting_old_tls(name: str) -> None:
    assert elb_policy_allows_legacy_tls(name) is True


@pytest.mark.parametrize(
    "name",
    [
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    ],
)
def test_elb_policies_tls12_or_later(name: str) -> None:
    assert elb_policy_allows_legacy_tls(name) is False


def test_unknown_elb_policy_names_are_unknown() -> None:
    assert elb_policy_allows_legacy_tls("my-custom-negotiation") is None
    assert elb_policy_allows_legacy_tls(Unknown("var.policy")) is None
    assert elb_policy_lowest_tls("ELBSecurityPolicy-TLS13-1-3-2021-06") == "TLS 1.3"


@pytest.mark.parametrize(
    ("name", "old"),
    [
        ("SSLv3", True),
        ("TLSv1", True),
        ("TLSv1_2016", True),
        ("TLSv1.1_2016", True),
        ("TLSv1.2_2018", True),
        ("TLSv1.2_2019", False),
        ("TLSv1.2_2021", False),
        ("TLSv1.2_2025", False),
        ("TLSv1.3_2025", False),
        ("custom", None),
    ],
)
def test_cloudfront_policies(name: str, old: bool | None) -> None:
    assert cloudfront_policy_below_required(name) is old


def test_opensearch_and_apigateway_policies() -> None:
    assert opensearch_policy_allows_legacy_tls("Policy-Min-TLS-1-0-2019-07") is True
    assert opensearch_policy_allows_legacy_tls("Policy-Min-TLS-1-2-PFS-2023-10") is False
    assert opensearch_policy_allows_legacy_tls("other") is None
    assert apigw_policy_allows_legacy_tls("TLS_1_0") is True
    assert apigw_policy_allows_legacy_tls("TLS_1_2") is False
    assert apigw_policy_allows_legacy_tls("SecurityPolicy_TLS13_1_3_2025_09") is False
    assert apigw_policy_allows_legacy_tls("SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09") is False
    assert apigw_policy_allows_legacy_tls("SecurityPolicy_TLS12_2018_EDGE") is False
    assert apigw_policy_allows_legacy_tls("Mystery") is None


def _elb(**attrs: object) -> object:
    return make_node(
        "aws_elb.web",
        "AWS::ElasticLoadBalancing::LoadBalancer",
        {
            "name": "web",
            "listener": [
                {"lb_port": 443, "lb_protocol": "https"},
                {"lb_port": 80, "lb_protocol": "http"},
            ],
            **attrs,
        },
        type_="aws_elb",
    )


def _policy(reference: object = "ELBSecurityPolicy-TLS-1-2-2017-01") -> object:
    return make_node(
        "aws_load_balancer_policy.tls",
        "aws_load_balancer_policy",
        {
            "load_balancer_name": "web",
            "policy_name": "web-tls",
            "policy_type_name": "SSLNegotiationPolicyType",
            "policy_attribute": [{"name": "Reference-Security-Policy", "value": reference}],
        },
    )


def test_classic_listener_without_policy_gets_the_default() -> None:
    (listener,) = classic_listeners(ResourceGraph([_elb()]))  # type: ignore[list-item]
    assert listener.path == ("listener", 0)
    assert listener.policies == [] and not listener.unknown


def test_classic_listener_policy_attached_by_names() -> None:
    attach = make_node(
        "aws_load_balancer_listener_policy.p443",
        "aws_load_balancer_listener_policy",
        {"load_balancer_name": "web", "load_balancer_port": 443, "policy_names": ["web-tls"]},
    )
    g = ResourceGraph([_elb(), _policy("ELBSecurityPolicy-2016-08"), attach])  # type: ignore[list-item]
    (listener,) = classic_listeners(g)
    (pol,) = listener.policies
    verdict, path, what = pol.legacy()
    assert verdict is True and path == ("policy_attribute", 0, "value")
    assert "ELBSecurityPolicy-2016-08" in what


def test_classic_listener_policy_attached_by_reference() -> None:
    elb, pol = _elb(), _policy()
    attach = make_node(
        "aws_load_balancer_listener_policy.p443",
        "aws_load_balancer_listener_policy",
        {
            "load_balancer_name": Unknown("aws_elb.web.name", refs=("aws_elb.web",)),
            "load_balancer_port": 443,
            "policy_names": [Unknown("aws_load_balancer_policy.tls.policy_name")],
        },
    )
    g = ResourceGraph(
        [elb, pol, attach],  # type: ignore[list-item]
        [
            Edge(attach.id, elb.id, "ref", ("load_balancer_name",), "name"),  # type: ignore[attr-defined]
            Edge(attach.id, pol.id, "ref", ("policy_names", 0), "policy_name"),  # type: ignore[attr-defined]
        ],
    )
    (listener,) = classic_listeners(g)
    assert [p.legacy()[0] for p in listener.policies] == [False]


def test_unattributable_listener_policy_makes_listeners_unknown() -> None:
    attach = make_node(
        "aws_load_balancer_listener_policy.p",
        "aws_load_balancer_listener_policy",
        {"load_balancer_name": Unknown("var.elb"), "load_balancer_port": 443, "policy_names": []},
    )
    (listener,) = classic_listeners(ResourceGraph([_elb(), attach]))  # type: ignore[list-item]
    assert listener.unknown and not listener.policies


def test_cloudformation_policies_by_name_port_and_predefined_name() -> None:
    elb = make_node(
        "Elb",
        "AWS::ElasticLoadBalancing::LoadBalancer",
        {
            "Listeners": [
                {"LoadBalancerPort": "443", "Protocol": "HTTPS", "PolicyNames": ["Neg"]},
                {"LoadBalancerPort": "8443", "Protocol": "SSL"},
                {
                    "LoadBalancerPort": "9443",
                    "Protocol": "HTTPS",
                    "PolicyNames": ["ELBSecurityPolicy-TLS-1-2-2017-01"],
                },
            ],
            "Policies": [
                {
                    "PolicyName": "Neg",
                    "PolicyType": "SSLNegotiationPolicyType",
                    "Attributes": [{"Name": "Protocol-TLSv1", "Value": "true"}],
                },
                {
                    "PolicyName": "PortPolicy",
                    "PolicyType": "SSLNegotiationPolicyType",
                    "LoadBalancerPorts": ["8443"],
                    "Attributes": [
                        {
                            "Name": "Reference-Security-Policy",
                            "Value": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                        }
                    ],
                },
            ],
        },
        language="cloudformation",
        file="t.yaml",
    )
    first, second, third = classic_listeners(ResourceGraph([elb]))  # type: ignore[list-item]
    assert first.policies[0].legacy()[:2] == (True, ("Policies", 0, "Attributes", 0, "Value"))
    assert second.policies[0].legacy()[0] is False
    assert third.policies[0].legacy()[0] is False
