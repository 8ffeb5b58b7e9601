"""The on-disk caches: hits, misses after a change, corrupt and interrupted entries, two
scans sharing one cache directory."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from soc2lint import cache as cache_mod
from soc2lint.cache import Manifest, ParseCache, ResultCache, Sources

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "terraform" / "project"


def _entries(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


# ---- parse cache -----------------------------------------------------------


def test_parse_cache_hit_and_miss(tmp_path: Path) -> None:
    c = ParseCache(tmp_path, "ns", "v1")
    key = ParseCache.key("resource x {}")
    assert c.get(key) is None
    c.put(key, {"parsed": [1, 2]})
    assert c.has(key)
    again = ParseCache(tmp_path, "ns", "v1")
    assert again.get(key) == {"parsed": [1, 2]}
    assert (again.hits, again.misses) == (1, 0)
    assert again.get(ParseCache.key("resource x {} # changed")) is None
    assert again.misses == 1


def test_parse_cache_keys_by_parser_version(tmp_path: Path) -> None:
    ParseCache(tmp_path, "ns", "v1").put("ab" * 32, "old")
    assert ParseCache(tmp_path, "ns", "v2").get("ab" * 32) is None


def test_corrupt_entry_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    c = ParseCache(tmp_path, "ns", "v1")
    key = ParseCache.key("text")
    c.put(key, "value")
    (entry,) = _entries(tmp_path)
    entry.write_bytes(b"\x80\x05garbage, not a pickle")
    assert c.get(key) is None
    assert not entry.exists()
    c.put(key, "value")
    assert c.get(key) == "value"


def test_truncated_entry_is_a_miss(tmp_path: Path) -> None:
    c = ParseCache(tmp_path, "ns", "v1")
    key = ParseCache.key("text")
    c.put(key, list(range(10_000)))
    (entry,) = _entries(tmp_path)
    entry.write_bytes(entry.read_bytes()[:100])
    assert c.get(key) is None


class _Explodes:
    def __reduce__(self) -> Any:
        raise TypeError("cannot pickle this")


def test_a_value_that_cannot_be_written_leaves_nothing(tmp_path: Path) -> None:
    c = ParseCache(tmp_path, "ns", "v1")
    c.put(ParseCache.key("x"), ["half written", _Explodes()])
    assert _entries(tmp_path) == []


def test_interrupted_write_leaves_no_entry_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = ParseCache(tmp_path, "ns", "v1")
    key = ParseCache.key("x")

    def interrupted(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_mod.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        c.put(key, "value")
    monkeypatch.undo()
    assert _entries(tmp_path) == []
    assert c.get(key) is None


def test_unwritable_cache_is_only_slower(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    c = ParseCache(blocker, "ns", "v1")
    c.put(ParseCache.key("x"), "value")  # no exception
    assert c.get(ParseCache.key("x")) is None


# ---- result cache and manifests --------------------------------------------


def test_result_cache_is_valid_while_its_manifest_is(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tf").write_text("a = 1\n")
    (src / "data.json").write_text("{}")
    store = tmp_path / "cache"

    def manifest() -> tuple[Any, ...]:
        m = Manifest(Sources())
        m.directory(src)
        m.file(src / "data.json")
        m.file(src / "absent.json")
        return m.deps()

    rc = ResultCache(store, "results")
    key = rc.key("root", str(src))
    rc.put(key, manifest(), "result")
    assert ResultCache(store, "results").get(key, Sources()) == "result"

    def changed(edit: Any) -> Any:
        edit()
        return ResultCache(store, "results").get(key, Sources())

    # a configuration file's content
    assert changed(lambda: (src / "main.tf").write_text("a = 2\n")) is None
    rc.put(key, manifest(), "result")
    # a file added to a directory that was listed (whatever its name)
    assert changed(lambda: (src / "README.md").write_text("x")) is None
    rc.put(key, manifest(), "result")
    # a file read elsewhere
    assert changed(lambda: (src / "data.json").write_text('{"a": 1}')) is None
    rc.put(key, manifest(), "result")
    # a file looked for and not found, that now exists
    assert changed(lambda: (src / "absent.json").write_text("{}")) is None
    rc.put(key, manifest(), "result")
    # a removed file
    assert changed((src / "data.json").unlink) is None
    rc.put(key, manifest(), "result")
    assert ResultCache(store, "results").get(key, Sources()) == "result"


def test_corrupt_result_entry_is_a_miss(tmp_path: Path) -> None:
    rc = ResultCache(tmp_path, "results")
    key = rc.key("k")
    rc.put(key, (), {"a": 1})
    (entry,) = _entries(tmp_path)
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) - 5])
    assert rc.get(key, Sources()) is None
    assert not entry.exists()


def test_sources_read_each_file_once(tmp_path: Path) -> None:
    f = tmp_path / "a.tf"
    f.write_text("one")
    sources = Sources()
    before = sources.file_digest(f)
    f.write_text("two")
    # within one scan, digests and reads agree with each other: the first read wins
    assert sources.file_digest(f) == before
    assert sources.read(f) == b"one"
    assert Sources().file_digest(f) != before


def test_code_fingerprint_is_stable() -> None:
    assert cache_mod.code_fingerprint() == cache_mod.code_fingerprint()
    assert len(cache_mod.code_fingerprint()) == 16


# ---- two scans sharing one cache directory ------------------------------------


def _scan_command(target: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "soc2lint.cli",
        "scan",
        str(target),
        "--format",
        "json",
        "--output",
        str(out),
        "--jobs",
        "2",
    ]


def _findings(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text())
    return [{k: f[k] for k in sorted(f) if k != "fingerprint"} for f in data["findings"]]


def test_two_concurrent_scans_sharing_a_cache_both_succeed_and_agree(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    store = tmp_path / "cache"
    env = dict(os.environ, SOC2LINT_CACHE_DIR=str(store), SOC2LINT_NO_PROGRESS="1")
    outs = [tmp_path / f"out{i}.json" for i in range(3)]
    procs = [
        subprocess.Popen(_scan_command(project, out), env=env, cwd=tmp_path, stderr=subprocess.PIPE)
        for out in outs[:2]
    ]
    codes = []
    for p in procs:
        _, err = p.communicate(timeout=300)
        codes.append(p.returncode)
        assert p.returncode in (0, 1), err.decode()
    assert codes[0] == codes[1]
    assert _findings(outs[0]) == _findings(outs[1])
    # the entries they left serve a third scan, which agrees with an uncached one
    third = subprocess.run(_scan_command(project, outs[2]), env=env, cwd=tmp_path, check=False)
    assert third.returncode == codes[0]
    uncached = tmp_path / "uncached.json"
    subprocess.run(
        [*_scan_command(project, uncached), "--no-cache"], env=env, cwd=tmp_path, check=False
    )
    assert _findings(outs[2]) == _findings(uncached) == _findings(outs[0])
    assert not [p for p in store.rglob(".tmp-*")], "temporary files left behind"


def test_pickled_entries_are_plain_data() -> None:
    # what the caches store must not need lark or cfn-lint to be read back
    from soc2lint.terraform.records import RootRecord

    rec = RootRecord("envs/prod")
    assert pickle.loads(pickle.dumps(rec)).scope == "envs/prod"


def test_a_pickled_node_keeps_its_locations() -> None:
    """Nodes are pickled with their locations packed (built again when first read): the
    same ranges in the same order, also after pickling again unread, or copied."""
    import copy
    import dataclasses

    from soc2lint.model import Range

    from helpers import make_node

    locations = {
        ("b",): Range("b.tf", 9, 3, 9, 20),
        ("a", 0, "x"): Range("main.tf", 2, 5),
        ("c",): Range("b.tf", 70000, 1, 70002, 2),
    }
    node = make_node("aws_s3_bucket.logs", "AWS::S3::Bucket", {"b": 1}, locations=locations)
    back = pickle.loads(pickle.dumps(node))
    again = pickle.loads(pickle.dumps(back))  # pickled again before its locations were read
    for other in (back, again, copy.copy(again), dataclasses.replace(again, name="other")):
        assert list(other.locations.items()) == list(locations.items())
        assert other.location_of(("a", 0, "x")) == Range("main.tf", 2, 5)
    with pytest.raises(AttributeError):
        back.no_such_attribute  # noqa: B018


def test_a_node_located_by_spans_reads_them_as_ranges() -> None:
    """A front end may give a node its locations as spans in one file (``model.locate``):
    read, pickled unread, or copied, they are the ranges in the order given."""
    import copy
    import dataclasses

    from soc2lint.model import Range, locate

    from helpers import make_node

    spans = {("b",): (9, 3, 9, 20), ("a", 0, "x"): (2, 5, 2, 9), ("c",): (70000, 1, 70002, 2)}
    expected = [(path, Range("t.yaml", *span)) for path, span in spans.items()]
    node = make_node("Logs", "AWS::S3::Bucket", {"b": 1, "a": [{"x": "text"}], "c": 2})
    locate(node, "t.yaml", spans)
    # a finding's location is read without building the others
    assert node.location_of(("a", 0, "x")) == Range("t.yaml", 2, 5, 2, 9)
    assert node.location_of(("a", 0, "x", "inside")) == Range("t.yaml", 2, 5, 2, 9)
    assert node.location_of(("d",)) == node.location_of(()) == Range("main.tf", 1, 1, 1, 0)
    assert "locations" not in vars(node)
    again = pickle.loads(pickle.dumps(node))
    assert again.location_of(("c",)) == Range("t.yaml", 70000, 1, 70002, 2)
    for other in (again, copy.copy(again), dataclasses.replace(again, name="other"), node):
        assert list(other.locations.items()) == expected
    empty = make_node("Queue", "AWS::SQS::Queue", {})
    locate(empty, "t.yaml", {})
    assert pickle.loads(pickle.dumps(empty)).locations == {}
    # positions are packed in 32 bits, in 64 when one does not fit
    far = {("a",): (1, 2, 3, 4), ("b",): (2**31, 1, 2**33, 7)}
    for spans_ in (spans, far):
        big = make_node("Big", "AWS::S3::Bucket", {"a": 1, "b": 2, "c": 3})
        locate(big, "t.yaml", spans_)
        for path, span in spans_.items():
            assert big.location_of(path) == Range("t.yaml", *span)
        assert list(pickle.loads(pickle.dumps(big)).locations.items()) == [
            (path, Range("t.yaml", *span)) for path, span in spans_.items()
        ]
        unpacked = make_node("Big", "AWS::S3::Bucket", {})
        unpacked.locations = {path: Range("t.yaml", *span) for path, span in spans_.items()}
        again = pickle.loads(pickle.dumps(unpacked))
        assert again.location_of(("b",)) == Range("t.yaml", *spans_[("b",)])


def test_a_node_whose_position_is_not_a_number_is_not_kept(tmp_path: Path) -> None:
    """A location with a position that is not an integer cannot be packed: the entry is
    not written (the cache never raises), as for any value that cannot be pickled."""
    from soc2lint.cache import KeyedCache
    from soc2lint.model import Range

    from helpers import make_node

    node = make_node("Logs", "AWS::S3::Bucket", {"b": 1})
    node.locations = {("b",): Range("t.yaml", 1, 1, None, 0)}  # type: ignore[arg-type]
    store = KeyedCache(tmp_path / "c", "probe")
    store.put("ab" * 32, node)
    assert store.get("ab" * 32) is None
    store.put("cd" * 32, make_node("Other", "AWS::S3::Bucket", {}))
    assert store.get("cd" * 32) is not None


def test_a_pickled_node_keeps_its_attributes() -> None:
    """Nodes are pickled with their attributes packed (read back when first read): the
    same values, also after pickling again unread, or copied; unread, they stay packed."""
    import copy
    import dataclasses

    from soc2lint.model import Unknown

    from helpers import make_node

    attrs = {"Name": "logs", "Tags": [{"Key": "a", "Value": Unknown("x")}], "Size": 3}
    node = make_node("aws_s3_bucket.logs", "AWS::S3::Bucket", attrs)
    back = pickle.loads(pickle.dumps(node))
    assert "attrs" not in vars(back)
    again = pickle.loads(pickle.dumps(back))  # pickled again before its attributes were read
    for other in (back, again, copy.copy(again), dataclasses.replace(again, name="other")):
        assert list(other.attrs) == ["Name", "Tags", "Size"]
        assert other.attrs["Name"] == "logs" and other.attrs["Size"] == 3
        assert isinstance(other.attrs["Tags"][0]["Value"], Unknown)
        assert other.attr("Name").value == "logs"
