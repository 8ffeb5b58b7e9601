"""``data "aws_iam_policy_document"``: the JSON policy the AWS provider would render.

Follows the provider's rules: ``effect`` defaults to Allow; a set of one
string collapses to the string and longer sets are sorted in reverse; principals
of one type merge, ``{"*": ["*"]}`` alone becomes ``"*"``; condition values
keep their order and a single value collapses; ``source_policy_documents`` are
merged first (duplicate Sids among them are an error), then the document's own
statements (replacing source statements with the same Sid), then
``override_policy_documents`` (replacing by Sid); the version is the highest
seen.

Unknown parts stay Unknown inside :attr:`PolicyDoc.document`; the JSON text
exists only when nothing is unknown.  An unknown source document becomes one
Unknown statement (the document's own statements still stand: they replace
source statements, never the other way round); an unknown override document
makes every own statement with a Sid Unknown (it might be replaced).
"""

from __future__ import annotations

import json
from typing import Any

from ..model import MISSING, Unknown
from ..record import record
from .values import has_unknown, unknown_from

DEFAULT_VERSION = "2012-10-17"


class DocumentUnknown(Unknown):
    """The ``json`` of a policy document that is not fully known, carrying the document.

    Passed unchanged into another document's ``source_policy_documents`` or
    ``override_policy_documents``, its known statements are merged instead of
    one Unknown statement.  Anything computed from it is a plain Unknown.
    """

    __slots__ = ("document",)

    def __init__(self, expr: str, refs: tuple[str, ...], document: Any) -> None:
        super().__init__(expr, refs)
        self.document = document


@record
class PolicyDoc:
    """An ``aws_iam_policy_document`` data source's evaluated document and its JSON."""

    document: Any  # dict with Unknowns inside, or Unknown
    json: str | None
    minified: str | None
    #: statement index in the document -> index of the own ``statement`` block
    own_statements: dict[int, int]


def _present(v: Any) -> bool:
    return v is not MISSING and v is not None


def _strings(values: Any) -> Any:
    """A set of strings as the provider renders it: one -> the string, else reverse-sorted."""
    if isinstance(values, Unknown):
        return values
    if not isinstance(values, list):
        values = [values]
    known = sorted((v for v in values if isinstance(v, str)), reverse=True)
    unknown = [v for v in values if not isinstance(v, str)]
    items = known + unknown
    if len(items) == 1:
        return items[0]
    return items


def _vars(value: Any) -> Any:
    """``&{aws:username}`` -> ``${aws:username}`` (the provider's escape for policy variables)."""
    if isinstance(value, str):
        return value.replace("&{", "${")
    if isinstance(value, list):
        return [_vars(v) for v in value]
    return value


def _principals(blocks: Any) -> Any:
    if isinstance(blocks, Unknown):
        return blocks
    if not isinstance(blocks, list) or not blocks:
        return MISSING
    entries: list[tuple[Any, Any]] = []
    for b in blocks:
        if not isinstance(b, dict):
            return unknown_from("principals", b)
        ptype = b.get("type")
        ids = b.get("identifiers")
        if isinstance(ptype, Unknown):
            return unknown_from("principals", ptype, ids)
        entries.append((ptype, _vars(_strings(ids if ids is not None else []))))
    if len(entries) == 1 and entries[0][0] == "*" and entries[0][1] in ("*", ["*"]):
        return "*"
    out: dict[str, Any] = {}
    for ptype, ids in entries:
        key = str(ptype)
        if isinstance(ids, Unknown):
            out[key] = ids
            continue
        prev = out.get(key)
        if prev is None:
            out[key] = ids
        elif isinstance(prev, Unknown):
            continue
        else:
            merged = prev if isinstance(prev, list) else [prev]
            merged = merged + (ids if isinstance(ids, list) else [ids])
            out[key] = merged
    return {k: out[k] for k in sorted(out)}


def _conditions(blocks: Any) -> Any:
    if isinstance(blocks, Unknown):
        return blocks
    if not isinstance(blocks, list) or not blocks:
        return MISSING
    raw: dict[str, dict[str, Any]] = {}
    for b in blocks:
        if not isinstance(b, dict):
            return unknown_from("condition", b)
        test, variable, values = b.get("test"), b.get("variable"), b.get("values")
        if isinstance(test, Unknown) or isinstance(variable, Unknown):
            return unknown_from("condition", test, variable, values)
        slot = raw.setdefault(str(test), {})
        if isinstance(values, Unknown):
            slot[str(variable)] = values
            continue
        vals = _vars(values if isinstance(values, list) else [values])
        prev = slot.get(str(variable))
        if isinstance(prev, Unknown):
            continue
        slot[str(variable)] = (prev or []) + vals
    out: dict[str, Any] = {}
    for test in sorted(raw):
        inner = {}
        for var in sorted(raw[test]):
            v = raw[test][var]
            inner[var] = v[0] if isinstance(v, list) and len(v) == 1 else v
        out[test] = inner
    return out


def statement_from_block(b: Any) -> Any:
    if not isinstance(b, dict):
        return unknown_from("statement", b)
    s: dict[str, Any] = {}
    sid = b.get("sid")
    if _present(sid) and sid != "":
        s["Sid"] = sid
    effect = b.get("effect")
    s["Effect"] = effect if _present(effect) else "Allow"
    for key, out, subst in (
        ("actions", "Action", False),
        ("not_actions", "NotAction", False),
        ("resources", "Resource", True),
        ("not_resources", "NotResource", True),
    ):
        v = b.get(key)
        if not _present(v) or v == []:
            continue
        value = _strings(v)
        s[out] = _vars(value) if subst else value
    for key, out in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        p = _principals(b.get(key))
        if p is not MISSING:
            s[out] = p
    c = _conditions(b.get("condition"))
    if c is not MISSING:
        s["Condition"] = c
    return s


