"""AWS SAM: ``Globals`` merging and the mapping of Serverless resources onto the kinds they create.

cfn-lint (1.54+) no longer transforms SAM templates, so this module does
the two things the analyzer needs:

* :func:`merge_globals` merges a ``Globals`` section into each
  ``AWS::Serverless::*`` resource the way SAM does (mappings merge with the
  resource's keys winning, lists are the global items followed by the
  resource's, scalars and intrinsic functions are overridden by the
  resource), on the *written* template, so every merged value keeps the
  position where it was written (in ``Globals`` or in the resource);
* :func:`adapt_sam` adds, to the evaluated attributes, the spelling of the
  CloudFormation resource the SAM resource becomes (``Tracing`` ->
  ``TracingConfig.Mode``, ``PrimaryKey`` -> ``KeySchema``...), copying the
  locations.  SAM-only properties (``Policies``, ``Events``,
  ``AccessLogSetting``, ``MethodSettings``, ``StageName``, ``Domain``...) are
  kept as written.  The table is documented in docs/graph-conventions.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Path, Unknown
from .intrinsics import intrinsic_name
from .nodes import Span, YDict, YList

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

#: Globals section -> the resource type it applies to
GLOBALS_SECTIONS: dict[str, str] = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "StateMachine": "AWS::Serverless::StateMachine",
    "LayerVersion": "AWS::Serverless::LayerVersion",
    "CapacityProvider": "AWS::Serverless::CapacityProvider",
    "WebSocketApi": "AWS::Serverless::WebSocketApi",
}


def transforms(template: Mapping[Any, Any]) -> list[str]:
    """The template's ``Transform`` names (a string or a list of strings)."""
    raw = template.get("Transform")
    if isinstance(raw, str):
        return [str(raw)]
    if isinstance(raw, list):
        return [str(t) for t in raw if isinstance(t, str)]
    return []


def is_sam(template: Mapping[Any, Any]) -> bool:
    return SAM_TRANSFORM in transforms(template)


def globals_by_type(template: Mapping[Any, Any]) -> dict[str, YDict]:
    """Resource type -> the written global properties for it."""
    section = template.get("Globals")
    out: dict[str, YDict] = {}
    if not isinstance(section, dict):
        return out
    for name, props in section.items():
        rtype = GLOBALS_SECTIONS.get(str(name))
        if rtype is not None and isinstance(props, YDict):
            out[rtype] = props
    return out


def properties_with_globals(resource: Mapping[Any, Any], global_props: YDict | None) -> Any:
    """The resource's written ``Properties`` with the global ones merged in."""
    local = resource.get("Properties")
    if global_props is None:
        return local
    ignore = resource.get("IgnoreGlobals")
    if ignore == "*":
        return local
    glob = global_props
    if isinstance(ignore, list):
        skip = {str(i) for i in ignore}
        glob = YDict(global_props.span)
        for k, v in global_props.items():
            if str(k) not in skip:
                glob[k] = v
        glob.value_spans = global_props.value_spans
    if not isinstance(local, dict):
        local = YDict(getattr(resource, "span", None))
    return merge_globals(glob, local)


def merge_globals(glob: Any, local: Any) -> Any:
    """SAM's merge: dicts deep (local keys win), lists concatenated, anything else local."""
    if isinstance(glob, dict) and isinstance(local, dict):
        if intrinsic_name(glob) is not None or intrinsic_name(local) is not None:
            return local
        out = YDict(getattr(local, "span", None) or getattr(glob, "span", None))
        spans: dict[Any, Any] = {}
        glob_spans = getattr(glob, "value_spans", None) or {}
        local_spans = getattr(local, "value_spans", None) or {}
        for k, v in glob.items():
            out[k] = v
            if k in glob_spans:
                spans[k] = glob_spans[k]
        for k, v in local.items():
            if k in out:
                del out[k]
                spans.pop(k, None)
                out[k] = merge_globals(glob[k], v)
            else:
                out[k] = v
            if k in local_spans:
                spans[k] = local_spans[k]
        out.value_spans = spans or None
        return out
    if isinstance(glob, list) and isinstance(local, list):
        return YList(getattr(local, "span", None), [*glob, *local])
    return local


