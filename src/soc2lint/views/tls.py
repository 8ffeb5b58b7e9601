"""TLS security policies: which ones accept TLS below 1.2, in one place.

Every table here says which named security policy lets clients negotiate a
protocol older than TLS 1.2, with the AWS page it comes from.  The TLS rules
(TLS002-TLS004, TLS008) and the evidence pack ask these functions, never
their own lists.  Each classifier answers three ways: ``True`` (the policy
accepts TLS 1.0/1.1 or SSL), ``False`` (TLS 1.2 or later only) or ``None``
(a name this table does not know: no finding, precision first).

The module also resolves which SSL negotiation policy applies to each
HTTPS/SSL listener of a *classic* load balancer, wherever it is written:
CloudFormation ``Policies`` + ``Listeners[].PolicyNames``; Terraform
``aws_load_balancer_policy`` attached by ``aws_load_balancer_listener_policy``
or an ``aws_lb_ssl_negotiation_policy`` (:func:`classic_listeners`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import field
from typing import Any

from ..graph import ResourceGraph
from ..lazyre import compile_lazily
from ..model import MISSING, Node, Path, Unknown, to_bool, to_int
from ..record import record

# --------------------------------------------------------------------------
# Elastic Load Balancing (ALB, NLB, classic)
# --------------------------------------------------------------------------

#: The policy ELB applies to an HTTPS/TLS listener created through the API,
#: the AWS CLI, CloudFormation, the CDK or Terraform without ``ssl_policy``
#: (only the console picks a TLS 1.2+ policy), and to a classic load balancer's
#: HTTPS/SSL listener without a policy.  It accepts TLS 1.0.
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ssl-config-update.html
ELB_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"

#: Predefined ELB security policies whose lowest protocol is TLS 1.0, TLS 1.1
#: or SSL 3.0 (application, network and classic load balancers).
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html
ELB_LEGACY_POLICIES: dict[str, str] = {
    "ELBSecurityPolicy-2016-08": "TLS 1.0",
    "ELBSecurityPolicy-2015-05": "TLS 1.0",
    "ELBSecurityPolicy-2015-03": "SSL 3.0",
    "ELBSecurityPolicy-2015-02": "SSL 3.0",
    "ELBSecurityPolicy-2014-10": "SSL 3.0",
    "ELBSecurityPolicy-2014-01": "SSL 3.0",
    "ELBSecurityPolicy-2011-08": "SSL 3.0",
    "ELBSample-ELBDefaultCipherPolicy": "SSL 3.0",
    "ELBSample-OpenSSLDefaultCipherPolicy": "SSL 3.0",
    "ELBSecurityPolicy-TLS-1-0-2015-04": "TLS 1.0",
    "ELBSecurityPolicy-TLS-1-1-2017-01": "TLS 1.1",
    "ELBSecurityPolicy-FS-2018-06": "TLS 1.0",
    "ELBSecurityPolicy-FS-1-1-2019-08": "TLS 1.1",
    "ELBSecurityPolicy-TLS13-1-0-2021-06": "TLS 1.0",
    "ELBSecurityPolicy-TLS13-1-1-2021-06": "TLS 1.1",
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04": "TLS 1.0",
    "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04": "TLS 1.1",
    "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09": "TLS 1.0",
    "ELBSecurityPolicy-TLS13-1-1-PQ-2025-09": "TLS 1.1",
    "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09": "TLS 1.0",
    "ELBSecurityPolicy-TLS13-1-1-FIPS-PQ-2025-09": "TLS 1.1",
}

#: Predefined ELB security policies that accept TLS 1.2 or later only.
ELB_MODERN_POLICIES: frozenset[str] = frozenset(
    {
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-FS-1-2-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    }
)

# Policy families whose name states the lowest TLS version, for policies AWS
# adds after this table was written (``...-TLS13-1-2-Res-<date>``).
_ELB_FAMILIES = (
    compile_lazily(r"^ELBSecurityPolicy-TLS13-1-(\d)-"),
    compile_lazily(r"^ELBSecurityPolicy-TLS-1-(\d)-"),
    compile_lazily(r"^ELBSecurityPolicy-FS-1-(\d)-"),
)
_ELB_DATED = compile_lazily(r"^ELBSecurityPolicy-20\d\d-\d\d$")


def elb_policy_lowest_tls(name: str) -> str | None:
    """The lowest protocol an ELB security policy accepts (``"TLS 1.0"``), or None if unknown."""
    if name in ELB_LEGACY_POLICIES:
        return ELB_LEGACY_POLICIES[name]
    if name in ELB_MODERN_POLICIES:
        return "TLS 1.2" if "-1-3-" not in name else "TLS 1.3"
    for family in _ELB_FAMILIES:
        m = family.match(name)
        if m:
            return f"TLS 1.{m.group(1)}"
    if _ELB_DATED.match(name):
        # dated policies (2011-08 ... 2016-08) all accept TLS 1.0
        return "TLS 1.0"
    return None


def elb_policy_allows_legacy_tls(name: Any) -> bool | None:
    """True when the named ELB policy accepts a protocol below TLS 1.2; None when unknown."""
    if not isinstance(name, str):
        return None
    lowest = elb_policy_lowest_tls(name.strip())
    if lowest is None:
        return None
    return lowest in ("SSL 3.0", "TLS 1.0", "TLS 1.1")


def is_predefined_elb_policy(name: Any) -> bool:
    return isinstance(name, str) and elb_policy_lowest_tls(name.strip()) is not None


# --------------------------------------------------------------------------
# CloudFront viewer certificates
# --------------------------------------------------------------------------

#: ``minimum_protocol_version`` when a custom certificate is used and none is
#: written (Terraform provider docs: "Default: TLSv1"; the CloudFront API
#: default for ``MinimumProtocolVersion``).
#: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudfront_distribution#viewer-certificate-arguments
CLOUDFRONT_DEFAULT_MINIMUM = "TLSv1"

#: The oldest security policy the checklist accepts (RULES.md TLS003).
#: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
CLOUDFRONT_REQUIRED_MINIMUM = "TLSv1.2_2019"

_CLOUDFRONT_POLICY = compile_lazily(r"^(?:SSLv3|TLSv1(?:\.(\d))?)(?:_(\d{4}))?$")


def _cloudfront_rank(name: str) -> tuple[int, int] | None:
    if name == "SSLv3":
        return (-1, 0)
    m = _CLOUDFRONT_POLICY.match(name)
    if not m:
        return None
    minor = int(m.group(1)) if m.group(1) else 0
    year = int(m.group(2)) if m.group(2) else 0
    return (minor, year)


def cloudfront_policy_below_required(name: Any) -> bool | None:
    """True when a CloudFront security policy is older than ``TLSv1.2_2019``; None if unknown."""
    if not isinstance(name, str):
        return None
    rank = _cloudfront_rank(name.strip())
    if rank is None:
        return None
    required = _cloudfront_rank(CLOUDFRONT_REQUIRED_MINIMUM)
    assert required is not None
    return rank < required


# --------------------------------------------------------------------------
# OpenSearch / Elasticsearch domain endpoints
# --------------------------------------------------------------------------

#: Policy-Min-TLS-1-0-2019-07 accepts TLS 1.0 and 1.1; Policy-Min-TLS-1-2-2019-07 and
#: Policy-Min-TLS-1-2-PFS-2023-10 accept TLS 1.2+.  When no policy is written,
#: OpenSearch Service now applies Policy-Min-TLS-1-2-2019-07 (the service
#: default changed in 2025; see aws/aws-cdk#34658 and #34660, which align the
#: CDK with it), so an absent policy passes.
#: https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DomainEndpointOptions.html
_OPENSEARCH_POLICY = compile_lazily(r"^Policy-Min-TLS-1-(\d)-")


def opensearch_policy_allows_legacy_tls(name: Any) -> bool | None:
    if not isinstance(name, str):
        return None
    m = _OPENSEARCH_POLICY.match(name.strip())
    if not m:
        return None
    return int(m.group(1)) < 2


# --------------------------------------------------------------------------
# API Gateway custom domain names
# --------------------------------------------------------------------------

_APIGW_ENHANCED = (
    re.compile(r"^SecurityPolicy_TLS13_1_(\d)_"),
    re.compile(r"^SecurityPolicy_TLS1(\d)_"),
)


def apigw_policy_allows_legacy_tls(name: Any) -> bool | None:
    if not isinstance(name, str):
        return None
    text = name.strip()
    if text.upper() == "TLS_1_0":
        return True
    if text.upper() == "TLS_1_2":
        return False
    for pattern in _APIGW_ENHANCED:
        m = pattern.match(text)
        if m:
            return int(m.group(1)) < 2
    return None


# --------------------------------------------------------------------------
# Classic load balancer listeners and their SSL negotiation policies
# --------------------------------------------------------------------------

CLASSIC_ELB = "AWS::ElasticLoadBalancing::LoadBalancer"
TF_LB_POLICY = "aws_load_balancer_policy"
TF_LISTENER_POLICY = "aws_load_balancer_listener_policy"
TF_SSL_NEGOTIATION_POLICY = "aws_lb_ssl_negotiation_policy"

#: SSL negotiation attributes that enable a protocol older than TLS 1.2
LEGACY_PROTOCOL_ATTRIBUTES = (
    "Protocol-SSLv2",
    "Protocol-SSLv3",
    "Protocol-TLSv1",
    "Protocol-TLSv1.1",
)
REFERENCE_ATTRIBUTE = "Reference-Security-Policy"


@record(frozen=True)
class NegotiationPolicy:
    """One SSL negotiation policy that applies to a classic listener, and where it is written.

    ``attributes`` maps attribute names to (value, path) as written; a policy
    given only by a predefined name (``PolicyNames: [ELBSecurityPolicy-...]``)
    has ``reference`` set and no attributes.
    """

    node: Node
    path: Path
    name: Any
    reference: Any = MISSING
    reference_path: Path = ()
    attributes: dict[str, tuple[Any, Path]] = field(default_factory=dict)

    def legacy(self) -> tuple[bool | None, Path, str]:
        """(accepts TLS < 1.2?, where, what) for this policy."""
        if self.reference is not MISSING:
            verdict = elb_policy_allows_legacy_tls(self.reference)
            shown = self.reference if isinstance(self.reference, str) else "unknown"
            return verdict, self.reference_path, f"Reference-Security-Policy {shown}"
        unknown = False
        for attr in LEGACY_PROTOCOL_ATTRIBUTES:
            if attr not in self.attributes:
                continue
            value, path = self.attributes[attr]
            flag = to_bool(value) if not isinstance(value, Unknown) else None
            if flag is True:
                return True, path, f"{attr} = true"
            if flag is None:
                unknown = True
        if unknown:
            return None, self.path, "an unknown protocol attribute"
        modern = self.attributes.get("Protocol-TLSv1.2")
        if modern is not None and to_bool(modern[0]) is True:
            return False, self.path, "Protocol-TLSv1.2 only"
        # a custom policy that names no protocol: what it enables is not visible here
        return None, self.path, "no protocol attributes"


@record
class ClassicListener:
    """One HTTPS/SSL listener of a classic load balancer."""

    elb: Node
    path: Path
    protocol: str
    port: Any
    policies: list[NegotiationPolicy] = field(default_factory=list)
    #: a policy may be attached that cannot be seen (unresolved load balancer, port or name)
    unknown: bool = False


def _attribute_map(items: Any, base: Path, key: str, value_key: str) -> dict[str, tuple[Any, Path]]:
    out: dict[str, tuple[Any, Path]] = {}
    if not isinstance(items, list):
        return out
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        name = item.get(key)
        if isinstance(name, str):
            out[name] = (item.get(value_key, MISSING), (*base, i, value_key))
    return out


def _policy_from_attributes(
    node: Node, path: Path, name: Any, attributes: dict[str, tuple[Any, Path]]
) -> NegotiationPolicy:
    ref = attributes.get(REFERENCE_ATTRIBUTE)
    if ref is not None:
        return NegotiationPolicy(node, path, name, ref[0], ref[1], attributes)
    return NegotiationPolicy(node, path, name, attributes=attributes)


def _elb_names(elbs: Iterable[Node]) -> dict[tuple[str, str], Node]:
    out: dict[tuple[str, str], Node] = {}
    for elb in elbs:
        name = elb.get(tf="name", cfn="LoadBalancerName")
        if isinstance(name, str) and name:
            out[(elb.scope, name)] = elb
    return out


def _elb_of(
    graph: ResourceGraph, node: Node, attr: str, by_name: dict[tuple[str, str], Node]
) -> Node | None:
    targets = graph.targets(node, CLASSIC_ELB, via=attr)
    if len(targets) == 1:
        return targets[0]
    value = node.attrs.get(attr)
    if isinstance(value, str):
        return by_name.get((node.scope, value))
    return None


def _listener_entries(elb: Node) -> list[tuple[Path, Any, Any, Any]]:
    """(path, protocol, port, policy names) of every listener written on the load balancer."""
    out: list[tuple[Path, Any, Any, Any]] = []
    if elb.language == "terraform":
        for a in elb.attrs_at(("listener", "*")):
            item = a.value
            if isinstance(item, dict):
                out.append((a.path, item.get("lb_protocol"), item.get("lb_port"), MISSING))
            else:
                out.append((a.path, item, MISSING, MISSING))
    else:
        for a in elb.attrs_at(("Listeners", "*")):
            item = a.value
            if isinstance(item, dict):
                out.append(
                    (
                        a.path,
                        item.get("Protocol"),
                        item.get("LoadBalancerPort"),
                        item.get("PolicyNames", MISSING),
                    )
                )
            else:
                out.append((a.path, item, MISSING, MISSING))
    return out


def _is_secure_protocol(protocol: Any) -> bool | None:
    if isinstance(protocol, Unknown) or protocol is MISSING or protocol is None:
        return None
    if not isinstance(protocol, str):
        return None
    return protocol.strip().upper() in ("HTTPS", "SSL")


def _same_port(a: Any, b: Any) -> bool | None:
    x, y = to_int(a), to_int(b)
    if x is None or y is None:
        return None
    return x == y


def _cfn_listener(elb: Node, path: Path, port: Any, names: Any, listener: ClassicListener) -> None:
    policies = elb.attrs.get("Policies", MISSING)
    if isinstance(policies, Unknown):
        listener.unknown = True
        return
    defined: dict[str, tuple[int, dict[str, Any]]] = {}
    if isinstance(policies, list):
        for j, p in enumerate(policies):
            if isinstance(p, Unknown):
                listener.unknown = True
            elif isinstance(p, dict) and isinstance(p.get("PolicyName"), str):
                defined[p["PolicyName"]] = (j, p)
    chosen: dict[int, dict[str, Any]] = {}
    if isinstance(names, Unknown):
        listener.unknown = True
    elif isinstance(names, list):
        for k, name in enumerate(names):
            if isinstance(name, str) and name in defined:
                j, p = defined[name]
                chosen[j] = p
            elif is_predefined_elb_policy(name):
                listener.policies.append(
                    NegotiationPolicy(
                        elb, (*path, "PolicyNames", k), name, name, (*path, "PolicyNames", k)
                    )
                )
            else:
                # a policy defined elsewhere or a name that is not resolved
                listener.unknown = True
    # policies that name the listener's port apply to it too
    for _name, (j, p) in defined.items():
        ports = p.get("LoadBalancerPorts")
        if isinstance(ports, list) and any(_same_port(x, port) for x in ports):
            chosen[j] = p
        elif isinstance(ports, Unknown):
            listener.unknown = True
    for j, p in sorted(chosen.items()):
        ptype = p.get("PolicyType")
        if isinstance(ptype, str) and ptype != "SSLNegotiationPolicyType":
            continue
        if not isinstance(ptype, str):
            listener.unknown = True
            continue
        base: Path = ("Policies", j)
        attrs = _attribute_map(p.get("Attributes"), (*base, "Attributes"), "Name", "Value")
        listener.policies.append(_policy_from_attributes(elb, base, p.get("PolicyName"), attrs))


def _build_classic(graph: ResourceGraph) -> list[ClassicListener]:
    elbs = graph.nodes(CLASSIC_ELB)
    by_name = _elb_names(elbs)
    out: list[ClassicListener] = []

    # Terraform: policies defined and attached by separate resources
    defined: dict[tuple[str, str], Node] = {}
    for pol in graph.nodes(TF_LB_POLICY):
        elb = _elb_of(graph, pol, "load_balancer_name", by_name)
        name = pol.attrs.get("policy_name")
        if elb is not None and isinstance(name, str):
            defined[(elb.id, name)] = pol
    attached: dict[tuple[str, int], list[NegotiationPolicy]] = defaultdict(list)
    unattributed_scopes: set[str] = set()
    for lp in graph.nodes(TF_LISTENER_POLICY):
        elb = _elb_of(graph, lp, "load_balancer_name", by_name)
        port = to_int(lp.attrs.get("load_balancer_port"))
        if elb is None or port is None:
            unattributed_scopes.add(lp.scope)
            continue
        key = (elb.id, port)
        attached.setdefault(key, [])
        names = lp.attrs.get("policy_names", MISSING)
        by_ref = graph.targets(lp, TF_LB_POLICY, via="policy_names")
        if isinstance(names, Unknown) or (
            isinstance(names, list) and any(isinstance(n, Unknown) for n in names) and not by_ref
        ):
            attached[key].append(
                NegotiationPolicy(
                    lp,
                    ("policy_names",),
                    Unknown("policy_names"),
                    Unknown("policy_names"),
                    ("policy_names",),
                )
            )
            continue
        seen: set[str] = set()
        for i, name in enumerate(names if isinstance(names, list) else []):
            pol_node = defined.get((elb.id, name)) if isinstance(name, str) else None
            if pol_node is None and isinstance(name, str) and is_predefined_elb_policy(name):
                attached[key].append(
                    NegotiationPolicy(lp, ("policy_names", i), name, name, ("policy_names", i))
                )
                continue
            if pol_node is None:
                continue
            seen.add(pol_node.id)
            attached[key].append(_tf_policy(pol_node))
        for pol_node in by_ref:
            if pol_node.id not in seen:
                seen.add(pol_node.id)
                attached[key].append(_tf_policy(pol_node))
    for sp in graph.nodes(TF_SSL_NEGOTIATION_POLICY):
        elb = _elb_of(graph, sp, "load_balancer", by_name)
        port = to_int(sp.attrs.get("lb_port"))
        if elb is None or port is None:
            unattributed_scopes.add(sp.scope)
            continue
        attrs = _attribute_map(sp.attrs.get("attribute"), ("attribute",), "name", "value")
        attached[(elb.id, port)].append(
            _policy_from_attributes(sp, (), sp.attrs.get("name"), attrs)
        )

    for elb in elbs:
        for path, protocol, port, names in _listener_entries(elb):
            secure = _is_secure_protocol(protocol)
            if not secure:
                continue
            listener = ClassicListener(elb, path, str(protocol).upper(), port)
            if elb.language == "cloudformation":
                _cfn_listener(elb, path, port, names, listener)
            else:
                p = to_int(port)
                if p is None:
                    listener.unknown = True
                else:
                    found = attached.get((elb.id, p))
                    if found is not None:
                        listener.policies.extend(pol for pol in found if _is_negotiation(pol))
                        if not listener.policies and found:
                            # only non-SSL policies attached: what remains is not visible
                            listener.unknown = True
                if elb.scope in unattributed_scopes:
                    listener.unknown = True
            out.append(listener)
    return out


def _is_negotiation(policy: NegotiationPolicy) -> bool:
    node = policy.node
    if node.kind == TF_LB_POLICY:
        ptype = node.attrs.get("policy_type_name")
        return not (isinstance(ptype, str) and ptype != "SSLNegotiationPolicyType")
    return True


def _tf_policy(pol: Node) -> NegotiationPolicy:
    attrs = _attribute_map(
        pol.attrs.get("policy_attribute"), ("policy_attribute",), "name", "value"
    )
    return _policy_from_attributes(pol, (), pol.attrs.get("policy_name"), attrs)


def classic_listeners(graph: ResourceGraph) -> list[ClassicListener]:
    """Every HTTPS/SSL listener of every classic load balancer with the policies that apply."""
    result: list[ClassicListener] = graph.view("tls.classic_listeners", _build_classic)
    return result
