#!/usr/bin/env bash
# Issue 4, runners that misbehave on the wire (tools/fault_runner): one that accepts and never
# answers, one that closes in the middle of its greeting frame, one that greets with garbage;
# then runners that greet properly but stall on a job, answer it with garbage, or close in the
# middle of its result. Beside a healthy ferryd every build succeeds with identical objects;
# with only broken runners everything compiles locally. Always: no token leaks, nothing left
# on the healthy runner, at most one warning line per broken runner.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
GOOD=127.0.0.41
SILENT=127.0.0.42
HALF=127.0.0.43
GARBAGE=127.0.0.44
STALL=127.0.0.45
BADRESULT=127.0.0.46
CUT=127.0.0.47
fault_project 8
fault_reference
fault_start_ferryd $GOOD
fault_start_bad $SILENT accept-silent
fault_start_bad $HALF close-mid-frame
fault_start_bad $GARBAGE garbage
fault_start_bad $STALL greet-then-stall
fault_start_bad $BADRESULT greet-then-garbage
fault_start_bad $CUT greet-then-close

# fault_used ADDR PATTERN: the fault runner on ADDR logged PATTERN (it was exercised).
fault_used() {
    grep -q "$2" "$TEST_TMP/fault-$1.log" ||
        fail "fault runner $1 never did '$2': $(cat "$TEST_TMP/fault-$1.log")"
}

note "connection faults beside a healthy runner"
FAULT_JOB_TIMEOUT_MS=4000 fault_hosts_toml $SILENT $HALF $GARBAGE $GOOD
fault_build wire
fault_check_build wire 3 r-$SILENT r-$HALF r-$GARBAGE
fault_used $SILENT 'staying silent'
fault_used $HALF 'closed after'
fault_used $GARBAGE 'sent garbage'
[ "$(ferryd_jobs_done $GOOD)" -ge 1 ] || fail "the healthy runner got no job"
fault_wait_runner_idle $GOOD 10
"$FERRY" shutdown >/dev/null 2>&1 || true

note "job faults beside a healthy runner: stall, garbage answer, half a result"
FAULT_JOB_TIMEOUT_MS=4000 fault_hosts_toml $STALL $BADRESULT $CUT $GOOD
fault_build jobs
fault_check_build jobs 3 r-$STALL r-$BADRESULT r-$CUT
fault_used $STALL 'never answering'
fault_used $BADRESULT 'answered with garbage'
fault_used $CUT 'of its result'
fault_wait_runner_idle $GOOD 10
"$FERRY" shutdown >/dev/null 2>&1 || true

note "only broken runners: everything compiles locally"
FAULT_JOB_TIMEOUT_MS=4000 fault_hosts_toml $SILENT $GARBAGE $BADRESULT $CUT
fault_build alone
fault_check_build alone 4 r-$SILENT r-$GARBAGE r-$BADRESULT r-$CUT
"$FERRY" shutdown >/dev/null 2>&1 || true

stop_ferryd $GOOD
fault_assert_runner_tmp_empty $GOOD
pass
