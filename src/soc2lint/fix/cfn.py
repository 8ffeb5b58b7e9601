"""CloudFormation fixes: edits to a template's text, and the plan of a finding's fix.

:func:`plan_cfn` is :func:`.plan.plan` for a CloudFormation node: the value is
written in the resource's mapping, or in the default of the parameter it comes
from.  :func:`cfn_set`: a written scalar is replaced in place (keeping its
quotes); a missing property is inserted at the end of its mapping: a new line at
the mapping's indentation in block YAML, ``, Key: value`` in a flow mapping,
``"Key": value`` with the file's indentation in JSON; a resource without
``Properties`` gets one.  Kept apart from :mod:`.plan` and :mod:`.text`, which
Terraform fixes use, because it imports the template decoder
(:mod:`soc2lint.cloudformation`, ~10 ms at start-up).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..cloudformation.decode import decode_text
from ..cloudformation.nodes import YDict, YList
from ..model import Finding, Node, Origin, parse_path
from .plan import Plan, Reader, changed, origin_of, satisfied, write_all
from .remedies import Remedy
from .text import Edit, NotFixable, Text, text_of
from .text import apply as apply_edits

# ---------------------------------------------------------------------------
# Edits to a template's text
# ---------------------------------------------------------------------------


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./:-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def yaml_literal(value: Any, like: str = "") -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        if like[:1] == "'":
            return "'" + value.replace("'", "''") + "'"
        if like[:1] == '"' or not _PLAIN.match(value) or value.lower() in _YAML_WORDS:
            return json.dumps(value)
        return value
    elif isinstance(value, list):
        return "[" + ", ".join(yaml_literal(v) for v in value) + "]"
    else:
        raise NotFixable(f"cannot write {value!r}")
    if like[:1] in ("'", '"'):
        return like[0] + text + like[0]
    return text


def json_literal(value: Any, like: str = "") -> str:
    if like.startswith('"') and isinstance(value, bool | int):
        return json.dumps(json.dumps(value))
    return json.dumps(value)


def is_json(text: str) -> bool:
    return text.lstrip().startswith("{")


@functools.lru_cache(maxsize=16)
def parse_cfn(text: str) -> YDict:
    """The template as positioned data (cached like :func:`parse_tf`; never mutated)."""
    decoded = decode_text(text)
    if decoded.problems or not isinstance(decoded.root, YDict):
        raise NotFixable("the template does not parse")
    return decoded.root


def _key_span(mapping: YDict, key: str) -> tuple[int, int, int, int] | None:
    for k in mapping:
        if k == key:
            span = getattr(k, "span", None)
            return span if span is not None else None
    return None


def _value_span(mapping: YDict, key: str) -> tuple[int, int, int, int] | None:
    v = mapping[key]
    span = getattr(v, "span", None)
    if span is None and mapping.value_spans:
        span = mapping.value_spans.get(key)
    return span


def cfn_replace(file: str, t: Text, mapping: YDict, key: str, value: Any, json_file: bool) -> Edit:
    v = mapping[key]
    if isinstance(v, dict):
        intrinsic = any(str(k) == "Ref" or str(k).startswith("Fn::") for k in v)
        if intrinsic:
            raise NotFixable(
                f"`{key}` is computed by an intrinsic function: set the value where it is decided"
            )
        raise NotFixable(f"`{key}` is written as a mapping")
    if isinstance(v, list):
        raise NotFixable(f"`{key}` is a list")
    span = _value_span(mapping, key)
    if span is None:
        raise NotFixable(f"the position of `{key}`'s value is not known")
    start, end = t.offset(span[0], span[1]), t.offset(span[2], span[3])
    old = t.text[start:end]
    if "\n" in old or old.lstrip().startswith(("!", "|", ">", "&", "*")):
        raise NotFixable(f"`{key}` is not a plain value")
    new = json_literal(value, old) if json_file else yaml_literal(value, old)
    return Edit(file, start, end, new)


def _nested(keys: Sequence[str], value: Any) -> Any:
    out = value
    for k in reversed(keys):
        out = {k: out}
    return out


def _yaml_block(obj: Any, indent: str, step: str) -> list[str]:
    """A mapping (or a list) as block YAML lines at ``indent``."""
    lines: list[str] = []
    if isinstance(obj, list):
        for item in obj:
            sub = _yaml_block(item, indent + "  ", step) if isinstance(item, dict | list) else []
            if sub:
                lines.append(f"{indent}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{indent}- {yaml_literal(item)}")
        return lines
    for k, v in obj.items():
        if isinstance(v, dict | list) and v:
            lines.append(f"{indent}{k}:")
            lines.extend(_yaml_block(v, indent + step, step))
        else:
            lines.append(f"{indent}{k}: {yaml_literal(v)}")
    return lines


def _yaml_flow(obj: Any) -> str:
    if isinstance(obj, list):
        return "[" + ", ".join(_yaml_flow(v) for v in obj) + "]"
    if isinstance(obj, dict):
        return "{" + ", ".join(f"{k}: {_yaml_flow(v)}" for k, v in obj.items()) + "}"
    return yaml_literal(obj)


def _json_block(obj: dict[str, Any], indent: str, step: str) -> list[str]:
    """``"key": value`` lines at ``indent`` (nested values pretty-printed with ``step``)."""
    lines: list[str] = []
    items = list(obj.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        text = json.dumps(v, indent=len(step)).replace("\n", "\n" + indent)
        lines.append(f"{indent}{json.dumps(k)}: {text}{comma}")
    return lines


def cfn_insert(
    file: str,
    t: Text,
    mapping: YDict,
    parent_indent: str,
    entries: dict[str, Any],
    json_file: bool,
) -> Edit:
    """Insert ``entries`` at the end of ``mapping`` (its other keys untouched)."""
    span = mapping.span
    if span is None:
        raise NotFixable("the position of the mapping is not known")
    nl = t.newline
    keys: list[tuple[Any, tuple[int, int, int, int]]] = []
    for k in mapping:
        ks = getattr(k, "span", None)
        if ks is not None:
            keys.append((k, ks))
    start = t.offset(span[0], span[1])
    flow = t.text[start : start + 1] == "{"
    if not keys:
        if not flow:
            raise NotFixable("the mapping is empty")
        close = t.offset(span[2], span[3]) - 1
        if t.text[close] != "}":
            raise NotFixable("cannot find the end of the mapping")
        if json_file:
            inner = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in entries.items())
        else:
            inner = _yaml_flow(entries)[1:-1]
        return Edit(file, start + 1, close, inner, ("*",))
    last_key, _ = max(keys, key=lambda ks: (ks[1][0], ks[1][1]))
    last_span = _value_span(mapping, last_key) or last_key.span
    first_span = min(s for _, s in keys)
    indent = " " * (first_span[1] - 1)
    end = t.offset(last_span[2], last_span[3])
    if json_file:
        if first_span[0] != span[0]:
            step = indent[len(parent_indent) :] or "  "
            body = _json_block(entries, indent, step)
            return Edit(file, end, end, "," + nl + nl.join(body), tuple(entries))
        inner = ", ".join(
            f"{json.dumps(k)}: {json.dumps(v, separators=(', ', ': '))}" for k, v in entries.items()
        )
        return Edit(file, end, end, ", " + inner, tuple(entries))
    if flow:
        return Edit(file, end, end, ", " + _yaml_flow(entries)[1:-1], tuple(entries))
    step = indent[len(parent_indent) :] or "  "
    end_line = last_span[2] if last_span[3] > 1 else last_span[2] - 1
    at = t.line_end(end_line)
    body = _yaml_block(entries, indent, step)
    return Edit(file, at, at, nl + nl.join(body), tuple(entries))


def cfn_set(
    file: str,
    t: Text,
    container: YDict,
    container_indent: str,
    path: Sequence[str],
    value: Any,
) -> Edit:
    """Set ``path`` (keys) under ``container`` (a resource, its ``Properties``...)."""
    json_file = is_json(t.text)
    current = container
    indent = container_indent
    for i, key in enumerate(path):
        if key not in current:
            entries = {key: _nested(path[i + 1 :], value)}
            return cfn_insert(file, t, current, indent, entries, json_file)
        if i == len(path) - 1:
            return cfn_replace(file, t, current, key, value, json_file)
        nxt = current[key]
        if not isinstance(nxt, YDict) or any(str(k).startswith("Fn::") or k == "Ref" for k in nxt):
            raise NotFixable(f"`{key}` is not written as a plain mapping")
        ks = _key_span(current, key)
        indent = " " * ((ks[1] - 1) if ks else len(indent))
        current = nxt
    raise NotFixable("empty path")


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


def _only_used_for_cfn(origin: Origin, path: str, read: Reader) -> None:
    """A parameter whose default is edited must feed only the fixed property."""
    if origin.range is None or not origin.address:
        return
    name = re.escape(origin.address.rsplit("/", 1)[-1])
    text = read(origin.range.file)
    prop = re.escape(path.rsplit(".", maxsplit=1)[-1])
    uses = re.compile(r"(!Ref\s+|Ref\W+)" + name + r"\b|\$\{" + name + r"[}.]")
    direct = re.compile(
        r'^\s*"?'
        + prop
        + r'"?\s*:\s*(!Ref\s+'
        + name
        + r'|\{\s*"?Ref"?\s*:\s*"?'
        + name
        + r'"?\s*\})\s*,?\s*(#.*)?$'
    )
    for m in uses.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if not direct.match(line):
            lineno = text.count("\n", 0, line_start) + 1
            raise NotFixable(
                f"the value comes from {origin.via}, which line {lineno} also uses: change it "
                f"there, or set the property on the resource"
            )


def _cfn_container(node: Node, root: YDict) -> tuple[YDict, str]:
    """The node's own mapping in its template and the indentation of its key."""
    section = "Parameters" if node.category == "parameter" else "Resources"
    top = root.get(section)
    if not isinstance(top, YDict):
        raise NotFixable(f"the template has no {section} mapping")
    name = node.address.rsplit("/", 1)[-1]
    if name not in top and any(str(k).startswith("Fn::ForEach") for k in top):
        raise NotFixable(f"{name} is made by Fn::ForEach: edit the loop's template by hand")
    if name not in top or not isinstance(top[name], YDict):
        raise NotFixable(f"cannot find {name} in the template")
    for k in top:
        if k == name:
            span = getattr(k, "span", None)
            return top[name], " " * ((span[1] - 1) if span else 0)
    raise NotFixable(f"cannot find {name} in the template")


