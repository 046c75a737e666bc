#!/usr/bin/env bash
# ferry make with GNU make 4.3 (pipe style) and, as test_make_pool.make44, make 4.4.1 (the
# fifo): a recursive build with many short jobs runs exactly as many at once as the cluster
# has slots (2 runners x 2 + 2 local = 6), never more; every token is back at the end;
# ferry's exit status is make's; the build runs below the coordinator's priority
# ([client] build_nice).
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
two_runners
cp -r "$FIX/recursive" "$TEST_TMP/proj"

note "recursive make, 2 x 12 jobs of 0.3 s"
timeout 120 "$FERRY" make -C "$TEST_TMP/proj" JOBS=12 SECS=0.3 >"$TEST_TMP/make.log" 2>&1 ||
    fail "ferry make failed: $(tail -20 "$TEST_TMP/make.log")"
assert_eq 6 "$(pool_size_at_start)" "pool size (2 runners x 2 slots + 2 local)"
assert_contains "$FERRY_JOBSERVER_LOG" "$(make_auth)" "the pool's style for $(make --version | head -1)"
assert_eq 24 "$(grep -c '^E ' "$STAMPS")" "jobs that ran"
assert_eq 6 "$(max_overlap)" "highest number of overlapping jobs"
assert_tokens_back
grep -q "jobserver unavailable\|INTERNAL\|tokens were not returned" "$TEST_TMP/make.log" &&
    fail "make or ferry complained: $(cat "$TEST_TMP/make.log")"

note "make's exit status is ferry's"
: >"$STAMPS"
rc=0
timeout 60 "$FERRY" make -C "$TEST_TMP/proj" JOBS=3 SECS=0.1 FAIL=a-2 >"$TEST_TMP/fail.log" 2>&1 ||
    rc=$?
assert_eq 2 "$rc" "exit status of a failing make"
assert_tokens_back

note "the build runs at build_nice above ours; the coordinator and the pool (ferry make) at ours"
nice_of() { awk '{ print $19 }' "/proc/$1/stat"; }
ours=$(nice_of $$)
# The recipe's shell is make's child; make's parent is ferry make, the pool's process. A
# name without spaces (make) puts the parent's pid in field 4 of stat.
printf 'all:\n\t@nice >"$(OUT)"; pool=$$(awk %s /proc/$$PPID/stat); awk %s /proc/$$pool/stat >"$(OUT).pool"\n' \
    "'{ print \$\$4 }'" "'{ print \$\$19 }'" >"$TEST_TMP/nice.mk"
timeout 60 "$FERRY" make -f "$TEST_TMP/nice.mk" OUT="$TEST_TMP/nice.default" >"$TEST_TMP/nice.log" 2>&1 ||
    fail "ferry make (nice) failed: $(cat "$TEST_TMP/nice.log")"
assert_eq "$((ours + 5 > 19 ? 19 : ours + 5))" "$(cat "$TEST_TMP/nice.default")" "the recipe's nice value (default 5 above ours)"
# The log says the value it set; under a shell already at 19 (`nice -n 19 ctest`) nothing is.
if [ "$ours" -lt 19 ]; then
    grep -q " nice $(cat "$TEST_TMP/nice.default")\$" "$FERRY_JOBSERVER_LOG" ||
        fail "the pool's log does not say the nice value: $(cat "$FERRY_JOBSERVER_LOG")"
elif grep -q " nice " "$FERRY_JOBSERVER_LOG"; then
    fail "the pool's log says a nice value was set from 19: $(cat "$FERRY_JOBSERVER_LOG")"
fi
assert_eq "$ours" "$(cat "$TEST_TMP/nice.default.pool")" "the pool's own nice value (ferry make)"
coord=$(pgrep -f "coordinator --socket $XDG_RUNTIME_DIR/" | head -1)
[ -n "$coord" ] || fail "no coordinator found"
assert_eq "$ours" "$(nice_of "$coord")" "the coordinator's nice value"
FERRY_BUILD_NICE=2 timeout 60 "$FERRY" make -f "$TEST_TMP/nice.mk" OUT="$TEST_TMP/nice.2" >"$TEST_TMP/nice.log" 2>&1 ||
    fail "ferry make (FERRY_BUILD_NICE=2) failed: $(cat "$TEST_TMP/nice.log")"
assert_eq "$((ours + 2 > 19 ? 19 : ours + 2))" "$(cat "$TEST_TMP/nice.2")" "the recipe's nice value with FERRY_BUILD_NICE=2"
FERRY_BUILD_NICE=0 timeout 60 "$FERRY" make -f "$TEST_TMP/nice.mk" OUT="$TEST_TMP/nice.0" >"$TEST_TMP/nice.log" 2>&1 ||
    fail "ferry make (FERRY_BUILD_NICE=0) failed: $(cat "$TEST_TMP/nice.log")"
assert_eq "$ours" "$(cat "$TEST_TMP/nice.0")" "the recipe's nice value with FERRY_BUILD_NICE=0"
# A bad value is named, and the build still runs (on the local slots, at its own priority).
FERRY_BUILD_NICE=-3 timeout 60 "$FERRY" make -f "$TEST_TMP/nice.mk" OUT="$TEST_TMP/nice.bad" >"$TEST_TMP/nice.log" 2>&1 ||
    fail "ferry make (FERRY_BUILD_NICE=-3) failed: $(cat "$TEST_TMP/nice.log")"
assert_contains "$TEST_TMP/nice.log" "FERRY_BUILD_NICE: expected a nice increment from 0 to 19, got \"-3\"" "the error for a bad FERRY_BUILD_NICE"
assert_eq "$ours" "$(cat "$TEST_TMP/nice.bad")" "the recipe's nice value with a bad FERRY_BUILD_NICE"
# Without runners there is nothing to feed: the build keeps our priority.
FERRY_HOSTS="localhost/2" timeout 60 "$FERRY" make -f "$TEST_TMP/nice.mk" OUT="$TEST_TMP/nice.local" >"$TEST_TMP/nice.log" 2>&1 ||
    fail "ferry make (no runners) failed: $(cat "$TEST_TMP/nice.log")"
assert_eq "$ours" "$(cat "$TEST_TMP/nice.local")" "the recipe's nice value with no runner"

note "the user's -j wins: make runs its own pool"
: >"$FERRY_JOBSERVER_LOG"
: >"$STAMPS"
timeout 60 "$FERRY" make -j2 -C "$TEST_TMP/proj" JOBS=4 SECS=0.2 >"$TEST_TMP/j2.log" 2>&1 ||
    fail "ferry make -j2 failed: $(cat "$TEST_TMP/j2.log")"
assert_eq 2 "$(max_overlap)" "overlap with the user's -j2"
[ -s "$FERRY_JOBSERVER_LOG" ] && fail "ferry made a pool despite -j2"
pass
