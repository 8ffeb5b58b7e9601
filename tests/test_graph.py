from __future__ import annotations

from soc2lint.graph import ResourceGraph
from soc2lint.links import literal_edges
from soc2lint.model import Edge

from helpers import make_node


def _graph() -> tuple[ResourceGraph, dict[str, object]]:
    b = make_node("aws_s3_bucket.b", "AWS::S3::Bucket", {"bucket": "acme-logs"})
    v = make_node("aws_s3_bucket_versioning.v", "aws_s3_bucket_versioning", {"bucket": "x"})
    k = make_node("aws_kms_key.k", "AWS::KMS::Key")
    g = ResourceGraph(
        [b, v, k],
        [
            Edge(v.id, b.id, "ref", ("bucket",), "id"),
            Edge(b.id, k.id, "ref", ("server_side_encryption_configuration", 0, "rule"), "arn"),
        ],
    )
    return g, {"b": b, "v": v, "k": k}


def test_nodes_by_kind_and_category() -> None:
    g, n = _graph()
    assert g.nodes("AWS::S3::Bucket") == [n["b"]]
    assert g.nodes(["AWS::KMS::Key", "AWS::S3::Bucket"]) == [n["k"], n["b"]]
    assert g.nodes("AWS::S3::Bucket", category="data") == []
    assert g.find(".", "aws_kms_key.k") is n["k"]


def test_related_follows_edges_by_direction_and_path() -> None:
    g, n = _graph()
    assert g.referrers(n["b"], "aws_s3_bucket_versioning") == [n["v"]]  # type: ignore[arg-type]
    assert g.targets(n["b"]) == [n["k"]]  # type: ignore[arg-type]
    assert g.targets(n["b"], via="server_side_encryption_configuration.rule") == [n["k"]]  # type: ignore[arg-type]
    assert g.targets(n["b"], via="logging") == []  # type: ignore[arg-type]
    assert {x.id for x in g.related(n["b"])} == {n["v"].id, n["k"].id}  # type: ignore[union-attr,arg-type]


def test_duplicate_edges_collapse_and_self_edges_drop() -> None:
    g, n = _graph()
    before = len(g.all_edges())
    g.add_edge(Edge(n["v"].id, n["b"].id, "ref", ("bucket",), "id"))  # type: ignore[union-attr]
    g.add_edge(Edge(n["b"].id, n["b"].id, "ref", (), None))  # type: ignore[union-attr]
    assert len(g.all_edges()) == before


def test_views_are_built_once() -> None:
    g, _ = _graph()
    calls = []

    def build(graph: ResourceGraph) -> int:
        calls.append(1)
        return len(graph)

    assert g.view("size", build) == 3
    assert g.view("size", build) == 3
    assert len(calls) == 1


def test_edges_are_indexed_lazily_as_they_were_added() -> None:
    # edges are indexed on the first edge query: an edge added before one of its nodes
    # is still dropped, and a view built before an edge is added is built again
    g, n = _graph()
    late = make_node("aws_iam_role.r", "AWS::IAM::Role")
    g.add_edges([Edge(n["b"].id, late.id, "ref", ("policy",), "arn")])  # type: ignore[union-attr]
    g.add_node(late)
    g.add_edges([Edge(late.id, n["k"].id, "ref", ("kms",), "arn")])  # type: ignore[union-attr]
    assert g.targets(n["b"]) == [n["k"]]  # type: ignore[arg-type]
    assert g.targets(late) == [n["k"]]
    assert g.view("edges", lambda graph: len(graph.all_edges())) == 3
    g.add_edge(Edge(n["v"].id, n["k"].id, "ref", ("kms",), "arn"))  # type: ignore[union-attr]
    assert g.view("edges", lambda graph: len(graph.all_edges())) == 4


def test_literal_edges_by_name_and_arn() -> None:
    bucket = make_node("aws_s3_bucket.logs", "AWS::S3::Bucket", {"bucket": "acme-logs"})
    ver = make_node(
        "aws_s3_bucket_versioning.v", "aws_s3_bucket_versioning", {"bucket": "acme-logs"}
    )
    pol = make_node(
        "aws_iam_policy.p",
        "AWS::IAM::ManagedPolicy",
        {"policy": {"Resource": "arn:aws:s3:::acme-logs/*"}},
    )
    tag = make_node("aws_instance.i", "AWS::EC2::Instance", {"tags": {"Name": "acme-logs"}})
    other_scope = make_node(
        "aws_s3_bucket_logging.l",
        "aws_s3_bucket_logging",
        {"bucket": "acme-logs"},
        scope="envs/prod",
    )
    edges = literal_edges([bucket, ver, pol, tag, other_scope])
    pairs = {(e.src, e.dst, e.src_path) for e in edges}
    assert (ver.id, bucket.id, ("bucket",)) in pairs
    assert (pol.id, bucket.id, ("policy", "Resource")) in pairs
    # a tag that happens to equal the name is not a reference; other scopes do not link
    assert all(e.src not in (tag.id, other_scope.id) for e in edges)
    assert len(edges) == 2


def test_reachable_follows_edges_transitively() -> None:
    a = make_node("aws_iam_role.a", "AWS::IAM::Role")
    b = make_node("aws_iam_policy.b", "AWS::IAM::ManagedPolicy")
    c = make_node("aws_kms_key.c", "AWS::KMS::Key")
    d = make_node("aws_sqs_queue.d", "AWS::SQS::Queue")
    g = ResourceGraph(
        [a, b, c, d],
        [Edge(a.id, b.id, "ref", ("policy",), "arn"), Edge(b.id, c.id, "ref", ("key",), "arn")],
    )
    assert g.reachable(a) == [b, c]  # sorted by id
    assert g.reachable(c, "in") == [b, a]
    assert g.reachable(b, "both") == [a, c]
    assert g.reachable(d) == []
    assert [e.dst for e in g.all_edges()] == [b.id, c.id]
