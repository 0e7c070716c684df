#!/usr/bin/env python3
"""The A/A false-alarm rate on real timings, stated over enough trials to fail when it breaks.

Each trial runs the basics example twice, `--quick` (three parts a run): the first run saves a
baseline and a results file, the second compares with that baseline and saves its file. A
benchmark is flagged when its verdict is `regressed` or `improved`. Two rates:

- against a baseline: the second run of each trial against the first (TRIALS x 4 comparisons);
- `microbe-compare` on two files: the second run of trial i (OLD) and the first of trial i + 1
  (NEW), the last trial's with the first's: pairs of runs that no baseline comparison used
  (TRIALS x 4 comparisons).

The design rate is at most 1 % (docs/statistics.md: 0.0 to 0.8 % in the simulation; 0 of 28
and 0 of 70 measured, docs/performance.md). Each rate must stay at or below BOUND = 5 %, 12 of
240 comparisons. Were the comparisons independent, a true 1 % rate would exceed it with
probability 1e-6, a 2 % one 1e-3, and a 20 % rate would pass with probability 2e-11 (verdicts
at 50 % confidence with no threshold and no run offset flagged 12 % and 28 % in 10 trials). The four comparisons of one
run share its offset, so flags may come in clusters: even if every flag flagged its whole run,
a 1 % rate would fail with probability 0.3 % and a 20 % one pass with 0.1 %. Every run is
fresh, so a busy machine enters as the noise the design assumes (parts, --run-offset), not as
one bad moment decided twice. Measured: docs/quality.md.

usage: test_aa_rate.py EXAMPLE_BASICS MICROBE_COMPARE [TRIALS]
"""
import json
import os
import subprocess
import sys
import tempfile

TRIALS = 60
BOUND = 0.05
BENCHMARKS = {"memcpy_4k", "sum_1k", "xorshift_chain_100", "fib_20"}
FLAGGED = ("regressed", "improved")

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def run(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
    p = subprocess.run(list(args), capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


def verdicts(doc):
    return {b["name"]: (b.get("change") or {}).get("verdict") for b in doc.get("benchmarks", [])}


def count(what, v, tally, code):
    """Adds one comparison's verdicts to tally [compared, flagged]; the exit code with
    --fail-on-regression says 3 exactly when one regressed."""
    check(set(v) == BENCHMARKS and all(x in ("unchanged", "inconclusive") + FLAGGED
                                       for x in v.values()),
          f"{what}: a verdict for each of the four benchmarks: {v}")
    regressed = any(x == "regressed" for x in v.values())
    check(code == (3 if regressed else 0), f"{what}: exit {code} with verdicts {v}")
    tally[0] += len(v)
    flagged = [n for n, x in v.items() if x in FLAGGED]
    tally[1] += len(flagged)
    if flagged:
        print(f"note: {what}: flagged {', '.join(f'{n} {v[n]}' for n in flagged)}")


def compare_files(tool, old, new, what, tally):
    code, out, err = run(tool, "--fail-on-regression", "--format", "json", old, new)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = {}
    count(f"{what}, microbe-compare on files", verdicts(doc), tally, code)


def report(what, tally):
    compared, flagged = tally
    rate = flagged / compared if compared else 1.0
    print(f"A/A {what}: {flagged} of {compared} benchmarks flagged ({100 * rate:.1f} %), "
          f"bound {100 * BOUND:.0f} %")
    check(compared > 0 and rate <= BOUND,
          f"A/A {what}: false-alarm rate {100 * rate:.1f} % above {100 * BOUND:.0f} %")


def main():
    example, tool = (os.path.abspath(x) for x in sys.argv[1:3])
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else TRIALS
    baseline, files = [0, 0], [0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        bdir = os.path.join(tmp, "bl")
        previous = None  # the second run's file of the trial before
        for t in range(trials):
            first, second = (os.path.join(tmp, f"{t}-{k}.json") for k in ("first", "second"))
            code, _, err = run(example, "--quick", "--baseline-dir", bdir,
                               "--save-baseline", f"t{t}", "--output", "json:" + first)
            if not check(code == 0, f"trial {t}: the first run ({code}: {err})"):
                continue
            code, out, err = run(example, "--quick", "--baseline-dir", bdir, "--baseline",
                                 f"t{t}", "--fail-on-regression", "--format", "json",
                                 "--output", "json:" + second)
            try:
                doc = json.loads(out)
            except ValueError:
                doc = {}
            count(f"trial {t}, against its baseline", verdicts(doc), baseline, code)
            if previous:
                compare_files(tool, previous, first, f"trial {t}", files)
            previous = second
        if previous and trials > 1:
            compare_files(tool, previous, os.path.join(tmp, "0-first.json"), "trial 0", files)
    report("against a baseline", baseline)
    report("through microbe-compare on two files", files)
    print(f"{checks} checks, {failures} failed")
    return 1 if failures or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
