#!/usr/bin/env python3
"""Every complete program in README.md and docs/*.md compiles, links and, when it has no main
of its own, lists its benchmarks: the docs cannot rot (docs/quality.md).

A complete program is a ```c or ```cpp block that includes <microbe.h>; any other block is a
fragment and is not compiled. C blocks are compiled with -std=c11, C++ blocks with -std=c++17,
both with -Wall -Wextra -Wpedantic -Werror, linked with libmicrobe (and libmicrobe_main when
the block has no main). A block that mentions MICROBE_DISABLE is compiled a second time with
it defined. Fails when no complete program is found (the extraction would be broken).

usage: test_docs_programs.py SOURCE_DIR LIBMICROBE_SO LIBMICROBE_MAIN_A -fsanitize=LIST CC...
       [--cxx CXX...]
(-fsanitize=none: an unsanitized build; else the build's b_sanitize, which its libraries need
at link time too)
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

from testlib import Checks

C = Checks()
check = C.check


def programs(source):
    """(file, line, language, text) of every complete program block."""
    files = [os.path.join(source, "README.md")] + sorted(glob.glob(os.path.join(source, "docs", "*.md")))
    for path in files:
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"^```(c|cpp)\n(.*?)^```", text, re.S | re.M):
            if "#include <microbe.h>" in m.group(2):
                line = text.count("\n", 0, m.start()) + 1
                yield os.path.relpath(path, source), line, m.group(1), m.group(2)


def build(tmp, where, lang, body, compiler, shared, main_lib, defines):
    src = os.path.join(tmp, "p." + lang)
    exe = os.path.join(tmp, "p")
    with open(src, "w", encoding="utf-8") as f:
        f.write(body)
    std = "-std=c++17" if lang == "cpp" else "-std=c11"
    own_main = re.search(r"\bmain\s*\(", body) is not None
    libs = [] if own_main else [main_lib]
    cmd = (compiler + [std, "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-I",
                       os.path.join(SOURCE, "include")] + defines + [src, "-o", exe] + libs +
           [shared, "-Wl,-rpath," + os.path.dirname(shared), "-lm", "-lpthread"])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if not check(p.returncode == 0, f"{where} ({' '.join(defines) or 'as written'}) compiles",
                 p.stderr):
        return
    if not own_main and not defines:
        p = subprocess.run([exe, "--list"], capture_output=True, text=True, timeout=60)
        check(p.returncode == 0 and p.stdout.strip() != "",
              f"{where} lists its benchmarks", p.stdout + p.stderr)


def main():
    global SOURCE
    args = sys.argv[1:]
    cxx = []
    if "--cxx" in args:
        cxx = args[args.index("--cxx") + 1:]
        args = args[:args.index("--cxx")]
    SOURCE, shared, main_lib, sanitize, cc = args[0], args[1], args[2], args[3], args[4:]
    if sanitize != "-fsanitize=none":
        cc = cc + [sanitize]
        cxx = cxx + [sanitize] if cxx else cxx
    found = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path, line, lang, body in programs(SOURCE):
            found += 1
            where = f"{path}:{line}"
            compiler = cxx if lang == "cpp" else cc
            if not compiler:
                print(f"skipped {where}: no C++ compiler")
                continue
            build(tmp, where, lang, body, compiler, shared, main_lib, [])
            if "MICROBE_DISABLE" in body:
                build(tmp, where, lang, body, compiler, shared, main_lib, ["-DMICROBE_DISABLE"])
    check(found >= 3, f"complete programs found in the docs ({found})")
    return C.done(f"{found} complete programs, ")


if __name__ == "__main__":
    sys.exit(main())
