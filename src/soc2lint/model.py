"""The neutral model every front end produces and every rule reads.

A :class:`Node` is one object of the scanned configuration (a resource
instance, a data source, a module call, a variable, a CloudFormation
parameter...).  Its attributes are plain Python values (``str``, ``int``,
``float``, ``bool``, ``None``, ``list``, ``dict``) in the language's own
spelling (Terraform ``storage_encrypted``, CloudFormation ``StorageEncrypted``),
with :class:`Unknown` standing for any value that cannot be resolved
statically.  Source positions live beside the data, in ``Node.locations``,
keyed by attribute path, never mixed into the values.

Rules read attributes through :meth:`Node.attr`, which returns an
:class:`Attr` carrying the value, whether it is present and known, and where
it was written.
"""

from __future__ import annotations

import array
import enum
import functools
import hashlib
import json
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict, TypeGuard

from .record import record

# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


class Unknown:
    """A value that cannot be known before deploy.

    ``expr`` is the source text of what could not be resolved (``var.db_pass``,
    ``aws_kms_key.k.arn``, ``Fn::ImportValue``), used in ``--strict`` messages.
    ``refs`` are the node addresses the value derives from (the graph edge
    exists even when the value does not).  ``secret`` is true when the value
    comes from a secret store or generator (``random_password``, Secrets
    Manager, SSM SecureString, ``{{resolve:secretsmanager:...}}``): rules on
    hard-coded secrets treat it as safe.

    ``template`` is set for a string whose unknown parts each have a canonical
    identity (see :func:`string_template`): two values with equal templates are
    the same string after deploy, whatever the unknowns turn out to be.
    """

    __slots__ = ("cause", "expr", "refs", "secret", "template")

    def __init__(
        self,
        expr: str = "",
        refs: Sequence[str] = (),
        secret: bool = False,
        template: Template | None = None,
        cause: str = "",
    ) -> None:
        self.expr = expr
        self.refs: tuple[str, ...] = tuple(refs)
        self.secret = secret
        self.template = template
        #: why an expression that could be known is not (a function soc2lint does not
        #: implement, an evaluation error, a limit), shown under --strict; not compared
        self.cause = cause

    def __repr__(self) -> str:
        extra = f", refs={list(self.refs)!r}" if self.refs else ""
        return f"Unknown({self.expr!r}{extra}{', secret' if self.secret else ''})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Unknown)
            and self.expr == other.expr
            and self.refs == other.refs
            and self.secret == other.secret
        )

    def __hash__(self) -> int:
        return hash((self.expr, self.refs, self.secret))

    def __reduce__(self) -> tuple[Any, ...]:
        if self.cause:
            return (Unknown, (self.expr, self.refs, self.secret, self.template, self.cause))
        if self.template is None:
            return (Unknown, (self.expr, self.refs, self.secret))
        return (Unknown, (self.expr, self.refs, self.secret, self.template))


#: a string with unknown parts: known text at even positions, the canonical identity of
#: an unknown part at odd ones (``("", "var.prefix", "-trail")``); odd length
Template: TypeAlias = tuple[str, ...]


def leaf_template(identity: str) -> Template:
    """The template of an unknown value that is one thing: ``var.prefix`` of a root,
    ``AWS::AccountId``, a data source's attribute (``data.aws_caller_identity.c.account_id``)."""
    return ("", identity, "")


def string_template(parts: Iterable[Any]) -> Template | None:
    """The template of the concatenation of ``parts`` (strings, and Unknowns carrying a
    template); None when a part is anything else: its value has no identity."""
    out: list[str] = [""]
    for p in parts:
        if isinstance(p, str):
            out[-1] += p
        elif isinstance(p, Unknown) and p.template is not None:
            t = p.template
            out[-1] += t[0]
            out.extend(t[1:])
        else:
            return None
    return tuple(out) if len(out) > 1 else None


