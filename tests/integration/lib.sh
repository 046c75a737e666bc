# Shared helpers for integration suites: real ferryd, coordinator, compilers and build tools.
# A suite sources this, calls ferry_test_init, and ends with `pass`. Every process it starts
# is stopped by the EXIT trap; every file it makes lives under $TEST_TMP.
# CTest passes FERRY, FERRYD and FERRY_SOURCE_DIR. Exit 125 means "skipped".
set -euo pipefail

: "${FERRY:?FERRY must name the ferry binary}"
: "${FERRYD:?FERRYD must name the ferryd binary}"
: "${FERRY_SOURCE_DIR:?FERRY_SOURCE_DIR must name the source tree}"

TEST_NAME=$(basename "$0" .sh)
declare -A FERRYD_PIDS=()

fail() { echo "FAIL ($TEST_NAME): $*" >&2; exit 1; }
skip() { echo "SKIP ($TEST_NAME): $*" >&2; exit 125; }
note() { echo "--- $*" >&2; }
pass() { echo "PASS ($TEST_NAME)"; exit 0; }

assert_eq() { # assert_eq EXPECTED ACTUAL WHAT
    [ "$1" == "$2" ] || fail "$3: expected '$1', got '$2'"
}
assert_files_identical() { # a b what
    cmp -s "$1" "$2" || fail "${3:-files differ}: $1 vs $2 ($(cmp "$1" "$2" 2>&1 | head -1))"
}
assert_contains() { # haystack-file needle what
    grep -qF -- "$2" "$1" || fail "${3:-missing text}: '$2' not in $1: $(head -c 2000 "$1")"
}

# A port per suite, so suites can run in parallel on the same loopback addresses.
suite_port() {
    echo $((20000 + $(printf '%s' "$TEST_NAME" | cksum | cut -d' ' -f1) % 20000))
}

ferry_test_init() {
    TEST_TMP=$(mktemp -d "/tmp/ferry-it-$TEST_NAME-XXXXXX")
    export XDG_RUNTIME_DIR="$TEST_TMP/run"
    mkdir -m 0700 -p "$XDG_RUNTIME_DIR"
    export HOME="$TEST_TMP/home"
    mkdir -p "$HOME"
    unset FERRY_HOSTS FERRY_HOSTS_FILE MAKEFLAGS MFLAGS MAKELEVEL
    export FERRY_IDLE_TIMEOUT="${FERRY_IDLE_TIMEOUT:-30}"
    PORT=$(suite_port)
    trap ferry_test_cleanup EXIT
}

