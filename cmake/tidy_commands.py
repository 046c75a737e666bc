#!/usr/bin/env python3
"""The compile commands clang-tidy checks (the `tidy` target, cmake/Tidy.cmake).

Reads the build's compile_commands.json and writes DIR/compile_commands.json with ferry's own
sources only (not tests/, not generated files) and without the precompiled header: a header
image is compiler-specific (a gcc build's .gch means nothing to clang-tidy), and every source
must include what it uses anyway (FERRY_PCH=OFF builds check that).
usage: tidy_commands.py BUILD_DIR/compile_commands.json OUT_DIR SOURCE_DIR
"""
import json
import os
import shlex
import sys


def without_pch(args):
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        # gcc: -include .../cmake_pch.hxx; clang: -Xclang -include-pch -Xclang X.pch and
        # -Xclang -include -Xclang .../cmake_pch.hxx
        if a == "-include" and i + 1 < len(args) and args[i + 1].endswith("cmake_pch.hxx"):
            i += 2
            continue
        if (a == "-Xclang" and i + 3 < len(args) and args[i + 1] in ("-include-pch", "-include")
                and "cmake_pch.hxx" in args[i + 3]):
            i += 4
            continue
        if a == "-Winvalid-pch":
            i += 1
            continue
        out.append(a)
        i += 1
    # A gcc build's warning options that clang does not know are not findings.
    return out + ["-Wno-unknown-warning-option"]


def main():
    commands_path, out_dir, source_dir = sys.argv[1:4]
    source_dir = os.path.realpath(source_dir)
    with open(commands_path) as f:
        entries = json.load(f)
    kept = []
    for e in entries:
        path = os.path.realpath(os.path.join(e["directory"], e["file"]))
        rel = os.path.relpath(path, source_dir)
        if rel.startswith("..") or rel.startswith("build") or rel.startswith("tests/"):
            continue
        if os.path.commonpath([path, os.path.realpath(e["directory"])]) == os.path.realpath(
                e["directory"]):
            continue  # generated into the build tree
        args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
        kept.append({"directory": e["directory"], "file": path,
                     "command": shlex.join(without_pch(args))})
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "compile_commands.json"), "w") as f:
        json.dump(kept, f, indent=1)
    print(f"tidy: {len(kept)} sources")


if __name__ == "__main__":
    main()