class PartialValue(Unknown):
    """A value that is not fully known, with what is known of it.

    It *is* an :class:`Unknown`: every rule that treats it as one stays right.
    :attr:`value` is the known structure, with :class:`Unknown` where parts could
    not be resolved.  :attr:`encoding` says what the value itself is:

    * ``"json"`` / ``"yaml"``: text, the encoding of :attr:`value`
      (``jsonencode(...)``, ``yamlencode(...)``, a heredoc or ``templatefile`` of a
      JSON/YAML document with interpolations, a CloudFormation ``Fn::Sub`` building
      JSON): :func:`document` decodes a known string the same way, so rules read
      both alike;
    * ``""``: the collection itself (a map from ``merge(var.tags, {...})``, a list
      from ``concat(var.extra, [...])``): the entries of :attr:`value` are right (a
      list's at positions that are not known), and the collection may hold others;
      :meth:`Node.attr` reads through it.

    Rules that walk documents (secrets, policy statements) read
    :func:`document` / :func:`known_structure` and stay silent on the unknown parts.
    """

    __slots__ = ("encoding", "value")

    def __init__(
        self,
        expr: str = "",
        refs: Sequence[str] = (),
        secret: bool = False,
        value: Any = None,
        encoding: str = "json",
    ) -> None:
        super().__init__(expr, refs, secret)
        self.value = value
        self.encoding = encoding

    def __repr__(self) -> str:
        return f"PartialValue({self.expr!r}, value={self.value!r}, encoding={self.encoding!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PartialValue, (self.expr, self.refs, self.secret, self.value, self.encoding))


def is_open_collection(value: Any) -> TypeGuard[PartialValue]:
    """A :class:`PartialValue` that is a map or list (not text) with known entries."""
    return (
        isinstance(value, PartialValue)
        and value.encoding == ""
        and isinstance(value.value, dict | list)
    )


def known_structure(value: Any) -> Any:
    """What is known of ``value``: a partial value's known structure, else the value."""
    while isinstance(value, PartialValue) and isinstance(value.value, dict | list | PartialValue):
        value = value.value
    return value


#: documents longer than this are not decoded (attributes are rarely over a few kB)
MAX_DOCUMENT = 256 * 1024


def document(value: Any) -> Any:
    """The document an attribute holds: JSON text decoded (a ``dict``/``list``), a
    partial JSON/YAML document's known structure, a map or list as it is.  Anything
    else (a plain string, a number, an Unknown) is returned unchanged.

    The one way rules read document-valued attributes (ECS container definitions,
    Step Functions definitions, event inputs, SSM documents, policies): a
    ``jsonencode(...)`` whose every value is known and one with a reference in it
    read the same, the unknown parts being :class:`Unknown`.
    """
    if isinstance(value, PartialValue):
        # a document whose top object has members with unknown names is itself open
        return value.value if isinstance(value.value, dict | list | PartialValue) else value
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("{", "[") and len(text) <= MAX_DOCUMENT:
            try:
                decoded = json.loads(text)
            except (ValueError, RecursionError):  # ValueError: also 4300+ digit integers
                return value
            if isinstance(decoded, dict | list):
                return decoded
    return value


class _Missing:
    """Sentinel for an attribute that is not written at all."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Missing, ())


MISSING: Any = _Missing()

PathElem: TypeAlias = str | int
Path: TypeAlias = tuple[PathElem, ...]


def contains_unknown(value: Any, _depth: int = 0) -> bool:
    """True when the value is, or contains anywhere inside it, an Unknown."""
    if isinstance(value, Unknown):
        return True
    if _depth > 64:
        return False
    if isinstance(value, dict):
        return any(contains_unknown(v, _depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v, _depth + 1) for v in value)
    return False


def to_bool(value: Any) -> bool | None:
    """Interpret a configuration value as a boolean, three-valued.

    Returns ``None`` when the value is unknown or cannot be read as a
    boolean.  Accepts the spellings both languages use: ``true``/``false``
    in any case, ``1``/``0``, ``yes``/``no``, ``on``/``off`` (CloudFormation
    YAML 1.1).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1", "yes", "on", "enabled"):
            return True
        if low in ("false", "0", "no", "off", "disabled"):
            return False
    return None


