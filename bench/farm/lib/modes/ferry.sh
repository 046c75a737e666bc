# ferry: `ferry make` (or `ferry ninja`) with one ferryd per runner on its own loopback address,
# inside the runner's cgroup (its compiles are its children and inherit it), each with a new
# private cache (ferryd's default: made at start under $TMPDIR, removed at exit), and a coordinator started afresh inside the client's cgroup by the build's
# first ferry command. Remote compiles: the ferryd logs, cross-checked with `ferry status --json`.
mode_ferry_start() {
    local i addr hosts="localhost/$CLIENT_SLOTS" log n
    "$FERRY" shutdown >/dev/null 2>&1 || true
    # A fresh coordinator: without the compile times an earlier mode's coordinator saved
    # (the .costs file beside its socket), which a second mode would place and order by.
    rm -f "$XDG_RUNTIME_DIR"/ferry/*.costs
    for ((i = 1; i <= RUNNERS; i++)); do
        addr=$(runner_addr "$i")
        log=$RUN_DIR/ferryd-$i.log
        : >"$log"
        cg_exec "runner$i" "$FERRYD" --listen "$addr:$PORT_FERRY" --allow 127.0.0.0/8 \
            --jobs "$RUNNER_SLOTS" --log-file "$log" &
        DAEMON_PIDS+=($!)
        hosts+=" $addr:$PORT_FERRY/$RUNNER_SLOTS"
    done
    for ((i = 1; i <= RUNNERS; i++)); do
        log=$RUN_DIR/ferryd-$i.log
        for ((n = 0; n < 400; n++)); do
            grep -q 'runner .*slots' "$log" 2>/dev/null && break
            sleep 0.05
        done
        grep -q 'runner .*slots' "$log" || die "ferryd $i did not get ready: $(tail -3 "$log")"
    done
    export FERRY_HOSTS="$hosts"
    # The summary and the job timeline (docs/build-report.md) of each build, kept with the
    # run's logs (FARM_KEEP=1 keeps them): where a runner slot waited, and for what.
    local trace=$RUN_DIR/trace-$MODE_NOW-$RUNNERS-$(date +%s).json
    MAKE_DRIVER=("$FERRY" make --summary --trace "$trace")
    NINJA_DRIVER=("$FERRY" ninja --summary --trace "$trace") CC_PREFIX=$FERRY
}
mode_ferry_describe() { echo "ferry make CC=\"ferry gcc\" (ferry ninja), FERRY_HOSTS=\"$FERRY_HOSTS\""; }
mode_ferry_remote_count() {
    local logs status
    # shellcheck disable=SC2046
    logs=$(cat $(runner_logs ferryd) | grep -c 'job .* exit' || true)
    # The coordinator that ran the build is still up (idle timeout): its counters.
    status=$("$FERRY" status --json 2>/dev/null | python3 -c 'import json, sys
j = json.load(sys.stdin)["jobs"]
print("remote %d, local %d" % (j["remote"], j["local"]) + "".join(", %s: %d" % kv for kv in j["local_reasons"].items()))' 2>/dev/null) || true
    echo "$logs${status:+ (status: $status)}"
}
mode_ferry_stop() {
    "$FERRY" shutdown >/dev/null 2>&1 || true
    stop_daemons
    unset FERRY_HOSTS
}
# Mode ferry with $FERRY_INCLUDE_ANALYSIS set (ferry_on, ferry_scan): one coordinator of its own.
mode_ferry_analysis_start() {
    export FERRY_INCLUDE_ANALYSIS=$1
    mode_ferry_start
}
mode_ferry_analysis_describe() { echo "$(mode_ferry_describe), FERRY_INCLUDE_ANALYSIS=$1"; }
mode_ferry_analysis_stop() {
    mode_ferry_stop
    unset FERRY_INCLUDE_ANALYSIS
}
