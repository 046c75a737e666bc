#!/usr/bin/env bash
# Issue 11, the tail of a build: a job held by a slow runner (its ferryd frozen with SIGSTOP)
# is raced on the idle runner (a backup compile) and the first answer is used. Checked: the
# object is byte-identical to a local compile, the backup was started and won (`ferry status
# --json`), the frozen runner's late answer is discarded once it thaws, no runner slot is
# leaked (0 busy, and a following build runs on both runners), the build summary counts the
# job once; the remembered compile times survive the coordinator and a hostile file of them
# is ignored. Faults: the backup's runner dies mid-job (the first copy answers), both copies'
# runners die (compiled locally once), the wrapper goes away while both copies run. With
# `backups = false` the job waits for its runner.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have python3 || skip "no python3"
A=127.0.0.41
B=127.0.0.42
fault_start_ferryd $A -v
fault_start_ferryd $B -v
# Jobs are never timed out here: only the race ends them.
FAULT_JOB_TIMEOUT_MS=120000 fault_hosts_toml $A $B
# One job per compile: a speculative start would be a second job, on either runner.
sed -i 's/^\[client\]$/[client]\nspeculate = false/' "$TEST_TMP/hosts.toml"

# A unit of about a second's compile at -O2 -g (more on a loaded machine): long enough to be
# caught running, short enough that a frozen runner is not timed out by the pings (20 s).
T="$TEST_TMP/tail"
mkdir -p "$T"
python3 - "$T/long.c" <<'PY'
import sys
n = 80
out = ["#include <stddef.h>"]
for f in range(n):
    out.append(f"static double f{f}(const double *a, const double *b, int n) {{ double s = 0;"
               f" for (int k = 0; k < n; ++k) s += a[k] * b[(k * {f + 1}) % n] + (double)(k ^ {f});"
               f" for (int k = 1; k < n; ++k) s = s * 0.5 + a[k - 1] / (b[k] + {f}.0); return s; }}")
out.append("double long_unit(const double *a, const double *b, int n);")
out.append("double long_unit(const double *a, const double *b, int n) { double s = 0;")
out += [f"    s += f{f}(a, b, n);" for f in range(n)]
out.append("    return s; }")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
printf 'long.o: long.c\n\t$(CC) -O2 -g -c long.c -o long.o\n' >"$T/Makefile"
(cd "$T" && cc -O2 -g -c long.c -o "$TEST_TMP/long.ref.o") || fail "the local reference compile failed"

# field PATH...: a field of `ferry status --json` ("backups started", "runners 0 busy").
field() {
    "$FERRY" status --json >"$TEST_TMP/status.json" || fail "ferry status --json failed"
    python3 - "$TEST_TMP/status.json" "$@" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for key in sys.argv[2:]:
    v = v[int(key)] if isinstance(v, list) else v[key]
print(v)
PY
}
# wait_field VALUE SECONDS PATH...: until the field has VALUE.
wait_field() {
    local want=$1 end=$((SECONDS + $2)) secs=$2
    shift 2
    while [ $SECONDS -lt $end ]; do
        [ "$(field "$@")" = "$want" ] && return 0
        sleep 0.1
    done
    fail "status field '$*' is $(field "$@"), not $want, after $secs s"
}
busy() { echo $(($(field runners 0 busy) + $(field runners 1 busy))); }
# idle_runners: waits until no runner slot is held (by a job or a discarded copy).
idle_runners() {
    wait_field 0 "${1:-60}" runners 0 busy
    wait_field 0 "${1:-60}" runners 1 busy
}

# Compiles that ran or run on a runner (since the marks), by its own count.
declare -A MARK=()
runs_on() { ferryd_stat "$1" completed active; }
mark_runs() { MARK[$A]=$(runs_on $A); MARK[$B]=$(runs_on $B); }
started_on() { echo $(($(runs_on "$1") - MARK[$1])); }
# wait_first_start: until a runner starts a job (since the marks); prints its address.
wait_first_start() {
    local i
    for ((i = 0; i < 600; i++)); do
        [ "$(started_on $A)" -gt 0 ] && { echo $A; return 0; }
        [ "$(started_on $B)" -gt 0 ] && { echo $B; return 0; }
        sleep 0.05
    done
    fail "no runner started the job"
}
other() { [ "$1" = $A ] && echo $B || echo $A; }
check_object() {
    assert_files_identical "$TEST_TMP/long.ref.o" "$T/long.o" "long.o ($1)"
}

