#!/usr/bin/env bash
# The distributed topology for tests and load runs: the gateway and the three services as
# separate processes, one PostgreSQL database each, RabbitMQ for events, configured by
# environment variables alone (the same SANGKIEN_* settings as docker-compose.yml and
# deploy/k8s). Everything it starts it stops, and what it creates it drops.
#
#   tests/topology.sh run [--test-clock] [--release] -- <command…>
#       starts the topology, runs the command with SK_TOPOLOGY_URL (the gateway),
#       SK_TOPOLOGY_CLOCK, SK_TOPOLOGY_CONTROL and SK_TOPOLOGY_STATE set, then stops it.
#       --test-clock runs the services as `sangkien-node` (tests/src/bin), which read their
#       time from SK_TOPOLOGY_CLOCK so a test can play a year; without it the production
#       binaries run on the real clock. --release builds and runs release binaries.
#   tests/topology.sh restart <intake|appraisal|decision|gateway>
#       (inside `run`) kills that process with SIGKILL and starts it again.
#
# Overrides (environment): SK_TOPOLOGY_AMQP_URL (the broker of every process),
# SK_TOPOLOGY_<NAME>_AMQP_URL and SK_TOPOLOGY_<NAME>_DB_ADDR (host:port) for one process, so
# a test can put a proxy between it and its broker or database; SK_TOPOLOGY_PORT_BASE.
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and RabbitMQ on 127.0.0.1:5672.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"
PROCESSES=(intake appraisal decision gateway)

# SK_TOPOLOGY_PORT_BASE=N puts the processes on N..N+4 instead of free ports.
free_port() { # index
  if [ -n "${SK_TOPOLOGY_PORT_BASE:-}" ]; then echo $((SK_TOPOLOGY_PORT_BASE + $1)); return; fi
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ready() { # url seconds
  local i
  for ((i = 0; i < $2 * 4; i++)); do
    if curl -fsS -o /dev/null "$1/readyz" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  return 1
}

start_one() { # name
  local name=$1 cmd
  # shellcheck disable=SC1091
  source "$SK_TOPOLOGY_STATE/env.sh"
  if [ "$SK_NODE" = test ]; then cmd=("$SK_BIN/sangkien-node" "$name"); else cmd=("$SK_BIN/sangkien-$name"); fi
  # A test may put a proxy between one process and its broker or database:
  # SK_TOPOLOGY_<NAME>_AMQP_URL replaces its broker URL, SK_TOPOLOGY_<NAME>_DB_ADDR
  # (host:port) the address of its database server (the database itself is the run's).
  local upper=${name^^} override
  override="SK_TOPOLOGY_${upper}_AMQP_URL"
  if [ -n "${!override:-}" ]; then cmd=(env "SANGKIEN_EVENTS__AMQP_URL=${!override}" "${cmd[@]}"); fi
  override="SK_TOPOLOGY_${upper}_DB_ADDR"
  if [ -n "${!override:-}" ]; then
    local db_var="SANGKIEN_${upper}__DATABASE_URL"
    cmd=(env "$db_var=$(echo "${!db_var}" | sed -E "s#@[^/]+/#@${!override}/#")" "${cmd[@]}")
  fi
  # In a subshell, so a process killed on purpose is not reported by this shell's job control.
  ( "${cmd[@]}" >>"$SK_TOPOLOGY_STATE/$name.log" 2>&1 & echo $! >"$SK_TOPOLOGY_STATE/$name.pid" )
}

url_of() { # name
  # shellcheck disable=SC1091
  source "$SK_TOPOLOGY_STATE/env.sh"
  case $1 in
    gateway) echo "http://$SANGKIEN_LISTEN" ;;
    intake) echo "$SANGKIEN_INTAKE__URL" ;;
    appraisal) echo "$SANGKIEN_APPRAISAL__URL" ;;
    decision) echo "$SANGKIEN_DECISION__URL" ;;
  esac
}

