"""atheris target: the CloudFormation front end (YAML and JSON) never raises.

    python fuzz/fuzz_cfn.py -max_total_time=600 fuzz/corpus/cfn

The first run copies the fixtures' templates into ``fuzz/corpus/cfn`` as
seeds.  A crash is written to ``crash-<sha1>`` with the input that caused it.
"""

from __future__ import annotations

import shutil
import sys

import atheris

with atheris.instrument_imports(include=["soc2lint"]):
    from soc2lint.cloudformation import load_cloudformation

import _common

ROOT = _common.workdir()
OPTIONS = _common.options(ROOT)


def one_input(data: bytes) -> None:
    # the first byte picks YAML or JSON; the rest is the template
    if not data:
        return
    path = ROOT / ("template.json" if data[0] & 1 else "template.yaml")
    for old in ROOT.iterdir():
        old.unlink()
    path.write_bytes(data[1:])
    result = load_cloudformation([path], OPTIONS)
    _common.check(result)


def main() -> None:
    _common.no_network()
    corpus = _common.corpus_dir("cfn")
    for i, seed in enumerate(_common.seeds("*.yaml", "*.yml", "*.template", "*.json")):
        if seed.name.endswith(".tf.json"):
            continue
        prefix = b"\x01" if seed.suffix == ".json" else b"\x00"
        with open(f"{corpus}/seed{i}", "wb") as fh:
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