# --------------------------------------------------------------------------
# attribute mapping onto the created resource's spelling
# --------------------------------------------------------------------------


class _Adapter:
    def __init__(self, attrs: dict[str, Any], locations: dict[Path, Span]) -> None:
        self.attrs = attrs
        self.locations = locations

    def alias(self, src: str, dst: str) -> None:
        """Copy ``src`` to ``dst`` (unless ``dst`` is written), with its locations."""
        if src in self.attrs and dst not in self.attrs:
            self.attrs[dst] = self.attrs[src]
            self.copy_locations((src,), (dst,))

    def copy_locations(self, src: Path, dst: Path) -> None:
        n = len(src)
        for path, loc in list(self.locations.items()):
            if path[:n] == src:
                self.locations.setdefault(dst + path[n:], loc)

    def tags_to_list(self) -> None:
        """SAM writes ``Tags`` as a map; the created resources take ``[{Key, Value}]``."""
        tags = self.attrs.get("Tags")
        if not isinstance(tags, dict):
            return
        out: list[dict[str, Any]] = []
        old = {p: loc for p, loc in self.locations.items() if p[:1] == ("Tags",) and len(p) > 1}
        for p in old:
            del self.locations[p]
        for i, (k, v) in enumerate(tags.items()):
            out.append({"Key": k, "Value": v})
            loc = old.get(("Tags", k))
            if loc is not None:
                for sub in ((), ("Key",), ("Value",)):
                    tag_path: Path = ("Tags", i, *sub)
                    self.locations[tag_path] = loc
        self.attrs["Tags"] = out

    def s3_location(self, src: str, dst: str, bucket: str, key: str, version: str) -> None:
        """``s3://bucket/key`` or ``{Bucket, Key, Version}`` into the created resource's shape."""
        value = self.attrs.get(src)
        loc: dict[str, Any] | None = None
        if isinstance(value, str) and value.startswith("s3://"):
            b, _, k = value[len("s3://") :].partition("/")
            loc = {bucket: b, key: k}
        elif isinstance(value, dict) and ("Bucket" in value or "Key" in value):
            loc = {}
            for sam_key, cfn_key in (("Bucket", bucket), ("Key", key), ("Version", version)):
                if sam_key in value:
                    loc[cfn_key] = value[sam_key]
        if loc is not None and dst not in self.attrs:
            self.attrs[dst] = loc
            self.copy_locations((src,), (dst,))


def adapt_sam(sam_type: str, attrs: dict[str, Any], locations: dict[Path, Span]) -> dict[str, Any]:
    """Add the created resource's spelling of SAM properties (in place; returns ``attrs``)."""
    a = _Adapter(attrs, locations)
    if sam_type == "AWS::Serverless::Function":
        _function(a)
    elif sam_type == "AWS::Serverless::Api":
        _rest_api(a)
    elif sam_type == "AWS::Serverless::HttpApi":
        _http_api(a)
    elif sam_type == "AWS::Serverless::SimpleTable":
        _simple_table(a)
    elif sam_type == "AWS::Serverless::StateMachine":
        _state_machine(a)
    elif sam_type == "AWS::Serverless::LayerVersion":
        a.s3_location("ContentUri", "Content", "S3Bucket", "S3Key", "S3ObjectVersion")
    elif sam_type == "AWS::Serverless::Application":
        a.tags_to_list()
        if isinstance(attrs.get("Location"), str | Unknown):
            a.alias("Location", "TemplateURL")
    return attrs