note "warm-up: both runners get the toolchain; the unit's compile time is remembered"
# The race's command exactly (make's CC is `ferry cc`): its unit is known, so its backup
# starts at 1.5 x its compile time rather than after the default for unknown units.
(cd "$T" && "$FERRY" cc -O2 -g -c long.c -o long.o) || fail "warm-up compile failed"
check_object warm-up
(cd "$T" && "$FERRY" gcc -O2 -g -c long.c -o warm2.o & "$FERRY" gcc -O2 -g -c long.c -o warm3.o; wait) ||
    fail "warm-up compiles failed"
idle_runners

note "the race: the runner holding the only job is frozen; its backup wins"
started=$(field backups started)
won=$(field backups won)
discarded=$(field backups discarded)
mark_runs
rm -f "$T/long.o"
(cd "$T" && LC_ALL=C "$FERRY" make --summary >"$TEST_TMP/race.out" 2>"$TEST_TMP/race.err") &
BUILD=$!
slow=$(wait_first_start)
kill -STOP "${FERRYD_PIDS[$slow]}"
frozen_at=$(date +%s.%N)
fast=$(other "$slow")
note "froze $slow; the backup should go to $fast"
wait_field $((won + 1)) 90 backups won
wait "$BUILD" || fail "the race build failed: $(tail -5 "$TEST_TMP/race.err")"
note "the build ended $(awk -v a="$frozen_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after its runner froze"
kill -CONT "${FERRYD_PIDS[$slow]}"
check_object race
assert_eq $((started + 1)) "$(field backups started)" "backups started"
assert_eq 1 "$(started_on "$fast")" "jobs started on the fast runner $fast"
clog=$(coordinator_log)
grep -q "backup compile on r-$fast" "$clog" || fail "no backup line in the coordinator log"
# Counted once: one job, remote, on the runner whose answer was used.
assert_contains "$TEST_TMP/race.err" "ferry: 1 jobs: 1 remote (r-$fast 1)" "the summary"
note "thawed: the late answer of $slow is discarded and its slot freed"
wait_field $((discarded + 1)) 30 backups discarded
wait_field 0 10 queued
assert_eq 0 "$(busy)" "runner slots busy after the race"
grep -q "answer from r-$slow discarded" "$clog" || fail "the coordinator did not discard the late answer"
assert_eq "up" "$(field runners 0 state)" "state of r-$A (slow is not a failure)"
assert_eq "up" "$(field runners 1 state)" "state of r-$B (slow is not a failure)"

