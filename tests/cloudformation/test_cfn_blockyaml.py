"""The block reader (``cloudformation/blockyaml.py``) on the edge of the subset it reads.

Every text is read three ways by ``decode._fast_load`` (block reader, event builder,
PyYAML's constructors) and the readings must be the same: values, types, spans, value
spans, duplicate keys, or the same error.  Texts the reader must read are checked to be
read by it (not left to libyaml), texts it must leave to libyaml to be declined.
``REPRODUCED`` are the smallest texts ``bench/blockyaml_fuzz.py`` found read
differently (see the fuzzer's notes); the generator test reads seeded texts near the
edge of the subset.
"""

from __future__ import annotations

import random

import pytest
from test_cfn_decode_events import _assert_same, _read, _read_by_block_reader

from soc2lint.cloudformation import blockyaml, decode, nodes
from soc2lint.cloudformation.blockyaml import Declined

K1024 = "k" * 1024
K1025 = "k" * 1025

#: texts the block reader reads (and reads as libyaml does)
READ = [
    "A: 1\n",
    "A: 1",
    "---\nA: 1\n",
    "---\n\n# c\nA: 1\n",
    "# c\n\nA: 1\n\n# end\n",
    "  A: 1\n  B: 2\n",
    "Resources:\n  A:\n    Type: X\n\n    # trailing comment\n\n  B:\n    Type: Y\n# end\n\n",
    # block sequences: indented, indentless, of mappings, after comments
    "A:\n  - a\n  - b\nB: c\n",
    "A:\n- a\n- b\nB: c\n",
    "A:\n- a: 1\n  b: 2\n- c: 3\nB: x\n",
    "A:\n  -   a: 1\n      b: 2\n  - c\n",
    "A:\n  - x: 1\n    y:\n      - z\n  - w\n",
    "A:\n- k:\n  - a\n  - b\n- c\n",
    "A:\n  # c\n  - a\n# c\n  - b\n",
    "A:\n  - a # c\n  - 'b' # c\n  - [c]   # c\n",
    # tags before scalars and block and flow collections
    "A: !Ref X\nB: !GetAtt R.Arn\nC: !GetAtt [R, Endpoint.Address]\nD: !Sub '${X}-y'\n",
    "K: !If\n  - c\n  - a\n  - b\n",
    "K: !If\n- c\n- a\nL: 1\n",
    "K: !If # c\n  - c\n",
    "K:\n  - !If\n    - c\n  - x\n",
    "K:\n- !If\n  - c\n- x\n",
    "K: !Transform\n  Name: x\n  Parameters: {a: 1}\n",
    "K: !Sub |\n  echo ${X}\n",
    "K: !GetAtt |-\n  a.b\n",
    "K: !Ref -a\nL: !Ref ''\nM: !Ref null\nN: !Ref  two words\n",
    "K: [!Ref A, !GetAtt B.C.D, !Sub 'x', !If [c, 1, !Ref d]]\n",
    "K: {A: !Ref B, C: !Join ['', [a, b]]}\n",
    # flow collections
    "A: {aws:x: y}\n",
    "A: [a:b, http://x/y, 'q:r']\n",
    "A: []\nB: {}\nC: [ ]\nD: {  }\n",
    "A: [a,b ,c  ,  d]\n",
    "A: [a b, c  d]\n",
    "A: {a b: c d, 'e': \"f\"}\n",
    "A: [a#b, c]\n",
    "A: [[a], [b, [c]], {d: [e]}]\n",
    "A: [yes, ~, 0x1F, 1_000, 1:30, .inf, 2012-10-17]\n",
    "A: {x: yes, y: ~, z: 017}\n",
    "A: {-a: b}\n",
    "A: [a'b, a\"b, a!b, a&b, a*b, a|b, a>b, a%b, a@b, a`b, a?b, a-b]\n",
    # quoted scalars
    "A: 'it''s'\nB: ''''\nC: ''\nD: \"\"\nE: \"it's\"\nF: '\\n'\n",
    "'A': 1\n\"B\": 2\n'C D': 3\n'': 4\n'it''s': 5\n",
    "A: 'x #y'\nB: \"x\" #y\n",
    # comments and '#' in values
    "A: a#b\nB: a #b\nC: a  # b\nD: a#\nE: b:#\n",
    "A: x   \nB: y \n",
    "A:   x\nB:\n\n  # c\n\n  C: 1\n",
    # colons and odd first characters
    "A: a:b\nB: a::b\nC: http://x\n",
    "a:b: c\n'a: b': c\n",
    "A: -x\nB: ?x\nC: :x\nD: --- x\nE: -1\nF: '-'\n",
    "---a: 4\n-a: 1\n?a: 2\n:a: 3\n",
    "A: a, b\nB: a]\nC: a}\n",
    "A: x \\ y\nB: $x\nC: (x)\nD: <x>\nE: x=y\n",
    # YAML 1.1 scalars, as values and as keys
    "On: yes\nOff: no\nVersion: 2012-10-17\nOctal: 017\nHex: 0x1F\nSexa: 1:30\nF: 1.5e3\n"
    "Inf: .inf\nNan: .NaN\nN: ~\nT: True\nU: 1_000\n017: key\nnull2: Null\n",
    "A: y\nB: n\nC: NO\nD: off\nE: 0b101\nF: -.5\nG: +1\nH: 190:20:30.15\nI: 0o17\n",
    "=: 1\n1: 2\ntrue: 3\n2012-10-17: 4\n.inf: 5\n",
    # literal block scalars
    "A: |\n  a\n  b\nB: 1\n",
    "A: |-\n  a\n\n  b\n\n\nB: 1\n",
    "A: |\n\n  a\n    more\n  b\n",
    "A: |  # c\n  a\n",
    "A: |-\n    a\n  # c\nB: 1\n",
    "A: |\n  a\n  # not a comment\n\n# a comment\n\nB: 1\n",
    "A:\n  - |\n    a\n  - |-\n    b\n  - c\n",
    "A:\n- |\n a\n- b\n",
    "A:\n  B: |\n    x\n  C: |-\n    y\nD: z\n",
    "A: |\n  x\n",
    "A: |\n  x\n\n\n",
    # duplicate keys
    "A: 1\nA: 2\n",
    "A: 1\nB: {x: 1}\nA: x\n'A': [1]\n",
    "A:\n  B: 1\n  C: 2\n  B: 3\n",
    "S:\n- a: 1\n  a: 2\n",
    # deep nesting, within the reader's limit
    "".join(" " * i + f"k{i}:\n" for i in range(40)) + " " * 40 + "v: 1\n",
    "A: " + "[" * 30 + "]" * 30 + "\n",
    # empty values (null; an empty string after a tag), escapes in double quotes, a
    # sequence in a sequence entry
    "A:\n",
    "A:\nB: 1\n",
    "A: !Ref\n",
    "A: !Ref\nB: 1\n",
    'A: "esc\\n"\n',
    "A:\n  - \n  - b\n",
    "A:\n  - - a\n",
    'A: "\\u00E9\\U0001F600"\n',
    'A: "\\N\\_\\L\\P\\e\\0\\a\\b\\v\\f\\r\\ "\n',
    'A: ["\\"", "\\\\"]\nB: {"k\\"": 1}\n',
    "A:\n  - -\n    - b\n",
    "A:\n  B:\nC: 1\n",
    "A:\n  -\n  -\n",
    "A:\n- \nB:\n",
    "A: !Ref # c\n  B: 1\n",
    "A: !Sub\nB: !Ref\n",
    "A:\n- !GetAZs\n- x\n",
    "A:\n  - - a\n  - b: 1\n    c: 2\n  - - - x\n",
    "A: !Rain::Embed x.txt\n",
]

