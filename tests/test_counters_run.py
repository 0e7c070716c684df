#!/usr/bin/env python3
"""--counters through a real executable: software counters give real per-iteration values
(a benchmark that touches 16 fresh pages per iteration shows about 16 page faults per
iteration), hardware counters that this machine cannot count are marked unavailable with one
notice and the run goes on, an unknown name is a usage error, and counters survive --isolate.

usage: test_counters_run.py PAGES_EXE
"""
import json
import os
import subprocess
import sys

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)


def run(exe, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
    p = subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


def counters_of(doc, name):
    b = {x["name"]: x for x in doc["benchmarks"]}[name]
    return {c["name"]: c for c in b["counters"]}, b


def main():
    exe = sys.argv[1]
    code, out, err = run(exe, "--quick", "--counters", "task-clock,page-faults,context-switches",
                         "--format", "json")
    check(code == 0, f"software counters: exit 0 ({err})")
    doc = json.loads(out)
    c, b = counters_of(doc, "touch_fresh_pages")
    if not c["page-faults"]["available"]:
        # perf_event_open refused outright (perf_event_paranoid 3, seccomp): say so, check
        # that it is reported properly, and skip the value checks.
        print(f"note: software counters unavailable here: {c['page-faults']['reason']}")
        check(bool(c["page-faults"]["reason"]) and "unavailable" in err,
              "an unavailable counter has a reason and a notice")
    else:
        faults = c["page-faults"]["per_iteration"]["point"]
        check(15 <= faults <= 18, f"16 fresh pages per iteration: {faults} page faults")
        check(c["page-faults"]["per_iteration"]["low"] <= faults
              <= c["page-faults"]["per_iteration"]["high"], "the interval holds the median")
        check(c["page-faults"]["unit"] == "count" and c["task-clock"]["unit"] == "ns", "units")
        tc = c["task-clock"]["per_iteration"]["point"]
        check(tc and tc > 0, f"task-clock per iteration is positive: {tc}")
        check(0 < c["page-faults"]["coverage"] <= 1, "coverage in (0, 1]")
        samples = b["raw_samples"]["counters"]["page-faults"]
        check(len(samples) == b["samples"], "a page-fault total per sample")
        quiet, _ = counters_of(doc, "no_fresh_pages")
        check(quiet["page-faults"]["per_iteration"]["point"] < 0.01,
              "a benchmark touching no new page has about 0 page faults per iteration")
        # Through a forked child too.
        code, out, err = run(exe, "--quick", "--isolate", "--counters", "page-faults",
                             "--filter", "touch", "--format", "json")
        c2, _ = counters_of(json.loads(out), "touch_fresh_pages")
        check(code == 0 and 15 <= c2["page-faults"]["per_iteration"]["point"] <= 18,
              f"--isolate keeps the counters: {c2['page-faults']['per_iteration']}")

    # Hardware counters: counted where the machine can, else unavailable with a notice.
    code, out, err = run(exe, "--quick", "--counters", "cycles,instructions", "--format", "json")
    check(code == 0, f"cycles,instructions: exit 0 whether or not they can be counted ({err})")
    c, _ = counters_of(json.loads(out), "no_fresh_pages")
    for name in ("cycles", "instructions"):
        if c[name]["available"]:
            check(c[name]["per_iteration"]["point"] > 0, f"{name} counted: positive")
        else:
            check(c[name]["reason"] and c[name]["per_iteration"]["point"] is None,
                  f"{name} unavailable: a reason and null values ({c[name]})")
            check("unavailable" in err and name in err,
                  f"one notice names the unavailable {name}: {err!r}")
            check(err.count("counters unavailable") == 1, "the notice is given once")
    code, out, err = run(exe, "--quick", "--counters", "cycles,page-faults")
    check(code == 0 and "counters per iteration" in out, "the text report has a counters section")
    code, out, err = run(exe, "--quick", "--counters", "page-faults", "--format", "csv")
    header = out.splitlines()[0].split(",")
    check("counters" in header and "page-faults=" in out, "CSV carries the counters")

    # Usage errors.
    for value, words in (("no-such-event", "no-such-event"), ("", "--counters"),
                         ("cycles,,instructions", "--counters"),
                         ("cycles,cycles", "cycles"),
                         (",".join(["page-faults"] + ["cycles"] * 20), "--counters")):
        code, out, err = run(exe, "--counters", value)
        check(code == 2 and words in err and len(err.strip().splitlines()) == 1 and out == "",
              f"--counters {value!r}: exit 2 with one line naming it ({code}: {err!r})")
    print(f"{checks} checks, {failures} failed")
    return 1 if failures or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
