"""Shared views over the resource graph, built once per graph and reused by rules and evidence.

Each view answers one cross-cutting question in one place (what a bucket's
settings are, which resources use a key, what a network looks like...), so
rules of different families and the evidence pack never disagree.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from ..model import Node

T = TypeVar("T")


def per_node(fn: Callable[[Node], T]) -> Callable[[Node], T]:
    """``fn``, a function of a node's own attributes that several rules ask of each node,
    computed once per node (remembered while the node lives)."""
    memo: weakref.WeakKeyDictionary[Node, T] = weakref.WeakKeyDictionary()

    @functools.wraps(fn)
    def once(node: Node) -> T:
        try:
            return memo[node]
        except KeyError:
            value = memo[node] = fn(node)
            return value

    return once
