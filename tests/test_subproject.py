#!/usr/bin/env python3
"""microbe as a meson subproject (docs/building.md): a parent project holding the user's
two-file program finds microbe through a local [wrap-file] wrap with
dependency('microbe_main', fallback : ['microbe', 'microbe_main_dep']), builds, and its program
lists both benchmarks; microbe's tests, examples and installation stay off, so the parent's
`meson test --list` shows only its own test and `meson introspect --installed` is empty.

usage: test_subproject.py SOURCE_DIR SOURCE_DIR/tests
"""
import json
import os
import shutil
import sys
import tempfile

import testlib

PARENT = """project('user', 'c', default_options : ['c_std=c11', 'buildtype=release'])
microbe = dependency('microbe_main', fallback : ['microbe', 'microbe_main_dep'])
bench = executable('bench', 'a.c', 'b.c', dependencies : microbe)
test('bench-smoke', bench, args : ['--smoke'])
"""
WRAP = """[wrap-file]
directory = microbe

[provide]
microbe = microbe_dep
microbe_main = microbe_main_dep
"""


def run(cmd, **kw):
    return testlib.run(cmd, timeout=540, **kw)


def main():
    source, tests = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    c = testlib.Checks(verbose=True)
    check = c.check

    with tempfile.TemporaryDirectory() as parent:
        for name in ("a.c", "b.c"):
            shutil.copy(os.path.join(tests, "user_program", name), parent)
        with open(os.path.join(parent, "meson.build"), "w") as f:
            f.write(PARENT)
        os.mkdir(os.path.join(parent, "subprojects"))
        os.symlink(source, os.path.join(parent, "subprojects", "microbe"))
        with open(os.path.join(parent, "subprojects", "microbe.wrap"), "w") as f:
            f.write(WRAP)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
        build = os.path.join(parent, "build")
        # forcefallback: an installed microbe must not stand in for the subproject.
        rc, out = run(["meson", "setup", build, parent, "--wrap-mode=forcefallback"], env=env)
        if not check(rc == 0, "the parent configures with microbe as a subproject", out):
            return 1
        check("Subproject microbe finished" in out, "microbe came from the subproject", out)
        rc, out = run(["meson", "compile", "-C", build], env=env)
        if not check(rc == 0, "the parent builds", out):
            return 1
        rc, out = run([os.path.join(build, "bench"), "--list"], env=env)
        check(rc == 0 and sorted(out.split()) == ["user_add", "user_mul"],
              "the parent's program lists both benchmarks", out)
        rc, out = run(["meson", "test", "-C", build, "--no-rebuild", "--list"], env=env)
        check(rc == 0 and out.split() == ["bench-smoke"],
              "meson test --list: the parent's test alone", out)
        rc, out = run(["meson", "introspect", build, "--installed"], env=env)
        check(rc == 0 and json.loads(out) == {}, "nothing of microbe is installed", out)
        rc, out = run(["meson", "test", "-C", build], env=env)
        check(rc == 0, "the parent's meson test runs bench --smoke", out)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
