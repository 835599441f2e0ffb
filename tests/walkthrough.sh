#!/usr/bin/env bash
# Plays the README's walkthrough (docs/examples/walkthrough.sh) against a fresh
# `sangkien --demo`, as a new user would, and stops the demo it started. .ci/run calls it.
# SK_TEST_PORT picks the port (else a free one).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"

source tests/demo.sh
start_demo walkthrough
SANGKIEN_URL=http://127.0.0.1:$port WALKTHROUGH_OUT=$data/downloads \
  bash docs/examples/walkthrough.sh "$data/demo.txt"
# What it downloaded stays in the folder it named.
for f in bien-ban.docx quyet-dinh.docx thuc-hien.xlsx; do
  [ -s "$data/downloads/$f" ] || { echo "walkthrough: $f was not kept" >&2; exit 1; }
done
