#!/usr/bin/env bash
# Runs `--help` and `--version` of every shipped binary (and the load generator) in an empty
# directory with no setting in the environment, and fails when one exits non-zero, prints no
# usage, leaves anything behind (no ./data, no secret, no database) or does not name the
# settings it reads with their environment variables. .ci/run calls it. (`sangkien-node`, the
# test topology's process, is not shipped and not checked.)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"

cargo build --quiet -p sangkien -p sangkien-gateway -p sangkien-intake -p sangkien-appraisal \
  -p sangkien-decision --bins
cargo build --quiet -p sangkien-e2e --bin sangkien-load
bin=$CARGO_TARGET_DIR/debug
failed=0
checked=0
for b in sangkien sangkien-gateway sangkien-intake sangkien-appraisal sangkien-decision sangkien-load; do
  for flag in --help --version; do
    dir=$(mktemp -d)
    status=0
    # No SANGKIEN_* variable: a distributed binary would need links.secret to start.
    (cd "$dir" && env $(env | awk -F= '/^SANGKIEN_/ { printf "-u %s ", $1 }') \
      timeout 10 "$bin/$b" "$flag" >"$dir.out" 2>"$dir.err") || status=$?
    left=$(ls -A "$dir")
    problem=""
    [ "$status" -eq 0 ] || problem="exit $status"
    [ -z "$left" ] || problem="$problem; left behind: $left"
    [ -s "$dir.out" ] || problem="$problem; printed nothing"
    if [ "$flag" = --help ]; then
      grep -q '^Usage:' "$dir.out" || problem="$problem; no usage"
      if [ "$b" != sangkien-load ]; then
        grep -q 'SANGKIEN_LOG__LEVEL' "$dir.out" || problem="$problem; no settings"
      fi
    fi
    checked=$((checked + 1))
    if [ -n "$problem" ]; then
      echo "help: $b $flag: ${problem#; }" >&2
      cat "$dir.err" >&2
      failed=$((failed + 1))
    fi
    rm -rf "$dir" "$dir.out" "$dir.err"
  done
done
if [ "$failed" -ne 0 ]; then
  echo "help: $failed of $checked failed"
  exit 1
fi
echo "help: passed ($checked runs, nothing created)"
