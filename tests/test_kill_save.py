#!/usr/bin/env python3
"""Files written whole under SIGKILL and concurrency, through a real bench executable.

1. A run saving a baseline (--save-baseline) is killed with SIGKILL at 50 moments drawn from
   a seeded generator over the whole run, its writing included; after each, every file of
   the baseline is the previous one, untouched, or the killed run's, whole.
2. The same for --output json:PATH: the file is the previous one or the new one, whole.
3. The temporary files a kill leaves (.NAME.XXXXXX) are never read: a baseline with a
   garbage one reads fine, and the next save removes those of its directory.
4. Two runs saving the same baseline at once, 20 times: every file of the baseline is from
   one and the same run (told apart by --context run=...).

usage: test_kill_save.py BENCH_EXE
Runs with --quick --forks 0 (no child processes to leave behind). The moments are uniform
over 1.2 times the length of an unkilled run; how many landed before, during and after the
writing is printed, not checked (it depends on the machine's load).
"""
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time

KILLS = 50
CONCURRENT = 20
checks = failures = 0


def check(cond, what):
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)


def env():
    return {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}


def args(exe, run, *more):
    return [exe, "--quick", "--forks", "0", "--quiet", "--context", f"run={run}", *more]


def run_id(path):
    """The run that wrote the results file at path, or an error text when it is not whole."""
    try:
        with open(path) as f:
            doc = json.load(f)
        if not doc["benchmarks"] or any(b["samples"] == 0 for b in doc["benchmarks"]):
            return "no samples"
        return doc["context"]["user"]["run"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        return f"not whole: {e}"


def snapshot(directory):
    """{file: (content, run)} of the visible .json files in directory."""
    out = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json") and not name.startswith("."):
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                out[name] = (f.read(), run_id(path))
    return out


def killed_run(argv, delay):
    """Starts argv, sends SIGKILL after delay seconds; True when the kill came before its end."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    code = p.wait(timeout=60)
    return code == -signal.SIGKILL


def run_length(exe, tmp):
    times = []
    for i in range(3):
        start = time.monotonic()
        subprocess.run(args(exe, "t", "--save-baseline", "t", "--baseline-dir", tmp),
                       stdout=subprocess.DEVNULL, env=env(), check=True, timeout=120)
        times.append(time.monotonic() - start)
    return statistics.median(times)


def test_save_killed(exe, tmp, rng, length):
    bdir = os.path.join(tmp, "bl")
    sub = os.path.join(bdir, "k")
    code = subprocess.run(args(exe, 0, "--save-baseline", "k", "--baseline-dir", bdir),
                          stdout=subprocess.DEVNULL, env=env(), timeout=120).returncode
    check(code == 0, "the first save exits 0")
    before = snapshot(sub)
    check(len(before) >= 2 and all(r == "0" for _, r in before.values()),
          f"the first save wrote whole files: {[r for _, r in before.values()]}")
    outcomes = {"before the writing": 0, "during it": 0, "after it": 0}
    for i in range(1, KILLS + 1):
        killed = killed_run(args(exe, i, "--save-baseline", "k", "--baseline-dir", bdir),
                            rng.uniform(0, 1.2 * length))
        now = snapshot(sub)
        check(sorted(now) == sorted(before), f"kill {i}: the same files: {sorted(now)}")
        for name, (content, run) in now.items():
            old = before.get(name, (None, None))[0]
            check(content == old or run == str(i),
                  f"kill {i}: {name} is the previous file or the new one whole: {run}")
        new = sum(run == str(i) for _, run in now.values())
        outcomes["before the writing" if new == 0 else "during it" if new < len(now) or
                 killed else "after it"] += 1
        before = now
    print(f"save killed {KILLS} times: {outcomes}")
    # What the kills left is never read, and the next save removes it.
    with open(os.path.join(sub, ".ab_chain.json.Xy12Zq"), "w") as f:
        f.write('{"schema_version": 1, "trunc')
    stale = [n for n in os.listdir(sub) if n.startswith(".")]
    p = subprocess.run(args(exe, "r", "--baseline", "k", "--baseline-dir", bdir),
                       capture_output=True, text=True, env=env(), timeout=120)
    check(p.returncode == 0, f"a baseline with temporary files left in it reads: {p.stderr}")
    p = subprocess.run(args(exe, "c", "--save-baseline", "k", "--baseline-dir", bdir),
                       capture_output=True, text=True, env=env(), timeout=120)
    left = [n for n in os.listdir(sub) if n.startswith(".")]
    check(p.returncode == 0 and left == [],
          f"the next save removes the {len(stale)} temporary files of killed saves: {left}")


def test_output_killed(exe, tmp, rng, length):
    out = os.path.join(tmp, "out", "r.json")
    os.makedirs(os.path.dirname(out))
    code = subprocess.run(args(exe, 0, "--output", f"json:{out}"), stdout=subprocess.DEVNULL,
                          env=env(), timeout=120).returncode
    check(code == 0 and run_id(out) == "0", "the first --output file is whole")
    with open(out, "rb") as f:
        before = f.read()
    replaced = 0
    for i in range(1, KILLS + 1):
        killed_run(args(exe, i, "--output", f"json:{out}"), rng.uniform(0, 1.2 * length))
        with open(out, "rb") as f:
            now = f.read()
        run = run_id(out)
        check(now == before or run == str(i),
              f"--output kill {i}: the previous file or the new one whole: {run}")
        replaced += now != before
        before = now
    names = os.listdir(os.path.dirname(out))
    check(all(n == "r.json" or (n.startswith(".r.json.") and len(n) == len(".r.json.XXXXXX"))
              for n in names), f"only the file and hidden temporary files: {names}")
    print(f"--output killed {KILLS} times: replaced {replaced}, "
          f"{len(names) - 1} temporary files left")


def test_concurrent(exe, tmp):
    bdir = os.path.join(tmp, "cc")
    for i in range(CONCURRENT):
        procs = [subprocess.Popen(args(exe, f"{i}{side}", "--save-baseline", "c",
                                       "--baseline-dir", bdir),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env())
                 for side in "ab"]
        codes = [p.wait(timeout=120) for p in procs]
        for p in procs:
            p.stderr.close()
        check(codes == [0, 0], f"concurrent pair {i}: both saves exit 0: {codes}")
        runs = {run for _, run in snapshot(os.path.join(bdir, "c")).values()}
        check(runs in ({f"{i}a"}, {f"{i}b"}),
              f"concurrent pair {i}: every file from one of the two runs: {sorted(runs)}")
        left = [n for n in os.listdir(os.path.join(bdir, "c")) if n.startswith(".")]
        check(left == [], f"concurrent pair {i}: no temporary file left: {left}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    exe = sys.argv[1]
    rng = random.Random(0x6B696C6C)
    with tempfile.TemporaryDirectory() as tmp:
        length = run_length(exe, os.path.join(tmp, "len"))
        print(f"an unkilled run takes {length:.2f} s")
        test_save_killed(exe, tmp, rng, length)
        test_output_killed(exe, tmp, rng, length)
        test_concurrent(exe, tmp)
    print(f"{checks} checks, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
