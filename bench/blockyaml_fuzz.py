"""Differential fuzzing of the block reader (``cloudformation/blockyaml.py``).

    .venv/bin/python bench/blockyaml_fuzz.py [--seed N] [--seconds S] [--mode MODE]
        [--known] [--out FILE]

Generates texts near the edge of the subset of YAML the block reader reads
(grammar-based templates, token edits of them, line and token edits of real
templates) and reads each one three ways with ``decode._fast_load``: the block
reader (``block=True``), the event builder (``block=False``) and PyYAML's
constructors (``events=False``).  A text the block reader accepts and reads
differently from the other two (values, types, spans, value spans, duplicate
keys, or an error libyaml reports) is a finding: it is reduced to a small text
and printed (and appended to ``--out`` as JSON lines).  Everything is seeded:
``--seed`` and ``--mode`` reproduce a run; each finding also carries the seed
and index of the text it came from.

``--known`` skips texts showing the three differences the first runs found (a
tag alone on a sequence entry followed by an entry; ``?`` starting a flow-mapping
key; a key over 1024 characters; the reader declines all three since, and
``tests/cloudformation/test_cfn_blockyaml.py`` keeps them), so that a run on a
reader that still had them would look for new ones.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from cfn_decode_differential import read

from soc2lint.cloudformation import decode
from soc2lint.cloudformation.blockyaml import Declined

REPO = Path(__file__).resolve().parents[1]
REAL = Path("/work/real/aws-cloudformation-templates")

# ---- the oracle (shape and read: bench/cfn_decode_differential.py) -----------------


def accepted(text: str) -> bool | str:
    """True when the block reader reads the text; an exception's name when it fails
    with something other than Declined (decode falls back then, but it is a bug)."""
    try:
        decode.block_read(text)
    except Declined:
        return False
    except Exception as exc:
        return type(exc).__name__
    return True


def differs(text: str) -> tuple[Any, Any, Any] | None:
    """The three readings when the block reader accepts the text and reads it otherwise
    than the event builder or the constructors; None when it declines or agrees."""
    if accepted(text) is not True:
        return None
    block = read(text, events=True)
    events = read(text, events=True, block=False)
    constructors = read(text, events=False)
    if block == events == constructors:
        return None
    return block, events, constructors


_KNOWN_TAG_ENTRY = re.compile(
    r"^( *)- +![A-Za-z][A-Za-z0-9]* *(?:#.*)?\n(?: *(?:#.*)?\n)*\1-(?: |$)", re.M
)
_KNOWN_FLOW_KEY = re.compile(r"[{,] *\?[^ ,\]}]")


def known(text: str) -> bool:
    """The text may show a difference already reported (see the module doc)."""
    return (
        _KNOWN_TAG_ENTRY.search(text) is not None
        or _KNOWN_FLOW_KEY.search(text) is not None
        or any(len(line) > 1000 for line in text.split("\n"))
    )


def short(text: str, limit: int = 400) -> str:
    """A text for a report: runs of one character as ``<c*N>``, cut at ``limit``."""
    out = re.sub(r"(.)\1{19,}", lambda m: f"<{m.group(1)}*{len(m.group())}>", str(text))
    return out if len(out) <= limit else out[:limit] + "..."


# ---- reduction -------------------------------------------------------------------------


def reduce(text: str, keep: Callable[[str], bool], budget: int = 3000) -> str:
    """A smaller text for which ``keep`` still holds: lines, then runs of characters,
    then single characters removed (ddmin-like), then indentation and words shortened."""
    calls = 0

    def ok(candidate: str) -> bool:
        nonlocal calls
        calls += 1
        return candidate != text and keep(candidate)

    def chunks(parts: list[str], joiner: str) -> list[str]:
        nonlocal calls
        size = max(len(parts) // 2, 1)
        while size >= 1 and calls < budget:
            i = 0
            changed = False
            while i < len(parts) and calls < budget:
                trial = parts[:i] + parts[i + size :]
                if trial and ok(joiner.join(trial)):
                    parts = trial
                    changed = True
                else:
                    i += size
            if not changed:
                size //= 2
        return parts

    previous = None
    while previous != text and calls < budget:
        previous = text
        text = "\n".join(chunks(text.split("\n"), "\n"))
        text = "".join(chunks(list(text), ""))
        # shorter words: a run of letters replaced by one letter
        for m in reversed(list(re.finditer(r"[A-Za-z]{2,}", text))):
            trial = text[: m.start()] + m.group()[0] + text[m.end() :]
            if calls < budget and ok(trial):
                text = trial
    return text


# ---- generation ---------------------------------------------------------------------------

WORDS = [
    "Type",
    "Properties",
    "Resources",
    "Value",
    "Name",
    "Bucket",
    "Arn",
    "a",
    "b",
    "x",
    "AWS::S3::Bucket",
    "aws:x",
    "arn:aws:s3:::b/*",
    "s3:GetObject",
    "${AWS::Region}",
    "a b",
    "a  b",
    "10.0.0.0/16",
    "http://x",
]
YAML11 = [
    "yes",
    "no",
    "on",
    "off",
    "On",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "~",
    "null",
    "Null",
    "NULL",
    "0",
    "017",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "+1",
    "-1",
    "1:30",
    "-1:30:00",
    "190:20:30",
    "1.5",
    "1.5e3",
    "1e3",
    "6.8523015e+5",
    ".inf",
    "-.Inf",
    ".NaN",
    ".nan",
    "2012-10-17",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "=",
    "<<",
    ".",
    "..",
    "...",
    "-.5",
    "+.5",
    "0.",
    "1__0",
    "0x_1",
    "1:60",
    "12e03",
    "0b",
    "0x",
    ":",
]
ODD_CHARS = [*":#-?'\"[]{},!&*|>%@`.~=<_+ ", "a", "b", "1", ": ", " #", "''", "\\"]
TAGS = [
    "Ref",
    "GetAtt",
    "Sub",
    "If",
    "Join",
    "Select",
    "Split",
    "Equals",
    "Not",
    "And",
    "Or",
    "Base64",
    "Condition",
    "FindInMap",
    "GetAZs",
    "ImportValue",
    "Cidr",
    "Transform",
    "Foo",
]
# edits applied to a text (a line break, an indicator, a space...)
TOKENS = [
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n  ",
    ":",
    ": ",
    "- ",
    "-",
    "?",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    ", ",
    "'",
    "''",
    '"',
    "#",
    " #",
    "# c",
    "!Ref ",
    "!GetAtt ",
    "!If",
    "!",
    "!!str ",
    "|",
    "|-",
    "|+",
    "|2",
    ">",
    "~",
    "yes",
    "0x1",
    "1:30",
    "---",
    "...",
    "%",
    "@",
    "`",
    "&a ",
    "*a",
    "<<",
    "=",
    "\\",
    "\t",
]


class Gen:
    """A random text near the edge of the block reader's subset."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.keys: list[str] = []
        #: how often something off the subset is written: most texts are nearly all
        #: in it, so that the reader reads them
        self.wild = rng.choice([0.0, 0.03, 0.1, 0.3, 0.6])

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def odd(self, p: float = 1.0) -> bool:
        """Whether to write something off the subset here."""
        return self.rng.random() < p * self.wild

    # -- scalars --

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.45 or (r >= 0.75 and not self.odd()):
            return self.rng.choice(WORDS)
        if r < 0.75:
            return self.rng.choice(YAML11)
        return "".join(self.rng.choice(ODD_CHARS) for _ in range(self.rng.randint(1, 5)))

    def plain(self) -> str:
        w = self.word()
        if self.odd(0.3):
            w = self.word() + self.rng.choice([" ", ":", "#", " #", "-", "?", ",", "'"]) + w
        return w

    def quoted(self) -> str:
        body = self.plain() if self.chance(0.7) else ""
        if self.chance(0.5):
            return "'" + body.replace("'", "''") + "'"
        if self.odd(0.1):
            return "'" + body + "'"  # a lone quote inside, maybe
        return '"' + body.replace('"', "") + '"'

    def key(self) -> str:
        if self.keys and self.chance(0.08):
            return self.rng.choice(self.keys)  # a duplicate
        r = self.rng.random()
        if r < 0.6:
            k = self.rng.choice(WORDS[:11])
        elif r < 0.75:
            k = self.quoted()
        elif r < 0.8 and self.odd(0.05):
            k = "k" * self.rng.choice([1023, 1024, 1025, 1030])
        else:
            k = self.plain()
        self.keys.append(k)
        return k

    def tag(self) -> str:
        t = "!" + self.rng.choice(TAGS)
        if self.odd(0.05):
            t = self.rng.choice(["!!str", "!", "!<!Ref>", "!Ref!", "!1", "!e!x"])
        return t

    def comment(self) -> str:
        r = self.rng.random()
        if r < 0.6:
            return ""
        if r < 0.8 or not self.odd():
            return " # c"
        if r < 0.9:
            return "#c"
        return self.rng.choice(["  ", " ", "   # c: d", " #", " # - x"])

    # -- flow --

    def flow(self, depth: int = 0) -> str:
        sp = self.rng.choice(["", " ", " ", "  "])
        sep = self.rng.choice([", ", ", ", ",", " , ", ",  "])
        n = self.rng.choice([0, 1, 1, 2, 2, 3])
        if self.chance(0.5):
            items = [self.flow_node(depth) for _ in range(n)]
            body = sep.join(items)
            if n and self.odd(0.1):
                body += self.rng.choice([",", ", "])
            return "[" + sp + body + sp + "]"
        pairs = []
        for _ in range(n):
            k = self.flow_node(depth, key=True)
            colon = ": " if not self.odd() else self.rng.choice([":", " : ", ":  ", ": "])
            pairs.append(k + colon + self.flow_node(depth))
        body = sep.join(pairs)
        if n and self.odd(0.1):
            body += ","
        return "{" + sp + body + sp + "}"

    def flow_node(self, depth: int, key: bool = False) -> str:
        r = self.rng.random()
        if not key and depth < 4 and r < 0.15:
            return self.flow(depth + 1)
        if r < 0.3:
            return self.quoted()
        if r < 0.4 and not key:
            return self.tag() + " " + self.flow_node(depth)
        if r < 0.45 and self.odd():
            return self.rng.choice(["?a", "? a", "-a", "- a", ":a", "a:b", "a :b", "a:", "a?", ""])
        w = self.plain()
        if self.chance(0.3):
            w = w.replace(" ", "").replace(",", "")
        return w

    # -- block --

    def literal(self) -> tuple[str, list[str]]:
        """A block scalar's header and its lines (indentation relative: a marker)."""
        header = self.rng.choice(["|", "|", "|-", "|-", "| "])
        if self.odd(0.3):
            header = self.rng.choice(["|+", "|2", "|-1", ">", ">-", "|#c", "|1-", "|+2"])
        header += self.comment()
        out: list[str] = []
        for _ in range(self.rng.randint(0, 4)):
            r = self.rng.random()
            if r < 0.55:
                out.append("\x00" + self.plain())
            elif r < 0.65:
                out.append("\x00" + " " * self.rng.randint(1, 3) + self.plain())
            elif r < 0.75:
                out.append("")
            elif r < 0.8 and self.odd():
                out.append(" " * self.rng.randint(1, 6))
            elif r < 0.9:
                out.append("\x00# not a comment")
            elif r < 0.95:
                out.append("\x00" + "# c")
            else:
                out.append(" " * self.rng.randint(0, 3) + "# c")
        return header, out

    def value(self, indent: int, depth: int, in_seq: bool = False) -> tuple[str, list[str]]:
        """A value: what follows the key's colon (or the entry's dash) on its line, and the
        lines below it."""
        r = self.rng.random()
        if r < 0.3:
            return " " + self.plain() + self.comment(), []
        if r < 0.4:
            return " " + self.quoted() + self.comment(), []
        if r < 0.5:
            return " " + self.flow() + self.comment(), []
        if r < 0.62:
            header, body = self.literal()
            step = self.rng.choice([1, 2, 2, 4])
            if self.odd(0.3):
                step = self.rng.choice([0, -1, 5])
            pad = " " * max(indent + step, 0)
            return " " + header, [line.replace("\x00", pad) for line in body]
        if r < 0.75:
            t = self.tag()
            if self.chance(0.5):
                inline, below = self.value(indent, depth + 1, in_seq)
                return " " + t + inline, below
            inline, below = self.collection(indent, depth + 1, in_seq)
            return " " + t + inline, below
        if r < 0.8 and self.odd():
            return self.rng.choice(["", " ", " # c"]), []  # a null
        return self.collection(indent, depth + 1, in_seq)

    def collection(self, indent: int, depth: int, in_seq: bool) -> tuple[str, list[str]]:
        if depth > 6:
            return " " + self.plain(), []
        step = self.rng.choice([2, 2, 2, 4, 1, 0, 3])
        if in_seq and step == 0 and self.chance(0.7):
            step = 2
        inner = indent + step
        lines = self.gap(inner)
        if self.chance(0.5):
            lines += self.mapping(inner, depth)
        else:
            lines += self.sequence(inner, depth)
        return self.comment() if self.chance(0.3) else "", lines

    def gap(self, indent: int) -> list[str]:
        out = []
        while self.chance(0.12):
            out.append(
                self.rng.choice(
                    [
                        "",
                        " " * self.rng.randint(1, 6),
                        " " * self.rng.randint(0, indent + 3) + "# c",
                        " " * self.rng.randint(0, indent + 3) + "#",
                    ]
                )
            )
        return out

    def mapping(self, indent: int, depth: int, first_column: int | None = None) -> list[str]:
        lines: list[str] = []
        for n in range(self.rng.randint(1, 4)):
            col = indent
            if n and self.odd(0.1):
                col = max(0, indent + self.rng.choice([-1, 1, -2]))  # off by one
            sep = self.rng.choice([":", ":", ":", ": ", ":  "])
            if self.odd(0.05):
                sep = " :"
            inline, below = self.value(col, depth)
            if sep.endswith(" ") and inline.startswith(" "):
                inline = inline.lstrip(" ")
            line = self.key() + sep + inline
            if n == 0 and first_column is not None:
                lines.append(line)  # on the dash's line (the caller writes it)
            else:
                lines.append(" " * col + line)
            lines += below
            lines += self.gap(indent)
        return lines

    def sequence(self, indent: int, depth: int) -> list[str]:
        lines: list[str] = []
        for _ in range(self.rng.randint(1, 4)):
            dash = "-" + self.rng.choice([" ", " ", " ", "  ", "   "])
            if self.odd(0.05):
                dash = "-"
            r = self.rng.random()
            if r < 0.3 and depth < 7:
                column = indent + len(dash)
                sub = self.mapping(column, depth + 1, first_column=column)
                lines.append(" " * indent + dash + sub[0])
                lines += sub[1:]
            elif r < 0.35 and depth < 7:
                sub = self.sequence(indent + len(dash), depth + 1)
                lines.append(" " * indent + dash + sub[0].lstrip(" "))
                lines += sub[1:]
            else:
                inline, below = self.value(indent, depth, in_seq=True)
                lines.append(" " * indent + dash.rstrip(" ") + inline)
                lines += below
            lines += self.gap(indent)
        return lines

    def document(self) -> str:
        lines: list[str] = []
        if self.chance(0.1):
            lines.append("---")
        elif self.odd(0.3):
            lines.append(self.rng.choice(["---", "--- ", "---  # c", "# c", "", "%YAML 1.1\n---"]))
        if self.chance(0.3):
            lines += ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
            lines += self.mapping(2, 1)
        else:
            lines += self.mapping(self.rng.choice([0, 0, 0, 1, 2]), 0)
        if self.odd(0.1):
            lines.append(self.rng.choice(["...", "---", "--- x", "# end"]))
        text = "\n".join(lines)
        r = self.rng.random()
        if r < 0.6:
            text += "\n"
        elif r < 0.7:
            text += "\n\n"
        elif r < 0.75:
            text += "\n  "
        return text


