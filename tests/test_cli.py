#!/usr/bin/env python3
"""The command line of real bench executables: listing, filtering, a quick run, the
environment, and every kind of bad usage (exit 2 with a one-line message naming the problem).

usage: test_cli.py BASICS_EXE SPLIT_EXE
"""
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time

failures = 0
checks = 0


def run(exe, *args, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
    full_env.update(env or {})
    p = subprocess.run([exe, *args], capture_output=True, text=True, env=full_env, timeout=120)
    return p.returncode, p.stdout, p.stderr


def strip_ansi(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def run_pty(exe, columns, *args, env=None, stderr_too=False):
    """Runs exe with stdout (and stderr when asked) on a pseudo-terminal of the given width;
    returns what the terminal received."""
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith("MICROBE_") and k != "NO_COLOR"}
    full_env.update(env or {})
    full_env["TERM"] = "xterm"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    p = subprocess.Popen([exe, *args], stdout=slave,
                         stderr=slave if stderr_too else subprocess.DEVNULL, env=full_env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")


def check(cond, what, detail=""):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}\n{detail}", file=sys.stderr)


def main():
    basics, split = sys.argv[1], sys.argv[2]

    code, out, err = run(basics, "--list")
    check(code == 0 and out.split() == ["memcpy_4k", "sum_1k", "xorshift_chain_100", "fib_20"],
          "--list names every benchmark in definition order", out + err)

    # Two translation units register into one executable, in (file, line) order.
    code, out, err = run(split, "--list")
    check(out.split() == ["fnv1a_256", "insertion_sort_64_sorted", "reverse_copy_64"],
          "split --list", out + err)

    for args in (["--filter", "sort|fnv"], ["--filter=sort|fnv"], ["sort|fnv"]):
        code, out, _ = run(split, "--list", *args)
        check(code == 0 and out.split() == ["fnv1a_256", "insertion_sort_64_sorted"],
              f"filter {args}", out)

    code, out, _ = run(split, "--list", env={"MICROBE_FILTER": "reverse"})
    check(out.split() == ["reverse_copy_64"], "MICROBE_FILTER", out)
    code, out, _ = run(split, "--list", "--filter", "fnv", env={"MICROBE_FILTER": "reverse"})
    check(out.split() == ["fnv1a_256"], "the command line wins over the environment", out)

    code, out, err = run(split, "--quick", "--filter", "fnv|reverse")
    lines = out.splitlines()
    check(code == 0, "quick run exits 0", out + err)
    check(any(l.startswith("fnv1a_256 ") for l in lines)
          and any(l.startswith("reverse_copy_64 ") for l in lines)
          and not any("insertion_sort" in l for l in lines),
          "quick run reports exactly the selected benchmarks", out)
    check(any(l.startswith("benchmark ") and "median" in l and "95% CI" in l for l in lines),
          "the table has a header with the median and its interval", out)
    for l in lines:
        if l.startswith(("fnv1a_256 ", "reverse_copy_64 ")):
            check(" ns " in l + " " and "[" in l, "a row shows a time with its unit", l)

    code, out, err = run(split, "--quick", "--confidence", "90%", "--seed", "0x2a", "fnv")
    check(code == 0 and "90% CI" in out and "seed 0x000000000000002a" in out,
          "--confidence and --seed reach the report", out + err)

    code, out, err = run(split, "--smoke")
    rows = [l for l in out.splitlines() if "ok (smoke run: not measured)" in l]
    check(code == 0 and len(rows) == 3, "--smoke runs every benchmark once and reports it", out + err)

    code, out, err = run(split, "--profile-time", "0.2s", "fnv")
    check(code == 0 and "fnv1a_256  ok (profile run: not measured)" in out, "--profile-time", out + err)

    code, out, err = run(split, "--quick", "--context", "commit=abc", "--context", "os=x y", "fnv")
    check(code == 0 and "context: commit=abc, os=x y" in out, "--context appears in the report",
          out + err)

    code, out, _ = run(basics, "--help")
    check(code == 0 and all(f"--{o}" in out for o in (
        "help", "version", "list", "filter", "warm-up-time", "measurement-time", "samples",
        "precision", "confidence", "resamples", "seed", "quick", "quiet", "format", "output",
        "color", "smoke", "profile-time", "pin", "context")), "--help", out)
    code, out, _ = run(basics, "--version")
    check(code == 0 and out.startswith("microbe "), "--version", out)

    bad = [
        (["--no-such-flag"], "--no-such-flag"),
        (["-x"], "-x"),
        (["--samples=abc"], "--samples"),
        (["--samples", "abc"], "'abc'"),
        (["--samples", "1"], "--samples"),
        (["--samples", "99999999999999999999999"], "--samples"),
        (["--samples"], "--samples"),
        (["--warm-up-time", "-1"], "--warm-up-time"),
        (["--warm-up-time", "fast"], "--warm-up-time"),
        (["--measurement-time", "0"], "--measurement-time"),
        (["--measurement-time", "1e999"], "--measurement-time"),
        (["--measurement-time", "2h"], "--measurement-time"),
        (["--precision", "2"], "--precision"),
        (["--precision", "nan"], "--precision"),
        (["--confidence", "1"], "--confidence"),
        (["--confidence", "0"], "--confidence"),
        (["--confidence", "95"], "--confidence"),
        (["--resamples", "5"], "--resamples"),
        (["--resamples", "-100"], "--resamples"),
        (["--seed", "xyz"], "--seed"),
        (["--seed", "0x"], "--seed"),
        (["--filter", "("], "--filter"),
        (["--filter", "no_such_benchmark"], "no_such_benchmark"),
        (["--quick=1"], "--quick"),
        (["--smoke=yes"], "--smoke"),
        (["--profile-time", "0"], "--profile-time"),
        (["--profile-time", "soon"], "--profile-time"),
        (["--pin", "-1"], "--pin"),
        (["--context", "novalue"], "--context"),
        (["--context", "=x"], "--context"),
        (["--context", "k=1", "--context", "k=2"], "--context"),
        (["--pin", "99999"], "--pin"),
        (["--list=yes"], "--list"),
        (["one", "two"], "two"),
        (["--format", "xml"], "--format"),
        (["--output", "json"], "--output"),
        (["--output", "json:"], "--output"),
        (["--output", "jsn:x.json"], "jsn"),
        (["--output", "json:/nonexistent/dir/x.json"], "/nonexistent/dir/x.json"),
        (["--color", "sometimes"], "--color"),
    ]
    for args, needle in bad:
        code, out, err = run(basics, *args)
        lines = err.strip().splitlines()
        check(code == 2 and len(lines) == 1 and needle in lines[0] and out == "",
              f"{args} exits 2 with one line naming {needle!r}",
              f"exit {code}\nstdout: {out}\nstderr: {err}")

    bad_env = [
        ({"MICROBE_SAMPLES": "abc"}, "MICROBE_SAMPLES"),
        ({"MICROBE_QUICK": "maybe"}, "MICROBE_QUICK"),
        ({"MICROBE_PRECISION": "-1%"}, "MICROBE_PRECISION"),
        ({"MICROBE_FILTER": "["}, "MICROBE_FILTER"),
    ]
    for env, needle in bad_env:
        code, out, err = run(basics, "--list", env=env)
        check(code == 2 and needle in err and len(err.strip().splitlines()) == 1,
              f"{env} exits 2 naming {needle}", f"exit {code}\n{err}")

    # On a terminal: colour and the terminal's width; NO_COLOR and pipes: neither.
    out = run_pty(split, 60, "--quick", "fnv")
    rows = [l for l in out.splitlines() if l.startswith(("benchmark", "fnv1a_256", "\x1b[1mbench"))]
    plain = [strip_ansi(l) for l in rows]
    check("\x1b[" in out and len(plain) == 2 and all(len(l) <= 60 for l in plain)
          and "MAD" not in plain[0] and "median" in plain[0],
          "a 60-column terminal gets colour and a table that fits", out)
    out = run_pty(split, 200, "--quick", "fnv", env={"NO_COLOR": "1"})
    check("\x1b[" not in out and "outliers" in out, "NO_COLOR on a wide terminal", out)
    code, out, _ = run(split, "--quick", "fnv")
    check("\x1b[" not in out and "outliers" in out and "MAD" in out, "piped: no colour, every column", out)
    code, out, _ = run(split, "--quick", "--color", "always", "fnv")
    check("\x1b[" in out, "--color always colours a pipe", out)

    # --pin: the running process may use only that CPU (Linux: read back from /proc).
    if os.path.exists("/proc/self/status"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
        p = subprocess.Popen([split, "--pin", "0", "--profile-time", "1", "fnv"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        allowed = None
        for _ in range(50):  # wait up to 2.5 s for the pin to take effect
            time.sleep(0.05)
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    allowed = [l.split()[1] for l in f if l.startswith("Cpus_allowed_list")][0]
            except (OSError, IndexError):
                break
            if allowed == "0":
                break
        p.wait(timeout=60)
        check(allowed == "0" and p.returncode == 0, "--pin 0 restricts the process to CPU 0",
              f"Cpus_allowed_list {allowed}, exit {p.returncode}")
    code, out, err = run(split, "--pin", "4000", "fnv")
    check(code == 2 and "cannot pin to CPU 4000" in err and out == "", "--pin to a CPU that does not exist",
          err)

    # Progress: one line redrawn on a terminal's stderr (parts measured of all: --quick has 3
    # forks of 2 benchmarks), erased before each report row; none
    # with --quiet or when stderr is not a terminal.
    out = run_pty(split, 200, "--quick", "fnv|reverse", stderr_too=True)
    counts = re.findall(r"\[(\d+)/(\d+)\]", out)
    # 6 parts (3 forks x 2 benchmarks), more when a disturbed part was measured again.
    check("fnv1a_256: part 1 of 3" in out and "reverse_copy_64: part 3 of 3" in out
          and counts and counts[-1][0] == counts[-1][1] and int(counts[-1][1]) >= 6
          and "\x1b[K" in out, "progress line on a terminal, by parts", out)
    for name in ("fnv1a_256 ", "reverse_copy_64 "):
        starts = [m.start() for m in re.finditer(re.escape(name), out)]
        check(starts and all(out[:i].endswith("\r\x1b[K") for i in starts),
              f"the {name.strip()} row starts right after the progress line is erased", out)
    out = run_pty(split, 200, "--quick", "--quiet", "fnv", stderr_too=True)
    check("[1/1]" not in out and "fnv1a_256" in out, "--quiet: no progress", out)
    code, out, err = run(split, "--quick", "fnv")
    check("[1/1]" not in err and "\x1b" not in err, "no progress when stderr is a pipe", err)

    print(f"{checks} checks, {failures} failed")
    return 1 if failures or not checks else 0


if __name__ == "__main__":
    sys.exit(main())
