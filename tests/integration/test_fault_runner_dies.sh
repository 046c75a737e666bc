#!/usr/bin/env bash
# Issue 4, runner processes that fail under a build: one killed with SIGKILL in the middle of
# its jobs, the same one started again and used again once its backoff is over, and one
# frozen with SIGSTOP (a slow runner: a backup copy, the job timeout or the greeting timeout
# takes its jobs).
# Each build succeeds with objects byte-identical to a local build, no token leaks, no job
# directory left on the runners, and at most one warning line per failed runner.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
A=127.0.0.31
B=127.0.0.32
fault_project 16
fault_reference
fault_start_ferryd $A -v
fault_start_ferryd $B -v
FAULT_JOB_TIMEOUT_MS=4000 fault_hosts_toml $A $B

note "SIGKILL: runner $B killed while it compiles"
fault_build_bg kill
ferryd_wait_running $B 30
kill_ferryd $B
fault_build_wait
fault_check_build kill 1 r-$B
# A killed ferryd cannot clean up: its private directory stays until the next ferryd on the
# same TMPDIR starts and removes it, with the directory of every job it was running.
# Its compilers died with it (no writer is left).
stale=$(find "$TEST_TMP/rtmp-$B" -mindepth 1 -maxdepth 1)
[ -n "$stale" ] || fail "expected the killed ferryd's directory in its TMPDIR"
cut=$(find "$stale/jobs" -mindepth 1 -maxdepth 1 | wc -l)
[ "$cut" -ge 1 ] || fail "no job was running on $B when it was killed"
note "$cut job(s) were cut off on $B"
fault_wait_runner_idle $A 10
sleep 0.2
left_compilers=$(pgrep -fa -- "$stale" || true)
[ -z "$left_compilers" ] || fail "compilers outlived the killed ferryd: $left_compilers"

note "backoff: $B started again is used again"
fault_start_ferryd $B -v
[ ! -e "$stale" ] || fail "the restarted ferryd did not remove $stale"
grep -q "removed $stale" "$(ferryd_log $B)" || fail "the restarted ferryd did not say it removed $stale"
sleep 1.2 # the backoff (1 s) of the failed link ends; the reconnect is its probe
fault_build back
fault_check_build back 0 r-$B
used=$(ferryd_jobs_done $B) # the restarted ferryd counts from 0
[ "$used" -ge 1 ] || fail "the restarted runner $B was not used again"
note "the restarted runner compiled $used job(s)"
fault_wait_runner_idle $B 10
fault_wait_runner_idle $A 10

note "slow runner: $B frozen with SIGSTOP in the middle of its jobs"
fault_build_bg stop
ferryd_wait_running $B 30
kill -STOP "${FERRYD_PIDS[$B]}"
start=$(date +%s)
fault_build_wait
note "the build finished $(($(date +%s) - start)) s after the freeze"
kill -CONT "${FERRYD_PIDS[$B]}"
fault_check_build stop 1 r-$B
clog=$(coordinator_log)
# Each job caught on the frozen runner ends by its timeout there, or sooner by a backup copy
# on the other runner (the tail race, ARCHITECTURE.md): one of the two must show.
grep -Eq "r-$B.*not answered within|backup compile on r-$A after [0-9]+ ms on r-$B" "$clog" ||
    fail "neither a timeout nor a backup took $B's jobs: $(grep "r-$B" "$clog")"
# Thawed, ferryd finds the coordinator gone and cancels what it had.
fault_wait_runner_idle $B 20
fault_wait_runner_idle $A 10

note "both runners stop: nothing is left in their TMPDIRs"
stop_ferryd $A
stop_ferryd $B
fault_assert_runner_tmp_empty $A
fault_assert_runner_tmp_empty $B
pass
