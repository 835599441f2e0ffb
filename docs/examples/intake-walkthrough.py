"""Walks one education dossier through intake on a running sangkien, as a client would.

    ADMIN_PASSWORD=<printed at first start> SANGKIEN_URL=http://127.0.0.1:8080 \
        python3 docs/examples/intake-walkthrough.py

Creates a tenant, three units and four people, publishes a plan whose education window is
open today, then: draft with two authors -> PDF attachment -> submit -> unit head confirms ->
Education Office registers (receipt) -> appraisal opens the case -> the author sees it.
Run it once per fresh data directory (codes and user names must be new).
"""
import datetime
import json
import os
import urllib.request

B = os.environ.get("SANGKIEN_URL", "http://127.0.0.1:8080")
pw = os.environ["ADMIN_PASSWORD"]
def call(m, path, tok=None, body=None, raw=None, hdr=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    r = urllib.request.Request(B+path, data=data, method=m)
    if body is not None: r.add_header("content-type","application/json")
    if tok: r.add_header("authorization","Bearer "+tok)
    for k,v in (hdr or {}).items(): r.add_header(k,v)
    try:
        with urllib.request.urlopen(r) as res: return res.status, json.loads(res.read() or b"null"), dict(res.headers)
    except urllib.error.HTTPError as e: return e.code, json.loads(e.read() or b"null"), dict(e.headers)
def login(u,p): return call("POST","/api/v1/auth/login",body={"login":u,"password":p})[1]["access_token"]
admin=login("admin",pw)
s,t,_=call("POST","/api/v1/directory/tenants",admin,{"code":"vinh-tuong","name":"Ủy ban nhân dân huyện Vĩnh Tường"})
T=t["id"]; units={}
for code,name,kind in [("phong-gddt","Phòng Giáo dục và Đào tạo","office"),("phong-ktht","Phòng Kinh tế và Hạ tầng","office"),("thcs-ltt","Trường THCS Lý Tự Trọng","school")]:
    units[code]=call("POST","/api/v1/directory/units",admin,{"tenant_id":T,"code":code,"name":name,"kind":kind})[1]["id"]
tok={}
for u,n,r,unit in [("thuong.truc","Phạm Văn Thường","council_secretariat","phong-ktht"),("phong.gd","Lê Thị Giáo","receiving_office","phong-gddt"),("hieu.truong","Đỗ Văn Hiệu","unit_head","thcs-ltt"),("gv.hoa","Nguyễn Thị Hoa","author","thcs-ltt")]:
    call("POST","/api/v1/directory/users",admin,{"tenant_id":T,"username":u,"full_name":n,"password":"mat-khau-thu-nghiem","grants":[{"role":r,"unit_id":units[unit]}]})
    tok[u]=login(u,"mat-khau-thu-nghiem")
today=datetime.date.today()
w=lambda a,b:{"from":str(today+datetime.timedelta(a)),"to":str(today+datetime.timedelta(b))}
s,plan,h=call("POST","/api/v1/intake/plans",tok["thuong.truc"],{"symbol":"163/KH-UBND","title":"Triển khai công tác sáng kiến","issued_on":str(today),"year":today.year,
  "fields":[{"code":"education","name":"Giáo dục và Đào tạo","receiving_unit_id":units["phong-gddt"],"receive":w(-5,20),
  "stages":[{"kind":"appraisal_team","window":w(21,30),"rubric":"education-20"},{"kind":"council","window":w(30,40),"rubric":"education-20"}]}]})
print("plan", s, plan["symbol"], plan["status"])
s,plan,_=call("POST",f"/api/v1/intake/plans/{plan['id']}/publish",tok["thuong.truc"],hdr={"If-Match":{k.lower():v for k,v in h.items()}["etag"]})
print("publish", s, plan["status"])
form={"authors":[{"full_name":"Nguyễn Thị Hoa","date_of_birth":"1985-04-12","workplace":"Trường THCS Lý Tự Trọng","title":"Giáo viên","qualification":"Thạc sĩ","contribution_percent":60},
 {"full_name":"Trần Văn Nam","date_of_birth":"1990-09-01","workplace":"Trường THCS Lý Tự Trọng","title":"Giáo viên","qualification":"Cử nhân","contribution_percent":40}],
 "name":"Một số biện pháp nâng cao chất lượng dạy học môn Toán lớp 9","application_area":"Giáo dục và Đào tạo","kind":"operational","first_applied_on":"2021-09-06",
 "essence":"Học nhóm theo năng lực","applied_where":"Lớp 9A, 9B","benefits_by_author":"Khá giỏi tăng 15%","declaration":True}
s,d,_=call("POST","/api/v1/intake/dossiers",tok["gv.hoa"],{"plan_id":plan["id"],"field":"education","form":form})
D=d["id"]; print("dossier", s, d["status"])
s,a,_=call("POST",f"/api/v1/intake/dossiers/{D}/attachments?name=bao-cao-mo-ta.pdf",tok["gv.hoa"],raw=b"%PDF-1.7\n"+b" "*200000,hdr={"content-type":"application/pdf"})
print("attachment", s, a["content_type"], a["size"], a["sha256"][:16]+"…")
s,d,_=call("POST",f"/api/v1/intake/dossiers/{D}/submit",tok["gv.hoa"],raw=b"")
print("submit", s, d["status"])
s,d,_=call("POST",f"/api/v1/intake/dossiers/{D}/confirm",tok["hieu.truong"],raw=b"")
print("confirm", s, d["status"])
s,r,_=call("POST",f"/api/v1/intake/dossiers/{D}/register",tok["phong.gd"],raw=b"")
print("register", s, json.dumps(r, ensure_ascii=False))
import time; time.sleep(2)
s,c,_=call("GET",f"/api/v1/appraisal/cases/{D}",tok["thuong.truc"])
print("appraisal case", s, c.get("status"), c.get("register_number"), [x["kind"] for x in c.get("stages",[])])
s,d,_=call("GET",f"/api/v1/intake/dossiers/{D}",tok["gv.hoa"])
print("author sees", s, d["status"], d["status_label"], d["unit_name"], d["decision_due_on"])
