#!/usr/bin/env bash
# JobCancel (protocol version 3): a client that no longer wants a job's answer (the loser of a
# backup race, a job whose wrapper went away) has ferryd stop it wherever it is — compiling
# (the compiler is killed), waiting for a slot, waiting for its files — and answer it
# "cancelled by the client", so both sides count the slot free at once instead of after the
# compile. A cancel of a job the runner does not hold (its answer crossed the cancel) is
# ignored and the connection goes on. Through the coordinator: a wrapper killed mid-compile
# has its runner's compile killed too.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
ferry_test_init
setup_core_project
A=127.0.0.46
RUNNER_TMP="$TEST_TMP/runner-tmp"
# ferryd started as root runs as nobody: it must reach and write its TMPDIR.
mkdir -p "$RUNNER_TMP"
chmod 711 "$TEST_TMP"
chmod 1777 "$RUNNER_TMP"

cd "$PROJ"
# A compile of half a minute or more whatever the machine (g++ evaluates the loop at compile
# time): a cancel a second in always finds it running, and an answer within seconds can only
# be the cancel's.
write_spin_unit src/spin.cc 5000000
build_manifest "$TEST_TMP/spin" c++ g++ src/spin.cc "${SPIN_FLAGS[@]}"
spin_job() { # OUT [probe env...]: the long compile through ferry_probe, in the foreground
    local out=$1
    shift
    env FERRY_PROBE_LANG=c++ "$@" "$FERRY_PROBE" job "$A:$PORT" g++ "$TEST_TMP/spin.files" \
        "$TEST_TMP/spin.sysinc" "$TEST_TMP/out" -- "${SPIN_FLAGS[@]}" -c src/spin.cc \
        -o build/spin.o >"$TEST_TMP/$out.out" 2>&1
}
compiler_alive() { pgrep -f "cc1plus .*src/spin\.cc" >/dev/null; }
no_compiler_left() {
    local i
    for ((i = 0; i < 100; i++)); do
        compiler_alive || return 0
        sleep 0.05
    done
    fail "the compiler outlived its cancelled job: $(pgrep -af 'cc1plus .*src/spin\.cc')"
}
wait_log() { # TEXT SECONDS: until TEXT is in ferryd's log
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        grep -qF -- "$1" "$(ferryd_log $A)" && return 0
        sleep 0.05
    done
    fail "'$1' never appeared in ferryd's log: $(tail -5 "$(ferryd_log $A)")"
}
# The probe's exit status: 101 is a "failed" answer (tools/ferry_probe.cpp).
expect_cancelled() { # OUT RC WHAT
    assert_eq 101 "$2" "probe exit status, $3 ($(tail -3 "$TEST_TMP/$1.out"))"
    assert_contains "$TEST_TMP/$1.out" "failed: cancelled by the client"
}

TMPDIR="$RUNNER_TMP" start_ferryd $A --jobs 1 --verbose

note "cancelled while compiling: the compiler is killed and the job answered at once"
rc=0
start=$SECONDS
spin_job running FERRY_PROBE_CANCEL_AFTER_MS=1500 || rc=$?
expect_cancelled running "$rc" "cancelled while compiling"
assert_contains "$TEST_TMP/running.out" "cancelled"
# Half a minute of compile was left: the answer came from the cancel.
[ $((SECONDS - start)) -lt 20 ] || fail "the cancelled job was answered after $((SECONDS - start)) s"
wait_log "cancelled by the client after" 5
no_compiler_left
assert_eq 0 "$(ferryd_stat $A active queued)" "jobs running or queued after the cancel"

note "cancelled while waiting for its files: answered, nothing left behind"
rm -f "$RUNNER_TMP"/ferryd-*/cache/[0-9a-f]* 2>/dev/null || true
rc=0
spin_job at_need FERRY_PROBE_CANCEL_AT_NEED=1 || rc=$?
grep -qE "^need [0-9]+ files: cancelled" "$TEST_TMP/at_need.out" ||
    fail "the runner asked for no files: $(cat "$TEST_TMP/at_need.out")"
expect_cancelled at_need "$rc" "cancelled while waiting for files"
wait_log "cancelled by the client before it ran" 5

