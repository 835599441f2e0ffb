#!/usr/bin/env bash
# Resident memory of `sangkien --demo` (issue 20, docs/performance.md): starts the release
# binary (or `$SK_LOAD_BIN/sangkien`) with a fresh data directory and no allocator variable,
# prints VmRSS after the demo loaded, then signs in eight people one after another (the admin
# and the first seven demo people) and prints VmRSS and the peak VmHWM after them.
#   tests/demo-memory.sh                 # builds target/release/sangkien first
#   SK_LOAD_BIN=/dir tests/demo-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SK_LOAD_BIN:-}" ]; then
  cargo build --quiet --release -p sangkien --bin sangkien
  bin="${CARGO_TARGET_DIR:-target}/release/sangkien"
else
  bin="$SK_LOAD_BIN/sangkien"
fi
data=$(mktemp -d)
port=${SK_TEST_PORT:-}
[ -n "$port" ] || port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env -u MALLOC_MMAP_THRESHOLD_ SANGKIEN_DATA_DIR="$data" SANGKIEN_LISTEN="127.0.0.1:$port" SANGKIEN_LOG__LEVEL=warn \
  "$bin" --demo >"$data/demo.txt" 2>"$data/demo.log" &
demo=$!
trap 'kill $demo 2>/dev/null; wait $demo 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 240); do
  grep -q '^Walkthrough:' "$data/demo.txt" && break
  kill -0 $demo 2>/dev/null || { cat "$data/demo.txt" "$data/demo.log"; echo "demo-memory: the demo stopped" >&2; exit 1; }
  sleep 0.5
done
grep -q '^Walkthrough:' "$data/demo.txt" || { echo "demo-memory: the demo did not load" >&2; exit 1; }
mib() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$demo/status"; }
sleep 1
echo "loaded: VmRSS $(mib VmRSS) MiB (peak $(mib VmHWM) MiB)"
# "  username  name  roles  password": the admin line and the demo people after it.
mapfile -t people < <(awk '/^These passwords/ { on = 1; next } on && /^  / { print $1, $NF }' "$data/demo.txt" | head -8)
[ "${#people[@]}" -eq 8 ] || { cat "$data/demo.txt"; echo "demo-memory: expected 8 people" >&2; exit 1; }
for p in "${people[@]}"; do
  read -r login password <<<"$p"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"login\":\"$login\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/v1/auth/login")
  [ "$code" = 200 ] || { echo "demo-memory: sign-in of $login answered $code" >&2; exit 1; }
done
sleep 1
echo "after 8 sign-ins: VmRSS $(mib VmRSS) MiB (peak $(mib VmHWM) MiB), threads $(awk '$1 == "Threads:" { print $2 }' "/proc/$demo/status")"
