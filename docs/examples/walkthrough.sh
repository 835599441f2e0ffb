#!/usr/bin/env bash
# The README's walkthrough as one script: one education initiative of the shipped example
# from the author's draft to the signed decision and the budget report, each step as the
# person who does it, through the gateway, with curl and jq.
#
#   cargo run --release -- --demo | tee demo.txt     # in one terminal; keep it running
#   bash docs/examples/walkthrough.sh demo.txt       # in another
#
# demo.txt is what `sangkien --demo` printed at its first start (the passwords are read from
# it). SANGKIEN_URL overrides http://127.0.0.1:8080. What it downloads (the minutes, the
# decision, the execution report) is kept in the folder WALKTHROUGH_OUT, by default
# ./walkthrough-files, which it names at the end. Run it once per fresh demo: the second run
# would find the council's sitting already held. CI runs it against a fresh demo.
set -euo pipefail

DEMO_OUTPUT=${1:?usage: walkthrough.sh <what sangkien --demo printed>}
API=${SANGKIEN_URL:-http://127.0.0.1:8080}/api/v1
EXAMPLES=$(cd "$(dirname "$0")" && pwd)
OUT=${WALKTHROUGH_OUT:-walkthrough-files}
mkdir -p "$OUT"
WORK=$(mktemp -d) # scratch for the answers' headers and bodies only
trap 'rm -rf "$WORK"' EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { echo "walkthrough: $*" >&2; exit 1; }

# The password the demo printed for $1 (the last word of that person's line).
password() { awk -v u="$1" '$1 == u { print $NF; exit }' "$DEMO_OUTPUT"; }

# Signs $1 in; prints the access token.
login() {
  local pw
  pw=$(password "$1")
  [ -n "$pw" ] || fail "no password for $1 in $DEMO_OUTPUT"
  local answer
  answer=$(curl -s "$API/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$pw\"}") || fail "cannot reach $API (is sangkien --demo running?)"
  jq -er .access_token <<<"$answer" 2>/dev/null || fail "$1 cannot sign in: $answer"
}

# call <token> <method> <path> [json body] [etag] — prints the body; fails on a 4xx/5xx
# after showing the problem. The answer's ETag is kept in $WORK/etag.
call() {
  local token=$1 method=$2 path=$3 body=${4:-} etag=${5:-}
  local args=(-s -X "$method" "$API$path" -H "authorization: Bearer $token" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}')
  [ -n "$body" ] && args+=(-H 'content-type: application/json' --data-binary "$body")
  [ -n "$etag" ] && args+=(-H "if-match: $etag")
  local code
  code=$(curl "${args[@]}")
  tr -d '\r' <"$WORK/headers" | awk 'tolower($1) == "etag:" { print $2 }' >"$WORK/etag"
  if [ "$code" -ge 400 ]; then
    cat "$WORK/body" >&2
    fail "$method $path answered $code"
  fi
  cat "$WORK/body"
}
etag() { cat "$WORK/etag"; }

step "sign in as each person"
AUTHOR=$(login gv.hoa)              # the author, a teacher at THCS Lý Tự Trọng
HEAD=$(login hieu.truong)           # her school's principal
OFFICE=$(login phong.gd)            # the Education Office, which receives the field
SECRETARIAT=$(login thuong.truc)    # the council's standing body
CHAIR=$(login ct.hoi.dong)          # the council's chair
ME=$(call "$AUTHOR" GET /auth/me)
echo "signed in: $(jq -r .full_name <<<"$ME")"

step "the author drafts a dossier, attaches the description and submits it"
PLAN=$(call "$AUTHOR" GET /intake/plans | jq -r '.items[0].id')
FORM=$(cat "$EXAMPLES/form.json")
D=$(call "$AUTHOR" POST /intake/dossiers "{\"plan_id\":\"$PLAN\",\"field\":\"education\",\"form\":$FORM}" | jq -r .id)
curl -sf "$API/intake/dossiers/$D/attachments?name=mo-ta.pdf" -H "authorization: Bearer $AUTHOR" \
  -H 'content-type: application/pdf' --data-binary @"$EXAMPLES/mo-ta.pdf" | jq -c '{name, size}'
call "$AUTHOR" POST "/intake/dossiers/$D/submit" '{}' | jq -c '{id, status}'

step "the principal confirms; the Education Office registers it"
call "$HEAD" POST "/intake/dossiers/$D/confirm" '{}' | jq -c '{status}'
call "$OFFICE" POST "/intake/dossiers/$D/register" '{}' | jq -c 'with_entries(select(.key | test("number|receipt|due")))'

step "appraisal opened the case; the office assigns the appraisal team automatically"
for _ in $(seq 50); do
  curl -sf "$API/appraisal/cases/$D" -H "authorization: Bearer $OFFICE" >/dev/null && break
  sleep 0.2
done
PANELS=$(call "$OFFICE" GET "/appraisal/panels?plan_id=$PLAN&field=education")
TEAM=$(jq -r '.[] | select(.kind == "appraisal_team") | .id' <<<"$PANELS")
COUNCIL=$(jq -r '.[] | select(.kind == "council") | .id' <<<"$PANELS")
call "$OFFICE" POST "/appraisal/panels/$TEAM/auto-assign" '{}' | jq -c .

step "each assigned reviewer scores on the 20-point education rubric"
SHEET='{"submit":true,"scores":[{"item":"introduction","points":1.75},{"item":"main_content","points":12.5},{"item":"conclusion","points":1.5},{"item":"presentation","points":2}]}'
declare -A REVIEWER_TOKEN
for u in to.truong tv.lan tv.hung tv.minh; do # the team's members, by their account id
  t=$(login "$u")
  REVIEWER_TOKEN[$(call "$t" GET /auth/me | jq -r .id)]=$t
done
for reviewer in $(call "$OFFICE" GET "/appraisal/cases/$D/assignments" | jq -r '.[].reviewer'); do
  call "${REVIEWER_TOKEN[$reviewer]}" PUT "/appraisal/cases/$D/sheet" "$SHEET" | jq -c '{total, grade, status}'
done
call "$OFFICE" POST "/appraisal/cases/$D/result" '{"reason":"Hai phiếu thống nhất xếp loại A"}' | jq -c 'with_entries(select(.key | test("stage|passed|grade|average|status")))'

step "the council sits: attendance, the two-thirds vote, the chair closes; minutes as DOCX"
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
S=$(call "$SECRETARIAT" POST /appraisal/sittings "{\"panel_id\":\"$COUNCIL\",\"held_on\":\"$TODAY\",\"place\":\"Hội trường UBND huyện\",\"dossier_ids\":[\"$D\"],\"starts_at\":\"08:00:00\",\"ends_at\":\"10:30:00\",\"body_name\":\"ỦY BAN NHÂN DÂN HUYỆN VĨNH TƯỜNG\",\"superior_name\":\"UBND TỈNH VĨNH PHÚC\",\"locality\":\"Vĩnh Tường\"}" | jq -r .id)
MEMBERS=$(call "$SECRETARIAT" GET "/appraisal/panels/$COUNCIL" | jq -c '[.members[].user_id]')
call "$SECRETARIAT" GET "/appraisal/sittings/$S" >/dev/null
call "$SECRETARIAT" PUT "/appraisal/sittings/$S/attendance" "{\"present\":$MEMBERS}" "$(etag)" | jq -c 'with_entries(select(.key | test("status|present|quorum")))'
N=$(jq length <<<"$MEMBERS")
call "$SECRETARIAT" PUT "/appraisal/sittings/$S/votes/$D" "{\"method\":\"show_of_hands\",\"in_favour\":$N,\"against\":0,\"abstaining\":0}" "$(etag)" | jq -c '{status}'
call "$CHAIR" POST "/appraisal/sittings/$S/close" '{}' "$(etag)" | jq -c '{status}'
curl -sf "$API/appraisal/sittings/$S/minutes" -H "authorization: Bearer $SECRETARIAT" -o "$OUT/bien-ban.docx"
echo "minutes: $(wc -c <"$OUT/bien-ban.docx") bytes of DOCX"
for _ in $(seq 50); do
  [ "$(call "$AUTHOR" GET "/intake/dossiers/$D" | jq -r .status)" = concluded ] && break
  sleep 0.2
done
call "$AUTHOR" GET "/appraisal/cases/$D/outcome" | jq -c '{status, recommended, reason}'

step "the standing body drafts the decision; the deputy chairman signs it; the DOCX downloads"
for _ in $(seq 50); do
  [ "$(call "$SECRETARIAT" GET "/decision/decisions/pending?plan_id=$PLAN&field=education" | jq '.concluded | length')" -gt 0 ] && break
  sleep 0.2
done
DECISION=$(call "$SECRETARIAT" POST /decision/decisions "{\"plan_id\":\"$PLAN\",\"field\":\"education\",\"proposal\":\"Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK\"}" | jq -r .id)
SIGNER=$(login pho.chu.tich)
call "$SIGNER" POST "/decision/decisions/$DECISION/sign" '{}' "$(etag)" | jq -c '{status, number_text, signed_on, recognised_count}'
curl -sf "$API/decision/decisions/$DECISION/document" -H "authorization: Bearer $SIGNER" -o "$OUT/quyet-dinh.docx"
echo "decision: $(wc -c <"$OUT/quyet-dinh.docx") bytes of DOCX"
for _ in $(seq 50); do
  [ "$(call "$AUTHOR" GET "/intake/dossiers/$D" | jq -r .status)" = recognised ] && break
  sleep 0.2
done
call "$AUTHOR" GET "/intake/dossiers/$D" | jq -c '{status, last_reason}'

step "the budget: the estimate drafted from the plan, appraised and approved by the finance office; the execution report"
FINANCE=$(login tai.chinh)
ESTIMATE=$(call "$SECRETARIAT" POST "/decision/budget/plans/$PLAN/estimates" '{}')
E=$(jq -r .id <<<"$ESTIMATE")
echo "estimate drafted: $(jq -r .total <<<"$ESTIMATE") đồng in $(jq '.lines | length' <<<"$ESTIMATE") lines"
call "$FINANCE" GET "/decision/budget/estimates/$E" >/dev/null
for line in $(jq -r '.lines[].id' <<<"$ESTIMATE"); do
  call "$FINANCE" PUT "/decision/budget/estimates/$E/lines/$line/appraisal" '{"decision":"approve"}' "$(etag)" >/dev/null
done
call "$FINANCE" POST "/decision/budget/estimates/$E/approve" '{}' "$(etag)" | jq -c '{status, approved_total}'
for _ in $(seq 50); do
  [ "$(call "$FINANCE" GET "/decision/budget/plans/$PLAN/execution" | jq .totals.spent)" -gt 0 ] && break
  sleep 0.2
done
call "$FINANCE" GET "/decision/budget/plans/$PLAN/execution" | jq -c .totals
curl -sf "$API/decision/budget/plans/$PLAN/execution.xlsx" -H "authorization: Bearer $FINANCE" -o "$OUT/thuc-hien.xlsx"
echo "execution report: $(wc -c <"$OUT/thuc-hien.xlsx") bytes of XLSX"

echo
echo "downloads kept in $OUT/: bien-ban.docx, quyet-dinh.docx, thuc-hien.xlsx"
echo "walkthrough: passed"
