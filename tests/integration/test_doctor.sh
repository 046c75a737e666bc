#!/usr/bin/env bash
# `ferry doctor` against real runners (docs/doctor.md): a healthy set-up is "all well" with
# exit 0; each fault is named with its fix and exit 1 — a runner address where nothing
# listens, a runner whose --allow excludes us, a key mismatch, a runner the running
# coordinator has backed off, a malformed hosts.toml (with its line), and hostile listeners
# that say nothing or send garbage (the doctor finishes within its bound). Every run is under
# `timeout 30`, so a hang fails the suite.
source "$(dirname "$0")/lib.sh"
ferry_test_init
A=127.0.0.51 # healthy
B=127.0.0.52 # healthy, killed for the backoff case
NOBODY=127.0.0.53
FENCED=127.0.0.54 # --allow excludes the client
KEYED=127.0.0.55  # --key-file with key A
SILENT=127.0.0.56 # a listener that never speaks
NOISY=127.0.0.57  # a listener that sends garbage
HOSTS="$TEST_TMP/hosts.toml"
export FERRY_HOSTS_FILE="$HOSTS"

# hosts_toml [name=address[:key_file]]...: a hosts file naming these runners on $PORT.
hosts_toml() {
    {
        echo "[client]"
        echo "backoff_ms = 60000"
        echo "connect_timeout_ms = 1000"
        local spec name rest addr key
        for spec in "$@"; do
            name=${spec%%=*}
            rest=${spec#*=}
            addr=${rest%%:*}
            key=""
            [ "$rest" = "$addr" ] || key=${rest#*:}
            echo "[[runner]]"
            echo "name = \"$name\""
            echo "address = \"$addr\""
            echo "port = $PORT"
            [ -z "$key" ] || echo "key_file = \"$key\""
        done
    } >"$HOSTS"
}

# doctor NAME [args...]: runs `ferry doctor` under a 30 s bound; output in $TEST_TMP/NAME.out,
# status in DOCTOR_RC, seconds taken in DOCTOR_SECONDS.
doctor() {
    local name=$1 start
    shift
    start=$(date +%s%N)
    DOCTOR_RC=0
    timeout 30 "$FERRY" doctor "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" || DOCTOR_RC=$?
    DOCTOR_SECONDS=$((($(date +%s%N) - start) / 1000000000))
    [ "$DOCTOR_RC" -ne 124 ] || fail "ferry doctor ($name) hung: killed after 30 s"
}

expect_problem() { # NAME WHAT-TEXT FIX-TEXT
    assert_eq 1 "$DOCTOR_RC" "exit status of ferry doctor ($1): $(cat "$TEST_TMP/$1.out" "$TEST_TMP/$1.err")"
    assert_contains "$TEST_TMP/$1.out" "$2" "finding of $1"
    assert_contains "$TEST_TMP/$1.out" "fix: $3" "fix of $1"
    grep -Eq '^[0-9]+ problem\(s\), [0-9]+ warning\(s\)$' "$TEST_TMP/$1.out" ||
        fail "no summary line in $1: $(cat "$TEST_TMP/$1.out")"
}

start_ferryd $A
start_ferryd $B

note "healthy: two runners, no coordinator running"
hosts_toml a=$A b=$B
doctor healthy
assert_eq 0 "$DOCTOR_RC" "exit status of a healthy set-up: $(cat "$TEST_TMP/healthy.out" "$TEST_TMP/healthy.err")"
assert_eq "all well" "$(tail -n 1 "$TEST_TMP/healthy.out")" "last line of a healthy report"
assert_contains "$TEST_TMP/healthy.out" "ok      a: $A:$PORT serves 2 slot(s)"
assert_contains "$TEST_TMP/healthy.out" "ok      b: $B:$PORT serves 2 slot(s)"
assert_contains "$TEST_TMP/healthy.out" "ships the compiler"
assert_contains "$TEST_TMP/healthy.out" "coordinator: not running"
# Not a terminal: plain words, no unicode markers.
if grep -q '✓\|✗' "$TEST_TMP/healthy.out"; then fail "unicode markers in a non-terminal report"; fi

note "--json: the same findings for a script"
doctor json --json
assert_eq 0 "$DOCTOR_RC" "exit status with --json"
python3 - "$TEST_TMP/json.out" <<'PY' || fail "bad --json output: $(cat "$TEST_TMP/json.out")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["summary"] == "all well", doc["summary"]
assert doc["exit_status"] == 0 and doc["problems"] == 0
runners = [f for f in doc["findings"] if f["section"] == "runners"]
assert [f["severity"] for f in runners] == ["ok", "ok"], runners
PY

note "usage error: exit 2"
doctor usage --no-such-option
assert_eq 2 "$DOCTOR_RC" "exit status of a usage error"

note "unreachable: nothing listens on $NOBODY"
hosts_toml a=$A nobody=$NOBODY
doctor unreachable
expect_problem unreachable "nobody: unreachable: connect $NOBODY:$PORT: Connection refused" \
    "start ferryd on $NOBODY (ferryd --listen $NOBODY:$PORT --allow CLIENT/32) or check the firewall"
assert_contains "$TEST_TMP/unreachable.out" "ok      a: "

note "not allowed: ferryd on $FENCED allows only 10.99.0.0/16"
FERRYD_ALLOW=10.99.0.0/16 start_ferryd $FENCED
hosts_toml fenced=$FENCED
doctor fenced
expect_problem fenced "fenced: not allowed: address 127.0.0." \
    "add this machine's address to ferryd --allow on $FENCED"

note "unauthorised: the runner holds key A, we hold key B"
"$FERRY" keygen "$TEST_TMP/a.key" 2>/dev/null
"$FERRY" keygen "$TEST_TMP/b.key" 2>/dev/null
start_ferryd $KEYED --key-file "$TEST_TMP/a.key"
hosts_toml keyed=$KEYED:"$TEST_TMP/b.key"
doctor wrongkey
expect_problem wrongkey "keyed: unauthorised: the runner refused our key" \
    "copy the same key file to both sides: $TEST_TMP/b.key here and ferryd --key-file on $KEYED"
note "... and with no key at all"
hosts_toml keyed=$KEYED
doctor nokey
expect_problem nokey "keyed: unauthorised: the runner wants a key" \
    "copy the key file of ferryd on $KEYED here and set key_file for it in hosts.toml"
note "... and with the right key: fine"
hosts_toml keyed=$KEYED:"$TEST_TMP/a.key"
doctor rightkey
assert_eq 0 "$DOCTOR_RC" "exit status with the right key: $(cat "$TEST_TMP/rightkey.out")"
assert_contains "$TEST_TMP/rightkey.out" "authenticated"
note "... and a key file others can read"
chmod 0644 "$TEST_TMP/a.key"
doctor openkey
expect_problem openkey "is accessible by group or others (mode 0644)" "chmod 600 $TEST_TMP/a.key"
chmod 0600 "$TEST_TMP/a.key"

note "malformed hosts.toml: the finding names the line"
printf '[client]\nbackoff_ms = 1000\n[[runner]]\naddress = "%s"\nprot = %s\n' $A $PORT >"$HOSTS"
doctor malformed
expect_problem malformed "$HOSTS:5" "edit $HOSTS line 5"

note "hostile listeners: one silent, one sending garbage; the doctor ends within its bound"
cat >"$TEST_TMP/hostile.py" <<'PY'
import socket, sys, threading, time
addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(16)
open(sys.argv[4], "w").close()  # ready
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # never closed: the peer must give up by itself
    if mode == "garbage":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n" + b"\xff" * 4096)
PY
python3 "$TEST_TMP/hostile.py" $SILENT $PORT silent "$TEST_TMP/silent.ready" &
SILENT_PID=$!
python3 "$TEST_TMP/hostile.py" $NOISY $PORT garbage "$TEST_TMP/noisy.ready" &
NOISY_PID=$!
for ((i = 0; i < 100; i++)); do
    [ -e "$TEST_TMP/silent.ready" ] && [ -e "$TEST_TMP/noisy.ready" ] && break
    sleep 0.05
done
hosts_toml silent=$SILENT noisy=$NOISY a=$A
doctor hostile
expect_problem hostile "silent: no answer: $SILENT:$PORT accepts connections but sent nothing within 3000 ms (waiting for the greeting)" \
    "check that ferryd (not another program) listens on $SILENT:$PORT"
assert_contains "$TEST_TMP/hostile.out" "noisy: not a ferry runner, or a broken one:"
assert_contains "$TEST_TMP/hostile.out" "ok      a: "
# Runners are probed at once: one 3 s timeout, not one per runner.
[ "$DOCTOR_SECONDS" -le 10 ] || fail "the doctor took $DOCTOR_SECONDS s with hostile runners"
kill "$SILENT_PID" "$NOISY_PID" 2>/dev/null
wait "$SILENT_PID" "$NOISY_PID" 2>/dev/null || true # killed: status 143

note "backoff: the running coordinator has backed off a killed runner"
hosts_toml a=$A b=$B
mkdir -p "$TEST_TMP/proj"
printf 'int f(int x) { return x * 2; }\n' >"$TEST_TMP/proj/f.c"
(cd "$TEST_TMP/proj" && "$FERRY" gcc -O2 -c f.c -o f.o) || fail "a compile through ferry failed"
for ((i = 0; i < 100; i++)); do
    "$FERRY" status >"$TEST_TMP/status-before" 2>/dev/null
    grep -Eq '^b .* up ' "$TEST_TMP/status-before" && break
    sleep 0.1
done
grep -Eq '^b .* up ' "$TEST_TMP/status-before" || fail "runner b not up: $(cat "$TEST_TMP/status-before")"
kill_ferryd $B
for ((i = 0; i < 100; i++)); do
    "$FERRY" status >"$TEST_TMP/status-after" 2>/dev/null
    grep -Eq '^b .* backoff' "$TEST_TMP/status-after" && break
    sleep 0.1
done
grep -Eq '^b .* backoff' "$TEST_TMP/status-after" || fail "runner b not in backoff: $(cat "$TEST_TMP/status-after")"
doctor backoff
expect_problem backoff "b: backoff in the coordinator (" \
    "see the runner findings above for b ($B:$PORT)"
assert_contains "$TEST_TMP/backoff.out" "b: unreachable: connect $B:$PORT: Connection refused"
grep -Eq 'next try in [0-9]+\.[0-9] s' "$TEST_TMP/backoff.out" ||
    fail "no backoff time left in: $(cat "$TEST_TMP/backoff.out")"
assert_contains "$TEST_TMP/backoff.out" "coordinator: running (pid "
pass
