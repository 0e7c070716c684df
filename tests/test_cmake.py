#!/usr/bin/env python3
"""microbe's CMake package: installs the build into a staging directory (--destdir, so every
path in the package must be relative to it), then builds the user's two-file program with
CMake's find_package(microbe 0.1) against microbe::microbe_main, shared and with
MICROBE_USE_STATIC, runs its --list and the CTest recipe of docs/building.md, and checks the
version rule (0.2 and 1.0 are refused by a 0.1 install). Skipped (77) without cmake.

usage: test_cmake.py BUILD_DIR SOURCE_DIR/tests
"""
import glob
import os
import shutil
import sys
import tempfile

import testlib

CMAKELISTS = """cmake_minimum_required(VERSION 3.10)
project(user C)
foreach(wanted 0.2 1.0)
  find_package(microbe ${wanted} QUIET)
  message(STATUS "find_package(microbe ${wanted}): ${microbe_FOUND}")
endforeach()
find_package(microbe 0.1 REQUIRED)
message(STATUS "find_package(microbe 0.1): ${microbe_FOUND} ${microbe_VERSION}")
add_executable(bench @SOURCES@)
target_link_libraries(bench PRIVATE microbe::microbe_main)
enable_testing()
add_test(NAME bench-smoke COMMAND bench --smoke)
"""


def run(cmd, **kw):
    return testlib.run(cmd, timeout=300, **kw)


def main():
    build, tests = sys.argv[1], os.path.abspath(sys.argv[2])
    cmake = shutil.which("cmake")
    if not cmake:
        print("cmake is not installed: skipped (apt-get install cmake)")
        return 77
    c = testlib.Checks(verbose=True)
    check = c.check

    with tempfile.TemporaryDirectory() as tmp:
        stage = os.path.join(tmp, "stage")
        rc, out = run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", stage])
        if not check(rc == 0, "meson install --destdir", out):
            return 1
        configs = glob.glob(f"{stage}/**/cmake/microbe/microbeConfig.cmake", recursive=True)
        versions = glob.glob(f"{stage}/**/cmake/microbe/microbeConfigVersion.cmake", recursive=True)
        if not check(len(configs) == 1 and len(versions) == 1, "both CMake files installed",
                     str(configs + versions)):
            return 1
        header = glob.glob(f"{stage}/**/include/microbe.h", recursive=True)[0]
        prefix = os.path.dirname(os.path.dirname(header))
        text = open(configs[0]).read() + open(versions[0]).read()
        # The package is staged: a path written out in full would point to the real prefix.
        check(os.path.relpath(prefix, stage) not in text.replace("cmake/microbe", ""),
              "no absolute install path in the CMake files", text)

        src = os.path.join(tmp, "user")
        os.mkdir(src)
        sources = " ".join(f"{tests}/user_program/{f}" for f in ("a.c", "b.c"))
        with open(os.path.join(src, "CMakeLists.txt"), "w") as f:
            f.write(CMAKELISTS.replace("@SOURCES@", sources))
        env = {k: v for k, v in os.environ.items() if not k.startswith("MICROBE_")}
        env["CMAKE_PREFIX_PATH"] = prefix
        for static in (False, True):
            kind = "static" if static else "shared"
            out_dir = os.path.join(tmp, "build-" + kind)
            rc, out = run([cmake, "-S", src, "-B", out_dir, "-DCMAKE_BUILD_TYPE=Release",
                           f"-DMICROBE_USE_STATIC={'ON' if static else 'OFF'}"], env=env)
            if not check(rc == 0, f"{kind}: cmake configures with find_package(microbe 0.1)", out):
                continue
            check("find_package(microbe 0.2): 0" in out and "find_package(microbe 1.0): 0" in out
                  and "find_package(microbe 0.1): 1 0.1." in out,
                  f"{kind}: the version rule (0.1 accepted, 0.2 and 1.0 refused)", out)
            rc, out = run([cmake, "--build", out_dir], env=env)
            if not check(rc == 0, f"{kind}: cmake --build", out):
                continue
            exe = os.path.join(out_dir, "bench")
            rc, out = run([exe, "--list"], env=env)
            check(rc == 0 and sorted(out.split()) == ["user_add", "user_mul"],
                  f"{kind}: --list names both benchmarks", out)
            rc, out = run(["readelf", "-d", exe])
            check(rc == 0 and ("libmicrobe.so" in out) != static,
                  f"{kind}: the program {'does not need' if static else 'needs'} libmicrobe.so",
                  out)
            rc, out = run(["ctest", "--output-on-failure"], cwd=out_dir, env=env)
            check(rc == 0 and "bench-smoke" in out and "100% tests passed" in out,
                  f"{kind}: ctest runs bench --smoke", out)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
