"""Generate ``src/soc2lint/data/sam_policy_templates.json`` from aws-sam-translator.

SAM functions and state machines grant permissions with *policy templates*
(``- S3CrudPolicy: {BucketName: !Ref B}``).  SAM expands them when the stack
is deployed; soc2lint reads templates statically, so it needs each template's
statements.  This script extracts them from the ``policy_templates.json``
that aws-sam-translator ships (Apache License 2.0, Copyright Amazon.com, Inc.
or its affiliates), keeping for every statement its effect, actions and
resources.  A resource that is a literal ``"*"`` stays ``"*"``; a resource
built from the template's parameters is kept as its ``Fn::Sub`` pattern
(``arn:${AWS::Partition}:s3:::${bucketName}/*``), which names one resource.

Usage::

    pip install aws-sam-translator   # anywhere, e.g. a throw-away venv
    python scripts/build_sam_policy_templates.py  # or --source path/to/policy_templates.json
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "src" / "soc2lint" / "data" / "sam_policy_templates.json"


def default_source() -> tuple[Path, str]:
    spec = importlib.util.find_spec("samtranslator")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("aws-sam-translator is not installed; pass --source")
    root = Path(next(iter(spec.submodule_search_locations)))
    version = importlib.metadata.version("aws-sam-translator")
    return root / "policy_templates_data" / "policy_templates.json", f"aws-sam-translator {version}"


def _resource(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return str(sub[0] if isinstance(sub, list) else sub)
    if isinstance(value, dict) and "Fn::Join" in value:
        parts = value["Fn::Join"][1]
        return "".join(p if isinstance(p, str) else "${param}" for p in parts)
    return "${param}"


def _plain(value: Any) -> Any:
    """A condition with intrinsic functions replaced by their pattern text."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref")):
            return _resource(value)
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def build(templates: dict[str, Any], origin: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(templates):
        statements = []
        for st in _list(templates[name]["Definition"].get("Statement", [])):
            entry: dict[str, Any] = {"Effect": st.get("Effect", "Allow")}
            if "Action" in st:
                entry["Action"] = _list(st["Action"])
            if "NotAction" in st:
                entry["NotAction"] = _list(st["NotAction"])
            entry["Resource"] = [_resource(r) for r in _list(st.get("Resource", "*"))]
            if "Condition" in st:
                entry["Condition"] = _plain(st["Condition"])
            statements.append(entry)
        out[name] = statements
    return {
        "source": (
            f"{origin} samtranslator/policy_templates_data/policy_templates.json; "
            "Apache License 2.0, Copyright Amazon.com, Inc. or its affiliates"
        ),
        "templates": out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="aws-sam-translator's policy_templates.json")
    parser.add_argument("--origin", default=None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    if args.source is not None:
        source, origin = args.source, args.origin or "aws-sam-translator"
    else:
        source, origin = default_source()
    data = json.loads(source.read_text(encoding="utf-8"))
    result = build(data["Templates"], origin)
    lines = ["{", f'"source": {json.dumps(result["source"])},', '"templates": {']
    items = list(result["templates"].items())
    for i, (name, body) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(name)}: {json.dumps(body)}{comma}")
    lines.append("}}")
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {len(items)} templates")


if __name__ == "__main__":
    main()
