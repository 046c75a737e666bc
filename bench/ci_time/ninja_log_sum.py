#!/usr/bin/env python3
"""Sums a clean build's .ninja_log: steps, the CPU-ish sum of step durations (each step runs on
one core, so on an idle machine the sum is the compile CPU time), the span (first start to last
end), and the heaviest steps. Usage: ninja_log_sum.py BUILD_DIR [TOP_N]"""
import os
import sys

build = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 10
steps = {}
with open(os.path.join(build, ".ninja_log")) as log:
    for line in log:
        if line.startswith("#"):
            continue
        start, end, _mtime, target, _hash = line.rstrip("\n").split("\t")
        steps[target] = (int(start), int(end))  # the last run of a target wins, as in ninja
total = sum(e - s for s, e in steps.values()) / 1000
span = (max(e for _, e in steps.values()) - min(s for s, _ in steps.values())) / 1000
def group(t):
    if t.endswith(".gch") or ".pch" in t or "cmake_pch" in t:
        return "pch"
    if "/tests/unit/" in t or t.startswith("tests/unit/"):
        return "unit tests"
    if t.endswith(".o"):
        return "other objects"
    return "links/other"
groups = {}
for t, (s, e) in steps.items():
    groups[group(t)] = groups.get(group(t), 0) + (e - s) / 1000
print(f"{build}: {len(steps)} steps, sum {total:.0f} s, span {span:.0f} s")
for g, v in sorted(groups.items(), key=lambda kv: -kv[1]):
    print(f"  {g:14} {v:7.0f} s")
for t, (s, e) in sorted(steps.items(), key=lambda kv: kv[1][0] - kv[1][1])[:top]:
    print(f"  {(e - s) / 1000:6.1f} s  {t}")
