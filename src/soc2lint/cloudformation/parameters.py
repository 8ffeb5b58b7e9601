"""``--cfn-parameters``: the parameter files the AWS CLI, CodePipeline and people write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..safeio import UnsafePath, read_input_file


def load_cfn_parameters(path: Path, root: Path | None = None) -> dict[str, Any]:
    """``--cfn-parameters``: AWS CLI ``[{"ParameterKey","ParameterValue"}]``, CodePipeline
    ``{"Parameters": {...}}`` or a plain ``{"Name": "value"}`` object.  Read like a
    variable file: a regular file inside ``root`` (the repository), size-capped."""
    try:
        data = json.loads(read_input_file(path, root=root))
    except UnsafePath as exc:
        raise UsageError(f"--cfn-parameters {path}: {exc}") from None
    except (ValueError, RecursionError) as exc:  # also 4300-digit integers, deep nesting
        raise UsageError(f"--cfn-parameters {path}: not valid JSON: {exc}") from None
    if isinstance(data, list):
        out: dict[str, Any] = {}
        for item in data:
            if not isinstance(item, dict) or "ParameterKey" not in item:
                raise UsageError(
                    f"--cfn-parameters {path}: list entries need ParameterKey and ParameterValue"
                )
            out[str(item["ParameterKey"])] = item.get("ParameterValue")
        return out
    if isinstance(data, dict):
        params = data.get("Parameters", data) if "Parameters" in data else data
        if not isinstance(params, dict):
            raise UsageError(f"--cfn-parameters {path}: Parameters must be an object")
        return {str(k): v for k, v in params.items()}
    raise UsageError(f"--cfn-parameters {path}: expected a JSON list or object")
