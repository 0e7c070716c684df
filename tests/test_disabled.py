#!/usr/bin/env python3
"""Benchmarks compiled out with MICROBE_DISABLE (docs/authoring.md#compiling-benchmarks-out):
tests/disabled.c, built by meson with the header alone and no libmicrobe, runs; nm finds no
mb_ symbol in it (none defined, none undefined, so no descriptor, no body and no constructor
either). The same source compiled with MB_TEST_ENABLED has them (so the nm check can fail),
and two broken variants fail to compile: an unknown name in a body, and a library call with
an argument of the wrong type in a fixture (calls are still type-checked).

usage: test_disabled.py PROGRAM SOURCE INCLUDE_DIR CC...
"""
import os
import subprocess
import sys
import tempfile

from testlib import Checks

C = Checks()
check = C.check


def mb_symbols(path):
    p = subprocess.run(["nm", path], capture_output=True, text=True)
    check(p.returncode == 0, f"nm {path}", p.stderr)
    return [line for line in p.stdout.splitlines() if line.split()[-1].startswith("mb_")]


def main():
    program, source, include, cc = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    p = subprocess.run([program], capture_output=True, text=True)
    check(p.returncode == 0 and "no benchmark registered" in p.stdout,
          "the program runs its own main", p.stdout + p.stderr)
    found = mb_symbols(program)
    check(found == [], "no mb_ symbol in the compiled-out program", "\n".join(found))

    with tempfile.TemporaryDirectory() as tmp:
        obj = os.path.join(tmp, "enabled.o")
        p = subprocess.run(cc + ["-std=c11", "-I", include, "-DMB_TEST_ENABLED", "-c", source,
                                 "-o", obj], capture_output=True, text=True)
        if check(p.returncode == 0, "the same source, enabled, compiles", p.stderr):
            names = {line.split()[-1] for line in mb_symbols(obj)}
            check({"mb_register", "mb_param_int", "mb__loop_start"} <= names,
                  "enabled, it references the library", " ".join(sorted(names)))
            check(any(n.startswith("mb__bench_reg_") for n in names),
                  "enabled, it has constructors", " ".join(sorted(names)))
        for bad, says in ((1, "no_such_variable"), (2, "mb_param_int")):
            p = subprocess.run(cc + ["-std=c11", "-I", include, f"-DMB_TEST_BAD={bad}",
                                     "-fsyntax-only", source], capture_output=True, text=True)
            check(p.returncode != 0 and says in p.stderr,
                  f"broken variant {bad} fails to compile, naming {says}", p.stderr)
    return C.done()


if __name__ == "__main__":
    sys.exit(main())
