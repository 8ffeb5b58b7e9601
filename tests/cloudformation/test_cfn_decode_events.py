"""The block reader and the event builder against the constructors: the same values and
spans, or the same error.

``decode._fast_load`` reads a template with :class:`~soc2lint.cloudformation.blockyaml.
BlockReader` when it is written in the plain subset of YAML that reader reads, else
builds it straight from libyaml's events, and leaves whatever the event builder does
not handle to PyYAML's constructors; ``block=False`` starts with the event builder,
``events=False`` goes to the constructors from the start.  Every text here is read all
three ways.
"""

from __future__ import annotations

import contextlib
import gc
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfn_testlib import FIXTURES

from soc2lint.cloudformation import decode
from soc2lint.cloudformation.blockyaml import Declined
from soc2lint.cloudformation.decode import _fast_load, decode_text

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "src" / "soc2lint" / "rules"


def _shape(value: Any) -> Any:
    """Everything a decoded value carries: types, text, spans, value spans, key spans."""
    if isinstance(value, dict):
        return (
            type(value).__name__,
            getattr(value, "span", None),
            getattr(value, "value_spans", None),
            [(_shape(k), _shape(v)) for k, v in value.items()],
        )
    if isinstance(value, list):
        return (type(value).__name__, getattr(value, "span", None), [_shape(v) for v in value])
    if isinstance(value, str):
        return (type(value).__name__, str(value), getattr(value, "span", None))
    return (type(value).__name__, repr(value))


def _read(text: str, *, events: bool, block: bool = True) -> Any:
    try:
        root, duplicates = _fast_load(text, text.split("\n"), events=events, block=block)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))
    return (_shape(root), duplicates)


def _assert_same(text: str) -> None:
    constructors = _read(text, events=False)
    assert _read(text, events=True, block=False) == constructors, text[:200]
    assert _read(text, events=True) == constructors, text[:200]


def _read_by_block_reader(text: str) -> bool:
    """True when the block reader read the text (it declined nothing)."""
    try:
        decode.block_read(text)
    except Declined:
        return False
    return True