ferry_test_cleanup() {
    local rc=$?
    set +e
    # Stop the coordinator of this suite (it lives under our XDG_RUNTIME_DIR).
    "$FERRY" shutdown >/dev/null 2>&1
    for addr in "${!FERRYD_PIDS[@]}"; do
        kill -TERM "${FERRYD_PIDS[$addr]}" 2>/dev/null
    done
    for addr in "${!FERRYD_PIDS[@]}"; do
        wait_gone "${FERRYD_PIDS[$addr]}" 5 || kill -KILL "${FERRYD_PIDS[$addr]}" 2>/dev/null
    done
    if [ $rc -ne 0 ] && [ $rc -ne 125 ]; then
        for f in "$TEST_TMP"/*.log "$XDG_RUNTIME_DIR"/ferry/*.log; do
            [ -f "$f" ] && { echo "=== $f (tail)"; tail -n 40 "$f"; } >&2
        done
    fi
    pkill -KILL -f "$TEST_TMP" 2>/dev/null
    rm -rf "$TEST_TMP"
    exit $rc
}

wait_gone() { # pid seconds
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.05
    done
    return 1
}

wait_port() { # addr port seconds
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

# start_ferryd ADDR [extra ferryd args...]: a runner on ADDR:$PORT, logging to
# $TEST_TMP/ferryd-ADDR.log, ready when this returns.
start_ferryd() {
    local addr=$1
    shift
    "$FERRYD" --listen "$addr:$PORT" --allow 127.0.0.0/8 --jobs 2 \
        --log-file "$TEST_TMP/ferryd-$addr.log" "$@" &
    FERRYD_PIDS[$addr]=$!
    wait_port "$addr" "$PORT" 10 || fail "ferryd on $addr:$PORT did not start"
}

stop_ferryd() { # graceful (SIGTERM drains)
    local pid=${FERRYD_PIDS[$1]}
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || fail "ferryd on $1 did not exit after SIGTERM"
    unset "FERRYD_PIDS[$1]"
}

kill_ferryd() { # SIGKILL, no goodbye
    local pid=${FERRYD_PIDS[$1]}
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || true
    unset "FERRYD_PIDS[$1]"
}

ferryd_log() { echo "$TEST_TMP/ferryd-$1.log"; }

# Number of jobs a runner has compiled, from its own log.
ferryd_jobs_done() { grep -c 'job .* exit' "$(ferryd_log "$1")" 2>/dev/null || true; }

# The FERRY_HOSTS value for the given runner addresses on this suite's port.
hosts_for() {
    local spec="" addr
    for addr in "$@"; do spec="$spec $addr:$PORT/2"; done
    echo "${spec# }"
}

have() { command -v "$1" >/dev/null 2>&1; }

# ---- compiling the same thing locally and through ferry ----

# Copies the core fixture project to $PROJ (a path under $TEST_TMP).
setup_core_project() {
    PROJ="$TEST_TMP/proj"
    mkdir -p "$PROJ"
    cp -r "$FERRY_SOURCE_DIR/tests/integration/fixtures/core/." "$PROJ/"
    mkdir -p "$PROJ/build" "$TEST_TMP/ref"
}

# compile_both COMPILER "FLAGS" SOURCE OUTPUT [EXTRA_OUTPUT...]
# Compiles in $PROJ with the plain compiler, sets the outputs aside, compiles the same command
# through ferry at the same paths, and compares every output byte for byte, the stderr text
# and the exit status. Sets LOCAL_RC/FERRY_RC; outputs of the ferry run stay in place.
compile_both() {
    local cc=$1 flags=$2 src=$3 out=$4
    shift 4
    local extra=("$@") f
    local outs=("$out" "${extra[@]}")
    # shellcheck disable=SC2086
    (cd "$PROJ" && rm -f "${outs[@]}" && LC_ALL=C $cc $flags -c "$src" -o "$out" \
        >"$TEST_TMP/local.out" 2>"$TEST_TMP/local.err") && LOCAL_RC=0 || LOCAL_RC=$?
    for f in "${outs[@]}"; do
        if [ -e "$PROJ/$f" ]; then mv "$PROJ/$f" "$TEST_TMP/ref/$(basename "$f")"; fi
    done
    # shellcheck disable=SC2086
    (cd "$PROJ" && LC_ALL=C "$FERRY" $cc $flags -c "$src" -o "$out" \
        >"$TEST_TMP/ferry.out" 2>"$TEST_TMP/ferry.err") && FERRY_RC=0 || FERRY_RC=$?
    assert_eq "$LOCAL_RC" "$FERRY_RC" "exit status of '$cc $flags -c $src'"
    [ -z "${DWO_ID_VARIES:-}" ] || unify_dwo_id "$TEST_TMP/ref/$(basename "$out")" "$PROJ/$out" "${outs[@]}"
    cmp -s "$TEST_TMP/local.err" "$TEST_TMP/ferry.err" ||
        fail "stderr differs for '$cc $flags -c $src':$(diff "$TEST_TMP/local.err" "$TEST_TMP/ferry.err" | head -20)"
    cmp -s "$TEST_TMP/local.out" "$TEST_TMP/ferry.out" || fail "stdout differs for '$cc $flags -c $src'"
    for f in "${outs[@]}"; do
        if [ -e "$TEST_TMP/ref/$(basename "$f")" ]; then
            [ -e "$PROJ/$f" ] || fail "ferry did not write $f for '$cc $flags -c $src'"
            assert_files_identical "$TEST_TMP/ref/$(basename "$f")" "$PROJ/$f" \
                "$f from '$cc $flags -c $src'"
        else
            [ ! -e "$PROJ/$f" ] || fail "ferry wrote $f, a local compile does not"
        fi
    done
}

# The DWO ID of a skeleton object or a .dwo (readelf exits non-zero on .dwo warnings).
dwo_id() {
    { readelf --debug-dump=info "$1" 2>/dev/null || true; } |
        awk '/DWO ID:/ && !found { print $NF; found = 1 }'
}

# unify_dwo_id REF_OBJECT OBJECT FILES...: checks that OBJECT and its .dwo (among FILES, in
# $PROJ) carry the same DWO ID, then writes REF_OBJECT's ID over it in FILES. For compilers whose
# DWO ID is not reproducible (g++ 12 at -O2: two local runs differ), so that every other byte
# can still be compared.
unify_dwo_id() {
    local ref=$1 obj=$2 want have f
    shift 2
    want=$(dwo_id "$ref")
    have=$(dwo_id "$obj")
    [ -n "$want" ] && [ -n "$have" ] || fail "no DWO ID in $ref or $obj"
    for f in "$@"; do
        f="$PROJ/$f"
        case $f in *.dwo) assert_eq "$have" "$(dwo_id "$f")" "DWO ID of $f (its object has $have)" ;; esac
        perl -0777 -pi -e 'BEGIN { ($w, $h) = map { pack "Q<", hex } @ARGV[0, 1]; splice @ARGV, 0, 2 }
                           s/\Q$h\E/$w/g' "$want" "$have" "$f"
    done
}

# Whether a local compile (COMPILER FLAGS SOURCE OUTPUT, in $PROJ) gives the same bytes twice.
locally_reproducible() {
    local cc=$1 flags=$2 src=$3 out=$4
    # shellcheck disable=SC2086
    (cd "$PROJ" && $cc $flags -c "$src" -o "$out" && cp "$out" "$TEST_TMP/repro.1" &&
        $cc $flags -c "$src" -o "$out" && cmp -s "$out" "$TEST_TMP/repro.1")
}

total_jobs_done() {
    local n=0 addr
    for addr in "$@"; do n=$((n + $(ferryd_jobs_done "$addr"))); done
    echo $n
}