PIECES = [
    "a",
    "b",
    "a",
    "Ref",
    "1",
    "~",
    "yes",
    ":",
    ": ",
    ": ",
    "- ",
    "-",
    "#",
    " #",
    " ",
    "  ",
    "'",
    '"',
    "''",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "!Ref ",
    "!If",
    "!GetAtt ",
    "|",
    "|-",
    "?",
    "? ",
    ".",
]


def pieces(rng: random.Random) -> str:
    """A few short lines of YAML's indicators and small words, most of them
    ``key: something`` so that the root is a mapping."""
    lines = []
    for _ in range(rng.randint(1, 6)):
        indent = " " * rng.choice([0, 0, 1, 2, 2, 3, 4, 6])
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.6:
            body = rng.choice(["a", "b", "k", "'k'"]) + ":" + rng.choice([" ", "", "  "]) + body
        lines.append(indent + body.rstrip(" ") if rng.random() < 0.8 else indent + body)
    return "\n".join(lines) + rng.choice(["\n", "\n", ""])


def edit(text: str, rng: random.Random, count: int) -> str:
    """``count`` edits: a line dropped, doubled or re-indented, a token inserted, a
    character deleted."""
    lines = text.split("\n")
    for _ in range(count):
        i = rng.randrange(len(lines))
        action = rng.randrange(9)
        if action == 6:
            # a run of lines shifted left or right (a block at an intermediate column)
            j = min(len(lines), i + rng.randint(1, 6))
            shift = rng.choice([-2, -1, 1, 2, 4])
            for k in range(i, j):
                if shift < 0:
                    cut = min(-shift, len(lines[k]) - len(lines[k].lstrip(" ")))
                    lines[k] = lines[k][cut:]
                else:
                    lines[k] = " " * shift + lines[k]
        elif action == 7:
            # a scalar after a colon replaced by a YAML 1.1 one, an indicator or a tag
            m = re.search(r": (\S+)", lines[i])
            if m:
                new = rng.choice([*YAML11, "|", "|-", "!Ref", "!If", "[a, b]", "{a: b}", "''"])
                lines[i] = lines[i][: m.start(1)] + new + lines[i][m.end(1) :]
        elif action == 8 and i + 1 < len(lines):
            # two lines joined, or a line split at a space
            if rng.random() < 0.5:
                lines[i : i + 2] = [lines[i] + " " + lines[i + 1].lstrip(" ")]
            elif " " in lines[i].strip():
                at = lines[i].index(" ", len(lines[i]) - len(lines[i].lstrip(" ")))
                pad = " " * rng.randint(0, 6)
                lines[i : i + 1] = [lines[i][:at], pad + lines[i][at + 1 :]]
        elif action == 0 and len(lines) > 1:
            del lines[i]
        elif action == 1:
            lines.insert(i, lines[i])
        elif action == 2:
            lines[i] = " " * rng.randint(0, 6) + lines[i].lstrip()
        elif action == 3 and lines[i]:
            at = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:at] + lines[i][at + 1 :]
        else:
            at = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:at] + rng.choice(TOKENS) + lines[i][at:]
    return "\n".join(lines)


