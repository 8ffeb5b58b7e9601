"""Code several SEC rules share."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, TypeGuard

from soc2lint.graph import ResourceGraph
from soc2lint.model import Node, Origin, PartialValue, Path, Range, document, known_structure
from soc2lint.record import record
from soc2lint.rule import Context, Report
from soc2lint.secretnames import names_secret_location

CHECKLIST_KEYS = "A. No access keys in code"


CHECKLIST_HARDCODING = "B. No key hardcoding"


TSC = ("CC6.1",)


REDACT = {"redact_snippet": True}


def mask(value: str) -> str:
    """A secret in a message: none of its characters, nor its length (CI logs are read
    by many)."""
    return "********"


def _names(path: Path) -> tuple[str, ...]:
    return tuple(p for p in path if isinstance(p, str))


def origin_at(node: Node, path: Path) -> tuple[Path, Origin] | None:
    """The origin of the value at ``path`` (or of the attribute that contains it)."""
    p = tuple(path)
    while p:
        o = node.origins.get(p)
        if o is not None:
            return p, o
        p = p[:-1]
    return None


def refs_at(graph: ResourceGraph, node: Node, path: Path) -> list[Node]:
    """Nodes that the attribute at ``path`` refers to (by expression)."""
    want = _names(path)
    out: list[Node] = []
    for edge, other in graph.edges(node, "out", edge_kind="ref"):
        have = _names(edge.src_path)
        n = min(len(have), len(want))
        if n and have[:n] == want[:n]:
            out.append(other)
    return out


REFERENCE_PREFIXES = ("{{resolve:", "arn:aws:", "arn:aws-", "${", "resolve:secretsmanager")


#: a whole value that is a placeholder filled at run time: an SSM document's
#: ``{{ssm-secure:/name}}`` or ``{{ Password }}`` parameter, a dynamic reference
_PLACEHOLDER = re.compile(r"\{\{\s*[\w:/.\-]+\s*\}\}")


def is_literal_secret(value: Any) -> TypeGuard[str]:
    """A known, non-empty string that is not itself a reference to a secret store, nor
    the name of where a secret is stored (``/prod/db_password``, ``admin/db_password``)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return (
        bool(text)
        and not text.startswith(REFERENCE_PREFIXES)
        and _PLACEHOLDER.fullmatch(text) is None
        and not names_secret_location(text)
    )


@record(frozen=True)
class Place:
    """Where a literal is written: the node to name and the path on it.

    ``origin`` (the one provenance type, :class:`~soc2lint.model.Origin`) says
    where exactly the literal is written when that is not the attribute's own
    position (a tfvars line, a module argument, a line inside a string) and
    the address to name there.
    """

    node: Node
    path: Path
    origin: Origin | None = None

    @property
    def range(self) -> Range | None:
        return self.origin.range if self.origin is not None else None

    @property
    def address(self) -> str | None:
        return self.origin.address if self.origin is not None else None

    @property
    def key(self) -> tuple[str, str, tuple[Any, ...]]:
        """One finding per written place: the scope, the name and the source position."""
        r = self.range or self.node.location_of(self.path)
        return (
            self.node.scope,
            self.address or self.node.address,
            (r.file, r.start_line, r.start_col),
        )


def place_of_origin(graph: ResourceGraph, node: Node, opath: Path, origin: Origin) -> Place | None:
    """Where a value that came through ``origin`` is written; None when not in the scanned code."""
    if origin.range is None:
        return None  # --var, TF_VAR_..., --cfn-parameters: not in the code
    owner = graph.find(node.scope, origin.address) if origin.address else None
    if owner is None:
        return Place(node, opath, origin)
    if owner.category == "variable":
        path: Path = ("default",) if origin.via.startswith("var.") else ("value",)
    elif owner.category == "parameter":
        path = ("Default",)
    elif " input " in origin.via:
        path = (origin.via.rsplit(" input ", 1)[-1],)
    else:
        path = opath
    return Place(owner, path, replace(origin, address=owner.address))


def _finding(ctx: Context, place: Place, message: str, **kw: Any) -> Report:
    return ctx.finding(
        place.node,
        place.path,
        message,
        range=place.range,
        address=place.address if place.address != place.node.address else None,
        properties=REDACT,
        **kw,
    )


#: attributes that are derived, not written (Terraform renders them from others)
DERIVED = {"tags_all", "json", "minified_json"}


