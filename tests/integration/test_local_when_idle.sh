#!/usr/bin/env bash
# The client's CPU is a slot (coordinator/local_offload.hpp): with every runner slot taken and
# jobs queued, a queued job compiles here when this machine is measured idle — and never when
# it is busy, nor with local_when_idle off. The runner is frozen (SIGSTOP) to hold its only slot
# without using CPU; the busy case runs one CPU burner per CPU. Objects stay byte-identical to
# local compiles, each sent-back job is counted with its reason, and it compiles at the lowest
# CPU priority (SCHED_IDLE: ps's class IDL), so it slows nothing else here.
source "$(dirname "$0")/lib.sh"
ferry_test_init
export FERRY_LOCAL_WHEN_IDLE=1
R=127.0.0.41
start_ferryd $R
cat >"$TEST_TMP/hosts.toml" <<EOF2
[client]
local_slots = 2
[[runner]]
name = "r1"
address = "$R"
port = $PORT
slots = 1
EOF2
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
P="$TEST_TMP/p"
mkdir -p "$P/ref"
# Units 0-2 compile for over half a second, long enough for ps to see their priority and for
# the coordinator's 500 ms tick to read a sent-back one while it runs (a wrapper gone before
# its connection's end is read leaves only those readings: coordinator/offload_runs.hpp).
for i in 0 1 2; do
    for ((f = 0; f < 240; f++)); do
        printf 'double f%d_%d(const double *a, int n) { double s = 0; for (int k = 1; k < n; ++k) s = s * 0.5 + a[k - 1] / (a[k] + %d.0) + (double)(k ^ %d); return s; }\n' \
            "$i" "$f" "$f" "$i"
    done >"$P/u$i.c"
done
for i in 3 4 5 6; do
    printf 'int f%d(int x) { return x * %d + 3; }\n' "$i" "$i" >"$P/u$i.c"
done
for i in 0 1 2 3 4 5 6; do
    (cd "$P" && gcc -O1 -g -c "u$i.c" -o "ref/u$i.o") || fail "local reference u$i"
done
# wait_up: until the coordinator of the current configuration has its runner up.
wait_up() {
    local end=$((SECONDS + 10))
    while [ $SECONDS -lt $end ]; do
        [ "$(status_field runners.0.state)" = up ] && return 0
        sleep 0.1
    done
    fail "the runner is not up: $("$FERRY" status)"
}

# compile_bg I: `ferry gcc` of unit I in the background; its pid in PIDS[I].
declare -A PIDS
compile_bg() {
    (cd "$P" && "$FERRY" gcc -O1 -g -c "u$1.c" -o "u$1.o") 2>"$TEST_TMP/u$1.err" &
    PIDS[$1]=$!
}
# wait_queued N SECONDS: until the coordinator reports N jobs queued.
wait_queued() {
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        [ "$(status_field queued)" = "$1" ] && return 0
        sleep 0.1
    done
    fail "expected $1 queued jobs: $("$FERRY" status)"
}
# finished_within I SECONDS: unit I's wrapper exits 0 in time.
finished_within() {
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        if ! kill -0 "${PIDS[$1]}" 2>/dev/null; then
            wait "${PIDS[$1]}" || fail "ferry gcc u$1.c failed: $(cat "$TEST_TMP/u$1.err")"
            return 0
        fi
        sleep 0.1
    done
    return 1
}
# running UNITS...: how many of them still run.
running() {
    local n=0 u
    for u in "$@"; do kill -0 "${PIDS[$u]}" 2>/dev/null && n=$((n + 1)); done
    echo $n
}
# until_running N SECONDS UNITS...: until only N of them still run.
until_running() {
    local n=$1 end=$((SECONDS + $2))
    shift 2
    while [ $SECONDS -lt $end ]; do
        [ "$(running "$@")" -le "$n" ] && return 0
        sleep 0.1
    done
    return 1
}
idle_reason_count() {
    "$FERRY" status --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["jobs"]["local_reasons"].get("runners busy, this machine idle", 0))'
}

# watch_idle_cc1 FILE: until FILE.stop exists, appends "PID CLASS CMDLINE" for each cc1
# compiling a unit in $P (ps's scheduling class: TS normal, IDL SCHED_IDLE). Not the wrapper's
# scans (cc1 -E), nor the coordinator's look at the toolchain it ships (cc1 run with
# LD_TRACE_LOADED_OBJECTS for a few milliseconds, at normal priority: a CI run caught one). A
# cc1 may exit between pgrep and ps: the watcher runs without -e, else that race ends it (and
# the suite) with no message.
watch_idle_cc1() {
    set +e
    while [ ! -e "$1.stop" ]; do
        for pid in $(pgrep -x cc1); do
            [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$P" ] || continue
            cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-300)
            grep -q -- ' -E ' <<<"$cmd" && continue
            grep -qE ' u[0-9]+\.c( |$)' <<<"$cmd" || continue
            cls=$(ps -o cls= -p "$pid" 2>/dev/null | tr -d ' ')
            [ -n "$cls" ] && echo "$pid $cls $cmd" >>"$1"
        done
        sleep 0.02
    done
}

