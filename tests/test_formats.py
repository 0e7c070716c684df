#!/usr/bin/env python3
"""The output formats end to end through a real bench executable: JSON parsed strictly and
validated against docs/schema/microbe-results-v1.schema.json with every object closed (the
published schema admits unknown fields, checked with tests/fixtures/results_v1_future.json),
CSV read with the csv module,
several outputs from one run (--format and --output), an unwritable output path, a German
locale (numbers must keep '.'), and Google Benchmark's compare.py reading our gbench-json.

usage: test_formats.py BENCH_EXE SOURCE_DIR [MICROBE_COMPARE]

With MICROBE_COMPARE, names and string parameters full of special characters go through
every format and are parsed back.

Needs jsonschema (exits 77, meson's skip, without it); the compare.py part is skipped when
/usr/share/benchmark/compare.py (Debian's libbenchmark-tools) or its numpy/scipy is missing.
"""
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

try:
    import jsonschema
except ImportError:
    print("skipped: the jsonschema module is not installed for", sys.executable)
    sys.exit(77)

COMPARE_PY = "/usr/share/benchmark/compare.py"
CSV_COLUMNS = [
    "name", "status", "message", "samples", "total_iters", "confidence", "median_ns",
    "median_low_ns", "median_high_ns", "rel_half_width", "mean_ns", "mean_low_ns",
    "mean_high_ns", "std_dev_ns", "mad_ns", "min_ns", "slope_ns", "slope_low_ns",
    "slope_high_ns", "r_squared", "cv", "outliers", "outlier_effect", "warnings", "verdict",
    "change_ratio", "change_low", "change_high", "change_p", "change_reason", "group",
    "paired_verdict", "paired_ratio", "paired_low", "paired_high", "paired_p", "paired_reason",
    "counters", "instructions_per_iter",
    "instructions_verdict", "bytes_per_second", "items_per_second", "mode", "threads",
    "invocations", *(f"p{p}{part}_ns" for p in ("50", "90", "95", "99", "99.9")
                     for part in ("", "_low", "_high")),
    "max_ns", "user_counters",
]
SAMPLE_COLUMNS = ["name", "sample", "iters", "time_ns", "ns_per_iter", "outlier"]

failures = 0
checks = 0
skipped = []


def check(cond, what, detail=""):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print(f"FAIL: {what}\n{detail}"[:4000], file=sys.stderr)
    return cond


def skip(what):
    skipped.append(what)
    print(f"skipped: {what}", file=sys.stderr)


