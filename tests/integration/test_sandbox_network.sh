#!/usr/bin/env bash
# What a job can reach of the network, now that ferryd lends each job one of the network
# namespaces it made at start-up instead of making one per job (net_namespace.hpp;
# docs/sandbox.md, "the network"). A hostile client ships its own "compiler"
# (tools/sandbox_net_probe.c, static), which a sandboxed runner executes; it reports what it
# could do in the object it writes. Real ferryd on loopback, one with one slot (every job
# borrows the same namespace) and one with two. Each case asserts:
#  - no TCP connection to a port this machine listens on (the runner's own), no loopback
#    device brought up (the job holds no capability over the namespace it borrows), no
#    connection to an abstract unix socket this machine listens on, no fd of the namespaces
#    left open in the job;
#  - what one job leaves listening (an abstract socket, a child in a session of its own that
#    tries to outlive the job) is gone for the next job in the same namespace, and is never
#    reachable from a job running beside it;
#  - the jobs ran in the namespaces ferryd holds (their /proc/PID/ns/net), two at once in two
#    different ones; a cancelled job's namespace is replaced by a new one, never lent again;
#  - the same probe on this machine, outside the sandbox, does connect (so a refusal above
#    is the sandbox's doing, not a broken probe).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
have gcc || skip "gcc not installed"
ferry_test_init
TOOLS="$FERRY_SOURCE_DIR/tests/integration/tools"
RAND=$(od -An -N6 -tx8 /dev/urandom | tr -d ' ')

NETPROBE="$TEST_TMP/bin/sandbox_net_probe"
mkdir -p "$TEST_TMP/bin"
gcc -static -O1 -o "$NETPROBE" "$TOOLS/sandbox_net_probe.c" 2>"$TEST_TMP/netprobe.err" ||
    fail "cannot build the probe: $(cat "$TEST_TMP/netprobe.err")"
chmod 0755 "$TEST_TMP" "$TEST_TMP/bin" "$NETPROBE"

A=127.0.0.2 # one slot: every job borrows the same namespace
B=127.0.0.3 # two slots: two jobs at once
start_ferryd $A --jobs 1
start_ferryd $B --jobs 2
for addr in $A $B; do
    assert_contains "$(ferryd_log $addr)" "network namespaces: " "ferryd $addr's log"
done