def to_int(value: Any) -> int | None:
    """Interpret a configuration value as an integer; ``None`` when it cannot be."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                f = float(value.strip())
            except ValueError:
                return None
            return int(f) if f.is_integer() else None
    return None


# --------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------


@record(frozen=True, order=True)
class Range:
    """A span in a file.  Lines and columns are 1-based, the end exclusive."""

    file: str  # path relative to the scan root, forward slashes
    start_line: int
    start_col: int = 1
    end_line: int = 0  # 0 = same as start_line
    end_col: int = 0  # 0 = unknown

    def normalized(self) -> Range:
        end_line = self.end_line or self.start_line
        return Range(self.file, self.start_line, self.start_col, end_line, self.end_col)

    def __str__(self) -> str:
        return f"{self.file}:{self.start_line}:{self.start_col}"


@record(frozen=True)
class Origin:
    """Where a resolved value was really written, when that is not the attribute.

    ``via`` names the indirection in the user's words: ``var.db_password``
    (its default), ``terraform.tfvars``, ``module.db`` input ``password``,
    the CloudFormation parameter ``DBPassword``.  ``address`` is the node that
    holds the literal (``var.db_password`` / the parameter's logical name)
    so a finding can name it.
    """

    via: str
    range: Range | None = None
    address: str | None = None


# --------------------------------------------------------------------------
# Nodes and edges
# --------------------------------------------------------------------------

Language: TypeAlias = Literal["terraform", "cloudformation"]

#: Categories of nodes.  Rules mostly read ``resource``.
Category: TypeAlias = Literal[
    "resource",  # a managed resource instance
    "data",  # a Terraform data source instance
    "module",  # a Terraform module call instance / CFN nested stack
    "variable",  # a Terraform variable
    "local",  # a Terraform local value
    "output",  # a Terraform or CloudFormation output
    "provider",  # a Terraform provider configuration
    "terraform",  # a Terraform `terraform {}` settings block (required_providers...)
    "backend",  # a Terraform backend block
    "parameter",  # a CloudFormation parameter
    "template",  # a CloudFormation template as a whole (Transform, Globals...)
]


class NodeMeta(TypedDict, total=False):
    """Facts about a node beyond its attributes, written by the front ends.

    Every key is optional; rules read them with ``node.meta.get(...)``.
    """

    # -- every language
    #: the modules / nested stacks the node sits in, outermost first (their addresses)
    module_calls: list[str]
    #: the enclosing module call (Terraform) or "" at the root
    module_path: str
    #: addresses in ``depends_on`` / ``DependsOn``, prefixed like the node's own
    depends_on: list[str]
    #: a module call / nested stack whose content was loaded (False: remote, missing)
    loaded: bool
    # -- Terraform
    #: the ``count`` / ``for_each`` key of this instance
    index: Any
    #: ``count`` / ``for_each`` could not be evaluated: the node may not exist
    count_unknown: bool
    #: that ``count`` / ``for_each`` as written (``count = var.enabled ? 1 : 0``), prefixed
    #: ``module.x: `` when it is a calling module's
    exists_if: str
    #: dynamic blocks whose ``for_each`` is unknown (the block may be missing)
    dynamic_unknown: list[str]
    #: the provider configuration the resource uses (``provider.aws.east``)
    provider: str
    #: the ``alias`` of a provider configuration
    alias: str
    #: ``providers = {...}`` of a module call (local name -> configuration)
    providers: dict[str, str]
    #: the ``lifecycle`` block (``prevent_destroy``...)
    lifecycle: dict[str, Any]
    #: the directory of a local module call
    dir: str
    # -- CloudFormation
    #: the template the node is written in
    template: str
    #: nested stacks from the root template to this one (logical IDs)
    stack_path: list[str]
    #: the resource's (or template's) ``Metadata``
    metadata: Any
    #: ``Properties`` could not be evaluated (its expression)
    properties_unknown: str
    #: the SAM type a resource was transformed from (``AWS::Serverless::Function``)
    sam_type: str
    #: ``DeletionPolicy`` / ``UpdateReplacePolicy`` as written
    deletion_policy: Any
    update_replace_policy: Any
    #: the ``Condition`` name, and its value (None: cannot be decided)
    condition: str
    condition_value: bool | None
    #: the CDK construct path (``aws:cdk:path`` metadata)
    cdk_path: str
    #: a template a preprocessor must expand first (``Fn::Transform`` tag...)
    preprocessor: str


@record(eq=False, kw_only=True)
class Node:
    """One object of the scanned configuration.

    ``address`` is how users name it: Terraform ``module.db.aws_db_instance.main[0]``,
    ``var.password``, ``provider.aws.east``; CloudFormation the logical ID
    (``Parent/Child/LogicalId`` inside nested stacks).  ``scope`` is the root
    the node was evaluated in (a Terraform root module directory or a
    CloudFormation template path), so the same address in two roots stays two
    nodes.  ``kind`` is the AWS CloudFormation type name for resources that
    have one (``AWS::RDS::DBInstance``), otherwise the Terraform type
    (``aws_s3_bucket_versioning``); ``type`` is the type as written.
    """

    scope: str
    address: str
    kind: str
    type: str
    language: Language
    category: Category
    name: str
    attrs: dict[str, Any]
    range: Range
    #: attribute path -> where it is written
    locations: dict[Path, Range] = field(default_factory=dict)
    #: attribute path -> where a value that came through an indirection was written
    origins: dict[Path, Origin] = field(default_factory=dict)
    #: facts beyond the attributes (see NodeMeta)
    meta: NodeMeta = field(default_factory=NodeMeta)
    #: ``scope::address``, how edges and the graph name the node; made once, as rules
    #: read it hundreds of thousands of times
    id: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.id = f"{self.scope}::{self.address}"

    # Pickled (the result cache, a worker's results), a node's locations and attributes
    # are packed, and built again when first read: they are most of a template's pickle,
    # and a scan whose findings come from the findings cache reads few of them.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        locations = state.pop("locations", None)
        if locations is not None:
            state["_packed_locations"] = _pack_locations(locations)
        attrs = state.pop("attrs", None)
        if attrs is not None:
            from .cache import pickled

            state["_packed_attrs"] = pickled(attrs)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)  # (without it, pickle asks __getattr__ for it first)

    if not TYPE_CHECKING:  # for mypy, ``locations`` and ``attrs`` are the fields they are

        def __getattr__(self, name: str) -> Any:
            if name == "locations":
                packed = self.__dict__.pop("_packed_locations", None)
                if packed is not None:
                    locations = self.__dict__["locations"] = _unpack_locations(packed)
                    return locations
            elif name == "attrs":
                packed = self.__dict__.pop("_packed_attrs", None)
                if packed is not None:
                    from .cache import unpacked

                    attrs = self.__dict__["attrs"] = unpacked(packed)
                    return attrs
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def file(self) -> str:
        return self.range.file

    @property
    def condition_unknown(self) -> bool:
        """A CloudFormation ``Condition`` that cannot be decided."""
        return self.meta.get("condition_value", True) is None

    @property
    def may_not_exist(self) -> bool:
        """The node may not be created: unknown ``count``/``for_each`` or an undecidable
        CloudFormation ``Condition``.  Its settings are still checked, but it is no proof
        that something exists (a log destination, a second instance, console access)."""
        return bool(self.meta.get("count_unknown")) or self.condition_unknown

    @property
    def existence_note(self) -> str:
        """Under which condition a node that may not exist is created, for its findings'
        messages (RULES.md, "Resources that may not exist"); "" for a node that exists."""
        if self.meta.get("count_unknown"):
            expansion = self.meta.get("exists_if")
            if expansion:
                call, sep, expr = expansion.partition(": ")
                if sep and call.startswith("module."):  # a calling module's count
                    return f"may not exist: {call}'s `{expr}` is unknown"
                return f"may not exist: `{expansion}` is unknown"
            return "may not exist: its count is unknown"
        if self.condition_unknown:
            return f'exists only if its Condition "{self.meta.get("condition", "")}" is true'
        return ""

    def __repr__(self) -> str:
        return f"Node({self.kind} {self.address!r} @ {self.range})"

    # ---- attribute access -------------------------------------------------

    def attr(self, path: str | Path = "", *, tf: str | None = None, cfn: str | None = None) -> Attr:
        """The attribute at ``path`` (first match), as an :class:`Attr`.

        ``path`` is dotted (``encrypt_at_rest.enabled``) or a tuple.  When the
        two languages spell it differently, pass ``tf=`` and ``cfn=``; the
        node's own language picks one.  Lists met on the way are searched
        element by element (a Terraform block is a list of one dict), so the
        first element that has the rest of the path wins.
        """
        chosen = self._choose(path, tf, cfn)
        p = parse_path(chosen) if isinstance(chosen, str) else tuple(chosen)
        if len(p) == 1:
            # the common case, a top-level attribute: no walk
            head = p[0]
            attrs = self.attrs
            if head in attrs:
                return _attr(self, p, attrs[head])
            if head != "*":
                return _attr(self, p, MISSING)
        found = _first(self.attrs, p, ())
        if found is not None:
            return _attr(self, found[0], found[1])
        return _attr(self, p, MISSING)

    def attrs_at(
        self, path: str | Path = "", *, tf: str | None = None, cfn: str | None = None
    ) -> list[Attr]:
        """Every attribute matching ``path``, descending into every list element."""
        chosen = self._choose(path, tf, cfn)
        p = parse_path(chosen) if isinstance(chosen, str) else tuple(chosen)
        found: list[tuple[Path, Any]] = []
        _collect(self.attrs, p, (), found)
        return [_attr(self, concrete, value) for concrete, value in found]

    def get(self, path: str | Path = "", default: Any = None, **kw: str | None) -> Any:
        """The value at ``path``, or ``default`` when it is missing or null."""
        a = self.attr(path, **kw)
        return a.value if a.present else default

    def _choose(self, path: str | Path, tf: str | None, cfn: str | None) -> str | Path:
        if tf is not None or cfn is not None:
            chosen = tf if self.language == "terraform" else cfn
            if chosen is None:
                # The rule did not give this language's spelling: nothing matches.
                return ("\x00no-such-attribute",)
            return chosen
        return path

    def spelled(self, *, tf: str | None, cfn: str | None) -> str:
        """A name as the node's language spells it, for messages (the other one if it has none)."""
        name = tf if self.language == "terraform" else cfn
        return name or tf or cfn or ""

    def location_of(self, path: Path) -> Range:
        """Where a finding (or anything else) at ``path`` points: the one location resolver.

        RULES.md, "Location": the attribute's own range when it is written; the
        resource's first line when the attribute is missing altogether (even inside
        a written block: the contract names the resource, not the block); for a
        value that exists but whose exact position was not recorded (an element
        inside a ``jsonencode`` argument, a value from a local), its nearest written
        parent.
        """
        p = tuple(path)
        loc = self._location(p) if p else None
        if loc is not None:
            return loc
        if p and _missing(self.attrs, p):
            r = self.range
            return make_range(r.file, r.start_line, r.start_col, r.start_line, 0)
        while p:
            loc = self._location(p)
            if loc is not None:
                return loc
            p = p[:-1]
        r = self.range
        return make_range(r.file, r.start_line, r.start_col, r.start_line, 0)

    def _location(self, path: Path) -> Range | None:
        """``self.locations.get(path)``; of packed locations, that range only (a finding
        reads one or two of a node's dozens, and most nodes of a template are read so)."""
        packed = self.__dict__.get("_packed_locations")
        if packed is not None:
            return _packed_location(packed, path)
        return self.locations.get(path)


def _missing(value: Any, path: Path) -> bool:
    """Whether ``path`` surely leads to no value in ``value``.

    True only when a mapping lacks the key or a list the index (or no element of
    a block list has the rest of the path); a path that runs into a string (a
    JSON policy document), an unknown or another scalar may name something
    inside it, so it counts as written.
    """
    for i, head in enumerate(path):
        if isinstance(value, dict):
            if head not in value:
                return True
            value = value[head]
        elif isinstance(value, list):
            if isinstance(head, int):
                if not 0 <= head < len(value):
                    return True
                value = value[head]
            else:  # implicit descent into a block list
                return all(_missing(item, path[i:]) for item in value)
        else:
            return False
    return False


@functools.lru_cache(maxsize=4096)
def parse_path(path: str) -> Path:
    """``a.b[0].c`` / ``a[].b`` -> ``("a", "b", 0, "c")`` / ``("a", "*", "b")``.

    Memoised: rules name the same few hundred paths on every node.
    """
    if not path:
        return ()
    out: list[PathElem] = []
    for segment in path.split("."):
        remaining = segment
        while "[" in remaining:
            head, _, rest = remaining.partition("[")
            if head:
                out.append(head)
            idx, _, remaining = rest.partition("]")
            out.append("*" if idx in ("", "*") else int(idx))
        if remaining:
            out.append(remaining)
    return tuple(out)


def format_path(path: Path) -> str:
    out = ""
    for elem in path:
        if isinstance(elem, int):
            out += f"[{elem}]"
        elif elem == "*":
            out += "[]"
        else:
            out += ("." if out else "") + elem
    return out


def _walk(value: Any, path: Path, done: Path) -> Iterator[tuple[Path, Any]]:
    if not path:
        yield done, value
        return
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        if head == "*":
            for i, item in enumerate(value):
                yield from _walk(item, rest, (*done, i))
        elif isinstance(head, int):
            if 0 <= head < len(value):
                yield from _walk(value[head], rest, (*done, head))
        else:
            # implicit descent: a block list, look inside each element
            for i, item in enumerate(value):
                yield from _walk(item, path, (*done, i))
        return
    if isinstance(value, dict):
        if head == "*":
            for k, item in value.items():
                yield from _walk(item, rest, (*done, k))
        elif head in value:
            yield from _walk(value[head], rest, (*done, head))
        elif not rest:
            return
        return
    if isinstance(value, Unknown):
        known = value.value if is_open_collection(value) else None
        if isinstance(known, dict):
            # a map with known entries and maybe others (merge(var.tags, {...}))
            if head == "*":
                for k, item in known.items():
                    yield from _walk(item, rest, (*done, k))
            elif head in known:
                yield from _walk(known[head], rest, (*done, head))
                return
        elif isinstance(known, list) and not isinstance(head, int):
            # a list with known elements and maybe others (concat(var.extra, [...]))
            for i, item in enumerate(known):
                yield from _walk(item, rest if head == "*" else path, (*done, i))
        # an unknown container: whatever is inside it is unknown too
        yield (*done, *[p for p in path if p != "*"]), value


def _first(value: Any, path: Path, done: Path) -> tuple[Path, Any] | None:
    """The first ``(path, value)`` :func:`_walk` yields, or None (without a generator
    per level: rules read hundreds of thousands of attributes)."""
    if not path:
        return done, value
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        if head == "*":
            for i, item in enumerate(value):
                found = _first(item, rest, (*done, i))
                if found is not None:
                    return found
        elif isinstance(head, int):
            if 0 <= head < len(value):
                return _first(value[head], rest, (*done, head))
        else:
            # implicit descent: a block list, look inside each element
            for i, item in enumerate(value):
                found = _first(item, path, (*done, i))
                if found is not None:
                    return found
        return None
    if isinstance(value, dict):
        if head == "*":
            for k, item in value.items():
                found = _first(item, rest, (*done, k))
                if found is not None:
                    return found
        elif head in value:
            return _first(value[head], rest, (*done, head))
        return None
    if isinstance(value, Unknown):
        known = value.value if is_open_collection(value) else None
        if isinstance(known, dict):
            # a map with known entries and maybe others (merge(var.tags, {...}))
            if head == "*":
                for k, item in known.items():
                    found = _first(item, rest, (*done, k))
                    if found is not None:
                        return found
            elif head in known:
                return _first(known[head], rest, (*done, head))
        elif isinstance(known, list) and not isinstance(head, int):
            # a list with known elements and maybe others (concat(var.extra, [...]))
            for i, item in enumerate(known):
                found = _first(item, rest if head == "*" else path, (*done, i))
                if found is not None:
                    return found
        # an unknown container: whatever is inside it is unknown too
        return (*done, *[p for p in path if p != "*"]), value
    return None


def _collect(value: Any, path: Path, done: Path, out: list[tuple[Path, Any]]) -> None:
    """Every ``(path, value)`` :func:`_walk` yields, appended to ``out`` in its order."""
    if not path:
        out.append((done, value))
        return
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        if head == "*":
            for i, item in enumerate(value):
                _collect(item, rest, (*done, i), out)
        elif isinstance(head, int):
            if 0 <= head < len(value):
                _collect(value[head], rest, (*done, head), out)
        else:
            for i, item in enumerate(value):
                _collect(item, path, (*done, i), out)
        return
    if isinstance(value, dict):
        if head == "*":
            for k, item in value.items():
                _collect(item, rest, (*done, k), out)
        elif head in value:
            _collect(value[head], rest, (*done, head), out)
        return
    if isinstance(value, Unknown):
        known = value.value if is_open_collection(value) else None
        if isinstance(known, dict):
            # a map with known entries and maybe others (merge(var.tags, {...}))
            if head == "*":
                for k, item in known.items():
                    _collect(item, rest, (*done, k), out)
            elif head in known:
                _collect(known[head], rest, (*done, head), out)
                return
        elif isinstance(known, list) and not isinstance(head, int):
            # a list with known elements and maybe others (concat(var.extra, [...]))
            for i, item in enumerate(known):
                _collect(item, rest if head == "*" else path, (*done, i), out)
        out.append(((*done, *[p for p in path if p != "*"]), value))


@record(frozen=True)
class Attr:
    """An attribute read from a node: value, presence, knowledge and location."""

    node: Node
    path: Path
    value: Any

    @property
    def present(self) -> bool:
        """Written and not null."""
        return self.value is not MISSING and self.value is not None

    @property
    def missing(self) -> bool:
        return not self.present

    @property
    def unknown(self) -> bool:
        return isinstance(self.value, Unknown)

    @property
    def known(self) -> bool:
        """Present and resolved (it may still contain unknowns inside a container)."""
        return self.present and not isinstance(self.value, Unknown)

    def as_bool(self) -> bool | None:
        return None if not self.known else to_bool(self.value)

    def as_int(self) -> int | None:
        return None if not self.known else to_int(self.value)

    @property
    def location(self) -> Range:
        return self.node.location_of(self.path)

    @property
    def origin(self) -> Origin | None:
        return self.node.origins.get(self.path)

    @property
    def path_str(self) -> str:
        return format_path(self.path)

    def child(self, path: str | Path) -> Attr:
        p = parse_path(path) if isinstance(path, str) else tuple(path)
        found = _first(self.value, p, self.path)
        if found is not None:
            return _attr(self.node, found[0], found[1])
        return _attr(self.node, (*self.path, *[e for e in p if e != "*"]), MISSING)

    def children(self, path: str | Path) -> list[Attr]:
        p = parse_path(path) if isinstance(path, str) else tuple(path)
        found: list[tuple[Path, Any]] = []
        _collect(self.value, p, self.path, found)
        return [_attr(self.node, c, v) for c, v in found]

    def describe(self) -> str:
        """The value as a message shows it."""
        return describe_value(self.value)


_new_object = object.__new__


def _attr(node: Node, path: Path, value: Any) -> Attr:
    """``Attr(node, path, value)`` without the frozen dataclass's ``__init__`` (three
    ``object.__setattr__`` calls): the same object, made twice as fast."""
    a: Attr = _new_object(Attr)
    d = a.__dict__
    d["node"] = node
    d["path"] = path
    d["value"] = value
    return a


def _pack_locations(
    locations: dict[Path, Range],
) -> tuple[tuple[str, ...], tuple[Path, ...], bytes]:
    """``Node.locations`` as its files, its paths and its positions (five integers each:
    the file's index, then the range's four numbers; see :func:`_packed_numbers`)."""
    files: dict[str, int] = {}
    numbers: list[int] = []
    for r in locations.values():
        numbers.extend(
            (files.setdefault(r.file, len(files)), r.start_line, r.start_col, r.end_line, r.end_col)
        )
    return tuple(files), tuple(locations), _packed_numbers(numbers)


def _packed_numbers(numbers: Sequence[int]) -> bytes:
    """``numbers`` as 32-bit integers, or 64-bit ones when one does not fit (a position in
    a file of gigabytes); :func:`_number_format` tells which from the length."""
    try:
        return struct.pack(f"{len(numbers)}i", *numbers)
    except struct.error:
        pass
    try:
        return struct.pack(f"{len(numbers)}q", *numbers)
    except struct.error as exc:  # not integers: a TypeError, which the cache refuses to keep
        raise TypeError(f"a location's positions are not integers ({exc})") from None


def _number_format(packed: tuple[tuple[str, ...], tuple[Path, ...], bytes]) -> str:
    """The integer format of packed locations: 32 bits (4 bytes) unless 64."""
    return "i" if len(packed[2]) == 20 * len(packed[1]) else "q"


def locate(
    node: Node,
    file: str,
    spans: Mapping[Path, tuple[int, int, int, int]],
    shared: dict[Any, Any] | None = None,
) -> None:
    """Set ``node.locations`` to ``spans`` (start line, start column, end line, end column)
    in ``file``, packed as a pickled node holds them and built when first read: a template
    locates thousands of values, pickling them need not pack them, and a finding reads
    one of its node's (:meth:`Node.location_of` builds only that one).

    ``shared``, one per template, makes equal paths and equal tuples of paths one object
    each, which a pickle writes once: a template's nodes repeat most of them (a generated
    300-resource template's 4,600 paths are 15 distinct tuples of paths)."""
    state = node.__dict__
    state.pop("locations", None)
    numbers = _packed_numbers(
        tuple(chain.from_iterable(map(_IN_FIRST_FILE.__add__, spans.values())))
    )
    paths = tuple(spans)
    if shared is not None:
        known = shared.get(paths)
        if known is None:
            known = shared[paths] = tuple([shared.setdefault(p, p) for p in paths])
        paths = known
    state["_packed_locations"] = ((file,), paths, numbers)


#: a span prefixed with its file's index in :func:`_pack_locations`'s format
_IN_FIRST_FILE = (0,)


def _unpack_locations(packed: tuple[tuple[str, ...], tuple[Path, ...], bytes]) -> dict[Path, Range]:
    files, paths, raw = packed
    numbers = array.array(_number_format(packed))
    numbers.frombytes(raw)
    each = iter(numbers)
    return {
        path: make_range(files[f], a, b, c, d)
        for path, f, a, b, c, d in zip(paths, each, each, each, each, each, strict=True)
    }


def _packed_location(
    packed: tuple[tuple[str, ...], tuple[Path, ...], bytes], path: Path
) -> Range | None:
    """The range at ``path`` of packed locations, or None."""
    files, paths, raw = packed
    try:
        at = paths.index(path)
    except ValueError:
        return None
    code = _number_format(packed)
    f, *position = struct.unpack_from(f"5{code}", raw, struct.calcsize(code) * 5 * at)
    return make_range(files[f], *position)


def make_range(file: str, start_line: int, start_col: int, end_line: int, end_col: int) -> Range:
    """``Range(...)`` without the frozen dataclass's ``__init__`` (five
    ``object.__setattr__`` calls): the same object (fields in the same order), made twice
    as fast; a template has thousands of located values."""
    r: Range = _new_object(Range)
    d = r.__dict__
    d["file"] = file
    d["start_line"] = start_line
    d["start_col"] = start_col
    d["end_line"] = end_line
    d["end_col"] = end_col
    return r


def describe_value(value: Any) -> str:
    if value is MISSING:
        return "not set"
    if value is None:
        return "null"
    if isinstance(value, Unknown):
        return f"unknown ({value.expr})" if value.expr else "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | dict):
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return str(value)


@record(frozen=True)
class Edge:
    """A directed relation ``src -> dst`` between two nodes (by ``Node.id``).

    ``kind`` is ``ref`` (an attribute of src refers to dst), ``depends_on``,
    ``literal`` (src names dst by a literal value that matches dst's name,
    ARN or ID) or ``contains`` (a module call / nested stack contains dst).
    ``src_path`` is the attribute of src that refers; ``dst_attr`` the
    attribute of dst referred to (``arn``, ``id``, ``Arn``) when known.
    """

    src: str
    dst: str
    kind: Literal["ref", "depends_on", "literal", "contains"]
    src_path: Path = ()
    dst_attr: str | None = None


# --------------------------------------------------------------------------
# Severity and findings
# --------------------------------------------------------------------------


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def sarif_level(self) -> str:
        return {4: "error", 3: "error", 2: "warning", 1: "note"}[int(self)]

    @property
    def security_severity(self) -> str:
        return {4: "9.5", 3: "8.0", 2: "5.5", 1: "3.0"}[int(self)]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected critical, high, medium or low)"
            ) from None


