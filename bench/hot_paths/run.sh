#!/usr/bin/env bash
# Two per-compile hot paths timed alone, for one build or two side by side (rounds alternate):
# compiler::analyse() on an OpenSSL command line, and the coordinator's hidden-read check
# over OpenSSL's sources and headers and /usr/include's headers (what a first build reads).
# The files come from bench/farm's OpenSSL (run bench/farm/run.sh --workloads openssl once).
# Usage: bench/hot_paths/run.sh NEW_BENCH [BASE_BENCH] [ROUNDS]
#   (a BENCH is build/<dir>/bench/hot_paths/ferry_hot_paths_bench of some commit)
set -euo pipefail
new=$(realpath "$1") base=${2:+$(realpath "$2")} rounds=${3:-7}
CACHE_DIR=${CACHE_DIR:-/var/tmp/ferry-bench-farm}
src=$(ls -d "$CACHE_DIR"/openssl-src/openssl-*/ 2>/dev/null | sort -V | tail -1)
[ -n "$src" ] || { echo "no OpenSSL source in $CACHE_DIR: run bench/farm/run.sh --workloads openssl once" >&2; exit 1; }
list=$(mktemp /tmp/ferry-hot-paths-XXXXXX)
trap 'rm -f "$list"' EXIT
{ find "$src" -name '*.[ch]' | sort; find /usr/include -name '*.h' | sort; } >"$list"
for r in 1 2 3; do
    echo "== pass $r: new"
    "$new" "$rounds" <"$list"
    if [ -n "$base" ]; then
        echo "== pass $r: base"
        "$base" "$rounds" <"$list"
    fi
done
