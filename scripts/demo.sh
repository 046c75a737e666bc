#!/usr/bin/env bash
# ferry's main job on an embedded default: starts the runners hosts.toml.example describes
# (ferryd on 127.0.0.2 and 127.0.0.3), then builds ferry itself through `ferry make`, whose
# jobserver is sized to the cluster, and shows where each job ran.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build/demo
jobs=$(nproc)

echo "== building ferry"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target ferry ferryd
FERRY=$build/programs/ferry/ferry
FERRYD=$build/programs/ferryd/ferryd

tmp=$(mktemp -d /tmp/ferry-demo-XXXXXX)
pids=()
cleanup() {
    "$FERRY" shutdown >/dev/null 2>&1 || true
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR=$tmp/run
mkdir -m 700 "$XDG_RUNTIME_DIR"
export FERRY_HOSTS_FILE=$root/hosts.toml.example

echo "== starting the runners listed in hosts.toml.example"
# Each [[runner]] table's address and port, in order.
awk -F'=' '/^\[\[runner\]\]/{r=1} r&&/^address/{gsub(/[" ]/,"",$2); a=$2} r&&/^port/{gsub(/ /,"",$2); print a":"$2; r=0}' \
    hosts.toml.example >"$tmp/runners"
while read -r runner; do
    "$FERRYD" --listen "$runner" --allow 127.0.0.0/8 --jobs 2 --log-file "$tmp/ferryd-$runner.log" &
    pids+=($!)
    echo "   ferryd --listen $runner --allow 127.0.0.0/8 --jobs 2   (pid $!)"
done <"$tmp/runners"
sleep 1

echo "== building ferry again, through ferry make (Unix Makefiles, CC/CXX = ferry)"
# Without precompiled headers: a compile that would use one runs locally (its .gch is not
# what the scan lists; docs/reproducibility.md), and this build is to show remote jobs.
cmake -S "$root" -B "$tmp/build" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFERRY_PCH=OFF \
    -DBUILD_TESTING=OFF -DCMAKE_C_COMPILER_LAUNCHER="$FERRY" -DCMAKE_CXX_COMPILER_LAUNCHER="$FERRY" >/dev/null
start=$(date +%s)
"$FERRY" make -C "$tmp/build" ferry ferryd
echo "== built in $(($(date +%s) - start)) s; where the jobs ran:"
"$FERRY" status
while read -r runner; do
    echo "   $runner compiled $(grep -c 'job .* exit' "$tmp/ferryd-$runner.log" || true) translation units"
done <"$tmp/runners"
