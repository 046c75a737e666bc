#!/usr/bin/env bash
# The coordinator's include analysis over OpenSSL's libcrypto units, with and without the
# memoised walk (coordinator/includes/walk_memo.hpp). The source is bench/farm's (Debian's
# OpenSSL source package, fetched by bench/farm/run.sh into $CACHE_DIR); the units are the
# first N libcrypto objects' compile commands as `make -n` prints them.
# Two measures, each mode a fresh analyst (a fresh coordinator: a first build):
#   - instructions (valgrind --tool=callgrind, counted only inside the walk: deterministic,
#     what a noisy 2-core machine cannot blur);
#   - the walk's CPU time per unit (the analysing thread's, as the coordinator reports it),
#     ROUNDS separate processes per mode in alternating order (medians).
# The bench fails when the memo changes any unit's answer.
# Usage: bench/include_walk/run.sh WALK_BENCH [UNITS] [ROUNDS]   (default 300, 7)
set -euo pipefail
bench=$(realpath "$1") units=${2:-300} rounds=${3:-7}
CACHE_DIR=${CACHE_DIR:-/var/tmp/ferry-bench-farm}
src=$(ls -d "$CACHE_DIR"/openssl-src/openssl-*/ 2>/dev/null | sort -V | tail -1)
[ -n "$src" ] || { echo "no OpenSSL source in $CACHE_DIR: run bench/farm/run.sh --workloads openssl once" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "needs valgrind (scripts/install-deps.sh --bench)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/ferry-include-walk-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -a "$src" "$tmp/ossl"
(cd "$tmp/ossl" && ./Configure linux-x86_64 >/dev/null 2>&1 && make -s build_generated >/dev/null 2>&1)
objs=$({ make -C "$tmp/ossl" -qp 2>/dev/null || true; } |
    awk -F': *' '$1 == "libcrypto.a" && !done { print $2; done = 1 }' | tr ' ' '\n' | grep '\.o$' | sed -n "1,${units}p")
gcc=$(command -v gcc)
# shellcheck disable=SC2086
make -C "$tmp/ossl" -n $objs 2>/dev/null | grep -E '^gcc .* -c ' | while IFS= read -r line; do
    eval "set -- $line"
    shift
    printf '%s\0' "$gcc" "$@"
    printf '\0'
done >"$tmp/units.bin"

echo "== $(basename "$src"), first $units libcrypto objects' commands; $(gcc --version | head -1)"
echo "== instructions inside the walk (callgrind), per unit"
for mode in walk memo; do
    valgrind --tool=callgrind --toggle-collect='ferry::includes::analyse*' \
        --callgrind-out-file="$tmp/cg.$mode" "$bench" "$tmp/units.bin" "$tmp/ossl" 1 "$mode" \
        >"$tmp/cg.$mode.log" 2>&1
    n=$(awk '/^units /{print $2+0}' "$tmp/cg.$mode.log")
    ir=$(awk '/Collected :/{print $4}' "$tmp/cg.$mode.log")
    # The bench walks every unit twice per mode (a first analyst for the compiler probes).
    echo "$mode $n $ir" | awk '{printf "%-5s %12.0f instructions per unit\n", $1, $3 / 2 / $2}'
    grep '^memo (last' "$tmp/cg.$mode.log" || true
done
echo "== CPU time of the walk, ms per unit, $rounds processes per mode, alternating"
for ((r = 0; r < rounds; r++)); do
    if ((r % 2)); then order="memo walk"; else order="walk memo"; fi
    for mode in $order; do
        "$bench" "$tmp/units.bin" "$tmp/ossl" 1 "$mode" | awk -v m="$mode" '$1 == m && NF == 4 {print m, $2}'
    done
done >"$tmp/times"
for mode in walk memo; do
    awk -v m="$mode" '$1 == m {print $2}' "$tmp/times" | sort -n |
        awk -v m="$mode" '{v[NR] = $1; all = all " " $1} END {printf "%-5s median %.3f (sorted:%s)\n", m, v[int((NR + 1) / 2)], all}'
done
"$bench" "$tmp/units.bin" "$tmp/ossl" 1 | head -1
