#!/usr/bin/env bash
# Measures what each compile of the farm's workloads costs against its input bytes by kind,
# and how well each weighting predicts it (coordinator/cost_estimate.hpp's is marked).
#
# usage: bench/cost_model/run.sh FARM_DIR... [-o OUT_DIR]
#   FARM_DIR  a directory bench/farm/run.sh kept (FARM_KEEP=1) with the local mode's build
#             parked in park/<workload>-local (openssl, gtest or linux)
# Compiles one unit at a time on this machine (CPU time: user + sys of the compiler).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/ferry-cost-model
farms=()
while (($#)); do
    case $1 in
    -o) out=$2; shift 2 ;;
    *) farms+=("$1"); shift ;;
    esac
done
((${#farms[@]})) || { echo "usage: $0 FARM_DIR... [-o OUT_DIR]" >&2; exit 2; }
mkdir -p "$out"
tables=()
for farm in "${farms[@]}"; do
    farm=$(cd "$farm" && pwd)
    if [[ -d $farm/park/openssl-local ]]; then
        tree=$farm/park/openssl-local
        # OpenSSL's Makefile rebuilds configdata.pm (and itself) from the tree it was
        # configured in: -o keeps make from trying.
        mapfile -t objects < <(cd "$tree" && find . -name '*.d' | sed 's|^\./||; s|\.d$|.o|' | sort)
        (cd "$tree" && make -n -B -o configdata.pm -o Makefile "${objects[@]}" 2>/dev/null) |
            grep -E '^(gcc|cc) .* -c -o ' >"$out/openssl.cmds"
        "$here/measure.py" "$tree" "$out/openssl.cmds" "$out/openssl.tsv"
        tables+=("openssl=$out/openssl.tsv")
    fi
    if [[ -d $farm/park/gtest-local ]]; then
        build=$farm/park/gtest-local/build
        # The build was configured in $farm/tree: its commands name that tree.
        (cd "$build" && ninja -t commands) | grep -- ' -c ' |
            sed "s|$farm/tree/|$farm/park/gtest-local/|g" >"$out/gtest.cmds"
        "$here/measure.py" "$build" "$out/gtest.cmds" "$out/gtest.tsv"
        tables+=("gtest=$out/gtest.tsv")
    fi
    if [[ -d $farm/park/linux-local ]]; then
        tree=$farm/park/linux-local
        # Kbuild keeps each object's command in its .cmd file (then objtool's, after ';').
        for cmd in "$tree"/mm/.*.o.cmd "$tree"/lib/.*.o.cmd; do
            head -1 "$cmd" | sed 's/^cmd_[^ ]* := //'
        done | grep -o '^gcc .* -c -o [^ ]* [^ ]*\.c' >"$out/linux.cmds" || true
        "$here/measure.py" "$tree" "$out/linux.cmds" "$out/linux.tsv"
        tables+=("linux=$out/linux.tsv")
    fi
done
"$here/fit.py" "${tables[@]}"
