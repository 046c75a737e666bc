# icecream: a private scheduler (own port, own netname) and one iceccd per runner (own port,
# own socket, own environment directory), inside the runner's cgroup; the client side has its
# own iceccd with --no-remote in the client's cgroup, as on a developer machine. All of them
# are on 127.0.0.1: icecream tells hosts apart by address and never sends a job to the
# client's own address, except with ICECC_TEST_REMOTEBUILD=1 (what icecream's own test suite,
# tests/test.sh, uses for the same reason), set here for the daemons and the client.
ICECC_NET=ferryfarm$$
icecc_env() { # NAME: the environment icecream's test suite gives each daemon
    echo ICECC_TEST_SOCKET="$ICE_DIR/$1.socket" ICECC_TESTS=1 ICECC_TEST_REMOTEBUILD=1 \
        ICECC_TEST_SCHEDULER_PORTS="$PORT_ICECC_SCHED:$((PORT_ICECC_SCHED + 2))" \
        ICECC_SCHEDULER=":$PORT_ICECC_SCHED"
}
# The scheduler drops root for the icecc user: its log, and the daemons' sockets, logs and
# environment directories, live in a directory anyone may write. iceccd writes its log
# lazily; SIGHUP flushes it (as icecream's tests/test.sh does; never sent to the scheduler).
# SIGHUP only once the daemon catches it (SigCgt bit 1 in /proc/PID/status): before its
# handler is installed the signal ends it, which a fixed delay could not rule out under a
# 0.4 CPU quota (seen: every runner iceccd killed, an OpenSSL build with no remote job).
ice_hup() {
    local cgt
    cgt=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 0
    [ -n "$cgt" ] && (((0x$cgt & 2) != 0)) && kill -HUP "$1" 2>/dev/null || true
}
ice_logins() { # runner daemons connected to the scheduler, by their own flushed logs
    local i n=0
    for ((i = 2; i < ${#DAEMON_PIDS[@]}; i++)); do ice_hup "${DAEMON_PIDS[$i]}"; done
    sleep 0.1
    for ((i = 1; i <= RUNNERS; i++)); do
        grep -q 'Connected to scheduler' "$ICE_DIR/iceccd-$i.log" 2>/dev/null && n=$((n + 1))
    done
    echo "$n"
}
mode_icecream_start() {
    local i n
    ICE_DIR=$RUN_DIR/icecc
    mkdir -p -m 1777 "$ICE_DIR"
    chmod 0755 "$WORK" "$RUN_DIR"
    # shellcheck disable=SC2046
    cg_exec sched env $(icecc_env sched) icecc-scheduler -p "$PORT_ICECC_SCHED" -n "$ICECC_NET" \
        -l "$ICE_DIR/scheduler.log" -v -v -v &
    DAEMON_PIDS+=($!)
    wait_listening "$PORT_ICECC_SCHED" 10 || { MODE_START_ERROR="icecc-scheduler did not start"; return 1; }
    # shellcheck disable=SC2046
    cg_exec client env $(icecc_env client) iceccd --no-remote -m "$CLIENT_SLOTS" \
        -n "$ICECC_NET" -N client -p "$((PORT_ICECC + 0))" -b "$ICE_DIR/envs-client" \
        -l "$ICE_DIR/iceccd-client.log" -v -v -v &
    DAEMON_PIDS+=($!)
    for ((i = 1; i <= RUNNERS; i++)); do
        # shellcheck disable=SC2046
        cg_exec "runner$i" env $(icecc_env "runner$i") iceccd -m "$RUNNER_SLOTS" \
            -n "$ICECC_NET" -N "runner$i" -p "$((PORT_ICECC + i))" -b "$ICE_DIR/envs-$i" \
            -l "$ICE_DIR/iceccd-$i.log" -v -v -v &
        DAEMON_PIDS+=($!)
    done
    for ((n = 0; n < 60; n++)); do # 30 s: the daemons retry the scheduler every 3 s
        [ "$(ice_logins)" -ge "$RUNNERS" ] && break
        sleep 0.5
    done
    if [ "$(ice_logins)" -lt "$RUNNERS" ]; then
        MODE_START_ERROR="icecream: $(ice_logins) of $RUNNERS runners logged in to the scheduler in 30 s: $(tail -n 2 "$ICE_DIR"/iceccd-1.log "$ICE_DIR/scheduler.log" 2>&1 | tr '\n' ' ')"
        return 1
    fi
    if grep -l 'Cannot use chroot' "$ICE_DIR"/iceccd-*.log >/dev/null 2>&1; then
        MODE_START_ERROR="icecream: iceccd cannot chroot here, so it accepts no remote jobs ($(grep -h 'Cannot use chroot' "$ICE_DIR"/iceccd-*.log | head -1))"
        return 1
    fi
    export ICECC_TEST_SOCKET="$ICE_DIR/client.socket" ICECC_TEST_REMOTEBUILD=1
    ICECC_J=$((2 * RUNNERS * RUNNER_SLOTS))
    MAKE_DRIVER=(make -j"$ICECC_J") NINJA_DRIVER=(ninja -j"$ICECC_J") CC_PREFIX=icecc
}
mode_icecream_describe() { echo "make -j$ICECC_J CC=\"icecc gcc\", private scheduler + $RUNNERS iceccd (-m $RUNNER_SLOTS)"; }
mode_icecream_remote_count() {
    local p
    for p in "${DAEMON_PIDS[@]:1}"; do ice_hup "$p"; done
    sleep 0.2
    cat "$ICE_DIR"/iceccd-[0-9]*.log | grep -c 'Remote compilation completed with exit code 0' || true
}
mode_icecream_stop() {
    stop_daemons
    cp "$ICE_DIR"/*.log "$RUN_DIR/" 2>/dev/null || true
    rm -rf "$ICE_DIR"
    unset ICECC_TEST_SOCKET ICECC_TEST_REMOTEBUILD
}
