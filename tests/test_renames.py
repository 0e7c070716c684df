#!/usr/bin/env python3
"""Baselines across renames (docs/comparing.md, "Renamed benchmarks"), through two versions
of the same benchmarks (tests/renamed.c) whose parameters changed:

  hash/64, hash/256    -> hash/size:64/algo:xxh, ...  a parameter added at one value: matched
  mix/size:64/algo:a   -> mix/64                      a parameter removed: matched
  pair/64              -> pair/size:64/algo:a and :b  two candidates: neither is matched
  gone                 -> (removed)                   a saved result no benchmark matches
                          fresh                       no baseline

A run against the baseline and microbe-compare on two files must compare the same pairs, and
name, one warning line each, the benchmarks without a baseline, those matched by parameters
and the saved results no benchmark matches; a filter never changes a match; --filter accepts
the parameter form (hash/size:64 for hash/64) and a filter matching nothing still exits 2
with one line.

usage: test_renames.py RENAMED_1_EXE RENAMED_2_EXE MICROBE_COMPARE
"""
import json
import os
import subprocess
import sys
import tempfile

checks = failures = 0

MATCHED = {"hash/size:64/algo:xxh": "hash/64", "hash/size:256/algo:xxh": "hash/256",
           "mix/64": "mix/size:64/algo:a"}
MISSING = ["pair/size:64/algo:a", "pair/size:64/algo:b", "fresh"]
ORPHANS = ["pair/64", "gone"]


def check(cond, what, detail=""):
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}\n  {detail}"[:1500], file=sys.stderr)


