#!/usr/bin/env python3
"""Strict checker for the Prometheus text exposition format (0.0.4) that ferryd --metrics
serves. Usage: prom_check.py FILE. Exits 1 with a message on the first violation; otherwise
prints every sample as `SERIES<TAB>VALUE`, SERIES being the name and its labels exactly as
they appear, so a suite can look values up with awk.

Checked: every line is a HELP, a TYPE or a sample; each family has one HELP and one TYPE,
both before its samples; every sample belongs to a declared family; no series twice; label
values use only the format's escapes; counters are finite and >= 0; histogram buckets are
non-decreasing in `le` order, end with le="+Inf", and that bucket equals `_count`; `_sum`
exists."""
import math
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(
    rf"^({NAME})(\{{(?:{LABEL}(?:,{LABEL})*)?\}})? (\S+)(?: -?[0-9]+)?$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def die(lineno, message, line=""):
    sys.exit(f"prom_check: line {lineno}: {message}" + (f": {line!r}" if line else ""))


def value_of(text, lineno, line):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    try:
        return float(text)
    except ValueError:
        die(lineno, "not a number", line)


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    if not text.endswith("\n"):
        die(0, "the text does not end with a newline")
    helps, types, series = {}, {}, {}
    seen_samples = set()  # families that already had a sample
    histograms = {}  # (family, labels without le) -> {"buckets": [(le, v)], "count", "sum"}
    out = []
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) < 3 or parts[1] not in ("HELP", "TYPE") or not re.fullmatch(NAME, parts[2]):
                die(lineno, "a comment that is neither HELP nor TYPE", line)
            kind, name = parts[1], parts[2]
            if name in seen_samples:
                die(lineno, f"{kind} after samples of {name}", line)
            table = helps if kind == "HELP" else types
            if name in table:
                die(lineno, f"second {kind} for {name}", line)
            rest = parts[3] if len(parts) > 3 else ""
            if kind == "TYPE" and rest not in TYPES:
                die(lineno, f"unknown type {rest!r}", line)
            if kind == "HELP" and re.search(r"\\[^\\n]", rest.replace("\\\\", "")):
                die(lineno, "HELP with an escape other than \\\\ and \\n", line)
            table[name] = rest
            continue
        m = SAMPLE.match(line)
        if not m:
            die(lineno, "not a sample line `name{labels} value`", line)
        name, labels_text, value_text = m.group(1), m.group(2) or "", m.group(3)
        value = value_of(value_text, lineno, line)
        labels = LABEL_RE.findall(labels_text)
        if len({k for k, _ in labels}) != len(labels):
            die(lineno, "a label given twice", line)
        family = name
        if family not in types:
            for suffix in ("_bucket", "_sum", "_count"):
                if name.endswith(suffix) and types.get(name[: -len(suffix)]) in ("histogram", "summary"):
                    family = name[: -len(suffix)]
        if family not in types or family not in helps:
            die(lineno, f"sample of {family}, which has no HELP and TYPE before it", line)
        seen_samples.add(family)
        key = name + labels_text
        if key in series:
            die(lineno, "the same series twice", line)
        series[key] = value
        kind = types[family]
        if kind == "counter" and not (math.isfinite(value) and value >= 0):
            die(lineno, "a counter that is negative or not finite", line)
        if kind == "histogram":
            rest = tuple((k, v) for k, v in labels if k != "le")
            h = histograms.setdefault((family, rest), {"buckets": [], "count": None, "sum": None})
            if name == family + "_bucket":
                le = [v for k, v in labels if k == "le"]
                if len(le) != 1:
                    die(lineno, "a bucket without an le label", line)
                h["buckets"].append((value_of(le[0], lineno, line), value))
            elif name == family + "_count":
                h["count"] = value
            elif name == family + "_sum":
                h["sum"] = value
            else:
                die(lineno, "a histogram sample that is not _bucket, _sum or _count", line)
        out.append(f"{key}\t{value_text}")
    for name in set(helps) | set(types):
        if name not in helps or name not in types:
            die(0, f"{name} has a HELP or a TYPE but not both")
    for (family, rest), h in histograms.items():
        buckets = h["buckets"]
        if not buckets or buckets[-1][0] != math.inf:
            die(0, f"histogram {family}{rest} does not end with le=\"+Inf\"")
        for (le1, v1), (le2, v2) in zip(buckets, buckets[1:]):
            if not le1 < le2:
                die(0, f"histogram {family}: le {le1} then {le2}, not ascending")
            if v2 < v1:
                die(0, f"histogram {family}: bucket le={le2} ({v2}) < le={le1} ({v1}): not cumulative")
        if h["count"] is None or h["sum"] is None:
            die(0, f"histogram {family} without _count or _sum")
        if buckets[-1][1] != h["count"]:
            die(0, f"histogram {family}: +Inf bucket {buckets[-1][1]} != _count {h['count']}")
    print("\n".join(out))


main()
