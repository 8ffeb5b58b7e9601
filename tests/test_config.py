from __future__ import annotations

from pathlib import Path

import pytest

from soc2lint.config import ConfigError, find_config, load_config, parse_config


def test_pyproject_table_is_found_upward(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.soc2lint]\nfail-on = "high"\nignore = ["ENC003"]\nlog_retention_days = 365\n'
        "[tool.soc2lint.options]\nmax_admins = 2\n"
        '[tool.soc2lint.per-path-ignores]\n"tests/**" = ["NET"]\n'
        '[[tool.soc2lint.suppress]]\nrules = ["ENC001"]\nreason = "legacy"\n'
        'address = "aws_db_instance.old"\nexpires = 2027-01-31\n',
        encoding="utf-8",
    )
    sub = tmp_path / "envs" / "prod"
    sub.mkdir(parents=True)
    found = find_config(sub)
    assert found == tmp_path / "pyproject.toml"
    cfg = load_config(found)
    assert cfg.fail_on == "high"
    assert cfg.ignore == ("ENC003",)
    assert cfg.options["log_retention_days"] == 365
    assert cfg.options["max_admins"] == 2
    assert cfg.options["backup_retention_days"] == 30
    assert cfg.per_path_ignores == {"tests/**": ("NET",)}
    assert cfg.suppress[0].expires == "2027-01-31"


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    assert find_config(tmp_path) is None


def test_dot_soc2lint_toml(tmp_path: Path) -> None:
    (tmp_path / ".soc2lint.toml").write_text(
        'strict = true\nexclude = ["examples/"]\n', encoding="utf-8"
    )
    cfg = load_config(tmp_path / ".soc2lint.toml")
    assert cfg.strict is True and cfg.exclude == ("examples/",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail_on = 'sometimes'\n", "'fail_on' must be one of"),
        ("colour = true\n", "unknown configuration key 'colour'"),
        ("strict = 'yes'\n", "'strict' must be true or false"),
        ("[options]\nlog_retention = 5\n", "unknown rule option 'options.log_retention'"),
        ("backup_retention_days = -1\n", "must be a non-negative integer"),
        ("[[suppress]]\nrules = ['ENC001']\n", "needs a non-empty 'reason'"),
        ("[limits]\nmax_file_bytes = 0\n", "must be a positive number"),
        ("select = 'ENC001\n", "invalid TOML"),
    ],
)
def test_bad_configuration_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    p = tmp_path / ".soc2lint.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(p)


def test_parse_config_defaults() -> None:
    cfg = parse_config({})
    assert cfg.fail_on == "low" and cfg.inline_suppressions and not cfg.account_scope
