"""Counts what issue 14 measures in a merged OpenAPI document, for the notes' before/after:
operations, declared statuses, enums, header parameters and response headers, file bodies
as arrays of integers. Usage: python3 contract_counts.py openapi.json"""
import json
import sys

doc = json.load(open(sys.argv[1]))
ops = [(m, p, o) for p, v in doc["paths"].items() for m, o in v.items() if m in ("get", "post", "put", "patch", "delete")]
enums = 0


def walk(s):
    global enums
    if isinstance(s, dict):
        if "enum" in s:
            enums += 1
        for v in s.values():
            walk(v)
    elif isinstance(s, list):
        for v in s:
            walk(v)


walk(doc.get("components", {}).get("schemas", {}))
walk([o for _, _, o in ops])
header_params = {}
resp_headers = {}
int_arrays = 0
for m, p, o in ops:
    for x in o.get("parameters", []):
        if x.get("in") == "header":
            header_params[x["name"]] = header_params.get(x["name"], 0) + 1
    for st, r in o["responses"].items():
        for h in r.get("headers", {}):
            resp_headers[h] = resp_headers.get(h, 0) + 1
        for ct, c in r.get("content", {}).items():
            if c.get("schema", {}).get("type") == "array" and c["schema"].get("items", {}).get("type") == "integer":
                int_arrays += 1
    for ct, c in o.get("requestBody", {}).get("content", {}).items():
        if c.get("schema", {}).get("type") == "array" and c["schema"].get("items", {}).get("type") == "integer":
            int_arrays += 1
statuses = sum(len(o["responses"]) for _, _, o in ops)
print(f"operations: {len(ops)}; declared (operation, status): {statuses}; enums: {enums}")
print(f"header parameters: {dict(sorted(header_params.items()))}")
print(f"response headers: {dict(sorted(resp_headers.items()))}")
print(f"file bodies as integer arrays: {int_arrays}; x-roles on {sum('x-roles' in o for _, _, o in ops)} operations")