def _normalize_json_statement(s: Any) -> Any:
    """A statement read from a JSON document, as the provider re-renders it."""
    if not isinstance(s, dict):
        return s
    out = dict(s)
    for key in ("Principal", "NotPrincipal"):
        p = out.get(key)
        if isinstance(p, dict):
            out[key] = {
                k: sorted(v, reverse=True) if isinstance(v, list) else v
                for k, v in sorted(p.items())
            }
    cond = out.get("Condition")
    if isinstance(cond, dict):
        norm: dict[str, Any] = {}
        for test in sorted(cond):
            inner = cond[test]
            if isinstance(inner, dict):
                norm[test] = {
                    var: ("true" if v is True else "false" if v is False else v)
                    for var, v in sorted(inner.items())
                }
            else:
                norm[test] = inner
        out["Condition"] = norm
    return out


def _sid(s: Any) -> Any:
    if isinstance(s, dict):
        sid = s.get("Sid")
        return sid if isinstance(sid, str | Unknown) else ""
    return ""


class _Doc:
    def __init__(self) -> None:
        self.version: Any = ""
        self.id: Any = ""
        self.statements: list[Any] = []
        self.own: dict[int, int] = {}

    def merge(self, version: Any, id_: Any, statements: list[Any], own: bool = False) -> None:
        if _present(id_) and id_ != "":
            self.id = id_
        if isinstance(version, Unknown) or isinstance(self.version, Unknown):
            self.version = unknown_from("version", version, self.version)
        elif isinstance(version, str) and version > self.version:
            self.version = version
        for block_index, st in enumerate(statements):
            sid = _sid(st)
            target = None
            if isinstance(sid, str) and sid:
                for i, existing in enumerate(self.statements):
                    if _sid(existing) == sid:
                        target = i
                        break
            if target is None:
                self.statements.append(st)
                target = len(self.statements) - 1
            else:
                self.statements[target] = st
                self.own.pop(target, None)
            if own:
                self.own[target] = block_index


def _parse_doc(text: Any) -> Any:
    """A source/override document: (version, id, statements) or Unknown/None."""
    if isinstance(text, DocumentUnknown) and isinstance(text.document, dict):
        doc = text.document
        stmts = doc.get("Statement", [])
        if not isinstance(stmts, list):
            return Unknown(text.expr, text.refs)
        return doc.get("Version", ""), doc.get("Id", ""), list(stmts)
    if isinstance(text, Unknown):
        return text
    if not isinstance(text, str):
        return None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    stmts = data.get("Statement", [])
    if isinstance(stmts, dict):
        stmts = [stmts]
    if not isinstance(stmts, list):
        return None
    return (
        data.get("Version", ""),
        data.get("Id", ""),
        [_normalize_json_statement(s) for s in stmts],
    )


def policy_document(values: dict[str, Any], address: str) -> PolicyDoc:
    """The document for the evaluated arguments of an ``aws_iam_policy_document``."""
    doc = _Doc()
    sources = values.get("source_policy_documents")
    if isinstance(sources, Unknown):
        doc.statements.append(Unknown(f"{address}.source_policy_documents", sources.refs))
    elif isinstance(sources, list):
        seen: set[str] = set()
        for src in sources:
            parsed = _parse_doc(src)
            if parsed is None:
                continue
            if isinstance(parsed, Unknown):
                doc.statements.append(parsed)
                continue
            version, id_, stmts = parsed
            for st in stmts:
                sid = _sid(st)
                if isinstance(sid, str) and sid:
                    if sid in seen:  # the provider rejects the document
                        u = Unknown(f"{address}.json", (address,))
                        return PolicyDoc(u, None, None, {})
                    seen.add(sid)
            doc.merge(version, id_, stmts)
    version = values.get("version")
    if not _present(version):
        version = DEFAULT_VERSION
    own_blocks = values.get("statement")
    if isinstance(own_blocks, Unknown):
        own_stmts: list[Any] = [own_blocks]
    elif isinstance(own_blocks, list):
        own_stmts = [statement_from_block(b) for b in own_blocks]
    else:
        own_stmts = []
    policy_id = values.get("policy_id")
    doc.merge(version, policy_id if _present(policy_id) else "", own_stmts, own=True)
    overrides = values.get("override_policy_documents")
    unknown_override: list[Unknown] = []
    if isinstance(overrides, Unknown):
        unknown_override.append(overrides)
    elif isinstance(overrides, list):
        for ov in overrides:
            parsed = _parse_doc(ov)
            if parsed is None:
                continue
            if isinstance(parsed, Unknown):
                unknown_override.append(parsed)
                continue
            doc.merge(*parsed)
    if unknown_override:
        for i, st in enumerate(doc.statements):
            sid = _sid(st)
            if isinstance(sid, Unknown) or sid:
                doc.statements[i] = unknown_from(
                    f"{address}.override_policy_documents", st, *unknown_override
                )
        doc.statements.extend(unknown_override)
    out: dict[str, Any] = {}
    if doc.version != "":
        out["Version"] = doc.version
    if _present(doc.id) and doc.id != "":
        out["Id"] = doc.id
    if doc.statements:
        out["Statement"] = doc.statements
    if has_unknown(out):
        return PolicyDoc(out, None, None, doc.own)
    return PolicyDoc(
        out,
        json.dumps(out, indent=2, ensure_ascii=False),
        json.dumps(out, separators=(",", ":"), ensure_ascii=False),
        doc.own,
    )
