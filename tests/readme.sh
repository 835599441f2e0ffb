#!/usr/bin/env bash
# Runs the README's shell blocks as written against a fresh `sangkien --demo`, so the README
# cannot rot. .ci/run calls it.
#
# Which blocks: every ```sh block under the headings "Try it: the shipped example" and
# "First start and signing in", in order, in one shell, with `set -euo pipefail`. Two
# lines of them are not run here, because something else runs them: the `cargo run` that
# starts the demo (this script starts the built binary the same way, `--demo | tee demo.txt`)
# and `bash docs/examples/walkthrough.sh demo.txt` (tests/walkthrough.sh plays it on a demo
# of its own; the README's by-hand steps and the walkthrough each play the path once). The
# README's address 127.0.0.1:8080 is replaced by the port the demo listens on
# (SK_TEST_PORT, else a free one). The blocks run in a scratch directory holding
# demo.txt and a link to docs/, as a person's clone would; what they download lands there.
#
# It also checks that demo.txt holds what was printed for the person alone (no log line), and
# then the demo's /metrics with tests/metrics_check.py (needs the Python prometheus_client).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"

cargo build --quiet -p sangkien --bin sangkien
work=$(mktemp -d)
port=${SK_TEST_PORT:-}
[ -n "$port" ] || port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ln -s "$root/docs" "$work/docs"
(cd "$work" && SANGKIEN_DATA_DIR=$work/data SANGKIEN_LISTEN=127.0.0.1:$port \
  exec "$CARGO_TARGET_DIR/debug/sangkien" --demo >"$work/demo.txt" 2>"$work/demo.log") &
demo=$!
trap 'kill $demo 2>/dev/null; wait $demo 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 120); do
  grep -q '^Walkthrough:' "$work/demo.txt" && break
  kill -0 $demo 2>/dev/null || { cat "$work/demo.txt" "$work/demo.log"; echo "readme: the demo stopped" >&2; exit 1; }
  sleep 0.5
done
grep -q '^Walkthrough:' "$work/demo.txt" || { cat "$work/demo.txt" "$work/demo.log"; echo "readme: the demo did not load" >&2; exit 1; }

# Standard output is for the person: no JSON log line, no timestamped log line.
if grep -Eq '^\{|^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$work/demo.txt"; then
  grep -E '^\{|^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$work/demo.txt" | head -5
  echo "readme: log lines on the demo's standard output" >&2
  exit 1
fi
[ -s "$work/demo.log" ] || { echo "readme: the demo logged nothing on standard error" >&2; exit 1; }
echo "readme: demo.txt holds $(wc -l <"$work/demo.txt") lines for the person, no log line ($(wc -l <"$work/demo.log") log lines went to standard error)"

awk -v port="$port" '
  /^## / { section = substr($0, 4); next }
  /^```sh$/ && (section == "Try it: the shipped example" || section == "First start and signing in") { inblock = 1; blocks++; print "# --- block " blocks " (" section ")"; next }
  /^```/ { inblock = 0; next }
  inblock && /^(cargo |bash docs\/examples\/walkthrough\.sh)/ { print "# not run here: " $0; next }
  inblock { gsub(/127\.0\.0\.1:8080/, "127.0.0.1:" port); print }
' README.md >"$work/readme-blocks.sh"
blocks=$(grep -c '^# --- block' "$work/readme-blocks.sh")
[ "$blocks" -ge 5 ] || { echo "readme: found only $blocks blocks to run" >&2; exit 1; }
echo "readme: running $blocks blocks of README.md"
status=0
(cd "$work" && bash -v -euo pipefail readme-blocks.sh) || status=$?
if [ "$status" -ne 0 ]; then
  echo "readme: a block failed (exit $status); the demo's log:" >&2
  tail -20 "$work/demo.log" >&2
  exit 1
fi
for f in bien-ban.docx quyet-dinh.docx thuc-hien-du-toan.xlsx; do
  [ -s "$work/$f" ] || { echo "readme: $f was not downloaded" >&2; exit 1; }
done
echo "readme: passed ($blocks blocks)"

# The demo has served the whole path: its /metrics, as Prometheus scrapes it, checked with
# Prometheus's own parsers (tests/metrics_check.py), every part of the process labelled.
python3 tests/metrics_check.py "http://127.0.0.1:$port"
