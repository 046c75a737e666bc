#!/usr/bin/env bash
# A build system's compiler probes through the wrapper: Kbuild's cc-option and autoconf's
# checks compile `-x c /dev/null` once per flag, one at a time, while make parses its makefiles
# (a hundred and more before a kernel build's first object; 101 in bench/farm's Linux subset).
# Nothing of such a compile can go to a runner. Per probe, two ferry builds side by side, in
# interleaved rounds (30 Kbuild flags probed twice on a fresh coordinator): the wall time, the CPU of
# the wrapper and its compiler (this script's children) and the coordinator's CPU with its
# own children (it learns a compiler's predefined macros per command-line shape). Each build
# has its own coordinator; one loopback ferryd is the cluster.
# Usage: bench/compiler_probes/run.sh NEW_FERRY BASE_FERRY FERRYD [ROUNDS]   (default 5)
set -euo pipefail
new=$(realpath "$1") base=$(realpath "$2") ferryd=$(realpath "$3") rounds=${4:-5}
tmp=$(mktemp -d /tmp/ferry-compiler-probes-XXXXXX)
export FERRY_HOSTS=127.0.0.62:27762/2 FERRY_LOCAL_WHEN_IDLE=0 FERRY_IDLE_TIMEOUT=600
# shellcheck source=../lib/loopback_ferryd.sh
. "$(dirname "$0")/../lib/loopback_ferryd.sh"
cleanup() {
    for b in new base; do XDG_RUNTIME_DIR=$tmp/run-$b "$new" shutdown >/dev/null 2>&1 || true; done
    bench_stop_ferryds
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
bench_start_ferryd "$ferryd" 127.0.0.62:27762 "$tmp/ferryd.log"
flags="-fno-stack-protector -fcf-protection=none -mno-red-zone -fno-PIE -fno-pic
-mindirect-branch=thunk-extern -mfunction-return=thunk-extern -fzero-call-used-regs=used-gpr
-fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow
-Wno-address-of-packed-member -fno-allow-store-data-races -fno-stack-clash-protection
-mskip-rax-setup -mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3 -falign-jumps=1
-falign-loops=1 -fno-asynchronous-unwind-tables -fno-jump-tables -Wframe-larger-than=2048
-Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack
-Wno-array-bounds -Wno-stringop-overflow"
nflags=$(wc -w <<<"$flags")
ticks=$(getconf CLK_TCK)
cpu_of() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; } # own and reaped children
coordinator_of() { pgrep -f "coordinator --socket $tmp/run-$1/" | head -1; }
for b in new base; do mkdir -m 700 "$tmp/run-$b"; done
: >"$tmp/samples"
for ((r = 1; r <= rounds; r++)); do
    for b in new base; do
        bin=$new && [ $b = new ] || bin=$base
        # A fresh coordinator each round, as a build's first probes meet it: every flag is a
        # command-line shape it has not seen. The second pass repeats them (Kbuild's
        # sub-makes probe again).
        XDG_RUNTIME_DIR=$tmp/run-$b "$bin" shutdown >/dev/null 2>&1 || true
        XDG_RUNTIME_DIR=$tmp/run-$b "$bin" gcc -c -x c /dev/null -o "$tmp/warm.o" # starts it
        coord=$(coordinator_of $b)
        for pass in first again; do
            c0=$(cpu_of "$coord") s0=$(cpu_of $$) t0=$(date +%s%N)
            for f in $flags; do
                XDG_RUNTIME_DIR=$tmp/run-$b "$bin" gcc -Werror "$f" -c -x c /dev/null -o "$tmp/p.o"
            done
            t1=$(date +%s%N) s1=$(cpu_of $$) c1=$(cpu_of "$coord")
            # µs per probe: wall, wrapper + compiler, coordinator
            echo "$b $pass $(((t1 - t0) / 1000 / nflags)) $(((s1 - s0) * 1000000 / ticks / nflags)) $(((c1 - c0) * 1000000 / ticks / nflags))" >>"$tmp/samples"
        done
    done
done
for b in new base; do
    bin=$new && [ $b = new ] || bin=$base
    echo "$b: $(XDG_RUNTIME_DIR=$tmp/run-$b "$bin" status | grep '^local because' || echo 'no local reasons')"
done
python3 - "$tmp/samples" "$rounds" "$nflags" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"{sys.argv[2]} rounds of {sys.argv[3]} probes, twice each; medians of the rounds, ms per probe")
print("| build | pass | wall | wrapper + compiler CPU | coordinator CPU | client CPU |")
print("|---|---|---|---|---|---|")
for p in ("first", "again"):
    for b in ("new", "base"):
        w, s, c = ([int(r[i]) / 1000 for r in rows if r[0] == b and r[1] == p] for i in (2, 3, 4))
        t = [x + y for x, y in zip(s, c)]
        m = statistics.median
        print(f"| {b} | {p} | {m(w):.1f} | {m(s):.1f} | {m(c):.1f} | {m(t):.1f} |")
PY
