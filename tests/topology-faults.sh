#!/usr/bin/env bash
# Faults on the distributed topology (tests/topology.sh): the broker cut for every process
# (through a TCP proxy this script controls) and one service killed, while the others keep
# serving. Checks that the healthy processes' /readyz stays 200 throughout, that the gateway
# lists the killed service as not_ready and answers 503 on its routes only, that writes succeed
# during the broker cut (the outbox keeps the events), and that the event sent during the cut
# arrives once the broker is back.
#
#   bash tests/topology-faults.sh     # exits non-zero when a check fails
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres), RabbitMQ on 127.0.0.1:5672, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=$(mktemp -d)
PROXY_PORT=${SK_FAULTS_PROXY_PORT:-}
[ -n "$PROXY_PORT" ] || PROXY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The broker proxy (tests/tcp_proxy.py): RabbitMQ while $STATE/up exists, cut when removed.
touch "$STATE/up"
python3 tests/tcp_proxy.py "$PROXY_PORT" 127.0.0.1 5672 "$STATE/up" &
PROXY_PID=$!
trap 'kill $PROXY_PID 2>/dev/null || true; rm -rf "$STATE"' EXIT
export SK_TOPOLOGY_AMQP_URL="amqp://guest:guest@127.0.0.1:$PROXY_PORT/%2f"

bash tests/topology.sh run -- bash -c '
  set -euo pipefail
  source "$SK_TOPOLOGY_STATE/env.sh"
  GW=$SK_TOPOLOGY_URL
  fail() { echo "faults: FAILED: $*" >&2; exit 1; }
  ready() { curl -s -o /dev/null -w "%{http_code}" "$1/readyz"; }
  healthy_ready() { # what
    for url in "$GW" "$SANGKIEN_INTAKE__URL" "$SANGKIEN_APPRAISAL__URL"; do
      [ "$(ready "$url")" = 200 ] || fail "$1: $url/readyz is not 200"
    done
  }
  token=$(curl -fsS -X POST "$GW/api/v1/auth/login" -H "content-type: application/json" \
    -d "{\"login\":\"admin\",\"password\":\"$SANGKIEN_ADMIN_PASSWORD\"}" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"access_token\"])")

  # One service killed: the others and the gateway stay ready, its routes alone fail.
  kill -9 "$(cat "$SK_TOPOLOGY_STATE/decision.pid")"
  sleep 1
  healthy_ready "decision killed"
  curl -fsS "$GW/readyz" | grep -q "\"decision\":\"not_ready\"" || fail "the gateway does not list decision as not_ready"
  status=$(curl -s -o /dev/null -w "%{http_code}" -H "authorization: Bearer $token" "$GW/api/v1/decision/probes/00000000-0000-0000-0000-000000000000")
  [ "$status" = 503 ] || fail "decision route answered $status, not 503"
  status=$(curl -s -o /dev/null -w "%{http_code}" -H "authorization: Bearer $token" "$GW/api/v1/intake/plans")
  [ "$status" = 200 ] || fail "intake route answered $status with decision down"
  echo "faults: decision killed: gateway, intake, appraisal ready; decision routes 503, intake 200"

  # The broker cut for 15 s: every process stays ready and writes succeed.
  rm -f "'"$STATE"'/up"
  for i in 1 2 3; do
    sleep 5
    healthy_ready "broker cut (${i}×5 s)"
  done
  probe=$(curl -fsS -X POST "$GW/api/v1/intake/probes" -H "authorization: Bearer $token" \
    -H "content-type: application/json" -d "{\"note\":\"during the broker cut\"}") || fail "a write failed during the broker cut"
  probe_id=$(echo "$probe" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"id\"])")
  echo "faults: broker cut 15 s: gateway, intake, appraisal ready; probe $probe_id written"
  touch "'"$STATE"'/up"
  for i in $(seq 1 120); do
    status=$(curl -s -o /dev/null -w "%{http_code}" -H "authorization: Bearer $token" "$GW/api/v1/appraisal/probes/$probe_id")
    [ "$status" = 200 ] && break
    sleep 0.5
  done
  [ "$status" = 200 ] || fail "the probe written during the cut never reached appraisal ($status)"
  echo "faults: broker back: the probe reached appraisal"
  echo "faults: passed"
'
