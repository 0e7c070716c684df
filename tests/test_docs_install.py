#!/usr/bin/env python3
"""docs/building.md's install to a prefix, followed to the letter: the shell blocks marked
`<!-- docs-install: source -->` (run in a copy of microbe's source directory) and
`<!-- docs-install: program -->` (run in a directory holding the user's two-file program),
with HOME a fresh directory and no PKG_CONFIG_PATH, LD_LIBRARY_PATH or MICROBE_* of our own;
the last command, ./bench --list, must name both benchmarks. The commands are Debian's on
x86-64: skipped (77) elsewhere.

usage: test_docs_install.py SOURCE_DIR SOURCE_DIR/tests
"""
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile


def blocks(doc):
    text = open(doc).read()
    found = dict(re.findall(r"<!-- docs-install: (\w+) -->\n```sh\n(.*?)```", text, re.S))
    if set(found) != {"source", "program"}:
        sys.exit(f"{doc}: the docs-install blocks 'source' and 'program' are not both there")
    return found


def not_a_build(directory, names):
    # The copy is of the sources alone: no build directories, no git metadata.
    return [n for n in names if n == ".git"
            or os.path.exists(os.path.join(directory, n, "meson-private"))]


def main():
    source, tests = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    commands = blocks(os.path.join(source, "docs", "building.md"))
    if not os.path.exists("/etc/debian_version") or platform.machine() != "x86_64":
        print("the documented commands are Debian's on x86-64: skipped")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        home, src, prog = (os.path.join(tmp, d) for d in ("home", "microbe", "program"))
        os.mkdir(home)
        shutil.copytree(source, src, ignore=not_a_build, symlinks=True)
        os.mkdir(prog)
        for name in ("a.c", "b.c"):
            shutil.copy(os.path.join(tests, "user_program", name), prog)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("MICROBE_") and k not in ("PKG_CONFIG_PATH",
                                                             "LD_LIBRARY_PATH")}
        env["HOME"] = home
        for name, cwd in (("source", src), ("program", prog)):
            print(f"$ cd {cwd}\n{commands[name]}", flush=True)
            p = subprocess.run(["bash", "-e", "-c", commands[name]], cwd=cwd, env=env,
                               capture_output=True, text=True, timeout=540)
            if p.returncode:
                print(f"FAIL: the '{name}' block exits {p.returncode}\n{p.stdout}{p.stderr}")
                return 1
        names = sorted(p.stdout.split())
        print(f"./bench --list: {names}")
        return 0 if names == ["user_add", "user_mul"] else 1


if __name__ == "__main__":
    sys.exit(main())
