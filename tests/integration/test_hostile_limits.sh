#!/usr/bin/env bash
# Limits that hold before trust (docs/security.md): a peer that has proved nothing, or one
# that asks for too much, must not make ferryd allocate, block its loop, or keep others out.
# Each attack is made by tools/ferry_attack against a real ferryd on loopback, while an
# honest client (ferry_probe) checks that ferryd keeps serving; ferryd's peak RSS (VmHWM)
# must stay under a stated bound through all of them.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
ATTACK="${FERRY_ATTACK:-${FERRY_BINARY_DIR:-}/tests/integration/tools/ferry_attack}"
[ -x "$ATTACK" ] || skip "ferry_attack not built (set FERRY_ATTACK or FERRY_BINARY_DIR)"
have gcc || skip "gcc not installed"
ferry_test_init

A=127.0.0.2       # the runner under attack; only A itself is in its --allow
OUTSIDE=127.0.0.3 # a host outside --allow
B=127.0.0.4       # a runner with the manifest limits raised, to load its mirror builder
# AddressSanitizer's shadow memory and quarantine alone take tens of MiB: a sanitizer build's
# bound is 4 times larger (still far below what one inflated bomb took: 518 MiB).
MAX_HWM_KIB=$((64 * 1024 * ${FERRY_MEMORY_FACTOR:-1}))
# ferryd started as root runs as nobody: its TMPDIR must be writable by everyone.
chmod 0711 "$TEST_TMP"
RUNNER_TMP="$TEST_TMP/runner-tmp"
mkdir -m 1777 "$RUNNER_TMP"