def run(*argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
    p = subprocess.run(list(argv), capture_output=True, text=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


def quick(exe, *more):
    return run(exe, "--quick", "--forks", "0", *more)


def warnings(err):
    return [line for line in err.splitlines() if ": warning: " in line]


def check_warnings(err, label, missing, matched, orphans, what):
    lines = warnings(err)
    want = []
    if missing:
        want.append(f"{label} has no result for {len(missing)} benchmark"
                    f"{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if matched:
        pairs = ", ".join(f"{new} (saved as {old})" for new, old in matched.items())
        want.append(f"{label} is compared by parameters, under another name, with "
                    f"{len(matched)} benchmark{'s' if len(matched) > 1 else ''}: {pairs}")
    if orphans:
        want.append(f"{label} has {len(orphans)} result{'s' if len(orphans) > 1 else ''} "
                    f"that no benchmark matches (renamed or removed; see docs/comparing.md): "
                    f"{', '.join(orphans)}")
    got = [line.split(": warning: ", 1)[1] for line in lines]
    check(got == want, f"{what}: one warning line each for what did not match by name",
          f"got {got}\n  want {want}")


def same(a, b):
    return a is not None and b is not None and abs(a - b) <= 1e-9 * abs(b)


def changes(out):
    """{name: baseline median of its change, or None} of a JSON report."""
    doc = json.loads(out)
    return {b["name"]: (b["change"] or {}).get("baseline_median_ns") for b in doc["benchmarks"]}


def test_run(v1, v2, tmp):
    bdir = os.path.join(tmp, "bl")
    code, out, err = quick(v1, "--save-baseline", "v1", "--baseline-dir", bdir, "--format", "json")
    check(code == 0, "version 1 saves its baseline", err)
    saved = {b["name"]: b["estimates"]["median"]["point_ns"] for b in json.loads(out)["benchmarks"]}
    code, out, err = quick(v2, "--baseline", "v1", "--baseline-dir", bdir, "--format", "json")
    check(code == 0, "version 2 runs against it", err)
    got = changes(out)
    for new, old in MATCHED.items():
        check(same(got.get(new), saved[old]), f"{new} is compared with {old}'s saved result",
              f"{got.get(new)} != {saved[old]}")
    for name in MISSING:
        check(name in got and got[name] is None, f"{name} has no change (no baseline)", got)
    check_warnings(err, "baseline 'v1'", MISSING, MATCHED, ORPHANS, "a run")
    # A filter selects, it never changes a match: hash/size:256 still takes hash/256.
    code, out, err = quick(v2, "--baseline", "v1", "--baseline-dir", bdir, "--format", "json",
                           "--filter", "^hash/size:64/")
    got = changes(out)
    check(code == 0 and list(got) == ["hash/size:64/algo:xxh"] and same(
        got["hash/size:64/algo:xxh"], saved["hash/64"]), "a filtered run compares the same pair",
        (code, got, err))
    check_warnings(err, "baseline 'v1'", [], {"hash/size:64/algo:xxh": "hash/64"}, ORPHANS,
                   "a filtered run")
    # The text report names a benchmark without a baseline, as before.
    code, out, err = quick(v2, "--baseline", "v1", "--baseline-dir", bdir, "--filter", "fresh")
    check(code == 0 and "fresh" in out and "not in the baseline" in out,
          "the report says 'not in the baseline' by name", out)
    return saved


def test_files(v1, v2, compare, tmp, saved):
    old, new = os.path.join(tmp, "v1.json"), os.path.join(tmp, "v2.json")
    for exe, path in ((v1, old), (v2, new)):
        code, _, err = quick(exe, "--output", f"json:{path}", "--quiet")
        check(code == 0, f"{os.path.basename(exe)} writes {path}", err)
    code, out, err = run(compare, "--format", "json", old, new)
    check(code == 0, "microbe-compare on the two files exits 0", err)
    got = changes(out)
    olds = {b["name"]: b["estimates"]["median"]["point_ns"] for b in json.load(open(old))["benchmarks"]}
    for new_name, old_name in MATCHED.items():
        check(same(got.get(new_name), olds[old_name]), f"microbe-compare: {new_name} against "
              f"{old_name}", f"{got.get(new_name)} != {olds[old_name]}")
    for name in MISSING:
        check(got.get(name, 0) is None, f"microbe-compare: {name} has no change", got)
    check_warnings(err, old, MISSING, MATCHED, ORPHANS, "microbe-compare")
    code, out, err = run(compare, "--format", "json", "--filter", "size:256", old, new)
    got = changes(out) if code == 0 else {}
    check(list(got) == ["hash/size:256/algo:xxh"] and same(got["hash/size:256/algo:xxh"],
                                                           olds["hash/256"]),
          "microbe-compare --filter in the parameter form, the same pair", (code, out, err))
    # Nothing in common: the one error line, without the warnings.
    code, out, err = run(compare, "--filter", "fresh", old, new)
    lines = err.strip().splitlines()
    check(code == 2 and len(lines) == 1 and "no benchmark is in both" in lines[0],
          "nothing in common: exit 2, one line", (code, err))


def test_filter(v1):
    code, out, err = run(v1, "--list", "--filter", "hash/size:256")
    check(code == 0 and out.split() == ["hash/256"], "--filter hash/size:256 selects hash/256",
          (code, out, err))
    code, out, err = run(v1, "--list", "--filter", "size:64")
    check(code == 0 and out.split() == ["hash/64", "mix/size:64/algo:a", "pair/64"],
          "--filter size:64 selects by parameter", (code, out, err))
    code, out, err = run(v1, "--list", "--filter", "^hash/64$")
    check(code == 0 and out.split() == ["hash/64"], "the name itself still matches", out)
    code, out, err = run(v1, "--smoke", "--filter", "size:4096")
    lines = err.strip().splitlines()
    check(code == 2 and out == "" and len(lines) == 1 and "size:4096" in lines[0],
          "a filter that matches no name and no parameter form exits 2, one line", (code, err))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    v1, v2, compare = (os.path.abspath(a) for a in sys.argv[1:4])
    with tempfile.TemporaryDirectory() as tmp:
        saved = test_run(v1, v2, tmp)
        test_files(v1, v2, compare, tmp, saved)
        test_filter(v1)
    print(f"{checks} checks, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
