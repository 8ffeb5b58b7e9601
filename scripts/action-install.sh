#!/usr/bin/env bash
# GitHub Action step 1: install soc2lint into its own virtual environment (runner
# images forbid pip installs into the system Python, PEP 668).
#
# Supply chain: every dependency comes from scripts/action-requirements.txt, pinned
# and hashed (pip --require-hashes; refresh it with pip-compile, see
# scripts/action-requirements.in); pip itself is the venv's own (never upgraded from
# the network); soc2lint is built from the action's checkout without build isolation
# (setuptools is in the hashed file), so nothing unpinned is downloaded. The
# `version` input installs that release from PyPI, which is pinned by version, not
# by hash: pin the action by commit for a fully hashed install.
#
# Only the soc2lint executable goes on GITHUB_PATH (a directory holding one link):
# the venv's python3 and pip must not shadow the runner's in later steps.
set -euo pipefail
action="${GITHUB_ACTION_PATH:?}"
venv="${RUNNER_TEMP:-/tmp}/soc2lint-venv"
bin="${RUNNER_TEMP:-/tmp}/soc2lint-bin"
# the hashed file is compiled for Python 3.11 and newer (networkx 3.6 needs it)
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "::error title=soc2lint::the soc2lint Action needs Python 3.11 or newer on the runner (found $(python3 -V 2>&1)); add actions/setup-python with python-version 3.12 before it, or use an ubuntu-24.04 runner" >&2
  exit 2
fi
python3 -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$venv/bin/python" -m pip install --quiet --require-hashes --no-deps \
  -r "$action/scripts/action-requirements.txt"
if [ -n "${INPUT_VERSION:-}" ]; then
  "$venv/bin/python" -m pip install --quiet --no-deps "soc2lint==${INPUT_VERSION}"
else
  "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation "$action"
fi
"$venv/bin/python" -m pip check >/dev/null
rm -rf "$bin"
mkdir -p "$bin"
ln -s "$venv/bin/soc2lint" "$bin/soc2lint"
echo "$bin" >> "${GITHUB_PATH:?}"
"$bin/soc2lint" --version
