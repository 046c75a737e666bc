# Shared helpers of bench/farm/run.sh: messages, the shapes, daemons, one timed run.

die() { echo "farm: $*" >&2; exit 1; }
note() { echo "farm: $*" >&2; }

# set_shape NAME: the client's and the runners' CPU quotas and slots.
set_shape() {
    case $1 in
    default) CLIENT_CPU=0.4 RUNNERS_MAX=3 RUNNER_CPU=0.4 RUNNER_SLOTS=2 ;;
    wide) CLIENT_CPU=0.2 RUNNERS_MAX=6 RUNNER_CPU=0.3 RUNNER_SLOTS=2 ;;
    *) die "unknown shape $1 (default or wide)" ;;
    esac
    # The client's parallelism is its quota rounded up, as nproc would say on a small machine.
    CLIENT_SLOTS=$(awk -v f="$CLIENT_CPU" 'BEGIN { n = int(f + 0.999); print n < 1 ? 1 : n }')
    RUNNERS=$RUNNERS_MAX
    PORT_BASE=$((30000 + ($$ % 1500) * 20))
    PORT_FERRY=$PORT_BASE PORT_DISTCC=$((PORT_BASE + 1))
    PORT_ICECC_SCHED=$((PORT_BASE + 2)) PORT_ICECC=$((PORT_BASE + 8))
}
ideal_speedup() { # runners -> (client + n x runner) / client
    awk -v c="$CLIENT_CPU" -v r="$RUNNER_CPU" -v n="$1" 'BEGIN { printf "%.1f\n", (c + n * r) / c }'
}
runner_addr() { echo "127.0.0.$((40 + $1))"; }

# The client, one group per runner, and the icecream scheduler's own small group (a separate
# machine in a real farm: its CPU is counted neither as the client's nor as a runner's).
make_cgroups() {
    local i
    cg_create client "$CLIENT_CPU"
    for ((i = 1; i <= RUNNERS_MAX; i++)); do cg_create "runner$i" "$RUNNER_CPU"; done
    cg_create sched 0.2 # 0.1 with verbose logging timed its daemons out on a loaded machine
}
runners_usage_ns() {
    local i sum=0
    for ((i = 1; i <= RUNNERS_MAX; i++)); do sum=$((sum + $(cg_usage_ns "runner$i"))); done
    echo "$sum"
}

check_tools() {
    [ -x "$FERRY" ] && [ -x "$FERRYD" ] || die "build ferry first (cmake --build build/bench --target ferry ferryd ferryd-exec) or set FERRY/FERRYD"
    local m
    for m in $MODES; do
        case $m in
        local | ferry | ferry_on | ferry_on_base | ferry_scan) ;;
        distcc) command -v distccd >/dev/null || die "needs distcc (scripts/install-deps.sh --bench)" ;;
        icecream) command -v iceccd >/dev/null || die "needs icecc (scripts/install-deps.sh --bench)" ;;
        *) die "unknown mode $m" ;;
        esac
    done
}

isolate_environment() {
    export XDG_RUNTIME_DIR=$WORK/xdg HOME=$WORK/home LC_ALL=C
    mkdir -p -m 0700 "$XDG_RUNTIME_DIR" "$HOME"
    unset MAKEFLAGS MFLAGS MAKELEVEL FERRY_HOSTS FERRY_HOSTS_FILE DISTCC_HOSTS CC CXX CFLAGS CXXFLAGS
    export FERRY_IDLE_TIMEOUT=120
}

