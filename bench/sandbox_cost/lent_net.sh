#!/usr/bin/env bash
# The machine's CPU per sandbox entry with a network namespace made for the job against one
# lent to it (remote/runner/net_namespace.hpp; docs/sandbox.md, "the network"). A network
# namespace is torn down in a kernel worker after its last process exits, which no process of
# ferryd is charged for: so this counts the whole machine's busy time (/proc/stat: user, nice,
# system, irq, softirq) over blocks of calls, then waits for the deferred work before reading
# it again. Each call is what a job's trampoline does: `ferryd-exec --sandbox ROOT / TMP 0
# [--join-net] --exec-with-limits ... /usr/bin/true` (no output directory, so no overlay:
# the same in both). The lent namespace is made once, as ferryd makes its own at start-up (a
# user namespace mapping the user's ids to themselves, with a network namespace), here by
# util-linux unshare in a process that holds it; the loop opens its namespaces as fds 3 and 4. The two kinds alternate by
# block, each block N calls; the figures are per call, medians of the blocks.
# Usage: bench/sandbox_cost/lent_net.sh [BLOCKS] [CALLS] [BUILD_DIR]   (default 11, 200, build/rel)
# With BASE_EXEC=<another ferryd-exec> in the environment it compares that binary (kind
# "base") with the build's ("new"), both joining the lent namespace: two builds of the
# trampoline side by side.
set -euo pipefail
blocks=${1:-11}
calls=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${3:-$root/build/rel}
EXEC=$build/programs/ferryd/ferryd-exec
[ -x "$EXEC" ] || { echo "build ferryd-exec first (cmake --build $build)"; exit 2; }

tmp=$(mktemp -d /tmp/ferry-lent-net-XXXXXX)
holder=
cleanup() { [ -z "$holder" ] || kill "$holder" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
printf 'int main(void) { return 0; }\n' >"$tmp/true.c"
gcc -O2 -static -o "$tmp/true" "$tmp/true.c"
# The job directory as ferryd lays it out (see run.sh), without an output directory.
job=$tmp/job
mkdir -p "$job/root/dev" "$job/root/.ferry-tmp" "$job/root/.ferry-oldroot" "$job/root/usr/bin"
mkdir -m 700 "$job/tmp"
for d in null zero full random urandom; do : >"$job/root/dev/$d"; done
cp "$tmp/true" "$job/root/usr/bin/true"
as=()
if [ "$(id -u)" = 0 ]; then # ferryd started as root runs as nobody
    chown -R nobody:nogroup "$tmp"
    chmod 755 "$tmp"
    as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
uid=$(${as[@]+"${as[@]}"} id -u) gid=$(${as[@]+"${as[@]}"} id -g)
${as[@]+"${as[@]}"} unshare --user --map-user="$uid" --map-group="$gid" --net sleep 100000 &
holder=$!
for _ in $(seq 50); do
    [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.1
done

limits="--exec-with-limits 300 4294967296 1073741824"
words="--sandbox $job/root / $job/tmp 0"
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
hz=$(getconf CLK_TCK)
kinds=(new lent)
[ -z "${BASE_EXEC:-}" ] || kinds=(new base)
block() { # KIND: one block of calls, prints "cpu_ms_per_call wall_ms_per_call"
    local join= exec=$EXEC
    [ "$1" = lent ] && join=--join-net
    [ -z "${BASE_EXEC:-}" ] || join=--join-net
    [ "$1" = base ] && exec=$BASE_EXEC
    local b0 w0 b1 w1
    b0=$(busy)
    w0=$(date +%s%N)
    ${as[@]+"${as[@]}"} bash -c '
        exec 3</proc/'"$holder"'/ns/user 4</proc/'"$holder"'/ns/net
        for ((i = 0; i < '"$calls"'; i++)); do
            "$0" '"$words $join $limits"' /usr/bin/true -- true || exit 1
        done' "$exec"
    w1=$(date +%s%N)
    sleep 1 # the namespaces' deferred teardown
    b1=$(busy)
    awk -v b="$((b1 - b0))" -v hz="$hz" -v n="$calls" -v w="$((w1 - w0))" \
        'BEGIN { printf "%.3f %.3f\n", b * 1000 / hz / n, w / 1e6 / n }'
}
echo "kernel $(uname -r), $(nproc) CPUs, user $(${as[@]+"${as[@]}"} id -un), $blocks blocks of $calls calls each, alternating"
declare -A cpu wall
for ((r = 0; r < blocks; r++)); do
    if ((r % 2)); then order="${kinds[1]} ${kinds[0]}"; else order="${kinds[*]}"; fi
    for kind in $order; do
        read -r c w <<<"$(block "$kind")"
        cpu[$kind]+="$c "
        wall[$kind]+="$w "
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for kind in "${kinds[@]}"; do
    printf '%-5s machine CPU per call %s ms (blocks: %s); wall per call %s ms\n' "$kind" \
        "$(echo "${cpu[$kind]}" | median)" "${cpu[$kind]}" "$(echo "${wall[$kind]}" | median)"
done
