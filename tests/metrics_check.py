#!/usr/bin/env python3
"""Scrapes a running sangkien's /metrics as Prometheus would and checks it with Prometheus's
own Python client parsers: the text format 0.0.4 (what a scraper that does not ask for
OpenMetrics gets) and OpenMetrics (what Prometheus asks for), both strict about types.

    python3 tests/metrics_check.py http://127.0.0.1:8080 [--services gateway,intake,...]

Fails when a family is of unknown type, when a family the operator needs is missing, when a
part of the process has no series of its own, or when a route label is a raw path (an id)
rather than its template. tests/readme.sh runs it against the demo after the README's steps.
"""

import argparse
import re
import sys
import urllib.request

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as parse_openmetrics,
)
from prometheus_client.parser import text_string_to_metric_families as parse_text

NEEDED = {
    "sangkien_http_requests": "counter",
    "sangkien_http_request_duration_seconds": "histogram",
    "sangkien_outbox_backlog": "gauge",
    "sangkien_events_published": "counter",
    "sangkien_event_deliveries": "counter",
    "sangkien_dead_letters": "gauge",
    "sangkien_consumer_lag": "gauge",
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def scrape(url, accept):
    req = urllib.request.Request(url + "/metrics", headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=10) as res:
        return res.headers.get("Content-Type", ""), res.read().decode("utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--services", default="gateway,intake,appraisal,decision")
    args = ap.parse_args()
    problems = []

    ctype, text = scrape(args.url, None)
    if not ctype.startswith("text/plain") or "version=0.0.4" not in ctype:
        problems.append(f"plain scrape answered Content-Type {ctype!r}")
    families = {f.name: f for f in parse_text(text)}
    for f in families.values():
        if f.type == "unknown":
            problems.append(f"0.0.4: family {f.name} is of unknown type")
    for name, kind in NEEDED.items():
        f = families.get(name)
        if f is None:
            problems.append(f"0.0.4: family {name} is missing")
        elif f.type != kind:
            problems.append(f"0.0.4: family {name} is a {f.type}, not a {kind}")
    services = set()
    routes = set()
    for f in families.values():
        for s in f.samples:
            if "service" in s.labels:
                services.add(s.labels["service"])
            if "route" in s.labels:
                routes.add(s.labels["route"])
    for wanted in args.services.split(","):
        if wanted and wanted not in services:
            problems.append(f"no series labelled service={wanted!r}")
    for r in sorted(routes):
        if UUID.search(r):
            problems.append(f"route label is a raw path: {r}")
    if "/api/v1/{service}/{tail:.*}" in routes:
        problems.append("proxied requests are counted under the catch-all route")

    octype, otext = scrape(args.url, "application/openmetrics-text; version=1.0.0")
    if not octype.startswith("application/openmetrics-text"):
        problems.append(f"OpenMetrics scrape answered Content-Type {octype!r}")
    try:
        ofamilies = {f.name: f for f in parse_openmetrics(otext)}
        for name, kind in NEEDED.items():
            if name not in ofamilies or ofamilies[name].type != kind:
                problems.append(f"OpenMetrics: family {name} missing or not a {kind}")
    except ValueError as e:
        problems.append(f"OpenMetrics does not parse: {e}")

    samples = sum(len(f.samples) for f in families.values())
    print(
        f"metrics: {len(families)} families, {samples} samples, services {sorted(services)}, "
        f"{len(routes)} route templates"
    )
    if problems:
        for p in problems:
            print(f"metrics: {p}", file=sys.stderr)
        print("metrics: failed")
        return 1
    print("metrics: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
