#!/usr/bin/env bash
# Plays the README's walkthrough (docs/examples/walkthrough.sh) against a fresh
# `sangkien --demo`, as a new user would, and stops the demo it started. .ci/run calls it.
# SK_TEST_PORT picks the port (else a free one).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"

cargo build --quiet -p sangkien --bin sangkien
data=$(mktemp -d)
port=${SK_TEST_PORT:-}
[ -n "$port" ] || port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SANGKIEN_DATA_DIR=$data SANGKIEN_LISTEN=127.0.0.1:$port SANGKIEN_LOG__LEVEL=warn \
  "$CARGO_TARGET_DIR/debug/sangkien" --demo >"$data/demo.txt" 2>"$data/demo.log" &
demo=$!
trap 'kill $demo 2>/dev/null; wait $demo 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 120); do
  grep -q '^Walkthrough:' "$data/demo.txt" && break
  kill -0 $demo 2>/dev/null || { cat "$data/demo.txt" "$data/demo.log"; echo "walkthrough: the demo stopped" >&2; exit 1; }
  sleep 0.5
done
grep -q '^Walkthrough:' "$data/demo.txt" || { cat "$data/demo.txt" "$data/demo.log"; echo "walkthrough: the demo did not load" >&2; exit 1; }
SANGKIEN_URL=http://127.0.0.1:$port WALKTHROUGH_OUT=$data/downloads \
  bash docs/examples/walkthrough.sh "$data/demo.txt"
# What it downloaded stays in the folder it named.
for f in bien-ban.docx quyet-dinh.docx thuc-hien.xlsx; do
  [ -s "$data/downloads/$f" ] || { echo "walkthrough: $f was not kept" >&2; exit 1; }
done
