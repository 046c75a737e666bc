#!/usr/bin/env bash
# The suites' own probes never take a port a runner needs. ferry_probe connects from a
# runner's address (lib.sh's probe_from: --allow is tested that way), so the kernel gives it a
# port on that address from its ephemeral range — which the suites' fixed ports overlap. A
# probe that closes first leaves its port in TIME_WAIT for a minute; another suite's runner
# that must listen on that address and port then failed with "Address already in use" (CI,
# test_make_lto.make44). Here: probe a runner from its own address, take a port those probes
# left in TIME_WAIT, and start a runner there in place of the first.
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
note "a probe's port in TIME_WAIT: $A:$left; a runner there instead of the first"
stop_ferryd $A
# start_ferryd shows the runner's log ("Address already in use") if it does not serve.
PORT=$left start_ferryd $A
pass
