"""Nested stacks: where a child template lives, as far as can be known without the network.

``AWS::CloudFormation::Stack`` ``TemplateURL`` and ``AWS::Serverless::Application``
``Location`` are local paths before ``aws cloudformation package`` (relative
to the parent template's directory) and S3/HTTPS URLs after it.  Only local
paths are loaded.  CDK's ``cdk.out`` names the synthesized child template of
a nested stack in the resource's ``Metadata`` (``aws:asset:path`` with
``aws:asset:property: TemplateURL``), next to the parent, while
``TemplateURL`` itself is an S3 URL built with ``Fn::Join``; that file is
loaded as the child.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .intrinsics import STACK_TYPES

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_remote(location: str) -> bool:
    """An URL (``https://``, ``s3://``...) rather than a local path."""
    return bool(_SCHEME.match(location))


def template_property(resource_type: str) -> str:
    return "Location" if resource_type == "AWS::Serverless::Application" else "TemplateURL"


def local_path(location: str, parent: Path) -> Path:
    """A local template path as written in ``parent``, made absolute (not resolved)."""
    p = Path(location)
    if not p.is_absolute():
        p = parent.parent / p
    return p


def cdk_asset_path(resource: Mapping[Any, Any], parent: Path) -> Path | None:
    """The synthesized child template CDK names in a nested stack resource's Metadata."""
    meta = resource.get("Metadata")
    if not isinstance(meta, dict):
        return None
    asset = meta.get("aws:asset:path")
    prop = meta.get("aws:asset:property")
    if not isinstance(asset, str) or prop != "TemplateURL" or not asset.endswith(".json"):
        return None
    if is_remote(asset) or Path(asset).is_absolute():
        return None
    return parent.parent / asset


def static_children(template: Mapping[Any, Any], parent: Path) -> Iterator[Path]:
    """Child templates named literally in ``template`` (for choosing which files are roots)."""
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return
    for body in resources.values():
        if not isinstance(body, dict) or body.get("Type") not in STACK_TYPES:
            continue
        rtype = str(body.get("Type"))
        asset = cdk_asset_path(body, parent)
        if asset is not None:
            yield asset
            continue
        props = body.get("Properties")
        if not isinstance(props, dict):
            continue
        location = props.get(template_property(rtype))
        if isinstance(location, str) and location and not is_remote(location):
            yield local_path(str(location), parent)
