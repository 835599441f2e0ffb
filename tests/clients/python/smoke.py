"""Plays the main path live with the client `openapi-python-client` generated from the merged
document (tests/clients.sh generates it): sign-in, plan, draft, upload and download of the
description, submit, confirm, register, the team's sheets, the council's sitting and minutes,
the decision drafted, signed with the `If-Match` the document declares, and downloaded.

Only the generated functions are used, with the arguments the document gives them; nothing is
sent by hand. Usage: python3 smoke.py <dir holding the generated package> <base url> <demo.txt>
<examples dir>. Prints one line per step and `python client: passed` at the end; exits 1 on
the first answer that is not the one expected.
"""

import datetime
import importlib
import io
import json
import sys
import time
import zoneinfo

sys.path.insert(0, sys.argv[1])
BASE, DEMO, EXAMPLES = sys.argv[2], sys.argv[3], sys.argv[4]

pkg = "sangkien_client"
Client = importlib.import_module(pkg).Client
AuthenticatedClient = importlib.import_module(pkg).AuthenticatedClient
types = importlib.import_module(pkg + ".types")
models = importlib.import_module(pkg + ".models")


def op(tag, name):
    """The generated module of one operation (api/<tag>/<operation id>.py)."""
    return importlib.import_module(f"{pkg}.api.{tag}.{name}")


def fail(msg):
    print(f"python client: {msg}", file=sys.stderr)
    sys.exit(1)


def expect(resp, status, what):
    if resp.status_code != status:
        fail(f"{what} answered {resp.status_code} (expected {status}): {resp.content[:400]!r}")
    return resp


def body(resp):
    return json.loads(resp.content)


def etag(resp):
    tag = resp.headers.get("etag")
    if not tag:
        fail("no ETag on an answer whose tag the next change needs")
    return tag


def password(user):
    for line in open(DEMO, encoding="utf-8"):
        parts = line.split()
        if parts and parts[0] == user:
            return parts[-1]
    fail(f"no password for {user} in {DEMO}")


anon = Client(base_url=BASE, raise_on_unexpected_status=False)


def login(user):
    req = models.LoginRequest(login=user, password=password(user))
    resp = expect(op("auth", "gateway_login").sync_detailed(client=anon, body=req), 200, f"login {user}")
    return AuthenticatedClient(base_url=BASE, token=body(resp)["access_token"], raise_on_unexpected_status=False)


def poll(check, what):
    for _ in range(100):
        if check():
            return
        time.sleep(0.2)
    fail(f"{what} did not happen")


print("== sign in")
author, head, office = login("gv.hoa"), login("hieu.truong"), login("phong.gd")
secretariat, chair, signer = login("thuong.truc"), login("ct.hoi.dong"), login("pho.chu.tich")
me = body(expect(op("auth", "gateway_me").sync_detailed(client=author), 200, "me"))
print("signed in:", me["full_name"])

print("== plan and draft")
plans = body(expect(op("plans", "intake_list_plans").sync_detailed(client=author), 200, "plans"))
plan = plans["items"][0]["id"]
form = json.load(open(f"{EXAMPLES}/form.json", encoding="utf-8"))
create = models.DossierCreate.from_dict({"plan_id": plan, "field": "education", "form": form})
d = body(expect(op("dossiers", "intake_create_dossier").sync_detailed(client=author, body=create), 201, "create dossier"))["id"]
print("draft:", d)

print("== upload and download")
pdf = open(f"{EXAMPLES}/mo-ta.pdf", "rb").read()
upload = op("dossiers", "intake_upload_attachment")
f = types.File(payload=io.BytesIO(pdf), file_name="mo-ta.pdf", mime_type="application/pdf")
att = body(expect(upload.sync_detailed(id=d, client=author, body=f, name="mo-ta.pdf"), 201, "upload"))
got = expect(op("dossiers", "intake_download_attachment").sync_detailed(id=d, attachment=att["id"], client=author), 200, "download")
if got.content != pdf:
    fail(f"downloaded {len(got.content)} bytes, uploaded {len(pdf)}")
print("attachment:", att["name"], att["size"], "bytes, downloaded the same bytes")

print("== submit, confirm, register")
expect(op("dossiers", "intake_submit").sync_detailed(id=d, client=author, body=models.Empty()), 200, "submit")
expect(op("dossiers", "intake_confirm").sync_detailed(id=d, client=head), 200, "confirm")
reg = body(expect(op("dossiers", "intake_register").sync_detailed(id=d, client=office), 200, "register"))
print("registered:", {k: v for k, v in reg.items() if "number" in k or "receipt" in k or "due" in k})