def real_texts() -> list[str]:
    """Fixture, rule example and corpus YAML templates (the smaller ones)."""
    paths = [p for p in (REPO / "fixtures").rglob("*") if p.suffix in (".yaml", ".yml")]
    if REAL.is_dir():
        paths += [p for p in REAL.rglob("*") if p.suffix in (".yaml", ".yml")]
    texts = []
    for p in sorted(paths):
        try:
            t = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len(t) < 12_000:
            texts.append(t)
    for p in sorted((REPO / "src" / "soc2lint" / "rules").rglob("*.examples.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        cfn = data.get("cloudformation") or {}
        for kind in ("bad", "good"):
            for example in cfn.get(kind) or []:
                code = example.get("code")
                if isinstance(code, str) and not code.lstrip().startswith("{"):
                    texts.append(code)
    return texts


def texts(mode: str, seed: int) -> Iterator[str]:
    """Endless texts of ``mode`` (grammar, edit, real, pieces or all), seeded."""
    rng = random.Random(seed)
    corpus = real_texts() if mode in ("real", "all") else []
    modes = ["grammar", "edit", "real", "pieces"] if mode == "all" else [mode]
    while True:
        m = rng.choice(modes)
        if m == "pieces":
            yield pieces(rng)
            continue
        if m == "real":
            yield edit(rng.choice(corpus), rng, rng.randint(1, 4))
            continue
        gen = Gen(rng)
        text = gen.document()
        if m == "edit":
            text = edit(text, rng, rng.randint(1, 3))
        yield text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--mode", choices=["grammar", "edit", "real", "pieces", "all"], default="all"
    )
    parser.add_argument("--known", action="store_true", help="skip the known differences")
    parser.add_argument("--out", type=Path, help="append findings here (JSON lines)")
    parser.add_argument("--max-findings", type=int, default=20)
    args = parser.parse_args(argv)

    start = time.process_time()
    generated = accepted_count = findings = skipped = 0
    failures: dict[str, str] = {}
    seen: set[str] = set()
    for index, text in enumerate(texts(args.mode, args.seed)):
        if time.process_time() - start > args.seconds or findings >= args.max_findings:
            break
        generated += 1
        if args.known and known(text):
            skipped += 1
            continue
        ok = accepted(text)
        if isinstance(ok, str):
            failures.setdefault(ok, text)
            continue
        if not ok:
            continue
        accepted_count += 1
        if differs(text) is None:
            continue

        def keep(candidate: str) -> bool:
            return not (args.known and known(candidate)) and differs(candidate) is not None

        small = reduce(text, keep)
        if short(small) in seen:
            continue
        seen.add(short(small))
        findings += 1
        readings = differs(small)
        assert readings is not None
        print(f"--- finding {findings} (seed {args.seed}, mode {args.mode}, text {index})")
        print(short(repr(small)))
        for name, reading in zip(("block", "events", "constructors"), readings, strict=True):
            print(f"  {name:13}", short(str(reading)))
        sys.stdout.flush()
        if args.out:
            with args.out.open("a", encoding="utf-8") as f:
                record = {"seed": args.seed, "mode": args.mode, "index": index, "text": small}
                f.write(json.dumps(record) + "\n")
    for name, text in failures.items():
        print(f"reader raised {name} (not Declined) on {text[:200]!r}")
    cpu = time.process_time() - start
    print(
        f"seed {args.seed} mode {args.mode}: {generated} texts, {accepted_count} accepted by "
        f"the block reader, {skipped} skipped as known, {findings} findings, {cpu:.0f}s CPU"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
