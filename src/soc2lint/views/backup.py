"""Backup coverage: which backup mechanism protects which stateful resource.

One answer for BAK001, BAK002, BAK007 and the evidence pack.  The mechanisms:

* **AWS Backup**: an ``aws_backup_selection`` / ``AWS::Backup::BackupSelection``
  assigns resources to a plan by ARN (a reference such as
  ``aws_db_instance.main.arn`` or ``!GetAtt Table.Arn``, a literal ARN, an ARN
  with wildcards such as ``arn:aws:rds:*:*:db:*`` or ``*``), by tag
  (``selection_tag`` / ``ListOfTags``, any of which matches) and by conditions
  (``condition { string_equals ... }`` / ``Conditions``, all of which must
  match), minus ``not_resources``.  Tags are the resource's ``tags_all`` when
  the provider has ``default_tags``, else ``tags``; CloudFormation ``Tags``
  (``FileSystemTags`` for EFS).  A selection with no resources, tags or
  conditions selects every supported resource (AWS Backup API reference).  The
  plan's retention comes from its rules' ``lifecycle.delete_after`` /
  ``Lifecycle.DeleteAfterDays``; a rule without one keeps recovery points
  forever.
* **Data Lifecycle Manager**: an enabled ``aws_dlm_lifecycle_policy`` /
  ``AWS::DLM::LifecyclePolicy`` covers EBS volumes carrying any of its target
  tags (resource type ``VOLUME``), or attached to an instance carrying one
  (``INSTANCE``).
* **EFS automatic backups**: ``aws_efs_backup_policy`` with status
  ``ENABLED``; CloudFormation ``BackupPolicy.Status: ENABLED`` on the file system.
* **DynamoDB point-in-time recovery** (``point_in_time_recovery.enabled``,
  ``PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled``).

Precision: a mechanism that may cover a resource but cannot be decided (a
selection whose ARNs come from a variable without value, a tag value that is
unknown, a backup policy whose file system cannot be resolved) makes the
resource's coverage *unknown*, never "not covered".  Unknown exclusions
(``not_resources``) are ignored, so coverage errs towards "covered".
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import field
from typing import Any, Literal

from ..graph import ResourceGraph
from ..model import MISSING, Node, Path, Unknown, to_int
from ..record import record
from ..settings import DYNAMODB_PITR

Tri = bool | None
Mechanism = Literal["aws-backup", "dlm", "efs-backup-policy", "pitr"]

SELECTION = "AWS::Backup::BackupSelection"
PLAN = "AWS::Backup::BackupPlan"
DLM_POLICY = "AWS::DLM::LifecyclePolicy"
EFS = "AWS::EFS::FileSystem"
EBS_VOLUME = "AWS::EC2::Volume"
DYNAMODB_TABLE = "AWS::DynamoDB::Table"
EC2_INSTANCE = "AWS::EC2::Instance"
VOLUME_ATTACHMENT = "AWS::EC2::VolumeAttachment"
TF_EFS_BACKUP_POLICY = "aws_efs_backup_policy"

#: kinds a backup mechanism can protect -> (ARN service, resource type + separator,
#: Terraform name attribute, CloudFormation name property)
PROTECTED: dict[str, tuple[str, str, str | None, str | None]] = {
    "AWS::RDS::DBInstance": ("rds", "db:", "identifier", "DBInstanceIdentifier"),
    "AWS::RDS::DBCluster": ("rds", "cluster:", "cluster_identifier", "DBClusterIdentifier"),
    "AWS::DocDB::DBCluster": ("rds", "cluster:", "cluster_identifier", "DBClusterIdentifier"),
    "AWS::Neptune::DBCluster": ("rds", "cluster:", "cluster_identifier", "DBClusterIdentifier"),
    DYNAMODB_TABLE: ("dynamodb", "table/", "name", "TableName"),
    "AWS::DynamoDB::GlobalTable": ("dynamodb", "table/", "name", "TableName"),
    EBS_VOLUME: ("ec2", "volume/", None, None),
    EFS: ("elasticfilesystem", "file-system/", None, None),
}


# --------------------------------------------------------------------------
# three-valued logic
# --------------------------------------------------------------------------


def _or(values: Iterable[Tri]) -> Tri:
    out: Tri = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None
    return out


def _and(values: Iterable[Tri]) -> Tri:
    out: Tri = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------


@record(frozen=True)
class Protection:
    """One mechanism that protects a resource.

    ``retention`` lists the retention of each backup rule in days: an int,
    None for "kept forever" (no lifecycle), or Unknown.  An empty tuple means
    the retention is not expressed in days (a count-based DLM rule).
    """

    mechanism: Mechanism
    source: Node
    path: Path = ()
    plan: Node | None = None
    retention: tuple[int | Unknown | None, ...] = ()

    def keeps_at_least(self, days: int) -> Tri:
        """Whether some rule keeps recovery points ``days`` days or longer."""
        verdicts: list[Tri] = []
        for r in self.retention:
            if r is None:
                verdicts.append(True)
            elif isinstance(r, Unknown):
                verdicts.append(None)
            else:
                verdicts.append(r >= days)
        return _or(verdicts) if verdicts else None


@record
class Coverage:
    """Every mechanism found to protect one resource, and those that might."""

    resource: Node
    protections: list[Protection] = field(default_factory=list)
    #: mechanisms that may protect the resource but cannot be decided: (node, why)
    undecided: list[tuple[Node, str]] = field(default_factory=list)

    @property
    def covered(self) -> Tri:
        """True when some mechanism protects it, None when that cannot be decided."""
        if self.protections:
            return True
        return None if self.undecided else False

    def by(self, *mechanisms: Mechanism) -> list[Protection]:
        return [p for p in self.protections if p.mechanism in mechanisms]

    def covered_by(self, *mechanisms: Mechanism) -> Tri:
        if self.by(*mechanisms):
            return True
        return None if self.undecided else False

    def aws_backup_keeps(self, days: int) -> Tri:
        """Whether an AWS Backup plan that selects the resource keeps points ``days`` days."""
        verdicts = [p.keeps_at_least(days) for p in self.by("aws-backup")]
        verdict = _or(verdicts)
        if verdict is False and self.undecided:
            return None
        if not verdicts:
            return None if self.undecided else False
        return verdict


# --------------------------------------------------------------------------
# resource facts
# --------------------------------------------------------------------------


def resource_tags(node: Node) -> dict[str, Any] | Unknown:
    """The tags a resource carries (values may be Unknown); Unknown when they cannot be known."""
    if node.language == "terraform":
        for key in ("tags_all", "tags"):
            v = node.attrs.get(key, MISSING)
            if isinstance(v, Unknown):
                return v
            if isinstance(v, dict):
                return v
        return {}
    key = "FileSystemTags" if node.kind == EFS else "Tags"
    v = node.attrs.get(key, MISSING)
    if isinstance(v, Unknown):
        return v
    if isinstance(v, dict):  # some types (SSM, DLM) take a map
        return v
    if not isinstance(v, list):
        return {}
    out: dict[str, Any] = {}
    for item in v:
        if isinstance(item, Unknown):
            return item
        if isinstance(item, dict):
            k = item.get("Key")
            if isinstance(k, Unknown):
                return k
            if isinstance(k, str):
                out[k] = item.get("Value")
    return out


def _tag_equals(tags: dict[str, Any] | Unknown, key: Any, value: Any, *, like: bool) -> Tri:
    if isinstance(tags, Unknown) or isinstance(key, Unknown) or isinstance(value, Unknown):
        return None
    if not isinstance(key, str):
        return None
    if key not in tags:
        # an Unknown-valued key elsewhere cannot be this one: keys are known
        return False
    actual = tags[key]
    if isinstance(actual, Unknown) or not isinstance(value, str):
        return None
    actual_s = actual if isinstance(actual, str) else str(actual).lower()
    if like:
        return fnmatch.fnmatchcase(actual_s, value)
    return actual_s == value


def _resource_name(node: Node) -> str | Unknown | None:
    spec = PROTECTED.get(node.kind)
    if spec is None or spec[2] is None:
        return None
    v = node.get(tf=spec[2], cfn=spec[3])
    if isinstance(v, str):
        return v
    return Unknown(str(v)) if isinstance(v, Unknown) else None


_ARN_TEMPLATE = re.compile(r"\$\{[^}]*\}")


def arn_pattern_matches(pattern: str, node: Node) -> Tri:
    """Whether an ARN (possibly with ``*``/``?`` wildcards) selects ``node``.

    Region and account parts are not compared (they are rarely known
    statically).  A resource whose name is unknown matches a pattern only
    when the pattern covers every name of its type (``db:*``); a narrower
    pattern of the right type gives None.
    """
    spec = PROTECTED.get(node.kind)
    if spec is None:
        return False
    if pattern.strip() == "*":
        return True
    parts = pattern.split(":", 5)
    if len(parts) < 6 or not fnmatch.fnmatchcase("arn", parts[0]):
        return False
    service, resource = parts[2], parts[5]
    if not fnmatch.fnmatchcase(spec[0], service):
        return False
    prefix = spec[1]
    name = _resource_name(node)
    if isinstance(name, str):
        return fnmatch.fnmatchcase(prefix + name, resource)
    if fnmatch.fnmatchcase(prefix + "x0", resource) and fnmatch.fnmatchcase(
        prefix + "Q-9.z", resource
    ):
        return True
    literal = re.split(r"[*?\[]", resource, maxsplit=1)[0]
    if literal.startswith(prefix) or prefix.startswith(literal):
        return None
    return False


# --------------------------------------------------------------------------
# AWS Backup
# --------------------------------------------------------------------------


def plan_retention(plan: Node) -> tuple[int | Unknown | None, ...]:
    """The retention of each rule of a backup plan (days, None = forever, Unknown)."""
    if plan.language == "terraform":
        rules = plan.attr("rule")
        lifecycle_path, delete_key = "lifecycle", "delete_after"
    else:
        rules = plan.attr("BackupPlan.BackupPlanRule")
        lifecycle_path, delete_key = "Lifecycle", "DeleteAfterDays"
    if isinstance(rules.value, Unknown):
        return (rules.value,)
    if not isinstance(rules.value, list):
        return ()
    out: list[int | Unknown | None] = []
    for rule in rules.children("[]"):
        if isinstance(rule.value, Unknown):
            out.append(rule.value)
            continue
        out.append(_days(rule.child(lifecycle_path).child(delete_key).value))
    return tuple(out)


def plan_rules(plan: Node) -> list[tuple[Path, Any]]:
    """(attribute path of the rule's delete-after value, value) for each rule of a plan.

    The value is MISSING when the rule keeps recovery points forever.
    """
    if plan.language == "terraform":
        rules = plan.attr("rule")
        lifecycle_path, delete_key = "lifecycle", "delete_after"
    else:
        rules = plan.attr("BackupPlan.BackupPlanRule")
        lifecycle_path, delete_key = "Lifecycle", "DeleteAfterDays"
    if not isinstance(rules.value, list):
        return []
    out: list[tuple[Path, Any]] = []
    for rule in rules.children("[]"):
        a = rule.child(lifecycle_path).child(delete_key)
        out.append((a.path, a.value))
    return out


def _days(v: Any) -> int | Unknown | None:
    if v is MISSING or v is None:
        return None
    if isinstance(v, Unknown):
        return v
    n = to_int(v)
    return n if n is not None else Unknown(repr(v))


@record
class _Selection:
    """An AWS Backup selection: what it selects and the retention of its plan."""

    node: Node
    plan: Node | None
    retention: tuple[int | Unknown | None, ...]
    #: resources selected by reference (edges), by id
    ref_selected: set[str]
    ref_excluded: set[str]
    #: literal / wildcard ARN patterns
    patterns: list[str]
    exclude_patterns: list[str]
    #: an element of `resources` that cannot be resolved
    resources_unknown: str
    #: ListOfTags entries: (key, value)
    tags: list[tuple[Any, Any]]
    #: Conditions: (operator, key, value)
    conditions: list[tuple[str, Any, Any]]
    conditions_unknown: str


_TF_CONDITIONS = {
    "string_equals": "StringEquals",
    "string_like": "StringLike",
    "string_not_equals": "StringNotEquals",
    "string_not_like": "StringNotLike",
}


def _edge_ids(graph: ResourceGraph, node: Node, via: str) -> set[str]:
    return {
        other.id
        for _, other in graph.edges(node, "out", via=via)
        if other.kind in PROTECTED and other.id != node.id
    }


def _arn_elements(
    graph: ResourceGraph, node: Node, value: Any, via: str
) -> tuple[set[str], list[str], str]:
    """(ids selected by reference, ARN patterns, why undecidable or "")."""
    ids = _edge_ids(graph, node, via)
    patterns: list[str] = []
    unknown = ""
    if isinstance(value, Unknown):
        if not ids:
            unknown = f"`{via}` is {value.expr or 'unknown'}"
        return ids, patterns, unknown
    items = value if isinstance(value, list) else ([] if value in (MISSING, None) else [value])
    for item in items:
        if isinstance(item, str):
            patterns.append(item)
        elif isinstance(item, Unknown):
            if "arn:" in item.expr and "${" in item.expr:
                # an interpolated ARN: the interpolations become wildcards
                expr = item.expr.strip().strip('"')
                patterns.append(_ARN_TEMPLATE.sub("*", expr))
            elif not unknown and (not item.refs or not ids):
                unknown = f"`{via}` element {item.expr or 'unknown'}"
    return ids, patterns, unknown


def _selection(graph: ResourceGraph, sel: Node) -> _Selection:
    tf = sel.language == "terraform"
    plans = graph.targets(sel, PLAN, via="plan_id" if tf else "BackupPlanId")
    plan = plans[0] if plans else None
    retention: tuple[int | Unknown | None, ...] = (
        plan_retention(plan) if plan is not None else (Unknown("backup plan not in configuration"),)
    )
    base = "" if tf else "BackupSelection."
    res_key = "resources" if tf else "Resources"
    not_key = "not_resources" if tf else "NotResources"
    ref_ids, patterns, res_unknown = _arn_elements(
        graph, sel, sel.attr(base + res_key).value, base + res_key
    )
    ex_ids, ex_patterns, _ = _arn_elements(
        graph, sel, sel.attr(base + not_key).value, base + not_key
    )
    tags: list[tuple[Any, Any]] = []
    conditions: list[tuple[str, Any, Any]] = []
    cond_unknown = ""
    if tf:
        st = sel.attr("selection_tag")
        if isinstance(st.value, Unknown):
            tags.append((st.value, st.value))
        for t in st.children("[]"):
            if isinstance(t.value, dict):
                op = t.child("type").value
                if isinstance(op, str) and op.upper() != "STRINGEQUALS":
                    continue
                tags.append((t.child("key").value, t.child("value").value))
        cond = sel.attr("condition")
        if isinstance(cond.value, Unknown):
            cond_unknown = "`condition` is unknown"
        for block in cond.children("[]"):
            for tf_op, op in _TF_CONDITIONS.items():
                for c in block.children(f"{tf_op}[]"):
                    conditions.append((op, c.child("key").value, c.child("value").value))
    else:
        lot = sel.attr("BackupSelection.ListOfTags")
        if isinstance(lot.value, Unknown):
            tags.append((lot.value, lot.value))
        for t in lot.children("[]"):
            if isinstance(t.value, Unknown):
                tags.append((t.value, t.value))
                continue
            op = t.child("ConditionType").value
            if isinstance(op, str) and op.upper() != "STRINGEQUALS":
                continue
            tags.append((t.child("ConditionKey").value, t.child("ConditionValue").value))
        cond = sel.attr("BackupSelection.Conditions")
        if isinstance(cond.value, Unknown):
            cond_unknown = "`Conditions` is unknown"
        elif isinstance(cond.value, dict):
            for op in _TF_CONDITIONS.values():
                for c in cond.children(f"{op}[]"):
                    if isinstance(c.value, Unknown):
                        cond_unknown = f"`Conditions.{op}` is unknown"
                        continue
                    conditions.append(
                        (op, c.child("ConditionKey").value, c.child("ConditionValue").value)
                    )
    return _Selection(
        node=sel,
        plan=plan,
        retention=retention,
        ref_selected=ref_ids,
        ref_excluded=ex_ids,
        patterns=patterns,
        exclude_patterns=ex_patterns,
        resources_unknown=res_unknown,
        tags=tags,
        conditions=conditions,
        conditions_unknown=cond_unknown,
    )


def _condition_key(key: Any) -> Any:
    if isinstance(key, str) and key.startswith("aws:ResourceTag/"):
        return key[len("aws:ResourceTag/") :]
    return key


def _selects(s: _Selection, node: Node) -> tuple[Tri, str]:
    """Whether the selection assigns ``node`` to its plan, and why it is undecided."""
    if node.id in s.ref_excluded:
        return False, ""
    for p in s.exclude_patterns:
        if arn_pattern_matches(p, node) is True:
            return False, ""
    tags = resource_tags(node)
    by_resource: list[Tri] = []
    if node.id in s.ref_selected:
        by_resource.append(True)
    by_resource.extend(arn_pattern_matches(p, node) for p in s.patterns)
    if s.resources_unknown:
        by_resource.append(None)
    by_tag: list[Tri] = [_tag_equals(tags, k, v, like=False) for k, v in s.tags]
    has_resources = bool(s.patterns or s.ref_selected or s.resources_unknown)
    if not has_resources and not s.tags:
        # no resources and no tags: every supported resource, filtered by conditions
        included: Tri = True
    else:
        included = _or([*by_resource, *by_tag])
    if included is False:
        return False, ""
    cond: list[Tri] = []
    for op, key, value in s.conditions:
        k = _condition_key(key)
        if op == "StringEquals":
            cond.append(_tag_equals(tags, k, value, like=False))
        elif op == "StringLike":
            cond.append(_tag_equals(tags, k, value, like=True))
        elif op == "StringNotEquals":
            r = _tag_equals(tags, k, value, like=False)
            cond.append(None if r is None else not r)
        else:
            r = _tag_equals(tags, k, value, like=True)
            cond.append(None if r is None else not r)
    if s.conditions_unknown:
        cond.append(None)
    verdict = _and([included, *cond])
    why = ""
    if verdict is None:
        why = (
            s.resources_unknown or s.conditions_unknown or "its tag conditions cannot be evaluated"
        )
    return verdict, why


# --------------------------------------------------------------------------
# DLM, EFS backup policies, PITR
# --------------------------------------------------------------------------


@record
class _DlmPolicy:
    """A Data Lifecycle Manager policy: what it snapshots and for how long."""

    node: Node
    enabled: Tri
    resource_types: list[str] | None  # None: unknown
    target_tags: list[tuple[Any, Any]] | None  # None: unknown
    retention: tuple[int | Unknown | None, ...]


_UNIT_DAYS = {"DAYS": 1, "WEEKS": 7, "MONTHS": 30, "YEARS": 365}


def _dlm(node: Node) -> _DlmPolicy:
    tf = node.language == "terraform"
    state = node.attr(tf="state", cfn="State")
    if state.missing:
        enabled: Tri = True
    elif isinstance(state.value, str):
        enabled = state.value.upper() == "ENABLED"
    else:
        enabled = None
    details = node.attr(tf="policy_details", cfn="PolicyDetails")
    rtypes_a = details.child("resource_types" if tf else "ResourceTypes")
    rtypes: list[str] | None
    if rtypes_a.missing:
        rtypes = ["VOLUME"]
    elif isinstance(rtypes_a.value, list) and all(isinstance(x, str) for x in rtypes_a.value):
        rtypes = [str(x).upper() for x in rtypes_a.value]
    else:
        rtypes = None
    tags_a = details.child("target_tags" if tf else "TargetTags")
    target: list[tuple[Any, Any]] | None = []
    if isinstance(tags_a.value, Unknown) or isinstance(details.value, Unknown):
        target = None
    elif isinstance(tags_a.value, dict):
        target = list(tags_a.value.items())
    elif isinstance(tags_a.value, list):
        pairs: list[tuple[Any, Any]] = []
        for t in tags_a.value:
            if not isinstance(t, dict):
                break
            pairs.append((t.get("Key"), t.get("Value")))
        else:
            target = pairs
        if len(pairs) != len(tags_a.value):
            target = None
    retention: list[int | Unknown | None] = []
    schedules = details.children("schedule[]" if tf else "Schedules[]")
    for sch in schedules:
        rr = sch.child("retain_rule" if tf else "RetainRule")
        interval = rr.child("interval" if tf else "Interval").value
        unit = rr.child("interval_unit" if tf else "IntervalUnit").value
        if interval is MISSING:
            continue  # count-based: not expressed in days
        n = to_int(interval) if not isinstance(interval, Unknown) else None
        if n is None or not isinstance(unit, str) or unit.upper() not in _UNIT_DAYS:
            retention.append(Unknown("retain_rule"))
        else:
            retention.append(n * _UNIT_DAYS[unit.upper()])
    return _DlmPolicy(node, enabled, rtypes, target, tuple(retention))


def _dlm_targets(policy: _DlmPolicy, tags: dict[str, Any] | Unknown) -> Tri:
    if policy.target_tags is None:
        return None
    return _or(_tag_equals(tags, k, v, like=False) for k, v in policy.target_tags)


def _attached_instances(graph: ResourceGraph, volume: Node) -> list[Node]:
    out: dict[str, Node] = {}
    for att in graph.referrers(volume, VOLUME_ATTACHMENT):
        for inst in graph.targets(att, EC2_INSTANCE):
            out[inst.id] = inst
    for inst in graph.referrers(volume, EC2_INSTANCE, via="Volumes"):
        out[inst.id] = inst
    return list(out.values())


# --------------------------------------------------------------------------
# building the view
# --------------------------------------------------------------------------


def _candidates(graph: ResourceGraph) -> Iterator[Node]:
    from .databases import is_cluster_member

    for kind in PROTECTED:
        for n in graph.nodes(kind):
            if not is_cluster_member(n):
                yield n


def _build(graph: ResourceGraph) -> dict[str, Coverage]:
    out: dict[str, Coverage] = {}
    by_scope: dict[str, list[Coverage]] = defaultdict(list)
    for n in _candidates(graph):
        cov = Coverage(n)
        out[n.id] = cov
        by_scope[n.scope].append(cov)

    # AWS Backup selections
    for sel_node in graph.nodes(SELECTION):
        s = _selection(graph, sel_node)
        for cov in by_scope.get(sel_node.scope, ()):
            verdict, why = _selects(s, cov.resource)
            if verdict is True:
                cov.protections.append(Protection("aws-backup", sel_node, (), s.plan, s.retention))
            elif verdict is None:
                cov.undecided.append((sel_node, why))

    # DLM policies (EBS volumes)
    for pol_node in graph.nodes(DLM_POLICY):
        pol = _dlm(pol_node)
        if pol.enabled is False:
            continue
        for cov in by_scope.get(pol_node.scope, ()):
            if cov.resource.kind != EBS_VOLUME:
                continue
            if pol.resource_types is None or pol.enabled is None:
                cov.undecided.append((pol_node, "its state or resource types are unknown"))
                continue
            verdicts: list[Tri] = []
            if "VOLUME" in pol.resource_types:
                verdicts.append(_dlm_targets(pol, resource_tags(cov.resource)))
            if "INSTANCE" in pol.resource_types:
                for inst in _attached_instances(graph, cov.resource):
                    verdicts.append(_dlm_targets(pol, resource_tags(inst)))
            verdict = _or(verdicts)
            if verdict is True:
                cov.protections.append(Protection("dlm", pol_node, (), None, pol.retention))
            elif verdict is None:
                cov.undecided.append((pol_node, "its target tags cannot be evaluated"))

    # EFS automatic backups
    for cov in out.values():
        fs = cov.resource
        if fs.kind == EFS and fs.language == "cloudformation":
            status = fs.attr("BackupPolicy.Status")
            if isinstance(status.value, str) and status.value.upper() == "ENABLED":
                cov.protections.append(Protection("efs-backup-policy", fs, status.path))
            elif isinstance(status.value, Unknown):
                cov.undecided.append((fs, "`BackupPolicy.Status` is unknown"))
    for bp in graph.nodes(TF_EFS_BACKUP_POLICY):
        status = bp.attr("backup_policy.status")
        targets = [out[t.id] for t in graph.targets(bp, EFS, via="file_system_id") if t.id in out]
        if not targets:
            fs_id = bp.get("file_system_id")
            targets = [
                c
                for c in by_scope.get(bp.scope, ())
                if c.resource.kind == EFS and isinstance(fs_id, str) and fs_id in _ids(c.resource)
            ]
            if not targets and not isinstance(fs_id, str):
                targets = [c for c in by_scope.get(bp.scope, ()) if c.resource.kind == EFS]
                for c in targets:
                    c.undecided.append((bp, "its `file_system_id` cannot be resolved"))
                continue
        for c in targets:
            if isinstance(status.value, str) and status.value.upper() == "ENABLED":
                c.protections.append(Protection("efs-backup-policy", bp, status.path))
            elif isinstance(status.value, Unknown) or bp.meta.get("count_unknown"):
                c.undecided.append((bp, "its status is unknown"))

    # DynamoDB point-in-time recovery
    for cov in out.values():
        t = cov.resource
        if t.kind != DYNAMODB_TABLE:
            continue
        pitr = DYNAMODB_PITR.read(t)
        if pitr.ok:
            days = t.get(
                tf="point_in_time_recovery.recovery_period_in_days",
                cfn="PointInTimeRecoverySpecification.RecoveryPeriodInDays",
                default=35,
            )
            period = to_int(days) if not isinstance(days, Unknown) else None
            cov.protections.append(
                Protection(
                    "pitr",
                    t,
                    pitr.attr.path,
                    None,
                    (period if period is not None else Unknown("days"),),
                )
            )
    return out


def _ids(node: Node) -> list[str]:
    return [v for k in ("id", "arn") if isinstance(v := node.attrs.get(k), str)]


def coverage_table(graph: ResourceGraph) -> dict[str, Coverage]:
    """Coverage of every stateful resource, by node id (built once per graph)."""
    table: dict[str, Coverage] = graph.view("backup.coverage", _build)
    return table


def coverage(graph: ResourceGraph, node: Node) -> Coverage:
    """The backup coverage of one resource (empty when it is not a protectable kind)."""
    found = coverage_table(graph).get(node.id)
    return found if found is not None else Coverage(node)


__all__ = [
    "PROTECTED",
    "Coverage",
    "Protection",
    "arn_pattern_matches",
    "coverage",
    "coverage_table",
    "plan_retention",
    "plan_rules",
    "resource_tags",
]
