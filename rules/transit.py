"""TLS rules: encryption in transit (see ../shared/RULES.md).

TLS007 (S3 deny insecure transport) lives with the resource-policy rules in
``resource_policies.py``.  The tables of security policies these rules read
(ELB, CloudFront, OpenSearch, API Gateway) are in ``soc2lint.views.tls``;
RDS parameter groups are resolved by ``soc2lint.views.db_params``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from soc2lint.model import MISSING, Attr, Node, Severity, Unknown, describe_value, to_bool
from soc2lint.rule import Context, Examples, RelatedRef, Report, Rule, bad, good, rule
from soc2lint.views import db_params as dbp
from soc2lint.views import tls

from ._common import existence_unknown, spelled

CHECKLIST = "B. Data in Transit"
TSC = ("CC6.7",)

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
ALB = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLASSIC_ELB = tls.CLASSIC_ELB


def _upper(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) else None


def _dynamic_unknown(node: Node, block: str) -> bool:
    return block in (node.meta.get("dynamic_unknown") or ())


# ==========================================================================
# TLS001 lb-listener-https
# ==========================================================================


def listener_protocol(ctx: Context, listener: Node) -> tuple[Attr, str | None]:
    """The listener's protocol, upper-case; None when it cannot be known.

    Terraform's ``aws_lb_listener`` defaults ``protocol`` to HTTP on an
    application load balancer, so an absent protocol on a listener of a known
    ALB is HTTP.
    """
    a = listener.attr(tf="protocol", cfn="Protocol")
    if a.present:
        return a, _upper(a.value) if a.known else None
    if listener.language == "terraform":
        lbs = ctx.graph.targets(listener, ALB, via="load_balancer_arn")
        if len(lbs) == 1:
            lb_type = lbs[0].attr("load_balancer_type")
            if lb_type.missing or _upper(lb_type.value) == "APPLICATION":
                return a, "HTTP"
    return a, None


def _redirects_to_https(listener: Node) -> tuple[bool | None, str]:
    """(does a default action redirect to HTTPS?, the action types seen)."""
    actions = listener.attr(tf="default_action", cfn="DefaultActions")
    if actions.unknown or _dynamic_unknown(listener, "default_action"):
        return None, "unknown"
    if not isinstance(actions.value, list) or not actions.value:
        return None, "none"
    unknown = False
    types: list[str] = []
    for action in actions.value:
        if not isinstance(action, dict):
            unknown = True
            continue
        kind = action.get("type" if listener.language == "terraform" else "Type")
        if not isinstance(kind, str):
            unknown = True
            continue
        types.append(kind)
        if kind.lower() != "redirect":
            continue
        if listener.language == "terraform":
            redirect = action.get("redirect")
            config = redirect[0] if isinstance(redirect, list) and redirect else redirect
            protocol = config.get("protocol", MISSING) if isinstance(config, dict) else config
        else:
            config = action.get("RedirectConfig")
            protocol = config.get("Protocol", MISSING) if isinstance(config, dict) else config
        if isinstance(protocol, Unknown) or (
            protocol is not MISSING and not isinstance(protocol, str)
        ):
            unknown = True
        elif isinstance(protocol, str) and protocol.upper() == "HTTPS":
            return True, kind
    return (None if unknown else False), ", ".join(types) or "none"


@rule(
    id="TLS001",
    slug="lb-listener-https",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": (
            'Serve the listener over HTTPS (`protocol = "HTTPS"` with `certificate_arn` and '
            "`ssl_policy`), or make its `default_action` a `redirect` with "
            '`redirect { protocol = "HTTPS", port = "443", status_code = "HTTP_301" }`; '
            'on `aws_elb` use `lb_protocol = "https"`.'
        ),
        "cloudformation": (
            "Use `Protocol: HTTPS` with `Certificates` and `SslPolicy`, or make the default action "
            "`Type: redirect` with `RedirectConfig: {Protocol: HTTPS, Port: '443', StatusCode: "
            "HTTP_301}`; on a classic load balancer use `Protocol: HTTPS` listeners."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                variable "public_subnet_ids" {
                  type = list(string)
                }

                resource "aws_lb" "web" {
                  name               = "web"
                  load_balancer_type = "application"
                  subnets            = var.public_subnet_ids
                }

                resource "aws_lb_listener" "http" {
                  load_balancer_arn = aws_lb.web.arn
                  port              = 80
                  protocol          = "HTTP"

                  default_action {
                    type = "fixed-response"
                    fixed_response {
                      content_type = "text/plain"
                      status_code  = "200"
                    }
                  }
                }
                """,
                address="aws_lb_listener.http",
                line=14,
                note="plain HTTP served to clients",
            ),
            bad(
                """
                variable "alb_arn" {
                  type = string
                }

                variable "listener_protocol" {
                  type    = string
                  default = "HTTP"
                }

                resource "aws_lb_listener" "app" {
                  load_balancer_arn = var.alb_arn
                  port              = 8080
                  protocol          = var.listener_protocol

                  default_action {
                    type = "redirect"
                    redirect {
                      port        = "8443"
                      status_code = "HTTP_301"
                    }
                  }
                }
                """,
                address="aws_lb_listener.app",
                line=13,
                note="protocol from a variable default; the redirect keeps the HTTP scheme",
            ),
            bad(
                """
                resource "aws_elb" "legacy" {
                  name               = "legacy-web"
                  availability_zones = ["us-east-1a", "us-east-1b"]

                  listener {
                    instance_port     = 8080
                    instance_protocol = "http"
                    lb_port           = 80
                    lb_protocol       = "http"
                  }
                }
                """,
                address="aws_elb.legacy",
                line=9,
                note="classic load balancer with an HTTP front end",
            ),
        ],
        good=[
            good(
                """
                variable "alb_arn" {
                  type = string
                }

                resource "aws_lb_listener" "http" {
                  load_balancer_arn = var.alb_arn
                  port              = 80
                  protocol          = "HTTP"

                  default_action {
                    type = "redirect"
                    redirect {
                      port        = "443"
                      protocol    = "HTTPS"
                      status_code = "HTTP_301"
                    }
                  }
                }
                """,
                note="HTTP listener that only redirects to HTTPS",
            ),
            good(
                """
                variable "alb_arn" {
                  type = string
                }

                variable "certificate_arn" {
                  type = string
                }

                variable "target_group_arn" {
                  type = string
                }

                resource "aws_lb_listener" "https" {
                  load_balancer_arn = var.alb_arn
                  port              = 443
                  protocol          = "HTTPS"
                  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
                  certificate_arn   = var.certificate_arn

                  default_action {
                    type             = "forward"
                    target_group_arn = var.target_group_arn
                  }
                }
                """,
            ),
            good(
                """
                variable "alb_arn" {
                  type = string
                }

                variable "protocol" {
                  type = string
                }

                variable "target_group_arn" {
                  type = string
                }

                resource "aws_lb_listener" "app" {
                  load_balancer_arn = var.alb_arn
                  port              = 80
                  protocol          = var.protocol

                  default_action {
                    type             = "forward"
                    target_group_arn = var.target_group_arn
                  }
                }
                """,
                note="protocol from a variable without a default: unknown, not a failure",
            ),
            good(
                """
                variable "nlb_arn" {
                  type = string
                }

                variable "target_group_arn" {
                  type = string
                }

                resource "aws_lb_listener" "tcp" {
                  load_balancer_arn = var.nlb_arn
                  port              = 5432
                  protocol          = "TCP"

                  default_action {
                    type             = "forward"
                    target_group_arn = var.target_group_arn
                  }
                }
                """,
                note="network load balancer TCP pass-through is out of scope",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Parameters:
                  LoadBalancerArn:
                    Type: String
                  TargetGroupArn:
                    Type: String
                Resources:
                  HttpListener:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !Ref LoadBalancerArn
                      Port: 80
                      Protocol: HTTP
                      DefaultActions:
                        - Type: forward
                          TargetGroupArn: !Ref TargetGroupArn
                """,
                address="HttpListener",
                line=12,
            ),
            bad(
                """
                Parameters:
                  EnableTls:
                    Type: String
                    Default: "false"
                    AllowedValues: ["true", "false"]
                Conditions:
                  TlsEnabled: !Equals [!Ref EnableTls, "true"]
                Resources:
                  Listener:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !ImportValue shared-alb-arn
                      Port: 80
                      Protocol: !If [TlsEnabled, HTTPS, HTTP]
                      DefaultActions:
                        - Type: fixed-response
                          FixedResponseConfig:
                            StatusCode: "200"
                """,
                address="Listener",
                line=14,
                note="Fn::If on a parameter whose default picks HTTP",
            ),
            bad(
                """
                Resources:
                  LegacyElb:
                    Type: AWS::ElasticLoadBalancing::LoadBalancer
                    Properties:
                      AvailabilityZones: !GetAZs ""
                      Listeners:
                        - LoadBalancerPort: "80"
                          InstancePort: "8080"
                          Protocol: HTTP
                """,
                address="LegacyElb",
                line=9,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  HttpRedirect:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !ImportValue shared-alb-arn
                      Port: 80
                      Protocol: HTTP
                      DefaultActions:
                        - Type: redirect
                          RedirectConfig:
                            Protocol: HTTPS
                            Port: "443"
                            StatusCode: HTTP_301
                """,
            ),
            good(
                """
                Parameters:
                  ListenerProtocol:
                    Type: String
                    AllowedValues: [HTTP, HTTPS]
                Resources:
                  Listener:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !ImportValue shared-alb-arn
                      Port: 443
                      Protocol: !Ref ListenerProtocol
                      DefaultActions:
                        - Type: fixed-response
                          FixedResponseConfig:
                            StatusCode: "404"
                """,
                note="a parameter without a default: unknown",
            ),
            good(
                """
                Resources:
                  SecureElb:
                    Type: AWS::ElasticLoadBalancing::LoadBalancer
                    Properties:
                      AvailabilityZones: !GetAZs ""
                      Listeners:
                        - LoadBalancerPort: "443"
                          InstancePort: "8080"
                          InstanceProtocol: HTTP
                          Protocol: HTTPS
                          SSLCertificateId: !ImportValue web-certificate-arn
                          PolicyNames: [ELBSecurityPolicy-TLS-1-2-2017-01]
                """,
            ),
        ],
    ),
)
def lb_listener_https(ctx: Context) -> Iterator[Report]:
    """Load balancer listener accepts plain HTTP.

    What it checks:
        Application load balancer listeners (`aws_lb_listener`, `aws_alb_listener`,
        `AWS::ElasticLoadBalancingV2::Listener`) whose protocol is HTTP, unless a
        default action redirects to HTTPS (`type = "redirect"` with
        `redirect { protocol = "HTTPS" }` / `RedirectConfig.Protocol: HTTPS`); a
        redirect that does not name HTTPS keeps the request's scheme and fails.
        Classic load balancers (`aws_elb` `listener[].lb_protocol`,
        `AWS::ElasticLoadBalancing::LoadBalancer` `Listeners[].Protocol`) fail for
        every HTTP listener. Terraform's `aws_lb_listener` defaults `protocol` to
        HTTP on an application load balancer, so an absent protocol counts as HTTP
        there. Network load balancer TCP/UDP/TLS listeners are out of scope; a
        protocol that cannot be resolved is unknown.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" requires encryption in transit for every
        client connection; an HTTP listener sends requests, cookies and tokens in
        clear text, which fails CC6.7 (protecting information during transmission).
    How to fix:
        Terraform: serve HTTPS (`protocol = "HTTPS"`, `certificate_arn`,
        `ssl_policy`) or make the HTTP listener's default action a redirect to
        HTTPS; on `aws_elb` use `lb_protocol = "https"` with `ssl_certificate_id`.
        CloudFormation: `Protocol: HTTPS` with `Certificates`, or a default action
        `Type: redirect` with `RedirectConfig.Protocol: HTTPS`.
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb_listener
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elb
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listener.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticloadbalancing-loadbalancer-listeners.html
    """
    for listener in ctx.graph.nodes(LISTENER):
        if listener.may_not_exist:
            yield from existence_unknown(ctx, listener)
            continue
        a, protocol = listener_protocol(ctx, listener)
        if protocol is None:
            if a.present:
                yield from ctx.unresolved(listener, a)
            continue
        if protocol != "HTTP":
            continue
        redirects, types = _redirects_to_https(listener)
        if redirects is None:
            yield from ctx.unresolved(
                listener,
                ("default_action",) if listener.language == "terraform" else ("DefaultActions",),
                "the default action",
            )
            continue
        if redirects:
            continue
        port = listener.get(tf="port", cfn="Port")
        shown = f" on port {port}" if isinstance(port, int | str) else ""
        written = (
            "`protocol` is not set (HTTP by default)"
            if a.missing
            else f'`{spelled(listener, "protocol", "Protocol")}` is "HTTP"'
        )
        yield ctx.finding(
            listener,
            a,
            f"{listener.address}: listener{shown} serves plain HTTP ({written}) and its default "
            f"action ({types}) is not a redirect to HTTPS",
        )
    for elb in ctx.graph.nodes(CLASSIC_ELB):
        if elb.may_not_exist:
            yield from existence_unknown(ctx, elb)
            continue
        key = "lb_protocol" if elb.language == "terraform" else "Protocol"
        port_key = "lb_port" if elb.language == "terraform" else "LoadBalancerPort"
        listeners = elb.attrs_at(
            ("listener", "*") if elb.language == "terraform" else ("Listeners", "*")
        )
        for entry in listeners:
            if not isinstance(entry.value, dict):
                if isinstance(entry.value, Unknown):
                    yield from ctx.unresolved(elb, entry, "a listener")
                continue
            protocol_attr = entry.child(key)
            if protocol_attr.unknown:
                yield from ctx.unresolved(elb, protocol_attr)
                continue
            if _upper(protocol_attr.value) != "HTTP":
                continue
            port = entry.value.get(port_key)
            shown = f" on port {port}" if isinstance(port, int | str) else ""
            yield ctx.finding(
                elb,
                protocol_attr,
                f"{elb.address}: classic load balancer listener{shown} accepts plain HTTP "
                f"(`{key}` is {describe_value(protocol_attr.value)})",
            )


