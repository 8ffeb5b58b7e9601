#!/usr/bin/env bash
# GitHub Action step 2: one scan writing every requested format, then the
# step fails according to fail-on (exit 1 findings, 2 usage, 3 incomplete).
#
# Inputs are parsed by scripts/action_inputs.py (never eval'd): multi-line `paths`
# (one a line) and `args` (split like shell words, quotes kept together). On a
# pull_request event the scan compares with the pull request's base commit by default
# (diff-base: auto), so the base commit's configuration, baseline and exceptions decide
# the verdict; `diff-base: off` opts out.
set -uo pipefail

workspace="${GITHUB_WORKSPACE:-$PWD}"
cd "$workspace" || exit 2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
helper=(python3 -I "$(dirname "${BASH_SOURCE[0]}")/action_inputs.py")
fail_on="${INPUT_FAIL_ON:-low}"

usage_error() {
  echo "::error title=soc2lint::$1"
  [ -n "${GITHUB_OUTPUT:-}" ] && {
    echo "exit-code=2"
    echo "findings=0"
    echo "total=0"
    echo "new="
    echo "diff-base="
    echo "sarif-file="
  } >> "$GITHUB_OUTPUT"
  exit 2
}

"${helper[@]}" paths > "$tmp/paths" 2> "$tmp/err" || usage_error "$(cat "$tmp/err")"
"${helper[@]}" args > "$tmp/args" 2> "$tmp/err" || usage_error "$(cat "$tmp/err")"
base="$("${helper[@]}" diff-base 2> "$tmp/err")" || usage_error "$(cat "$tmp/err")"
# NUL-separated words into arrays (bash 3.2, macOS runners, has no mapfile -d)
paths=()
extra=()
while IFS= read -r -d '' word; do paths+=("$word"); done < "$tmp/paths"
while IFS= read -r -d '' word; do extra+=("$word"); done < "$tmp/args"

if [ -n "$base" ] && [[ "$base" =~ ^[0-9a-f]{40}$ ]]; then
  # the base commit of the event: fetch it when the checkout does not have it
  # (actions/checkout fetches one commit by default)
  if ! git -C "$workspace" cat-file -e "${base}^{commit}" 2> /dev/null; then
    echo "soc2lint: fetching the pull request's base commit ${base:0:12}"
    git -C "$workspace" fetch --quiet --no-tags --depth=1 origin "$base" 2> "$tmp/err" \
      || usage_error "the base commit ${base:0:12} is not in the clone and could not be fetched ($(tail -n 1 "$tmp/err")); use actions/checkout with fetch-depth: 0, or diff-base: off to scan with the pull request's own configuration"
  fi
fi

args=(scan --fail-on "$fail_on")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ -n "$base" ] && args+=(--diff-base "$base")
args+=(${extra[@]+"${extra[@]}"})

# every format from one scan: json for the counts, then what was asked for
args+=(--format json --output "$tmp/report.json")
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  args+=(--format sarif --output "$INPUT_SARIF_FILE")
  [ -n "${INPUT_SARIF_CATEGORY:-}" ] && args+=(--sarif-category "$INPUT_SARIF_CATEGORY")
fi
if [ "${INPUT_SUMMARY:-true}" = "true" ]; then
  args+=(--format markdown --output "$tmp/summary.md")
fi
if [ "${INPUT_ANNOTATIONS:-true}" = "true" ]; then
  # the run's own failure is soc2lint's first ::error, within GitHub's 10 a step
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
counts="findings=0
total=0
new="
if [ -f "$tmp/report.json" ]; then
  counts="$("${helper[@]}" outputs "$tmp/report.json")"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    echo "$counts"
    echo "diff-base=$base"
    echo "sarif-file=${INPUT_SARIF_FILE:-}"
  } >> "$GITHUB_OUTPUT"
fi
annotated=false
[ "${INPUT_ANNOTATIONS:-true}" = "true" ] && annotated=true
case "$code" in
  0) exit 0 ;;
  1)
    if [ "$annotated" = false ]; then
      echo "::error title=soc2lint::$("${helper[@]}" verdict "$tmp/report.json" "$fail_on")"
    fi
    exit 1
    ;;
  2) echo "::error title=soc2lint::usage or configuration error (see the log above)"; exit 2 ;;
  3)
    if [ "$annotated" = false ]; then
      echo "::error title=soc2lint::the scan is incomplete: a file did not parse or a rule failed (exit 3)"
    fi
    exit 3
    ;;
  *) exit "$code" ;;
esac
