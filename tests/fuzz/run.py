#!/usr/bin/env python3
"""Runs one libFuzzer target for a while (the fuzz tests of tests/meson.build).

Usage: run.py FUZZER DEFAULT_SECONDS [libFuzzer arguments...]

It runs for DEFAULT_SECONDS (meson's fuzz_seconds option), or for FUZZ_SECONDS when that is
set in the environment: the long mode (docs/quality.md), e.g.
`FUZZ_SECONDS=3600 meson test -C build-fuzz --suite fuzz`. The target gets 120 s more than
that to finish before it is stopped and the test fails; meson's own timeout is off for these
tests.
"""
import os
import subprocess
import sys

fuzzer, default = sys.argv[1], sys.argv[2]
text = os.environ.get("FUZZ_SECONDS", "").strip() or default
if not text.isdigit() or not 1 <= int(text) <= 10**7:
    sys.exit(f"run.py: FUZZ_SECONDS must be a whole number of seconds from 1 to 10000000, "
             f"not {text!r}")
seconds = int(text)
command = [fuzzer, f"-max_total_time={seconds}", "-print_final_stats=1"] + sys.argv[3:]
print(" ".join(command), flush=True)
try:
    sys.exit(subprocess.run(command, timeout=seconds + 120).returncode)
except subprocess.TimeoutExpired:
    sys.exit(f"run.py: {os.path.basename(fuzzer)} still running {seconds + 120} s after it began")
