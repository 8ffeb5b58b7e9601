from __future__ import annotations

from typing import Any

import pytest

from soc2lint.model import (
    MISSING,
    PartialValue,
    Range,
    Severity,
    Unknown,
    contains_unknown,
    format_path,
    parse_path,
    to_bool,
    to_int,
)

from helpers import make_node


def test_parse_and_format_path_round_trip() -> None:
    assert parse_path("a.b[0].c") == ("a", "b", 0, "c")
    assert parse_path("a[].b") == ("a", "*", "b")
    assert parse_path("") == ()
    assert format_path(("a", "b", 0, "c")) == "a.b[0].c"
    assert format_path(("a", "*", "b")) == "a[].b"


def test_attr_descends_into_block_lists() -> None:
    n = make_node(
        "aws_opensearch_domain.d",
        "AWS::OpenSearchService::Domain",
        {"encrypt_at_rest": [{"enabled": False}]},
    )
    a = n.attr("encrypt_at_rest.enabled")
    assert a.present and a.known and a.value is False
    assert a.path == ("encrypt_at_rest", 0, "enabled")
    assert a.as_bool() is False


def test_attr_missing_and_null_are_not_present() -> None:
    n = make_node("aws_x.y", "X", {"kms_key_id": None})
    assert not n.attr("kms_key_id").present
    assert n.attr("nothing").value is MISSING
    assert not n.attr("nothing").present
    assert n.get("kms_key_id", "dflt") == "dflt"


def test_attr_picks_language_spelling() -> None:
    tf = make_node("aws_db_instance.a", "AWS::RDS::DBInstance", {"storage_encrypted": True})
    cfn = make_node(
        "Db", "AWS::RDS::DBInstance", {"StorageEncrypted": "false"}, language="cloudformation"
    )
    assert tf.attr(tf="storage_encrypted", cfn="StorageEncrypted").as_bool() is True
    assert cfn.attr(tf="storage_encrypted", cfn="StorageEncrypted").as_bool() is False
    # a rule that only gives one spelling matches nothing in the other language
    assert not cfn.attr(tf="storage_encrypted").present


def test_unknown_values_are_present_but_not_known() -> None:
    u = Unknown("var.enc", refs=("aws_kms_key.k",))
    n = make_node("aws_x.y", "X", {"enc": u, "blocks": u})
    a = n.attr("enc")
    assert a.present and a.unknown and not a.known
    assert a.as_bool() is None
    # descending into an unknown container yields the unknown
    inner = n.attr("blocks.enabled")
    assert inner.unknown
    assert contains_unknown({"a": [1, u]})
    assert not contains_unknown({"a": [1, 2]})


def test_attrs_at_wildcard_lists_every_element() -> None:
    n = make_node(
        "aws_instance.w",
        "AWS::EC2::Instance",
        {"ebs_block_device": [{"encrypted": True}, {"encrypted": False}, {}]},
    )
    got = [(a.path, a.value) for a in n.attrs_at("ebs_block_device[].encrypted")]
    assert got == [
        (("ebs_block_device", 0, "encrypted"), True),
        (("ebs_block_device", 1, "encrypted"), False),
    ]


def test_location_of_is_the_finding_location() -> None:
    """RULES.md "Location": the attribute, else (written without a position) its nearest
    written parent; a missing attribute, even inside a written block, the first line."""
    block = Range("main.tf", 5, 3, 7, 4)
    own = Range("main.tf", 6, 5, 6, 19)
    n = make_node(
        "aws_x.y",
        "X",
        {"b": [{"enabled": True, "policy": '{"Statement": []}'}]},
        line=2,
        locations={("b", 0): block, ("b", 0, "enabled"): own},
    )
    first_line = Range("main.tf", 2, 1, 2, 0)
    assert n.location_of(("b", 0, "enabled")) == own
    assert n.location_of(("b", 0, "policy", "Statement")) == block  # inside a JSON string
    assert n.location_of(("b", 0, "missing")) == first_line
    assert n.location_of(("other",)) == first_line
    assert n.location_of(()) == first_line
    assert n.attr("b.enabled").location == own


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("true", True),
        ("False", False),
        ("1", True),
        (0, False),
        ("yes", True),
        ("maybe", None),
        (Unknown("x"), None),
        (None, None),
    ],
)
def test_to_bool(value: object, expected: bool | None) -> None:
    assert to_bool(value) is expected


