#!/usr/bin/env bash
# A fuzzing campaign by hand (not CI): runs one libFuzzer target for SECONDS on a scratch corpus
# in /tmp seeded with the committed corpus, niced and on one core, because the build machine is
# shared. The committed seeds are only read; merge what is worth keeping with -merge=1 afterwards.
#   tests/fuzz/campaign.sh BUILD_DIR TARGET [SECONDS [FLAGS...]]    e.g. build-fuzz fuzz_frame 300
# FLAGS go to libFuzzer as they are (-timeout=10: a slow input is a finding too).
set -euo pipefail

build=${1:?build dir (configured with -DFERRY_FUZZ=ON)}
target=${2:?target, e.g. fuzz_frame}
seconds=${3:-300}
shift $(($# < 3 ? $# : 3))
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
seeds=$source_dir/tests/fuzz/corpus/${target#fuzz_}
work=/tmp/ferry-fuzz/$target
mkdir -p "$work/corpus" "$work/artifacts"

cd "$work"
rm -f fuzz-0.log
start=$(date +%s)
# -jobs=1 -workers=1 runs the fuzzer in a child that logs to fuzz-0.log, so a crash leaves the
# log and the artifact behind while the campaign script itself keeps going.
nice -n 10 "$build/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
  -jobs=1 -workers=1 -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds" \
  >"$work/parent.log" 2>&1 || true
echo "$target: $(($(date +%s) - start)) s wall"
grep -E '^stat::|^#[0-9]+[[:space:]]+(DONE|INITED)|^==[0-9]+==ERROR|^SUMMARY' fuzz-0.log || true
echo "corpus: $(find "$work/corpus" -type f | wc -l) files, $(du -sk "$work/corpus" | cut -f1) KB"
echo "artifacts: $(find "$work/artifacts" -type f | wc -l)"
