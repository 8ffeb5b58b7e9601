"""atheris target: the Terraform front end (HCL and JSON syntax) never raises.

    python fuzz/fuzz_hcl.py -max_total_time=600 fuzz/corpus/hcl

The first run copies the fixtures' ``.tf`` files into ``fuzz/corpus/hcl`` as
seeds.  A crash is written to ``crash-<sha1>`` with the input that caused it.
"""

from __future__ import annotations

import shutil
import sys

import atheris

with atheris.instrument_imports(include=["soc2lint"]):
    from soc2lint.terraform import load_terraform

import _common

ROOT = _common.workdir()
OPTIONS = _common.options(ROOT)


def one_input(data: bytes) -> None:
    # the first byte picks native or JSON syntax; the rest is the file
    if not data:
        return
    name = "main.tf.json" if data[0] & 1 else "main.tf"
    for old in ROOT.iterdir():
        old.unlink()
    (ROOT / name).write_bytes(data[1:])
    result = load_terraform([ROOT], [], OPTIONS)
    _common.check(result)


def main() -> None:
    _common.no_network()
    corpus = _common.corpus_dir("hcl")
    for i, seed in enumerate(_common.seeds("*.tf", "*.tf.json")):
        target = f"{corpus}/seed{i}"
        prefix = b"\x01" if seed.name.endswith(".json") else b"\x00"
        with open(target, "wb") as fh:
            fh.write(prefix + seed.read_bytes())
    args = list(sys.argv)
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(corpus)
    atheris.Setup(args, one_input)
    try:
        atheris.Fuzz()
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