def _function(a: _Adapter) -> None:
    attrs = a.attrs
    if "Tracing" in attrs and "TracingConfig" not in attrs:
        attrs["TracingConfig"] = {"Mode": attrs["Tracing"]}
        a.copy_locations(("Tracing",), ("TracingConfig",))
        a.copy_locations(("Tracing",), ("TracingConfig", "Mode"))
    dlq = attrs.get("DeadLetterQueue")
    if isinstance(dlq, dict) and "TargetArn" in dlq and "DeadLetterConfig" not in attrs:
        attrs["DeadLetterConfig"] = {"TargetArn": dlq["TargetArn"]}
        a.copy_locations(("DeadLetterQueue",), ("DeadLetterConfig",))
        a.copy_locations(("DeadLetterQueue", "TargetArn"), ("DeadLetterConfig", "TargetArn"))
    if "Code" not in attrs:
        if "InlineCode" in attrs:
            attrs["Code"] = {"ZipFile": attrs["InlineCode"]}
            a.copy_locations(("InlineCode",), ("Code",))
            a.copy_locations(("InlineCode",), ("Code", "ZipFile"))
        elif "ImageUri" in attrs:
            attrs["Code"] = {"ImageUri": attrs["ImageUri"]}
            a.copy_locations(("ImageUri",), ("Code",))
            a.copy_locations(("ImageUri",), ("Code", "ImageUri"))
        else:
            a.s3_location("CodeUri", "Code", "S3Bucket", "S3Key", "S3ObjectVersion")
    a.tags_to_list()


def _rest_api(a: _Adapter) -> None:
    attrs = a.attrs
    a.alias("DefinitionBody", "Body")
    a.s3_location("DefinitionUri", "BodyS3Location", "Bucket", "Key", "Version")
    endpoint = attrs.get("EndpointConfiguration")
    if isinstance(endpoint, str | Unknown):
        attrs["EndpointConfiguration"] = {"Types": [endpoint]}
        a.copy_locations(("EndpointConfiguration",), ("EndpointConfiguration", "Types"))
    elif isinstance(endpoint, dict) and "Type" in endpoint and "Types" not in endpoint:
        new = {"Types": [endpoint["Type"]]}
        if "VPCEndpointIds" in endpoint:
            new["VpcEndpointIds"] = endpoint["VPCEndpointIds"]
        attrs["EndpointConfiguration"] = new
        a.copy_locations(("EndpointConfiguration", "Type"), ("EndpointConfiguration", "Types"))
        a.copy_locations(
            ("EndpointConfiguration", "VPCEndpointIds"), ("EndpointConfiguration", "VpcEndpointIds")
        )
    a.tags_to_list()


def _http_api(a: _Adapter) -> None:
    a.alias("DefinitionBody", "Body")
    a.s3_location("DefinitionUri", "BodyS3Location", "Bucket", "Key", "Version")
    if "ProtocolType" not in a.attrs:
        a.attrs["ProtocolType"] = "HTTP"


_ATTRIBUTE_TYPES = {"String": "S", "Number": "N", "Binary": "B"}


def _simple_table(a: _Adapter) -> None:
    attrs = a.attrs
    pk = attrs.get("PrimaryKey")
    if pk is None:
        pk = {"Name": "id", "Type": "String"}
    if isinstance(pk, dict) and "KeySchema" not in attrs:
        name = pk.get("Name", "id")
        ptype = pk.get("Type", "String")
        attr_type = _ATTRIBUTE_TYPES.get(ptype, Unknown(f"PrimaryKey.Type {ptype}"))
        if isinstance(ptype, Unknown):
            attr_type = ptype
        attrs["KeySchema"] = [{"AttributeName": name, "KeyType": "HASH"}]
        attrs["AttributeDefinitions"] = [{"AttributeName": name, "AttributeType": attr_type}]
        a.copy_locations(("PrimaryKey",), ("KeySchema",))
        a.copy_locations(("PrimaryKey",), ("AttributeDefinitions",))
    if "ProvisionedThroughput" not in attrs and "BillingMode" not in attrs:
        attrs["BillingMode"] = "PAY_PER_REQUEST"
    a.tags_to_list()


def _state_machine(a: _Adapter) -> None:
    a.alias("Name", "StateMachineName")
    a.alias("Role", "RoleArn")
    a.alias("Logging", "LoggingConfiguration")
    a.alias("Tracing", "TracingConfiguration")
    a.alias("Type", "StateMachineType")
    a.s3_location("DefinitionUri", "DefinitionS3Location", "Bucket", "Key", "Version")
    a.tags_to_list()
