#!/usr/bin/env bash
# The API contract proved by clients nobody here wrote (issue 14, item 8). Against a fresh
# `sangkien --demo` (tests/demo.sh) and the merged document it serves at /api/openapi.json:
#   1. typescript: openapi-typescript generates the types (tests/clients/ts, own lock) and
#      `tsc --noEmit` checks src/main.ts, the main path written from them;
#   2. python-generate: openapi-python-client generates a client with zero warnings;
#   3. python-smoke: tests/clients/python/smoke.py plays the main path live with that client
#      (upload, download, sign with If-Match, the decision's DOCX);
#   4. fuzz: schemathesis, every check, fixed seed, SK_FUZZ_EXAMPLES (default 3) examples per
#      operation, the positive-data check allowing exactly the declared business statuses
#      (tests/clients/schemathesis.toml); fails on a 5xx, an undocumented status, a response
#      or header not as documented, or a schema-valid request refused.
# Prints `clients: N passed, M failed` and exits non-zero when one failed. .ci/run calls it;
# SK_TEST_PORT picks the demo's port (else a free one). Logs of each check stay in
# $CLIENTS_LOG_DIR (default a temporary directory, named at the end).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"
LOGS=${CLIENTS_LOG_DIR:-$(mktemp -d)}
mkdir -p "$LOGS"

need_pip() { # module package
  python3 -c "import $1" 2>/dev/null || python3 -m pip install --quiet "$2" >/dev/null
}
need_pip openapi_python_client "openapi-python-client==0.29.1"
need_pip schemathesis "schemathesis==4.32.5"
(cd tests/clients/ts && { [ -d node_modules ] || npm ci --no-audit --no-fund --silent; }) || {
  echo "clients: npm ci failed in tests/clients/ts" >&2; exit 1; }

# The fuzzer sends thousands of requests a minute as one user: the door's rate limits are
# raised for this demo only, so a valid request is judged on what it asks, not on how fast.
export SANGKIEN_GATEWAY__RATE_PER_USER_PER_MINUTE=1000000 SANGKIEN_GATEWAY__RATE_PER_ADDRESS_PER_MINUTE=1000000
source tests/demo.sh
start_demo clients
BASE=http://127.0.0.1:$port
curl -sf "$BASE/api/openapi.json" -o "$data/openapi.json" || { echo "clients: no /api/openapi.json" >&2; exit 1; }

passed=0 failed=0
check() { # name command...
  local name=$1; shift
  if "$@" >"$LOGS/$name.log" 2>&1; then
    passed=$((passed + 1)); echo "clients: $name passed"
  else
    failed=$((failed + 1)); echo "clients: $name FAILED (last lines of $LOGS/$name.log)"; tail -n 25 "$LOGS/$name.log"
  fi
}

typescript() (
  cd "$ROOT/tests/clients/ts" && node gen.mjs "$data/openapi.json" && npx tsc --noEmit
)

python_generate() {
  rm -rf "$data/py" && mkdir -p "$data/py"
  openapi-python-client generate --path "$data/openapi.json" --meta none \
    --output-path "$data/py/sangkien_client" --config "$ROOT/tests/clients/python/config.yaml" || return 1
}
# Zero warnings: the generator's own output names each operation or schema it could not render.
python_no_warnings() {
  local n
  n=$(grep -c -E '^(WARNING|ERROR)' "$LOGS/python-generate.log")
  echo "generator warnings: $n"
  [ "$n" -eq 0 ]
}

python_smoke() {
  python3 tests/clients/python/smoke.py "$data/py" "$BASE" "$data/demo.txt" docs/examples
}

# Run in the demo's directory, so schemathesis's cache of earlier failures (.schemathesis/)
# starts empty each run and the fixed seed alone decides the cases.
fuzz() (
  cd "$data" || exit 1
  local pw token
  pw=$(awk '$1 == "quan.tri" { print $NF; exit }' "$data/demo.txt")
  token=$(curl -sf "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"quan.tri\",\"password\":\"$pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])') || return 1
  timeout 1200 schemathesis --config-file "$ROOT/tests/clients/schemathesis.toml" run "$data/openapi.json" \
    --url "$BASE" --checks all --seed 14 --max-examples "${SK_FUZZ_EXAMPLES:-3}" \
    --header "Authorization: Bearer $token" --no-color --suppress-health-check all
)

check typescript typescript
check python-generate python_generate
check python-warnings python_no_warnings
check python-smoke python_smoke
check examples python3 "$ROOT/tests/clients/examples.py" "$data/openapi.json"
check fuzz fuzz

echo "clients: logs in $LOGS"
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
