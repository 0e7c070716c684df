#!/usr/bin/env python3
"""The link-whole rule (docs/building.md): a program that links a static library of
benchmarks whole lists them; the same program linked normally does not, which is why the rule
is needed (and shows that this test can fail).

usage: test_link_whole.py LINKED_WHOLE LINKED_NORMALLY
"""
import subprocess
import sys


def names(exe):
    p = subprocess.run([exe, "--list"], capture_output=True, text=True, timeout=60)
    if p.returncode:
        sys.exit(f"{exe} --list: exit {p.returncode}\n{p.stderr}")
    return sorted(p.stdout.split())


whole, normal = names(sys.argv[1]), names(sys.argv[2])
print(f"linked whole: {whole}\nlinked normally: {normal}")
ok = whole == ["from_static_library", "in_program"] and normal == ["in_program"]
sys.exit(0 if ok else 1)
