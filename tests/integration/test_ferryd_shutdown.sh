#!/usr/bin/env bash
# ferryd's exits: SIGTERM during a slow compile still delivers the result and then exits 0; a
# second signal exits at once; a client that disconnects mid-job gets its compiler killed;
# --job-timeout kills a compile that runs too long. No job directory or cache file survives
# any of these.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
ferry_test_init
# The trampoline names the job directory; the sandboxed compiler sees only the client's paths.
compiler_alive() { pgrep -f "$RUNNER_TMP.*slow.c" >/dev/null || pgrep -f "cc1 .*src/slow\.c" >/dev/null; }
setup_core_project
A=127.0.0.4
B=127.0.0.5
RUNNER_TMP="$TEST_TMP/runner-tmp"
# ferryd started as root runs as nobody: it must reach and write its TMPDIR.
mkdir -p "$RUNNER_TMP"
chmod 711 "$TEST_TMP"
chmod 1777 "$RUNNER_TMP"

cd "$PROJ"
# A compile that takes a few seconds at -O2.
python3 -c "
for i in range(400):
    print(f'int f{i}(int *a, int n) {{ int s = {i}; for (int i = 0; i < n; ++i) {{ s += a[i] * {i + 1} ^ (s >> 3); if (s % 7 == {i % 7}) s -= a[(i * {i}) % n]; }} return s; }}')
" >src/slow.c
build_manifest "$TEST_TMP/slow" c gcc src/slow.c -O2

start_slow_job() { # ADDR: a probe job in the background; sets PROBE_PID
    "$FERRY_PROBE" job "$1:$PORT" gcc "$TEST_TMP/slow.files" "$TEST_TMP/slow.sysinc" "$TEST_TMP/out" \
        -- -O2 -c src/slow.c -o build/slow.o >"$TEST_TMP/slow-$1.out" 2>&1 &
    PROBE_PID=$!
}
wait_log() { # ADDR TEXT SECONDS [COUNT]: until TEXT is in COUNT (default 1) lines
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        [ "$(grep -cF -- "$2" "$(ferryd_log "$1")")" -ge "${4:-1}" ] && return 0
        sleep 0.05
    done
    fail "'$2' never appeared in the log of $1: $(tail -5 "$(ferryd_log "$1")")"
}
jobs_dir_empty() { # after ferryd dropped a job, its directory goes at once
    local i
    for ((i = 0; i < 100; i++)); do
        [ -z "$(find "$RUNNER_TMP" -path '*/jobs/*' -maxdepth 3 2>/dev/null)" ] && return 0
        sleep 0.05
    done
    fail "job directories left: $(find "$RUNNER_TMP" -path '*/jobs/*' -maxdepth 3)"
}

note "SIGTERM during a compile: the result still arrives, then exit 0"
TMPDIR="$RUNNER_TMP" start_ferryd $A --verbose
start_slow_job $A
ferryd_wait_running $A 30
pid=${FERRYD_PIDS[$A]}
kill -TERM "$pid"
wait_log $A "SIGTERM: finishing 1 running" 5
rc=0
probe hello "$A:$PORT" >/dev/null 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "ferryd still accepts connections after SIGTERM"
rc=0
wait "$PROBE_PID" || rc=$?
assert_eq 0 "$rc" "probe exit status after SIGTERM ($(cat "$TEST_TMP/slow-$A.out"))"
assert_contains "$TEST_TMP/slow-$A.out" "completed exit 0 signal 0 outputs 1"
[ -s "$TEST_TMP/out$PROJ/build/slow.o" ] || fail "no object after SIGTERM"
rc=0
wait "$pid" || rc=$?
assert_eq 0 "$rc" "ferryd exit status after SIGTERM"
unset "FERRYD_PIDS[$A]"
assert_contains "$(ferryd_log $A)" "src/slow.c -> exit 0 in"
assert_dir_empty "$RUNNER_TMP"

note "a client that disconnects mid-job: the compiler is killed, the job dir removed"
TMPDIR="$RUNNER_TMP" start_ferryd $B --verbose
start_slow_job $B
ferryd_wait_running $B 30
kill -KILL "$PROBE_PID"
wait "$PROBE_PID" 2>/dev/null || true
wait_log $B "cancelled (the client went away)" 10
jobs_dir_empty
compiler_alive && fail "the compiler outlived its cancelled job"

note "a client that leaves while the runner waits for its files"
rm -f "$RUNNER_TMP"/ferryd-*/cache/[0-9a-f]* 2>/dev/null || true
FERRY_PROBE_QUIT_AFTER_NEED=1 probe job "$B:$PORT" gcc "$TEST_TMP/slow.files" \
    "$TEST_TMP/slow.sysinc" "$TEST_TMP/out" -- -O2 -c src/slow.c -o build/slow.o \
    >"$TEST_TMP/quit.out" || true
# The source, its header and the compiler's files (the cache was emptied).
grep -qE "^need [0-9]+ files" "$TEST_TMP/quit.out" || fail "the runner asked for no files: $(cat "$TEST_TMP/quit.out")"
jobs_dir_empty

note "a second SIGTERM exits at once"
start_slow_job $B
ferryd_wait_running $B 30
pid=${FERRYD_PIDS[$B]}
kill -TERM "$pid"
wait_log $B "SIGTERM: finishing" 5
kill -TERM "$pid"
wait_gone "$pid" 3 || fail "ferryd did not exit at once on the second SIGTERM"
unset "FERRYD_PIDS[$B]"
wait "$PROBE_PID" 2>/dev/null || true
sleep 0.2
compiler_alive && fail "a compiler outlived ferryd"
assert_dir_empty "$RUNNER_TMP"

note "--job-timeout"
TMPDIR="$RUNNER_TMP" start_ferryd $A --job-timeout 1
rc=0
probe job "$A:$PORT" gcc "$TEST_TMP/slow.files" "$TEST_TMP/slow.sysinc" "$TEST_TMP/out" \
    -- -O2 -c src/slow.c -o build/slow.o >"$TEST_TMP/timeout.out" 2>&1 || rc=$?
assert_eq 101 "$rc" "probe exit status for a timed-out job"
assert_contains "$TEST_TMP/timeout.out" "failed: timed out after 1 s"
stop_ferryd $A
assert_dir_empty "$RUNNER_TMP"
pass