#: texts the block reader leaves to libyaml (which may read them, or report an error)
DECLINED = [
    # a key of 1024 characters is still a key to libyaml, one more is not: the reader
    # leaves every key over 1,000 characters (blockyaml.MAX_KEY) to libyaml
    K1024 + ": v\n",
    "A: {" + K1024 + ": v}\n",
    "",
    "---\n",
    "# only a comment\n",
    "- a\n- b\n",
    "scalar\n",
    "A: 1\n---\nB: 2\n",
    "A: 1\n...\n",
    "--- # c\nA: 1\n",
    "%YAML 1.1\n---\nA: 1\n",
    "A: 1\r\nB: 2\r\n",
    "\ufeffA: 1\n",
    "A: caf\u00e9\n",
    "A:\n\tB: 1\n",
    "A: &a 1\nB: *a\n",
    "A: !!str 1\n",
    "A: !<!Ref> X\n",
    "A: !Ref!x y\n",
    "A: plain\n  continued\n",
    "A: 'multi\n  line'\n",
    "A: >\n  folded\n",
    "A: |+\n  keep\n",
    "A: |2\n    x\n",
    "A: |\n  x",
    "A: |\n  x\n   \n  y\n",
    "A: |\n   \n  x\n",
    "A: |\nB: 1\n",
    "A: [a,\n  b]\n",
    "A: [a, ]\n",
    "A: {a: 1, }\n",
    "A: {a: 1, a: 2}\n",
    "A: {a:b}\n",
    'A: {"a":b}\n',
    "A: [a :b]\n",
    "A: [a: b]\n",
    "A: [?a]\n",
    "A: [-a]\n",
    "A: {a: ?b}\n",
    "A: {? a: b}\n",
    "A: b: c\n",
    "A: b:\n",
    "A: 'x' y\n",
    "A: [x]y\n",
    'A: "x"#y\n',
    "A : 1\n",
    "A:b\n",
    ": 1\n",
    "~: 1\n",
    "null: 1\n",
    "<<: {a: 1}\n",
    "A: <<\n",
    "A: =\n",
    "A: {~: 1}\n",
    "? a\n: b\n",
    "A: - b\n",
    "A: -\n",
    "A:\n  - 'k': v\n",
    "A: @x\n",
    "A: `x\n",
    "A: %x\n",
    "A: 1\n- b\n",
    "A:\n  B: 1\n C: 2\n",
    "A:\n    - a\n  - b\n",
    "A: 1\n  B: 2\n",
    "  A: 1\nB: 2\n",
    "A: " + "[" * 150 + "]" * 150 + "\n",
    # an escape libyaml rejects (or an older one would), a backslash ending the line
    'A: "\\x4"\n',
    'A: "\\ud800"\n',
    'A: "\\q"\n',
    'A: "\\/"\n',
    'A: "a\\\n',
]

