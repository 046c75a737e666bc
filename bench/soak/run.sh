#!/usr/bin/env bash
# Soak run (not CI): builds a real project — googletest from Debian's googletest package
# (/usr/src/googletest, CMake, Unix Makefiles) — ROUNDS times with `ferry make` through two
# loopback ferryd runners, and SIGKILLs one of them at a random moment of every build. Each
# round checks what a user would notice:
#   failed builds    make's exit status is not 0
#   leaked tokens    `ferry make`'s leak report (stderr) and its pool's end-of-build count
#                    ($FERRY_JOBSERVER_LOG: "end expected=E returned=R")
#   leftover files   after the build: job directories still in a live runner's TMPDIR, anything
#                    left in the client side's TMPDIR, and `*.ferry-tmp-*` files in the tree
#   wrong objects    every .o and .a differs from a reference build made without ferry
# The killed runner cannot clean after itself: its whole state directory (TMPDIR/ferryd-*:
# job directories and its private cache) stays behind. That is counted apart ("orphaned by
# the kill", removed by this script before the restart) and is not a leftover; a leftover is
# what a runner that is still alive, or the client, failed to remove.
#
#   bench/soak/run.sh [--rounds N] [--build DIR] [--seed S] [--build-type T] [--samples]
# --build DIR   a ferry build tree (default /work/main/build): DIR/programs/ferry/ferry and
#               DIR/programs/ferryd/ferryd are used, nothing is installed.
# --seed S      replays the same kill moments and victims' order (default: the shell's pid).
# --build-type  googletest's CMAKE_BUILD_TYPE (default Debug, i.e. -g: a round takes 10-30
#               s on 2 shared CPUs; RelWithDebInfo, -O2 -g, about 80 s once a kill makes
#               the 30 s gtest-all.cc compile start over).
# --samples     also build googletest's samples (more, smaller compiles and links per round).
# The summary goes to stdout and into bench/soak/RESULTS.md with the command.
set -euo pipefail

# Everything runs from main(), which bash parses whole before running: editing this file
# while a soak runs cannot change the run.
main() {
ROUNDS=50
BUILD=/work/main/build
SEED=$$
SAMPLES=OFF
BUILD_TYPE=Debug
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --samples) SAMPLES=ON; shift ;;
    --build-type) BUILD_TYPE=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--build DIR] [--seed S] [--build-type T] [--samples]" >&2; exit 2 ;;
    esac
done
COMMAND_LINE="bench/soak/run.sh --rounds $ROUNDS --build $BUILD --seed $SEED --build-type $BUILD_TYPE$([ $SAMPLES = ON ] && echo ' --samples' || true)"

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "$BUILD" && pwd)
FERRY=$BUILD/programs/ferry/ferry
FERRYD=$BUILD/programs/ferryd/ferryd
GTEST_SRC=/usr/src/googletest
[ -x "$FERRY" ] && [ -x "$FERRYD" ] || { echo "no ferry/ferryd in $BUILD (build them first)" >&2; exit 1; }
[ -f "$GTEST_SRC/CMakeLists.txt" ] || { echo "needs googletest (apt-get install googletest)" >&2; exit 1; }
for tool in cmake make g++ cmp; do
    command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
RANDOM=$SEED

WORK=$(mktemp -d /tmp/ferry-soak-XXXXXX)
ADDRS=(127.0.0.21 127.0.0.22)
PORT=23761
SLOTS=2
declare -gA PID=()  # -g: the EXIT trap runs after main() has returned

log() { echo "[soak $(date +%H:%M:%S)] $*" >&2; }

stop_runner() { # addr signal
    local pid=${PID[$1]:-}
    [ -n "$pid" ] || return 0
    kill -"$2" "$pid" 2>/dev/null || true
    { wait "$pid" || true; } 2>/dev/null
    PID[$1]=
}

