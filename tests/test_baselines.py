#!/usr/bin/env python3
"""Baselines and comparisons through real executables: saving (merged per benchmark, atomic,
safe when two runs save at once), comparing (10 % more work is a regression,
exit 3 with --fail-on-regression), bad baselines (one-line errors, exit 2),
microbe-compare on two files and on two executables run alternately, microbe-compare
agreeing with a run against a baseline to the bit, the unstable rule included, and the
warning when a baseline was measured under another plan (--quick against default).

usage: test_baselines.py AB_100_EXE AB_110_EXE MICROBE_COMPARE [timing|structure|sanitized]

The verdicts on real timings (+10 %, --exec and group A/A, +3 % paired) are checked only with
"timing", which meson runs as a benchmark (`meson test --benchmark baselines-timing`), each as
one outcome on a quiet machine: a busy machine can break them. The A/A false alarms against a
baseline and on two files are a rate over many runs instead, in test_aa_rate.py (test
`aa-rate`). "structure" runs the same commands and checks everything else; "sanitized" also
leaves out the instruction counts (valgrind cannot run a sanitized build).
"""
import json
import re
import os
import subprocess
import sys
import tempfile

failures = 0
checks = 0
TIMING = True


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)


def check_timing(cond, what):
    """A check on what real timings decided, one outcome: only in the benchmark (mode
    "timing"), on a quiet machine. What must hold on a busy one is a rate over many runs
    (test_aa_rate.py)."""
    if TIMING:
        check(cond, what)


