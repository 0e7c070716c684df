#!/usr/bin/env python3
"""The authoring examples run as a user would, `--quick --format json`, and together show what
docs/authoring.md promises: parameterised results (name/arg), threaded results
(name/threads:N), throughput rates, latency percentiles p50..p99.9 with intervals, user
counters, a cold result, and complexity fits (only where asked) including a user model. Every
document is validated against docs/schema/microbe-results-v1.schema.json.

Every check is exact: none compares measured times (which model fits blocked_sums best is a
figure in docs/authoring.md).

usage: test_examples_json.py SOURCE_DIR PARAMS THREADS LATENCY SETUP THROUGHPUT

Needs jsonschema (exits 77, meson's skip, without it).
"""
import json
import math
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("skipped: the jsonschema module is not installed for", sys.executable)
    sys.exit(77)

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def run(exe):
    p = subprocess.run([exe, "--quick", "--format", "json"], capture_output=True, text=True,
                       timeout=300)
    check(p.returncode == 0, f"{exe} exits 0 (got {p.returncode}): {p.stderr[-2000:]}")
    doc = json.loads(p.stdout)
    try:
        validator.validate(doc)
    except jsonschema.ValidationError as e:
        check(False, f"{exe}: schema: {e.message} at {list(e.absolute_path)}")
    return doc


source_dir, params, threads, latency, setup, throughput = sys.argv[1:7]
with open(os.path.join(source_dir, "docs", "schema", "microbe-results-v1.schema.json")) as f:
    schema = json.load(f)
validator = jsonschema.Draft202012Validator(schema)

docs = {name: run(exe) for name, exe in
        [("params", params), ("threads", threads), ("latency", latency), ("setup", setup),
         ("throughput", throughput)]}
results = {b["name"]: b for d in docs.values() for b in d["benchmarks"]}
for name, b in results.items():
    check(b["status"] in ("ok", "skipped"), f"{name} ran ({b['status']}: {b['message']})")

# Parameterised: sort/64 with its value as an integer.
check(results.get("sort/64", {}).get("parameters") == {"n": 64}, "sort/64 with parameters n: 64")
check("lookup/keys:1024/kind:miss" in results, "lookup/keys:1024/kind:miss")

# Threaded: threads:1, 2, 4 with their thread count, aggregate rates and time.
for k in (1, 2, 4):
    b = results.get(f"atomic_add/threads:{k}")
    if not check(b is not None, f"atomic_add/threads:{k} present"):
        continue
    check(b["threads"] == k and b["parameters"] == {"threads": k}, f"threads:{k} says {k}")
    med = b["estimates"]["median"]["point_ns"]
    check(math.isclose(b["estimates"]["median_all_threads"]["point_ns"], med / k),
          f"threads:{k}: all-threads time is the median over {k}")
    rate = b["throughput"]["items_per_second"]["point"]
    check(math.isclose(rate, k / med * 1e9, rel_tol=1e-9), f"threads:{k}: aggregate items rate")

# Throughput rates with intervals.
copy = [b for b in results.values() if b["throughput"]["bytes_per_second"]]
check(len(copy) >= 2, "results with byte rates")
for b in copy:
    r = b["throughput"]["bytes_per_second"]
    check(r["low"] <= r["point"] <= r["high"], f"{b['name']}: rate inside its interval")

# Latency percentiles p50..p99.9 with intervals, in order, and max.
lat = results.get("handle_request", {}).get("latency")
if check(lat is not None, "handle_request has latency percentiles"):
    check(results["handle_request"]["mode"] == "latency", "handle_request in latency mode")
    pcts = lat["percentiles"]
    check(list(pcts) == ["p50", "p90", "p95", "p99", "p99.9"], "the five percentiles")
    values = [pcts[k]["ns"] for k in pcts]
    check(values == sorted(values) and values[-1] <= lat["max_ns"], "percentiles in order")
    # A high percentile's interval needs enough invocations over the parts (p99: about 300),
    # which a busy machine may not time in --quick's parts, and parts that agree about its
    # tail; else a bound is null. The median's is there whenever each part timed 20
    # invocations (parts are equal in time, so 1000 in all is plenty): where the parts'
    # medians are further apart than the invocations spread, from Student's t over them.
    for k in ("p50", "p90", "p99"):
        low, high = pcts[k]["low_ns"], pcts[k]["high_ns"]
        if (k == "p50" and lat["n"] >= 1000) or (low is not None and high is not None):
            check(low is not None and high is not None and low <= pcts[k]["ns"] <= high,
                  f"{k} in its interval ({low}, {pcts[k]['ns']}, {high})")
    # Every iteration timed alone, in each of --quick's 3 parts. How many depends on the
    # machine's speed, which a test must not assume: a part stopped at its hard budget (ten
    # times its time) by a busy machine may hold fewer than min_samples.
    hr = results["handle_request"]
    check(lat["n"] == hr["total_iters"] and hr["samples"] >= 3,
          f"each invocation timed ({lat['n']} of {hr['total_iters']}, {hr['samples']} samples)")
    # Timed alone above the threshold: not resolution-limited; the serial dependence measured
    # (null only when a part timed fewer than four invocations).
    check(lat.get("resolution_limited") is False and "serial" in lat,
          "handle_request timed alone, its serial dependence reported")
# Cold: one invocation a sample, each after an eviction. How many fit in a part's budget
# depends on the machine's speed (a busy one may stop a part at its hard budget after one or
# two), so only the structure: at least one in each of the 3 parts.
cold = results.get("table_scan_cold", {})
check(cold.get("mode") == "cold" and cold.get("latency") and
      cold["latency"]["n"] == cold["samples"] >= 3 and
      all(i == 1 for i in cold.get("raw_samples", {}).get("iters", [0])),
      f"table_scan_cold in cold mode, one invocation a sample ({cold.get('samples')}, "
      f"{(cold.get('latency') or {}).get('n')})")

# User counters, per iteration and per second.
counters = {c["name"]: c for c in results.get("search/32768", {}).get("user_counters", [])}
check(counters.get("hit_ratio", {}).get("kind") == "per_iter", "hit_ratio per iteration")
check(0.45 < counters.get("hit_ratio", {}).get("value", {}).get("point", 0) < 0.55,
      "half the keys are hits")
check(counters.get("probes", {}).get("kind") == "per_second", "probes per second")

# Complexity: sort (MB_FIT_COMPLEXITY) and blocked_sums (MB_COMPLEXITY(f)) fitted, blocked_sums
# with its own model; search, one integer parameter with three sizes but no option, not.
fits = {c["benchmark"]: c for d in docs.values() for c in d["complexity"]}
check({"sort", "blocked_sums"} <= set(fits), f"complexity fits: {sorted(fits)}")
check("search" not in fits, "search did not ask for a complexity fit")
for c in fits.values():
    check(all(f["intercept_ns"] >= 0 and f["coefficient_ns"] >= 0 for f in c["fits"]),
          f"{c['benchmark']}: non-negative intercepts and coefficients")
for c in fits.values():
    check(c["best"] == c["fits"][0]["model"] and len(c["fits"]) >= 6,
          f"{c['benchmark']}: every model fitted, the best first")
blocked = fits.get("blocked_sums")
if blocked:
    user = [m for m in blocked["fits"] if m.get("user")]
    check(len(user) == 1 and user[0]["model"] == "n_sqrt_n", "blocked_sums has its user model")
    # Which model fits best is decided by real timings: a benchmark claim with its figure in
    # docs/authoring.md, not a check here (the ranking itself: tests/test_complexity.c).

print(f"{checks} checks, {failures} failed")
sys.exit(1 if failures else 0)