# lent_namespaces ADDR: the network namespaces ferryd on ADDR holds, one per line, sorted.
lent_namespaces() {
    local fd
    for fd in /proc/"${FERRYD_PIDS[$1]}"/fd/*; do readlink "$fd"; done 2>/dev/null | grep '^net:' | sort
}
assert_eq 1 "$(lent_namespaces $A | wc -l)" "network namespaces held by the one-slot runner"
assert_eq 2 "$(lent_namespaces $B | wc -l)" "network namespaces held by the two-slot runner"
own_net=$(readlink /proc/self/ns/net)
if lent_namespaces $A | grep -qxF "$own_net"; then fail "the runner lends this machine's own network namespace"; fi

PROJ="$TEST_TMP/proj"
OUT="$TEST_TMP/out"
mkdir -p "$PROJ" "$OUT"
: >"$TEST_TMP/sysinc"
cd "$PROJ" || fail "cd $PROJ"

# job ADDR NAME COMMAND...: ships the probe as NAME.c's compiler on the runner at ADDR and
# prints the line it wrote into NAME.o. Extra environment for ferry_probe goes before.
job() {
    local addr=$1 name=$2
    shift 2
    echo "$*" >"$PROJ/$name.c"
    echo "$PROJ/$name.c" >"$TEST_TMP/$name.manifest"
    rm -f "$OUT$PROJ/$name.o"
    FERRY_PROBE_RAW_MANIFEST=1 FERRY_PROBE_TOOLCHAIN="$NETPROBE" \
        probe $(probe_from "$addr") job "$addr:$PORT" gcc "$TEST_TMP/$name.manifest" \
        "$TEST_TMP/sysinc" "$OUT" -- -c "$name.c" -o "$name.o" >"$TEST_TMP/$name.probe" 2>&1 ||
        fail "job $name on $addr: exit $? ($(cat "$TEST_TMP/$name.probe"))"
    cat "$OUT$PROJ/$name.o" 2>/dev/null || fail "job $name on $addr: no result ($(cat "$TEST_TMP/$name.probe"))"
}
# expect WHAT ACTUAL EXPECTED: ACTUAL is "<command>: EXPECTED".
expect() { assert_eq "$1: $3" "$2" "$1 from a job"; }

# --- This machine's network, from outside and from a job.
assert_eq "tcp: ok" "$("$NETPROBE" --host tcp $A "$PORT")" "the probe's TCP connect on this machine"
expect tcp "$(job $A tcp1 tcp $A "$PORT")" "Network is unreachable"
expect tcp "$(job $A tcp2 tcp 127.0.0.1 "$PORT")" "Network is unreachable"
expect loup "$(job $A loup loup)" "Operation not permitted"
# The lent namespaces' fds are closed before the compiler starts.
expect fds "$(job $A fds fds)" "none"

HOST_SOCKET="ferry-host-$RAND"
"$NETPROBE" --host listen "$HOST_SOCKET" 20000 >/dev/null &
host_listener=$!
for _ in $(seq 50); do
    [ "$("$NETPROBE" --host dial "$HOST_SOCKET")" = "dial: ok" ] && break
    sleep 0.1
done
assert_eq "dial: ok" "$("$NETPROBE" --host dial "$HOST_SOCKET")" "the probe's dial on this machine"
expect dial "$(job $A dialhost dial "$HOST_SOCKET")" "Connection refused"
kill "$host_listener" 2>/dev/null
wait "$host_listener" 2>/dev/null || true

# --- What a job leaves behind, for the next job in the same namespace.
expect selfdial "$(job $A selfdial selfdial "ferry-self-$RAND")" "ok"
LEFT="ferry-left-$RAND"
expect listen "$(job $A leave listen "$LEFT" 100)" "ok"
# Its child, in a session of its own, died with the job's pid namespace.
if pgrep -f "^gcc -c leave\.c -o" >/dev/null; then fail "a process of the job that listened outlived it: $(pgrep -af "^gcc -c leave")"; fi
expect dial "$(job $A dialleft dial "$LEFT")" "Connection refused"
assert_eq 1 "$(lent_namespaces $A | wc -l)" "network namespaces held after the jobs"

# --- Two jobs at once on B: each in a namespace B holds, never the same one; a socket one
# listens on is not reachable from the other.
BESIDE="ferry-beside-$RAND"
running() { pgrep -f -- "^gcc -c $1\.c -o" || true; } # NAME: the job's processes
job $B beside1 listen "$BESIDE" 5000 >"$TEST_TMP/beside1.result" &
beside1=$!
for _ in $(seq 100); do [ -n "$(running beside1)" ] && break; sleep 0.05; done
sleep 0.3 # it listens first thing
job $B beside2 dialhold "$BESIDE" 3000 >"$TEST_TMP/beside2.result" &
beside2=$!
p1= p2=
for _ in $(seq 100); do
    p1=$(running beside1) p2=$(running beside2)
    [ -n "$p1" ] && [ -n "$p2" ] && break
    sleep 0.05
done
[ -n "$p1" ] && [ -n "$p2" ] || fail "the two jobs were not seen running together (pids: '$p1' '$p2')"
lent_b=$(lent_namespaces $B)
nets=""
for pid in $p1 $p2; do
    net=$(readlink "/proc/$pid/ns/net") || fail "no /proc/$pid/ns/net"
    echo "$lent_b" | grep -qxF "$net" || fail "job process $pid runs in $net, not one ferryd lends ($lent_b)"
    nets+="$net"$'\n'
done
assert_eq 2 "$(echo -n "$nets" | sort -u | wc -l)" "network namespaces of two jobs running at once"
wait "$beside1" || fail "job beside1 failed"
wait "$beside2" || fail "job beside2 failed"
expect listen "$(cat "$TEST_TMP/beside1.result")" "ok"
expect dial "$(cat "$TEST_TMP/beside2.result")" "Connection refused"

# --- A cancelled job's namespace is not lent again: another takes its place.
before=$(lent_namespaces $A)
echo "listen ferry-cancel-$RAND 10000" >"$PROJ/cancel.c"
echo "$PROJ/cancel.c" >"$TEST_TMP/cancel.manifest"
FERRY_PROBE_CANCEL_AFTER_MS=500 FERRY_PROBE_RAW_MANIFEST=1 FERRY_PROBE_TOOLCHAIN="$NETPROBE" \
    probe $(probe_from $A) job "$A:$PORT" gcc "$TEST_TMP/cancel.manifest" "$TEST_TMP/sysinc" \
    "$OUT" -- -c cancel.c -o cancel.o >"$TEST_TMP/cancel.probe" 2>&1 || true
assert_contains "$(ferryd_log $A)" "cancelled by the client" "ferryd's log of the cancelled job"
assert_contains "$TEST_TMP/cancel.probe" "cancelled" "the cancelled job's answer"
after=$(lent_namespaces $A)
assert_eq 1 "$(echo "$after" | grep -c .)" "network namespaces held after a cancelled job"
[ "$before" != "$after" ] || fail "the cancelled job's namespace ($before) is lent again"
expect dial "$(job $A dialcancel dial "ferry-cancel-$RAND")" "Connection refused"

stop_ferryd $A
stop_ferryd $B
pass