# ==========================================================================
# TLS002 lb-tls-policy
# ==========================================================================


@rule(
    id="TLS002",
    slug="lb-tls-policy",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": (
            'Set `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` (or another TLS 1.2+ '
            "policy) on the listener; on a classic load balancer attach an "
            "`aws_load_balancer_policy` with a `Reference-Security-Policy` of "
            "`ELBSecurityPolicy-TLS-1-2-2017-01` through `aws_load_balancer_listener_policy`."
        ),
        "cloudformation": (
            "Set `SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06` (or another TLS 1.2+ policy); on "
            "a classic load balancer add an `SSLNegotiationPolicyType` policy with "
            "`Reference-Security-Policy: ELBSecurityPolicy-TLS-1-2-2017-01` and name it in the "
            "listener's `PolicyNames`."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                variable "alb_arn" {
                  type = string
                }

                variable "certificate_arn" {
                  type = string
                }

                variable "target_group_arn" {
                  type = string
                }

                resource "aws_lb_listener" "https" {
                  load_balancer_arn = var.alb_arn
                  port              = 443
                  protocol          = "HTTPS"
                  ssl_policy        = "ELBSecurityPolicy-2016-08"
                  certificate_arn   = var.certificate_arn

                  default_action {
                    type             = "forward"
                    target_group_arn = var.target_group_arn
                  }
                }
                """,
                address="aws_lb_listener.https",
                line=17,
            ),
            bad(
                """
                variable "nlb_arn" {
                  type = string
                }

                variable "certificate_arn" {
                  type = string
                }

                variable "target_group_arn" {
                  type = string
                }

                resource "aws_lb_listener" "tls" {
                  load_balancer_arn = var.nlb_arn
                  port              = 443
                  protocol          = "TLS"
                  certificate_arn   = var.certificate_arn

                  default_action {
                    type             = "forward"
                    target_group_arn = var.target_group_arn
                  }
                }
                """,
                address="aws_lb_listener.tls",
                line=13,
                note="no ssl_policy: the API default ELBSecurityPolicy-2016-08 accepts TLS 1.0",
            ),
            bad(
                {
                    "main.tf": """
                    module "edge" {
                      source     = "./modules/edge"
                      tls_policy = "ELBSecurityPolicy-TLS13-1-1-2021-06"
                    }
                    """,
                    "modules/edge/main.tf": """
                    variable "tls_policy" {
                      type = string
                    }

                    resource "aws_lb_listener" "https" {
                      load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/edge/50dc6c495c0c9188"
                      port              = 443
                      protocol          = "HTTPS"
                      ssl_policy        = var.tls_policy
                      certificate_arn   = "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"

                      default_action {
                        type = "fixed-response"
                        fixed_response {
                          content_type = "text/plain"
                          status_code  = "404"
                        }
                      }
                    }
                    """,
                },
                address="module.edge.aws_lb_listener.https",
                line=9,
                file="modules/edge/main.tf",
                note="a TLS 1.1 policy passed through a local module's input",
            ),
            bad(
                """
                resource "aws_elb" "legacy" {
                  name               = "legacy-web"
                  availability_zones = ["us-east-1a", "us-east-1b"]

                  listener {
                    instance_port      = 8080
                    instance_protocol  = "http"
                    lb_port            = 443
                    lb_protocol        = "https"
                    ssl_certificate_id = "arn:aws:iam::111122223333:server-certificate/web"
                  }
                }
                """,
                address="aws_elb.legacy",
                line=5,
                note="classic HTTPS listener without a policy uses ELBSecurityPolicy-2016-08",
            ),
        ],
        good=[
            good(
                """
                variable "alb_arn" {
                  type = string
                }

                variable "certificate_arn" {
                  type = string
                }

                variable "target_group_arn" {
                  type = string
                }

                resource "aws_lb_listener" "https" {
                  load_balancer_arn = var.alb_arn
                  port              = 443
                  protocol          = "HTTPS"
                  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
                  certificate_arn   = var.certificate_arn

                  default_action {
                    type             = "forward"
                    target_group_arn = var.target_group_arn
                  }
                }
                """,
            ),
            good(
                """
                variable "alb_arn" {
                  type = string
                }

                variable "ssl_policy" {
                  type = string
                }

                resource "aws_lb_listener" "https" {
                  load_balancer_arn = var.alb_arn
                  port              = 443
                  protocol          = "HTTPS"
                  ssl_policy        = var.ssl_policy

                  default_action {
                    type = "fixed-response"
                    fixed_response {
                      content_type = "text/plain"
                      status_code  = "404"
                    }
                  }
                }
                """,
                note="policy from a variable without a default: unknown",
            ),
            good(
                """
                resource "aws_elb" "web" {
                  name               = "web"
                  availability_zones = ["us-east-1a", "us-east-1b"]

                  listener {
                    instance_port      = 8080
                    instance_protocol  = "http"
                    lb_port            = 443
                    lb_protocol        = "https"
                    ssl_certificate_id = "arn:aws:iam::111122223333:server-certificate/web"
                  }
                }

                resource "aws_load_balancer_policy" "tls12" {
                  load_balancer_name = aws_elb.web.name
                  policy_name        = "web-tls12"
                  policy_type_name   = "SSLNegotiationPolicyType"

                  policy_attribute {
                    name  = "Reference-Security-Policy"
                    value = "ELBSecurityPolicy-TLS-1-2-2017-01"
                  }
                }

                resource "aws_load_balancer_listener_policy" "web_443" {
                  load_balancer_name = aws_elb.web.name
                  load_balancer_port = 443
                  policy_names       = [aws_load_balancer_policy.tls12.policy_name]
                }
                """,
                note="classic listener with a TLS 1.2 reference policy attached",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Parameters:
                  CertificateArn:
                    Type: String
                Resources:
                  HttpsListener:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !ImportValue shared-alb-arn
                      Port: 443
                      Protocol: HTTPS
                      SslPolicy: ELBSecurityPolicy-TLS-1-1-2017-01
                      Certificates:
                        - CertificateArn: !Ref CertificateArn
                      DefaultActions:
                        - Type: fixed-response
                          FixedResponseConfig:
                            StatusCode: "404"
                """,
                address="HttpsListener",
                line=11,
            ),
            bad(
                """
                Parameters:
                  CertificateArn:
                    Type: String
                Resources:
                  HttpsListener:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !ImportValue shared-alb-arn
                      Port: 443
                      Protocol: HTTPS
                      Certificates:
                        - CertificateArn: !Ref CertificateArn
                      DefaultActions:
                        - Type: fixed-response
                          FixedResponseConfig:
                            StatusCode: "404"
                """,
                address="HttpsListener",
                line=5,
                note="no SslPolicy: CloudFormation creates the listener with ELBSecurityPolicy-2016-08",
            ),
            bad(
                """
                Resources:
                  LegacyElb:
                    Type: AWS::ElasticLoadBalancing::LoadBalancer
                    Properties:
                      AvailabilityZones: !GetAZs ""
                      Listeners:
                        - LoadBalancerPort: "443"
                          InstancePort: "8080"
                          InstanceProtocol: HTTP
                          Protocol: HTTPS
                          SSLCertificateId: !ImportValue web-certificate-arn
                          PolicyNames: [LegacyNegotiation]
                      Policies:
                        - PolicyName: LegacyNegotiation
                          PolicyType: SSLNegotiationPolicyType
                          Attributes:
                            - Name: Reference-Security-Policy
                              Value: ELBSecurityPolicy-2015-05
                """,
                address="LegacyElb",
                line=18,
            ),
        ],
        good=[
            good(
                """
                Parameters:
                  CertificateArn:
                    Type: String
                Resources:
                  HttpsListener:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !ImportValue shared-alb-arn
                      Port: 443
                      Protocol: HTTPS
                      SslPolicy: ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06
                      Certificates:
                        - CertificateArn: !Ref CertificateArn
                      DefaultActions:
                        - Type: fixed-response
                          FixedResponseConfig:
                            StatusCode: "404"
                """,
            ),
            good(
                """
                Parameters:
                  SslPolicy:
                    Type: String
                Resources:
                  HttpsListener:
                    Type: AWS::ElasticLoadBalancingV2::Listener
                    Properties:
                      LoadBalancerArn: !ImportValue shared-alb-arn
                      Port: 443
                      Protocol: HTTPS
                      SslPolicy: !Ref SslPolicy
                      Certificates:
                        - CertificateArn: !ImportValue web-certificate-arn
                      DefaultActions:
                        - Type: fixed-response
                          FixedResponseConfig:
                            StatusCode: "404"
                """,
                note="a parameter without a default: unknown",
            ),
            good(
                """
                Resources:
                  SecureElb:
                    Type: AWS::ElasticLoadBalancing::LoadBalancer
                    Properties:
                      AvailabilityZones: !GetAZs ""
                      Listeners:
                        - LoadBalancerPort: "443"
                          InstancePort: "8080"
                          InstanceProtocol: HTTP
                          Protocol: HTTPS
                          SSLCertificateId: !ImportValue web-certificate-arn
                          PolicyNames: [Tls12]
                      Policies:
                        - PolicyName: Tls12
                          PolicyType: SSLNegotiationPolicyType
                          Attributes:
                            - Name: Reference-Security-Policy
                              Value: ELBSecurityPolicy-TLS-1-2-2017-01
                """,
            ),
        ],
    ),
)
def lb_tls_policy(ctx: Context) -> Iterator[Report]:
    """Load balancer HTTPS/TLS listener accepts TLS versions below 1.2.

    What it checks:
        HTTPS and TLS listeners of application and network load balancers whose
        `ssl_policy` / `SslPolicy` is a security policy that accepts TLS 1.0 or 1.1
        (`ELBSecurityPolicy-2016-08`, `-2015-05`, `-TLS-1-0-2015-04`,
        `-TLS-1-1-2017-01`, `-FS-2018-06`, `-FS-1-1-2019-08`,
        `-TLS13-1-0-2021-06`, `-TLS13-1-1-2021-06` and their FIPS/PQ variants),
        or that set no policy: AWS documents that a listener created through the
        API, the CLI, CloudFormation or the CDK without a policy gets
        `ELBSecurityPolicy-2016-08` (only the console picks a TLS 1.2+ policy), and
        the Terraform provider sends none. Classic load balancers: an HTTPS/SSL
        listener with no SSL negotiation policy uses `ELBSecurityPolicy-2016-08`
        too; a policy attached through `aws_load_balancer_policy` +
        `aws_load_balancer_listener_policy` (or `aws_lb_ssl_negotiation_policy`, or
        CloudFormation `Policies` + `Listeners[].PolicyNames`) fails when its
        `Reference-Security-Policy` is such a policy or when it enables
        `Protocol-SSLv3`, `Protocol-TLSv1` or `Protocol-TLSv1.1`; the finding then
        names the policy resource, where the fix goes. Policy names soc2lint does
        not know, and values that cannot be resolved, are not findings.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" asks for TLS 1.2 or later. TLS 1.0 and 1.1
        are deprecated (RFC 8996) and allow downgrade attacks, so a listener that
        accepts them does not protect data in transmission (CC6.7).
    How to fix:
        Terraform: `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"`; classic:
        an `aws_load_balancer_policy` with `Reference-Security-Policy =
        ELBSecurityPolicy-TLS-1-2-2017-01` attached by
        `aws_load_balancer_listener_policy`. CloudFormation: `SslPolicy:
        ELBSecurityPolicy-TLS13-1-2-2021-06`; classic: an
        `SSLNegotiationPolicyType` policy in `Policies` named in the listener's
        `PolicyNames`.
    References:
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ssl-config-update.html
        - https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb_listener
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/load_balancer_listener_policy
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listener.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-elb-policy.html
    """
    for listener in ctx.graph.nodes(LISTENER):
        if listener.may_not_exist:
            yield from existence_unknown(ctx, listener)
            continue
        _, protocol = listener_protocol(ctx, listener)
        if protocol not in ("HTTPS", "TLS"):
            continue
        policy = listener.attr(tf="ssl_policy", cfn="SslPolicy")
        name = spelled(listener, "ssl_policy", "SslPolicy")
        if policy.missing:
            yield ctx.finding(
                listener,
                policy,
                f"{listener.address}: {protocol} listener sets no `{name}`, so it gets "
                f"{tls.ELB_DEFAULT_POLICY}, which accepts TLS 1.0",
            )
            continue
        if not policy.known:
            yield from ctx.unresolved(listener, policy)
            continue
        if tls.elb_policy_allows_legacy_tls(policy.value):
            lowest = tls.elb_policy_lowest_tls(str(policy.value).strip())
            yield ctx.finding(
                listener,
                policy,
                f"{listener.address}: {protocol} listener `{name}` is "
                f"{describe_value(policy.value)}, which accepts {lowest}",
            )

    reported: set[tuple[str, tuple[Any, ...]]] = set()
    for classic in tls.classic_listeners(ctx.graph):
        elb = classic.elb
        if elb.may_not_exist:
            continue
        if not classic.policies:
            if classic.unknown:
                yield from ctx.unresolved(
                    elb, classic.path, "the listener's SSL negotiation policy"
                )
                continue
            port = classic.port
            shown = f" on port {port}" if isinstance(port, int | str) else ""
            yield ctx.finding(
                elb,
                classic.path,
                f"{elb.address}: {classic.protocol} listener{shown} has no SSL negotiation "
                f"policy, so it uses {tls.ELB_DEFAULT_POLICY}, which accepts TLS 1.0",
            )
            continue
        for pol in classic.policies:
            verdict, path, what = pol.legacy()
            if verdict is None:
                yield from ctx.unresolved(pol.node, path, "the SSL negotiation policy")
                continue
            if not verdict:
                continue
            key = (pol.node.id, path)
            if key in reported:
                continue
            reported.add(key)
            related = (
                [RelatedRef(elb, classic.path, f"listener of {elb.address}")]
                if pol.node is not elb
                else []
            )
            yield ctx.finding(
                pol.node,
                path,
                f"{pol.node.address}: SSL negotiation policy for the {classic.protocol} listener "
                f"of {elb.address} accepts TLS below 1.2 ({what})",
                related=related,
            )


