#!/usr/bin/env bash
# Issue 4, the coordinator killed with SIGKILL in the middle of a build, while wrappers wait
# for their remote compiles and local slots: they recover (a wrapper starts a new coordinator
# and sends its compile again, or compiles locally), `ferry make`'s pool follows, and the
# build succeeds with identical objects, no token leak and nothing left on the runners.
# Then the window where a killed coordinator's socket still accepts and resets connections,
# held open on purpose: a wrapper waits it out instead of compiling locally.
source "$(dirname "$0")/lib.sh"
ferry_test_init
[ -x "$DYING_COORDINATOR" ] || skip "dying_coordinator not built (set DYING_COORDINATOR or FERRY_BINARY_DIR)"
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
A=127.0.0.61
B=127.0.0.62
fault_project 16
fault_reference
fault_start_ferryd $A -v
fault_start_ferryd $B -v
fault_hosts_toml $A $B

coordinator_pids() { pgrep -f "coordinator --socket $XDG_RUNTIME_DIR/" || true; }

wait_jobs_started() { # N SECONDS: until the runners have run or run N compiles in all
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        [ $(($(ferryd_stat $A completed active) + $(ferryd_stat $B completed active))) -ge "$1" ] &&
            return 0
        sleep 0.05
    done
    fail "the runners started fewer than $1 jobs"
}

note "SIGKILL the coordinator while the build runs"
fault_build_bg killed
wait_jobs_started 3 30
old=$(coordinator_pids)
[ -n "$old" ] || fail "no coordinator found under $XDG_RUNTIME_DIR"
# shellcheck disable=SC2086
kill -KILL $old
note "killed coordinator $old"
fault_build_wait
fault_check_build killed 1
new=$(coordinator_pids)
if [ -z "$new" ] || [ "$new" = "$old" ]; then
    fail "no new coordinator was started (before: $old, now: '$new')"
fi
note "new coordinator $new; the runners compiled $(total_jobs_done $A $B) job(s)"
fault_wait_runner_idle $A 10
fault_wait_runner_idle $B 10

note "the next build uses the new coordinator and the runners normally"
fault_build after
fault_check_build after 0
assert_eq "$new" "$(coordinator_pids)" "the coordinator of the next build"

note "a coordinator socket that resets every connection for 1 s (a SIGKILLed coordinator not"
note "yet torn down): a wrapper keeps trying, then starts a new coordinator and compiles remotely"
sock=$(ls "$XDG_RUNTIME_DIR"/ferry/*.sock)
"$FERRY" shutdown >/dev/null
wait_gone "$new" 10 || fail "the coordinator did not shut down"
"$DYING_COORDINATOR" --socket "$sock" --for 1000 >"$TEST_TMP/dying.out" &
dying=$!
for ((i = 0; i < 100; i++)); do
    grep -q listening "$TEST_TMP/dying.out" && break
    sleep 0.05
done
grep -q listening "$TEST_TMP/dying.out" || fail "dying_coordinator did not start"
rm -f "$FPROJ/obj/unit1.o"
(cd "$FPROJ" && LC_ALL=C "$FERRY" cc -O2 -g -Iinclude -c src/unit1.c -o obj/unit1.o) \
    2>"$TEST_TMP/dying.err" || fail "the compile failed: $(cat "$TEST_TMP/dying.err")"
wait "$dying" || fail "dying_coordinator failed"
resets=$(grep -c '^reset' "$TEST_TMP/dying.out" || true)
[ "$resets" -ge 2 ] || fail "the wrapper tried the dying socket $resets time(s); the test wants it to wait"
[ -s "$TEST_TMP/dying.err" ] && fail "the wrapper warned: $(cat "$TEST_TMP/dying.err")"
assert_files_identical "$TEST_TMP/ref/unit1.o" "$FPROJ/obj/unit1.o" "object compiled past the dying socket"
last=$(coordinator_pids)
if [ -z "$last" ] || [ "$last" = "$new" ]; then
    fail "no new coordinator after the dying one (was $new, now '$last')"
fi
grep "remote on r-" "$(coordinator_log)" | tail -1 | grep -q 'unit1\.o' ||
    fail "unit1.o did not run remotely: $(tail -3 "$(coordinator_log)")"
note "wrapper waited through $resets reset connection(s), then compiled remotely"

stop_ferryd $A
stop_ferryd $B
fault_assert_runner_tmp_empty $A
fault_assert_runner_tmp_empty $B
pass
