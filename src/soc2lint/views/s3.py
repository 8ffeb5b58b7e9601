"""One view of every S3 bucket's settings, wherever they are written.

Terraform spreads a bucket over many resources (``aws_s3_bucket_versioning``,
``aws_s3_bucket_server_side_encryption_configuration``, ``aws_s3_bucket_logging``,
...), next to the deprecated inline blocks of ``aws_s3_bucket``;
CloudFormation keeps most settings on ``AWS::S3::Bucket`` and the policy in
``AWS::S3::BucketPolicy``.  Rules ask this view, never the raw resources, so
"does this bucket have versioning" has one answer for ENC, LOG, BAK and NET
rules and for the evidence pack.

Each setting comes with its :class:`Source` (the node and attribute path where
it is written), so a finding can name the resource where the fix goes.
Precision: a separate configuration resource whose ``bucket`` cannot be
resolved to any bucket (a variable without a value, say) might configure any
bucket of its scope, so for buckets lacking that setting the view answers
*unknown* rather than *missing*.  So is the bucket policy of a CloudFormation
bucket that a pre-processor module or nested stack that was not read receives
(by reference or by its name): the policy may be written inside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import field
from typing import Any

from ..graph import ResourceGraph
from ..model import MISSING, Attr, Node, Path, Unknown, to_bool, to_int
from ..record import record
from ..settings import S3_PUBLIC_ACCESS_BLOCK
from .modules import unloaded_receivers

BUCKET = "AWS::S3::Bucket"
BUCKET_POLICY = "AWS::S3::BucketPolicy"

#: separate Terraform resources that configure a bucket, by their ``bucket`` argument
TF_BUCKET_CONFIG = (
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_website_configuration",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_replication_configuration",
    "AWS::S3::BucketPolicy",
)


class _UnknownSetting:
    """The setting may exist but cannot be attributed to a bucket."""

    def __repr__(self) -> str:
        return "UNKNOWN_SETTING"


UNKNOWN_SETTING: Any = _UnknownSetting()


@record(frozen=True)
class Source:
    """Where a setting is written: the node and the attribute path on it."""

    node: Node
    path: Path = ()

    @property
    def attr(self) -> Attr:
        value: Any = self.node.attrs
        for p in self.path:
            if isinstance(value, dict) and isinstance(p, str):
                value = value.get(p, MISSING)
            elif isinstance(value, list) and isinstance(p, int) and 0 <= p < len(value):
                value = value[p]
            else:
                value = MISSING
                break
        return Attr(self.node, self.path, value)


@record(frozen=True)
class BucketSetting:
    """One value of a setting and where it is written."""

    value: Any
    source: Source

    @property
    def known(self) -> bool:
        return not isinstance(self.value, Unknown) and self.value is not UNKNOWN_SETTING


@record
class LifecycleRule:
    """One lifecycle rule of a bucket, wherever it is written."""

    enabled: bool | None
    #: days after which current objects expire (None: never)
    expiration_days: int | Unknown | None
    #: days after which noncurrent versions expire (None: never)
    noncurrent_days: int | Unknown | None
    source: Source
    #: key prefix the rule is limited to ("" or None: every object; Unknown: not known)
    prefix: str | Unknown | None = None
    #: the rule only applies to objects carrying given tags (None: not known)
    tag_filter: bool | None = False
    #: the date on which current objects expire (ISO text, Unknown), None when not set
    expiration_date: Any = None
    #: where the current-object expiration is written (days or date), () when it is not
    expiration_path: Path = ()


@record
class ObjectLock:
    """A bucket's Object Lock setting, wherever it is written."""

    enabled: bool | None
    mode: str | Unknown | None
    #: default retention in days (years counted as 365 days); None when no default
    days: int | Unknown | None
    source: Source


