# Shared helpers for integration suites: real ferryd, coordinator, compilers and build tools.
# A suite sources this, calls ferry_test_init, and ends with `pass`. Every process it starts
# is stopped by the EXIT trap; every file it makes lives under $TEST_TMP.
# CTest passes FERRY, FERRYD and FERRY_SOURCE_DIR. Exit 125 means "skipped", except under
# FERRY_NO_SKIP=1 (scripts/test.sh, as CI runs it, where everything is installed): there a
# suite that would skip fails with its reason, so none passes in CI by not running.
set -euo pipefail

: "${FERRY:?FERRY must name the ferry binary}"
: "${FERRYD:?FERRYD must name the ferryd binary}"
: "${FERRY_SOURCE_DIR:?FERRY_SOURCE_DIR must name the source tree}"

# A suite registered again against other tools (FERRY_TEST_VARIANT, tests/integration/
# CMakeLists.txt) has its own name, so its port and temporary directory are its own.
TEST_NAME=$(basename "$0" .sh)${FERRY_TEST_VARIANT:+.$FERRY_TEST_VARIANT}
declare -A FERRYD_PIDS=() FERRYD_KEYS=()

# The failure is repeated after the cleanup's log dump, so the tail of the output (all a CI
# summary may show) still names it.
FAIL_MESSAGE=
fail() {
    FAIL_MESSAGE="FAIL ($TEST_NAME): $*"
    echo "$FAIL_MESSAGE" >&2
    exit 1
}
# A command that stops the suite under `set -e` names itself: the command, its status and
# where (a bare exit left CI's log with nothing but the cleanup's log tails). Only while
# errexit is on: a command a suite lets fail under `set +e` is not a failure.
ferry_test_errexit() { # status command line file
    [[ $- == *e* ]] || return 0
    if [ "$BASHPID" != $$ ]; then # a subshell's end: the suite decides what it means
        echo "--- in a subshell, '$2' exited $1 at ${4##*/}:$3" >&2
        return 0
    fi
    local message="FAIL ($TEST_NAME): '$2' exited $1 at ${4##*/}:$3"
    echo "$message" >&2
    [ -n "$FAIL_MESSAGE" ] || FAIL_MESSAGE=$message
}
skip() {
    [ "${FERRY_NO_SKIP:-0}" = 0 ] || fail "cannot skip under FERRY_NO_SKIP: $*"
    echo "SKIP ($TEST_NAME): $*" >&2
    exit 125
}
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
# FERRY_TEST_PORT_BASE moves them, for two checkouts testing side by side on one machine;
# a base above 45535 narrows the range so that every port stays below 65536.
suite_port() {
    local base=${FERRY_TEST_PORT_BASE:-20000} span=20000
    [ $((65536 - base)) -ge "$span" ] || span=$((65536 - base))
    echo $((base + $(printf '%s' "$TEST_NAME" | cksum | cut -d' ' -f1) % span))
}

ferry_test_init() {
    TEST_TMP=$(mktemp -d "/tmp/ferry-it-$TEST_NAME-XXXXXX")
    export XDG_RUNTIME_DIR="$TEST_TMP/run"
    mkdir -m 0700 -p "$XDG_RUNTIME_DIR"
    export HOME="$TEST_TMP/home"
    mkdir -p "$HOME"
    unset FERRY_HOSTS FERRY_HOSTS_FILE MAKEFLAGS MFLAGS MAKELEVEL
    # The caller's toolchain choice is not the test's: make would take CC=clang from the
    # environment over its default and build something else than the local reference.
    unset CC CXX CFLAGS CXXFLAGS CPPFLAGS LDFLAGS
    export FERRY_IDLE_TIMEOUT="${FERRY_IDLE_TIMEOUT:-30}"
    # Queued jobs compiling here when this machine is idle (coordinator/local_offload.hpp)
    # would make the suites' remote/local counts depend on the load: off, except in
    # test_local_when_idle.sh, which drives it.
    export FERRY_LOCAL_WHEN_IDLE="${FERRY_LOCAL_WHEN_IDLE:-0}"
    PORT=$(suite_port)
    trap ferry_test_cleanup EXIT
    set -E
    trap 'ferry_test_errexit "$?" "$BASH_COMMAND" "$LINENO" "${BASH_SOURCE[0]:-}"' ERR
    # FERRY_TEST_REAL_TOOLS=1: this run's make and ninja are the real make 4.4.1 and ninja
    # 1.13.2; FERRY_TEST_MAKE / FERRY_TEST_NINJA: these binaries.
    [ "${FERRY_TEST_REAL_TOOLS:-0}" = 0 ] || use_real_tools
    [ -z "${FERRY_TEST_MAKE:-}${FERRY_TEST_NINJA:-}" ] || use_build_tools "${FERRY_TEST_MAKE:-}" "${FERRY_TEST_NINJA:-}"
}

