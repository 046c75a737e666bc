# distcc: one distccd per runner on its own loopback address, inside the runner's cgroup;
# DISTCC_HOSTS names them with their slots; -j is twice the runners' slots (distcc's advice:
# about twice the CPUs that compile). Remote compiles are counted from distccd's own logs.
mode_distcc_start() {
    local i addr hosts=""
    for ((i = 1; i <= RUNNERS; i++)); do
        addr=$(runner_addr "$i")
        # distccd drops root for the distcc user, who cannot open a file in $RUN_DIR: it logs
        # to stderr, which this shell opens before the drop.
        cg_exec "runner$i" distccd --daemon --no-detach --allow 127.0.0.0/8 --listen "$addr" \
            --port "$PORT_DISTCC" --jobs "$RUNNER_SLOTS" --log-stderr --log-level info \
            2>"$RUN_DIR/distccd-$i.log" &
        DAEMON_PIDS+=($!)
        hosts+=" $addr:$PORT_DISTCC/$RUNNER_SLOTS"
    done
    for ((i = 1; i <= RUNNERS; i++)); do
        wait_port "$(runner_addr "$i")" "$PORT_DISTCC" 10 || die "distccd $i did not start: $(tail -3 "$RUN_DIR/distccd-$i.log")"
    done
    export DISTCC_HOSTS="${hosts# }" DISTCC_DIR="$RUN_DIR/distcc"
    mkdir -p "$DISTCC_DIR"
    DISTCC_J=$((2 * RUNNERS * RUNNER_SLOTS))
    MAKE_DRIVER=(make -j"$DISTCC_J") NINJA_DRIVER=(ninja -j"$DISTCC_J") CC_PREFIX=distcc
}
mode_distcc_describe() { echo "make -j$DISTCC_J CC=\"distcc gcc\", DISTCC_HOSTS=\"$DISTCC_HOSTS\""; }
mode_distcc_remote_count() {
    # shellcheck disable=SC2046
    cat $(runner_logs distccd) | grep -c 'COMPILE_OK' || true
}
mode_distcc_stop() { stop_daemons; unset DISTCC_HOSTS DISTCC_DIR; }