note "runner frozen with its slot taken, this machine idle: the queued jobs compile here"
wait_up
kill -STOP "${FERRYD_PIDS[$R]}"
watch_idle_cc1 "$TEST_TMP/classes" &
WATCHER=$!
compile_bg 0
compile_bg 1
compile_bg 2
# One of them holds the frozen runner's slot (whichever was sent first); two queue.
until_running 1 30 0 1 2 || fail "the queued jobs did not compile here while the runner was frozen"
touch "$TEST_TMP/classes.stop"
wait "$WATCHER" || fail "the cc1 watcher failed"
awk '$2 == "IDL"' "$TEST_TMP/classes" | grep -q . ||
    fail "no compile sent back ran at idle priority: $(sort -u "$TEST_TMP/classes" 2>/dev/null)"
if awk '$2 != "IDL"' "$TEST_TMP/classes" | grep -q .; then
    fail "a compile sent back ran at normal priority: $(sort -u "$TEST_TMP/classes")"
fi
sleep 1
assert_eq 1 "$(running 0 1 2)" "compiles still waiting on the frozen runner"
assert_eq 2 "$(idle_reason_count)" "jobs sent back because this machine was idle"
# Each was followed from its wrapper and its CPU counted (coordinator/offload_runs.hpp): two
# compiles of ~0.6 s of CPU each.
offload_ms=$(status_field offload_cpu_ms)
[ "$offload_ms" -ge 50 ] ||
    fail "the compiles sent back were not followed: offload_cpu_ms = $offload_ms"
grep -q "CPUs idle here while runners are full" "$(coordinator_log)" ||
    fail "the coordinator did not log why it sent jobs back"
kill -CONT "${FERRYD_PIDS[$R]}"
for u in 0 1 2; do finished_within $u 30 || fail "u$u did not finish once its runner was thawed"; done

note "this machine busy (a burner per CPU): the queued job waits for the runner"
burners=()
for ((i = 0; i < $(nproc); i++)); do
    (while :; do :; done) &
    burners+=($!)
done
stop_burners() {
    # (`wait` without arguments would wait for ferryd too.)
    [ ${#burners[@]} -eq 0 ] && return 0
    kill "${burners[@]}" 2>/dev/null || true
    wait "${burners[@]}" 2>/dev/null || true
    burners=()
}
# ferry_test_cleanup reads the suite's exit status from $?: hand it on.
trap 'rc=$?; stop_burners; (exit $rc); ferry_test_cleanup' EXIT
sleep 2 # the meter has seen them
kill -STOP "${FERRYD_PIDS[$R]}"
compile_bg 3
compile_bg 4
wait_queued 1 60
sleep 3
assert_eq 1 "$(status_field queued)" "the queued job while this machine is busy"
assert_eq 2 "$(running 3 4)" "compiles running while this machine is busy"
note "the burners stop: now it compiles here"
stop_burners
until_running 1 30 3 4 || fail "the queued job did not compile here once this machine was idle"
assert_eq 3 "$(idle_reason_count)" "jobs sent back because this machine was idle"
kill -CONT "${FERRYD_PIDS[$R]}"
for u in 3 4; do finished_within $u 30 || fail "u$u did not finish once its runner was thawed"; done

note "local_when_idle = false: an idle machine leaves the queue alone"
sed -i 's/^local_slots = 2$/local_slots = 2\nlocal_when_idle = false/' "$TEST_TMP/hosts.toml"
unset FERRY_LOCAL_WHEN_IDLE
wait_up # the new configuration's coordinator, connected before the freeze
kill -STOP "${FERRYD_PIDS[$R]}"
compile_bg 5
compile_bg 6
wait_queued 1 30
sleep 3
assert_eq 1 "$(status_field queued)" "the queued job with local_when_idle = false"
kill -CONT "${FERRYD_PIDS[$R]}"
finished_within 5 60 || fail "u5 did not finish"
finished_within 6 60 || fail "u6 did not finish"
assert_eq 0 "$(idle_reason_count)" "jobs sent back with local_when_idle = false"
assert_eq 0 "$(status_field offload_cpu_ms)" "CPU of compiles sent back with local_when_idle = false"

for i in 0 1 2 3 4 5 6; do
    assert_files_identical "$P/ref/u$i.o" "$P/u$i.o" "u$i.o against a local compile"
done
pass