@record
class BucketView:
    """A bucket and the configuration resources that apply to it."""

    bucket: Node
    #: config nodes linked to this bucket, by type (Terraform type or CFN kind)
    linked: dict[str, list[Node]] = field(default_factory=dict)
    #: config types in this bucket's scope that could not be attributed to any bucket
    unattributed: set[str] = field(default_factory=set)
    _encryption: list[BucketSetting] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _policies: list[BucketSetting] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    # ---- helpers -----------------------------------------------------------

    @property
    def name(self) -> Any:
        return self.bucket.get(tf="bucket", cfn="BucketName")

    @property
    def is_terraform(self) -> bool:
        return self.bucket.language == "terraform"

    def _configs(self, tf_type: str) -> list[Node]:
        return self.linked.get(tf_type, [])

    def _maybe_elsewhere(self, tf_type: str) -> bool:
        """An unattributed config resource of this type exists, or a linked one is uncertain."""
        if tf_type in self.unattributed:
            return True
        return any(n.meta.get("count_unknown") for n in self._configs(tf_type))

    # ---- settings ----------------------------------------------------------

    def versioning(self) -> list[BucketSetting]:
        """Versioning status values: "Enabled", "Suspended", "Disabled" or Unknown.

        Empty when versioning is not configured anywhere (the bucket is then
        unversioned); a single UNKNOWN_SETTING when it may be configured by a
        resource that could not be attributed.
        """
        out: list[BucketSetting] = []
        b = self.bucket
        if self.is_terraform:
            for a in b.attrs_at("versioning[].enabled"):
                status: Any = a.value
                if not isinstance(status, Unknown):
                    flag = to_bool(status)
                    status = (
                        Unknown(repr(status))
                        if flag is None
                        else ("Enabled" if flag else "Disabled")
                    )
                out.append(BucketSetting(status, Source(b, a.path)))
            for cfg in self._configs("aws_s3_bucket_versioning"):
                for a in cfg.attrs_at("versioning_configuration[].status"):
                    out.append(BucketSetting(_status(a.value), Source(cfg, a.path)))
        else:
            a = b.attr("VersioningConfiguration.Status")
            if a.present:
                out.append(BucketSetting(_status(a.value), Source(b, a.path)))
        if not out and self._maybe_elsewhere("aws_s3_bucket_versioning"):
            out.append(BucketSetting(UNKNOWN_SETTING, Source(b)))
        return out

    def encryption(self) -> list[BucketSetting]:
        """Default encryption rules: value = {"algorithm": ..., "kms_key": ...}."""
        if self._encryption is None:  # several rules ask each bucket
            self._encryption = self._read_encryption()
        return self._encryption

    def _read_encryption(self) -> list[BucketSetting]:
        out: list[BucketSetting] = []
        b = self.bucket
        if self.is_terraform:
            sources = [(b, "server_side_encryption_configuration[].rule[]")]
            sources += [
                (cfg, "rule[]")
                for cfg in self._configs("aws_s3_bucket_server_side_encryption_configuration")
            ]
            for node, base in sources:
                for rule in node.attrs_at(base):
                    default = rule.child("apply_server_side_encryption_by_default")
                    if isinstance(default.value, list) and default.value:
                        default = rule.child(("apply_server_side_encryption_by_default", 0))
                    value = {
                        "algorithm": default.child("sse_algorithm").value,
                        "kms_key": default.child("kms_master_key_id").value,
                    }
                    out.append(BucketSetting(value, Source(node, rule.path)))
        else:
            for rule in b.attrs_at("BucketEncryption.ServerSideEncryptionConfiguration[]"):
                d = rule.child("ServerSideEncryptionByDefault")
                value = {
                    "algorithm": d.child("SSEAlgorithm").value,
                    "kms_key": d.child("KMSMasterKeyID").value,
                }
                out.append(BucketSetting(value, Source(b, rule.path)))
        if not out and self._maybe_elsewhere("aws_s3_bucket_server_side_encryption_configuration"):
            out.append(BucketSetting(UNKNOWN_SETTING, Source(b)))
        return out

    def logging(self) -> list[BucketSetting]:
        """Server access logging: value = the target bucket (name, Unknown)."""
        out: list[BucketSetting] = []
        b = self.bucket
        if self.is_terraform:
            for a in b.attrs_at("logging[]"):
                out.append(BucketSetting(a.child("target_bucket").value, Source(b, a.path)))
            for cfg in self._configs("aws_s3_bucket_logging"):
                a = cfg.attr("target_bucket")
                out.append(BucketSetting(a.value, Source(cfg, a.path)))
        else:
            a = b.attr("LoggingConfiguration")
            if a.present:
                out.append(BucketSetting(a.child("DestinationBucketName").value, Source(b, a.path)))
        if not out and self._maybe_elsewhere("aws_s3_bucket_logging"):
            out.append(BucketSetting(UNKNOWN_SETTING, Source(b)))
        return out

    def acls(self) -> list[BucketSetting]:
        """Canned ACLs (``private``, ``public-read``...)."""
        out: list[BucketSetting] = []
        b = self.bucket
        if self.is_terraform:
            a = b.attr("acl")
            if a.present:
                out.append(BucketSetting(a.value, Source(b, a.path)))
            for cfg in self._configs("aws_s3_bucket_acl"):
                a = cfg.attr("acl")
                if a.present:
                    out.append(BucketSetting(a.value, Source(cfg, a.path)))
        else:
            a = b.attr("AccessControl")
            if a.present:
                out.append(BucketSetting(a.value, Source(b, a.path)))
        return out

    def public_access_block(self) -> list[BucketSetting]:
        """Public access block settings: value = the four flags' readings, by Terraform name."""
        out: list[BucketSetting] = []
        b = self.bucket
        if self.is_terraform:
            for cfg in self._configs("aws_s3_bucket_public_access_block"):
                value = {s.tf: s.read(cfg) for s in S3_PUBLIC_ACCESS_BLOCK}
                out.append(BucketSetting(value, Source(cfg)))
        else:
            a = b.attr("PublicAccessBlockConfiguration")
            if a.present:
                if isinstance(a.value, Unknown):
                    out.append(BucketSetting(a.value, Source(b, a.path)))
                else:
                    value = {s.tf: s.read(b) for s in S3_PUBLIC_ACCESS_BLOCK}
                    out.append(BucketSetting(value, Source(b, a.path)))
        if not out and self._maybe_elsewhere("aws_s3_bucket_public_access_block"):
            out.append(BucketSetting(UNKNOWN_SETTING, Source(b)))
        return out

    def policies(self) -> list[BucketSetting]:
        """Bucket policy documents (JSON string, dict or Unknown) and where they are written."""
        if self._policies is None:  # several rules and views ask each bucket
            self._policies = self._read_policies()
        return self._policies

    def _read_policies(self) -> list[BucketSetting]:
        out: list[BucketSetting] = []
        b = self.bucket
        if self.is_terraform:
            a = b.attr("policy")
            if a.present:
                out.append(BucketSetting(a.value, Source(b, a.path)))
        # aws_s3_bucket_policy has the kind AWS::S3::BucketPolicy (kinds.py)
        for cfg in self._configs("AWS::S3::BucketPolicy"):
            a = cfg.attr(tf="policy", cfn="PolicyDocument")
            if a.present:
                out.append(BucketSetting(a.value, Source(cfg, a.path)))
        if not out and self._maybe_elsewhere("AWS::S3::BucketPolicy"):
            out.append(BucketSetting(UNKNOWN_SETTING, Source(b)))
        return out

    def lifecycle_rules(self) -> list[LifecycleRule] | None:
        """Lifecycle rules; None when one may exist but cannot be attributed."""
        out: list[LifecycleRule] = []
        b = self.bucket
        if self.is_terraform:
            for r in b.attrs_at("lifecycle_rule[]"):
                days = r.child("expiration.days")
                date = r.child("expiration.date")
                out.append(
                    LifecycleRule(
                        enabled=r.child("enabled").as_bool(),
                        expiration_days=_days(days.value),
                        noncurrent_days=_days(r.child("noncurrent_version_expiration.days").value),
                        source=Source(b, r.path),
                        prefix=_prefix(r.child("prefix").value),
                        tag_filter=_has_tags(r.child("tags").value),
                        expiration_date=_date(date.value),
                        expiration_path=_first_written(days, date),
                    )
                )
            for cfg in self._configs("aws_s3_bucket_lifecycle_configuration"):
                for r in cfg.attrs_at("rule[]"):
                    status = r.child("status").value
                    days = r.child("expiration.days")
                    date = r.child("expiration.date")
                    prefix, tags = _tf_rule_filter(r)
                    out.append(
                        LifecycleRule(
                            enabled=_status_enabled(status),
                            expiration_days=_days(days.value),
                            noncurrent_days=_days(
                                r.child("noncurrent_version_expiration.noncurrent_days").value
                            ),
                            source=Source(cfg, r.path),
                            prefix=prefix,
                            tag_filter=tags,
                            expiration_date=_date(date.value),
                            expiration_path=_first_written(days, date),
                        )
                    )
        else:
            for r in b.attrs_at("LifecycleConfiguration.Rules[]"):
                days = r.child("ExpirationInDays")
                date = r.child("ExpirationDate")
                tag_filters = r.child("TagFilters").value
                out.append(
                    LifecycleRule(
                        enabled=_status_enabled(r.child("Status").value),
                        expiration_days=_days(days.value),
                        noncurrent_days=_days(
                            r.child("NoncurrentVersionExpiration.NoncurrentDays").value
                            if r.child("NoncurrentVersionExpiration").present
                            else r.child("NoncurrentVersionExpirationInDays").value
                        ),
                        source=Source(b, r.path),
                        prefix=_prefix(r.child("Prefix").value),
                        tag_filter=_has_tags(tag_filters),
                        expiration_date=_date(date.value),
                        expiration_path=_first_written(days, date),
                    )
                )
        if not out and self._maybe_elsewhere("aws_s3_bucket_lifecycle_configuration"):
            return None
        return out

    def object_lock(self) -> ObjectLock | None:
        """Object Lock with its default retention, or None when not configured (or unknown).

        ``ObjectLock.enabled`` is None when the setting exists but is unknown.
        """
        b = self.bucket
        if self.is_terraform:
            enabled: bool | None = None
            mode: Any = None
            days: Any = None
            src = Source(b)
            configured = False
            flag = b.attr("object_lock_enabled")
            if flag.present:
                configured = True
                enabled = flag.as_bool()
                src = Source(b, flag.path)
            inline = b.attr("object_lock_configuration")
            if inline.present:
                configured = True
                legacy = inline.child("object_lock_enabled").value
                if isinstance(legacy, str):
                    enabled = legacy == "Enabled"
                mode, days = _retention(
                    inline.child("rule.default_retention.mode").value,
                    inline.child("rule.default_retention.days").value,
                    inline.child("rule.default_retention.years").value,
                )
                src = Source(b, _retention_path(inline, "rule.default_retention", "days", "years"))
            for cfg in self._configs("aws_s3_bucket_object_lock_configuration"):
                # the separate resource can only exist on a bucket created with lock on
                configured = True
                if enabled is None:
                    enabled = True
                mode, days = _retention(
                    cfg.attr("rule.default_retention.mode").value,
                    cfg.attr("rule.default_retention.days").value,
                    cfg.attr("rule.default_retention.years").value,
                )
                src = Source(cfg, ("rule",))
                if cfg.attr("rule").present:
                    src = Source(
                        cfg, _retention_path(cfg.attr("rule"), "default_retention", "days", "years")
                    )
            if not configured:
                if self._maybe_elsewhere("aws_s3_bucket_object_lock_configuration"):
                    return ObjectLock(None, Unknown("object lock"), Unknown("object lock"), src)
                return None
            return ObjectLock(enabled, mode, days, src)
        enabled = b.attr("ObjectLockEnabled").as_bool()
        cfg_a = b.attr("ObjectLockConfiguration")
        if not cfg_a.present and enabled is None and b.attr("ObjectLockEnabled").missing:
            return None
        mode, days = _retention(
            cfg_a.child("Rule.DefaultRetention.Mode").value,
            cfg_a.child("Rule.DefaultRetention.Days").value,
            cfg_a.child("Rule.DefaultRetention.Years").value,
        )
        flag = cfg_a.child("ObjectLockEnabled").value
        if flag == "Enabled" and enabled is None:
            enabled = True
        path = (
            _retention_path(cfg_a, "Rule.DefaultRetention", "Days", "Years")
            if cfg_a.present
            else ()
        )
        return ObjectLock(enabled, mode, days, Source(b, path))