def _cfn_path(path: str, concrete: str) -> list[Any]:
    """``A.B`` with the finding's list indices: ``A[0].B`` -> ["A", 0, "B"]."""
    if concrete:
        parsed = [p for p in parse_path(concrete)]
        names = [p for p in parsed if not isinstance(p, int)]
        if names == path.split("."):
            return parsed
    return path.split(".")


def plan_cfn(
    finding: Finding,
    node: Node,
    remedy: Remedy,
    values: list[tuple[str, Any]],
    read: Reader,
    check_file: Callable[[str], None],
) -> Plan:
    file = node.range.file
    text = read(file)
    main_path, main_value = values[0]
    concrete = finding.attr_path if finding.attr_path else ""
    origin = origin_of(node, concrete) if not main_path.startswith("@") else None
    if origin is not None and origin.range is not None and origin.address:
        _only_used_for_cfn(origin, main_path, read)
        return _plan_origin_cfn(finding, remedy, origin, main_value, read, check_file)
    if node.meta.get("properties_unknown"):
        raise NotFixable("the resource's Properties are computed (Fn::If or a transform)")
    new = write_all(
        text,
        values,
        lambda cur, i, path, value: _cfn_write(file, cur, node, path, value, i, concrete),
    )
    return changed(finding, remedy, file, text, new)