# ==========================================================================
# TLS003 cloudfront-https
# ==========================================================================


@rule(
    id="TLS003",
    slug="cloudfront-https",
    severity=Severity.HIGH,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": (
            'Set `viewer_protocol_policy = "redirect-to-https"` (or `"https-only"`) in every '
            'cache behaviour, and `minimum_protocol_version = "TLSv1.2_2021"` in '
            "`viewer_certificate` when a custom certificate is used."
        ),
        "cloudformation": (
            "Set `ViewerProtocolPolicy: redirect-to-https` (or `https-only`) in "
            "`DefaultCacheBehavior` and every `CacheBehaviors` entry, and "
            "`MinimumProtocolVersion: TLSv1.2_2021` in `ViewerCertificate` with a custom "
            "certificate."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                variable "origin_domain" {
                  type = string
                }

                resource "aws_cloudfront_distribution" "site" {
                  enabled = true

                  origin {
                    domain_name = var.origin_domain
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "allow-all"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
                  }

                  restrictions {
                    geo_restriction {
                      restriction_type = "none"
                    }
                  }

                  viewer_certificate {
                    cloudfront_default_certificate = true
                  }
                }
                """,
                address="aws_cloudfront_distribution.site",
                line=15,
            ),
            bad(
                """
                variable "origin_domain" {
                  type = string
                }

                variable "certificate_arn" {
                  type = string
                }

                resource "aws_cloudfront_distribution" "site" {
                  enabled = true
                  aliases = ["www.example.com"]

                  origin {
                    domain_name = var.origin_domain
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
                  }

                  restrictions {
                    geo_restriction {
                      restriction_type = "none"
                    }
                  }

                  viewer_certificate {
                    acm_certificate_arn      = var.certificate_arn
                    ssl_support_method       = "sni-only"
                    minimum_protocol_version = "TLSv1.1_2016"
                  }
                }
                """,
                address="aws_cloudfront_distribution.site",
                line=35,
                note="custom certificate with a TLS 1.1 security policy (medium)",
            ),
            bad(
                """
                variable "origin_domain" {
                  type = string
                }

                variable "api_policy" {
                  type    = string
                  default = "allow-all"
                }

                resource "aws_cloudfront_distribution" "site" {
                  enabled = true

                  origin {
                    domain_name = var.origin_domain
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "https-only"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
                  }

                  ordered_cache_behavior {
                    path_pattern           = "/api/*"
                    target_origin_id       = "site"
                    viewer_protocol_policy = var.api_policy
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
                  }

                  restrictions {
                    geo_restriction {
                      restriction_type = "none"
                    }
                  }

                  viewer_certificate {
                    cloudfront_default_certificate = true
                  }
                }
                """,
                address="aws_cloudfront_distribution.site",
                line=29,
                note="an ordered cache behaviour, through a variable default",
            ),
        ],
        good=[
            good(
                """
                variable "origin_domain" {
                  type = string
                }

                variable "certificate_arn" {
                  type = string
                }

                resource "aws_cloudfront_distribution" "site" {
                  enabled = true
                  aliases = ["www.example.com"]

                  origin {
                    domain_name = var.origin_domain
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = "redirect-to-https"
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
                  }

                  restrictions {
                    geo_restriction {
                      restriction_type = "none"
                    }
                  }

                  viewer_certificate {
                    acm_certificate_arn      = var.certificate_arn
                    ssl_support_method       = "sni-only"
                    minimum_protocol_version = "TLSv1.2_2021"
                  }
                }
                """,
            ),
            good(
                """
                variable "origin_domain" {
                  type = string
                }

                variable "viewer_protocol_policy" {
                  type = string
                }

                resource "aws_cloudfront_distribution" "site" {
                  enabled = true

                  origin {
                    domain_name = var.origin_domain
                    origin_id   = "site"
                  }

                  default_cache_behavior {
                    target_origin_id       = "site"
                    viewer_protocol_policy = var.viewer_protocol_policy
                    allowed_methods        = ["GET", "HEAD"]
                    cached_methods         = ["GET", "HEAD"]
                    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
                  }

                  restrictions {
                    geo_restriction {
                      restriction_type = "none"
                    }
                  }

                  viewer_certificate {
                    cloudfront_default_certificate = true
                  }
                }
                """,
                note="policy from a variable without a default; the default certificate's TLSv1 cannot be changed",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Site:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        Origins:
                          - Id: site
                            DomainName: !ImportValue site-bucket-domain
                            S3OriginConfig: {}
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: allow-all
                          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
                """,
                address="Site",
                line=13,
            ),
            bad(
                """
                Parameters:
                  CertificateArn:
                    Type: String
                Resources:
                  Site:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        Aliases: [www.example.com]
                        Origins:
                          - Id: site
                            DomainName: !ImportValue site-bucket-domain
                            S3OriginConfig: {}
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: https-only
                          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
                        ViewerCertificate:
                          AcmCertificateArn: !Ref CertificateArn
                          SslSupportMethod: sni-only
                """,
                address="Site",
                line=5,
                note="custom certificate without MinimumProtocolVersion: TLSv1 (medium)",
            ),
        ],
        good=[
            good(
                """
                Parameters:
                  CertificateArn:
                    Type: String
                Resources:
                  Site:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        Aliases: [www.example.com]
                        Origins:
                          - Id: site
                            DomainName: !ImportValue site-bucket-domain
                            S3OriginConfig: {}
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: redirect-to-https
                          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
                        CacheBehaviors:
                          - PathPattern: /api/*
                            TargetOriginId: site
                            ViewerProtocolPolicy: https-only
                            CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
                        ViewerCertificate:
                          AcmCertificateArn: !Ref CertificateArn
                          SslSupportMethod: sni-only
                          MinimumProtocolVersion: TLSv1.2_2021
                """,
            ),
            good(
                """
                Resources:
                  Site:
                    Type: AWS::CloudFront::Distribution
                    Properties:
                      DistributionConfig:
                        Enabled: true
                        Origins:
                          - Id: site
                            DomainName: !ImportValue site-bucket-domain
                            S3OriginConfig: {}
                        DefaultCacheBehavior:
                          TargetOriginId: site
                          ViewerProtocolPolicy: !ImportValue shared-viewer-policy
                          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
                        ViewerCertificate:
                          CloudFrontDefaultCertificate: true
                """,
                note="Fn::ImportValue is unknown; the default certificate cannot be configured",
            ),
        ],
    ),
)
def cloudfront_https(ctx: Context) -> Iterator[Report]:
    """CloudFront distribution serves viewers over HTTP or old TLS.

    What it checks:
        `aws_cloudfront_distribution` / `AWS::CloudFront::Distribution`: the default
        cache behaviour and every ordered cache behaviour with
        `viewer_protocol_policy = "allow-all"` (high, one finding per behaviour, at
        that behaviour); and, with a custom certificate (`acm_certificate_arn` /
        `iam_certificate_id`), a `viewer_certificate.minimum_protocol_version` older
        than `TLSv1.2_2019` (medium). An absent minimum protocol version on a custom
        certificate is `TLSv1`, the Terraform provider's and CloudFront API's
        default, and fails. The default CloudFront certificate
        (`cloudfront_default_certificate = true`) always allows TLSv1 and cannot be
        configured, so it is not a finding.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": viewers must reach the edge over HTTPS with
        TLS 1.2 or later; `allow-all` serves content and cookies over plain HTTP,
        and old security policies accept TLS 1.0/1.1 (CC6.7).
    How to fix:
        Terraform: `viewer_protocol_policy = "redirect-to-https"` in every behaviour
        and `minimum_protocol_version = "TLSv1.2_2021"`. CloudFormation:
        `ViewerProtocolPolicy: redirect-to-https` and `MinimumProtocolVersion:
        TLSv1.2_2021`.
    References:
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
        - https://docs.aws.amazon.com/AmazonCloudFront/latest/APIReference/API_ViewerCertificate.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudfront_distribution
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudfront-distribution-viewercertificate.html
    """
    for dist in ctx.graph.nodes("AWS::CloudFront::Distribution"):
        if dist.may_not_exist:
            yield from existence_unknown(ctx, dist)
            continue
        tf = dist.language == "terraform"
        behaviours: list[Attr] = []
        if tf:
            behaviours += dist.attrs_at("default_cache_behavior.viewer_protocol_policy")
            behaviours += dist.attrs_at("ordered_cache_behavior[].viewer_protocol_policy")
        else:
            behaviours += dist.attrs_at(
                "DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy"
            )
            behaviours += dist.attrs_at("DistributionConfig.CacheBehaviors[].ViewerProtocolPolicy")
        for a in behaviours:
            if a.unknown:
                yield from ctx.unresolved(dist, a)
                continue
            if isinstance(a.value, str) and a.value.strip().lower() == "allow-all":
                is_default = "default_cache_behavior" in a.path or "DefaultCacheBehavior" in a.path
                pattern = None if is_default else _behaviour_pattern(dist, a)
                which = "default cache behaviour" if is_default else "cache behaviour"
                if pattern:
                    which = f"cache behaviour {pattern}"
                yield ctx.finding(
                    dist,
                    a,
                    f'{dist.address}: {which} has viewer protocol policy "allow-all", so '
                    "viewers can use plain HTTP",
                )
        yield from _cloudfront_certificate(ctx, dist)


