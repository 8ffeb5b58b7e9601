from __future__ import annotations

from collections.abc import Iterator

from soc2lint.model import Attr, Node, Severity
from soc2lint.rule import ACCOUNT_BASELINE, Context, RelatedRef, Report, rule
from soc2lint.views.logging import unloaded_modules

from ._shared import MONITORING, account_unknown, control_location

RECORDER = "AWS::Config::ConfigurationRecorder"
CHANNEL = "AWS::Config::DeliveryChannel"
#: Terraform only: CloudFormation starts the recorder once its delivery channel exists
STATUS = "aws_config_configuration_recorder_status"
ALL = "ALL_SUPPORTED_RESOURCE_TYPES"


def _records_everything(recorder: Node) -> tuple[bool | None, Attr]:
    """Does the recorder record every supported resource type?  (verdict, deciding attribute)

    Without a recording group AWS Config records every supported type; the provider's
    ``all_supported`` defaults to true.  A strategy other than ALL_SUPPORTED_RESOURCE_TYPES,
    ``AllSupported`` false, or a list of types without ``AllSupported`` records only some.
    """
    group = recorder.attr(tf="recording_group", cfn="RecordingGroup")
    if group.missing:
        return True, group
    if group.unknown:
        return None, group
    strategy = recorder.attr(
        tf="recording_group.recording_strategy.use_only",
        cfn="RecordingGroup.RecordingStrategy.UseOnly",
    )
    if strategy.unknown:
        return None, strategy
    if strategy.present and str(strategy.value).upper() != ALL:
        return False, strategy
    everything = recorder.attr(
        tf="recording_group.all_supported", cfn="RecordingGroup.AllSupported"
    )
    if everything.present:
        return everything.as_bool(), everything
    # not written: the provider's default is true; a list of types records only those
    types = recorder.attr(tf="recording_group.resource_types", cfn="RecordingGroup.ResourceTypes")
    if types.unknown:
        return None, types
    if types.present and types.value not in ([], None):
        return False, types
    return True, everything


def _turned_on(ctx: Context) -> tuple[bool | None, list[tuple[Node, Attr]]]:
    """An ``aws_config_configuration_recorder_status`` with ``is_enabled = true`` (there is one
    recorder per account and Region); (verdict, disabled statuses)."""
    disabled: list[tuple[Node, Attr]] = []
    unknown = False
    for status in ctx.graph.nodes(STATUS):
        a = status.attr("is_enabled")
        on = a.as_bool() if a.present and not a.unknown else (None if a.present else False)
        if on is True and not status.may_not_exist:
            return True, []
        if on is None or status.may_not_exist:
            unknown = True
        else:
            disabled.append((status, a))
    return (None if unknown else False), disabled


@rule(
    id="LOG022",
    slug="config-recorder",
    severity=Severity.MEDIUM,
    tsc=("CC7.1", "CC8.1"),
    checklist=MONITORING,
    subjects=ACCOUNT_BASELINE,
    control="The account baseline records every supported resource type with AWS Config.",
    account_scope=True,
    fix={
        "terraform": "Add an `aws_config_configuration_recorder` (with "
        "`recording_group { all_supported = true }`), an `aws_config_delivery_channel` and an "
        "`aws_config_configuration_recorder_status` with `is_enabled = true` to the account "
        "baseline.",
        "cloudformation": "Add an `AWS::Config::ConfigurationRecorder` with "
        "`RecordingGroup: {AllSupported: true}` and an `AWS::Config::DeliveryChannel` to the "
        "account baseline.",
    },
)
def config_recorder(ctx: Context) -> Iterator[Report]:
    """AWS Config does not record every configuration change in the account baseline.

    What it checks:
        Account scope: a configuration recorder (`aws_config_configuration_recorder`,
        `AWS::Config::ConfigurationRecorder`) that records all supported resource
        types (no recording group, `all_supported`/`AllSupported` true, or the
        recording strategy `ALL_SUPPORTED_RESOURCE_TYPES`; the provider's
        `all_supported` defaults to true), that is turned on (Terraform: an
        `aws_config_configuration_recorder_status` with `is_enabled = true`;
        CloudFormation starts the recorder once its delivery channel exists),
        and a delivery channel (`aws_config_delivery_channel`,
        `AWS::Config::DeliveryChannel`). One finding names every missing part;
        it points at the recorder or status that fails when there is one, else
        at the configuration (`.`). Unknown values and modules that were not
        loaded are reported under `--strict` only.
    Why it matters for SOC 2:
        AWS Config is the record of every configuration change that auditors
        sample for change management and monitoring (CC7.1, CC8.1): without it
        nobody can show what a resource looked like on a given day.
    References:
        - https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html
        - https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html
        - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-configurationrecorder.html
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/config_configuration_recorder
        - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/config_configuration_recorder_status
    """
    recorders = [r for r in ctx.graph.nodes(RECORDER) if not r.may_not_exist]
    maybe = [r for r in ctx.graph.nodes(RECORDER) if r.may_not_exist]
    if not recorders:
        for r in maybe:
            yield from ctx.unresolved(
                r,
                ("@count",) if r.language == "terraform" else ("@Condition",),
                "whether the AWS Config recorder is created",
            )
        if maybe:
            return
        if unloaded_modules(ctx.graph):
            yield from account_unknown(
                ctx, "an AWS Config recorder inside a module that was not loaded"
            )
            return
        scope, rng = control_location(ctx, ("config", "recorder", "compliance"))
        yield ctx.config_finding(
            "AWS Config is not recording: no configuration recorder in the configuration",
            scope=scope,
            range=rng,
        )
        return
    # each Region and account has one recorder; a configuration of several stacks or
    # roots may declare several: one that records everything, on, with a channel, passes
    first: tuple[list[str], tuple[Node, Attr] | None, list[RelatedRef], Node] | None = None
    for recorder in recorders:
        problems: list[str] = []
        at: tuple[Node, Attr] | None = None
        related: list[RelatedRef] = [
            RelatedRef(recorder, (), f"configuration recorder {recorder.address}")
        ]
        everything, attr = _records_everything(recorder)
        if everything is None:
            yield from ctx.unresolved(recorder, attr, "which resource types the recorder records")
            return
        if not everything:
            problems.append(
                f"{recorder.address} records only some resource types (`{attr.path_str}`)"
            )
            at = (recorder, attr)
        if recorder.language == "terraform":
            on, disabled = _turned_on(ctx)
            if on is None:
                for status in ctx.graph.nodes(STATUS):
                    yield from ctx.unresolved(
                        status, "is_enabled", "whether the AWS Config recorder is turned on"
                    )
                return
            if not on:
                if disabled:
                    status, a = disabled[0]
                    problems.append(f"it is turned off ({status.address}: `is_enabled` is false)")
                    at = at or (status, a)
                    related.append(RelatedRef(status, a.path, "recorder status"))
                else:
                    problems.append(
                        f"it is never turned on (no `{STATUS}` with `is_enabled = true`)"
                    )
        if not ctx.graph.nodes(CHANNEL):
            spelled = recorder.spelled(tf="aws_config_delivery_channel", cfn=CHANNEL)
            problems.append(f"it has no delivery channel (`{spelled}`)")
        if not problems:
            return
        if first is None:
            first = (problems, at, related, recorder)
    assert first is not None
    problems, at, related, recorder = first
    node, a = at if at is not None else (recorder, recorder.attr(""))
    yield ctx.config_finding(
        "AWS Config does not record every change: " + "; ".join(problems),
        scope=node.scope,
        range=node.location_of(a.path) if at is not None else node.location_of(()),
        related=related,
    )
