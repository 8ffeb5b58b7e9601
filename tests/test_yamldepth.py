"""YAML from the scanned tree nested deeper than libyaml's C composer can read is refused
before it is composed: 50,000 levels crashed the process (a segmentation fault, not a
Python error).  Terraform's ``yamldecode`` reads with the pure-Python loader, whose
RecursionError is handled like any other error; it is checked here too.  Each probe runs
in its own interpreter so that a crash fails the test instead of killing the test run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from soc2lint.yamldepth import MAX_DEPTH, too_deep

#: levels of ``- - - ... x`` (block sequences, two characters a level): newer libyaml
#: (in PyYAML 6.0.4's wheels) refuses flow collections past 1,000 levels in its scanner,
#: a syntax error like any other, but not these, which still crashed its composer
DEEP = 50_000


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH])
def test_nesting_up_to_the_limit_is_read(depth: int) -> None:
    inner = depth - 1  # inside the document's own mapping
    assert not too_deep("a: " + "[" * inner + "]" * inner + "\n")
    assert not too_deep("".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "x")


def test_nesting_past_the_limit_is_refused_in_flow_and_block_style() -> None:
    assert too_deep("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    block = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + "  " * (MAX_DEPTH + 2)
    assert too_deep(block + "x: 1\n")


def test_depth_before_a_syntax_error_counts() -> None:
    assert too_deep("a: " + "{" * (MAX_DEPTH + 5) + " : : ]")
    assert not too_deep("a: [ : : ]" + " " * 300)


@pytest.mark.parametrize("anchor", ["", "x: &a 1\n"], ids=["events", "constructors"])
def test_a_deep_template_is_a_problem_not_a_crash(anchor: str) -> None:
    done = _run(
        """
        import sys
        from soc2lint.cloudformation.decode import decode_text
        text = sys.argv[1] + "Resources:\\n  A:\\n    Type: X\\n    Properties:\\n      P:\\n"
        text += "        " + "- " * int(sys.argv[2]) + "x\\n"
        decoded = decode_text(text)
        print(decoded.root is None, [p.message for p in decoded.problems])
        """,
        anchor,
        str(DEEP),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == (
        f"True ['template is nested too deeply to be read (depth over {MAX_DEPTH})']"
    )


def test_a_deep_policy_document_is_refused_not_crashed() -> None:
    done = _run(
        """
        import sys
        from soc2lint.documents import yaml_with_holes
        deep = "[" * int(sys.argv[1]) + "]" * int(sys.argv[1])
        print(yaml_with_holes(deep, []))
        """,
        str(DEEP),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "None"


def test_yamldecode_of_deep_text_is_unknown_not_a_crash() -> None:
    done = _run(
        """
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from tfload import ev
        deep = "[" * int(sys.argv[2]) + "]" * int(sys.argv[2])
        print(type(ev(f"yamldecode({json.dumps(deep)})")).__name__)
        """,
        str(Path(__file__).parent / "terraform"),
        str(DEEP),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Unknown"


def test_a_scan_reports_the_deep_files_and_checks_the_others(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"
        "    Properties:\n      Tags:\n        " + "- " * DEEP + "x\n"
    )
    (tmp_path / "ok.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  V:\n    Type: AWS::EC2::Volume\n"
        "    Properties:\n      Size: 8\n      Encrypted: false\n"
    )
    done = _run(
        """
        import sys
        from soc2lint.cli import main
        sys.argv = ["soc2lint", "scan", sys.argv[1], "--no-cache", "--format", "concise"]
        main()
        """,
        str(tmp_path),
    )
    assert done.returncode in (1, 3), (done.returncode, done.stderr[-2000:])
    out = done.stdout
    assert "deep.yaml:1:1" in out and "nested too deeply" in out
    assert "ok.yaml:7:7: ENC002" in out  # the other template is still checked