@record(frozen=True)
class Related:
    """Another place a finding involves (SARIF relatedLocations / a code-flow hop)."""

    range: Range
    message: str
    address: str | None = None


@record(frozen=True)
class Suppression:
    """Why a finding is accepted: from an inline comment, CFN Metadata, config or a baseline."""

    kind: Literal["inline", "metadata", "config", "baseline"]
    reason: str
    expires: str | None = None  # ISO date
    range: Range | None = None  # where the suppression is written
    #: what it is, beyond where: the rules it names, and for a configuration entry its
    #: address and path globs (the identity the exceptions page and JSON use)
    rules: tuple[str, ...] = ()
    address: str | None = None
    path: str | None = None

    @property
    def id(self) -> str:
        """The suppression's identity: kind, file:line:column, rules, address and path globs."""
        where = (
            f"{self.range.file}:{self.range.start_line}:{self.range.start_col}"
            if self.range
            else ""
        )
        return "|".join(
            (self.kind, where, ",".join(self.rules), self.address or "", self.path or "")
        )


@record
class Finding:
    """One result.  Produced by the engine from what a rule reported."""

    rule_id: str
    slug: str
    severity: Severity
    message: str
    address: str
    range: Range
    scope: str = ""
    attr_path: str = ""
    kind: str = ""  # the node's kind, "" for configuration-wide findings
    fix: str = ""
    related: tuple[Related, ...] = ()
    code_flow: tuple[Related, ...] = ()
    suppression: Suppression | None = None
    baselined: bool = False
    #: a finding that makes the scan incomplete (parse error, rule error...)
    incomplete: bool = False
    #: set when the finding reports an unknown value under --strict
    unresolved: bool = False
    #: extra machine-readable facts (masked values, counts...); JSON-serialisable
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: rule + scope + address + attribute path."""
        key = "\x1f".join((self.rule_id, self.scope, self.address, self.attr_path))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def sort_key(self) -> tuple[Any, ...]:
        r = self.range
        return (r.file, r.start_line, r.start_col, self.rule_id, self.address, self.attr_path)
