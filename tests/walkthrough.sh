#!/usr/bin/env bash
# Plays the README's walkthrough (docs/examples/walkthrough.sh) against a fresh
# `sangkien --demo`, as a new user would, and stops the demo it started. .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"

cargo build --quiet -p sangkien --bin sangkien
data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SANGKIEN_DATA_DIR=$data SANGKIEN_LISTEN=127.0.0.1:$port SANGKIEN_LOG__LEVEL=warn \
  "$CARGO_TARGET_DIR/debug/sangkien" --demo >"$data/demo.txt" 2>&1 &
demo=$!
trap 'kill $demo 2>/dev/null; wait $demo 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 120); do
  grep -q '^Walkthrough:' "$data/demo.txt" && break
  kill -0 $demo 2>/dev/null || { cat "$data/demo.txt"; echo "walkthrough: the demo stopped" >&2; exit 1; }
  sleep 0.5
done
grep -q '^Walkthrough:' "$data/demo.txt" || { cat "$data/demo.txt"; echo "walkthrough: the demo did not load" >&2; exit 1; }
SANGKIEN_URL=http://127.0.0.1:$port bash docs/examples/walkthrough.sh "$data/demo.txt"