def run(*args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
    args = list(args)
    # The ab_ benchmarks, unless the caller chose: the pair_ group has a test of its own.
    if not any(a.startswith("--filter") for a in args) and "microbe-compare" not in args[0]:
        args += ["--filter", "^ab_"]
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    return p.returncode, p.stdout, p.stderr


def verdicts(doc):
    return {b["name"]: (b["change"] or {}).get("verdict") for b in doc["benchmarks"]}


def test_save_and_merge(a, tmp):
    bdir = os.path.join(tmp, "bl")
    code, out, err = run(a, "--quick", "--baseline-dir", bdir, "--save-baseline", "q")
    check(code == 0, f"--save-baseline exits 0 ({err})")
    files = sorted(os.listdir(os.path.join(bdir, "q")))
    check(files == ["ab_chain.json", "ab_sum.json"], f"one file per benchmark: {files}")
    for f in files:
        doc = json.load(open(os.path.join(bdir, "q", f)))
        check(len(doc["benchmarks"]) == 1 and doc["benchmarks"][0]["samples"] > 0,
              f"{f} is a whole results document with raw samples")
    sum_path = os.path.join(bdir, "q", "ab_sum.json")
    before = open(sum_path).read()
    code, out, err = run(a, "--quick", "--baseline-dir", bdir, "--save-baseline", "q",
                         "--filter", "ab_chain")
    check(code == 0 and open(sum_path).read() == before,
          "a filtered save rewrites only its own benchmarks")
    # Two runs saving the same baseline at once: both succeed, every file stays whole.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
    procs = [subprocess.Popen([a, "--quick", "--baseline-dir", bdir, "--save-baseline", "q",
                               "--filter", "^ab_"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
             for _ in range(2)]
    codes = [p.wait(timeout=300) for p in procs]
    check(codes == [0, 0], f"two concurrent saves succeed: {codes}")
    names = sorted(os.listdir(os.path.join(bdir, "q")))
    check(names == ["ab_chain.json", "ab_sum.json"], f"no temporary file left: {names}")
    for f in names:
        try:
            doc = json.load(open(os.path.join(bdir, "q", f)))
        except ValueError as e:
            doc = {"error": str(e)}
        got = [x.get("name") for x in doc.get("benchmarks", [])]
        check(got == [f[:-len(".json")]] and doc["benchmarks"][0].get("samples", 0) > 0,
              f"concurrently saved {f} parses whole, its one benchmark with samples: {doc}"[:400])


def test_verdicts(a, b, tmp):
    bdir = os.path.join(tmp, "bl")
    code, _, err = run(a, "--baseline-dir", bdir, "--save-baseline", "main")
    check(code == 0, f"saving the default-settings baseline ({err})")
    # A/A: the same build against its own baseline. Its verdicts are a rate over 60 trials
    # in test_aa_rate.py; here only that both are compared and the exit code follows them.
    code, out, err = run(a, "--baseline-dir", bdir, "--baseline", "main",
                         "--fail-on-regression", "--format", "json")
    v = verdicts(json.loads(out))
    check(set(v) == {"ab_chain", "ab_sum"}, f"A/A: both compared: {v}")
    check(code == (3 if "regressed" in v.values() else 0),
          f"A/A: exit 3 exactly when one regressed (got {code}: {v})")
    # 10 % more work.
    code, out, err = run(b, "--baseline-dir", bdir, "--baseline", "main",
                         "--fail-on-regression", "--format", "json")
    doc = json.loads(out)
    v = verdicts(doc)
    check_timing(code == 3, f"10 % more work exits 3 with --fail-on-regression (got {code}: {v})")
    check_timing(v.get("ab_chain") == "regressed", f"10 % more work is a regression: {v}")
    ch = {x["name"]: x["change"] for x in doc["benchmarks"]}["ab_chain"]
    check_timing(ch["ratio_low"] > 1.02 and 1.04 < ch["ratio"] < 1.2,
          f"its ratio and interval say +10 %: {ch}")
    code, out, err = run(b, "--baseline-dir", bdir, "--baseline", "main")
    check(code == 0 and "change against baseline 'main'" in out,
          "without --fail-on-regression it exits 0 and the text report shows the verdict")
    code, out, err = run(b, "--baseline-dir", bdir, "--baseline", "main", "--format", "csv")
    rows = [r.split(",") for r in out.splitlines()]
    col = rows[0].index("verdict") if "verdict" in rows[0] else -1
    check(col > 0 and all(len(r) == len(rows[0]) and r[col] in ("regressed", "inconclusive",
                                                                "unchanged", "improved")
                          for r in rows[1:]),
          f"CSV carries a verdict for every benchmark: {rows}")
    code, out, err = run(b, "--baseline-dir", bdir, "--baseline", "main", "--format", "markdown")
    check("**Change against baseline** `main`" in out and "| `ab_chain` |" in out,
          "markdown carries the change table")


def test_bad_baselines(a, tmp):
    bdir = os.path.join(tmp, "bad")
    os.makedirs(os.path.join(bdir, "x"))
    cases = {
        "missing": (None, "not found"),
        "truncated": ('{"schema_version": 1, "library": "microbe", "benchmarks": [', "line 1"),
        "not-json": ("hello", "line 1, column 1"),
        "wrong-type": ('{"schema_version": 1, "library": "microbe", "benchmarks": 5}',
                       "benchmarks"),
        "mismatched": ('{"schema_version": 1, "library": "microbe", "benchmarks": [{"name": '
                       '"ab_sum", "status": "ok", "raw_samples": {"iters": [1, 2], '
                       '"time_ns": [5]}}]}', "same length"),
        "negative": ('{"schema_version": 1, "library": "microbe", "benchmarks": [{"name": '
                     '"ab_sum", "status": "ok", "raw_samples": {"iters": [1], '
                     '"time_ns": [-5]}}]}', "time_ns > 0"),
        "huge-number": ('{"schema_version": 1, "library": "microbe", "benchmarks": [{"name": '
                        '"ab_sum", "status": "ok", "raw_samples": {"iters": [1], '
                        '"time_ns": [1e999]}}]}', "line 1"),
        "other-schema": ('{"schema_version": 2, "library": "microbe", "benchmarks": []}',
                         "schema version 2 is newer"),
        "deep": ("[" * 100000, "line 1"),
    }
    for name, (content, words) in cases.items():
        if content is not None:
            os.makedirs(os.path.join(bdir, name))
            with open(os.path.join(bdir, name, "ab_sum.json"), "w") as f:
                f.write(content)
        path = os.path.join(bdir, name, "ab_sum.json")
        before = open(path, "rb").read() if content is not None else None
        code, out, err = run(a, "--quick", "--baseline-dir", bdir, "--baseline", name)
        lines = err.strip().splitlines()
        if content is not None:
            check(open(path, "rb").read() == before, f"bad baseline '{name}': the file is untouched")
            check(path in err or f"{name}/ab_sum.json" in err,
                  f"bad baseline '{name}': the message names the file ({err!r})")
        check(code == 2 and len(lines) == 1 and words in err and out == "",
              f"bad baseline '{name}': exit 2, one line naming it (got {code}: {err!r})")
    with open(os.path.join(tmp, "afile"), "w") as f:
        f.write("x")
    code, out, err = run(a, "--quick", "--baseline-dir", os.path.join(tmp, "afile"),
                         "--save-baseline", "s")
    check(code == 2 and "not a directory" in err and out == "",
          f"a baseline directory that is a file: exit 2 before running ({err!r})")
    for flag, value in (("--save-baseline", "../up"), ("--baseline", ""), ("--baseline", ".x"),
                        ("--noise-threshold", "-1%"), ("--significance", "0"),
                        ("--significance", "1.5"), ("--run-noise", "abc"),
                        ("--baseline-dir", "")):
        code, out, err = run(a, flag, value)
        check(code == 2 and flag in err and len(err.strip().splitlines()) == 1,
              f"{flag} {value!r}: exit 2 naming the flag ({err!r})")


def test_compare_tool(a, b, tool, tmp):
    paths = {}
    for name, exe in (("a1", a), ("a2", a), ("b", b)):
        paths[name] = os.path.join(tmp, name + ".json")
        code, _, err = run(exe, "--output", "json:" + paths[name])
        check(code == 0, f"results file {name} ({err})")
    code, out, err = run(tool, "--fail-on-regression", "--format", "json", paths["a1"],
                         paths["a2"])
    v = verdicts(json.loads(out)) if out else {}
    check(set(v) == {"ab_chain", "ab_sum"}, f"files: every benchmark compared ({v} {err})")
    check(code == (3 if "regressed" in v.values() else 0),
          f"files A/A: exit 3 exactly when one regressed; its rate: test_aa_rate.py ({code}: {v})")
    code, out, err = run(tool, "--fail-on-regression", paths["a1"], paths["b"])
    check_timing(code == 3 and "ab_chain" in out, f"files, 10 % more work: exit 3 ({out}{err})")
    check(f"change against baseline '{paths['a1']}'" in out,
          f"files: the text report's change section names OLD ({out})")
    row = [r for r in out.splitlines() if r.startswith("  ab_chain ") and " p " in r]
    check_timing(row and "regressed" in row[0], f"files: ab_chain regressed ({row})")
    code, out, err = run(tool, "--format", "markdown", paths["a1"], paths["b"])
    check(code == 0 and out.startswith("| benchmark |") and "**Change against baseline**" in out,
          "markdown: the table and the change table")
    # Two executables, alternately, paired by round.
    code, out, err = run(tool, "--exec", "--rounds", "8", "--fail-on-regression", "--filter",
                         "^ab_", "--format", "json", a, b, "--", "--quick")
    v = verdicts(json.loads(out)) if out else {}
    check_timing(code == 3 and v.get("ab_chain") == "regressed",
          f"--exec, 10 % more work: exit 3, ab_chain regressed ({code}: {v} {err})")
    code, out, err = run(tool, "--exec", "--rounds", "8", "--fail-on-regression", "--filter",
                         "^ab_", "--format", "json", a, a, "--", "--quick")
    v = verdicts(json.loads(out)) if out else {}
    check_timing(code == 0 and len(v) == 2 and
                 all(x in ("unchanged", "inconclusive") for x in v.values()),
                 f"--exec A/A: no regression, no improvement ({code}: {v} {err})")
    # Bad input.
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write('{"schema_version": 1,')
    for args, words in (([paths["a1"]], "two inputs"), ([paths["a1"], bad], "bad.json"),
                        ([paths["a1"], os.path.join(tmp, "none.json")], "none.json"),
                        (["--rounds", "1", "--exec", a, b], "--rounds"),
                        (["--format", "xml", paths["a1"], paths["b"]], "--format"),
                        (["--bogus", paths["a1"], paths["b"]], "--bogus"),
                        (["--exec", a, "/nonexistent/exe"], "/nonexistent/exe")):
        code, out, err = run(tool, *args)
        check(code in (1, 2) and words in err and out == "",
              f"microbe-compare {args}: a one-line error naming {words} ({code}: {err!r})")


def test_exec_stops(a, tool):
    """--exec of an executable against itself runs pairs, stops, and says how many and why:
    structure only (which reason, and the verdicts, depend on the machine's noise)."""
    select = ["--exec", "--filter", "^ab_"]
    code, out, err = run(tool, *select, "--format", "json", a, a, "--", "--quick")
    doc = json.loads(out) if out else {"benchmarks": []}
    changes = [b["change"] or {} for b in doc["benchmarks"]]
    pairs = {c.get("baseline_samples") for c in changes}
    stops = {c.get("stop") for c in changes}
    check(code == 0 and len(changes) == 2, f"--exec A A: exit 0, both compared ({code}: {err})")
    check(len(pairs) == 1 and 2 <= min(pairs) <= 200,
          f"--exec A A: one number of pairs for all, 2 to 200: {pairs}")
    check(len(stops) == 1 and stops <= {"settled", "budget", "maximum"},
          f"--exec A A: one stop reason, a known one: {stops}")
    check(stops != {"settled"} or min(pairs) >= 6, f"settled only from 6 pairs on: {pairs}")
    # The budget stops it after the two pairs an interval needs, and the text report says so.
    code, out, err = run(tool, *select, "--budget", "0.1", a, a, "--", "--quick")
    head = [line for line in out.splitlines() if line.startswith("change against baseline")]
    check(code == 0 and head and head[0].endswith("(noise threshold 2%, 2 pairs, stopped: budget):"),
          f"--budget 0.1: two pairs, stopped by the budget ({code}: {head} {err})")
    # At most --rounds pairs: settled (from min(--min-rounds, --rounds) pairs on) or maximum.
    code, out, err = run(tool, *select, "--rounds", "3", "--format", "markdown", a, a, "--",
                         "--quick")
    check(code == 0 and re.search(r"\*\*Change against baseline\*\* `[^`]*` "
                                  r"\(3 pairs, stopped: (settled|maximum)\)", out),
          f"--rounds 3: three pairs, settled or maximum ({code}: {out[-600:]} {err})")


def test_same_rules(a, b, tool, tmp, forks):
    """microbe-compare on the files of two runs finds what the second run found against a
    baseline holding the first: the same verdicts, ratios, intervals and p-values, to the bit.
    In one part (--forks 0) the unstable rule is included (noisy_chain's runs are unstable);
    in parts, the changes come from the parts on both sides."""
    bdir = os.path.join(tmp, "same" + forks)
    old, new = (os.path.join(tmp, f"same{forks}-{x}.json") for x in ("old", "new"))
    select = ["--quick", "--forks", forks, "--filter", "^(ab_chain|noisy_chain)$",
              "--baseline-dir", bdir]
    code, _, err = run(a, *select, "--save-baseline", "u", "--output", "json:" + old)
    check(code == 0, f"the baseline run ({err})")
    code, _, err = run(b, *select, "--baseline", "u", "--output", "json:" + new)
    check(code == 0, f"the run against it ({err})")
    doc = json.load(open(new))
    by_run = {x["name"]: x["change"] for x in doc["benchmarks"]}
    unstable = [x["name"] for x in doc["benchmarks"]
                if any(w["name"] == "unstable" for w in x["warnings"])]
    if forks == "0":
        check("noisy_chain" in unstable,
              f"noisy_chain's run carries the unstable warning ({unstable})")
    code, out, err = run(tool, "--format", "json", old, new)
    check(code == 0, f"microbe-compare on the two files ({err})")
    by_tool = {x["name"]: x["change"] for x in json.loads(out)["benchmarks"]} if out else {}
    keys = ("verdict", "reason", "ratio", "ratio_low", "ratio_high", "p_value", "p_adjusted",
            "baseline_median_ns", "baseline_samples", "parts")
    for name in ("ab_chain", "noisy_chain"):
        ran, tool_says = by_run.get(name) or {}, by_tool.get(name) or {}
        check(ran and all(ran.get(k) == tool_says.get(k) for k in keys),
              f"{name}: microbe-compare agrees with the run: {ran} vs {tool_says}")
    for name, c in by_run.items():
        c = c or {}
        check("plan_differs" not in c, f"{name}: the same plan on both sides: {c}")
        check((c.get("verdict") == "inconclusive") == ("reason" in c),
              f"{name}: a reason exactly when inconclusive: {c}")
        # One noise model: the p-value agrees with the interval (parts or widened interval).
        if c.get("parts") == 0 and c.get("p_value") is not None:
            excludes = c["ratio_low"] > 1 or c["ratio_high"] < 1
            check((c["p_value"] < 0.05) == excludes, f"{name}: p agrees with the interval: {c}")
    if forks == "0":
        noisy = by_run.get("noisy_chain") or {}
        check(noisy.get("verdict") not in ("regressed", "improved"),
              f"an unstable run claims no change: {noisy}")
        beyond = noisy.get("ratio_low", 0) > 1.02 or noisy.get("ratio_high", 9) < 1 / 1.02
        check(not beyond or noisy.get("p_adjusted", 1) >= 0.05 or
              noisy.get("reason") == "unstable",
              f"an unstable run's change beyond the threshold says why: {noisy}")
    else:
        check(all((by_run.get(n) or {}).get("parts") == 3 for n in ("ab_chain", "noisy_chain")),
              f"in parts, each change comes from the 3 parts of --quick on each side: {by_run}")
    # Flags win over NEW's settings: every change was decided with the threshold given (read
    # back from the change, not inferred from verdicts, which timings decide).
    code, out, err = run(tool, "--format", "json", "--noise-threshold", "99%", old, new)
    used = [(x["change"] or {}).get("noise_threshold") for x in json.loads(out)["benchmarks"]] \
        if out else []
    check(code == 0 and len(used) == 2 and all(t == 0.99 for t in used),
          f"--noise-threshold 99%: every change decided with it ({used} {err})")


def test_plans(a, tool, tmp):
    """A --quick baseline compared with a default run: the report warns that the plans differ,
    naming the benchmark and what differs, in text, markdown and JSON, from a run and from
    microbe-compare; the same plan on both sides gives no warning."""
    bdir = os.path.join(tmp, "plans")
    one = ["--filter", "^ab_sum$", "--baseline-dir", bdir]
    code, _, err = run(a, "--quick", *one, "--save-baseline", "q")
    check(code == 0, f"the --quick baseline ({err})")
    new = os.path.join(tmp, "plans-default.json")
    code, out, err = run(a, *one, "--baseline", "q", "--output", "json:" + new)
    check(code == 0 and "  warning: the baseline's plan differs" in out and
          "\n    quick: ab_sum: one side was measured with --quick" in out,
          f"a default run against a --quick baseline warns, naming ab_sum and quick ({out})")
    doc = json.load(open(new)) if os.path.exists(new) else {"benchmarks": []}
    changes = [b["change"] or {} for b in doc["benchmarks"]]
    check(len(changes) == 1 and changes[0].get("plan_differs") == ["quick"],
          f"JSON: change.plan_differs is [\"quick\"]: {changes}")
    rule = doc["benchmarks"][0].get("plan_rule") or {} if doc["benchmarks"] else {}
    check(rule.get("quick") is False and rule.get("forks") == 5 and
          rule.get("measurement_time_s") == 0.02, f"the run records its plan's rule: {rule}")
    saved = os.path.join(bdir, "q", "ab_sum.json")
    code, out, err = run(tool, "--format", "markdown", saved, new)
    check(code == 0 and "**Warning**: the baseline's plan differs" in out and
          "- **quick**: `ab_sum`:" in out, f"microbe-compare on the two files warns too ({out})")
    code, out, err = run(a, "--quick", *one, "--baseline", "q", "--format", "json")
    changes = [b["change"] or {} for b in json.loads(out)["benchmarks"]] if out else []
    check(code == 0 and len(changes) == 1 and "plan_differs" not in changes[0],
          f"the same plan on both sides: no warning ({changes} {err})")
    code, out, err = run(a, "--quick", *one, "--baseline", "q")
    check(code == 0 and "plan differs" not in out, f"the same plan: no warning in text ({out})")


def test_groups(a, tmp):
    code, out, err = run(a, "--filter", "^pair_", "--format", "json")
    check(code == 0, f"the group runs ({err})")
    doc = json.loads(out)
    b = {x["name"]: x for x in doc["benchmarks"]}
    check(all(b[n]["group"] == "pair" for n in b) and len(b) == 4, "four members of group pair")
    check(b["pair_base"]["paired"] is None, "the baseline member has no ratio")
    same, plus3, plus10 = (b[n]["paired"] for n in ("pair_same", "pair_plus3", "pair_plus10"))
    check(same and same["baseline"] == "pair_base" and 5 <= same["parts"] <= 20 and same["rounds"] == same["parts"],
          f"members are paired with the group's first member: {same}")
    check_timing(same["verdict"] in ("unchanged", "inconclusive") and 0.98 < same["ratio"] < 1.02,
                 f"an identical member is neither a regression nor an improvement: {same}")
    check_timing(plus10["verdict"] == "regressed" and 1.07 < plus10["ratio"] < 1.13,
          f"10 % more work is a regression, measured near +10 %: {plus10}")
    check_timing(1.01 < plus3["ratio"] < 1.05 and plus3["verdict"] in ("regressed", "inconclusive"),
                 f"3 % more work is resolved near +3 %, neither improved nor unchanged: {plus3}")
    code, out, err = run(a, "--filter", "^pair_")
    check("paired within groups" in out and "(baseline of group pair)" in out,
          "the text report has the paired section")
    code, out, err = run(a, "--filter", "^pair_(base|plus10)$", "--format", "csv", "--quick")
    rows = out.splitlines()
    check(any(r.startswith("pair_plus10,") and re.search(
        ",pair,(regressed|inconclusive|unchanged|improved),", r) for r in rows),
          f"CSV carries the paired verdict: {rows[-1:]}")


def test_instructions(a, b, tmp):
    """--instructions: exact counts, repeatable, compared with a tight threshold."""
    if subprocess.run(["valgrind", "--version"], capture_output=True).returncode != 0:
        print("note: valgrind is not installed: --instructions is not tested")
        return
    bdir = os.path.join(tmp, "ins")
    args = ["--quick", "--instructions", "--filter", "^ab_chain$", "--baseline-dir", bdir]
    code, out, err = run(a, *args, "--save-baseline", "i", "--format", "json")
    first = json.loads(out)["benchmarks"][0]["instructions_per_iteration"] if out else None
    check(code == 0 and first and first > 400, f"instructions per iteration counted: {first}")
    code, out, err = run(a, *args, "--baseline", "i", "--format", "json",
                         "--fail-on-regression")
    again = json.loads(out)["benchmarks"][0] if out else {}
    check(code in (0, 3) and again.get("instructions_per_iteration") == first,
          f"the count is repeatable: {first} then {again.get('instructions_per_iteration')}")
    check((again.get("instructions_change") or {}).get("verdict") == "unchanged",
          f"A/A on instructions: unchanged ({again.get('instructions_change')})")
    code, out, err = run(b, *args, "--baseline", "i", "--format", "json")
    more = json.loads(out)["benchmarks"][0] if out else {}
    ch = more.get("instructions_change") or {}
    check(ch.get("verdict") == "regressed" and 1.09 < ch.get("ratio", 0) < 1.11,
          f"10 % more work: +10 % instructions, regressed ({ch})")
    code, out, err = run(a, "--quick", "--instructions", "--filter", "^twice_chain$",
                         "--format", "json")
    twice = json.loads(out)["benchmarks"][0]["instructions_per_iteration"] if out else 0
    check(first and 1.98 < twice / first < 2.02,
          f"twice the work, twice the instructions: {twice} vs {first}")
    code, out, err = run(a, "--instructions", "--baseline-dir", bdir, "--baseline", "i",
                         "--filter", "^ab_chain$", "--instructions-threshold", "-1")
    check(code == 2 and "--instructions-threshold" in err, "a bad --instructions-threshold")


def main():
    global TIMING
    a, b, tool = (os.path.abspath(x) for x in sys.argv[1:4])
    mode = sys.argv[4] if len(sys.argv) >= 5 else "timing"
    if mode not in ("timing", "structure", "sanitized"):
        sys.exit(f"test_baselines: unknown mode {mode}")
    TIMING = mode == "timing"
    if not TIMING:
        print("note: verdicts on real timings are not checked (see baselines-timing)")
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        test_save_and_merge(a, tmp)
        test_verdicts(a, b, tmp)
        test_bad_baselines(a, tmp)
        test_compare_tool(a, b, tool, tmp)
        test_exec_stops(a, tool)
        test_same_rules(a, b, tool, tmp, "0")
        test_same_rules(a, b, tool, tmp, "3")
        test_plans(a, tool, tmp)
        test_groups(a, tmp)
        if mode != "sanitized":  # valgrind cannot run a sanitized build
            test_instructions(a, b, tmp)
    print(f"{checks} checks, {failures} failed")
    return 1 if failures or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