note "cancelled while waiting for the only slot; the slot's holder, gone, is killed"
# Started directly (not through spin_job's subshell), so that $! is the probe itself.
FERRY_PROBE_LANG=c++ "$FERRY_PROBE" job "$A:$PORT" g++ "$TEST_TMP/spin.files" "$TEST_TMP/spin.sysinc" \
    "$TEST_TMP/out" -- "${SPIN_FLAGS[@]}" -c src/spin.cc -o build/spin.o >"$TEST_TMP/holder.out" 2>&1 &
HOLDER=$!
ferryd_wait_running $A 30
rc=0
start=$SECONDS
spin_job waiting FERRY_PROBE_CANCEL_AFTER_MS=1000 || rc=$?
expect_cancelled waiting "$rc" "cancelled while waiting for a slot"
[ $((SECONDS - start)) -lt 20 ] || fail "the waiting job was answered after $((SECONDS - start)) s"
wait_log "cancelled by the client while it waited for a slot" 5
# Both probes number their job 7: the cancel reached only its own connection's job.
assert_eq 1 "$(ferryd_stat $A active)" "compiles running (the holder's)"
assert_eq 0 "$(ferryd_stat $A queued)" "jobs waiting after the cancel"
kill -KILL "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
wait_log "cancelled (the client went away)" 10
no_compiler_left

note "a cancel of a job the runner does not hold is ignored; the job after it runs"
echo 'int small(int x) { return x * 3; }' >src/small.c
build_manifest "$TEST_TMP/small" c gcc src/small.c -O2
rc=0
FERRY_PROBE_CANCEL_FIRST=4242 probe job "$A:$PORT" gcc "$TEST_TMP/small.files" \
    "$TEST_TMP/small.sysinc" "$TEST_TMP/out" -- -O2 -c src/small.c -o build/small.o \
    >"$TEST_TMP/unknown.out" 2>&1 || rc=$?
assert_eq 0 "$rc" "a job after a cancel of an unknown one ($(cat "$TEST_TMP/unknown.out"))"
assert_contains "$TEST_TMP/unknown.out" "completed exit 0 signal 0 outputs 1"
gcc -O2 -c src/small.c -o "$TEST_TMP/small.ref.o"
assert_files_identical "$TEST_TMP/small.ref.o" "$TEST_TMP/out$PROJ/build/small.o" "small.o"

note "a malformed cancel ends the connection with a clear error"
rc=0
# job_cancel (13) with 3 bytes where a u64 belongs.
probe garbage "$A:$PORT" hex:4652593103"0d"0000"03000000""03000000"616263 \
    >"$TEST_TMP/garbage.out" 2>&1 || rc=$?
assert_eq 102 "$rc" "probe exit status for a malformed cancel ($(cat "$TEST_TMP/garbage.out"))"
assert_contains "$TEST_TMP/garbage.out" "job_cancel"

note "through the coordinator: a wrapper killed mid-compile has its remote compile killed"
cat >"$TEST_TMP/hosts.toml" <<EOF2
[client]
speculate = false
[[runner]]
name = "r1"
address = "$A"
port = $PORT
slots = 1
EOF2
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
before=$(grep -c "cancelled by the client after" "$(ferryd_log $A)")
(exec "$FERRY" g++ "${SPIN_FLAGS[@]}" -c src/spin.cc -o build/spin-wrapped.o) &
WRAPPER=$!
ferryd_wait_running $A 60
sleep 0.5
kill -KILL "$WRAPPER"
wait "$WRAPPER" 2>/dev/null || true
for ((i = 0; i < 200; i++)); do
    [ "$(grep -c "cancelled by the client after" "$(ferryd_log $A)")" -gt "$before" ] && break
    sleep 0.05
done
[ "$(grep -c "cancelled by the client after" "$(ferryd_log $A)")" -gt "$before" ] ||
    fail "the runner did not hear the cancel: $(tail -5 "$(ferryd_log $A)")"
no_compiler_left
[ ! -e build/spin-wrapped.o ] || fail "a killed wrapper's output was written"
for ((i = 0; i < 100; i++)); do
    [ "$(status_field runners.0.busy)" = 0 ] && break
    sleep 0.05
done
assert_eq 0 "$(status_field runners.0.busy)" "runner slots busy after the cancel"
pass
