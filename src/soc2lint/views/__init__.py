"""Shared views over the resource graph, built once per graph and reused by rules and evidence.

Each view answers one cross-cutting question in one place (what a bucket's
settings are, which resources use a key, what a network looks like...), so
rules of different families and the evidence pack never disagree.
"""