wait_port() { # addr port seconds
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

# Waits until something listens on TCP `port` (any address), without connecting to it: a
# connection that sends nothing stalls icecc-scheduler 1.4 for up to 20 s (after an accept it
# leaves its listening socket out of its poll for a second, with a poll timeout of up to 20 s
# when no daemon is logged in yet), and the runners' first log-ins time out meanwhile (seen:
# every log-in at +20 s, one run of three with none within 30 s).
wait_listening() { # port seconds
    local i hex
    hex=$(printf ':%04X ' "$1")
    for ((i = 0; i < $2 * 20; i++)); do
        # /proc/net/tcp: local address is field 2 (ADDR:PORT in hex), state 0A is LISTEN.
        awk -v p="$hex" 'NR > 1 && $4 == "0A" && index($2 " ", p) { found = 1 } END { exit !found }' \
            /proc/net/tcp && return 0
        sleep 0.05
    done
    return 1
}

# The logs of this run's runners, PREFIX-1.log to PREFIX-$RUNNERS.log in $RUN_DIR: a run with
# fewer runners than an earlier one leaves the others' logs behind (the remote count of a
# one-runner ferry run read 302 for its 131 remote jobs).
runner_logs() { # PREFIX
    local i
    for ((i = 1; i <= RUNNERS; i++)); do echo "$RUN_DIR/$1-$i.log"; done
}

# Stops the daemons this run started (by pid), then whatever they left in the runner groups
# (distccd's and iceccd's children): every process there was started by this run.
DAEMON_PIDS=()
stop_daemons() {
    local p i n
    for p in "${DAEMON_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for ((n = 0; n < 100; n++)); do
        local alive=0
        for p in "${DAEMON_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.05
    done
    for p in "${DAEMON_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    for p in "${DAEMON_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    DAEMON_PIDS=()
    # The client group too: iceccd forks a child there that outlives its parent; the builds
    # that ran there have ended when this runs.
    for p in $(cg_procs client) $(cg_procs sched); do kill -KILL "$p" 2>/dev/null || true; done
    for ((i = 1; i <= RUNNERS_MAX; i++)); do
        for p in $(cg_procs "runner$i"); do kill -KILL "$p" 2>/dev/null || true; done
    done
}

teardown() {
    local rc=$?
    set +e
    [ -z "${FERRY:-}" ] || [ -z "${WORK:-}" ] || "$FERRY" shutdown >/dev/null 2>&1
    stop_daemons
    cg_teardown
    if [ -n "${WORK:-}" ]; then
        if [ $rc -ne 0 ]; then
            for f in "$RUN_DIR"/*.log; do [ -f "$f" ] && { echo "=== $f (tail)"; tail -n 15 "$f"; } >&2; done
        fi
        [ -n "${FARM_KEEP:-}" ] && note "kept $WORK" || rm -rf "$WORK"
    fi
    exit $rc
}

# ---- trees and objects ----

# One configured tree per mode, parked under $WORK/park and moved to $WORK/tree to build, so
# every build happens at the same path. Without the local mode, an untimed reference build.
prepare_trees() {
    local wl=$1 m
    note "$wl: setting up the tree"
    rm -rf "$WORK/tree"
    "wl_${wl}_setup" "$WORK/tree"
    mv "$WORK/tree" "$WORK/park/$wl-base"
    for m in $MODES; do cp -a "$WORK/park/$wl-base" "$WORK/park/$wl-$m"; done
    if [[ " $MODES " != *" local "* ]]; then
        note "$wl: reference build (no local mode asked for; untimed, no quota)"
        mv "$WORK/park/$wl-base" "$WORK/tree"
        MAKE_DRIVER=(make -j"$(nproc)") NINJA_DRIVER=(ninja -j"$(nproc)") CC_PREFIX=
        ! declare -F "wl_${wl}_prepare_mode" >/dev/null || "wl_${wl}_prepare_mode" "$WORK/tree"
        "wl_${wl}_build" "$WORK/tree" >"$RUN_DIR/reference.log" 2>&1 || die "$wl: reference build failed"
        save_reference "$wl"
    fi
    rm -rf "$WORK/park/$wl-base" "$WORK/tree"
}
save_reference() {
    local wl=$1
    rm -rf "$WORK/ref-$wl"
    mkdir -p "$WORK/ref-$wl"
    (cd "$WORK/tree" && "wl_${wl}_objects" "$WORK/tree" | xargs cp --parents -p -t "$WORK/ref-$wl")
}

# compare_objects WL: "N/N identical" or what differs, against the reference objects. An object
# the workload names in wl_WL_varying (one that embeds the build's date or its $(CC), so that no
# two builds agree, local or not) is counted apart when it differs, never hidden among the rest.
compare_objects() {
    local wl=$1 obj same=0 debug_only=0 other=0 missing=0 varying=0 total=0 a b
    local -A by_construction=()
    if declare -F "wl_${wl}_varying" >/dev/null; then
        while read -r obj; do by_construction[$obj]=1; done < <("wl_${wl}_varying")
    fi
    a=$RUN_DIR/cmp-a.o b=$RUN_DIR/cmp-b.o
    while read -r obj; do
        total=$((total + 1))
        if [ ! -f "$WORK/tree/$obj" ] || [ ! -f "$WORK/ref-$wl/$obj" ]; then
            missing=$((missing + 1))
        elif cmp -s "$WORK/tree/$obj" "$WORK/ref-$wl/$obj"; then
            same=$((same + 1))
        elif [ -n "${by_construction[$obj]:-}" ]; then
            varying=$((varying + 1))
            echo "$obj (varies by construction)" >>"$RUN_DIR/differing-$wl-$MODE_NOW"
        else
            objcopy --strip-debug "$WORK/tree/$obj" "$a" && objcopy --strip-debug "$WORK/ref-$wl/$obj" "$b"
            if cmp -s "$a" "$b"; then debug_only=$((debug_only + 1)); else other=$((other + 1)); fi
            echo "$obj" >>"$RUN_DIR/differing-$wl-$MODE_NOW"
        fi
    done < <(cd "$WORK/tree" && "wl_${wl}_objects" "$WORK/tree")
    local out="$same/$total identical"
    [ $debug_only = 0 ] || out+=", $debug_only differ in debug info only"
    [ $other = 0 ] || out+=", $other differ in code or data"
    [ $missing = 0 ] || out+=", $missing missing"
    [ $varying = 0 ] || out+=", $varying varying by construction ($(wl_"$wl"_varying | tr '\n' ' ' | sed 's/ $//'))"
    echo "$out"
}

# run_one WL MODE RUNNERS REP: one timed build, a row in $RESULTS.
run_one() {
    local wl=$1 mode=$2 n=$3 rep=$4 tree=$WORK/tree c0 c1 r0 r1 t0 t1 objects check remote describe
    RUNNERS=$n MODE_NOW=$mode
    mv "$WORK/park/$wl-$mode" "$tree"
    # A tool whose daemons do not come up (icecream's log-in, on a loaded machine) costs
    # its row, not the run: the other modes' rows are still measured and reported.
    MODE_START_ERROR=""
    if ! "mode_${mode}_start"; then
        note "$wl $mode runners=$n run $rep: did not start: $MODE_START_ERROR"
        "mode_${mode}_stop" || true
        mv "$tree" "$WORK/park/$wl-$mode"
        printf '%s\t%s\t%s\t%s\t%s\n' "$wl" "$mode" "$n" "$rep" "$MODE_START_ERROR" >>"$WORK/failed.tsv"
        return 0
    fi
    ! declare -F "wl_${wl}_prepare_mode" >/dev/null || "wl_${wl}_prepare_mode" "$tree"
    "wl_${wl}_clean" "$tree"
    sync
    local perf_pid="" perf_data=$WORK/perf-$wl-$mode-$n-$rep.data
    if [ "$PROFILE" = 1 ]; then
        perf record -a -e cpu-clock -c "$PERF_PERIOD_NS" --all-cgroups -q -o "$perf_data" >/dev/null 2>&1 &
        perf_pid=$!
        sleep 0.5 # its events open before the build starts
    fi
    c0=$(cg_usage_ns client) r0=$(runners_usage_ns)
    t0=$(date +%s.%N)
    (cg_enter client && "wl_${wl}_build" "$tree") >"$RUN_DIR/build-$mode.log" 2>&1 ||
        die "$wl $mode build failed: $(tail -20 "$RUN_DIR/build-$mode.log")"
    t1=$(date +%s.%N)
    c1=$(cg_usage_ns client) r1=$(runners_usage_ns)
    objects=$(cd "$tree" && "wl_${wl}_objects" "$tree" | wc -l)
    if [ -n "$perf_pid" ]; then
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
        profile_split "$perf_data" "$wl" "$mode" "$n" "$rep" "$objects"
    fi
    remote=$("mode_${mode}_remote_count")
    describe=$("mode_${mode}_describe")
    if [ "$mode" = local ]; then
        save_reference "$wl"
        check="reference"
    else
        check=$(compare_objects "$wl")
    fi
    "mode_${mode}_stop"
    mv "$tree" "$WORK/park/$wl-$mode"
    local wall client_ms runner_s
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }')
    client_ms=$(awk -v a="$c0" -v b="$c1" -v n="$objects" 'BEGIN { printf "%.0f\n", (b - a) / 1e6 / (n ? n : 1) }')
    runner_s=$(awk -v a="$r0" -v b="$r1" 'BEGIN { printf "%.2f\n", (b - a) / 1e9 }')
    note "$wl $mode runners=$n run $rep: ${wall} s, client ${client_ms} ms/object, runners ${runner_s} s CPU, remote: $remote, objects: $check"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$mode" "$n" "$rep" "$wall" "$objects" \
        "$client_ms" "$runner_s" "$remote" "$check" "$describe" >>"$RESULTS"
}

# ---- --self-check: the cgroups, without building anything ----
self_check() {
    local i q want before after used
    q=$(cg_quota client)
    [ "$q" = "$(printf '%.2f' "$CLIENT_CPU")" ] || die "self-check: client quota $q, want $CLIENT_CPU"
    for ((i = 1; i <= RUNNERS_MAX; i++)); do
        q=$(cg_quota "runner$i")
        [ "$q" = "$(printf '%.2f' "$RUNNER_CPU")" ] || die "self-check: runner$i quota $q, want $RUNNER_CPU"
    done
    # A busy loop for 1 s in runner1: accounted there (and not in runner2), and held to the quota.
    before=$(cg_usage_ns runner1)
    local other_before
    other_before=$(cg_usage_ns client)
    cg_exec runner1 timeout 1 sh -c 'while :; do :; done' || true
    after=$(cg_usage_ns runner1)
    used=$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.2f\n", (b - a) / 1e9 }')
    awk -v u="$used" -v q="$RUNNER_CPU" 'BEGIN { exit !(u > 0.02 && u <= q * 1.25 + 0.05) }' ||
        die "self-check: a 1 s busy loop in runner1 used $used s of CPU (quota $RUNNER_CPU)"
    [ "$(cg_usage_ns client)" = "$other_before" ] || die "self-check: the client group counted runner1's loop"
    [ -z "$(cg_procs runner1)" ] || die "self-check: processes left in runner1: $(cg_procs runner1)"
    note "self-check: groups $CG_PREFIX-{client,runner1..$RUNNERS_MAX,sched} in $(cg_roots | tr '\n' ' '); quotas client $CLIENT_CPU, runners $RUNNER_CPU"
    note "self-check: 1 s busy loop in runner1 used $used s of CPU (quota $RUNNER_CPU), nothing counted in client"
    cg_teardown
    [ -z "$(cg_leftovers)" ] || die "self-check: groups left after teardown: $(cg_leftovers)"
    note "self-check: torn down, no group left; ok"
}