def _behaviour_pattern(dist: Node, a: Attr) -> str | None:
    parent = a.path[:-1]
    value: Any = dist.attrs
    for p in parent:
        if isinstance(value, dict) and isinstance(p, str):
            value = value.get(p)
        elif isinstance(value, list) and isinstance(p, int) and 0 <= p < len(value):
            value = value[p]
        else:
            return None
    if isinstance(value, dict):
        pattern = value.get("path_pattern", value.get("PathPattern"))
        if isinstance(pattern, str):
            return f'"{pattern}"'
    return None


def _cloudfront_certificate(ctx: Context, dist: Node) -> Iterator[Report]:
    tf = dist.language == "terraform"
    base = "viewer_certificate" if tf else "DistributionConfig.ViewerCertificate"
    cert = dist.attr(base)
    if cert.missing:
        return  # no certificate block: the CloudFront default certificate
    default_cert = dist.attr(
        f"{base}.{'cloudfront_default_certificate' if tf else 'CloudFrontDefaultCertificate'}"
    )
    acm = dist.attr(f"{base}.{'acm_certificate_arn' if tf else 'AcmCertificateArn'}")
    iam = dist.attr(f"{base}.{'iam_certificate_id' if tf else 'IamCertificateId'}")
    minimum = dist.attr(f"{base}.{'minimum_protocol_version' if tf else 'MinimumProtocolVersion'}")
    if default_cert.unknown:
        yield from ctx.unresolved(dist, default_cert)
        return
    if default_cert.present and to_bool(default_cert.value) is True:
        return
    if not (acm.present or iam.present):
        return
    name = spelled(dist, "minimum_protocol_version", "MinimumProtocolVersion")
    if minimum.missing:
        yield ctx.finding(
            dist,
            minimum,
            f"{dist.address}: custom viewer certificate without `{name}` uses "
            f"{tls.CLOUDFRONT_DEFAULT_MINIMUM}, older than {tls.CLOUDFRONT_REQUIRED_MINIMUM}",
            severity=Severity.MEDIUM,
        )
        return
    if not minimum.known:
        yield from ctx.unresolved(dist, minimum)
        return
    if tls.cloudfront_policy_below_required(minimum.value):
        yield ctx.finding(
            dist,
            minimum,
            f"{dist.address}: viewer certificate `{name}` is {describe_value(minimum.value)}, "
            f"older than {tls.CLOUDFRONT_REQUIRED_MINIMUM}",
            severity=Severity.MEDIUM,
        )


# ==========================================================================
# TLS004 opensearch-https
# ==========================================================================

SEARCH_DOMAINS = ("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain")


