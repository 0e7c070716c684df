#!/usr/bin/env python3
"""Running well: build sanity recorded at each BENCH site, --isolate with --timeout (a crash
and a hang fail alone), and interruption by SIGINT/SIGTERM (exit 130, outputs whole).

usage: test_running.py UNOPTIMIZED_EXE MISBEHAVING_EXE
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)


def run(exe, *args, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
    full_env.update(env or {})
    start = time.monotonic()
    # A process group of its own: interrupts_itself signals its group.
    p = subprocess.run([exe, *args], capture_output=True, text=True, env=full_env,
                       timeout=timeout, start_new_session=True)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def by_name(doc):
    return {b["name"]: b for b in doc["benchmarks"]}


def test_unoptimized(exe):
    code, out, err, _ = run(exe, "--smoke", "--format", "json")
    check(code == 0, f"-O0 smoke run exits 0 (got {code}: {err})")
    b = by_name(json.loads(out))["unoptimized_sum"]
    check(b["build"]["optimized"] is False, "build.optimized is false at -O0")
    check(b["build"]["optimization"] == "-O0", "build.optimization says -O0")
    check(isinstance(b["build"]["compiler"], str) and b["build"]["compiler"], "compiler recorded")
    check("unoptimized" in [w["name"] for w in b["warnings"]], "an 'unoptimized' warning")
    code, out, err, _ = run(exe, "--quick")
    check(code == 0, "-O0 quick run exits 0")
    check("unoptimized_sum: unoptimized:" in out and "optimisation" in out,
          "the text report warns about optimisation")


def test_isolate(exe):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.json")
        # AddressSanitizer would catch the SIGSEGV itself and exit 1: let it through.
        code, out, err, elapsed = run(exe, "--isolate", "--timeout", "3", "--quick",
                                      "--filter", "good|crash|hang|exits",
                                      "--output", "json:" + path, timeout=100,
                                      env={"ASAN_OPTIONS": "handle_segv=0"})
        check(code == 1, f"a crash and a hang make the exit code 1 (got {code})")
        check(elapsed < 60, f"the suite finishes promptly ({elapsed:.1f} s)")
        results = by_name(json.load(open(path)))
        good = results.get("good_sum", {})
        check(good.get("status") == "ok" and good.get("samples", 0) >= 2,
              "the good benchmark is measured normally in its child")
        check(good.get("estimates", {}).get("median", {}).get("point_ns", 0) > 0,
              "its median came back from the child")
        check(len(good.get("raw_samples", {}).get("time_ns", [])) == good.get("samples"),
              "its raw samples came back from the child")
        crash = results.get("crash_segv", {})
        check(crash.get("status") == "failed" and "signal 11" in (crash.get("message") or ""),
              f"the crash is a failure naming the signal: {crash.get('message')}")
        hang = results.get("hang_forever", {})
        check(hang.get("status") == "failed" and "timed out" in (hang.get("message") or ""),
              f"the hang is a failure naming the timeout: {hang.get('message')}")
        gone = results.get("exits_early", {})
        check(gone.get("status") == "failed" and "exited" in (gone.get("message") or ""),
              f"a body that exits is a failure: {gone.get('message')}")
        check("crashed: signal 11" in out and "timed out after 3 s" in out,
              "the text report names both failures")
    # Without a timeout an isolated suite of good benchmarks exits 0.
    code, out, err, _ = run(exe, "--isolate", "--quick", "--filter", "good")
    check(code == 0 and "good_sum" in out, f"--isolate alone exits 0 (got {code}: {err})")
    code, out, err, _ = run(exe, "--timeout", "0")
    check(code == 2 and "--timeout" in err, "--timeout 0 is a usage error naming the flag")
    code, out, err, _ = run(exe, "--timeout", "soon")
    check(code == 2 and "--timeout" in err, "--timeout soon is a usage error")


def test_interrupt(exe, extra, signal_name):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.json")
        csv = os.path.join(tmp, "r.csv")
        code, out, err, _ = run(exe, *extra, "--quick", "--filter", "good|interrupts|sleepy",
                                "--output", "json:" + path, "--output", "csv:" + csv,
                                env={"MB_TEST_SIGNAL": signal_name})
        what = f"SIG{signal_name} {' '.join(extra)}"
        check(code == 130, f"{what}: exit 130 (got {code}: {err})")
        check("interrupted" in err, f"{what}: says it was interrupted")
        check(sorted(os.listdir(tmp)) == ["r.csv", "r.json"],
              f"{what}: the outputs and nothing else: {os.listdir(tmp)}")
        doc = json.load(open(path))
        check(doc["interrupted"] is True, f"{what}: JSON says interrupted")
        names = [b["name"] for b in doc["benchmarks"]]
        rows = open(csv).read().splitlines()
        check("interrupted" in out, f"{what}: the text report says so")
        if extra:  # one part: good_sum runs first and is finished, the interrupted one is not
            check(names == ["good_sum"], f"{what}: only the finished benchmark is reported")
            check(len(rows) == 2 and rows[1].startswith("good_sum"), f"{what}: the CSV is whole")
            check("good_sum" in out, f"{what}: the text report names it")
            return
        # In parts, the benchmarks with a part measured are reported, in run order up to the
        # first without one, each from the parts it has; the parts' order is shuffled.
        check(names in ([], ["good_sum"], ["good_sum", "interrupts_itself"]),
              f"{what}: a prefix of the run order is reported: {names}")
        check(len(rows) == len(names) + 1, f"{what}: the CSV is whole")
        check(all(b["parts"]["count"] >= 1 for b in doc["benchmarks"]),
              f"{what}: each from its parts")


def test_declared(exe):
    """mb_skip, mb_fail and throughput, in process and through --isolate."""
    for extra in ([], ["--isolate"]):
        code, out, err, _ = run(exe, *extra, "--quick", "--filter", "skips|fails|copy",
                                "--format", "json")
        what = " ".join(extra) or "in process"
        check(code == 1, f"{what}: a benchmark that calls mb_fail makes the exit code 1 ({code})")
        b = by_name(json.loads(out))
        check(b["skips_itself"]["status"] == "skipped" and b["skips_itself"]["message"] ==
              "needs a feature, which this machine lacks", f"{what}: mb_skip's message: {b['skips_itself']['message']}")
        check(b["fails_itself"]["status"] == "failed" and b["fails_itself"]["message"] ==
              "input file missing", f"{what}: mb_fail's message")
        t = b["copy_throughput"]["throughput"]
        median = b["copy_throughput"]["estimates"]["median"]["point_ns"]
        check(t["bytes_per_iteration"] == 4096 and t["items_per_iteration"] == 64,
              f"{what}: the declared amounts: {t}")
        bps = t["bytes_per_second"]
        check(abs(bps["point"] - 4096 / median * 1e9) <= 1e-9 * bps["point"] and
              bps["low"] <= bps["point"] <= bps["high"],
              f"{what}: bytes per second from the median, with an interval: {bps}")
        check(b["skips_itself"]["throughput"]["bytes_per_second"] is None,
              f"{what}: no throughput without a declaration")
    code, out, err, _ = run(exe, "--quick", "--filter", "skips|copy")
    check(code == 0, f"a skip alone does not fail the run ({code})")
    check(re.search(r"skips_itself +skipped: needs a feature", out) and "throughput" in out and
          "B/s" in out,
          "the text report shows the skip and the throughput")


def test_fails_before_sampling(exe):
    """mb_fail before any sample: one message, logged once, and the wall time kept, in
    process as in a child (whose raw measurement the parent analyses and logs)."""
    for extra in ([], ["--isolate"]):
        what = " ".join(extra) or "in process"
        code, out, err, _ = run(exe, *extra, "--quick", "--filter", "^fails_itself$",
                                "--format", "json")
        check(code == 1, f"{what}: the failure makes the exit code 1 ({code})")
        check(err.count("input file missing") == 1 and "fails_itself: failed: input file missing"
              in err, f"{what}: the failure is logged once: {err!r}")
        check(out.count("input file missing") == 1, f"{what}: the JSON holds the message once")
        b = by_name(json.loads(out)).get("fails_itself", {})
        check(b.get("status") == "failed" and b.get("message") == "input file missing",
              f"{what}: failed with its message: {b.get('message')}")
        wall = b.get("wall_time_s")
        check(isinstance(wall, (int, float)) and wall > 0, f"{what}: wall time kept: {wall}")


def test_params(exe):
    """BENCH_P: instances listed, filtered, measured with their values, also --isolate."""
    code, out, err, _ = run(exe, "--list", "--filter", "^param_")
    check(out.split() == ["param_sum/n:16/mode:ok", "param_sum/n:16/mode:wrong-name",
                          "param_sum/n:32/mode:ok", "param_sum/n:32/mode:wrong-name"],
          f"--list shows every instance: {out.split()}")
    for extra in ([], ["--isolate"]):
        code, out, err, _ = run(exe, *extra, "--quick", "--filter", "^param_sum/n:32",
                                "--format", "json")
        b = by_name(json.loads(out))
        ok = b.get("param_sum/n:32/mode:ok", {})
        check(ok.get("status") == "ok" and ok.get("parameters") == {"n": 32, "mode": "ok"},
              f"an instance's values in JSON: {ok.get('parameters')}")
        bad = b.get("param_sum/n:32/mode:wrong-name", {})
        check(bad.get("status") == "failed" and "no_such_parameter" in (bad.get("message") or ""),
              f"asking for a missing parameter fails with its name: {bad.get('message')}")
        check(len(b) == 2 and code == 1, f"the filter matches instance names ({len(b)}, {code})")


def test_crash_in_parts(exe):
    """A benchmark that crashes in a child fails alone, once, however many rounds each child
    was to measure; the others get all their parts."""
    code, out, err, _ = run(exe, "--quick", "--forks", "2", "--rounds", "3", "--filter",
                            "crash_segv|good_sum", "--format", "json",
                            env={"ASAN_OPTIONS": "handle_segv=0"})
    b = by_name(json.loads(out)) if out else {}
    crash, good = b.get("crash_segv", {}), b.get("good_sum", {})
    check(code == 1, f"exit 1 for the crash ({code}: {err})")
    check(crash.get("status") == "failed" and "signal 11" in (crash.get("message") or ""),
          f"the crash is its failure: {crash.get('message')}")
    check(err.count("crash_segv") == 1, f"reported once: {err!r}")
    parts = good.get("parts") or {}
    check(good.get("status") == "ok" and parts.get("count", 0) + parts.get("dropped", 0) == 6,
          f"the other benchmark has its 2 x 3 parts: {good.get('parts')}")


def test_disturbed_part(exe):
    """A part whose process ran twenty times slower is measured again, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err, _ = run(exe, "--quick", "--forks", "5", "--filter", "slow_in_one",
                                "--format", "json",
                                env={"MB_TEST_SLOW_FILE": os.path.join(tmp, "slow")})
        check(code == 0, f"the run with one slow process ({err})")
        b = by_name(json.loads(out)).get("slow_in_one_process", {}) if code == 0 else {}
        parts = b.get("parts") or {}
        # At least the slow one; on a busy machine another part may be off by 10 % too.
        check(parts.get("count") + parts.get("dropped", 0) == 5 and 1 <= parts.get("redone", 0) <= 3,
              f"the slow part measured again: {parts}")
        # Exact, no comparison of times: the slow process's samples say slow = 1, and the
        # result's mean of it over the samples kept is 0 when none of them was kept.
        slow = {c["name"]: c["mean"] for c in b.get("user_counters", [])}.get("slow")
        check(slow == 0, f"the slow part was replaced: mean of 'slow' {slow}, parts {parts}")


def main():
    unoptimized, misbehaving = sys.argv[1:3]
    test_unoptimized(unoptimized)
    test_isolate(misbehaving)
    test_declared(misbehaving)
    test_fails_before_sampling(misbehaving)
    test_params(misbehaving)
    test_disturbed_part(misbehaving)
    test_crash_in_parts(misbehaving)
    for extra in (["--forks", "0"], ["--forks", "0", "--isolate"], []):
        for sig in ("INT", "TERM"):
            test_interrupt(misbehaving, extra, sig)
    print(f"{checks} checks, {failures} failed")
    return 1 if failures or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
