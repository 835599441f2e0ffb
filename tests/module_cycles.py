#!/usr/bin/env python3
"""Fails when modules of one crate import one another in a circle.

Why: a cycle between a service's modules (handlers reaching into each other for queries or
workflow) is the shape issue 19 removed; this keeps it removed. It reads every `use crate::…`
and `crate::…::` path in a crate's `src/`, maps each to the deepest module file that exists,
and reports every strongly connected component of more than one module.

Usage: python3 tests/module_cycles.py [crate_dir ...]   (default: every crate of the workspace)
"""
import os
import re
import sys

CRATES = ["gateway", "services/intake", "services/appraisal", "services/decision",
          "services/kit", "services/papers", "services/standalone"]


def module_files(src):
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
            if rel[-1] == "mod":
                rel = rel[:-1]
            if rel in (["lib"], ["main"]):
                rel = []
            mods[tuple(rel)] = os.path.join(root, f)
    return mods


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def expand_use(body):
    """Expands `a::{b, c::{d}}` into ['a::b', 'a::c::d']."""
    body = body.strip()
    m = re.match(r"^([\w:]*?)\{(.*)\}$", body, flags=re.S)
    if not m:
        return [body.split(" as ")[0].strip()]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        if p.strip():
            out.extend(prefix + x for x in expand_use(p))
    return out


def target_module(path, mods):
    segs = [s for s in path.split("::") if s and s != "self"]
    for n in range(len(segs), -1, -1):
        if tuple(segs[:n]) in mods:
            return tuple(segs[:n])
    return ()


def edges(crate):
    src = os.path.join(crate, "src")
    mods = module_files(src)
    graph = {m: set() for m in mods}
    for mod, path in mods.items():
        text = strip_comments(open(path, encoding="utf-8").read())
        # Test modules may reach anywhere; they are not part of the shape.
        text = re.split(r"#\[cfg\(test\)\]\s*mod\s+tests", text)[0]
        paths = []
        for m in re.finditer(r"\buse\s+crate::(.*?);", text, flags=re.S):
            paths.extend(expand_use(m.group(1)))
        for m in re.finditer(r"(?<!use )\bcrate::((?:\w+::)*\w+)", text):
            paths.append(m.group(1))
        # `super::x` names a sibling of this module (a file `mod.rs` is its own parent).
        parent = list(mod[:-1]) if not path.endswith("mod.rs") else list(mod)
        supers = [m.group(1) for m in re.finditer(r"\buse\s+super::(.*?);", text, flags=re.S)]
        supers += [m.group(1) for m in re.finditer(r"(?<!use )\bsuper::((?:\w+::)*\w+)", text)]
        for body in supers:
            for p in expand_use(body):
                base, rest = list(parent), p
                while rest.startswith("super::"):
                    base, rest = base[:-1], rest[len("super::"):]
                paths.append("::".join(base + [rest]))
        for p in paths:
            t = target_module(p, mods)
            # A module using its own descendants or ancestors (re-exports, parents) is no cycle.
            if t == mod or t[: len(mod)] == mod or mod[: len(t)] == t:
                continue
            graph[mod].add(t)
    return graph


def cycles(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    os.chdir(root)
    crates = sys.argv[1:] or CRATES
    found = 0
    for crate in crates:
        for comp in cycles(edges(crate)):
            found += 1
            names = ", ".join("::".join(m) or "(crate root)" for m in comp)
            print(f"cycle in {crate}: {names}")
    print(f"module cycles: {found}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