print("== the team scores")
poll(lambda: op("cases", "appraisal_get_case").sync_detailed(id=d, client=office).status_code == 200, "the case opening")
panels = body(expect(op("panels", "appraisal_list_panels").sync_detailed(client=office, plan_id=plan, field="education"), 200, "panels"))
team = next(p["id"] for p in panels if p["kind"] == "appraisal_team")
council = next(p["id"] for p in panels if p["kind"] == "council")
expect(op("panels", "appraisal_auto_assign").sync_detailed(id=team, client=office), 200, "auto-assign")
reviewers = {}
for u in ("to.truong", "tv.lan", "tv.hung", "tv.minh"):
    c = login(u)
    reviewers[body(op("auth", "gateway_me").sync_detailed(client=c))["id"]] = c
sheet = models.SheetCreate.from_dict({"submit": True, "scores": [
    {"item": "introduction", "points": 1.75}, {"item": "main_content", "points": 12.5},
    {"item": "conclusion", "points": 1.5}, {"item": "presentation", "points": 2}]})
for a in body(expect(op("cases", "appraisal_list_assignments").sync_detailed(id=d, client=office), 200, "assignments")):
    s = body(expect(op("cases", "appraisal_save_sheet").sync_detailed(id=d, client=reviewers[a["reviewer"]], body=sheet), 200, "sheet"))
    print("sheet:", s["total"], s["grade"])
result = models.ResultCreate.from_dict({"reason": "Hai phiếu thống nhất xếp loại A"})
expect(op("cases", "appraisal_record_result").sync_detailed(id=d, client=office, body=result), 201, "result")

print("== the council sits")
today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
sitting = models.SittingCreate.from_dict({"panel_id": council, "held_on": today, "place": "Hội trường UBND huyện", "dossier_ids": [d]})
s = body(expect(op("sittings", "appraisal_schedule_sitting").sync_detailed(client=secretariat, body=sitting), 201, "sitting"))["id"]
members = [m["user_id"] for m in body(op("panels", "appraisal_get_panel").sync_detailed(id=council, client=secretariat))["members"]]
tag = etag(expect(op("sittings", "appraisal_get_sitting").sync_detailed(id=s, client=secretariat), 200, "sitting"))
att_in = models.AttendanceUpdate.from_dict({"present": members})
tag = etag(expect(op("sittings", "appraisal_record_attendance").sync_detailed(id=s, client=secretariat, body=att_in, if_match=tag), 200, "attendance"))
vote = models.VoteUpdate.from_dict({"method": "show_of_hands", "in_favour": len(members), "against": 0, "abstaining": 0})
tag = etag(expect(op("sittings", "appraisal_record_vote").sync_detailed(id=s, dossier_id=d, client=secretariat, body=vote, if_match=tag), 200, "vote"))
expect(op("sittings", "appraisal_close_sitting").sync_detailed(id=s, client=chair, if_match=tag), 200, "close")
minutes = expect(op("sittings", "appraisal_download_minutes").sync_detailed(id=s, client=secretariat), 200, "minutes")
if not minutes.content.startswith(b"PK"):
    fail("the minutes are not a DOCX")
print("minutes:", len(minutes.content), "bytes of DOCX")

print("== the decision, signed and downloaded")
pending = op("decisions", "decision_pending")
poll(lambda: len(body(pending.sync_detailed(client=secretariat, plan_id=plan, field="education"))["concluded"]) > 0, "the conclusion reaching decision")
draft = models.DraftInput.from_dict({"plan_id": plan, "field": "education", "proposal": "Hội đồng Sáng kiến huyện tại Tờ trình số 12/TTr-HĐSK"})
dec = expect(op("decisions", "decision_draft_decision").sync_detailed(client=secretariat, body=draft), 201, "draft decision")
signed = body(expect(op("decisions", "decision_sign_decision").sync_detailed(id=body(dec)["id"], client=signer, if_match=etag(dec)), 200, "sign"))
print("signed:", signed["number_text"], signed["status"])
doc = expect(op("decisions", "decision_download_decision").sync_detailed(id=signed["id"], client=signer), 200, "decision document")
if not doc.content.startswith(b"PK"):
    fail("the decision is not a DOCX")
print("decision:", len(doc.content), "bytes of DOCX")
print("python client: passed")