def test_to_int() -> None:
    assert to_int("30") == 30
    assert to_int(7.0) == 7
    assert to_int("7.5") is None
    assert to_int("x") is None
    assert to_int(True) == 1


def test_severity_mapping_follows_rules_md() -> None:
    assert Severity.CRITICAL.sarif_level == "error"
    assert Severity.HIGH.sarif_level == "error"
    assert Severity.MEDIUM.sarif_level == "warning"
    assert Severity.LOW.sarif_level == "note"
    assert [s.security_severity for s in sorted(Severity, reverse=True)] == [
        "9.5",
        "8.0",
        "5.5",
        "3.0",
    ]
    assert Severity.parse("HIGH") is Severity.HIGH
    with pytest.raises(ValueError, match="unknown severity"):
        Severity.parse("urgent")


def test_attribute_walks_without_generators_match_the_reference_walk() -> None:
    import itertools

    from soc2lint.model import _collect, _first, _walk

    unknown = Unknown("var.x")
    open_map = PartialValue("merge(var.x, {...})", (), False, {"a": 1, "b": {"c": unknown}}, "")
    open_list = PartialValue("concat(var.x, [...])", (), False, [{"a": 5}, {"b": 6}], "")
    document = PartialValue("jsonencode(...)", (), False, {"a": 1}, "json")
    values: list[Any] = [
        {"a": [{"b": 1}, {"c": 2}, {"b": 3}], "d": {"e": unknown, "f": [1, 2]}, "g": unknown},
        [{"a": {"b": [5, {"c": 6}]}}, {"a": unknown}],
        {"a": {"*": 1, "b": None}},
        unknown,
        3,
        {"a": open_map, "b": [open_list], "c": document},
        open_map,
        open_list,
    ]
    elems: list[Any] = ["a", "b", "c", "d", "e", "f", "g", "*", 0, 1, 2, 5]
    paths = [()] + [p for n in (1, 2, 3) for p in itertools.product(elems, repeat=n)]
    for value in values:
        for path in paths:
            walked = list(_walk(value, path, ("x",)))
            assert _first(value, path, ("x",)) == (walked[0] if walked else None)
            collected: list[Any] = []
            _collect(value, path, ("x",), collected)
            assert collected == walked


def test_open_maps_are_read_through_and_documents_are_not() -> None:
    tags = PartialValue("merge(var.tags, {...})", ("var.tags",), False, {"Backup": "daily"}, "")
    doc = PartialValue("jsonencode({...})", (), False, {"Backup": "daily"}, "json")
    node = make_node("aws_ebs_volume.v", "AWS::EC2::Volume", {"tags": tags, "policy": doc})
    assert node.attr("tags.Backup").value == "daily"
    # a key the known part lacks may be in the unknown part
    assert node.attr("tags.Owner").value is tags
    # a document is text: its inside is read with document(), not as attributes
    assert node.attr("policy.Backup").value is doc


def test_new_value_types_survive_pickling_as_the_result_caches_keep_them() -> None:
    import pickle

    from soc2lint.model import document, known_structure, leaf_template, string_template

    name = Unknown(
        "!Sub ...",
        ("Env",),
        template=string_template([Unknown("x", template=leaf_template("Env")), "-logs"]),
    )
    assert name.template == ("", "Env", "-logs")
    doc = PartialValue("jsonencode(...)", ("a.b",), True, {"k": [name, 1]}, "yaml")
    for value in (name, doc, Unknown("plain")):
        back = pickle.loads(pickle.dumps(value))
        assert type(back) is type(value) and back == value
        assert back.template == value.template
    back_doc = pickle.loads(pickle.dumps(doc))
    assert back_doc.encoding == "yaml" and back_doc.secret
    assert back_doc.value["k"][0].template == ("", "Env", "-logs")
    assert known_structure(back_doc) == doc.value
    assert document(back_doc) == doc.value
    assert document('{"a": [1]}') == {"a": [1]} and document("plain") == "plain"
