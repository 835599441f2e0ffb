#!/usr/bin/env python3
"""Every example request body in the merged document is valid by its own schema.

Why: a client developer copies the examples; the fuzzer's example phase sends them. An example
that its schema refuses would teach the wrong body. Usage: examples.py openapi.json
Prints `examples: N valid` or each invalid one, and exits non-zero when one is invalid.
"""
import json
import sys

from jsonschema import Draft202012Validator


def main(path):
    doc = json.load(open(path, encoding="utf-8"))
    checked, bad = 0, []
    for route, item in doc["paths"].items():
        for method, op in item.items():
            for media, content in op.get("requestBody", {}).get("content", {}).items():
                if "example" not in content:
                    continue
                schema = dict(content["schema"])
                schema["components"] = doc["components"]
                errors = list(Draft202012Validator(schema).iter_errors(content["example"]))
                checked += 1
                for e in errors:
                    bad.append(f"{method.upper()} {route} ({media}): {'/'.join(map(str, e.path))}: {e.message}")
    for b in bad:
        print(b)
    print(f"examples: {checked} checked, {len(bad)} invalid")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
