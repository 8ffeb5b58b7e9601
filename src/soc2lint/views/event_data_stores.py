"""CloudTrail Lake event data stores: the other place CloudTrail records API activity.

An event data store (``aws_cloudtrail_event_data_store``,
``AWS::CloudTrail::EventDataStore``) keeps CloudTrail events in CloudTrail
Lake instead of S3.  Its defaults, from the provider's and CloudFormation's
documentation:

* ``multi_region_enabled`` / ``MultiRegionEnabled``: true;
* ``advanced_event_selector`` / ``AdvancedEventSelectors``: absent means every
  management event is recorded; otherwise the selectors whose
  ``eventCategory`` equals ``Management`` record them;
* ``ingestion_enabled`` / ``IngestionEnabled``: true (false: the store records
  nothing new);
* ``kms_key_id`` / ``KmsKeyId``: absent means an AWS-owned key.

https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudtrail_event_data_store
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudtrail-eventdatastore.html
"""

from __future__ import annotations

from typing import Any

from ..graph import ResourceGraph
from ..model import Node, contains_unknown, to_bool
from ..record import record

EVENT_DATA_STORE = "AWS::CloudTrail::EventDataStore"

Tri = bool | None


@record(frozen=True)
class EventDataStore:
    """A CloudTrail Lake event data store and what it records."""

    node: Node
    #: records every Region (default true)
    multi_region: Tri
    #: records management events (the account's API activity)
    management: Tri
    #: ingests events (default true)
    ingesting: Tri


def _flag(node: Node, tf: str, cfn: str) -> Tri:
    a = node.attr(tf=tf, cfn=cfn)
    if a.missing:
        return True
    return None if a.unknown else to_bool(a.value)


def _records_management(node: Node) -> Tri:
    """Whether the store records write management events (None: cannot be decided)."""
    a = node.attr(tf="advanced_event_selector", cfn="AdvancedEventSelectors")
    if a.missing:
        return True
    if not isinstance(a.value, list):
        return None
    tf = node.language == "terraform"
    verdict: Tri = False
    for selector in a.value:
        fields: Any = (
            selector.get("field_selector" if tf else "FieldSelectors")
            if isinstance(selector, dict)
            else None
        )
        if not isinstance(fields, list):
            verdict = None
            continue
        values: dict[str, Any] = {}
        for f in fields:
            name = f.get("field" if tf else "Field") if isinstance(f, dict) else None
            if not isinstance(name, str):
                values["?"] = None
                continue
            values[name] = f.get("equals" if tf else "Equals")
        category = values.get("eventCategory")
        if "?" in values or not isinstance(category, list) or contains_unknown(category):
            verdict = None if verdict is not True else verdict
            continue
        if "Management" not in category:
            continue
        read_only = values.get("readOnly")
        if read_only is None:
            return True
        if not isinstance(read_only, list) or contains_unknown(read_only):
            verdict = None
        elif "false" in [str(v).lower() for v in read_only]:
            return True
    return verdict


def event_data_stores(graph: ResourceGraph) -> list[EventDataStore]:
    return [
        EventDataStore(
            n,
            _flag(n, "multi_region_enabled", "MultiRegionEnabled"),
            _records_management(n),
            _flag(n, "ingestion_enabled", "IngestionEnabled"),
        )
        for n in graph.nodes(EVENT_DATA_STORE)
    ]


__all__ = ["EVENT_DATA_STORE", "EventDataStore", "event_data_stores"]
