#!/usr/bin/env bash
# `ferry ninja` with Debian's ninja 1.11 (no jobserver client) on a CMake project: compiles
# reach the cluster's capacity with a compile queued ahead for each runner slot (-j = 6 + 4
# with FERRY_QUEUE_AHEAD=1, capacity.hpp's queue_ahead; with FERRY_QUEUE_AHEAD=0, -j = 6),
# links stay within the local slots (pool ferry_local, depth 2), CMake's regeneration still
# works through the wrapper manifest.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have ninja || skip "no ninja"
have cmake || skip "no cmake"
two_runners
cp -r "$FIX/cmake_project" "$TEST_TMP/proj"
# Compiles: stamp 1 s around ferry; links: stamp 1 s around the real link.
cmake -S "$TEST_TMP/proj" -B "$TEST_TMP/proj/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_C_COMPILER_LAUNCHER=$STAMP;$STAMPS;compile;1;$FERRY" \
    "-DCMAKE_C_LINKER_LAUNCHER=$STAMP;$STAMPS;link;1" \
    -DCMAKE_JOB_POOL_LINK=ferry_local >"$TEST_TMP/cmake.log" 2>&1 ||
    fail "cmake failed: $(cat "$TEST_TMP/cmake.log")"
FERRY_QUEUE_AHEAD=1 timeout 120 "$FERRY" ninja -C "$TEST_TMP/proj/build" >"$TEST_TMP/ninja.log" 2>&1 ||
    fail "ferry ninja failed: $(tail -30 "$TEST_TMP/ninja.log")"
for p in 1 2 3 4; do "$TEST_TMP/proj/build/prog$p" || fail "prog$p does not run"; done
assert_contains "$TEST_TMP/proj/build/.ferry.ninja" "depth = 2" "ferry_local depth = local slots"
grep '^S .* compile-' "$STAMPS" >"$TEST_TMP/compiles"
grep '^E .* compile-' "$STAMPS" >>"$TEST_TMP/compiles"
grep '^[SE] .* link-' "$STAMPS" >"$TEST_TMP/links"
assert_eq 4 "$(grep -c '^E' "$TEST_TMP/links")" "links"
compiles=$("$FIX/max_overlap.sh" "$TEST_TMP/compiles")
links=$("$FIX/max_overlap.sh" "$TEST_TMP/links")
note "overlap: compiles $compiles, links $links"
assert_eq 10 "$compiles" "compiles at the cluster's capacity and one ahead per runner slot"
assert_eq 2 "$links" "links within the local slots"

note "FERRY_QUEUE_AHEAD=0: -j is the cluster's capacity"
find "$TEST_TMP/proj/build" -name '*.o' -delete
: >"$STAMPS"
FERRY_QUEUE_AHEAD=0 timeout 120 "$FERRY" ninja -C "$TEST_TMP/proj/build" >"$TEST_TMP/ninja0.log" 2>&1 ||
    fail "ferry ninja with FERRY_QUEUE_AHEAD=0 failed: $(tail -30 "$TEST_TMP/ninja0.log")"
grep '^[SE] .* compile-' "$STAMPS" >"$TEST_TMP/compiles0"
assert_eq 6 "$("$FIX/max_overlap.sh" "$TEST_TMP/compiles0")" "compiles at the cluster's capacity"

note "CMake's regeneration through the wrapper"
echo "# touched" >>"$TEST_TMP/proj/CMakeLists.txt"
timeout 120 "$FERRY" ninja -C "$TEST_TMP/proj/build" >"$TEST_TMP/regen.log" 2>&1 ||
    fail "ferry ninja after touching CMakeLists.txt failed: $(tail -30 "$TEST_TMP/regen.log")"
assert_contains "$TEST_TMP/regen.log" "Re-running CMake" "cmake re-ran"
pass
