#!/usr/bin/env bash
# What entering the job sandbox costs per compile: ferryd-exec (our trampoline: user, mount,
# pid, ipc, net and uts namespaces, read-only bind of the mirror as root via pivot_root, an
# overlay on the output directory, /dev nodes and the private tmp bound in) against bubblewrap
# doing the same isolation, against a plain fork+exec, all running the same static `true`.
# Then the namespaces one by one with util-linux `unshare` (is the network namespace the slow
# part on this kernel?). Every figure comes from interleaved rounds (interleave.c: fork, execv,
# waitpid, no shell; each round runs every command once, in a rotating order).
# Usage: bench/sandbox_cost/run.sh [ROUNDS] [BUILD_DIR]   (default 301 rounds, build/rel)
set -euo pipefail
rounds=${1:-301}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${2:-$root/build/rel}
EXEC=$build/programs/ferryd/ferryd-exec
[ -x "$EXEC" ] || { echo "build ferryd-exec first (cmake --build $build)"; exit 2; }
command -v bwrap >/dev/null || { echo "bubblewrap is not installed (apt-get install -y bubblewrap)"; exit 2; }
BWRAP=$(command -v bwrap)
UNSHARE=$(command -v unshare)

tmp=$(mktemp -d /tmp/ferry-sandbox-cost-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# (A sandbox that was still mounted would be in its own mount namespace: nothing to unmount.)

gcc -O2 -o "$tmp/interleave" "$here/interleave.c"
printf 'int main(void) { return 0; }\n' >"$tmp/true.c"
gcc -O2 -static -o "$tmp/true" "$tmp/true.c"

# The job directory exactly as ferryd lays it out (remote/runner/job_root.cpp, sandbox_spec
# and make_sandbox_fixtures; sandbox_setup.cpp, check_sandbox): root/ is the mirror, with
# dev/ holding empty files the device nodes are bound over, the two mount points the
# trampoline needs, and one output directory /w whose overlay upper and work dirs are outside.
job=$tmp/job
mkdir -p "$job/root/dev" "$job/root/.ferry-tmp" "$job/root/.ferry-oldroot" "$job/root/w" \
    "$job/root/usr/bin" "$job/upper/0" "$job/work/0"
mkdir -m 700 "$job/tmp"
for d in null zero full random urandom; do : >"$job/root/dev/$d"; done
cp "$tmp/true" "$job/root/usr/bin/true"
# ferryd started as root runs as nobody (remote/runner/process_setup.cpp); run everything as
# the user ferryd would, so the trampoline maps the same ids.
as=()
if [ "$(id -u)" = 0 ]; then
    chown -R nobody:nogroup "$tmp"
    chmod 755 "$tmp"
    as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi

sandbox_words="--sandbox $job/root / $job/tmp 1 /w $job/upper/0 $job/work/0"
# The same without the output directory: no overlay to mount (and to unmount at exit).
no_overlay_words="--sandbox $job/root / $job/tmp 0"
# ferryd's default limits (300 s CPU, 4 GiB address space, 1 GiB files).
limits="--exec-with-limits 300 4294967296 1073741824"
devs=""
for d in null zero full random urandom; do devs+=" --dev-bind /dev/$d /dev/$d"; done
bw_common="--die-with-parent --ro-bind $job/root /$devs --bind $job/tmp /.ferry-tmp --bind $job/upper/0 /w --chdir /"
T=$tmp/true
# A volatile overlay (what ferryd mounts) leaves a marker in its work directory that makes the
# next mount on it fail; each job has a fresh one, so each call here gets one too. The
# wrapper's own cost is measured alone ("fresh work dir + true") and is to be subtracted.
cat >"$tmp/fresh" <<FRESH
#!/bin/sh
chmod -R u+rwx "$job/work/0" 2>/dev/null; rm -rf "$job/work/0/"* "$job/upper/0/"*
exec "\$@"
FRESH
chmod 755 "$tmp/fresh"
F=$tmp/fresh
cat >"$tmp/spec" <<SPEC
fork+exec true	$T
fork+exec /usr/bin/true	/usr/bin/true
ferryd-exec, unsandboxed	$EXEC $limits $T -- true
fresh work dir + true	$F $T
ferryd-exec --check	$F $EXEC $sandbox_words --check
ferryd-exec sandbox + true	$F $EXEC $sandbox_words $limits /usr/bin/true -- true
ferryd-exec, no overlay + true	$EXEC $no_overlay_words $limits /usr/bin/true -- true
syncfs of the job's fs	$(command -v sync) -f $job/tmp
bwrap (same 5 ns) + true	$BWRAP --unshare-user --unshare-ipc --unshare-pid --unshare-net --unshare-uts $bw_common /usr/bin/true
bwrap --unshare-all + true	$BWRAP --unshare-all $bw_common /usr/bin/true
bwrap, 5 ns, no net + true	$BWRAP --unshare-user --unshare-ipc --unshare-pid --unshare-uts $bw_common /usr/bin/true
SPEC
cat >"$tmp/spec-ns" <<SPEC
unshare -U	$UNSHARE -U $T
unshare -U -m	$UNSHARE -U -m $T
unshare -U -p -f	$UNSHARE -U -p -f $T
unshare -U -i	$UNSHARE -U -i $T
unshare -U -u	$UNSHARE -U -u $T
unshare -U -n	$UNSHARE -U -n $T
unshare -U -m -p -f -i -u	$UNSHARE -U -m -p -f -i -u $T
unshare -U -m -p -f -i -u -n	$UNSHARE -U -m -p -f -i -u -n $T
SPEC
chmod 644 "$tmp/spec" "$tmp/spec-ns"

echo "kernel $(uname -r), $(nproc) CPUs, user $(${as[@]+"${as[@]}"} id -un), $rounds interleaved rounds (20 warm-up)"
echo "== entering the sandbox and running a static true (wall time per call)"
${as[@]+"${as[@]}"} "$tmp/interleave" "$rounds" 20 "$tmp/spec"
echo "== namespaces one by one (util-linux unshare, then the same static true)"
${as[@]+"${as[@]}"} "$tmp/interleave" "$rounds" 20 "$tmp/spec-ns"
if command -v hyperfine >/dev/null; then
    echo "== cross-check with hyperfine -N (not interleaved: all runs of one, then the other)"
    ${as[@]+"${as[@]}"} hyperfine -N --warmup 20 --runs "$rounds" --style none \
        --export-json "$tmp/hf.json" \
        "$UNSHARE -U -m -p -f -i -u $T" "$UNSHARE -U -m -p -f -i -u -n $T" >/dev/null
    jq -r '.results[] | "\(.command | sub(".*/unshare "; "unshare ") | sub(" /.*"; "")): median \(.median * 1e6 | floor) us, mean \(.mean * 1e6 | floor) us"' "$tmp/hf.json"
fi

# The overlay on the output directory is unmounted when the job's mount namespace dies, and
# overlayfs syncs its upper layer's whole file system on that last unmount (ovl_sync_fs ->
# sync_filesystem(upper_sb), skipped only for a `volatile` overlay). With dirty pages on the
# file system ferryd's job directories live on (other jobs' outputs, anything else the host
# writes), that sync lands on the job's wall time. Each round dirties 128 MiB there, then
# times one sandboxed call with the overlay and one without (alternating which goes first).
echo "== with 128 MiB dirty on the job directory's file system ($(df --output=fstype "$job" | tail -1)): one call each, 5 rounds"
once() { local a b; a=$(date +%s%N); ${as[@]+"${as[@]}"} "$@" >/dev/null; b=$(date +%s%N); echo $(((b - a) / 1000)); }
for r in 1 2 3 4 5; do
    dd if=/dev/zero of="$tmp/dirty" bs=1M count=128 status=none
    d0=$(awk '/^Dirty:/ {print $2}' /proc/meminfo)
    if ((r % 2)); then
        with=$(once $F $EXEC $sandbox_words $limits /usr/bin/true -- true)
        d1=$(awk '/^Dirty:/ {print $2}' /proc/meminfo)
        without=$(once $EXEC $no_overlay_words $limits /usr/bin/true -- true)
    else
        without=$(once $EXEC $no_overlay_words $limits /usr/bin/true -- true)
        d1=$(awk '/^Dirty:/ {print $2}' /proc/meminfo)
        with=$(once $F $EXEC $sandbox_words $limits /usr/bin/true -- true)
    fi
    d2=$(awk '/^Dirty:/ {print $2}' /proc/meminfo)
    echo "  round $r: with overlay ${with} us, without ${without} us; Dirty ${d0} kB -> ${d1} kB -> ${d2} kB"
    rm -f "$tmp/dirty"
done