restart() { # name
  : "${SK_TOPOLOGY_STATE:?restart runs inside 'topology.sh run'}"
  local name=$1 pid
  pid=$(cat "$SK_TOPOLOGY_STATE/$name.pid")
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  echo "topology: killed $name ($pid)" >&2
  start_one "$name"
  wait_ready "$(url_of "$name")" 60 || { echo "topology: $name did not come back" >&2; tail -n 30 "$SK_TOPOLOGY_STATE/$name.log" >&2; exit 1; }
  echo "topology: $name is back ($(cat "$SK_TOPOLOGY_STATE/$name.pid"))" >&2
}

run() {
  local node=prod profile=debug
  while [ $# -gt 0 ]; do
    case $1 in
      --test-clock) node=test ;;
      --release) profile=release ;;
      --) shift; break ;;
      *) echo "topology: unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
  [ $# -gt 0 ] || { echo "usage: topology.sh run [--test-clock] [--release] -- <command…>" >&2; exit 2; }
  local flags=()
  [ "$profile" = release ] && flags+=(--release)
  if [ -n "${SK_TOPOLOGY_BIN:-}" ]; then
    : # prebuilt binaries (tests/load.sh's SK_LOAD_BIN)
  elif [ "$node" = test ]; then
    (cd "$ROOT" && cargo build "${flags[@]}" -p sangkien-e2e --bin sangkien-node)
  else
    (cd "$ROOT" && cargo build "${flags[@]}" --bins -p sangkien-gateway -p sangkien-intake -p sangkien-appraisal -p sangkien-decision)
  fi
  run_id="topo_$(date +%s)_$$"; local pg="postgres://postgres@127.0.0.1:5432"
  export SK_TOPOLOGY_STATE
  SK_TOPOLOGY_STATE="$(mktemp -d)"
  cleanup() {
    local name pid
    for name in "${PROCESSES[@]}"; do
      pid=$(cat "$SK_TOPOLOGY_STATE/$name.pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    local i
    for name in "${PROCESSES[@]}"; do
      pid=$(cat "$SK_TOPOLOGY_STATE/$name.pid" 2>/dev/null || true)
      for ((i = 0; i < 100; i++)); do
        if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
        sleep 0.1
      done
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    done
    for name in "${PROCESSES[@]}"; do
      psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${run_id}_${name} WITH (FORCE)" >/dev/null 2>&1 || true
    done
    # Everything the services declared: per service its queue, dead-letter queue and
    # dead-letter exchange, and the run's topic exchange (rabbitmqctl has no command for
    # exchanges, hence eval).
    local x
    for q in intake appraisal decision; do
      rabbitmqctl -q delete_queue "sangkien-${run_id}.${q}" >/dev/null 2>&1 || true
      rabbitmqctl -q delete_queue "sangkien-${run_id}.${q}.dead" >/dev/null 2>&1 || true
    done
    for x in "sangkien-${run_id}.intake.dlx" "sangkien-${run_id}.appraisal.dlx" "sangkien-${run_id}.decision.dlx" "sangkien-${run_id}"; do
      rabbitmqctl -q eval "rabbit_exchange:delete(rabbit_misc:r(<<\"/\">>, exchange, <<\"$x\">>), false, <<\"topology.sh\">>)." >/dev/null 2>&1 || true
    done
    if [ "${SK_TOPOLOGY_KEEP_LOGS:-}" = "" ]; then rm -rf "$SK_TOPOLOGY_STATE"; fi
  }
  trap cleanup EXIT
  for name in "${PROCESSES[@]}"; do
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE ${run_id}_${name}" >/dev/null
  done
  local gw in ap de pv
  gw=$(free_port 0); in=$(free_port 1); ap=$(free_port 2); de=$(free_port 3); pv=$(free_port 4)
  cat >"$SK_TOPOLOGY_STATE/env.sh" <<ENV
export SK_NODE=$node
export SK_BIN=${SK_TOPOLOGY_BIN:-$CARGO_TARGET_DIR/$profile}
export SK_CLOCK_FILE=$SK_TOPOLOGY_STATE/clock
export SANGKIEN_EVENTS__TRANSPORT=amqp
export SANGKIEN_EVENTS__AMQP_URL="${SK_TOPOLOGY_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}"
export SANGKIEN_EVENTS__EXCHANGE="sangkien-${run_id}"
export SANGKIEN_LOG__FORMAT=json
export SANGKIEN_LOG__LEVEL="${SANGKIEN_LOG__LEVEL:-warn}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_-1048576}" # as the image sets it (deploy/Dockerfile)
export SANGKIEN_DATA_DIR=$SK_TOPOLOGY_STATE/data
export SANGKIEN_FILES__STORE_URL=file://$SK_TOPOLOGY_STATE/files
export SANGKIEN_LINKS__SECRET="topology-links-secret-${run_id}-0123456789abcdef"
export SANGKIEN_INTAKE__DATABASE_URL="$pg/${run_id}_intake"
export SANGKIEN_APPRAISAL__DATABASE_URL="$pg/${run_id}_appraisal"
export SANGKIEN_DECISION__DATABASE_URL="$pg/${run_id}_decision"
export SANGKIEN_GATEWAY__DATABASE_URL="$pg/${run_id}_gateway"
export SANGKIEN_ADMIN_PASSWORD="${SK_TOPOLOGY_ADMIN_PASSWORD:-kiem-thu-quan-tri-2026}"
export SANGKIEN_INTAKE__LISTEN="127.0.0.1:$in" SANGKIEN_INTAKE__URL="http://127.0.0.1:$in"
export SANGKIEN_APPRAISAL__LISTEN="127.0.0.1:$ap" SANGKIEN_APPRAISAL__URL="http://127.0.0.1:$ap"
export SANGKIEN_DECISION__LISTEN="127.0.0.1:$de" SANGKIEN_DECISION__URL="http://127.0.0.1:$de"
export SANGKIEN_LISTEN="127.0.0.1:$gw"
export SANGKIEN_AUTH__JWKS_URL="http://127.0.0.1:$gw/.well-known/jwks.json"
# The provincial DOST system is the tests' fake (tests/src/fake_province.rs) on this port.
export SANGKIEN_PROVINCE__BASE_URL="http://127.0.0.1:$pv" SANGKIEN_PROVINCE__POLL_INTERVAL_MS=200
ENV
  mkdir -p "$SK_TOPOLOGY_STATE/data" "$SK_TOPOLOGY_STATE/files"
  local name
  for name in "${PROCESSES[@]}"; do start_one "$name"; done
  # Each process's own /readyz: the gateway's answers once its identity store does, not when
  # the services behind it are ready, so every one is waited for.
  for name in "${PROCESSES[@]}"; do
    if ! wait_ready "$(url_of "$name")" 90; then
      echo "topology: $name not ready in 90 s; logs:" >&2
      tail -n 20 "$SK_TOPOLOGY_STATE"/*.log >&2
      exit 1
    fi
  done
  echo "topology: ready at http://127.0.0.1:$gw ($node binaries, $profile), state in $SK_TOPOLOGY_STATE" >&2
  export SK_TOPOLOGY_URL="http://127.0.0.1:$gw"
  export SK_TOPOLOGY_CLOCK="$SK_TOPOLOGY_STATE/clock"
  export SK_TOPOLOGY_CONTROL="$ROOT/tests/topology.sh"
  export SK_TOPOLOGY_PIDS="$SK_TOPOLOGY_STATE"
  export SK_FAKE_PROVINCE_ADDR="127.0.0.1:$pv"
  local rc=0
  "$@" || rc=$?
  if [ $rc -ne 0 ]; then
    echo "topology: the command failed ($rc); last log lines:" >&2
    tail -n 15 "$SK_TOPOLOGY_STATE"/*.log >&2
  fi
  return $rc
}

case "${1:-}" in
  run) shift; run "$@" ;;
  restart) shift; restart "$@" ;;
  *) echo "usage: topology.sh run [--test-clock] [--release] -- <command…> | restart <process>" >&2; exit 2 ;;
esac
