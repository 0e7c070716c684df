#!/usr/bin/env python3
"""Installs the build into a staging directory and builds a user's two-file program against
the installed header and pkg-config modules, with gcc and with clang, under
-std=c11 -Wall -Wextra -Wpedantic -Werror; then runs it: --list, a --quick run, --filter,
and bad usage.

usage: test_install.py BUILD_DIR SOURCE_DIR/tests
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

failures = 0
checks = 0


def check(cond, what, detail=""):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}\n{detail}", file=sys.stderr)


def main():
    build, tests = sys.argv[1], sys.argv[2]
    meson = shutil.which("meson")
    if not meson:
        print("meson not on PATH", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as stage:
        p = subprocess.run([meson, "install", "-C", build, "--no-rebuild", "--destdir", stage],
                           capture_output=True, text=True)
        check(p.returncode == 0, "meson install", p.stdout + p.stderr)
        headers = glob.glob(f"{stage}/**/include/microbe.h", recursive=True)
        pcs = {os.path.basename(f) for f in glob.glob(f"{stage}/**/pkgconfig/*.pc", recursive=True)}
        libs = {os.path.basename(f) for f in glob.glob(f"{stage}/**/libmicrobe*", recursive=True)}
        check(len(headers) == 1, "microbe.h installed", str(headers))
        check({"microbe.pc", "microbe_main.pc"} <= pcs, "both pkg-config modules installed", str(pcs))
        check({"libmicrobe.a", "libmicrobe_main.a"} <= libs
              and any(l.startswith("libmicrobe.so") for l in libs), "libraries installed", str(libs))
        if failures:
            return 1
        pc_dir = os.path.dirname(glob.glob(f"{stage}/**/pkgconfig/microbe.pc", recursive=True)[0])
        lib_dir = os.path.dirname(pc_dir)
        env = dict(os.environ, PKG_CONFIG_PATH=pc_dir, PKG_CONFIG_SYSROOT_DIR=stage,
                   LD_LIBRARY_PATH=lib_dir)
        env = {k: v for k, v in env.items() if not k.startswith("MICROBE_")}
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "microbe_main"],
                               capture_output=True, text=True, env=env)
        check(flags.returncode == 0 and "-lmicrobe_main" in flags.stdout
              and "-lmicrobe" in flags.stdout.replace("-lmicrobe_main", ""),
              "pkg-config microbe_main", flags.stdout + flags.stderr)
        for compiler in ("gcc", "clang"):
            if not shutil.which(compiler):
                check(False, f"{compiler} is installed")
                continue
            exe = os.path.join(stage, f"user_{compiler}")
            cmd = [compiler, "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                   f"{tests}/user_program/a.c", f"{tests}/user_program/b.c", "-o", exe,
                   *flags.stdout.split()]
            p = subprocess.run(cmd, capture_output=True, text=True, env=env)
            check(p.returncode == 0, f"{compiler} builds the user program", " ".join(cmd) + "\n" + p.stderr)
            if p.returncode:
                continue
            run = lambda *a: subprocess.run([exe, *a], capture_output=True, text=True, env=env, timeout=120)
            p = run("--list")
            check(p.returncode == 0 and sorted(p.stdout.split()) == ["user_add", "user_mul"],
                  f"{compiler}: --list names both", p.stdout + p.stderr)
            p = run("--quick")
            rows = [l.split()[0] for l in p.stdout.splitlines() if l.startswith("user_")]
            check(p.returncode == 0 and sorted(rows) == ["user_add", "user_mul"],
                  f"{compiler}: a --quick run reports both", p.stdout + p.stderr)
            p = run("--quick", "--filter", "mul")
            rows = [l.split()[0] for l in p.stdout.splitlines() if l.startswith("user_")]
            check(p.returncode == 0 and rows == ["user_mul"], f"{compiler}: --filter selects", p.stdout)
            p = run("--no-such-flag")
            check(p.returncode == 2 and "--no-such-flag" in p.stderr, f"{compiler}: bad flag", p.stderr)
            p = run("--samples=abc")
            check(p.returncode == 2 and "--samples" in p.stderr and "abc" in p.stderr,
                  f"{compiler}: bad value", p.stderr)
    print(f"{checks} checks, {failures} failed")
    return 1 if failures or not checks else 0


if __name__ == "__main__":
    sys.exit(main())