#: texts on which the block reader once failed with another exception than Declined
#: (decode falls back to libyaml on any exception, so they read the same; but the reader
#: is to decline what it does not read, not to fail on it)
FAILING = [
    # ValueError from PyYAML's int constructor (the mapping's fast path, plain()); the
    # event builder and the constructors raise it too
    "A: 0x_\n",
    "A: 0b_\n",
    "A: [1, 0x_]\n",
    # IndexError: a flow mapping's value looked for past the end of the line (flow_node)
    "A: {B: \n",
    "A: {B: x, C: \n",
]

#: texts the block reader once read otherwise than libyaml (found by
#: bench/blockyaml_fuzz.py); it declines them now
REPRODUCED = [
    # a tag alone on a sequence entry takes the following entries as an indentless
    # sequence (libyaml: a tagged empty scalar, then the next entry)
    "A:\n- !If\n- b",
    "A:\n  - !If\n  - b\n",
    "A:\n  - !Ref # c\n  - b\n",
    "A:\n  - !If\n\n    # c\n  - b\n  - c\n",
    "A:\n  - x: 1\n  - !Sub\n  - y\n",
    # '?' starting a flow-mapping key is libyaml's key indicator
    "A: {?a: b}",
    "A: {x: 1, ?a: b}\n",
    "A: [{?a: b}]\n",
    # a simple key over 1024 characters is an error in libyaml
    K1025 + ": b",
    "'" + K1025 + "': b\n",
    '"' + K1025 + '": b\n',
    "A:\n- " + K1025 + ": v\n",
    "A: {" + K1025 + ": v}\n",
    "A: {'" + K1025 + "': v}\n",
]


@pytest.mark.parametrize("text", READ)
def test_texts_the_block_reader_reads(text: str) -> None:
    assert _read_by_block_reader(text), text[:200]
    _assert_same(text)


@pytest.mark.parametrize("text", DECLINED)
def test_texts_the_block_reader_leaves_to_libyaml(text: str) -> None:
    assert not _read_by_block_reader(text), text[:200]
    _assert_same(text)


@pytest.mark.parametrize("text", FAILING)
def test_texts_the_block_reader_once_failed_on_are_declined(text: str) -> None:
    _assert_same(text)
    with pytest.raises(Declined):
        decode.block_read(text)


