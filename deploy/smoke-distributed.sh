#!/usr/bin/env bash
# Smoke run of the production binaries: starts the gateway and the three services as
# separate processes on PostgreSQL (one database each) and RabbitMQ with
# tests/topology.sh (configured by environment variables alone), checks that a call without a
# token is refused, signs in as the first admin, sends a probe through the gateway (the
# service verifies the token with the gateway's JWKS) and waits for it to reach appraisal over
# RabbitMQ; the topology script stops everything and drops what it created. Needs PostgreSQL
# on 127.0.0.1:5432 (user postgres) and RabbitMQ on 127.0.0.1:5672.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash tests/topology.sh run -- bash -c '
  set -euo pipefail
  GW=$SK_TOPOLOGY_URL
  echo "smoke: gateway and services ready: $(curl -fsS "$GW/readyz")"
  curl -fsS "$GW/api/openapi.json" >/dev/null
  status=$(curl -s -o /dev/null -w "%{http_code}" -X POST "$GW/api/v1/intake/probes" -H "content-type: application/json" -d "{}")
  [ "$status" = 401 ] || { echo "smoke: expected 401 without a token, got $status" >&2; exit 1; }
  # shellcheck disable=SC1091
  source "$SK_TOPOLOGY_STATE/env.sh"
  token=$(curl -fsS -X POST "$GW/api/v1/auth/login" -H "content-type: application/json" \
    -d "{\"login\":\"admin\",\"password\":\"$SANGKIEN_ADMIN_PASSWORD\"}" |
    python3 -c "import json,sys; print(json.load(sys.stdin)[\"access_token\"])")
  probe=$(curl -fsS -X POST "$GW/api/v1/intake/probes" -H "authorization: Bearer $token" \
    -H "content-type: application/json" -d "{\"note\":\"smoke\"}" |
    python3 -c "import json,sys; print(json.load(sys.stdin)[\"id\"])")
  for _ in $(seq 1 30); do
    if curl -fsS -o /dev/null "$GW/api/v1/appraisal/probes/$probe" -H "authorization: Bearer $token"; then
      echo "smoke: signed in as admin; probe $probe reached appraisal through RabbitMQ"
      exit 0
    fi
    sleep 1
  done
  echo "smoke: the probe did not reach appraisal" >&2
  exit 1
'
