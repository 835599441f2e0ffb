# Sourced by the scripts that play against a fresh `sangkien --demo` (tests/walkthrough.sh,
# tests/console.sh). `start_demo NAME` builds the binary, starts a demo on SK_TEST_PORT (else
# a free port) with its data in a new temporary directory, waits until it has loaded, and on
# exit stops it and removes the directory. It sets `data` (the directory, holding demo.txt and
# demo.log), `port` and `demo` (the pid); NAME prefixes its error messages.
start_demo() {
  local name=$1
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
    kill -0 $demo 2>/dev/null || { cat "$data/demo.txt" "$data/demo.log"; echo "$name: the demo stopped" >&2; exit 1; }
    sleep 0.5
  done
  grep -q '^Walkthrough:' "$data/demo.txt" || { cat "$data/demo.txt" "$data/demo.log"; echo "$name: the demo did not load" >&2; exit 1; }
}
