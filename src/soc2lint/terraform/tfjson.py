"""Terraform's JSON configuration syntax (``.tf.json``) into the same syntax tree as HCL.

Per https://developer.hashicorp.com/terraform/language/syntax/json: each block
type nests its labels as object keys (``resource`` has two, ``module`` one,
``locals`` none), any level may be an array of objects to repeat blocks,
``"//"`` properties are comments, and strings are templates (``"${...}"``).
A few arguments take references written as strings (``depends_on``,
``provider``, ``providers``, ``lifecycle.ignore_changes``, a variable's
``type``); they are parsed as expressions.
"""

from __future__ import annotations

from collections.abc import Iterator

from .hcl import HclSyntaxError, assemble_template, parse_expression, scan_template
from .jsonpos import JNode, JsonSyntaxError, parse_json
from .syntax import (
    Attribute,
    Block,
    Body,
    Expr,
    Lit,
    ObjectExpr,
    ParsedFile,
    Pos,
    SyntaxProblem,
    TupleExpr,
)

#: block type -> number of labels, for top-level blocks
TOP_LABELS = {
    "resource": 2,
    "data": 2,
    "ephemeral": 2,
    "module": 1,
    "provider": 1,
    "variable": 1,
    "output": 1,
    "locals": 0,
    "terraform": 0,
    "moved": 0,
    "import": 0,
    "removed": 0,
    "check": 1,
}

#: block type -> {nested block type: labels}
NESTED_LABELS: dict[str, dict[str, int]] = {
    "terraform": {"backend": 1, "cloud": 0, "required_providers": 0, "provider_meta": 1},
    "resource": {
        "lifecycle": 0,
        "provisioner": 1,
        "connection": 0,
        "dynamic": 1,
    },
    "data": {"lifecycle": 0, "dynamic": 1},
    "ephemeral": {"lifecycle": 0, "dynamic": 1},
    "lifecycle": {"precondition": 0, "postcondition": 0},
    "variable": {"validation": 0},
    "output": {"precondition": 0},
    "provider": {
        "default_tags": 0,
        "assume_role": 0,
        "assume_role_with_web_identity": 0,
        "ignore_tags": 0,
        "endpoints": 0,
    },
    "dynamic": {"content": 0},
    "provisioner": {"connection": 0},
}

#: arguments whose string values are references, not templates
_TRAVERSAL_ARGS = {"depends_on", "provider", "ignore_changes", "replace_triggered_by"}


def parse_tf_json(text: str) -> ParsedFile:
    """Parse a ``.tf.json`` file; problems come back in ``ParsedFile.problems``."""
    try:
        root = parse_json(text)
    except JsonSyntaxError as exc:
        return ParsedFile(None, (SyntaxProblem(exc.message, exc.line, exc.column),))
    except RecursionError:
        return ParsedFile(None, (SyntaxProblem("JSON nested too deeply", 1, 1),))
    if root.kind != "obj":
        return ParsedFile(
            None,
            (SyntaxProblem("a .tf.json file must hold a JSON object", root.pos[0], root.pos[1]),),
        )
    try:
        blocks: list[Block] = []
        for key, kpos, value in root.value:
            if key == "//" or key not in TOP_LABELS:
                continue
            blocks.extend(_blocks(key, TOP_LABELS[key], value, kpos))
        return ParsedFile(Body({}, tuple(blocks)))
    except HclSyntaxError as exc:
        return ParsedFile(None, (exc.problem(),))
    except RecursionError:
        return ParsedFile(None, (SyntaxProblem("JSON nested too deeply", 1, 1),))


def _expand(
    node: JNode, n: int, labels: tuple[str, ...], kpos: Pos
) -> Iterator[tuple[tuple[str, ...], JNode, Pos]]:
    if node.kind == "arr":
        for item in node.value:
            yield from _expand(item, n, labels, kpos)
        return
    if node.kind != "obj":
        raise HclSyntaxError("expected a JSON object for a block body", node.pos[0], node.pos[1])
    if n == 0:
        yield labels, node, kpos
        return
    for key, kp, value in node.value:
        if key == "//":
            continue
        yield from _expand(value, n - 1, (*labels, key), kp)


def _blocks(type_: str, n_labels: int, node: JNode, kpos: Pos) -> list[Block]:
    out = []
    for labels, body_node, label_pos in _expand(node, n_labels, (), kpos):
        body = json_body(body_node, type_)
        pos = (label_pos[0], label_pos[1], body_node.pos[2], body_node.pos[3])
        out.append(Block(type_, labels, body, pos))
    return out


def json_body(node: JNode, block_type: str) -> Body:
    nested = NESTED_LABELS.get(block_type, {})
    attrs: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for key, kpos, value in node.value:
        if key == "//":
            continue
        if key in nested:
            blocks.extend(_blocks(key, nested[key], value, kpos))
            continue
        pos = (kpos[0], kpos[1], value.pos[2], value.pos[3])
        if key in _TRAVERSAL_ARGS or (block_type == "variable" and key == "type"):
            expr = _traversals(value)
        elif block_type == "module" and key == "providers" and value.kind == "obj":
            expr = ObjectExpr(
                value.pos, tuple((Lit(kp, k), _traversals(v)) for k, kp, v in value.value)
            )
        else:
            expr = json_expr(value)
        attrs[key] = Attribute(key, expr, pos)
    return Body(attrs, tuple(blocks))


def _traversals(node: JNode) -> Expr:
    if node.kind == "str":
        text = node.value
        if text.startswith("${") and text.endswith("}"):
            text = text[2:-1]
        return parse_expression(text, node.pos[0], node.pos[1])
    if node.kind == "arr":
        return TupleExpr(node.pos, tuple(_traversals(v) for v in node.value))
    return json_expr(node)


def json_expr(node: JNode) -> Expr:
    """A JSON value as an expression: strings are templates."""
    if node.kind == "str":
        return json_template(node.value, node.pos)
    if node.kind == "arr":
        return TupleExpr(node.pos, tuple(json_expr(v) for v in node.value))
    if node.kind == "obj":
        items = []
        for key, kpos, value in node.value:
            items.append((json_template(key, kpos), json_expr(value)))
        return ObjectExpr(node.pos, tuple(items))
    return Lit(node.pos, node.value)


def json_template(text: str, pos: Pos) -> Expr:
    if "${" not in text and "%{" not in text:
        return Lit(pos, text)
    flat = scan_template(text, pos[0], pos[1], fixed_pos=True)
    return assemble_template(flat, pos)
