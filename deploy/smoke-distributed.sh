#!/usr/bin/env bash
# Starts the gateway and the three services as separate processes on PostgreSQL (one
# database each) and RabbitMQ, configured by environment variables alone, waits until the
# gateway reports every service ready, then stops everything it started and drops what it
# created. Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and RabbitMQ on 127.0.0.1:5672.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sangkien-target}"
cargo build --bins -p sangkien-gateway -p sangkien-intake -p sangkien-appraisal -p sangkien-decision
BIN="$CARGO_TARGET_DIR/debug"
RUN_ID="smoke_$(date +%s)_$$"
PG="postgres://postgres@127.0.0.1:5432"
LOGS="$(mktemp -d)"
pids=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for svc in intake appraisal decision; do
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${RUN_ID}_${svc} WITH (FORCE)" >/dev/null 2>&1 || true
  done
  for q in appraisal decision; do
    rabbitmqctl -q delete_queue "sangkien-${RUN_ID}.${q}" >/dev/null 2>&1 || true
    rabbitmqctl -q delete_queue "sangkien-${RUN_ID}.${q}.dead" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

for svc in intake appraisal decision; do
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE ${RUN_ID}_${svc}" >/dev/null
done

GW=$(free_port); IN=$(free_port); AP=$(free_port); DE=$(free_port)
export SANGKIEN_EVENTS__TRANSPORT=amqp
export SANGKIEN_EVENTS__AMQP_URL="amqp://guest:guest@127.0.0.1:5672/%2f"
export SANGKIEN_EVENTS__EXCHANGE="sangkien-${RUN_ID}"
export SANGKIEN_LOG__FORMAT=json
export SANGKIEN_INTAKE__DATABASE_URL="$PG/${RUN_ID}_intake"
export SANGKIEN_APPRAISAL__DATABASE_URL="$PG/${RUN_ID}_appraisal"
export SANGKIEN_DECISION__DATABASE_URL="$PG/${RUN_ID}_decision"
export SANGKIEN_INTAKE__LISTEN="127.0.0.1:$IN" SANGKIEN_INTAKE__URL="http://127.0.0.1:$IN"
export SANGKIEN_APPRAISAL__LISTEN="127.0.0.1:$AP" SANGKIEN_APPRAISAL__URL="http://127.0.0.1:$AP"
export SANGKIEN_DECISION__LISTEN="127.0.0.1:$DE" SANGKIEN_DECISION__URL="http://127.0.0.1:$DE"
export SANGKIEN_LISTEN="127.0.0.1:$GW"

for svc in intake appraisal decision gateway; do
  "$BIN/sangkien-$svc" >"$LOGS/$svc.log" 2>&1 &
  pids+=($!)
done

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$GW/readyz" >"$LOGS/ready.json" 2>/dev/null; then
    echo "smoke: gateway and services ready: $(cat "$LOGS/ready.json")"
    curl -fsS "http://127.0.0.1:$GW/api/openapi.json" >/dev/null
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$GW/api/v1/intake/probes" -H 'content-type: application/json' -d '{}')
    [ "$status" = 401 ] || { echo "smoke: expected 401 without a token, got $status" >&2; exit 1; }
    exit 0
  fi
  sleep 1
done
echo "smoke: not ready in 60 s; logs:" >&2
tail -n 20 "$LOGS"/*.log >&2
exit 1