attack() { "$ATTACK" "$@"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
assert_hwm() { # pid what
    local hwm
    hwm=$(hwm_kib "$1")
    note "ferryd VmHWM after $2: $hwm KiB"
    [ "$hwm" -lt "$MAX_HWM_KIB" ] || fail "ferryd's peak RSS reached $hwm KiB after $2 (bound $MAX_HWM_KIB KiB)"
}
assert_serving() { # what
    probe --bind $A stats "$A:$PORT" >"$TEST_TMP/stats.txt" 2>&1 ||
        fail "the honest client was not served $1: $(cat "$TEST_TMP/stats.txt")"
}
job_dirs() { find "$RUNNER_TMP" -mindepth 3 -maxdepth 3 -name 'job-*' -type d | wc -l; }

# Only A itself: start_ferryd's default 127.0.0.0/8 would let OUTSIDE in.
LOG_A=$(ferryd_log $A)
TMPDIR="$RUNNER_TMP" FERRYD_ALLOW="$A/32" start_ferryd $A \
    --max-connections 2 --max-queue 8 --files-timeout 3
PID_A=${FERRYD_PIDS[$A]}
assert_serving "at the start"
note "ferryd VmHWM at the start: $(hwm_kib $PID_A) KiB"

note "zstd bombs before the hello are refused without being inflated"
( for i in 1 2 3 4 5 6 7 8; do probe --bind $A stats "$A:$PORT" >/dev/null 2>&1 || echo miss; sleep 0.1; done ) \
    >"$TEST_TMP/during-bombs.txt" &
DURING=$!
attack --bind $A bomb "$A:$PORT" 4 3 500 >"$TEST_TMP/bomb.txt" || fail "bomb: $(cat "$TEST_TMP/bomb.txt")"
attack --bind $A bomb "$A:$PORT" 2 3 500 nosize >"$TEST_TMP/bomb-nosize.txt" || fail "bomb nosize"
wait $DURING
assert_contains "$TEST_TMP/bomb.txt" "closed 4 of 4" "every bombing connection dropped"
assert_contains "$TEST_TMP/bomb-nosize.txt" "closed 2 of 2" "every bombing connection dropped"
[ ! -s "$TEST_TMP/during-bombs.txt" ] || fail "the honest client was refused during the bombs"
assert_contains "$LOG_A" "compressed client_hello frame where only plain frames are accepted"
assert_hwm "$PID_A" "zstd bombs before the hello"
note "and after the hello, a ping may not inflate either"
attack --bind $A bomb "$A:$PORT" 2 3 500 ping >"$TEST_TMP/bomb-ping.txt" || fail "bomb ping"
assert_contains "$TEST_TMP/bomb-ping.txt" "closed 2 of 2" "every bombing connection dropped"
assert_contains "$LOG_A" "ping frame decompresses to"
assert_hwm "$PID_A" "zstd ping bombs after the hello"
assert_serving "after the bombs"

note "a host outside --allow cannot lock an allowed client out, nor flood the log"
attack --bind $OUTSIDE flood "$A:$PORT" 60 30 >"$TEST_TMP/flood.txt" &
FLOOD=$!
served=0
for i in $(seq 1 10); do
    probe --bind $A hello "$A:$PORT" >"$TEST_TMP/hello-$i.txt" 2>&1 && served=$((served + 1))
    sleep 0.1
done
wait $FLOOD
assert_contains "$TEST_TMP/flood.txt" "refused 60 greeted 0" "the outside host is refused every time"
assert_eq 10 "$served" "allowed client's connections served during the flood (max-connections 2)"
lines=$(grep -c 'refused connection from 127.0.0.3' "$LOG_A" || true)
note "refusal log lines for 60 refused connections: $lines"
[ "$lines" -le 5 ] || fail "$lines log lines for refused connections (throttled to 5 per interval)"
summarised() { sed -n 's/.*refused \([0-9]*\) more connections in the last 10 s.*/\1/p' "$LOG_A" | awk '{ n += $1 } END { print n + 0 }'; }
for ((i = 0; i < 240; i++)); do
    [ "$(summarised)" -ge 55 ] && break
    sleep 0.05
done
assert_eq 55 "$(summarised)" "refusals counted in the summary lines"
assert_hwm "$PID_A" "the flood"

note "manifest bombs are refused at once, and the loop keeps answering"
attack --bind $A pings "$A:$PORT" 1500 >"$TEST_TMP/pings.txt" &
PINGS=$!
sleep 0.2
attack --bind $A manifest "$A:$PORT" gcc 40 1000 >"$TEST_TMP/deep.txt" || fail "deep manifest"
attack --bind $A manifest "$A:$PORT" gcc 20000 1 >"$TEST_TMP/wide.txt" || fail "wide manifest"
wait $PINGS
cat "$TEST_TMP/deep.txt" "$TEST_TMP/wide.txt" "$TEST_TMP/pings.txt" >&2
assert_contains "$TEST_TMP/deep.txt" "refused in" "the deep manifest"
assert_contains "$TEST_TMP/deep.txt" "components is over the limit of 128"
assert_contains "$TEST_TMP/wide.txt" "refused in" "the wide manifest"
assert_contains "$TEST_TMP/wide.txt" "the mirror needs more than 10000 directories"
for f in deep wide; do
    ms=$(sed -n 's/^refused in \([0-9]*\) ms.*/\1/p' "$TEST_TMP/$f.txt")
    [ "$ms" -lt $((1000 * ${FERRY_TIME_FACTOR:-1})) ] || fail "the $f manifest took $ms ms to refuse"
done
worst=$(sed -n 's/^pings [0-9]* max-ms \([0-9]*\)$/\1/p' "$TEST_TMP/pings.txt")
[ -n "$worst" ] && [ "$worst" -lt $((250 * ${FERRY_TIME_FACTOR:-1})) ] ||
    fail "a ping waited ${worst:-?} ms during the manifest bombs"
assert_hwm "$PID_A" "the manifest bombs"

note "a mirror that is allowed but large is built off the loop"
# B keeps its state where ferryd puts it by default (a tmpfs when there is one:
# remote/runner/state_dir.hpp): on ext4 under load, making and removing the 12,000
# directories took longer than stop_ferryd's 10 s at the end.
start_ferryd $B --max-path-depth 400 --max-mirror-dirs 20000
attack --bind $B pings "$B:$PORT" 2500 >"$TEST_TMP/pings-b.txt" &
PINGS=$!
sleep 0.2
attack --bind $B manifest "$B:$PORT" gcc 40 300 >"$TEST_TMP/deep-b.txt" || fail "deep manifest on B"
wait $PINGS
cat "$TEST_TMP/deep-b.txt" "$TEST_TMP/pings-b.txt" >&2
assert_contains "$TEST_TMP/deep-b.txt" "need-files in" "the deep manifest accepted on B"
worst=$(sed -n 's/^pings [0-9]* max-ms \([0-9]*\)$/\1/p' "$TEST_TMP/pings-b.txt")
[ -n "$worst" ] && [ "$worst" -lt $((250 * ${FERRY_TIME_FACTOR:-1})) ] || fail "a ping waited ${worst:-?} ms while B built a 12,000-directory mirror"

note "jobs that never get their files: a runner-wide bound and a timeout"
attack --bind $A hold "$A:$PORT" gcc 6 8 >"$TEST_TMP/hold-1.txt" &
H1=$!
attack --bind $A hold "$A:$PORT" gcc 6 8 >"$TEST_TMP/hold-2.txt" &
H2=$!
sleep 1.5
dirs=$(job_dirs)
note "job directories while 12 jobs wait for files (max-queue 8): $dirs"
[ "$dirs" -le 8 ] || fail "$dirs job directories alive with --max-queue 8"
[ "$dirs" -ge 1 ] || fail "no job directory at all: the jobs did not get to wait for files"
wait $H1 $H2
cat "$TEST_TMP/hold-1.txt" "$TEST_TMP/hold-2.txt" >&2
need=0 full=0 timed=0
for f in "$TEST_TMP"/hold-[12].txt; do
    read -r n q t o < <(sed -n 's/^need \([0-9]*\) queue-full \([0-9]*\) timed-out \([0-9]*\) other \([0-9]*\).*/\1 \2 \3 \4/p' "$f")
    [ "$o" = 0 ] || fail "unexpected answers in $f"
    need=$((need + n)) full=$((full + q)) timed=$((timed + t))
done
assert_eq 8 "$need" "jobs let in to wait for files, over both connections"
assert_eq 4 "$full" "jobs turned away (queue full)"
assert_eq 8 "$timed" "jobs failed because their files never came"
assert_contains "$LOG_A" "the files it needs did not arrive within 3 s"
# A dropped job's directory (its mirror, the compiler's files linked in) is removed on the
# runner's thread pool: give it a moment.
for ((i = 0; i < 100; i++)); do
    [ "$(job_dirs)" = 0 ] && break
    sleep 0.05
done
assert_eq 0 "$(job_dirs)" "job directories left after the timeout"
assert_hwm "$PID_A" "every attack"
assert_serving "at the end"
stop_ferryd $A
stop_ferryd $B
pass
