#!/usr/bin/env python3
"""The dependency rule of lib/ (docs/architecture.md), read off the built static library.

Object file A depends on object file B when A leaves undefined a symbol that B defines
(`nm`). The test fails on any circle of such dependencies, and on any edge from a lower
stage to a higher one. A stage is the folder of lib/ a source file lives in.

usage: test_layers.py NM LIBMICROBE_A [--dot FILE]
With --dot it writes the graph in Graphviz's language to FILE instead of checking it
(`meson compile -C build architecture-graph`, docs/architecture.md).
"""
import collections
import re
import subprocess
import sys

# Lowest first: a file may use files of its own stage and of the stages before it.
STAGES = ["base", "analyse", "measure", "emit", "results", "run", "front"]


def symbols(nm, archive, flag):
    out = subprocess.run([nm, "-A", flag, archive], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        obj = fields[0].rsplit(":", 1)[0].split(":")[-1]
        yield obj, fields[-2], fields[-1]


def source_of(obj):
    # meson names lib/measure/runner.c's object "lib_measure_runner.c.o"
    m = re.fullmatch(r"lib_(\w+?)_(\w+\.c)\.o", obj)
    if not m or m.group(1) not in STAGES:
        sys.exit(f"test_layers: object {obj} is not in a stage folder of lib/ ({', '.join(STAGES)})")
    return m.group(1), f"lib/{m.group(1)}/{m.group(2)}"


def graph(nm, archive):
    defined = {}
    for obj, kind, sym in symbols(nm, archive, "--defined-only"):
        if kind.isupper() or kind in "vw":
            defined[sym] = obj
    edges = collections.defaultdict(lambda: collections.defaultdict(set))
    for obj, _, sym in symbols(nm, archive, "--undefined-only"):
        owner = defined.get(sym)
        if owner and owner != obj:
            edges[obj][owner].add(sym)
    return defined, edges


def circles(nodes, edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
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
                found.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def write_dot(out, nodes, edges):
    """The graph in Graphviz's language: one box per source file, clustered by stage."""
    by_stage = collections.defaultdict(list)
    for obj in nodes:
        stage, src = source_of(obj)
        by_stage[stage].append(src)
    out.write("digraph microbe {\n  rankdir=BT;\n  node [shape=box, fontsize=10];\n")
    for stage in STAGES:
        out.write(f'  subgraph "cluster_{stage}" {{ label="{stage}";\n')
        for src in sorted(by_stage[stage]):
            out.write(f'    "{src}";\n')
        out.write("  }\n")
    for a in sorted(edges):
        for b in sorted(edges[a]):
            out.write(f'  "{source_of(a)[1]}" -> "{source_of(b)[1]}";\n')
    out.write("}\n")


def main():
    nm, archive = sys.argv[1], sys.argv[2]
    defined, edges = graph(nm, archive)
    nodes = set(defined.values())
    if len(nodes) < 10:
        sys.exit(f"test_layers: only {len(nodes)} object files in {archive}: not the library?")
    if len(sys.argv) == 5 and sys.argv[3] == "--dot":
        with open(sys.argv[4], "w") as out:
            write_dot(out, nodes, edges)
        return 0
    problems = []
    for comp in circles(nodes, edges):
        problems.append("circle: " + " <-> ".join(source_of(o)[1] for o in comp))
    n_edges = 0
    for a in sorted(edges):
        for b in sorted(edges[a]):
            n_edges += 1
            (sa, fa), (sb, fb) = source_of(a), source_of(b)
            if STAGES.index(sb) > STAGES.index(sa):
                used = ", ".join(sorted(edges[a][b])[:4])
                problems.append(f"upward: {fa} ({sa}) uses {fb} ({sb}): {used}")
    for p in problems:
        print(p)
    print(f"{len(nodes)} object files, {n_edges} dependencies, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
