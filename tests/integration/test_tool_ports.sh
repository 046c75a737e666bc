#!/usr/bin/env bash
# The suites' own probes never take a port a runner needs. ferry_probe connects from a
# runner's address (lib.sh's probe_from: --allow is tested that way), so the kernel gives it a
# port on that address from its ephemeral range — which the suites' fixed ports overlap. A
# probe that closes first leaves its port in TIME_WAIT for a minute; another suite's runner
# that must listen on that address and port then failed with "Address already in use" (CI,
# test_make_lto.make44). Here: probe a runner from its own address, take a port those probes
# left in TIME_WAIT, and start a second runner there.
source "$(dirname "$0")/lib.sh"
ferry_test_init
have ss || skip "no ss (iproute2)"
A=127.0.0.72
start_ferryd $A
for _ in 1 2 3 4 5; do
    "$FERRY_PROBE" --bind $A greeting "$A:$PORT" >/dev/null
done
# The probes' ends: local address $A, a port other than the runner's.
left=$(ss -Htan state time-wait "( src $A )" | awk '{ print $3 }' | sed 's/.*://' | grep -vx "$PORT" | head -1)
[ -n "$left" ] || fail "the probes left no port in TIME_WAIT on $A: $(ss -tan "( src $A or dst $A )")"
note "a probe's port in TIME_WAIT: $A:$left"

"$FERRYD" --listen "$A:$left" --allow 127.0.0.0/8 --jobs 1 --log-file "$TEST_TMP/second.log" \
    2>"$TEST_TMP/second.err" &
second=$!
for _ in $(seq 200); do
    grep -q "runner '.*slots" "$TEST_TMP/second.log" 2>/dev/null && break
    kill -0 $second 2>/dev/null || break
    sleep 0.05
done
grep -q "listening on $A:$left" "$TEST_TMP/second.log" ||
    fail "a runner could not listen on $A:$left, the port a probe left: $(cat "$TEST_TMP/second.log" "$TEST_TMP/second.err")"
kill $second
wait $second 2>/dev/null || true
pass
