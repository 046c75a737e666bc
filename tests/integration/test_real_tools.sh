#!/usr/bin/env bash
# The real fifo jobserver tools (Debian 12 has neither): make 4.4.1 and ninja 1.13.2, built
# from Debian unstable's sources by tools/real_tools.sh (the CTest fixture
# integration.real_tools_setup). `ferry make` in make 4.4's default fifo style, with
# --jobserver-style=fifo and with --jobserver-style=pipe, and with the user's -j;
# `ferry ninja` with ninja as a jobserver client (no -j: concurrency = the pool, following a
# runner stopped and started again), with the user's -j, and running nested `ferry make`s.
# Every pool: all tokens back, no fifo left. The make suites also run with make 4.4.1
# (test_make_*.make44).
source "$(dirname "$0")/lib.sh"
ferry_test_init
use_real_tools
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
capacity_cluster
cp -r "$FIX/recursive" "$TEST_TMP/proj"
assert_eq "GNU Make 4.4.1" "$(make --version | head -1)" "the suite's make"
assert_eq 1.13.2 "$(ninja --version)" "the suite's ninja"

# pool_build NAME OVERLAP COMMAND...: runs COMMAND (a build under ferry's pool, or with the
# user's -j), stdout and stderr in $TEST_TMP/NAME.log; it succeeds, at most OVERLAP jobs ran
# at once and at some point exactly that many, and no tool complained about the jobserver.
pool_build() {
    local name=$1 overlap=$2
    shift 2
    : >"$STAMPS"
    : >"$FERRY_JOBSERVER_LOG"
    timeout 120 "$@" >"$TEST_TMP/$name.log" 2>&1 || fail "$name failed: $(tail -20 "$TEST_TMP/$name.log")"
    assert_eq "$overlap" "$(max_overlap)" "highest number of overlapping jobs ($name)"
    grep -qi "jobserver unavailable\|warning.*jobserver\|INTERNAL\|token(s)" "$TEST_TMP/$name.log" &&
        fail "$name: a tool or ferry complained: $(grep -i 'jobserver\|INTERNAL\|token' "$TEST_TMP/$name.log")"
    no_jobserver_dirs
}

for style in default fifo pipe; do
    note "ferry make, make 4.4.1, style: $style"
    args=()
    [ $style = default ] || args=(--jobserver-style=$style)
    pool_build "make-$style" 6 "$FERRY" make "${args[@]}" -C "$TEST_TMP/proj" JOBS=12 SECS=0.3
    assert_eq 24 "$(grep -c '^E ' "$STAMPS")" "jobs that ran"
    assert_eq 6 "$(pool_size_at_start)" "pool size"
    case $style in
    pipe) assert_contains "$FERRY_JOBSERVER_LOG" "--jobserver-auth=3,4" "make's pipe style" ;;
    *) assert_contains "$FERRY_JOBSERVER_LOG" "--jobserver-auth=fifo:" "make 4.4's fifo style" ;;
    esac
    assert_tokens_back
done

note "ferry make -j2, make 4.4.1: make's own pool"
pool_build make-j2 2 "$FERRY" make -j2 -C "$TEST_TMP/proj" JOBS=4 SECS=0.2
[ -s "$FERRY_JOBSERVER_LOG" ] && fail "ferry made a pool despite -j2"

note "ferry ninja, ninja 1.13.2: a jobserver client of the fifo, no -j"
ninja_stamp_project "$TEST_TMP/nproj" 24 0.3
pool_build ninja 6 "$FERRY" ninja -C "$TEST_TMP/nproj"
assert_eq 24 "$(grep -c '^E ' "$STAMPS")" "edges that ran"
assert_eq 6 "$(pool_size_at_start)" "pool size"
assert_contains "$FERRY_JOBSERVER_LOG" "--jobserver-auth=fifo:" "ninja gets the fifo"
# ninja says so when it takes the pool (and it has no -j of its own then).
assert_contains "$TEST_TMP/ninja.log" "Jobserver mode detected" "ninja used the jobserver"
assert_tokens_back

note "ferry ninja -j2: ninja's own parallelism"
rm -f "$TEST_TMP"/nproj/j*
pool_build ninja-j2 2 "$FERRY" ninja -j2 -C "$TEST_TMP/nproj"
[ -s "$FERRY_JOBSERVER_LOG" ] && fail "ferry made a pool despite -j2"
grep -q "Jobserver mode detected" "$TEST_TMP/ninja-j2.log" && fail "ninja -j2 used a jobserver"

note "ferry make nested under ferry ninja: one pool"
mkdir -p "$TEST_TMP/outer"
cat >"$TEST_TMP/outer/build.ninja" <<EOF2
rule ferry_make
  command = "$FERRY" make --no-print-directory -C "$TEST_TMP/proj" SUBS="\${out}-a \${out}-b" JOBS=6 SECS=0.3
build p1: ferry_make
build p2: ferry_make
EOF2
pool_build nested 6 "$FERRY" ninja -C "$TEST_TMP/outer" p1 p2
assert_eq 1 "$(grep -c ' start ' "$FERRY_JOBSERVER_LOG")" "pools made"
assert_eq 24 "$(grep -c '^E ' "$STAMPS")" "jobs that ran"
assert_tokens_back

note "ferry ninja follows the cluster: a runner stopped and started again"
rm -f "$TEST_TMP"/nproj/j*
ninja_stamp_project "$TEST_TMP/nproj" 1200 0.3
capacity_follows 1200 "$FERRY" ninja -C "$TEST_TMP/nproj"
no_jobserver_dirs
pass
