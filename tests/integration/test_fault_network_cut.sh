#!/usr/bin/env bash
# Issue 4, a network cut rather than a dead process: one runner lives in a network namespace
# made here, reached over a veth pair with 10.x addresses chosen here (the traffic never leaves
# this machine), and its link goes down in the middle of a build. Nothing answers any more,
# not even with a reset: the job timeout takes the runner out, the build finishes with
# identical objects, no token leak, at most one warning line. With the link back, the runner
# is used again and nothing of the cut jobs is left on it.
# Needs root for `ip netns`; skipped (125) when namespaces cannot be made.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have ip || skip "no ip command (iproute2)"
[ "$(id -u)" = 0 ] || skip "ip netns needs root (running as $(id -un))"

NS="ferry-$$-cut"
HOST_IF="fyh$$"
NS_IF="fyn$$"
SUB=$(($$ % 200 + 20))
HOST_IP="10.213.$SUB.1"
NS_IP="10.213.$SUB.2"
LOCAL=127.0.0.71

# shellcheck disable=SC2317 # called by the EXIT trap
netns_cleanup() {
    local rc=$? pid
    set +e
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
    for pid in $(ip netns pids "$NS" 2>/dev/null); do
        wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
    done
    ip link del "$HOST_IF" 2>/dev/null
    ip netns del "$NS" 2>/dev/null
    (exit "$rc")
    ferry_test_cleanup
}
trap netns_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS" 2>"$TEST_TMP/netns.err" ||
    skip "cannot create a network namespace: $(cat "$TEST_TMP/netns.err")"
ip link add "$HOST_IF" type veth peer name "$NS_IF" netns "$NS" 2>"$TEST_TMP/netns.err" ||
    skip "cannot create a veth pair: $(cat "$TEST_TMP/netns.err")"
ip addr add "$HOST_IP/30" dev "$HOST_IF"
ip link set "$HOST_IF" up
ip netns exec "$NS" ip addr add "$NS_IP/30" dev "$NS_IF"
ip netns exec "$NS" ip link set "$NS_IF" up
ip netns exec "$NS" ip link set lo up

# ferryd inside the namespace (`ip netns exec` execs it: the pid is ferryd's).
cat >"$TEST_TMP/ferryd-in-ns" <<EOS
#!/bin/sh
exec ip netns exec "$NS" "$FERRYD" "\$@"
EOS
chmod +x "$TEST_TMP/ferryd-in-ns"

fault_project 16
fault_reference
FERRYD="$TEST_TMP/ferryd-in-ns" fault_start_ferryd "$NS_IP" -v --allow "$HOST_IP/32"
fault_start_ferryd $LOCAL
FAULT_JOB_TIMEOUT_MS=4000 fault_hosts_toml "$NS_IP" $LOCAL

note "the namespaced runner answers over the veth"
fault_build before
fault_check_build before 0
[ "$(ferryd_jobs_done "$NS_IP")" -ge 1 ] || fail "the runner in the namespace got no job"

note "its link goes down in the middle of the build"
fault_build_bg cut
ferryd_wait_running "$NS_IP" 30
ip netns exec "$NS" ip link set "$NS_IF" down
start=$(date +%s)
fault_build_wait
note "the build finished $(($(date +%s) - start)) s after the cut"
fault_check_build cut 1 "r-$NS_IP"
clog=$(coordinator_log)
# Its jobs end by the job timeout, or sooner by a backup copy on the other runner.
grep -Eq "r-$NS_IP.*not answered within|backup compile on r-$LOCAL after [0-9]+ ms on r-$NS_IP" "$clog" ||
    fail "neither a timeout nor a backup took the cut runner's jobs: $(grep "r-$NS_IP" "$clog")"

note "the link comes back: the runner is used again, nothing of the cut jobs is left"
ip netns exec "$NS" ip link set "$NS_IF" up
# The address answers a moment after the link is up ("No route to host" before): seen in CI.
ferryd_wait_ready "$NS_IP" "${FERRYD_PIDS[$NS_IP]}"
before=$(ferryd_jobs_done "$NS_IP")
for ((i = 0; i < 100; i++)); do
    grep -q "r-$NS_IP.*: up as" <(tail -n 5 "$clog") && break
    sleep 0.1
done
fault_build after
fault_check_build after 0
used=$(($(ferryd_jobs_done "$NS_IP") - before))
[ "$used" -ge 1 ] || fail "the runner was not used again after its link came back"
fault_wait_runner_idle "$NS_IP" 20
stop_ferryd "$NS_IP"
stop_ferryd $LOCAL
fault_assert_runner_tmp_empty "$NS_IP"
fault_assert_runner_tmp_empty $LOCAL
pass