def _built_from_events(text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """True when the constructors were not needed."""
    used: list[bool] = []
    loader = decode._fast_loader_class()
    original = loader.get_single_data

    def spy(self: Any) -> Any:
        used.append(True)
        return original(self)

    with monkeypatch.context() as m:
        m.setattr(loader, "get_single_data", spy)
        # an error of the text is raised without the constructors too
        with contextlib.suppress(Exception):
            _fast_load(text, text.split("\n"))
    return not used


def _fixture_texts() -> list[Path]:
    suffixes = {".yaml", ".yml", ".json", ".template"}
    found = [p for p in (REPO / "fixtures").rglob("*") if p.suffix in suffixes and p.is_file()]
    found += sorted(RULES.rglob("*.examples.yaml"))
    return sorted(found)


def _example_templates() -> list[str]:
    """The CloudFormation texts of every rule's examples."""
    out: list[str] = []
    for path in sorted(RULES.rglob("*.examples.yaml")):
        cfn = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cloudformation") or {}
        for kind in ("bad", "good"):
            for example in cfn.get(kind) or []:
                if "code" in example:
                    out.append(example["code"])
                out.extend((example.get("files") or {}).values())
    return out


def test_every_fixture_and_rule_example_reads_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = _fixture_texts()
    examples = _example_templates()
    assert len(paths) > 100 and len(examples) > 300
    from_events = 0
    by_block_reader = 0
    texts = [p.read_text(encoding="utf-8") for p in paths] + examples
    for text in texts:
        _assert_same(text)
        from_events += _built_from_events(text, monkeypatch)
        by_block_reader += _read_by_block_reader(text)
    # the builder, not the fallback, reads nearly all of them
    assert from_events > 0.9 * (len(paths) + len(examples)), from_events
    # and the block reader most YAML ones (not JSON, nor what it leaves to libyaml)
    yaml_texts = sum(not t.lstrip().startswith(("{", "[")) for t in texts)
    assert by_block_reader > 0.9 * yaml_texts, (by_block_reader, yaml_texts)


EDGE_CASES = [
    "",
    "---\n",
    "# only a comment\n",
    "Resources:\n",
    "- a\n- b\n",
    "just a scalar\n",
    "42\n",
    "null\n",
    # YAML 1.1 scalars
    "On: yes\nOff: no\nVersion: 2012-10-17\nOctal: 017\nHex: 0x1F\nSexa: 1:30\nF: 1.5e3\n"
    "Inf: .inf\nNan: .NaN\nN: ~\nE:\nT: True\nU: 1_000\n017: key\n",
    "A: !!str 1\nB: !!int '7'\nC: !!float 2\nD: !!bool yes\nE: !!null ''\n",
    "A: !!timestamp 2001-12-14\nB: 2001-12-14t21:59:43.10-05:00\n",
    "Blob: !!binary aGVs\n  bG8=\n",
    "A: !!int abc\n",
    "A: !!bool maybe\n",
    "A: =\n",
    "A: !!python/name:os.system\n",
    "A: !!set {a, b}\n",
    "A: !!omap [a: 1]\n",
    # short-form tags on every kind of node
    "A: !Ref X\nB: !GetAtt R.Arn\nC: !GetAtt [R, Endpoint.Address]\nD: !Sub '${X}-y'\n"
    "E: !If [C, 1, 2]\nF: !Foo bar\nG: !Sub\n  - x\n  - {a: b}\nH: !Transform {Name: x}\n"
    "I: !GetAtt R\nJ: !Condition C\nK: [!Ref A, !GetAtt B.C.D]\n",
    "!Ref X\n",
    "A: !Ref\n",
    "!Ref A: 1\n",
    "A: !<!Ref> X\nB: !<tag:yaml.org,2002:str> 5\n",
    "%TAG !e! tag:example.com,2000:\n---\nA: !e!thing x\n",
    "%TAG ! tag:example.com,2000:\n---\nA: !thing x\n",
    "A: ! 5\nB: ! [1]\nC: ! {x: 1}\n",
    "A: !!map {x: 1}\nB: !!seq [1]\nC: !!str [1]\nD: !!seq {a: 1}\n",
    # keys
    "? [a]\n: 1\n",
    "? {a: 1}\n: 1\n",
    "null: 1\n",
    "~: 1\n",
    ": 1\n",
    "'null': 1\n'~': 2\n",
    "!!null x: 1\n",
    "!!int 5: x\n",
    "A: 1\nA: 2\nB: {x: 1, x: 2}\n",
    "A:\n  B: 1\n  C: 2\n  B: 3\n",
    # anchors, aliases, merge keys
    "A: &a {x: 1}\nB: *a\n",
    "A: &a 1\n",
    "A: *missing\n",
    "A: &a 1\nB: &a 2\n",
    "base: &b {x: 1, y: 2}\nA:\n  <<: *b\n  y: 3\n",
    "A:\n  <<: {x: 1}\n  x: 2\n  x: 3\n",
    "A: <<\n",
    "A: !!merge x\n",
    "[&a x, *a]\n",
    "&r A: 1\n",
    # positions: block collections, comments, blank lines, block scalars, flow
    "Resources:\n  A:\n    Type: X\n\n    # trailing comment\n\n  B:\n    Type: Y\n# end\n\n",
    "A:\n  - x\n  - y\n\n# c\nB: |\n  text\n  more\n\nC: >-\n  folded\n  text\nD: x\n",
    "A: [a, b,\n  c]\nB: {x: 1,\n  y: [2, 3]}\nC: 'quoted ''x'''\nD: \"esc\\taped\"\n",
    "A: plain\n  continued\n  lines\nB: 'multi\n  line'\n",
    "A:    \n  - a   \n  -   b  # c\nB: x # comment\n",
    "A: x\u00a0\nB: \u00a0\nC:\n  - \u3000\nD: \u00e9t\u00e9\n",
    "A: 1\r\nB:\r\n  - x\r\n  - y\r\n",
    "\ufeffA: 1\n",
    "A:\n\tB: 1\n",
    "A: 1\n...\n",
    "A: 1\n---\nB: 2\n",
    "--- !Ref X\n",
    "A: [1, 2\n",
    "A: {b: 1\nC: 2\n",
    "A: 'unclosed\n",
    "A:\n  B: 1\n C: 2\n",
    "A: b: c\n",
    "- a\nB: 1\n",
    "A: @x\n",
    "A: `x\n",
    'A: "\\x"\n',
    '{"Resources": {"A": {"Type": "X", "Properties": {"N": 1, "B": true, "Z": null}}}}',
    '{\n\t"Resources": {}\n}\n',
    '{"A": "\\u00e9", "B": [1.5, -2, 1e3]}',
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_read_the_same_both_ways(text: str) -> None:
    _assert_same(text)


def test_deep_nesting_is_left_to_the_constructors(monkeypatch: pytest.MonkeyPatch) -> None:
    shallow = "a: " + "[" * 50 + "]" * 50 + "\n"
    deep = "a: " + "[" * 150 + "]" * 150 + "\n"
    deeper = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    for text in (shallow, deep, deeper):
        _assert_same(text)
    assert _built_from_events(shallow, monkeypatch)
    assert not _built_from_events(deep, monkeypatch)
    assert decode_text(deeper).problems


def test_what_the_builder_leaves_to_the_constructors(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = "Resources:\n  A:\n    Type: X\n    Properties: {N: 1, S: !Sub x, L: [a, !Ref B]}\n"
    assert _built_from_events(plain, monkeypatch)
    assert _built_from_events("A: 1\nB: {x: 1, x: 2}\nA: 3\n", monkeypatch)  # duplicate keys
    for text in ("A: &a 1\nB: *a\n", "b: &b {x: 1}\nA: {<<: *b}\n", "? [a]\n: 1\n"):
        assert not _built_from_events(text, monkeypatch), text


def _mutations(text: str, rng: random.Random, count: int) -> list[str]:
    """Texts a few edits away from ``text``: lines dropped, doubled or re-indented, and
    characters that matter to YAML inserted."""
    tokens = [
        " ",
        "\n",
        ":",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'",
        '"',
        "#",
        "&a ",
        "*a",
        "!Ref ",
        "!!str ",
        "<<: ",
        "? ",
        "|",
        ">",
        "\t",
        "~",
        "yes",
        "0x1",
        "---\n",
    ]
    out = []
    for _ in range(count):
        lines = text.split("\n")
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            action = rng.randrange(4)
            if action == 0:
                del lines[i]
            elif action == 1:
                lines.insert(i, lines[i])
            elif action == 2:
                lines[i] = " " * rng.randint(0, 4) + lines[i].lstrip()
            else:
                at = rng.randint(0, len(lines[i]))
                lines[i] = lines[i][:at] + rng.choice(tokens) + lines[i][at:]
            if not lines:
                lines = [""]
        out.append("\n".join(lines))
    return out


@pytest.mark.parametrize(
    "name", ["multi-tier/app.yaml", "multi-tier/app.json", "sam/template.yaml"]
)
def test_mutated_templates_read_the_same_both_ways(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    rng = random.Random(name)
    for mutated in _mutations(text, rng, 150):
        _assert_same(mutated)


@pytest.mark.parametrize("events", [True, False])
def test_decoding_leaves_no_cyclic_garbage(events: bool) -> None:
    # workers pause the cyclic collector for their whole batch: a cycle would keep the
    # loader and the text's lines of every template they decode
    text = (FIXTURES / "multi-tier" / "app.yaml").read_text(encoding="utf-8")
    gc.collect()
    gc.disable()
    try:
        root, _ = _fast_load(text, text.split("\n"), events=events)
        assert root
        del root
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize("events", [True, False], ids=["events", "constructors"])
def test_a_duplicate_is_reported_against_the_key_written_last_before_it(events: bool) -> None:
    text = "A: 1\nB: 2\nA: 3\nC: {x: 1}\nA: 4\n"
    if not events:
        text = "Z: &z 0\n" + text  # an anchor: the constructors read it
    root, duplicates = _fast_load(text, text.split("\n"), events=events)
    first = 2 if not events else 1
    assert [(key, a[0], b[0]) for key, a, b in duplicates] == [
        ("A", first, first + 2),
        ("A", first + 2, first + 4),
    ]
    assert root["A"] == 4