def run(exe, *args, env=None, timeout=240):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("MICROBE_", "LC_"))}
    full_env.pop("LANG", None)
    full_env.update(env or {})
    p = subprocess.run([exe, *args], capture_output=True, env=full_env, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def _reject_constant(name):
    raise ValueError(f"non-standard JSON constant {name}")


def strict_json(text, what):
    """Parses text as strict JSON (no NaN or Infinity), or records a failure and returns
    None."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as e:
        check(False, f"{what} is strict JSON", f"{e}\n{text[:2000]}")
        return None


def closed(schema):
    """schema with every object closed (additionalProperties false wherever it lists
    properties): microbe's own output must hold no field the schema does not describe, though
    the published schema admits them for later revisions of version 1."""
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: closed(v) for k, v in schema.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def check_future_fields(schema, strict, source_dir):
    """A file of a later revision of version 1 (unknown fields in every object) is valid
    against the published schema, and not against the closed one."""
    path = os.path.join(source_dir, "tests", "fixtures", "results_v1_future.json")
    with open(path, encoding="utf-8") as f:
        doc = strict_json(f.read(), "results_v1_future.json")
    validate(doc, jsonschema.Draft202012Validator(schema), "results_v1_future.json")
    check(not strict.is_valid(doc), "results_v1_future.json has fields the closed schema refuses")
    opened = json.dumps(schema).count('"additionalProperties": false')
    check(opened == 0, "the published schema refuses no unknown field",
          f"{opened} objects have additionalProperties false")


def validate(doc, validator, what):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    check(not errors, f"{what} is valid against the schema",
          "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10]))


def finite(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_results(doc, names, what):
    """The benchmarks of a json document: every expected one, in order, measured, with
    intervals around the points and the raw samples."""
    if doc is None:
        return
    benches = doc.get("benchmarks", [])
    check([b.get("name") for b in benches] == names, f"{what}: every benchmark, in run order",
          str([b.get("name") for b in benches]))
    for b in benches:
        name = b.get("name")
        check(b.get("status") == "ok" and b.get("message") is None, f"{what}: {name} ok", str(b))
        est = b.get("estimates", {})
        # The median's order-statistic interval always holds the median; a bootstrap
        # interval (BCa for the mean) need not hold its point, so only its order is checked.
        for key in ("median", "mean", "min", "std_dev", "mad"):
            e = est.get(key, {})
            point, low, high = e.get("point_ns"), e.get("low_ns"), e.get("high_ns")
            ok = all(finite(v) for v in (point, low, high)) and low <= high
            if key == "median":
                ok = ok and low <= point <= high
            check(ok, f"{what}: {name}: {key} with its interval", str(e))
        check(finite(est.get("median", {}).get("point_ns")) and est["median"]["point_ns"] > 0,
              f"{what}: {name}: a positive median")
        raw = b.get("raw_samples", {})
        n = b.get("samples")
        check(isinstance(n, int) and n >= 2 and len(raw.get("iters", [])) == n
              and len(raw.get("time_ns", [])) == n and len(raw.get("outlier", [])) == n,
              f"{what}: {name}: the raw samples, one per sample", f"samples {n}")
        check(sum(raw.get("iters", [])) == b.get("total_iters"),
              f"{what}: {name}: the raw iterations add up to total_iters")


def parse_csv(text, what):
    """Rows of an RFC 4180 document whose records all end with CRLF."""
    check(text.endswith("\r\n") and "\n" not in text.replace("\r\n", ""),
          f"{what}: every record ends with CRLF", repr(text[:300]))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(len(rows) >= 1, f"{what}: a header row")
    return rows


def check_csv_numbers(rows, numeric, what):
    """Every field of the named columns is empty or a number written with '.'."""
    header = rows[0]
    for row in rows[1:]:
        check(len(row) == len(header), f"{what}: the row has as many fields as the header",
              f"{row} vs {header}")
        for col in numeric:
            if col in header and len(row) == len(header):
                v = row[header.index(col)]
                ok = v == "" or re.fullmatch(r"-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?", v)
                check(bool(ok), f"{what}: {col} is a plain number", f"{col}={v!r} in {row}")


def check_summary_csv(text, doc, what):
    rows = parse_csv(text, what)
    check(rows and rows[0] == CSV_COLUMNS, f"{what}: the fixed header", str(rows[:1]))
    numeric = [c for c in CSV_COLUMNS
               if c not in ("name", "status", "message", "outlier_effect", "warnings", "mode",
                            "user_counters", "change_reason", "paired_reason")]
    check_csv_numbers(rows, numeric, what)
    if doc is None:
        return
    benches = doc["benchmarks"]
    check([r[0] for r in rows[1:]] == [b["name"] for b in benches],
          f"{what}: one row per benchmark, in run order", str(rows))
    for row, b in zip(rows[1:], benches):
        if len(row) != len(CSV_COLUMNS):
            continue
        get = dict(zip(CSV_COLUMNS, row))
        check(get["status"] == "ok" and int(get["samples"]) == b["samples"]
              and float(get["median_ns"]) == b["estimates"]["median"]["point_ns"],
              f"{what}: {b['name']}: the same run as the JSON output", str(row))


def check_samples_csv(text, doc, what):
    rows = parse_csv(text, what)
    check(rows and rows[0] == SAMPLE_COLUMNS, f"{what}: the fixed header", str(rows[:1]))
    check_csv_numbers(rows, ["sample", "iters", "time_ns", "ns_per_iter"], what)
    if doc is None:
        return
    for b in doc["benchmarks"]:
        mine = [r for r in rows[1:] if r and r[0] == b["name"]]
        raw = b["raw_samples"]
        check(len(mine) == b["samples"]
              and [int(r[2]) for r in mine] == raw["iters"]
              and [float(r[3]) for r in mine] == raw["time_ns"]
              and [r[5] for r in mine] == raw["outlier"]
              and [int(r[1]) for r in mine] == list(range(len(mine))),
              f"{what}: {b['name']}: one row per raw sample, as in the JSON output")


def check_markdown(text, names, what):
    lines = text.splitlines()
    check(any(l.startswith("| benchmark | median |") for l in lines),
          f"{what}: the table header", text)
    for name in names:
        row = [l for l in lines if l.startswith(f"| `{name}` |")]
        check(len(row) == 1, f"{what}: a table row for {name}", text)
        if row:
            cells = [c.strip() for c in row[0].strip("|").split(" | ")]
            check(len(cells) == 9 and re.fullmatch(r"[0-9]+\.[0-9]+ (ns|µs|ms|s)", cells[1]),
                  f"{what}: {name}: nine cells, the median with '.' and a unit", row[0])


# Every character a format must escape: CSV's quote, comma and line breaks; JSON's quote,
# backslash and control characters; Markdown's '|', backticks (single, double, at both ends)
# and emphasis; the user_counters column's ';', '=' and '%'; a tab, an escape, non-ASCII.
NASTY = '`n|a`m``e"\\,;=%*_<b>&[x](y)#\t\x1b[31m\u00e9 \u2603\r\nz`'


def markdown_cells(line):
    """The cells of a Markdown table row, split on the '|' that are not escaped."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def markdown_code(cell):
    """The text of a cell that is one code span: fence and padding off, '\\|' unescaped."""
    fence = re.match(r"`+", cell).group(0)
    inner = cell[len(fence):-len(fence)]
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
        inner = inner[1:-1]
    return inner.replace("\\|", "|")


def nasty_results(source_dir, path):
    """The golden JSON run with a name full of special characters for every benchmark and
    user counter and a string parameter; returns the benchmarks' names."""
    with open(os.path.join(source_dir, "tests", "golden", "emit_json.txt"),
              encoding="utf-8") as f:
        doc = json.load(f)
    names = []
    for i, b in enumerate(doc["benchmarks"]):
        b["name"] = f"{NASTY}{i}"
        names.append(b["name"])
        b["parameters"] = {"text": NASTY}
        for k, c in enumerate(b.get("user_counters", [])):
            c["name"] = f"{NASTY}{i}.{k}"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return names, doc


def check_escaping(compare, source_dir, d):
    """Names and string parameters full of special characters through every format (each
    rendered by microbe-compare from a results file, against itself), parsed back."""
    path = os.path.join(d, "nasty.json")
    names, doc = nasty_results(source_dir, path)
    counters = [c["name"] for b in doc["benchmarks"] for c in b.get("user_counters", [])]
    out = {}
    for fmt in ("text", "json", "csv", "csv-samples", "markdown", "gbench-json", "bmf"):
        code, out[fmt], err = run(compare, "--format", fmt, path, path)
        check(code == 0, f"escaping: microbe-compare --format {fmt} exits 0", err)
    got = strict_json(out["json"], "escaping: json")
    if got:
        check([b["name"] for b in got["benchmarks"]] == names, "escaping: json names")
        check(all(b["parameters"] == {"text": NASTY} for b in got["benchmarks"]),
              "escaping: json string parameters")
        check([c["name"] for b in got["benchmarks"] for c in b["user_counters"]] == counters,
              "escaping: json user counter names")
    got = strict_json(out["gbench-json"], "escaping: gbench-json")
    if got:
        check([b["name"] for b in got["benchmarks"]] == names, "escaping: gbench-json names")
        check([k for b in got["benchmarks"] for k in b if k.startswith(NASTY)] == counters,
              "escaping: gbench-json user counter keys")
    got = strict_json(out["bmf"], "escaping: bmf")
    if got:
        measured = [b["name"] for b in doc["benchmarks"] if b["status"] == "ok"]
        check(list(got) == measured, "escaping: bmf names", str(list(got)))
        check([k for m in got.values() for k in m if k.startswith(NASTY)] == counters,
              "escaping: bmf user counter measures")
    rows = list(csv.reader(io.StringIO(out["csv"], newline="")))
    check([r[0] for r in rows[1:]] == names, "escaping: csv names", str(rows[1:][:1]))
    decoded = [urllib.parse.unquote(item.rsplit("=", 1)[0])
               for r in rows[1:] if r[-1] for item in r[-1].split(";")]
    check(decoded == counters, "escaping: csv user_counters names", str(decoded))
    rows = list(csv.reader(io.StringIO(out["csv-samples"], newline="")))
    measured = [b["name"] for b in doc["benchmarks"] if b["status"] == "ok"]
    check(sorted({r[0] for r in rows[1:]}) == sorted(measured), "escaping: csv-samples names",
          str(sorted({r[0] for r in rows[1:]})))
    # Markdown: the first table's rows name every benchmark, each in one cell; a table
    # cell cannot hold a line break, which becomes a space.
    flat = [n.replace("\r", " ").replace("\n", " ") for n in names]
    lines = out["markdown"].split("\n")
    first = lines.index("|:---|---:|:---|---:|---:|---:|---:|---:|:---|")
    cells = [markdown_cells(l) for l in lines[first + 1:first + 1 + len(names)]]
    check([c[0] and markdown_code(c[0]) for c in cells] == flat, "escaping: markdown names",
          "\n".join(lines[first:first + 3]))
    check(all(len(c) == 9 for c in cells), "escaping: markdown rows keep their nine cells")
    # Text: no control character of a name reaches the report; each is shown as an escape.
    text = out["text"]
    check("\x1b" not in text and "\r" not in text and "\t" not in text,
          "escaping: text report holds no control character", repr(text[:400]))
    check(all(n.replace("\t", "\\t").replace("\x1b", "\\x1b").replace("\r", "\\r")
              .replace("\n", "\\n") in text for n in names), "escaping: text names, escaped")


def main():
    exe, source_dir = sys.argv[1], sys.argv[2]
    compare = sys.argv[3] if len(sys.argv) > 3 else None
    with open(os.path.join(source_dir, "docs", "schema",
                           "microbe-results-v1.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(closed(schema))
    check_future_fields(schema, validator, source_dir)

    # The golden output of the emitter test exercises what a healthy run does not: a failed
    # benchmark, nulls, a flat plan.
    with open(os.path.join(source_dir, "tests", "golden", "emit_json.txt"),
              encoding="utf-8") as f:
        validate(strict_json(f.read(), "the golden JSON"), validator, "the golden JSON")

    code, out, err = run(exe, "--list")
    names = out.split()
    check(code == 0 and len(names) >= 2, "--list names the benchmarks", out + err)

    # json on stdout.
    code, out, err = run(exe, "--quick", "--format", "json")
    check(code == 0, "--format json exits 0", err)
    doc = strict_json(out, "--format json")
    if doc is not None:
        validate(doc, validator, "--format json")
        check(doc.get("schema_version") == 1 and doc.get("library") == "microbe",
              "schema_version and library")
        check(doc.get("settings", {}).get("filter") is None, "no filter: null")
        check(doc.get("context", {}).get("executable", "").endswith(os.path.basename(exe)),
              "the context names the executable", str(doc.get("context")))
    check_results(doc, names, "--format json")

    with tempfile.TemporaryDirectory() as d:
        if compare:
            with tempfile.TemporaryDirectory() as nasty_dir:
                check_escaping(compare, source_dir, nasty_dir)
        # Several outputs from one run: files written whole, nothing else left behind.
        code, out, err = run(exe, "--quick", "--output", f"csv:{d}/a.csv", "--output",
                             f"json:{d}/a.json", "--output", f"markdown:{d}/a.md",
                             "--format", "csv-samples")
        check(code == 0, "several outputs exit 0", err)
        check(sorted(os.listdir(d)) == ["a.csv", "a.json", "a.md"],
              "exactly the three files, no temporary file left", str(os.listdir(d)))
        doc = None
        if os.path.exists(f"{d}/a.json"):
            with open(f"{d}/a.json", encoding="utf-8") as f:
                doc = strict_json(f.read(), "json:a.json")
            if doc is not None:
                validate(doc, validator, "json:a.json")
            check_results(doc, names, "json:a.json")
        if os.path.exists(f"{d}/a.csv"):
            with open(f"{d}/a.csv", encoding="utf-8", newline="") as f:
                check_summary_csv(f.read(), doc, "csv:a.csv")
        check_samples_csv(out, doc, "--format csv-samples")
        if os.path.exists(f"{d}/a.md"):
            with open(f"{d}/a.md", encoding="utf-8") as f:
                check_markdown(f.read(), names, "markdown:a.md")

        # An output that cannot be created stops everything before anything runs.
        code, out, err = run(exe, "--quick", "--output", "json:/nonexistent/x.json")
        check(code == 2, "an unwritable output exits 2", f"exit {code}\n{err}")
        check(out == "", "nothing ran: stdout is empty", out)
        check(len(err.splitlines()) == 1 and "/nonexistent/x.json" in err,
              "one line on stderr naming the path", err)

        # A locale with a decimal comma changes no number.
        try:
            locales = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout
        except OSError:
            locales = ""
        if not re.search(r"^de_DE\.utf-?8$", locales, re.I | re.M):
            skip("the de_DE.UTF-8 locale is not installed (generate it with locale-gen)")
        else:
            code, out, err = run(exe, "--quick", "--format", "json", "--output",
                                 f"csv:{d}/de.csv", "--output", f"markdown:{d}/de.md",
                                 env={"LC_ALL": "de_DE.UTF-8"})
            check(code == 0, "a run under de_DE.UTF-8 exits 0", err)
            doc = strict_json(out, "json under de_DE.UTF-8")
            if doc is not None:
                validate(doc, validator, "json under de_DE.UTF-8")
            check_results(doc, names, "json under de_DE.UTF-8")
            if os.path.exists(f"{d}/de.csv"):
                with open(f"{d}/de.csv", encoding="utf-8", newline="") as f:
                    check_summary_csv(f.read(), doc, "csv under de_DE.UTF-8")
            if os.path.exists(f"{d}/de.md"):
                with open(f"{d}/de.md", encoding="utf-8") as f:
                    check_markdown(f.read(), names, "markdown under de_DE.UTF-8")

        # Google Benchmark's compare.py reads two gbench-json outputs; bmf on the side.
        gb = []
        for i in range(2):
            code, out, err = run(exe, "--quick", "--format", "gbench-json", "--output",
                                 f"bmf:{d}/{i}.bmf")
            check(code == 0, "--format gbench-json exits 0", err)
            g = strict_json(out, "gbench-json")
            if g is not None:
                check(all(k in g.get("context", {}) for k in (
                    "date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
                    "cpu_scaling_enabled", "caches", "load_avg", "library_build_type")),
                      "gbench-json: the context keys", str(g.get("context")))
                benches = g.get("benchmarks", [])
                check([b.get("name") for b in benches] == names, "gbench-json: every benchmark")
                for idx, b in enumerate(benches):
                    check(b.get("run_type") == "iteration" and b.get("time_unit") == "ns"
                          and b.get("family_index") == idx and b.get("threads") == 1
                          and finite(b.get("real_time")) and b["real_time"] > 0
                          and b.get("cpu_time") == b.get("real_time")
                          and isinstance(b.get("iterations"), int),
                          f"gbench-json: {b.get('name')}: one iteration run in ns", str(b))
            with open(f"{d}/{i}.gbench.json", "w", encoding="utf-8") as f:
                f.write(out)
            bmf = None
            if os.path.exists(f"{d}/{i}.bmf"):
                with open(f"{d}/{i}.bmf", encoding="utf-8") as f:
                    bmf = strict_json(f.read(), "bmf")
            check(isinstance(bmf, dict) and list(bmf) == names, "bmf: every benchmark", str(bmf))
            for name, m in (bmf or {}).items():
                lat = m.get("latency", {}) if isinstance(m, dict) else {}
                check(list(m) == ["latency"] and finite(lat.get("value"))
                      and lat.get("lower_value", math.inf) <= lat["value"]
                      <= lat.get("upper_value", -math.inf),
                      f"bmf: {name}: latency with its interval", str(m))
            gb.append(f"{d}/{i}.gbench.json")

        deps = subprocess.run(["/usr/bin/python3", "-c", "import numpy, scipy"],
                              capture_output=True)
        if not os.path.exists(COMPARE_PY):
            skip(f"{COMPARE_PY} is missing (Debian: libbenchmark-tools)")
        elif deps.returncode != 0:
            skip("compare.py needs numpy and scipy for /usr/bin/python3")
        else:
            p = subprocess.run(["/usr/bin/python3", COMPARE_PY, "--no-color", "benchmarks",
                                *gb], capture_output=True, text=True, timeout=120)
            check(p.returncode == 0, "compare.py accepts our gbench-json", p.stdout + p.stderr)
            for name in names:
                check(re.search(rf"^{re.escape(name)}\s", p.stdout, re.M) is not None,
                      f"compare.py reports {name}", p.stdout)

    print(f"{checks} checks, {failures} failed" + (f", {len(skipped)} parts skipped"
                                                    if skipped else ""), file=sys.stderr)
    if failures:
        return 1
    return 77 if checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
