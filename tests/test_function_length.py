#!/usr/bin/env python3
"""No function in lib/ or tools/ is longer than 80 lines, unless the comment at its head says
why (it then mentions "80 lines"). STYLE.md: functions short enough to read at once.

A function is read as the code formats it (clang-format, .clang-format): its signature starts
at column 0, its body opens with "{" alone on a line and closes with "}" alone on a line. The
length counts from the signature's first line to the closing brace.

usage: test_function_length.py SOURCE_ROOT
"""
import pathlib
import re
import sys

LIMIT = 80


def functions(lines):
    """(name, first line, length, head comment) of every function definition."""
    i = 0
    while i < len(lines):
        if lines[i] != "{":
            i += 1
            continue
        start = i - 1
        while start > 0 and lines[start - 1] and lines[start - 1][0] not in " }/#*" \
                and not lines[start - 1].endswith((";", "*/")):
            start -= 1
        end = i + 1
        while end < len(lines) and lines[end] != "}":
            end += 1
        head = []
        j = start - 1
        while j >= 0 and lines[j].lstrip().startswith(("/*", "*")):
            head.insert(0, lines[j])
            j -= 1
        m = re.search(r"(\w+)\s*\(", " ".join(lines[start:i]))
        yield (m.group(1) if m else "?"), start + 1, end - start + 1, "\n".join(head)
        i = end + 1


def main():
    root = pathlib.Path(sys.argv[1])
    files = sorted(root.glob("lib/**/*.c")) + sorted(root.glob("tools/*.c"))
    if len(files) < 10:
        sys.exit(f"test_function_length: only {len(files)} files under {root}")
    long_ones = n = 0
    for path in files:
        for name, line, length, head in functions(path.read_text().split("\n")):
            n += 1
            if length > LIMIT and "80 lines" not in head:
                long_ones += 1
                print(f"{path.relative_to(root)}:{line}: {name} is {length} lines, over {LIMIT}")
    print(f"{n} functions in {len(files)} files, {long_ones} over {LIMIT} lines without a reason")
    return 1 if long_ones or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
