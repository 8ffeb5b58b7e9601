"""CloudFormation's three YAML readers against each other on real files.

    .venv/bin/python bench/cfn_decode_differential.py [DIR ...] [--time]

Decodes every ``.yaml``, ``.yml``, ``.json`` and ``.template`` file under each
DIR (default: the repositories under /work/real, ``fixtures/`` and the
generated corpus /tmp/warm-corpus/cfn when present) three ways with
``soc2lint.cloudformation.decode._fast_load``: as a scan does (the block reader,
else the event builder, else the constructors), with ``block=False`` (the event
builder first) and with ``events=False`` (the constructors only).  It reports
how many files gave the same values, spans and duplicate keys (or the same
error) all three ways, how many the block reader read, how many the event
builder left to the constructors, and which files differ (the exit status is 1
when any does).  ``--time`` adds the CPU seconds of each way over all the files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from yaml import YAMLError

from soc2lint.cloudformation import decode

SUFFIXES = (".yaml", ".yml", ".json", ".template")
REPO = Path(__file__).resolve().parents[1]


def shape(value: Any) -> Any:
    """Everything a decoded value carries: types, text, spans, value spans, key spans."""
    if isinstance(value, dict):
        items = [(shape(k), shape(v)) for k, v in value.items()]
        return (type(value).__name__, value.span, value.value_spans, items)
    if isinstance(value, list):
        return (type(value).__name__, value.span, [shape(v) for v in value])
    if isinstance(value, str):
        return (type(value).__name__, str(value), getattr(value, "span", None))
    return (type(value).__name__, repr(value))


def read(text: str, *, events: bool, block: bool = True) -> Any:
    try:
        root, duplicates = decode._fast_load(text, text.split("\n"), events=events, block=block)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))
    return (shape(root), duplicates)


def read_by_block_reader(text: str) -> bool:
    try:
        decode.block_read(text)
    except Exception:  # declined: the event builder reads it
        return False
    return True


def built_from_events(text: str) -> bool:
    loader = decode._fast_loader_class()(text)
    try:
        loader.span = decode._span_function(decode._Spans(text.split("\n")))
        loader.duplicates = []
        loader.from_events()
    except YAMLError:  # an error of the text, raised by the builder as by the composer
        return True
    except Exception:  # declined (or a failure of the builder): the constructors read it
        return False
    finally:
        loader.dispose()
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--time", action="store_true", help="CPU seconds of each way")
    args = parser.parse_args()
    dirs = args.dirs or [
        *sorted(Path("/work/real").glob("*")),
        REPO / "fixtures",
        *[p for p in [Path("/tmp/warm-corpus/cfn")] if p.is_dir()],
    ]
    texts: list[tuple[Path, str]] = []
    for root in dirs:
        for path in sorted(root.rglob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                try:
                    texts.append((path, path.read_text(encoding="utf-8")))
                except (OSError, UnicodeDecodeError):
                    continue
    differ = []
    for path, text in texts:
        constructors = read(text, events=False)
        if not (read(text, events=True) == read(text, events=True, block=False) == constructors):
            differ.append(path)
    by_block = sum(read_by_block_reader(text) for _, text in texts)
    left = sum(not built_from_events(text) for _, text in texts)
    print(
        f"{len(texts)} files: {len(texts) - len(differ)} the same all three ways, "
        f"{by_block} read by the block reader, {left} left by the event builder to the "
        f"constructors, {len(differ)} different"
    )
    for path in differ:
        print(f"  differs: {path}")
    if args.time:
        ways = {
            "constructors": {"events": False},
            "events": {"events": True, "block": False},
            "block reader first": {"events": True, "block": True},
        }
        for way, how in ways.items():
            started = time.process_time()
            for _, text in texts:
                try:
                    decode._fast_load(text, text.split("\n"), **how)
                except Exception:
                    continue
            print(f"{way}: {time.process_time() - started:.2f} CPU-s")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
