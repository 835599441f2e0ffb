#!/usr/bin/env bash
# Starts the gateway and the three services as separate processes on PostgreSQL (one
# database each) and RabbitMQ, configured by environment variables alone, waits until the
# gateway reports every service ready, signs in as the first admin, sends a probe through
# the gateway (the service verifies the token with the gateway's JWKS) and waits for it to
# reach appraisal over RabbitMQ, then stops everything it started and drops what it created. Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and RabbitMQ on 127.0.0.1:5672.
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
  for svc in intake appraisal decision gateway; do
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${RUN_ID}_${svc} WITH (FORCE)" >/dev/null 2>&1 || true
  done
  for q in intake appraisal decision; do
    rabbitmqctl -q delete_queue "sangkien-${RUN_ID}.${q}" >/dev/null 2>&1 || true
    rabbitmqctl -q delete_queue "sangkien-${RUN_ID}.${q}.dead" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

for svc in intake appraisal decision gateway; do
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
export SANGKIEN_GATEWAY__DATABASE_URL="$PG/${RUN_ID}_gateway"
export SANGKIEN_ADMIN_PASSWORD="smoke-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
export SANGKIEN_INTAKE__LISTEN="127.0.0.1:$IN" SANGKIEN_INTAKE__URL="http://127.0.0.1:$IN"
export SANGKIEN_APPRAISAL__LISTEN="127.0.0.1:$AP" SANGKIEN_APPRAISAL__URL="http://127.0.0.1:$AP"
export SANGKIEN_DECISION__LISTEN="127.0.0.1:$DE" SANGKIEN_DECISION__URL="http://127.0.0.1:$DE"
export SANGKIEN_LISTEN="127.0.0.1:$GW"
export SANGKIEN_AUTH__JWKS_URL="http://127.0.0.1:$GW/.well-known/jwks.json"

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
    token=$(curl -fsS -X POST "http://127.0.0.1:$GW/api/v1/auth/login" -H 'content-type: application/json' \
      -d "{\"login\":\"admin\",\"password\":\"$SANGKIEN_ADMIN_PASSWORD\"}" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    probe=$(curl -fsS -X POST "http://127.0.0.1:$GW/api/v1/intake/probes" -H "authorization: Bearer $token" \
      -H 'content-type: application/json' -d '{"note":"smoke"}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    for _ in $(seq 1 30); do
      if curl -fsS -o /dev/null "http://127.0.0.1:$GW/api/v1/appraisal/probes/$probe" -H "authorization: Bearer $token"; then
        echo "smoke: signed in as admin; probe $probe reached appraisal through RabbitMQ"
        exit 0
      fi
      sleep 1
    done
    echo "smoke: the probe did not reach appraisal; logs:" >&2
    tail -n 20 "$LOGS"/*.log >&2
    exit 1
  fi
  sleep 1
done
echo "smoke: not ready in 60 s; logs:" >&2
tail -n 20 "$LOGS"/*.log >&2
exit 1