# use_build_tools MAKE NINJA: `make` and `ninja` on this suite's PATH are these binaries
# (an empty one: the machine's), for everything it starts — ferry finds them, and their
# versions, by those names.
use_build_tools() {
    local bin="$TEST_TMP/build-tools"
    mkdir -p "$bin"
    [ -z "$1" ] || ln -sf "$1" "$bin/make"
    [ -z "$2" ] || ln -sf "$2" "$bin/ninja"
    export PATH="$bin:$PATH"
    note "build tools: $(make --version | head -1), ninja $(ninja --version)"
}

# use_real_tools: make 4.4.1 and ninja 1.13.2, built from Debian unstable's sources and
# cached by tests/integration/tools/real_tools.sh (docs/jobserver.md), become this suite's
# make and ninja; REAL_MAKE and REAL_NINJA name them. Skips (fails under FERRY_NO_SKIP)
# when they cannot be had.
use_real_tools() {
    local out
    out=$(bash "$FERRY_SOURCE_DIR/tests/integration/tools/real_tools.sh" 2>"$TEST_TMP/real_tools.err") ||
        skip "cannot build the real make and ninja: $(tail -5 "$TEST_TMP/real_tools.err")"
    REAL_MAKE=$(awk '$1 == "make" { print $2 }' <<<"$out")
    REAL_NINJA=$(awk '$1 == "ninja" { print $2 }' <<<"$out")
    [ -x "$REAL_MAKE" ] && [ -x "$REAL_NINJA" ] || fail "real_tools.sh named no binaries: $out"
    use_build_tools "$REAL_MAKE" "$REAL_NINJA"
}

# real_project NAME: REAL_PROJECT names the cached source tree of the real project NAME
# (hello, cjson, fribidi: Debian bookworm's sources, fetched by tests/integration/tools/
# real_projects.sh). Skips (fails under FERRY_NO_SKIP) when it cannot be had.
real_project() {
    local out
    out=$(bash "$FERRY_SOURCE_DIR/tests/integration/tools/real_projects.sh" 2>"$TEST_TMP/real_projects.err") ||
        skip "cannot fetch the real projects: $(tail -5 "$TEST_TMP/real_projects.err")"
    REAL_PROJECT=$(awk -v name="$1" '$1 == name { print $2 }' <<<"$out")
    [ -d "$REAL_PROJECT" ] || fail "real_projects.sh named no tree for $1: $out"
}

# fresh_tree SOURCE DEST: DEST is a new copy of SOURCE, timestamps kept (an autotools tree
# whose configure looks older than configure.ac runs autoconf). A plain build and one through
# ferry each start from one, at the same path: paths are in the objects' debug info.
fresh_tree() {
    rm -rf "$2"
    cp -a "$1" "$2"
}

object_list() { (cd "$1" && find . -name '*.o' | sort); } # DIR: its objects, relative

# keep_objects DIR REF: every *.o under DIR, copied to REF at the same relative path.
keep_objects() {
    local o
    rm -rf "$2"
    mkdir -p "$2"
    while IFS= read -r o; do
        mkdir -p "$(dirname "$2/$o")"
        cp "$1/$o" "$2/$o"
    done < <(object_list "$1")
}

# assert_objects_identical REF DIR WHAT: DIR has exactly REF's objects (keep_objects), each
# byte-identical; OBJECTS is their number.
assert_objects_identical() {
    local o
    [ "$(object_list "$1")" == "$(object_list "$2")" ] ||
        fail "$3: not the same objects: $(diff <(object_list "$1") <(object_list "$2") | head -10)"
    OBJECTS=0
    while IFS= read -r o; do
        assert_files_identical "$1/$o" "$2/$o" "$3 object $o"
        OBJECTS=$((OBJECTS + 1))
    done < <(object_list "$1")
    [ "$OBJECTS" -gt 0 ] || fail "$3: no objects"
}

