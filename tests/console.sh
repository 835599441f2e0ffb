#!/usr/bin/env bash
# The web console's CI step: rebuilds the console (npm ci, lint, build) and fails if the
# committed bundle or generated types differ from a fresh build; then starts a fresh
# `sangkien --demo` and drives Debian's Chromium through it (tests/console/run.mjs).
# SK_TEST_PORT picks the port (else a free one); screenshots go to $LOG_DIR/console-shots
# (else a temp dir). Prints `console: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"

if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

(cd console && npm ci --no-audit --no-fund --loglevel=error && npm run lint && npm run build >/dev/null)
if ! git diff --exit-code --stat -- console/dist console/src/api/schema.d.ts; then
  echo "console: the committed bundle differs from a fresh build (commit console/dist)" >&2
  echo "console: 0 passed, 1 failed"
  exit 1
fi
if [ -n "$(git status --porcelain -- console/dist)" ]; then
  git status --porcelain -- console/dist >&2
  echo "console: the fresh build made files that are not committed" >&2
  echo "console: 0 passed, 1 failed"
  exit 1
fi
(cd tests/console && npm ci --no-audit --no-fund --loglevel=error)

source tests/demo.sh
start_demo console

# The generated types must match the document the running gateway serves.
curl -fsS "http://127.0.0.1:$port/api/openapi.json" >"$data/openapi.json"
(cd console && OPENAPI_FILE="$data/openapi.json" npm run --silent gen:api >/dev/null)
if ! git diff --exit-code --stat -- console/src/api/schema.d.ts; then
  echo "console: src/api/schema.d.ts is stale; run npm run gen:api on the merged document" >&2
  echo "console: 0 passed, 1 failed"
  exit 1
fi

shots=${LOG_DIR:+$LOG_DIR/console-shots}
SANGKIEN_URL=http://127.0.0.1:$port DEMO_TXT=$data/demo.txt SHOTS_DIR=${shots:-$data/shots} \
  node tests/console/run.mjs