def scan_roots(node: Node) -> list[tuple[Path, Any, Range | None, str]]:
    """The attributes of a node that hold text written in it.

    (path, value, range override, field name): a variable's default, a
    parameter's Default, a local or output value are named by the variable,
    parameter, local or output itself.
    """
    own = node.address.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    if node.category == "variable":
        roots: list[tuple[Path, Any, Range | None, str]] = []
        if "default" in node.attrs:
            roots.append((("default",), node.attrs["default"], None, own))
        o = node.origins.get(("value",))
        if o is not None and o.range is not None and ".tfvars" in o.range.file:
            roots.append((("value",), node.attrs.get("value"), o.range, own))
        return roots
    if node.category == "parameter":
        if "Default" in node.attrs:
            return [(("Default",), node.attrs["Default"], None, own)]
        return []
    if node.category in ("template", "terraform"):
        return []
    if node.category in ("local", "output"):
        key = "Value" if "Value" in node.attrs else "value"
        return [((key,), node.attrs.get(key), None, own)]
    return [((k,), v, None, k) for k, v in node.attrs.items() if k not in DERIVED]


def walk_strings(
    value: Any, path: Path, field: str, depth: int = 0
) -> Iterator[tuple[Path, str, str]]:
    """(path, field name, text) of every string in ``value``, JSON text walked into."""
    out: list[tuple[Path, str, str]] = []
    collect_strings(value, path, field, depth, out)
    return iter(out)


def collect_strings(
    value: Any, path: Path, field: str, depth: int, out: list[tuple[Path, str, str]]
) -> None:
    # a list, not a generator: every node's every string goes through here
    if depth > 40:
        return
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("{", "[") and len(text) < 200_000:
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict | list):
                collect_strings(decoded, path, field, depth + 1, out)
                return
        out.append((path, field, value))
    elif isinstance(value, PartialValue):
        # a partly known document or map: its known values, at their own paths
        collect_strings(known_structure(value), path, field, depth + 1, out)
    elif isinstance(value, dict):
        # {name: X, value: Y} pairs (ECS environment, CodeBuild variables) are named by X
        pair_name = value.get("name", value.get("Name"))
        for k, v in value.items():
            if isinstance(v, str | dict | list | PartialValue):
                sub = str(k)
                if isinstance(pair_name, str) and sub in ("value", "Value"):
                    sub = pair_name
                collect_strings(v, (*path, k), sub, depth + 1, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str | dict | list | PartialValue):
                collect_strings(v, (*path, i), field, depth + 1, out)


#: password fields, compared without case and underscores: Terraform `password`,
#: `master_password`, `master_user_password`, `auth_token`, `admin_password`,
#: `admin_user_password` and their `_wo` write-only forms; CloudFormation
#: `Password`, `MasterUserPassword`, `AuthToken`, `AdminPassword`...; map keys such
#: as a Glue connection's `PASSWORD`
PASSWORD_FIELDS = frozenset(
    {
        "password",
        "masterpassword",
        "masteruserpassword",
        "authtoken",
        "adminpassword",
        "adminuserpassword",
        "passwordwo",
        "masterpasswordwo",
        "adminuserpasswordwo",
    }
)


PASSWORD_LIST_FIELDS = frozenset({"passwords"})


FIELD_KEYS: dict[str, str] = {}


def field_key(name: str) -> str:
    key = FIELD_KEYS.get(name)
    if key is None:
        key = name.replace("_", "").lower()
        if len(FIELD_KEYS) < 100_000:  # attribute names repeat: remember them
            FIELD_KEYS[name] = key
    return key


def password_fields(value: Any, path: Path, depth: int = 0) -> Iterator[tuple[Path, Any]]:
    """(path, value) of every password field in ``value``, documents (JSON text, a
    partly known ``jsonencode``: a secret's ``secret_string``, an SSM document) read as
    what they encode."""
    out: list[tuple[Path, Any]] = []
    if may_have_password_field(value, depth):
        collect_password_fields(value, path, depth, out)
    return iter(out)


#: the first characters of a string that may hold a JSON document
_DOCUMENT_STARTS = frozenset("{[ \t\r\n")


def _is_document_text(value: str) -> bool:
    return value[:1] in _DOCUMENT_STARTS and value.lstrip()[:1] in ("{", "[")


#: attribute name -> whether it is a password or password-list field (names repeat)
PASSWORD_NAMES: dict[Any, bool] = {}