def _cfn_write(
    file: str, text: str, node: Node, path: str, value: Any, i: int, concrete: str
) -> Edit | None:
    """The edit of one write of a remedy on ``text`` (None: nothing to do)."""
    t = text_of(text)
    root = parse_cfn(text)
    container, indent = _cfn_container(node, root)
    json_file = is_json(text)
    if path.startswith("@"):
        key = path[1:]
        if key in container:
            if i > 0:
                return None
            return cfn_replace(file, t, container, key, value, json_file)
        return cfn_insert(file, t, container, indent, {key: value}, json_file)
    parts = _cfn_path(path, concrete if i == 0 else "")
    if node.category == "parameter":
        target, target_indent = container, indent
    elif "Properties" not in container:
        return cfn_insert(
            file, t, container, indent, {"Properties": _nest(parts, value)}, json_file
        )
    else:
        target = container["Properties"]
        if not isinstance(target, YDict) or any(str(k).startswith("Fn::") for k in target):
            raise NotFixable("the resource's Properties are not a plain mapping")
        pk = next(k for k in container if k == "Properties")
        span = getattr(pk, "span", None)
        target_indent = " " * ((span[1] - 1) if span else len(indent) + 2)
    return _cfn_set_path(file, t, target, target_indent, parts, value, i > 0)