# assert_quiet_build LOG WHAT: ferry said nothing in LOG (no "ferry:" line: no runner failure,
# no fallback warning) and no pool lost a token.
assert_quiet_build() {
    ! grep -q '^ferry:' "$1" || fail "$2: ferry complained: $(grep '^ferry:' "$1" | head -5)"
    ! grep -q 'token(s)' "$1" || fail "$2 leaked tokens: $(grep 'token(s)' "$1")"
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
        for f in "$TEST_TMP"/*.log "$TEST_TMP"/*.err "$XDG_RUNTIME_DIR"/ferry/*.log; do
            [ -f "$f" ] && { echo "=== $f (tail)"; tail -n 40 "$f"; } >&2
        done
        [ -z "$FAIL_MESSAGE" ] || echo "=== $FAIL_MESSAGE" >&2
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

# start_ferryd ADDR [extra ferryd args...]: a runner on ADDR:$PORT, logging to
# $TEST_TMP/ferryd-ADDR.log, serving when this returns (ferryd_wait_ready).
# It lets in the networks in $FERRYD_ALLOW (space-separated; unset: 127.0.0.0/8, every
# loopback address; empty: no --allow, so only what the arguments allow):
#   FERRYD_ALLOW="127.0.0.2/32" start_ferryd 127.0.0.2
# A `--key-file FILE` among the arguments is remembered for ferryd_stat.
start_ferryd() {
    local addr=$1 net allow=() arg previous= jobs=(--jobs 2)
    shift
    for net in ${FERRYD_ALLOW-127.0.0.0/8}; do allow+=(--allow "$net"); done
    unset "FERRYD_KEYS[$addr]"
    for arg in "$@"; do
        [ "$previous" != --key-file ] || FERRYD_KEYS[$addr]=$arg
        [ "$arg" != --jobs ] || jobs=() # the caller's own
        previous=$arg
    done
    "$FERRYD" --listen "$addr:$PORT" "${allow[@]}" "${jobs[@]}" --log-file "$(ferryd_log "$addr")" "$@" &
    FERRYD_PIDS[$addr]=$!
    ferryd_wait_ready "$addr" "${FERRYD_PIDS[$addr]}"
}

# The suites' runner-protocol client (tests/integration/tools/ferry_probe.cpp).
FERRY_PROBE="${FERRY_PROBE:-${FERRY_BINARY_DIR:-}/tests/integration/tools/ferry_probe}"

# ferry_probe's first arguments to reach the runner on ADDR: from ADDR itself when it is a
# loopback address (another loopback address may be outside its --allow, and a refusal
# would be a line in its log), else from the route's own address (a runner in a namespace).
probe_from() {
    case $1 in
    127.*) echo --bind "$1" ;;
    esac
}

# ferryd_wait_ready ADDR PID [LOG]: waits until the runner on ADDR:$PORT greets, through the
# protocol: its port accepts as soon as it is bound, but it greets only once it serves (after
# probing its compilers and its sandbox), and connect timeouts are short. A refusal (ErrorMsg,
# exit 102: ADDR outside its --allow) is an answer from a serving runner too. LOG (default:
# start_ferryd's) is shown if it does not get ready.
ferryd_wait_ready() {
    local addr=$1 pid=$2 log=${3:-$(ferryd_log "$1")} deadline=$((SECONDS + 20 * ${FERRY_TIME_FACTOR:-1})) rc
    [ -x "$FERRY_PROBE" ] || skip "ferry_probe not built (set FERRY_PROBE or FERRY_BINARY_DIR)"
    while [ $SECONDS -lt $deadline ]; do
        rc=0
        # shellcheck disable=SC2046
        FERRY_PROBE_TIMEOUT_MS=5000 "$FERRY_PROBE" $(probe_from "$addr") greeting "$addr:$PORT" \
            >"$TEST_TMP/ready-$addr.out" 2>&1 || rc=$?
        [ $rc != 0 ] && [ $rc != 102 ] || return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    fail "ferryd on $addr:$PORT did not get ready: $(cat "$TEST_TMP/ready-$addr.out") $(tail -5 "$log" 2>/dev/null)"
}

# ferryd_stat ADDR FIELD...: the sum of the runner's own counters (proto::Stats, through
# ferry_probe stats: received, completed, failed, refused, active, queued, files, hits,
# slots, linked, copied), read in one exchange. Fails when the runner does not answer within
# 10 s (a stopped runner).
ferryd_stat() {
    local addr=$1 out rc=0 key=()
    shift
    [ -z "${FERRYD_KEYS[$addr]:-}" ] || key=("FERRY_PROBE_KEY_FILE=${FERRYD_KEYS[$addr]}")
    # shellcheck disable=SC2046
    out=$(env "${key[@]}" FERRY_PROBE_TIMEOUT_MS=10000 "$FERRY_PROBE" $(probe_from "$addr") stats "$addr:$PORT" 2>&1) ||
        rc=$?
    [ $rc = 0 ] || fail "ferry_probe stats on $addr: $out"
    awk -v want="$*" 'BEGIN { n = split(want, names, " "); for (i = 1; i <= n; i++) wanted[names[i]] = 1 }
        { for (i = 1; i < NF; i += 2) if ($i in wanted) { sum += $(i + 1); found[$i] = 1 } }
        END { for (f in wanted) if (!(f in found)) exit 1; print sum + 0 }' <<<"$out" ||
        fail "no '$*' in the stats of $addr: $out"
}

# ferryd_wait_running ADDR SECONDS: until ferryd on ADDR runs a compile, by its own count.
ferryd_wait_running() {
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt "$end" ]; do
        [ "$(ferryd_stat "$1" active)" -gt 0 ] && return 0
        sleep 0.05
    done
    fail "ferryd on $1 ran no compile within $2 s"
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

# Number of jobs a runner has compiled (the compiler ran and exited, whatever its status), by
# its own count.
ferryd_jobs_done() { ferryd_stat "$1" completed; }

# The FERRY_HOSTS value for the given runner addresses on this suite's port.
hosts_for() {
    local spec="" addr
    for addr in "$@"; do spec="$spec $addr:$PORT/2"; done
    echo "${spec# }"
}

have() { command -v "$1" >/dev/null 2>&1; }
# if have_for TOOL WHAT; then ...: whether TOOL is installed; without it the part of the suite
# WHAT is skipped with a note, except under FERRY_NO_SKIP, where the suite fails: a part
# passes by not running no more than a whole suite does.
have_for() { have "$1" || skip_part "$2" "$1 is not installed"; }
# [ -e FILE ] || skip_part WHAT WHY: returns 1 after a note, or fails under FERRY_NO_SKIP.
skip_part() {
    [ "${FERRY_NO_SKIP:-0}" = 0 ] || fail "cannot skip $1 under FERRY_NO_SKIP: $2"
    note "skipped $1: $2"
    return 1
}

# What a program's --help lists (CLI11's layout: a "Options:" or "Subcommands:" heading, then
# items indented by two spaces), one per line, sorted: the man page and completion suites
# compare these with the page and the completion. help_options splits "-h,--help".
help_section_words() { # HEADING, the help text on stdin
    awk -v want="$1" '/^[A-Za-z]+:$/ { section = $0; next } /^$/ { next }
        section == want && /^  [^ ]/ { print $1 }'
}
help_options() { help_section_words Options: | tr ',' '\n' | grep -E '^--?[A-Za-z]' | sort -u; }
help_subcommands() { help_section_words Subcommands: | sort -u; }

# The core suites' cluster: ferryd on 127.0.0.2 and 127.0.0.3, named by $FERRY_HOSTS.
start_core_runners() {
    start_ferryd 127.0.0.2
    start_ferryd 127.0.0.3
    export FERRY_HOSTS="$(hosts_for 127.0.0.2 127.0.0.3)"
}

# ---- compiling the same thing locally and through ferry ----

# Copies the core fixture project to $PROJ (a path under $TEST_TMP).
# write_spin_unit FILE ITERATIONS: a C++ unit whose compile is long on any machine: g++
# evaluates a loop of ITERATIONS at compile time (1000000: a few seconds; 5000000: half a
# minute here). Compile it with "${SPIN_FLAGS[@]}", which lift g++'s constexpr limits.
SPIN_FLAGS=(-fconstexpr-loop-limit=2000000000 -fconstexpr-ops-limit=4000000000000)
write_spin_unit() {
    cat >"$1" <<SPIN_UNIT
constexpr unsigned long spin(unsigned long n) {
    unsigned long s = 0;
    for (unsigned long i = 0; i < n; ++i) s = s * 31 + i;
    return s;
}
static_assert(spin($2) != 1, "spin");
int spun() { return 0; }
SPIN_UNIT
}

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

# ---- fault injection (test_fault_*.sh) ----
# A generated make project built through `ferry make` while runners misbehave, compared
# object by object with a plain local build; runners each with their own TMPDIR, so a suite
# can check that nothing of a job is left behind.

FAULT_RUNNER="${FAULT_RUNNER:-${FERRY_BINARY_DIR:-}/tests/integration/tools/fault_runner}"
DYING_COORDINATOR="${DYING_COORDINATOR:-${FERRY_BINARY_DIR:-}/tests/integration/tools/dying_coordinator}"

# slow_units DIR N FUNCS [HEADER]: DIR/unit1.c .. DIR/unitN.c, C units whose compile takes a
# while at -O2 (FUNCS static functions each: about 0.2 s for 30, 1 s for 120, unloaded), so a
# build can be caught in flight. Unit I defines
# `double unit_I(const double *a, const double *b, int n)`. With HEADER, each includes it
# and adds the header's SLOW_UNIT_SCALE to its result.
slow_units() {
    local dir=$1 n=$2 funcs=$3 header=${4:-} i f
    mkdir -p "$dir"
    for ((i = 1; i <= n; i++)); do
        {
            [ -z "$header" ] || echo "#include \"$header\""
            for ((f = 1; f <= funcs; f++)); do
                echo "static double f${f}_$i(const double *a, const double *b, int n) {"
                echo "    double s = 0;"
                echo "    for (int k = 0; k < n; ++k) s += a[k] * b[(k * $f) % n] + (double)(k ^ $i);"
                echo "    for (int k = 1; k < n; ++k) s = s * 0.5 + a[k - 1] / (b[k] + $f.0);"
                echo "    return s;"
                echo "}"
            done
            echo "double unit_$i(const double *a, const double *b, int n);"
            echo "double unit_$i(const double *a, const double *b, int n) {"
            echo "    double s = 0;"
            for ((f = 1; f <= funcs; f++)); do echo "    s += f${f}_$i(a, b, n);"; done
            echo "    return s${header:+ + SLOW_UNIT_SCALE};"
            echo "}"
        } >"$dir/unit$i.c"
    done
}

# fault_project N: $FPROJ, a make project of N C files (about 0.2 s each at -O2 -g) and a
# program linked from them.
fault_project() {
    local n=$1 i
    FPROJ="$TEST_TMP/fproj"
    mkdir -p "$FPROJ/include"
    echo '#define SLOW_UNIT_SCALE 1.0' >"$FPROJ/include/common.h"
    slow_units "$FPROJ/src" "$n" 30 common.h
    {
        echo '#include <stdio.h>'
        for ((i = 1; i <= n; i++)); do echo "double unit_$i(const double *a, const double *b, int n);"; done
        echo 'int main(void) {'
        echo '    double a[64], b[64], s = 0;'
        echo '    for (int k = 0; k < 64; ++k) { a[k] = k + 1; b[k] = 2 * k + 1; }'
        for ((i = 1; i <= n; i++)); do echo "    s += unit_$i(a, b, 64);"; done
        echo '    printf("%.3f\n", s);'
        echo '    return 0;'
        echo '}'
    } >"$FPROJ/src/main.c"
    cat >"$FPROJ/Makefile" <<'MK'
SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=obj/%.o)
prog: $(OBJS)
	$(CC) -o $@ $(OBJS)
obj/%.o: src/%.c include/common.h | obj
	$(CC) -O2 -g -Iinclude -c $< -o $@
obj:
	mkdir -p obj
clean:
	rm -rf obj prog
MK
}

# fault_reference: builds $FPROJ once with plain make and cc, keeps the objects and the
# program's output in $TEST_TMP/ref, and cleans the tree.
fault_reference() {
    mkdir -p "$TEST_TMP/ref"
    (cd "$FPROJ" && env -u MAKEFLAGS make -s -j2 CC=cc >/dev/null) || fail "the local reference build failed"
    cp "$FPROJ"/obj/*.o "$TEST_TMP/ref/"
    "$FPROJ/prog" >"$TEST_TMP/ref/prog.out"
    (cd "$FPROJ" && make -s clean)
}

# fault_build NAME [ferry make args...]: a clean `ferry make` of $FPROJ (pool sized by the
# cluster), stdout/stderr in $TEST_TMP/NAME.out/.err, status in BUILD_RC. Does not fail.
fault_build() {
    local name=$1
    shift
    (cd "$FPROJ" && make -s clean)
    : >"$FERRY_JOBSERVER_LOG"
    BUILD_RC=0
    (cd "$FPROJ" && LC_ALL=C timeout 120 "$FERRY" make "$@" >"$TEST_TMP/$name.out" \
        2>"$TEST_TMP/$name.err") || BUILD_RC=$?
}

# fault_build_bg NAME [args...]: the same in the background; BG_PID, then fault_build_wait.
fault_build_bg() {
    local name=$1
    shift
    (cd "$FPROJ" && make -s clean)
    : >"$FERRY_JOBSERVER_LOG"
    (cd "$FPROJ" && LC_ALL=C exec timeout 120 "$FERRY" make "$@" >"$TEST_TMP/$name.out" \
        2>"$TEST_TMP/$name.err") &
    BG_PID=$!
}
fault_build_wait() {
    BUILD_RC=0
    wait "$BG_PID" || BUILD_RC=$?
}

# fault_check_build NAME MAX_WARNINGS RUNNER_NAME...: the build of NAME succeeded, every
# object is byte-identical to the reference, the program runs the same, every token came
# back, and ferry printed at most one line blaming each of the given runners ("runner X
# failed"; a "no runner available" line lists them all) and at most MAX_WARNINGS lines in all.
fault_check_build() {
    local name=$1 max=$2 o r lines
    shift 2
    local err="$TEST_TMP/$name.err"
    assert_eq 0 "$BUILD_RC" "status of build '$name' ($(tail -5 "$err"))"
    for o in "$TEST_TMP"/ref/*.o; do
        [ -f "$FPROJ/obj/$(basename "$o")" ] || fail "build '$name' made no obj/$(basename "$o")"
        assert_files_identical "$o" "$FPROJ/obj/$(basename "$o")" "object of build '$name'"
    done
    assert_eq "$(cat "$TEST_TMP/ref/prog.out")" "$("$FPROJ/prog")" "output of the program of build '$name'"
    grep -q 'token(s)' "$err" && fail "build '$name' leaked tokens: $(grep 'token(s)' "$err")"
    assert_tokens_back
    for r in "$@"; do
        lines=$(grep -c "^ferry: runner $r " "$err" || true)
        [ "$lines" -le 1 ] || fail "build '$name': $lines lines about runner $r: $(grep "^ferry:" "$err")"
    done
    lines=$(grep -c '^ferry:' "$err" || true)
    [ "$lines" -le "$max" ] || fail "build '$name': $lines ferry lines, at most $max wanted: $(grep '^ferry:' "$err")"
    note "build '$name': ok, $lines warning line(s)$([ "$lines" = 0 ] || echo ": $(grep '^ferry:' "$err" | tr '\n' '|')")"
}

# The runners of these suites run as `nobody` when the suite runs as root (ferryd's rule),
# so their directories must be reachable and theirs.
fault_runner_tmpdir() { # ADDR: creates and prints $TEST_TMP/rtmp-ADDR
    local dir="$TEST_TMP/rtmp-$1"
    mkdir -p "$dir"
    chmod 0711 "$TEST_TMP"
    if [ "$(id -u)" = 0 ]; then chown nobody "$dir"; fi
    echo "$dir"
}

# fault_start_ferryd ADDR [ferryd args...]: start_ferryd with TMPDIR=$TEST_TMP/rtmp-ADDR.
fault_start_ferryd() {
    local addr=$1
    shift
    TMPDIR="$(fault_runner_tmpdir "$addr")" start_ferryd "$addr" "$@"
}

# Job directories a running ferryd on ADDR still has (its private dir is ferryd-*/jobs).
# Directories listed in $FAULT_STALE_DIRS (what a SIGKILLed ferryd left) do not count, nor
# do the mirrors it keeps for a connection's next job (mirror-*, at most one per slot: they
# go with the connection, and fault_assert_runner_tmp_empty sees them gone at exit).
fault_runner_jobs_left() {
    local d n=0 kept
    for d in "$TEST_TMP/rtmp-$1"/ferryd-*; do
        [ -d "$d/jobs" ] || continue
        case " ${FAULT_STALE_DIRS:-} " in *" $d "*) continue ;; esac
        n=$((n + $(find "$d/jobs" -mindepth 1 -maxdepth 1 ! -name 'mirror-*' | wc -l)))
        kept=$(find "$d/jobs" -mindepth 1 -maxdepth 1 -name 'mirror-*' | wc -l)
        [ "$kept" -le "${FAULT_RUNNER_SLOTS:-4}" ] || fail "ferryd on $1 keeps $kept mirrors"
    done
    echo $n
}