def _status(v: Any) -> Any:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, str):
        return {"enabled": "Enabled", "suspended": "Suspended", "disabled": "Disabled"}.get(
            v.lower(), v
        )
    return Unknown(repr(v))


def _status_enabled(v: Any) -> bool | None:
    if isinstance(v, str):
        return v.lower() == "enabled"
    return None if v is MISSING or isinstance(v, Unknown) else to_bool(v)


def _days(v: Any) -> int | Unknown | None:
    if v is MISSING or v is None:
        return None
    if isinstance(v, Unknown):
        return v
    n = to_int(v)
    return n if n is not None else Unknown(repr(v))


def _prefix(v: Any) -> str | Unknown | None:
    if v is MISSING or v is None:
        return None
    if isinstance(v, Unknown | str):
        return v
    return Unknown(repr(v))


def _has_tags(v: Any) -> bool | None:
    """A tag filter that restricts the rule: True when tags are given, None when unknown."""
    if v is MISSING or v is None:
        return False
    if isinstance(v, Unknown):
        return None
    if isinstance(v, dict | list):
        return bool(v)
    return None


def _date(v: Any) -> Any:
    return None if v is MISSING or v is None else v


def _first_written(*attrs: Attr) -> Path:
    for a in attrs:
        if a.present:
            return a.path
    return ()


