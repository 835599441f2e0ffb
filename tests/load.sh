#!/usr/bin/env bash
# The load run of issue 8, from a clean checkout: builds the release binaries, starts the
# distributed topology (tests/topology.sh: gateway, intake, appraisal and decision as separate
# processes, one PostgreSQL database each, RabbitMQ), runs the load generator
# (tests/src/bin/sangkien-load.rs) against it, and stops and drops everything.
#
#   tests/load.sh [sangkien-load options…]        e.g. --scenarios deadline,reading --authors 50
#
# The table is printed; every figure goes to $SK_LOAD_OUT (default
# $CARGO_TARGET_DIR/load-results.json). docs/performance.md explains the scenarios and figures.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and RabbitMQ on 127.0.0.1:5672, like the
# topology itself.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"
cd "$ROOT"
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
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_-1048576}"
echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the start" >&2
# shellcheck disable=SC2016
exec tests/topology.sh run --release -- bash -c \
  'source "$SK_TOPOLOGY_STATE/env.sh" && exec "$0" --out "$1" "${@:2}"' \
  "$CARGO_TARGET_DIR/release/sangkien-load" "$OUT" "$@"