cleanup() {
    set +e
    # A build still running first: its wrappers would start a new coordinator.
    if [ -n "${make_pid:-}" ] && kill -TERM "$make_pid" 2>/dev/null; then
        { wait "$make_pid"; } 2>/dev/null
    fi
    "$FERRY" shutdown >/dev/null 2>&1
    for a in "${ADDRS[@]}"; do stop_runner "$a" TERM; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

export XDG_RUNTIME_DIR="$WORK/run" HOME="$WORK/home" TMPDIR="$WORK/tmp-client"
mkdir -p "$HOME" "$TMPDIR"
mkdir -m 0700 "$XDG_RUNTIME_DIR"
unset MAKEFLAGS MFLAGS MAKELEVEL FERRY_HOSTS_FILE CC CXX
export FERRY_IDLE_TIMEOUT=600 LC_ALL=C

runner_tmp() { echo "$WORK/tmp-$1"; }
# Started as root, ferryd runs as nobody: its TMPDIR must be nobody's, and reachable.
chmod 0711 "$WORK"

start_runner() { # addr
    local a=$1 i
    mkdir -p "$(runner_tmp "$a")"
    if [ "$(id -u)" = 0 ]; then chown nobody "$(runner_tmp "$a")"; fi
    TMPDIR=$(runner_tmp "$a") "$FERRYD" --listen "$a:$PORT" --allow 127.0.0.0/8 --jobs $SLOTS \
        --log-file "$WORK/ferryd-$a.log" &
    PID[$a]=$!
    for ((i = 0; i < 200; i++)); do
        if (exec 3<>"/dev/tcp/$a/$PORT") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    echo "ferryd on $a:$PORT did not start" >&2
    exit 1
}

# The state directory of the live ferryd on ADDR (TMPDIR/ferryd-XXXXXX, made at its start).
state_dir_of() { # addr
    local dir
    for dir in "$(runner_tmp "$1")"/ferryd-*; do
        [ -d "$dir" ] && echo "$dir"
    done
}

count_entries() { # dir: files and directories below it
    [ -d "$1" ] || { echo 0; return; }
    find "$1" -mindepth 1 | wc -l
}

# Waits until the coordinator reports every runner up, so each build starts with the full
# cluster (the restarted runner is in the coordinator's backoff until it is probed again).
wait_cluster_up() {
    local i up
    for ((i = 0; i < 600; i++)); do
        up=$("$FERRY" status 2>/dev/null | awk '$3 == "up"' | wc -l)
        [ "$up" -ge ${#ADDRS[@]} ] && return 0
        sleep 0.1
    done
    return 1
}

# The project, configured once. The compiler launcher is a small script so the reference
# build runs the same command lines in the same directory without ferry (debug info records
# the directory, so it must be the same one).
GT=$WORK/googletest-build
cat >"$WORK/launcher" <<EOF
#!/bin/sh
[ -n "\${SOAK_REFERENCE:-}" ] && exec "\$@"
exec "$FERRY" "\$@"
EOF
chmod +x "$WORK/launcher"
log "configuring googletest in $GT ($BUILD_TYPE, samples $SAMPLES)"
cmake -S "$GTEST_SRC" -B "$GT" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
    -DCMAKE_C_COMPILER_LAUNCHER="$WORK/launcher" -DCMAKE_CXX_COMPILER_LAUNCHER="$WORK/launcher" \
    -Dgtest_build_samples=$SAMPLES >"$WORK/configure.log" 2>&1 ||
    { tail -20 "$WORK/configure.log" >&2; exit 1; }

products() { (cd "$GT" && find . -type f \( -name '*.o' -o -name '*.a' \) | sort); }

CPUS=$(nproc)
log "reference build (make -j$CPUS, no ferry)"
make -C "$GT" clean >/dev/null
t0=$(date +%s.%N)
SOAK_REFERENCE=1 make -C "$GT" -j"$CPUS" >"$WORK/reference.log" 2>&1 ||
    { tail -20 "$WORK/reference.log" >&2; exit 1; }
REF_SECONDS=$(echo "$(date +%s.%N) - $t0" | bc)
mkdir -p "$WORK/reference"
products >"$WORK/reference.list"
(cd "$GT" && xargs -a "$WORK/reference.list" cp --parents -t "$WORK/reference")
[ -s "$WORK/reference.list" ] || { echo "the reference build made no objects" >&2; exit 1; }
log "reference: $(wc -l <"$WORK/reference.list") objects and archives in ${REF_SECONDS}s"

for a in "${ADDRS[@]}"; do start_runner "$a"; done
export FERRY_HOSTS="localhost/$CPUS"
for a in "${ADDRS[@]}"; do FERRY_HOSTS+=" $a:$PORT/$SLOTS"; done
wait_cluster_up || { echo "the coordinator never saw both runners up" >&2; exit 1; }

# Warm-up build without a kill: fills the runners' caches and gives the build time the kill
# moments are drawn from.
make -C "$GT" clean >/dev/null
t0=$(date +%s.%N)
"$FERRY" make -C "$GT" >"$WORK/warmup.log" 2>&1 || { tail -20 "$WORK/warmup.log" >&2; exit 1; }
WARM_MS=$(echo "($(date +%s.%N) - $t0) * 1000 / 1" | bc)
log "warm-up build through ferry: ${WARM_MS} ms"

SHORTEST_MS=$WARM_MS
make_pid=
FAILED=0 LEAKED=0 LEFTOVER=0 ORPHANED=0 MISMATCHED=0 KILLS_DURING=0 KILLS_BUSY=0 NOT_UP=0
TIMES=()
ROUND_LINES=()
for ((r = 1; r <= ROUNDS; r++)); do
    wait_cluster_up || { NOT_UP=$((NOT_UP + 1)); log "round $r: a runner is not up before the build"; }
    make -C "$GT" clean >/dev/null
    # A moment between 5% and 85% of the shortest build so far, in milliseconds (of the
    # warm build, builds on a quieter machine can take half as long). The victim is
    # chosen at that moment: a runner with a job in flight if there is one (a kill between
    # jobs only tests reconnection), else either. Both draws are made here, so --seed
    # replays the same moments.
    kill_ms=$((SHORTEST_MS * (5 + RANDOM % 81) / 100))
    pick=$RANDOM
    jlog=$WORK/jobserver-$r.log
    rlog=$WORK/round-$r.log
    t0=$(date +%s.%N)
    FERRY_JOBSERVER_LOG=$jlog "$FERRY" make -C "$GT" >"$rlog" 2>&1 &
    make_pid=$!
    (
        sleep "$(echo "scale=3; $kill_ms / 1000" | bc)"
        # Only during the build: a kill after make has ended would test nothing.
        kill -0 "$make_pid" 2>/dev/null || exit 0
        busy=() jobs_of=()
        for a in "${ADDRS[@]}"; do
            n=0
            for dir in $(state_dir_of "$a"); do n=$((n + $(find "$dir/jobs" -mindepth 1 -maxdepth 1 | wc -l))); done
            jobs_of+=("$n")
            [ "$n" -gt 0 ] && busy+=("$a")
        done
        if [ ${#busy[@]} -gt 0 ]; then
            v=${busy[pick % ${#busy[@]}]}
        else
            v=${ADDRS[pick % ${#ADDRS[@]}]}
        fi
        kill -KILL "${PID[$v]}" 2>/dev/null || exit 0
        for i in "${!ADDRS[@]}"; do [ "${ADDRS[i]}" = "$v" ] && n=${jobs_of[i]}; done
        echo "$v $n"
    ) >"$WORK/kill-$r" &
    killer=$!
    rc=0
    { wait "$make_pid" || rc=$?; } 2>/dev/null
    elapsed=$(echo "$(date +%s.%N) - $t0" | bc)
    make_pid=
    elapsed_ms=$(echo "$elapsed * 1000 / 1" | bc)
    [ "$elapsed_ms" -lt "$SHORTEST_MS" ] && SHORTEST_MS=$elapsed_ms
    { wait "$killer" || true; } 2>/dev/null
    victim='' in_flight=0 killed=''
    if read -r victim in_flight <"$WORK/kill-$r" && [ -n "$victim" ]; then
        killed=during
        KILLS_DURING=$((KILLS_DURING + 1))
        [ "$in_flight" -gt 0 ] && KILLS_BUSY=$((KILLS_BUSY + 1))
    fi
    TIMES+=("$elapsed")

    # Tokens: the leak report on stderr, and the pool's own count.
    leaked=0
    if grep -q 'jobserver token(s)' "$rlog"; then
        leaked=$(grep -o '[0-9]* jobserver token(s)' "$rlog" | head -1 | cut -d' ' -f1)
    fi
    if end=$(grep ' end expected=' "$jlog" 2>/dev/null | tail -1) && [ -n "$end" ]; then
        e=$(sed 's/.*expected=\([0-9-]*\).*/\1/' <<<"$end")
        g=$(sed 's/.*returned=\([0-9-]*\).*/\1/' <<<"$end")
        [ $((e - g)) -gt "$leaked" ] && leaked=$((e - g))
    else
        log "round $r: no end-of-build line in the jobserver log"
        leaked=$((leaked + 1000)) # make it visible: the pool did not count
    fi

    # Leftovers. Jobs end (and their directories go) just after the result is sent: give a
    # live runner a moment to finish removing them.
    sleep 0.5
    left=0
    for a in "${ADDRS[@]}"; do
        if [ "$a" = "$victim" ] && [ "$killed" = during ]; then continue; fi
        for dir in $(state_dir_of "$a"); do
            n=$(count_entries "$dir/jobs")
            if [ "$n" -gt 0 ]; then
                log "round $r: $n entries left in $dir/jobs"
                find "$dir/jobs" -mindepth 1 -maxdepth 2 | head -5 >&2
            fi
            left=$((left + n))
        done
    done
    n=$(count_entries "$TMPDIR")
    [ "$n" -eq 0 ] || { log "round $r: $n entries left in the client's TMPDIR"; ls -la "$TMPDIR" >&2; }
    left=$((left + n))
    n=$(find "$GT" -name '*.ferry-tmp-*' | wc -l)
    [ "$n" -eq 0 ] || log "round $r: $n temporary output files left in the tree"
    left=$((left + n))

    # Objects: the same list and the same bytes as the reference build.
    wrong=0
    if [ $rc -eq 0 ]; then
        if ! products | cmp -s - "$WORK/reference.list"; then
            wrong=$((wrong + 1))
            log "round $r: the build made a different set of objects"
        fi
        while read -r f; do
            cmp -s "$WORK/reference/$f" "$GT/$f" || { wrong=$((wrong + 1)); log "round $r: $f differs"; }
        done <"$WORK/reference.list"
    fi

    # The killed runner: what its state directory still holds is the kill's, not a leak.
    orphaned=0
    if [ "$killed" = during ]; then
        { wait "${PID[$victim]}" || true; } 2>/dev/null
        PID[$victim]=
        for dir in "$(runner_tmp "$victim")"/ferryd-*; do
            [ -d "$dir" ] || continue
            orphaned=$((orphaned + $(count_entries "$dir/jobs")))
        done
        # A compiler the killed runner started may still be writing into its job directory.
        sleep 0.2
        rm -rf "$(runner_tmp "$victim")"
        start_runner "$victim"
    fi

    [ $rc -eq 0 ] || { FAILED=$((FAILED + 1)); log "round $r: make exited $rc"; tail -20 "$rlog" >&2; }
    LEAKED=$((LEAKED + leaked))
    LEFTOVER=$((LEFTOVER + left))
    ORPHANED=$((ORPHANED + orphaned))
    MISMATCHED=$((MISMATCHED + wrong))
    line="round $r: ${elapsed}s exit=$rc killed=$([ -n "$killed" ] && echo "$victim@${kill_ms}ms with $in_flight job(s) in flight" || echo "none (the build ended before ${kill_ms}ms)") leaked=$leaked leftover=$left orphaned=$orphaned differing=$wrong"
    ROUND_LINES+=("$line")
    log "$line"
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
MEDIAN=$(printf '%s\n' "${TIMES[@]}" | median)
OBJECTS=$(wc -l <"$WORK/reference.list")

SUMMARY=$(
    cat <<EOF
rounds:                    $ROUNDS
kills during the build:    $KILLS_DURING ($KILLS_BUSY of them with jobs in flight on the killed runner)
failed builds:             $FAILED
leaked tokens:             $LEAKED
leftover files:            $LEFTOVER
objects differing:         $MISMATCHED (of $OBJECTS per round)
rounds without full cluster at start: $NOT_UP
orphaned by the kills:     $ORPHANED entries in killed runners' job directories (removed by the script)
median build time:         ${MEDIAN}s (reference make -j$CPUS without ferry: ${REF_SECONDS}s; warm-up through ferry: ${WARM_MS} ms)
EOF
)
echo "$SUMMARY"

{
    echo "# Soak: googletest built $ROUNDS times, a runner SIGKILLed during each build"
    echo
    echo "Produced by: \`$COMMAND_LINE\` on $(date -u +%Y-%m-%d)"
    echo "Machine: $CPUS CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with"
    echo "other work; $(make --version | head -1), $(g++ --version | head -1), googletest from"
    echo "Debian's package, CMAKE_BUILD_TYPE=$BUILD_TYPE, Unix Makefiles, samples $SAMPLES."
    echo "Cluster: \`FERRY_HOSTS=\"$FERRY_HOSTS\"\`, two ferryd on loopback with their own TMPDIR;"
    echo "\`ferry make -C <build>\` without -j, so the pool (and its leak count) is ferry's."
    echo
    echo '```'
    echo "$SUMMARY"
    echo '```'
    echo
    echo "What counts (see the header of run.sh): a leftover file is a job directory still in a"
    echo "live runner's TMPDIR after the build, anything in the client's TMPDIR, or a"
    echo "\`*.ferry-tmp-*\` file in the build tree. The SIGKILLed runner's state directory cannot be"
    echo "cleaned by anyone but an operator; its job directories are counted as \"orphaned by the"
    echo "kills\" and removed by the script before that runner is restarted. Objects and archives"
    echo "are compared byte for byte with a reference build made in the same directory without ferry."
    echo
    echo "<details><summary>Every round</summary>"
    echo
    echo '```'
    printf '%s\n' "${ROUND_LINES[@]}"
    echo '```'
    echo
    echo "</details>"
} >"$HERE/RESULTS.md"

[ $FAILED -eq 0 ] && [ $LEAKED -eq 0 ] && [ $LEFTOVER -eq 0 ] && [ $MISMATCHED -eq 0 ]
}

main "$@"
