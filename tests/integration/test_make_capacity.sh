#!/usr/bin/env bash
# Capacity follows the cluster: a runner stopped in the middle of a build takes its tokens
# out of circulation as they come back (concurrency drops to the new capacity), the build
# succeeds, and the runner started again raises concurrency back.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
start_ferryd 127.0.0.6
start_ferryd 127.0.0.7
# hosts.toml: a short backoff, so the coordinator probes the restarted runner soon.
cat >"$TEST_TMP/hosts.toml" <<EOF2
[client]
local_slots = 2
backoff_ms = 300
connect_timeout_ms = 3000
[[runner]]
address = "127.0.0.6"
port = $PORT
slots = 2
[[runner]]
address = "127.0.0.7"
port = $PORT
slots = 2
EOF2
unset FERRY_HOSTS
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
cp -r "$FIX/recursive" "$TEST_TMP/proj"

wait_log() { # pattern seconds
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        grep -q "$1" "$FERRY_JOBSERVER_LOG" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
log_ns() { # the time of the first log line matching $1, in ns
    grep "$1" "$FERRY_JOBSERVER_LOG" | head -1 | awk '{ split($1, t, "."); print t[1] t[2] "000000" }'
}

# Long enough (some 15 s at -j4..6) to outlast the runner's stop, 4 s, restart and reconnect:
# with 80 jobs a CI run here ended the build 8 s after the shrink, before the pool grew back.
JOBS=200
start_bg "$FERRY" make -C "$TEST_TMP/proj" JOBS=$JOBS SECS=0.3 >"$TEST_TMP/make.log" 2>&1
wait_log ' start ' 20 || fail "the build did not start"
assert_eq 6 "$(pool_size_at_start)" "pool at the start"
sleep 2
note "stopping the runner on 127.0.0.7"
stop_ferryd 127.0.0.7
wait_log 'resize 6 -> 4' 15 || fail "the pool did not shrink: $(cat "$FERRY_JOBSERVER_LOG")"
sleep 4
note "starting it again"
start_ferryd 127.0.0.7
wait_log 'resize 4 -> 6' 20 || fail "the pool did not grow back: $(cat "$FERRY_JOBSERVER_LOG")"
wait_gone "$BG_PID" 120 || fail "the build did not finish"
rc=0
wait "$BG_PID" || rc=$?
assert_eq 0 "$rc" "the build's status: $(tail -5 "$TEST_TMP/make.log")"
# The fixture stamps two "E" lines per job.
assert_eq $((2 * JOBS)) "$(grep -c '^E ' "$STAMPS")" "every job ran"
assert_tokens_back

shrink=$(log_ns 'resize 6 -> 4')
grow=$(log_ns 'resize 4 -> 6')
# Tokens are retired as they come back, and ferry reads the pipe in competition with make's
# own waiters, so the shrink completes when the log says 3 are in circulation (4 with make's
# implicit one), not at the resize. Count the jobs that start after that; a job's start
# stamp is written by its shell, which on a loaded machine can come a good while after make
# gave it a token: leave a second for that.
shrunk=$(log_ns 'retired [0-9]* tokens*, 3 in circulation')
[ -n "$shrunk" ] || fail "the pool never got down to 4 tokens: $(cat "$FERRY_JOBSERVER_LOG")"
[ "$shrunk" -lt "$grow" ] || fail "the pool got down to 4 tokens only after the runner came back"
note "shrink done $(((shrunk - shrink) / 1000000)) ms after the resize"
settled=$((shrunk + 1000000000))
before=$(max_overlap 0 "$shrink")
during=$(max_overlap "$settled" "$grow")
after=$(max_overlap "$((grow + 400000000))")
note "overlap: before $before, while shrunk $during, after $after"
assert_eq 6 "$before" "overlap before the runner stopped"
[ "$during" -le 4 ] || fail "overlap while one runner was down: $during > 4"
[ "$during" -ge 3 ] || fail "overlap while one runner was down fell too far: $during"
assert_eq 6 "$after" "overlap after the runner came back"
pass