def _nest(parts: list[Any], value: Any) -> Any:
    out = value
    for p in reversed(parts):
        if isinstance(p, int):
            raise NotFixable("the value goes in a list entry that is not written")
        out = {p: out}
    return out


def _cfn_set_path(
    file: str, t: Text, target: YDict, indent: str, parts: list[Any], value: Any, only_missing: bool
) -> Edit | None:
    """Walk list indices by hand, then hand the mapping part to :func:`cfn_set`."""
    current: Any = target
    cur_indent = indent
    keys: list[str] = []
    for i, p in enumerate(parts):
        if isinstance(p, int):
            if keys:
                nxt = current
                for k in keys:
                    if not isinstance(nxt, YDict) or k not in nxt:
                        raise NotFixable("the value goes in a list entry that is not written")
                    nxt = nxt[k]
                current = nxt
                keys = []
            if (
                not isinstance(current, YList)
                or p >= len(current)
                or not isinstance(current[p], YDict)
            ):
                raise NotFixable("the value goes in a list entry that is not a plain mapping")
            current = current[p]
            span = getattr(current, "span", None)
            cur_indent = " " * ((span[1] - 1) if span else len(cur_indent) + 2)
            continue
        keys.append(p)
        _ = i
    if only_missing:
        probe: Any = current
        for k in keys:
            if not isinstance(probe, YDict) or k not in probe:
                break
            probe = probe[k]
        else:
            if isinstance(probe, dict | list) or satisfied(_cfn_scalar(probe), value):
                return None
    return cfn_set(file, t, current, cur_indent, keys, value)


def _cfn_scalar(value: Any) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "false"):
            return low == "true"
        if low.isdigit():
            return int(low)
    return value


def _plan_origin_cfn(
    finding: Finding,
    remedy: Remedy,
    origin: Origin,
    value: Any,
    read: Reader,
    check_file: Callable[[str], None],
) -> Plan:
    rng = origin.range
    assert rng is not None and origin.address
    check_file(rng.file)
    text = read(rng.file)
    root = parse_cfn(text)
    params = root.get("Parameters")
    name = origin.address.rsplit("/", 1)[-1]
    if not isinstance(params, YDict) or not isinstance(params.get(name), YDict):
        raise NotFixable(f"the value comes from {origin.via}, which soc2lint cannot find")
    param = params[name]
    if "Default" not in param:
        raise NotFixable(f"the value comes from {origin.via}, which has no default to edit")
    allowed = param.get("AllowedValues")
    if isinstance(allowed, list) and str(value).lower() not in {str(a).lower() for a in allowed}:
        raise NotFixable(f"{origin.via} does not allow {value!r} (AllowedValues)")
    try:
        edit = cfn_replace(rng.file, text_of(text), param, "Default", value, is_json(text))
    except NotFixable as exc:
        raise NotFixable(f"the value comes from {origin.via}: {exc}") from None
    return changed(finding, remedy, rng.file, text, apply_edits(text, [edit]), origin.via)
