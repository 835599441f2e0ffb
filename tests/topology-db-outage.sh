#!/usr/bin/env bash
# One service's database cut under load on the distributed topology (tests/topology.sh):
# appraisal reaches its PostgreSQL through a TCP proxy (tests/tcp_proxy.py) that is cut for
# SK_OUTAGE_SECS (60) while probes are sent through intake at about 4 a second; every probe
# is an event appraisal must handle. Prints the events sent, handled and dead-lettered and the
# statuses clients saw (intake writes, appraisal reads), and fails unless every event was
# handled and none dead-lettered.
#
#   bash tests/topology-db-outage.sh
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres), RabbitMQ on 127.0.0.1:5672, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=$(mktemp -d)
PROXY_PORT=${SK_OUTAGE_PROXY_PORT:-}
[ -n "$PROXY_PORT" ] || PROXY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
touch "$STATE/up"
python3 tests/tcp_proxy.py "$PROXY_PORT" 127.0.0.1 5432 "$STATE/up" &
PROXY_PID=$!
trap 'kill $PROXY_PID 2>/dev/null || true; rm -rf "$STATE"' EXIT
export SK_TOPOLOGY_APPRAISAL_DB_ADDR="127.0.0.1:$PROXY_PORT"
export SK_OUTAGE_FLAG="$STATE/up" SK_OUTAGE_SECS="${SK_OUTAGE_SECS:-60}"

bash tests/topology.sh run -- bash -c '
  set -euo pipefail
  source "$SK_TOPOLOGY_STATE/env.sh"
  GW=$SK_TOPOLOGY_URL
  token=$(curl -fsS -X POST "$GW/api/v1/auth/login" -H "content-type: application/json" \
    -d "{\"login\":\"admin\",\"password\":\"$SANGKIEN_ADMIN_PASSWORD\"}" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"access_token\"])")
  ids="$SK_TOPOLOGY_STATE/probe-ids"; writes="$SK_TOPOLOGY_STATE/write-statuses"; reads="$SK_TOPOLOGY_STATE/read-statuses"
  : >"$ids"; : >"$writes"; : >"$reads"
  send() { # phase
    local status last
    status=$(curl -s -o "$SK_TOPOLOGY_STATE/last.json" -w "%{http_code}" -X POST "$GW/api/v1/intake/probes" \
      -H "authorization: Bearer $token" -H "content-type: application/json" -d "{\"note\":\"$1\"}")
    echo "$1 $status" >>"$writes"
    if [ "$status" = 201 ]; then
      python3 -c "import json,sys; print(json.load(sys.stdin)[\"id\"])" <"$SK_TOPOLOGY_STATE/last.json" >>"$ids"
    fi
    # A read of appraisal (its own database) for the last probe sent.
    last=$(tail -n 1 "$ids")
    if [ -n "$last" ]; then
      curl -s -o /dev/null -w "$1 %{http_code}\n" -H "authorization: Bearer $token" "$GW/api/v1/appraisal/probes/$last" >>"$reads" || true
    fi
  }
  load() { # phase seconds
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do send "$1"; sleep 0.25; done
  }
  load before 10
  rm -f "$SK_OUTAGE_FLAG"; echo "outage: appraisal database cut for ${SK_OUTAGE_SECS} s" >&2
  load during "$SK_OUTAGE_SECS"
  touch "$SK_OUTAGE_FLAG"; echo "outage: appraisal database back" >&2
  load after 10
  sent=$(wc -l <"$ids")
  handled=0
  for _ in $(seq 1 240); do
    handled=0
    while read -r id; do
      [ "$(curl -s -o /dev/null -w "%{http_code}" -H "authorization: Bearer $token" "$GW/api/v1/appraisal/probes/$id")" = 200 ] && handled=$((handled + 1))
    done <"$ids"
    [ "$handled" -eq "$sent" ] && break
    sleep 0.5
  done
  dead=$(rabbitmqctl -q list_queues name messages 2>/dev/null | awk -v q="$SANGKIEN_EVENTS__EXCHANGE.appraisal.dead" "\$1 == q { print \$2 }")
  echo "outage: events sent $sent, handled by appraisal $handled, dead-lettered ${dead:-0}"
  echo "outage: intake writes (phase status count):"; sort "$writes" | uniq -c | sed "s/^/  /"
  echo "outage: appraisal reads (phase status count):"; sort "$reads" | uniq -c | sed "s/^/  /"
  grep -c "held\|database unreachable" "$SK_TOPOLOGY_STATE/appraisal.log" | sed "s/^/outage: appraisal log lines about the hold: /" || true
  [ "$handled" -eq "$sent" ] && [ "${dead:-0}" -eq 0 ] || { echo "outage: FAILED" >&2; exit 1; }
  echo "outage: passed"
'
