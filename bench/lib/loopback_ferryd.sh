# Real runners on loopback for the benches that measure one process side by side (not the
# cgroup farm: bench/farm starts its own, under quotas). Source it, start each runner with
# bench_start_ferryd, and call bench_stop_ferryds from the bench's EXIT trap.

BENCH_FERRYD_PIDS=()
BENCH_FERRYD_PID= # the last one started

# bench_start_ferryd BINARY ADDR:PORT LOG [ferryd options...]: a runner with two slots that
# lets in every loopback address, logging to LOG; returns once it serves, or fails naming
# the runner and showing its log (a bench that measured without its runner would measure
# the fallback).
bench_start_ferryd() {
    local binary=$1 listen=$2 log=$3
    shift 3
    "$binary" --listen "$listen" --allow 127.0.0.0/8 --jobs 2 --log-file "$log" "$@" &
    BENCH_FERRYD_PID=$!
    BENCH_FERRYD_PIDS+=("$BENCH_FERRYD_PID")
    local _
    for _ in $(seq 200); do
        grep -q "runner '.*slots" "$log" 2>/dev/null && return 0
        kill -0 "$BENCH_FERRYD_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "ferryd on $listen did not start serving; its log:" >&2
    cat "$log" >&2 2>/dev/null || true
    return 1
}

# Stops every runner started here (and what each still runs).
bench_stop_ferryds() {
    local p c
    for p in "${BENCH_FERRYD_PIDS[@]}"; do
        for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill "$c" 2>/dev/null || true; done
        kill "$p" 2>/dev/null || true
    done
}