note "a following build uses every slot"
idle_runners
fault_project 8
fault_reference
jobs_before=$(field jobs remote)
mark_runs
fault_build after
fault_check_build after 0
units=$(ls "$FPROJ"/src/*.c | wc -l)
assert_eq $((jobs_before + units)) "$(field jobs remote)" "remote jobs after a $units-unit build"
[ "$(started_on $A)" -ge 1 ] && [ "$(started_on $B)" -ge 1 ] ||
    fail "the build after the race did not use both runners ($A: $(started_on $A), $B: $(started_on $B))"
assert_eq 0 "$(busy)" "runner slots busy after the following build"

# shutdown_coordinator: asks it to exit and waits until it has (it saves on the way out).
shutdown_coordinator() {
    local pid
    pid=$(field coordinator_pid)
    "$FERRY" shutdown >/dev/null 2>&1 || true
    wait_gone "$pid" 20 || fail "the coordinator $pid did not exit"
}

note "the remembered compile times outlive the coordinator; a hostile file is ignored"
shutdown_coordinator
costs=$(ls "$XDG_RUNTIME_DIR"/ferry/*.costs 2>/dev/null | head -1)
[ -n "$costs" ] || fail "no compile times kept in $XDG_RUNTIME_DIR/ferry"
head -1 "$costs" | grep -qx 'ferry-costs 1' || fail "cost file header: $(head -1 "$costs")"
[ "$(wc -l <"$costs")" -ge 10 ] || fail "cost file too short: $(cat "$costs")"
assert_eq 600 "$(stat -c %a "$costs")" "the cost file's mode"
field coordinator_pid >/dev/null
grep -q "remembered compile time(s) from $costs" "$(coordinator_log)" ||
    fail "the new coordinator did not read $costs"
shutdown_coordinator
printf 'ferry-costs 1\n%s 5\n../../etc/passwd 1\n' "$(printf '%032x' 1)" >"$costs"
(cd "$T" && "$FERRY" gcc -O2 -g -c long.c -o long.o) || fail "compile with a hostile cost file failed"
check_object "hostile cost file"
grep -q "ignoring the remembered compile times" "$(coordinator_log)" ||
    fail "the hostile cost file was not reported"

note "fault: the backup's runner dies mid-job; the first copy answers"
# A unit of a few seconds whatever the machine (g++ runs the loop at compile time): long.c's
# second could end on the backup's runner before it is killed, and the backup would win.
write_spin_unit "$T/spin.cc" 1000000
SPIN=("${SPIN_FLAGS[@]}" -c spin.cc)
(cd "$T" && g++ "${SPIN[@]}" -o "$TEST_TMP/spin.ref.o") || fail "the local reference compile of spin.cc failed"
idle_runners
started=$(field backups started)
won=$(field backups won)
mark_runs
(cd "$T" && "$FERRY" g++ "${SPIN[@]}" -o spin.o) &
BUILD=$!
slow=$(wait_first_start)
kill -STOP "${FERRYD_PIDS[$slow]}"
fast=$(other "$slow")
wait_field $((started + 1)) 30 backups started
for ((i = 0; i < 400; i++)); do [ "$(started_on "$fast")" -gt 0 ] && break; sleep 0.05; done
kill_ferryd "$fast"
kill -CONT "${FERRYD_PIDS[$slow]}"
wait "$BUILD" || fail "the compile failed when the backup's runner died"
assert_files_identical "$TEST_TMP/spin.ref.o" "$T/spin.o" "spin.o (backup runner died)"
assert_eq "$won" "$(field backups won)" "backups won when the backup's runner died"
idle_runners
fault_start_ferryd "$fast" -v

note "fault: both copies' runners die; compiled locally once"
sleep 1.2 # the restarted runner's backoff ends
wait_field up 10 runners 0 state
wait_field up 10 runners 1 state
idle_runners
sent_back=$(field jobs sent_back)
started=$(field backups started)
mark_runs
rm -f "$T/long.o"
(cd "$T" && LC_ALL=C "$FERRY" gcc -O2 -g -c long.c -o long.o 2>"$TEST_TMP/both.err") &
BUILD=$!
slow=$(wait_first_start)
kill -STOP "${FERRYD_PIDS[$slow]}"
fast=$(other "$slow")
wait_field $((started + 1)) 30 backups started
kill_ferryd "$fast"
kill_ferryd "$slow"
wait "$BUILD" || fail "the compile failed when both runners died: $(cat "$TEST_TMP/both.err")"
check_object "both runners died"
assert_eq $((sent_back + 1)) "$(field jobs sent_back)" "jobs sent back when both copies died"
[ "$(grep -c '^ferry:' "$TEST_TMP/both.err")" -le 2 ] || fail "too many warnings: $(cat "$TEST_TMP/both.err")"
fault_start_ferryd $A -v
fault_start_ferryd $B -v

note "fault: the wrapper goes away while both copies run"
sleep 1.2
wait_field up 10 runners 0 state
wait_field up 10 runners 1 state
idle_runners
mark_runs
started=$(field backups started)
discarded=$(field backups discarded)
(cd "$T" && exec "$FERRY" gcc -O2 -g -c long.c -o gone.o) &
BUILD=$!
slow=$(wait_first_start)
kill -STOP "${FERRYD_PIDS[$slow]}"
wait_field $((started + 1)) 30 backups started
kill -KILL "$BUILD"
wait "$BUILD" 2>/dev/null || true
kill -CONT "${FERRYD_PIDS[$slow]}"
idle_runners
assert_eq "$discarded" "$(field backups discarded)" "a cancelled job's answers are not lost races"
[ ! -e "$T/gone.o" ] || fail "a killed wrapper's output was written"
fault_build last
fault_check_build last 0
assert_eq 0 "$(busy)" "runner slots busy at the end"

note "backups = false: the job waits for its frozen runner"
sed -i 's/^speculate = false$/speculate = false\nbackups = false/' "$TEST_TMP/hosts.toml"
mark_runs
rm -f "$T/long.o"
(cd "$T" && "$FERRY" gcc -O2 -g -c long.c -o long.o) &
BUILD=$!
slow=$(wait_first_start)
kill -STOP "${FERRYD_PIDS[$slow]}"
sleep 6 # past any backup's threshold for this unit
kill -CONT "${FERRYD_PIDS[$slow]}"
wait "$BUILD" || fail "the compile failed without backups"
check_object "without backups"
assert_eq 0 "$(field backups started)" "backups started with backups = false"
assert_eq 0 "$(started_on "$(other "$slow")")" "jobs started on the other runner"
pass
