#!/usr/bin/env bash
# GitHub Action step 2: one scan writing every requested format, then the
# step fails according to fail-on (exit 1 findings, 2 usage, 3 incomplete).
set -uo pipefail

workspace="${GITHUB_WORKSPACE:-$PWD}"
cd "$workspace" || exit 2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

args=(scan)
read -r -a paths <<< "${INPUT_PATHS:-.}"
args+=(--fail-on "${INPUT_FAIL_ON:-low}")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
if [ -n "${INPUT_DIFF_BASE:-}" ]; then
  args+=(--diff-base "$INPUT_DIFF_BASE")
fi
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi

# every format from one scan: json for the counts, then what was asked for
args+=(--format json --output "$tmp/report.json")
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  args+=(--format sarif --output "$INPUT_SARIF_FILE")
fi
if [ "${INPUT_SUMMARY:-true}" = "true" ]; then
  args+=(--format markdown --output "$tmp/summary.md")
fi
if [ "${INPUT_ANNOTATIONS:-true}" = "true" ]; then
  args+=(--format github)
else
  args+=(--format text)
fi

# paths last, after "--": a path is never read as an option
args+=(-- "${paths[@]}")

soc2lint "${args[@]}"
code=$?

if [ "${INPUT_SUMMARY:-true}" = "true" ] && [ -f "$tmp/summary.md" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$tmp/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
findings=0
if [ -f "$tmp/report.json" ]; then
  findings="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["total"])' "$tmp/report.json" 2>/dev/null || echo 0)"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    echo "findings=$findings"
    echo "sarif-file=${INPUT_SARIF_FILE:-}"
  } >> "$GITHUB_OUTPUT"
fi
case "$code" in
  0) exit 0 ;;
  1) echo "::error title=soc2lint::$findings finding(s) at or above fail-on=${INPUT_FAIL_ON:-low}"; exit 1 ;;
  2) echo "::error title=soc2lint::usage or configuration error (see the log above)"; exit 2 ;;
  3) echo "::error title=soc2lint::the scan was incomplete: a file did not parse or a rule failed"; exit 3 ;;
  *) exit "$code" ;;
esac