@rule(
    id="TLS004",
    slug="opensearch-https",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": (
            "Add `domain_endpoint_options { enforce_https = true, tls_security_policy = "
            '"Policy-Min-TLS-1-2-PFS-2023-10" }` and `node_to_node_encryption { enabled = true }`.'
        ),
        "cloudformation": (
            "Set `DomainEndpointOptions: {EnforceHTTPS: true, TLSSecurityPolicy: "
            "Policy-Min-TLS-1-2-PFS-2023-10}` and `NodeToNodeEncryptionOptions: {Enabled: true}`."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_opensearch_domain" "logs" {
                  domain_name    = "logs"
                  engine_version = "OpenSearch_2.13"

                  domain_endpoint_options {
                    enforce_https       = false
                    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
                  }

                  node_to_node_encryption {
                    enabled = true
                  }
                }
                """,
                address="aws_opensearch_domain.logs",
                line=6,
            ),
            bad(
                """
                resource "aws_opensearch_domain" "search" {
                  domain_name    = "search"
                  engine_version = "OpenSearch_2.13"

                  domain_endpoint_options {
                    enforce_https = true
                  }
                }
                """,
                address="aws_opensearch_domain.search",
                line=1,
                note="node-to-node encryption not enabled",
            ),
            bad(
                {
                    "main.tf": """
                    variable "tls_policy" {
                      type = string
                    }

                    resource "aws_elasticsearch_domain" "legacy" {
                      domain_name           = "legacy"
                      elasticsearch_version = "7.10"

                      domain_endpoint_options {
                        enforce_https       = true
                        tls_security_policy = var.tls_policy
                      }

                      node_to_node_encryption {
                        enabled = true
                      }
                    }
                    """,
                    "terraform.tfvars": """
                    tls_policy = "Policy-Min-TLS-1-0-2019-07"
                    """,
                },
                address="aws_elasticsearch_domain.legacy",
                line=11,
                note="a TLS 1.0 policy set in terraform.tfvars",
            ),
        ],
        good=[
            good(
                """
                resource "aws_opensearch_domain" "search" {
                  domain_name    = "search"
                  engine_version = "OpenSearch_2.13"

                  domain_endpoint_options {
                    enforce_https       = true
                    tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"
                  }

                  node_to_node_encryption {
                    enabled = true
                  }
                }
                """,
            ),
            good(
                """
                variable "node_to_node" {
                  type = bool
                }

                resource "aws_opensearch_domain" "search" {
                  domain_name    = "search"
                  engine_version = "OpenSearch_2.13"

                  domain_endpoint_options {}

                  node_to_node_encryption {
                    enabled = var.node_to_node
                  }
                }
                """,
                note="an empty endpoint block enforces HTTPS (provider default true) and gets the TLS 1.2 policy; the variable is unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Search:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      EngineVersion: OpenSearch_2.13
                      NodeToNodeEncryptionOptions:
                        Enabled: true
                """,
                address="Search",
                line=2,
                note="no DomainEndpointOptions: HTTPS is not enforced",
            ),
            bad(
                """
                Parameters:
                  Environment:
                    Type: String
                    Default: dev
                Conditions:
                  IsProd: !Equals [!Ref Environment, prod]
                Resources:
                  Search:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      EngineVersion: OpenSearch_2.13
                      DomainEndpointOptions:
                        EnforceHTTPS: true
                        TLSSecurityPolicy: Policy-Min-TLS-1-2-PFS-2023-10
                      NodeToNodeEncryptionOptions:
                        Enabled: !If [IsProd, true, false]
                """,
                address="Search",
                line=16,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Search:
                    Type: AWS::OpenSearchService::Domain
                    Properties:
                      EngineVersion: OpenSearch_2.13
                      DomainEndpointOptions:
                        EnforceHTTPS: true
                      NodeToNodeEncryptionOptions:
                        Enabled: true
                """,
                note="no TLSSecurityPolicy: OpenSearch applies Policy-Min-TLS-1-2-2019-07",
            ),
            good(
                """
                Resources:
                  Search:
                    Type: AWS::Elasticsearch::Domain
                    Properties:
                      ElasticsearchVersion: "7.10"
                      DomainEndpointOptions:
                        EnforceHTTPS: !ImportValue search-enforce-https
                        TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07
                      NodeToNodeEncryptionOptions:
                        Enabled: true
                """,
                note="Fn::ImportValue is unknown",
            ),
        ],
    ),
)
def opensearch_https(ctx: Context) -> Iterator[Report]:
    """OpenSearch domain does not enforce HTTPS with TLS 1.2 between clients and nodes.

    What it checks:
        `aws_opensearch_domain`, `aws_elasticsearch_domain`,
        `AWS::OpenSearchService::Domain` and `AWS::Elasticsearch::Domain`, one
        finding per problem, at its attribute: HTTPS not enforced
        (`domain_endpoint_options.enforce_https` / `DomainEndpointOptions.EnforceHTTPS`
        false, or no endpoint options at all: the service accepts HTTP unless told
        otherwise; inside a written Terraform block the provider defaults
        `enforce_https` to true); a `tls_security_policy` that accepts TLS 1.0/1.1
        (`Policy-Min-TLS-1-0-2019-07`); node-to-node encryption not enabled
        (`node_to_node_encryption.enabled` / `NodeToNodeEncryptionOptions.Enabled`,
        default false). An absent TLS policy passes: OpenSearch Service now applies
        `Policy-Min-TLS-1-2-2019-07` when none is given (the AWS CDK changed its
        own default to match in 2025), and RULES.md's "below TLS 1.2" is about the
        policy in effect.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": search domains often hold logs with personal
        data; HTTP endpoints, TLS 1.0 and unencrypted traffic between nodes expose
        it in transmission (CC6.7).
    How to fix:
        Terraform: `domain_endpoint_options { enforce_https = true,
        tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10" }` and
        `node_to_node_encryption { enabled = true }`. CloudFormation: the same under
        `DomainEndpointOptions` and `NodeToNodeEncryptionOptions`.
    References:
        - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html
        - https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_DomainEndpointOptions.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/opensearch_domain
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-opensearchservice-domain-domainendpointoptions.html
        - https://github.com/aws/aws-cdk/issues/34658
    """
    for dom in ctx.graph.nodes(SEARCH_DOMAINS):
        if dom.may_not_exist:
            yield from existence_unknown(ctx, dom)
            continue
        tf = dom.language == "terraform"
        options = dom.attr(tf="domain_endpoint_options", cfn="DomainEndpointOptions")
        enforce = dom.attr(
            tf="domain_endpoint_options.enforce_https", cfn="DomainEndpointOptions.EnforceHTTPS"
        )
        enforce_name = spelled(dom, "enforce_https", "EnforceHTTPS")
        if options.unknown or enforce.unknown:
            yield from ctx.unresolved(dom, enforce if enforce.unknown else options)
        elif enforce.missing:
            if not (tf and options.present):
                yield ctx.finding(
                    dom,
                    enforce,
                    f"{dom.address}: HTTPS is not enforced (`{enforce_name}` is not set, default false)",
                )
        elif to_bool(enforce.value) is False:
            yield ctx.finding(
                dom,
                enforce,
                f"{dom.address}: HTTPS is not enforced (`{enforce_name}` is {describe_value(enforce.value)})",
            )
        policy = dom.attr(
            tf="domain_endpoint_options.tls_security_policy",
            cfn="DomainEndpointOptions.TLSSecurityPolicy",
        )
        if policy.unknown:
            yield from ctx.unresolved(dom, policy)
        elif policy.known and tls.opensearch_policy_allows_legacy_tls(policy.value):
            yield ctx.finding(
                dom,
                policy,
                f"{dom.address}: `{spelled(dom, 'tls_security_policy', 'TLSSecurityPolicy')}` is "
                f"{describe_value(policy.value)}, which accepts TLS 1.0 and 1.1",
            )
        n2n = dom.attr(
            tf="node_to_node_encryption.enabled", cfn="NodeToNodeEncryptionOptions.Enabled"
        )
        n2n_name = spelled(
            dom, "node_to_node_encryption.enabled", "NodeToNodeEncryptionOptions.Enabled"
        )
        if n2n.unknown:
            yield from ctx.unresolved(dom, n2n)
        elif n2n.missing or to_bool(n2n.value) is False:
            shown = "not set (default false)" if n2n.missing else describe_value(n2n.value)
            yield ctx.finding(
                dom, n2n, f"{dom.address}: node-to-node encryption is off (`{n2n_name}` is {shown})"
            )


# ==========================================================================
# TLS005 elasticache-in-transit
# ==========================================================================


@rule(
    id="TLS005",
    slug="elasticache-in-transit",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": (
            "Set `transit_encryption_enabled = true` (and leave `transit_encryption_mode` at "
            '`"required"`) on the replication group; clients then connect with TLS.'
        ),
        "cloudformation": (
            "Set `TransitEncryptionEnabled: true` (and `TransitEncryptionMode: required` if set) "
            "on the replication group."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id = "sessions"
                  description          = "web sessions"
                  engine               = "redis"
                  node_type            = "cache.t4g.small"
                  num_cache_clusters   = 2
                }
                """,
                address="aws_elasticache_replication_group.sessions",
                line=1,
                note="transit_encryption_enabled not set (default false)",
            ),
            bad(
                {
                    "main.tf": """
                    module "cache" {
                      source  = "./modules/cache"
                      encrypt = false
                    }
                    """,
                    "modules/cache/main.tf": """
                    variable "encrypt" {
                      type    = bool
                      default = true
                    }

                    resource "aws_elasticache_replication_group" "this" {
                      replication_group_id       = "queue"
                      description                = "job queue"
                      engine                     = "valkey"
                      node_type                  = "cache.t4g.small"
                      num_cache_clusters         = 2
                      transit_encryption_enabled = var.encrypt
                    }
                    """,
                },
                address="module.cache.aws_elasticache_replication_group.this",
                line=12,
                file="modules/cache/main.tf",
            ),
        ],
        good=[
            good(
                """
                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id       = "sessions"
                  description                = "web sessions"
                  engine                     = "redis"
                  node_type                  = "cache.t4g.small"
                  num_cache_clusters         = 2
                  transit_encryption_enabled = true
                }
                """,
            ),
            good(
                """
                variable "transit_encryption" {
                  type = bool
                }

                resource "aws_elasticache_replication_group" "sessions" {
                  replication_group_id       = "sessions"
                  description                = "web sessions"
                  node_type                  = "cache.t4g.small"
                  num_cache_clusters         = 2
                  transit_encryption_enabled = var.transit_encryption
                }
                """,
                note="a variable without a default: unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: web sessions
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                      NumCacheClusters: 2
                      TransitEncryptionEnabled: false
                """,
                address="Sessions",
                line=9,
            ),
            bad(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: web sessions
                      Engine: valkey
                      CacheNodeType: cache.t4g.small
                      NumCacheClusters: 2
                """,
                address="Sessions",
                line=2,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: web sessions
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                      NumCacheClusters: 2
                      TransitEncryptionEnabled: true
                """,
            ),
            good(
                """
                Parameters:
                  EncryptInTransit:
                    Type: String
                    AllowedValues: ["true", "false"]
                Resources:
                  Sessions:
                    Type: AWS::ElastiCache::ReplicationGroup
                    Properties:
                      ReplicationGroupDescription: web sessions
                      Engine: redis
                      CacheNodeType: cache.t4g.small
                      NumCacheClusters: 2
                      TransitEncryptionEnabled: !Ref EncryptInTransit
                """,
                note="a parameter without a default: unknown",
            ),
        ],
    ),
)
def elasticache_in_transit(ctx: Context) -> Iterator[Report]:
    """ElastiCache replication group does not require TLS.

    What it checks:
        Redis OSS and Valkey replication groups (`aws_elasticache_replication_group`,
        `AWS::ElastiCache::ReplicationGroup`) without
        `transit_encryption_enabled = true` / `TransitEncryptionEnabled: true`; the
        default is false in the Terraform provider and the ElastiCache API. A group
        that enables it with `transit_encryption_mode = "preferred"` still accepts
        unencrypted connections (the migration mode) and fails at that attribute.
        Secondary members of a global datastore (`global_replication_group_id`)
        inherit the setting and are skipped; Memcached clusters are out of scope.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": cached sessions, tokens and query results
        cross the network in clear text without in-transit encryption (CC6.7).
    How to fix:
        Terraform: `transit_encryption_enabled = true` (engine 7.0.5+ can switch an
        existing group through `transit_encryption_mode` "preferred" then
        "required"). CloudFormation: `TransitEncryptionEnabled: true`.
    References:
        - https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html
    """
    for group in ctx.graph.nodes("AWS::ElastiCache::ReplicationGroup"):
        if group.may_not_exist:
            yield from existence_unknown(ctx, group)
            continue
        engine = group.attr(tf="engine", cfn="Engine")
        if (
            engine.known
            and isinstance(engine.value, str)
            and engine.value.lower() not in ("redis", "valkey")
        ):
            continue
        if group.attr(tf="global_replication_group_id", cfn="GlobalReplicationGroupId").present:
            continue
        enabled = group.attr(tf="transit_encryption_enabled", cfn="TransitEncryptionEnabled")
        name = spelled(group, "transit_encryption_enabled", "TransitEncryptionEnabled")
        if enabled.unknown:
            yield from ctx.unresolved(group, enabled)
            continue
        if enabled.missing or to_bool(enabled.value) is False:
            shown = "not set (default false)" if enabled.missing else describe_value(enabled.value)
            yield ctx.finding(
                group,
                enabled,
                f"{group.address}: in-transit encryption is off (`{name}` is {shown})",
            )
            continue
        mode = group.attr(tf="transit_encryption_mode", cfn="TransitEncryptionMode")
        if mode.known and isinstance(mode.value, str) and mode.value.lower() == "preferred":
            yield ctx.finding(
                group,
                mode,
                f"{group.address}: `{spelled(group, 'transit_encryption_mode', 'TransitEncryptionMode')}` "
                'is "preferred", so unencrypted connections are still accepted',
            )


# ==========================================================================
# TLS006 rds-force-tls
# ==========================================================================


@rule(
    id="TLS006",
    slug="rds-force-tls",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    graph=True,
    fix={
        "terraform": (
            'Use a custom parameter group that forces TLS: `parameter { name = "rds.force_ssl" '
            'value = "1" }` for PostgreSQL and SQL Server, `parameter { name = '
            '"require_secure_transport" value = "1" }` for MySQL and MariaDB (on the '
            "`aws_rds_cluster_parameter_group` for Aurora), and name it in "
            "`parameter_group_name` / `db_cluster_parameter_group_name`."
        ),
        "cloudformation": (
            "Use an `AWS::RDS::DBParameterGroup` (`AWS::RDS::DBClusterParameterGroup` for Aurora) "
            "with `Parameters: {rds.force_ssl: 1}` (PostgreSQL, SQL Server) or "
            "`{require_secure_transport: 1}` (MySQL, MariaDB) and name it in "
            "`DBParameterGroupName` / `DBClusterParameterGroupName`."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                resource "aws_db_instance" "orders" {
                  identifier                  = "orders"
                  engine                      = "postgres"
                  engine_version              = "14.12"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 50
                  username                    = "orders"
                  manage_master_user_password = true
                }
                """,
                address="aws_db_instance.orders",
                line=1,
                note="PostgreSQL 14 on the default group: rds.force_ssl defaults to 0",
            ),
            bad(
                """
                resource "aws_db_parameter_group" "mysql" {
                  name   = "app-mysql80"
                  family = "mysql8.0"

                  parameter {
                    name  = "require_secure_transport"
                    value = "0"
                  }
                }

                resource "aws_db_instance" "app" {
                  identifier                  = "app"
                  engine                      = "mysql"
                  engine_version              = "8.0.36"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 20
                  username                    = "app"
                  manage_master_user_password = true
                  parameter_group_name        = aws_db_parameter_group.mysql.name
                }
                """,
                address="aws_db_parameter_group.mysql",
                line=7,
                note="the group turns TLS enforcement off: the fix goes in the group",
            ),
            bad(
                """
                resource "aws_rds_cluster_parameter_group" "aurora" {
                  name   = "reporting-aurora-pg15"
                  family = "aurora-postgresql15"

                  parameter {
                    name  = "log_min_duration_statement"
                    value = "500"
                  }
                }

                resource "aws_rds_cluster" "reporting" {
                  cluster_identifier              = "reporting"
                  engine                          = "aurora-postgresql"
                  engine_version                  = "15.6"
                  master_username                 = "reporting"
                  manage_master_user_password     = true
                  db_cluster_parameter_group_name = "reporting-aurora-pg15"
                }
                """,
                address="aws_rds_cluster_parameter_group.aurora",
                line=1,
                note="Aurora PostgreSQL 15 group, linked by name, that does not set rds.force_ssl",
            ),
        ],
        good=[
            good(
                """
                resource "aws_db_instance" "orders" {
                  identifier                  = "orders"
                  engine                      = "postgres"
                  engine_version              = "16.3"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 50
                  username                    = "orders"
                  manage_master_user_password = true
                }
                """,
                note="PostgreSQL 15+ default group forces TLS",
            ),
            good(
                """
                resource "aws_db_parameter_group" "mysql" {
                  name   = "app-mysql80"
                  family = "mysql8.0"

                  parameter {
                    name  = "require_secure_transport"
                    value = "ON"
                  }
                }

                resource "aws_db_instance" "app" {
                  identifier                  = "app"
                  engine                      = "mysql"
                  engine_version              = "8.0.36"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 20
                  username                    = "app"
                  manage_master_user_password = true
                  parameter_group_name        = aws_db_parameter_group.mysql.name
                }
                """,
            ),
            good(
                """
                variable "parameter_group_name" {
                  type = string
                }

                resource "aws_db_instance" "app" {
                  identifier                  = "app"
                  engine                      = "mysql"
                  engine_version              = "8.0.36"
                  instance_class              = "db.t4g.medium"
                  allocated_storage           = 20
                  username                    = "app"
                  manage_master_user_password = true
                  parameter_group_name        = var.parameter_group_name
                }
                """,
                note="the group comes from a variable without a default: unknown",
            ),
            good(
                """
                resource "aws_rds_cluster" "reporting" {
                  cluster_identifier              = "reporting"
                  engine                          = "aurora-mysql"
                  master_username                 = "reporting"
                  manage_master_user_password     = true
                  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.tls.name
                }

                resource "aws_rds_cluster_parameter_group" "tls" {
                  name   = "reporting-tls"
                  family = "aurora-mysql8.0"

                  parameter {
                    name  = "require_secure_transport"
                    value = "ON"
                  }
                }

                resource "aws_rds_cluster_instance" "reporting" {
                  count              = 2
                  identifier         = "reporting-${count.index}"
                  cluster_identifier = aws_rds_cluster.reporting.id
                  instance_class     = "db.r6g.large"
                  engine             = "aurora-mysql"
                }
                """,
                note="Aurora members are judged at the cluster, which forces TLS",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: sqlserver-se
                      EngineVersion: "15.00.4365.2.v1"
                      LicenseModel: license-included
                      DBInstanceClass: db.m6i.xlarge
                      AllocatedStorage: "100"
                      MasterUsername: admin
                      ManageMasterUserPassword: true
                """,
                address="Database",
                line=2,
                note="SQL Server on the default group: rds.force_ssl defaults to 0",
            ),
            bad(
                """
                Resources:
                  ClusterParams:
                    Type: AWS::RDS::DBClusterParameterGroup
                    Properties:
                      Description: reporting
                      Family: aurora-postgresql16
                      Parameters:
                        rds.force_ssl: 0
                  Cluster:
                    Type: AWS::RDS::DBCluster
                    Properties:
                      Engine: aurora-postgresql
                      EngineVersion: "16.2"
                      MasterUsername: reporting
                      ManageMasterUserPassword: true
                      DBClusterParameterGroupName: !Ref ClusterParams
                """,
                address="ClusterParams",
                line=8,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Params:
                    Type: AWS::RDS::DBParameterGroup
                    Properties:
                      Description: orders
                      Family: postgres14
                      Parameters:
                        rds.force_ssl: 1
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      EngineVersion: "14.12"
                      DBInstanceClass: db.t4g.medium
                      AllocatedStorage: "50"
                      MasterUsername: orders
                      ManageMasterUserPassword: true
                      DBParameterGroupName: !Ref Params
                """,
            ),
            good(
                """
                Resources:
                  Database:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      Engine: postgres
                      EngineVersion: "14.12"
                      DBInstanceClass: db.t4g.medium
                      AllocatedStorage: "50"
                      MasterUsername: orders
                      ManageMasterUserPassword: true
                      DBParameterGroupName: !ImportValue shared-postgres-params
                """,
                note="a parameter group from another stack: unknown",
            ),
        ],
    ),
)
def rds_force_tls(ctx: Context) -> Iterator[Report]:
    """RDS database does not require TLS connections.

    What it checks:
        RDS DB instances (`aws_db_instance`, `AWS::RDS::DBInstance`) and clusters
        (`aws_rds_cluster`, `AWS::RDS::DBCluster`) and the parameter group they use,
        found by reference or literal name (`parameter_group_name` /
        `DBParameterGroupName`; `db_cluster_parameter_group_name` /
        `DBClusterParameterGroupName` for clusters, which hold these parameters for
        Aurora). The group must force TLS: `rds.force_ssl = 1` for PostgreSQL,
        Aurora PostgreSQL and SQL Server, `require_secure_transport = ON/1` for
        MySQL, MariaDB and Aurora MySQL. Without a group (or with a `default.*`
        group), the engine's default applies; per AWS's documentation it forces TLS
        for RDS for PostgreSQL 15+, Aurora PostgreSQL 17+, RDS for MySQL 9.7+ and
        RDS for MariaDB 11.8+, and not for older versions, SQL Server or Aurora MySQL
        (RULES.md names PostgreSQL 15+ only; the MySQL, MariaDB and Aurora
        PostgreSQL defaults follow the newer documentation). A custom group that does
        not set the parameter gets the same default. Where the fix goes decides the
        resource named: a group that sets the parameter off, or a custom group that
        lacks it, is named once (the databases that use it are related locations); a
        database on the default group is named itself. Aurora member instances are
        judged at their cluster. An unknown engine, version (when it decides) or
        group, or a group defined outside the configuration, is unknown. Engines
        without such a parameter (Oracle uses an option group, Db2) are out of scope.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": a database that accepts unencrypted client
        connections lets credentials and query results cross the network in clear
        text whenever a client does not ask for TLS (CC6.7).
    How to fix:
        Terraform: an `aws_db_parameter_group` (or `aws_rds_cluster_parameter_group`
        for Aurora) with `parameter { name = "rds.force_ssl" value = "1" }` or
        `parameter { name = "require_secure_transport" value = "1" }`, named in the
        database's `parameter_group_name` / `db_cluster_parameter_group_name`.
        CloudFormation: the same parameter in `Parameters` of an
        `AWS::RDS::DBParameterGroup` / `AWS::RDS::DBClusterParameterGroup`.
    References:
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html
        - https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_parameter_group
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbparametergroup.html
    """
    group_findings: dict[str, dict[str, Any]] = {}
    for db in ctx.graph.nodes((dbp.DB_INSTANCE, dbp.DB_CLUSTER)):
        if db.may_not_exist:
            yield from existence_unknown(ctx, db)
            continue
        if dbp.is_cluster_member(db):
            continue
        engine = db.attr(tf="engine", cfn="Engine")
        if engine.unknown:
            yield from ctx.unresolved(db, engine)
            continue
        family = dbp.engine_family(engine.value)
        if family is None:
            continue
        param = dbp.TLS_PARAMETER[family]
        version_attr = db.attr(tf="engine_version", cfn="EngineVersion")
        version = dbp.engine_version(version_attr.value) if version_attr.known else None
        choice = dbp.parameter_group_of(ctx.graph, db)
        engine_name = dbp.ENGINE_NAMES[family]
        if choice.status in ("unknown", "external"):
            yield from ctx.unresolved(db, choice.attr, "the parameter group")
            continue
        if choice.status == "default":
            if version is None and isinstance(choice.attr.value, str):
                version = dbp.family_version(choice.attr.value)
            forced = dbp.default_forces_tls(family, version)
            if forced is None:
                yield from ctx.unresolved(db, version_attr, "the engine version")
                continue
            if forced:
                continue
            shown = f" {version_attr.value}" if version_attr.known else ""
            yield ctx.finding(
                db,
                choice.attr,
                f"{db.address}: {engine_name}{shown} uses the default parameter group, where "
                f"`{param}` is off, so connections without TLS are accepted",
            )
            continue
        group = choice.group
        assert group is not None
        setting = dbp.parameter_in_group(group, param)
        if isinstance(setting.value, Unknown):
            yield from ctx.unresolved(group, setting.path, f"`{param}`")
            continue
        if setting.value is MISSING:
            gversion = dbp.family_version(dbp.group_family(group)) or version
            forced = dbp.default_forces_tls(family, gversion)
            if forced is None:
                yield from ctx.unresolved(db, version_attr, "the engine version")
                continue
            if forced:
                continue
            entry = group_findings.setdefault(
                group.id,
                {
                    "group": group,
                    "path": (),
                    "dbs": [],
                    "message": f"{group.address}: parameter group does not set `{param}`, whose "
                    f"{engine_name} default is off, so connections without TLS are accepted",
                },
            )
            entry["dbs"].append(db)
            continue
        on = to_bool(setting.value)
        if on is None:
            yield from ctx.unresolved(group, setting.path, f"`{param}`")
            continue
        if on:
            continue
        entry = group_findings.setdefault(
            group.id,
            {
                "group": group,
                "path": setting.path,
                "dbs": [],
                "message": f"{group.address}: parameter group sets `{param}` to "
                f"{describe_value(setting.value)}, so connections without TLS are accepted",
            },
        )
        entry["dbs"].append(db)
    for entry in group_findings.values():
        dbs: list[Node] = entry["dbs"]
        names = ", ".join(d.address for d in dbs)
        yield ctx.finding(
            entry["group"],
            entry["path"],
            f"{entry['message']} (used by {names})",
            related=[
                RelatedRef(d, dbp.group_attr(d).path, f"uses {entry['group'].address}") for d in dbs
            ],
        )


