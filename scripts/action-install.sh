#!/usr/bin/env bash
# GitHub Action step 1: install soc2lint into its own virtual environment
# (runner images forbid pip installs into the system Python, PEP 668).
set -euo pipefail
venv="${RUNNER_TEMP:-/tmp}/soc2lint-venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
if [ -n "${INPUT_VERSION:-}" ]; then
  "$venv/bin/python" -m pip install --quiet "soc2lint==${INPUT_VERSION}"
else
  "$venv/bin/python" -m pip install --quiet "${GITHUB_ACTION_PATH:?}"
fi
echo "$venv/bin" >> "${GITHUB_PATH:?}"
"$venv/bin/soc2lint" --version
