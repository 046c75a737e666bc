#!/usr/bin/env bash
# Issue 4, the coordinator killed with SIGKILL in the middle of a build, while wrappers wait
# for their remote compiles and local slots: they recover (a wrapper starts a new coordinator
# and sends its compile again, or compiles locally), `ferry make`'s pool follows, and the
# build succeeds with identical objects, no token leak and nothing left on the runners.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
A=127.0.0.61
B=127.0.0.62
fault_project 16
fault_reference
fault_start_ferryd $A -v
fault_start_ferryd $B -v
fault_hosts_toml $A $B

coordinator_pids() { pgrep -f "coordinator --socket $XDG_RUNTIME_DIR/" || true; }

wait_jobs_started() { # N SECONDS: until the runners have started N jobs in all
    local i n
    for ((i = 0; i < $2 * 20; i++)); do
        n=$(cat "$(ferryd_log $A)" "$(ferryd_log $B)" | grep -c ': started,' || true)
        [ "$n" -ge "$1" ] && return 0
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
remote=$(grep -c "remote on r-" "$(coordinator_log)" || true)
note "new coordinator $new; $remote job(s) ran remotely in the coordinators' logs"
fault_wait_runner_idle $A 10
fault_wait_runner_idle $B 10

note "the next build uses the new coordinator and the runners normally"
fault_build after
fault_check_build after 0
assert_eq "$new" "$(coordinator_pids)" "the coordinator of the next build"

stop_ferryd $A
stop_ferryd $B
fault_assert_runner_tmp_empty $A
fault_assert_runner_tmp_empty $B
pass