def _tf_rule_filter(r: Attr) -> tuple[str | Unknown | None, bool | None]:
    """(prefix, tag filter) of an ``aws_s3_bucket_lifecycle_configuration`` rule.

    The prefix is written as the rule's deprecated ``prefix``, as
    ``filter { prefix }`` or as ``filter { and { prefix, tags } }``; tags as
    ``filter { tag {} }`` or inside ``and``.
    """
    prefix = _prefix(r.child("prefix").value)
    tags: bool | None = False
    flt = r.child("filter")
    if isinstance(flt.value, Unknown):
        return flt.value, None
    for f in r.children("filter[]"):
        p = _prefix(f.child("prefix").value)
        if p is not None:
            prefix = p
        if f.child("tag").present:
            tags = True
        for a in f.children("and[]"):
            p = _prefix(a.child("prefix").value)
            if p is not None:
                prefix = p
            t = _has_tags(a.child("tags").value)
            if t is True:
                tags = True
            elif t is None and tags is False:
                tags = None
    return prefix, tags


def _retention_path(base: Attr, retention: str, days: str, years: str) -> Path:
    """The path findings about a default retention point at: the days (or years)
    value when written, else ``base`` itself."""
    for unit in (days, years):
        a = base.child(f"{retention}.{unit}")
        if a.present:
            return a.path
    return base.path


