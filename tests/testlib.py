"""What the Python tests share: counted checks and a command's output.

    from testlib import Checks, run
    c = Checks()
    c.check(cond, "what", detail)   # returns cond; prints FAIL and detail when false
    return c.done()                 # prints "N checks, N failed"; 0 or 1
"""
import subprocess
import sys


class Checks:
    def __init__(self, verbose=False):
        self.checks = 0
        self.failures = 0
        self.verbose = verbose  # print "ok: what" for passing checks too

    def check(self, cond, what, detail=""):
        self.checks += 1
        if not cond:
            self.failures += 1
            print(f"FAIL: {what}\n{detail}", file=sys.stderr)
        elif self.verbose:
            print(f"ok: {what}")
        return cond

    def done(self, prefix=""):
        print(f"{prefix}{self.checks} checks, {self.failures} failed")
        return 1 if self.failures else 0


def run(cmd, timeout=300, **kw):
    """The command's exit status and its stdout and stderr together."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    return p.returncode, p.stdout + p.stderr