# fault_wait_runner_idle ADDR SECONDS: waits until ferryd on ADDR has no job directory left.
fault_wait_runner_idle() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        [ "$(fault_runner_jobs_left "$1")" = 0 ] && return 0
        sleep 0.1
    done
    fail "ferryd on $1 still has job directories: $(find "$TEST_TMP/rtmp-$1" -maxdepth 3 -path '*/jobs/*')"
}

# After ferryd on ADDR exited: nothing at all is left in its TMPDIR.
fault_assert_runner_tmp_empty() {
    local left
    left=$(find "$TEST_TMP/rtmp-$1" -mindepth 1 2>/dev/null | head -5)
    [ -z "$left" ] || fail "ferryd on $1 left files in its TMPDIR: $left"
}

# fault_start_bad ADDR MODE: a fault_runner on ADDR:$PORT (stopped like a ferryd by the
# cleanup), logging to $TEST_TMP/fault-ADDR.log.
fault_start_bad() {
    [ -x "$FAULT_RUNNER" ] || skip "fault_runner not built (set FAULT_RUNNER or FERRY_BINARY_DIR)"
    local addr=$1 mode=$2 log="$TEST_TMP/fault-$1.log" i
    "$FAULT_RUNNER" --listen "$addr:$PORT" --mode "$mode" --log "$log" &
    FERRYD_PIDS[$addr]=$!
    for ((i = 0; i < 200; i++)); do
        grep -q 'listening on' "$log" 2>/dev/null && return 0
        kill -0 "${FERRYD_PIDS[$addr]}" 2>/dev/null || fail "fault_runner on $addr did not start: $(cat "$log")"
        sleep 0.05
    done
    fail "fault_runner on $addr did not start"
}