def _retention(mode: Any, days: Any, years: Any) -> tuple[Any, Any]:
    m = None if mode is MISSING or mode is None else mode
    d = _days(days)
    y = _days(years)
    if isinstance(d, Unknown) or isinstance(y, Unknown):
        return m, (d if isinstance(d, Unknown) else y)
    total = None
    if d is not None:
        total = d
    if y is not None:
        total = (total or 0) + y * 365
    return m, total


def _build(graph: ResourceGraph) -> list[BucketView]:
    views: dict[str, BucketView] = {}
    for b in graph.nodes(BUCKET):
        views[b.id] = BucketView(bucket=b)
    scope_buckets: dict[str, list[BucketView]] = defaultdict(list)
    for v in views.values():
        scope_buckets[v.bucket.scope].append(v)
    for cfg_type in TF_BUCKET_CONFIG:
        for cfg in graph.nodes(cfg_type):
            via = "Bucket" if cfg.language == "cloudformation" else "bucket"
            targets = [t for t in graph.targets(cfg, BUCKET, via=via) if t.id in views]
            if not targets:
                targets = _by_bucket_name(cfg, scope_buckets.get(cfg.scope, ()))
            if targets:
                for t in targets:
                    views[t.id].linked.setdefault(cfg_type, []).append(cfg)
            elif not isinstance(cfg.get(tf="bucket", cfn="Bucket"), str):
                # bucket not resolvable: it could be any bucket of the scope
                for v in scope_buckets.get(cfg.scope, ()):
                    v.unattributed.add(cfg_type)
    for v in views.values():
        if not v.is_terraform and unloaded_receivers(graph, v.bucket, v.name):
            # a pre-processor module or nested stack that was not read receives the
            # bucket (by reference or name): it may write its bucket policy (a Rain
            # module does), so a policy the bucket lacks here is unknown.  The
            # bucket's other settings can only be its own properties.
            v.unattributed.add(BUCKET_POLICY)
    return [views[k] for k in sorted(views)]


def _by_bucket_name(cfg: Node, candidates: Iterable[BucketView]) -> list[Node]:
    name = cfg.get(tf="bucket", cfn="Bucket")
    if not isinstance(name, str):
        return []
    return [v.bucket for v in candidates if v.name == name]


def bucket_views(graph: ResourceGraph) -> list[BucketView]:
    """Every bucket with its settings (built once per graph)."""
    result: list[BucketView] = graph.view("s3.buckets", _build)
    return result


def bucket_view(graph: ResourceGraph, bucket: Node) -> BucketView:
    """The view of one bucket (a dictionary look-up, built once per graph)."""
    index: dict[str, BucketView] = graph.view(
        "s3.buckets_by_id", lambda g: {v.bucket.id: v for v in bucket_views(g)}
    )
    return index[bucket.id]


def account_public_access_block(graph: ResourceGraph, scope: str | None = None) -> list[Node]:
    """``aws_s3_account_public_access_block`` resources (all four flags checked by callers)."""
    return graph.nodes("aws_s3_account_public_access_block", scope=scope)


def kms_key_of(setting: BucketSetting) -> Any:
    """The KMS key of an encryption setting (None when SSE-S3 or not set)."""
    if not isinstance(setting.value, dict):
        return setting.value
    key = setting.value.get("kms_key")
    return None if key is MISSING else key


__all__ = [
    "UNKNOWN_SETTING",
    "BucketSetting",
    "BucketView",
    "LifecycleRule",
    "ObjectLock",
    "Source",
    "account_public_access_block",
    "bucket_view",
    "bucket_views",
    "kms_key_of",
]
