#!/usr/bin/env bash
# The coordinator's view of its runners: states and capacity in `ferry status`, a runner that
# stops answering mid-job (SIGSTOP) is given up after job_timeout_ms and the job compiles
# elsewhere, and the coordinator stops cleanly (socket removed) on SIGTERM.
source "$(dirname "$0")/lib.sh"
ferry_test_init
setup_core_project
start_ferryd 127.0.0.2
start_ferryd 127.0.0.3
cat >"$TEST_TMP/hosts.toml" <<TOML
[client]
job_timeout_ms = 3000
backoff_ms = 60000
# The job timeout is what this suite checks: a backup compile (test_tail_backup.sh) would
# answer the frozen runner's job first.
backups = false
connect_timeout_ms = 1000
[[runner]]
name = "two"
address = "127.0.0.2"
port = $PORT
slots = 2
[[runner]]
name = "three"
address = "127.0.0.3"
port = $PORT
[[runner]]
name = "nobody"
address = "127.0.0.9"
port = $PORT
slots = 5
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
inc="-I$PROJ/include"

note "status: two runners up, one refusing connections"
"$FERRY" status >"$TEST_TMP/status" || fail "ferry status failed"
grep -E '^two +127\.0\.0\.2:[0-9]+ +up +2 ' "$TEST_TMP/status" >/dev/null ||
    fail "runner two not up with 2 slots: $(cat "$TEST_TMP/status")"
# "three" has no configured slots: it reports its own (--jobs 2).
grep -E '^three +127\.0\.0\.3:[0-9]+ +up +2 ' "$TEST_TMP/status" >/dev/null ||
    fail "runner three not up with its own 2 slots: $(cat "$TEST_TMP/status")"
grep -E '^nobody .* backoff .*connection refused' "$TEST_TMP/status" >/dev/null ||
    fail "runner nobody not in backoff: $(cat "$TEST_TMP/status")"
assert_contains "$TEST_TMP/status" "remote capacity: 4 slots" "capacity counts runners that are up"

note "jobs run remotely and are identical"
before=$(total_jobs_done 127.0.0.2 127.0.0.3)
compile_both gcc "-O2 -g $inc" src/main.c build/main.o
compile_both g++ "-O2 -g $inc" src/shapes.cpp build/shapes.o
after=$(total_jobs_done 127.0.0.2 127.0.0.3)
assert_eq 2 $((after - before)) "jobs compiled by the runners"
[ -s "$TEST_TMP/ferry.err" ] && fail "unexpected warning: $(cat "$TEST_TMP/ferry.err")"

note "a frozen runner: the job times out there and compiles on the other one"
# Placement follows each runner's measured speed, so which idle runner a job goes to is not
# fixed: with both frozen, three jobs fill at least one slot of each (2 slots apiece); then
# only "two" is thawed.
(cd "$PROJ" && gcc -O2 -g $inc -c src/main.c -o "$TEST_TMP/ref/frozen.o") || fail "local compile"
kill -STOP "${FERRYD_PIDS[127.0.0.2]}" "${FERRYD_PIDS[127.0.0.3]}"
pids=()
for i in 1 2 3; do
    (cd "$PROJ" && "$FERRY" gcc -O2 -g $inc -c src/main.c -o "build/frozen$i.o") 2>"$TEST_TMP/frozen$i.err" &
    pids+=($!)
done
for ((i = 0; i < 100; i++)); do
    [ "$(status_field runners.0.busy)" -ge 1 ] && [ "$(status_field runners.1.busy)" -ge 1 ] && break
    sleep 0.1
done
[ "$(status_field runners.1.busy)" -ge 1 ] || fail "no job reached the frozen runner: $("$FERRY" status)"
kill -CONT "${FERRYD_PIDS[127.0.0.2]}"
for i in 1 2 3; do
    wait "${pids[$((i - 1))]}" || fail "ferry gcc frozen$i failed: $(cat "$TEST_TMP/frozen$i.err")"
    assert_files_identical "$TEST_TMP/ref/frozen.o" "$PROJ/build/frozen$i.o" "frozen$i.o"
done
kill -CONT "${FERRYD_PIDS[127.0.0.3]}"
"$FERRY" status >"$TEST_TMP/status2" || fail "ferry status failed"
grep -E '^three .* backoff .*not answered within 3 s' "$TEST_TMP/status2" >/dev/null ||
    fail "the frozen runner was not backed off: $(cat "$TEST_TMP/status2")"
grep -E '^two .* up ' "$TEST_TMP/status2" >/dev/null || fail "runner two: $(cat "$TEST_TMP/status2")"

note "SIGTERM: the coordinator exits and removes its socket"
pid=$(pgrep -f "ferry coordinator --socket $XDG_RUNTIME_DIR" || true)
[ -n "$pid" ] || fail "no coordinator running"
ls "$XDG_RUNTIME_DIR"/ferry/*.sock >/dev/null 2>&1 || fail "no socket while running"
kill -TERM "$pid"
wait_gone "$pid" 10 || fail "the coordinator did not exit on SIGTERM"
ls "$XDG_RUNTIME_DIR"/ferry/*.sock 2>/dev/null && fail "the socket was left behind"
grep -q "libuv handle still open" "$XDG_RUNTIME_DIR"/ferry/*.log && fail "leaked libuv handles"
pass