# ==========================================================================
# TLS008 apigw-tls12
# ==========================================================================


@rule(
    id="TLS008",
    slug="apigw-tls12",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": (
            'Set `security_policy = "TLS_1_2"` (or an enhanced policy such as '
            '`"SecurityPolicy_TLS13_1_2_2021_06"`) on `aws_api_gateway_domain_name`, and '
            '`domain_name_configuration { security_policy = "TLS_1_2" }` on '
            "`aws_apigatewayv2_domain_name`."
        ),
        "cloudformation": (
            "Set `SecurityPolicy: TLS_1_2` on `AWS::ApiGateway::DomainName` and in every "
            "`DomainNameConfigurations` entry of `AWS::ApiGatewayV2::DomainName`."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                variable "certificate_arn" {
                  type = string
                }

                resource "aws_api_gateway_domain_name" "api" {
                  domain_name              = "api.example.com"
                  regional_certificate_arn = var.certificate_arn
                  security_policy          = "TLS_1_0"

                  endpoint_configuration {
                    types = ["REGIONAL"]
                  }
                }
                """,
                address="aws_api_gateway_domain_name.api",
                line=8,
            ),
            bad(
                """
                variable "certificate_arn" {
                  type = string
                }

                variable "legacy_clients" {
                  type    = bool
                  default = true
                }

                resource "aws_apigatewayv2_domain_name" "api" {
                  domain_name = "api.example.com"

                  domain_name_configuration {
                    certificate_arn = var.certificate_arn
                    endpoint_type   = "REGIONAL"
                    security_policy = var.legacy_clients ? "TLS_1_0" : "TLS_1_2"
                  }
                }
                """,
                address="aws_apigatewayv2_domain_name.api",
                line=16,
                note="a conditional on a variable whose default picks TLS_1_0",
            ),
        ],
        good=[
            good(
                """
                variable "certificate_arn" {
                  type = string
                }

                resource "aws_api_gateway_domain_name" "api" {
                  domain_name              = "api.example.com"
                  regional_certificate_arn = var.certificate_arn
                  security_policy          = "SecurityPolicy_TLS13_1_2_2021_06"
                  endpoint_access_mode     = "STRICT"

                  endpoint_configuration {
                    types = ["REGIONAL"]
                  }
                }
                """,
            ),
            good(
                """
                variable "certificate_arn" {
                  type = string
                }

                resource "aws_api_gateway_domain_name" "api" {
                  domain_name              = "api.example.com"
                  regional_certificate_arn = var.certificate_arn

                  endpoint_configuration {
                    types = ["REGIONAL"]
                  }
                }
                """,
                note="no security_policy: API Gateway assigns TLS_1_2 to new custom domains",
            ),
            good(
                """
                variable "security_policy" {
                  type = string
                }

                resource "aws_apigatewayv2_domain_name" "api" {
                  domain_name = "api.example.com"

                  domain_name_configuration {
                    certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"
                    endpoint_type   = "REGIONAL"
                    security_policy = var.security_policy
                  }
                }
                """,
                note="a variable without a default: unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  ApiDomain:
                    Type: AWS::ApiGateway::DomainName
                    Properties:
                      DomainName: api.example.com
                      RegionalCertificateArn: !ImportValue api-certificate-arn
                      SecurityPolicy: TLS_1_0
                      EndpointConfiguration:
                        Types: [REGIONAL]
                """,
                address="ApiDomain",
                line=7,
            ),
            bad(
                """
                Parameters:
                  TlsPolicy:
                    Type: String
                    Default: TLS_1_0
                Resources:
                  HttpApiDomain:
                    Type: AWS::ApiGatewayV2::DomainName
                    Properties:
                      DomainName: api.example.com
                      DomainNameConfigurations:
                        - CertificateArn: !ImportValue api-certificate-arn
                          EndpointType: REGIONAL
                          SecurityPolicy: !Ref TlsPolicy
                """,
                address="HttpApiDomain",
                line=13,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  ApiDomain:
                    Type: AWS::ApiGateway::DomainName
                    Properties:
                      DomainName: api.example.com
                      RegionalCertificateArn: !ImportValue api-certificate-arn
                      SecurityPolicy: TLS_1_2
                      EndpointConfiguration:
                        Types: [REGIONAL]
                """,
            ),
            good(
                """
                Resources:
                  HttpApiDomain:
                    Type: AWS::ApiGatewayV2::DomainName
                    Properties:
                      DomainName: api.example.com
                      DomainNameConfigurations:
                        - CertificateArn: !ImportValue api-certificate-arn
                          EndpointType: REGIONAL
                          SecurityPolicy: !ImportValue api-tls-policy
                """,
                note="Fn::ImportValue is unknown",
            ),
        ],
    ),
)
def apigw_tls12(ctx: Context) -> Iterator[Report]:
    """API Gateway custom domain accepts TLS 1.0.

    What it checks:
        `aws_api_gateway_domain_name` `security_policy`,
        `aws_apigatewayv2_domain_name` `domain_name_configuration.security_policy`,
        `AWS::ApiGateway::DomainName` `SecurityPolicy` and
        `AWS::ApiGatewayV2::DomainName` `DomainNameConfigurations[].SecurityPolicy`:
        a finding when the policy is `TLS_1_0`, the only policy that accepts TLS 1.0
        and 1.1. `TLS_1_2` and the enhanced policies introduced in 2025
        (`SecurityPolicy_TLS13_1_3_2025_09`, `SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09`,
        `SecurityPolicy_TLS12_2018_EDGE`...) all require TLS 1.2+ and pass. An absent
        policy passes: API Gateway documents `TLS_1_2` as the default security
        policy of new Regional, edge-optimized and private custom domain names
        (RULES.md's "not TLS_1_2" is read as "accepts TLS below 1.2"). Unknown values
        are not findings.
    Why it matters for SOC 2:
        Checklist B "Data in Transit" asks for TLS 1.2+; TLS 1.0 is deprecated and
        lets an attacker downgrade API clients' connections (CC6.7).
    How to fix:
        Terraform: `security_policy = "TLS_1_2"` (v1) or
        `domain_name_configuration { security_policy = "TLS_1_2" }` (v2), or an
        enhanced `SecurityPolicy_...` policy with `endpoint_access_mode`.
        CloudFormation: `SecurityPolicy: TLS_1_2`.
    References:
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
        - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_domain_name
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/apigatewayv2_domain_name
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-domainname.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigatewayv2-domainname-domainnameconfiguration.html
    """
    for dom in ctx.graph.nodes("AWS::ApiGateway::DomainName"):
        if dom.may_not_exist:
            yield from existence_unknown(ctx, dom)
            continue
        yield from _apigw_policy(ctx, dom, [dom.attr(tf="security_policy", cfn="SecurityPolicy")])
    for dom in ctx.graph.nodes("AWS::ApiGatewayV2::DomainName"):
        if dom.may_not_exist:
            yield from existence_unknown(ctx, dom)
            continue
        attrs = dom.attrs_at(
            tf="domain_name_configuration[].security_policy",
            cfn="DomainNameConfigurations[].SecurityPolicy",
        )
        yield from _apigw_policy(ctx, dom, attrs)


def _apigw_policy(ctx: Context, dom: Node, attrs: list[Attr]) -> Iterator[Report]:
    for a in attrs:
        if a.missing:
            continue
        if a.unknown:
            yield from ctx.unresolved(dom, a)
            continue
        if tls.apigw_policy_allows_legacy_tls(a.value):
            yield ctx.finding(
                dom,
                a,
                f"{dom.address}: custom domain `{spelled(dom, 'security_policy', 'SecurityPolicy')}` "
                f"is {describe_value(a.value)}, which accepts TLS 1.0 and 1.1",
            )


# ==========================================================================
# TLS009 msk-in-transit
# ==========================================================================


@rule(
    id="TLS009",
    slug="msk-in-transit",
    severity=Severity.MEDIUM,
    tsc=TSC,
    checklist=CHECKLIST,
    fix={
        "terraform": (
            'Set `encryption_info { encryption_in_transit { client_broker = "TLS", '
            "in_cluster = true } }` (or leave both unset: TLS and true are the defaults)."
        ),
        "cloudformation": (
            "Set `EncryptionInfo: {EncryptionInTransit: {ClientBroker: TLS, InCluster: true}}` "
            "(or leave them unset)."
        ),
    },
    terraform=Examples(
        bad=[
            bad(
                """
                variable "subnet_ids" {
                  type = list(string)
                }

                resource "aws_msk_cluster" "events" {
                  cluster_name           = "events"
                  kafka_version          = "3.6.0"
                  number_of_broker_nodes = 3

                  broker_node_group_info {
                    instance_type   = "kafka.m7g.large"
                    client_subnets  = var.subnet_ids
                  }

                  encryption_info {
                    encryption_in_transit {
                      client_broker = "TLS_PLAINTEXT"
                    }
                  }
                }
                """,
                address="aws_msk_cluster.events",
                line=17,
            ),
            bad(
                """
                variable "subnet_ids" {
                  type = list(string)
                }

                resource "aws_msk_cluster" "events" {
                  cluster_name           = "events"
                  kafka_version          = "3.6.0"
                  number_of_broker_nodes = 3

                  broker_node_group_info {
                    instance_type   = "kafka.m7g.large"
                    client_subnets  = var.subnet_ids
                  }

                  encryption_info {
                    encryption_in_transit {
                      in_cluster = false
                    }
                  }
                }
                """,
                address="aws_msk_cluster.events",
                line=17,
            ),
        ],
        good=[
            good(
                """
                variable "subnet_ids" {
                  type = list(string)
                }

                resource "aws_msk_cluster" "events" {
                  cluster_name           = "events"
                  kafka_version          = "3.6.0"
                  number_of_broker_nodes = 3

                  broker_node_group_info {
                    instance_type   = "kafka.m7g.large"
                    client_subnets  = var.subnet_ids
                  }
                }
                """,
                note="defaults: TLS between clients and brokers, encrypted inside the cluster",
            ),
            good(
                """
                variable "subnet_ids" {
                  type = list(string)
                }

                variable "client_broker" {
                  type = string
                }

                resource "aws_msk_cluster" "events" {
                  cluster_name           = "events"
                  kafka_version          = "3.6.0"
                  number_of_broker_nodes = 3

                  broker_node_group_info {
                    instance_type   = "kafka.m7g.large"
                    client_subnets  = var.subnet_ids
                  }

                  encryption_info {
                    encryption_in_transit {
                      client_broker = var.client_broker
                      in_cluster    = true
                    }
                  }
                }
                """,
                note="a variable without a default: unknown",
            ),
        ],
    ),
    cloudformation=Examples(
        bad=[
            bad(
                """
                Resources:
                  Events:
                    Type: AWS::MSK::Cluster
                    Properties:
                      ClusterName: events
                      KafkaVersion: 3.6.0
                      NumberOfBrokerNodes: 3
                      BrokerNodeGroupInfo:
                        InstanceType: kafka.m7g.large
                        ClientSubnets: !Split [",", !ImportValue private-subnets]
                      EncryptionInfo:
                        EncryptionInTransit:
                          ClientBroker: PLAINTEXT
                """,
                address="Events",
                line=13,
            ),
            bad(
                """
                Parameters:
                  AllowPlaintext:
                    Type: String
                    Default: "yes"
                Conditions:
                  Plaintext: !Equals [!Ref AllowPlaintext, "yes"]
                Resources:
                  Events:
                    Type: AWS::MSK::Cluster
                    Properties:
                      ClusterName: events
                      KafkaVersion: 3.6.0
                      NumberOfBrokerNodes: 3
                      BrokerNodeGroupInfo:
                        InstanceType: kafka.m7g.large
                        ClientSubnets: !Split [",", !ImportValue private-subnets]
                      EncryptionInfo:
                        EncryptionInTransit:
                          ClientBroker: !If [Plaintext, TLS_PLAINTEXT, TLS]
                """,
                address="Events",
                line=19,
            ),
        ],
        good=[
            good(
                """
                Resources:
                  Events:
                    Type: AWS::MSK::Cluster
                    Properties:
                      ClusterName: events
                      KafkaVersion: 3.6.0
                      NumberOfBrokerNodes: 3
                      BrokerNodeGroupInfo:
                        InstanceType: kafka.m7g.large
                        ClientSubnets: !Split [",", !ImportValue private-subnets]
                      EncryptionInfo:
                        EncryptionInTransit:
                          ClientBroker: TLS
                          InCluster: true
                """,
            ),
            good(
                """
                Resources:
                  Events:
                    Type: AWS::MSK::Cluster
                    Properties:
                      ClusterName: events
                      KafkaVersion: 3.6.0
                      NumberOfBrokerNodes: 3
                      BrokerNodeGroupInfo:
                        InstanceType: kafka.m7g.large
                        ClientSubnets: !Split [",", !ImportValue private-subnets]
                      EncryptionInfo:
                        EncryptionInTransit:
                          ClientBroker: !ImportValue kafka-client-broker
                """,
                note="Fn::ImportValue is unknown",
            ),
        ],
    ),
)
def msk_in_transit(ctx: Context) -> Iterator[Report]:
    """MSK cluster allows unencrypted traffic.

    What it checks:
        `aws_msk_cluster` / `AWS::MSK::Cluster`:
        `encryption_info.encryption_in_transit.client_broker` /
        `EncryptionInfo.EncryptionInTransit.ClientBroker` other than `TLS`
        (`TLS_PLAINTEXT` and `PLAINTEXT` accept plaintext clients), and `in_cluster`
        / `InCluster` false. One finding per problem, at its attribute. Absent values
        take the defaults `TLS` and `true` (Terraform provider and MSK API) and pass.
    Why it matters for SOC 2:
        Checklist B "Data in Transit": event streams carry business data;
        plaintext listeners or unencrypted replication between brokers expose it in
        transmission (CC6.7).
    How to fix:
        Terraform: `encryption_in_transit { client_broker = "TLS", in_cluster = true }`.
        CloudFormation: `EncryptionInTransit: {ClientBroker: TLS, InCluster: true}`.
    References:
        - https://docs.aws.amazon.com/msk/latest/developerguide/msk-encryption.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/msk_cluster
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-encryptionintransit.html
    """
    for cluster in ctx.graph.nodes("AWS::MSK::Cluster"):
        if cluster.may_not_exist:
            yield from existence_unknown(ctx, cluster)
            continue
        broker = cluster.attr(
            tf="encryption_info.encryption_in_transit.client_broker",
            cfn="EncryptionInfo.EncryptionInTransit.ClientBroker",
        )
        if broker.unknown:
            yield from ctx.unresolved(cluster, broker)
        elif broker.known and _upper(broker.value) not in (None, "TLS"):
            yield ctx.finding(
                cluster,
                broker,
                f"{cluster.address}: `{spelled(cluster, 'client_broker', 'ClientBroker')}` is "
                f"{describe_value(broker.value)}, so clients can connect without TLS",
            )
        inside = cluster.attr(
            tf="encryption_info.encryption_in_transit.in_cluster",
            cfn="EncryptionInfo.EncryptionInTransit.InCluster",
        )
        if inside.unknown:
            yield from ctx.unresolved(cluster, inside)
        elif inside.known and to_bool(inside.value) is False:
            yield ctx.finding(
                cluster,
                inside,
                f"{cluster.address}: `{spelled(cluster, 'in_cluster', 'InCluster')}` is "
                f"{describe_value(inside.value)}, so traffic between brokers is not encrypted",
            )


RULES: tuple[Rule, ...] = (
    lb_listener_https,
    lb_tls_policy,
    cloudfront_https,
    opensearch_https,
    elasticache_in_transit,
    rds_force_tls,
    apigw_tls12,
    msk_in_transit,
)