def may_have_password_field(value: Any, depth: int) -> bool:
    """False when :func:`collect_password_fields` finds nothing in ``value``: no password
    or password-list field where it looks, and no document that could hold one.  A cheap
    first pass that builds no paths: almost every resource fails it."""
    if depth > 20:
        return False
    if isinstance(value, PartialValue):
        return True
    if isinstance(value, dict):
        names = PASSWORD_NAMES
        starts = _DOCUMENT_STARTS
        for k, v in value.items():
            hit = names.get(k)
            if hit is None:
                key = field_key(str(k))
                hit = key in PASSWORD_FIELDS or key in PASSWORD_LIST_FIELDS
                if len(names) < 100_000:
                    names[k] = hit
            if hit:
                return True
            if isinstance(v, str):
                # the test of _is_document_text, inline: most values are short strings
                if v[:1] in starts and v.lstrip()[:1] in ("{", "["):
                    return True
            elif isinstance(v, dict | list | PartialValue) and may_have_password_field(
                v, depth + 1
            ):
                return True
    elif isinstance(value, list):
        starts = _DOCUMENT_STARTS
        for v in value:
            if isinstance(v, str):
                if v[:1] in starts and v.lstrip()[:1] in ("{", "["):
                    return True
            elif isinstance(v, dict | list | PartialValue) and may_have_password_field(
                v, depth + 1
            ):
                return True
    return False


def collect_password_fields(
    value: Any, path: Path, depth: int, out: list[tuple[Path, Any]]
) -> None:
    # a list, not a generator: every resource's every attribute goes through here
    if depth > 20:
        return
    if isinstance(value, PartialValue) or (isinstance(value, str) and _is_document_text(value)):
        decoded = known_structure(document(value))
        if isinstance(decoded, dict | list):
            collect_password_fields(decoded, path, depth + 1, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            key = field_key(str(k))
            if key in PASSWORD_FIELDS:
                out.append(((*path, k), v))
            elif key in PASSWORD_LIST_FIELDS and isinstance(v, list):
                p = (*path, k)
                for i, item in enumerate(v):
                    out.append(((*p, i), item))
            elif isinstance(v, dict | list | PartialValue | str):
                collect_password_fields(v, (*path, k), depth + 1, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, dict | list | PartialValue | str):
                collect_password_fields(v, (*path, i), depth + 1, out)


def string_path(node: Node, literal: str) -> Path | None:
    """Where ``node`` holds the string ``literal`` (in what it writes), if anywhere."""
    for root, value, _rng, field in scan_roots(node):
        for path, _name, text in walk_strings(value, root, field):
            if text == literal:
                return path
    return None


def variable_place(graph: ResourceGraph, var: Node, literal: str, depth: int) -> Place | None:
    """Where a variable's value that holds ``literal`` is written."""
    origin = var.origins.get(("value",))
    if origin is not None:
        return place_of_origin(graph, var, ("value",), origin)
    if string_path(var, literal) is not None:
        return Place(var, ("default",))
    # a module input built from an expression (`var.x ? null : var.y`): follow it
    # outwards to where the literal is written, else name the module call's argument
    call_address, sep, name = var.address.rpartition(".var.")
    call = graph.find(var.scope, call_address) if sep else None
    if call is not None:
        outer = written_place(graph, call, (name,), literal, depth + 1)
        if outer is not None and outer.node is not call:
            return outer
        return Place(call, (name,))
    # a root variable given on the command line or in a plan: not in the code
    return None


def written_place(
    graph: ResourceGraph, node: Node, path: Path, literal: str, depth: int = 0
) -> Place | None:
    """Where the literal found at ``path`` of ``node`` is written in the code.

    The node itself, unless the value came through an origin (variable
    default, tfvars, module input, parameter default) or from a node it refers
    to (a local, a variable whose value is the literal, followed outwards
    through module calls); None when it is written outside the scanned code
    (``--var``, ``--cfn-parameters``) or in another resource's configuration
    (reported there by the rules about it).
    """
    found = origin_at(node, path)
    if found is not None:
        return place_of_origin(graph, node, found[0], found[1])
    if depth > 16:
        return Place(node, path)
    # values of `for_each` instances come from the collection (each.value)
    sources = refs_at(graph, node, path) + refs_at(graph, node, ("@for_each",))
    for other in sources:
        if other.category == "variable":
            in_value = any(
                text == literal
                for _p, _n, text in walk_strings(other.attrs.get("value"), ("value",), "value")
            )
            if in_value or string_path(other, literal) is not None:
                return variable_place(graph, other, literal, depth)
            continue
        at = string_path(other, literal)
        if at is None:
            continue
        if other.category in ("local", "parameter"):
            return Place(other, at)
        return None  # another resource's configured value
    return Place(node, path)