@pytest.mark.parametrize("text", REPRODUCED)
def test_texts_found_read_differently(text: str) -> None:
    _assert_same(text)


# ---- generated texts ----------------------------------------------------------------

_WORDS = ["Type", "Name", "a", "b c", "aws:x", "x:y", "s3:*", "${X}", "10.0.0.0/16", "a#b"]
_SCALARS = [
    "yes",
    "No",
    "on",
    "~",
    "null",
    "0",
    "017",
    "0x1F",
    "1_000",
    "1:30",
    "1.5",
    ".inf",
    ".NaN",
    "2012-10-17",
    "-1",
    "-x",
    "?x",
    ":x",
    "=",
    "<<",
]
_TAGS = ["Ref", "GetAtt", "Sub", "If", "Join", "Select", "Base64"]


class _Gen:
    """Small templates near the edge of the subset: mostly in it, with an indicator, an
    odd scalar, a comment or an indentation off here and there."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.keys: list[str] = []

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def plain(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return self.rng.choice(_WORDS)
        if r < 0.85:
            return self.rng.choice(_SCALARS)
        return self.pick("a b", "a: b", "a:", "a #b", "a'b", "-", "?", "a,b", "[a", "a]")

    def quoted(self) -> str:
        text = self.plain()
        if self.rng.random() < 0.5:
            return "'" + text.replace("'", "''") + "'"
        return '"' + text.replace('"', "") + '"'

    def key(self) -> str:
        if self.keys and self.rng.random() < 0.05:
            return self.rng.choice(self.keys)
        r = self.rng.random()
        key = self.rng.choice(_WORDS) if r < 0.8 else self.quoted() if r < 0.9 else self.plain()
        self.keys.append(key)
        return key

    def comment(self) -> str:
        return self.pick("", "", "", " # c", "  #c", " ")

    def flow(self, depth: int) -> str:
        items = []
        mapping = self.rng.random() < 0.5
        for _ in range(self.rng.randint(0, 3)):
            r = self.rng.random()
            if r < 0.15 and depth < 3:
                node = self.flow(depth + 1)
            elif r < 0.3:
                node = self.quoted()
            elif r < 0.4:
                node = "!" + self.rng.choice(_TAGS) + " " + self.rng.choice(_WORDS)
            else:
                node = self.plain()
            if mapping:
                key = self.pick(self.rng.choice(_WORDS), self.quoted(), "?a", "-a", "a:b")
                node = key + self.pick(": ", ": ", ":", " : ") + node
            items.append(node)
        sep = self.pick(", ", ",", " , ")
        body = sep.join(items) + self.pick("", "", "", ",")
        return ("{" + body + "}") if mapping else ("[" + body + "]")

    def literal(self, indent: int) -> list[str]:
        header = self.pick("|", "|-", "|", "|-", "|+", ">", "|2")
        step = self.rng.choice([2, 2, 1, 4, 0])
        body = " " * (indent + step)
        lines = [header + self.comment()]
        for _ in range(self.rng.randint(1, 3)):
            lines.append(
                self.pick(
                    body + self.plain(),
                    body + "  " + self.plain(),
                    body + "# not a comment",
                    "",
                    " " * indent + "# c",
                )
            )
        return lines

    def value(self, indent: int, depth: int, entry: bool = False) -> list[str]:
        """What follows the colon or dash (first item, on that line), then the lines below."""
        r = self.rng.random()
        if r < 0.3:
            return [" " + self.plain() + self.comment()]
        if r < 0.4:
            return [" " + self.quoted() + self.comment()]
        if r < 0.5:
            return [" " + self.flow(0) + self.comment()]
        if r < 0.6:
            lines = self.literal(indent)
            return [" " + lines[0], *lines[1:]]
        if r < 0.7:
            tag = " !" + self.rng.choice(_TAGS)
            rest = self.value(indent, depth + 1, entry)
            return [tag + rest[0], *rest[1:]]
        if r < 0.72:
            return [self.pick("", " # c")]
        if depth > 4:
            return [" " + self.plain()]
        step = self.rng.choice([2, 2, 4, 1, 0] if not entry else [2, 2, 4, 1])
        below = self.pick("", "# c", "  ") if self.rng.random() < 0.1 else None
        block = (
            self.mapping(indent + step, depth + 1)
            if self.rng.random() < 0.5
            else self.sequence(indent + step, depth + 1)
        )
        return [self.comment(), *([below] if below is not None else []), *block]

    def mapping(self, indent: int, depth: int) -> list[str]:
        lines: list[str] = []
        for _ in range(self.rng.randint(1, 3)):
            column = indent if self.rng.random() > 0.03 else max(indent - 1, 0)
            rest = self.value(column, depth)
            lines.append(" " * column + self.key() + ":" + rest[0])
            lines.extend(rest[1:])
        return lines

    def sequence(self, indent: int, depth: int) -> list[str]:
        lines: list[str] = []
        for _ in range(self.rng.randint(1, 3)):
            dash = self.pick("- ", "- ", "-   ")
            if self.rng.random() < 0.3 and depth < 5:
                inner = self.mapping(indent + len(dash), depth + 1)
                lines.append(" " * indent + dash + inner[0].lstrip(" "))
                lines.extend(inner[1:])
            else:
                rest = self.value(indent, depth, entry=True)
                lines.append(" " * indent + "-" + rest[0])
                lines.extend(rest[1:])
        return lines

    def text(self) -> str:
        lines = ["---"] if self.rng.random() < 0.1 else []
        lines += self.mapping(self.rng.choice([0, 0, 0, 2]), 0)
        return "\n".join(lines) + self.pick("\n", "\n", "", "\n\n")


def _generated(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [_Gen(rng).text() for _ in range(count)]


def test_generated_texts_read_the_same_three_ways() -> None:
    texts = _generated(20240601, 100_000)  # about 5 seconds
    read = 0
    different: list[str] = []
    for text in texts:
        if not _read_by_block_reader(text):
            continue  # the event builder reads it, as test_cfn_decode_events checks
        read += 1
        constructors = _read(text, events=False)
        if not (_read(text, events=True) == _read(text, events=True, block=False) == constructors):
            different.append(text)
    # the generator stays near the subset: the reader reads a good part of the texts
    assert read > len(texts) // 5, read
    shortest = sorted(different, key=len)[:5]
    assert not different, f"{len(different)} texts read differently, the shortest: {shortest}"


# ---- limits (review) ----------------------------------------------------------------


def test_nesting_through_indentless_sequences_is_left_to_libyaml() -> None:
    # each level an indentless sequence of one-key mappings, the innermost entry a plain
    # scalar: deeper than the event builder reads (100), and than too_deep allows (200)
    levels = 99
    text = "A:\n" + "".join(" " * (2 * i) + "- a:\n" for i in range(levels))
    text += " " * (2 * levels) + "- a: x\n"
    with pytest.raises(Declined):
        decode.block_read(text)
    _assert_same(text)
    assert decode.decode_text(text).problems  # still refused as too deep
    shallow = "A:\n" + "".join(" " * (2 * i) + "- a:\n" for i in range(20))
    shallow += " " * 40 + "- a: x\n"
    assert _read_by_block_reader(shallow)
    _assert_same(shallow)


def test_flow_scalars_with_an_older_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    # before libyaml 0.2.5 (and in PyYAML's pure-Python scanner) `?` ends a flow scalar,
    # and before 0.2.2 a colon in one is an error: the reader leaves both to libyaml
    monkeypatch.setattr(blockyaml, "_flow_plain", lambda: blockyaml._FLOW_PLAIN_STRICT)
    for text in ("A: [a?b]\n", "A: {a?b: c}\n", "A: [x ?y]\n", "A: [a:b]\n", "A: {aws:x: y}\n"):
        with pytest.raises(Declined):
            decode.block_read(text)
    assert decode.block_read("A: [a, b c, !Ref d]\nB: {e: f}\n")


def test_a_long_number_is_built_once() -> None:
    # PyYAML builds a sexagesimal number in quadratic time: a long one is left to the
    # event builder rather than built by the reader and again after a later decline
    text = "A: 1" + ":59" * 200 + "\n"
    with pytest.raises(Declined):
        decode.block_read(text)
    _assert_same(text)
    assert decode.block_read("A: 1:30\n") == {"A": 90}


def test_long_tag_names_are_not_remembered() -> None:
    name = "X" * 100
    text = f"A: !{name} y\nB: !{name} [z]\n"
    assert _read_by_block_reader(text)
    _assert_same(text)
    assert name not in blockyaml._TAG_NAMES
    assert name not in nodes._LONG_FORM_KEYS