# The coordinator's log (one per configuration, under this suite's XDG_RUNTIME_DIR).
coordinator_log() { ls "$XDG_RUNTIME_DIR"/ferry/*.log 2>/dev/null | head -1; }

# kbuild_fixture_units FN: copies the Kbuild fixture (tests/integration/fixtures/kbuild) to
# $TEST_TMP/kproj and calls the suite's `FN CC FLAGS SOURCE OUTPUT` (with $PROJ there) for its
# two command lines: -nostdinc -isystem with three -include, and -imacros.
kbuild_fixture_units() {
    local fn=$1 names forced codegen kbuild saved=$PROJ
    mkdir -p "$TEST_TMP/kproj"
    cp -r "$FERRY_SOURCE_DIR/tests/integration/fixtures/kbuild/." "$TEST_TMP/kproj/"
    names="-DKBUILD_MODFILE=\"lib/math/gcd\" -DKBUILD_BASENAME=\"gcd\" -D__KBUILD_MODNAME=kmod_gcd"
    forced="-include ./include/linux/compiler-version.h -include ./include/linux/kconfig.h"
    forced="$forced -include ./include/linux/compiler_types.h"
    codegen="-D__KERNEL__ -fmacro-prefix-map=./= -Wall -Wundef -std=gnu11 -fno-PIE -mno-sse -mno-mmx"
    codegen="$codegen -mno-red-zone -mcmodel=kernel -fcf-protection=none -fno-common -O2"
    kbuild="-nostdinc -isystem $(gcc -print-file-name=include) -I./arch/x86/include -I./include"
    PROJ=$TEST_TMP/kproj
    "$fn" gcc "$kbuild $forced $codegen $names" lib/math/gcd.c lib/math/gcd.o
    "$fn" gcc "-I./arch/x86/include -I./include -imacros ./include/generated/macros.h $forced $codegen $names" \
        lib/math/gcd.c lib/math/gcd.o
    PROJ=$saved
}

# remote_counts ADDR...: "USED RAN EXTRA" now. USED: compiles the coordinator used from a
# runner (`ferry status --json` jobs.remote); RAN: jobs the runners on ADDR... logged; EXTRA:
# copies the coordinator sent that no wrapper used (backups started, unused speculative
# starts), which runners run too. USED and EXTRA are 0 while no coordinator runs.
remote_counts() {
    local status
    status=$("$FERRY" status --json 2>/dev/null) || status='{}'
    python3 -c '
import json, sys
d = json.load(sys.stdin)
jobs, backups = d.get("jobs", {}), d.get("backups", {})
print(jobs.get("remote", 0), sys.argv[1], backups.get("started", 0) + jobs.get("speculative_unused", 0))' \
        "$(total_jobs_done "$@")" <<<"$status"
}

# assert_ran_remotely BEFORE N WHAT ADDR...: since BEFORE (remote_counts ADDR...), the
# coordinator used N compiles from runners, and the runners' own logs show them: at least N
# jobs, and no more than the extra copies it sent account for.
assert_ran_remotely() {
    local before=$1 n=$2 what=$3 used0 ran0 extra0 used ran extra
    shift 3
    read -r used0 ran0 extra0 <<<"$before"
    read -r used ran extra <<<"$(remote_counts "$@")"
    assert_eq "$n" "$((used - used0))" "$what: compiles used from the runners (the coordinator's count)"
    ran=$((ran - ran0))
    extra=$((extra - extra0))
    [ "$ran" -ge "$n" ] && [ "$ran" -le $((n + extra)) ] ||
        fail "$what: the runners logged $ran jobs for $n compiles (and $extra extra copies)"
    note "$what: $n compiles on the runners (their logs: $ran jobs)"
}

# build_through_ferry DIR REF WHAT BEFORE COMMAND...: COMMAND (ferry make, ferry ninja) run in
# DIR succeeds with ferry silent, every object under DIR is byte-identical to REF's
# (keep_objects), and each was compiled on the core runners (assert_ran_remotely from BEFORE).
build_through_ferry() {
    local dir=$1 ref=$2 what=$3 before=$4 log="$TEST_TMP/ferry-build.log"
    shift 4
    note "$what: $*"
    (cd "$dir" && timeout 240 "$@" >"$log" 2>&1) || fail "$what: $* failed: $(tail -20 "$log")"
    assert_quiet_build "$log" "$what: $*"
    assert_objects_identical "$ref" "$dir" "$what"
    assert_ran_remotely "$before" "$OBJECTS" "$what's $OBJECTS objects" 127.0.0.2 127.0.0.3
}

# status_field jobs.remote: one field of `ferry status --json` (docs/status-json.md), by its
# dotted path.
status_field() {
    "$FERRY" status --json | python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."): value = value[int(key) if isinstance(value, list) else key]
print(json.dumps(value) if isinstance(value, (dict, list)) else value)' "$1"
}

# The hosts.toml of a fault suite: short timeouts, 2 local slots, the given runners (2 slots
# each) named after their address. Extra [client] keys come from $FAULT_CLIENT_EXTRA.
fault_hosts_toml() {
    local addr
    {
        echo "[client]"
        echo "local_slots = 2"
        echo "connect_timeout_ms = ${FAULT_CONNECT_TIMEOUT_MS:-1000}"
        echo "job_timeout_ms = ${FAULT_JOB_TIMEOUT_MS:-6000}"
        echo "backoff_ms = ${FAULT_BACKOFF_MS:-1000}"
        for addr in "$@"; do
            echo "[[runner]]"
            echo "address = \"$addr\""
            echo "port = $PORT"
            echo "slots = 2"
            echo "name = \"r-$addr\""
        done
    } >"$TEST_TMP/hosts.toml"
    export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
    unset FERRY_HOSTS
}
