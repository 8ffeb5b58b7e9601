"""A resource whose Type is a pre-processor tag (Rain modules) is not loaded (SYS006, the scan
is incomplete), not a parse error."""

from __future__ import annotations

from pathlib import Path

from soc2lint.config import Config

from helpers import scan, write_files

TEMPLATE = """\
Resources:
  Logs:
    Type: !Rain::Module "bucket.yaml"
    Properties:
      Name: logs
  Queue:
    Type: AWS::SQS::Queue
  Broken:
    Properties: {}
"""


def test_rain_module_is_unloaded_and_a_missing_type_an_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.yaml": TEMPLATE})
    result = scan([tmp_path], base=tmp_path, config=Config(select=("SYS",)))
    got = sorted((f.rule_id, f.address, f.range.start_line) for f in result.findings)
    assert got == [("SYS001", "Broken", 8), ("SYS006", "Logs", 2)]
    note = next(f for f in result.findings if f.rule_id == "SYS006")
    assert "Rain::Module (bucket.yaml)" in note.message and note.incomplete
    assert note.properties["source"] == "Rain::Module bucket.yaml"
    assert result.graph.find("app.yaml", "Queue") is not None


def test_an_accepted_rain_module_is_listed_without_making_the_scan_incomplete(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"app.yaml": TEMPLATE.replace("  Broken:\n    Properties: {}\n", "")})
    config = Config(select=("SYS",), allow_unloaded_modules=True)
    result = scan([tmp_path], base=tmp_path, config=config)
    assert [(f.rule_id, f.incomplete) for f in result.findings] == [("SYS006", False)]
    assert not result.incomplete
