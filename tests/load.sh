#!/usr/bin/env bash
# The load run of issue 8, from a clean checkout: builds the release binaries, starts the
# distributed topology (tests/topology.sh: gateway, intake, appraisal and decision as separate
# processes, one PostgreSQL database each, RabbitMQ), runs the load generator
# (tests/src/bin/sangkien-load.rs) against it, and stops and drops everything.
#
#   tests/load.sh [sangkien-load options…]        e.g. --scenarios deadline,reading --authors 50
#   tests/load.sh --standalone [sangkien-load options…]
#       the same against the standalone `sangkien` binary (one process, SQLite files in a
#       temporary data directory, in-process events), e.g. --scenarios peer (issue 20)
#   SK_LOAD_BIN=/dir tests/load.sh …               runs the binaries in /dir instead of
#       building them (e.g. a copy of an earlier build, for a before/after comparison)
#
# The table is printed; every figure goes to $SK_LOAD_OUT (default
# $CARGO_TARGET_DIR/load-results.json). docs/performance.md explains the scenarios and figures.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and RabbitMQ on 127.0.0.1:5672, like the
# topology itself.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"
cd "$ROOT"
STANDALONE=0
if [ "${1:-}" = --standalone ]; then STANDALONE=1; shift; fi
cargo build --release -p sangkien-e2e --bin sangkien-load
OUT="${SK_LOAD_OUT:-$CARGO_TARGET_DIR/load-results.json}"
# Every simulated author, head and reviewer comes from this one address: lift the gateway's
# per-address and per-user request rates (1200 and 2400 a minute by default), which would
# otherwise answer 429 long before the services are loaded. Nothing else is tuned here.
export SANGKIEN_GATEWAY__RATE_PER_ADDRESS_PER_MINUTE="${SANGKIEN_GATEWAY__RATE_PER_ADDRESS_PER_MINUTE:-100000000}"
export SANGKIEN_GATEWAY__RATE_PER_USER_PER_MINUTE="${SANGKIEN_GATEWAY__RATE_PER_USER_PER_MINUTE:-100000000}"
# glibc raises its mmap threshold to the size of a large block once one is freed, and then
# keeps later blocks of that size in its arenas: the gateway's argon2id hashing (19 MiB per
# sign-in, on many blocking threads) then grows its resident memory by hundreds of MiB, never
# returned (1.3 GiB after ~100 sign-ins in our runs). A fixed threshold keeps such blocks
# mmapped and returns them on free. Deployments should set the same (docs/performance.md).
CALLER_MMAP="${MALLOC_MMAP_THRESHOLD_-unset}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_-1048576}"
echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the start" >&2
LOADGEN="$CARGO_TARGET_DIR/release/sangkien-load"
if [ "$STANDALONE" = 1 ]; then
  # Standalone runs as `cargo run --release` does: without the variable unless the caller set it.
  if [ "$CALLER_MMAP" = unset ]; then unset MALLOC_MMAP_THRESHOLD_; fi
  BIN="${SK_LOAD_BIN:-$CARGO_TARGET_DIR/release}"
  [ -n "${SK_LOAD_BIN:-}" ] || cargo build --release -p sangkien
  STATE="$(mktemp -d)"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  stop() {
    local pid
    pid=$(cat "$STATE/sangkien.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$STATE"
  }
  trap stop EXIT
  SANGKIEN_DATA_DIR="$STATE/data" SANGKIEN_LISTEN="127.0.0.1:$PORT" SANGKIEN_LOG__LEVEL=warn \
    SANGKIEN_ADMIN_PASSWORD="${SK_LOAD_ADMIN_PASSWORD:-kiem-thu-quan-tri-2026}" \
    "$BIN/sangkien" >"$STATE/sangkien.log" 2>&1 &
  echo $! >"$STATE/sangkien.pid"
  for ((i = 0; i < 240; i++)); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
    sleep 0.25
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" || { tail -n 30 "$STATE/sangkien.log" >&2; exit 1; }
  echo "load: standalone sangkien ($BIN) ready on 127.0.0.1:$PORT" >&2
  rc=0
  "$LOADGEN" --url "http://127.0.0.1:$PORT" --state "$STATE" --out "$OUT" "$@" || rc=$?
  [ $rc -eq 0 ] || tail -n 15 "$STATE/sangkien.log" >&2
  exit $rc
fi
[ -n "${SK_LOAD_BIN:-}" ] && export SK_TOPOLOGY_BIN="$SK_LOAD_BIN"
# shellcheck disable=SC2016
exec tests/topology.sh run --release -- bash -c \
  'source "$SK_TOPOLOGY_STATE/env.sh" && exec "$0" --out "$1" "${@:2}"' \
  "$LOADGEN" "$OUT" "$@"
