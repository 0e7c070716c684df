#!/usr/bin/env python3
"""Checks the code MB_LOOP compiles to: the loop around a body of one mb_black_box is at most
three instructions (decrement, optional test, branch) with no call in it, at -O2 and -O3.
x86-64 only (exit 77, meson's "skipped", elsewhere).

usage: test_loop_asm.py SOURCE INCLUDE_DIR COMPILER [ARGS...]
"""
import platform
import re
import subprocess
import sys


def loops(asm, function):
    """Yields the instructions of each backward jump's loop inside `function`."""
    body, inside = [], False
    for line in asm.splitlines():
        if re.match(rf"^{re.escape(function)}:", line):
            inside = True
            continue
        if inside and re.match(r"^\s*\.cfi_endproc|^\s*\.size", line):
            break
        if inside:
            body.append(line)
    labels = {}
    items = []  # (kind, text)
    for line in body:
        m = re.match(r"^(\.?L\w+):", line)
        if m:
            labels[m.group(1)] = len(items)
            continue
        text = line.strip()
        if not text or text.startswith(".") or text.startswith("#"):
            continue
        items.append(text)
    for i, text in enumerate(items):
        m = re.match(r"^j\w+\s+(\.?L\w+)$", text)
        if m and m.group(1) in labels and labels[m.group(1)] <= i:
            yield items[labels[m.group(1)]:i + 1]


def main():
    if platform.machine() not in ("x86_64", "AMD64"):
        print("not x86-64: skipped")
        return 77
    source, include, compiler = sys.argv[1], sys.argv[2], sys.argv[3:]
    failures = checks = 0
    for opt in ("-O2", "-O3"):
        cmd = [*compiler, "-std=c11", opt, "-fno-asynchronous-unwind-tables", "-I", include,
               "-S", "-o", "-", source]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode:
            print(" ".join(cmd), p.stderr, file=sys.stderr)
            return 1
        found = list(loops(p.stdout, "mb__bench_fn_one_black_box"))
        # The inner loop is the shortest backward jump; the outer one re-enters after
        # mb__loop_end and contains its call.
        inner = min(found, key=len) if found else None
        checks += 1
        if not inner or len(inner) > 3 or any(t.startswith("call") for t in inner):
            failures += 1
            print(f"{opt}: unexpected loop {inner}\n{p.stdout}", file=sys.stderr)
        else:
            print(f"{opt}: {' ; '.join(inner)}")
    print(f"{checks} checks, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
