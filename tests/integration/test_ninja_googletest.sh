#!/usr/bin/env bash
# `ferry ninja` on a real CMake project: googletest's sources from Debian's googletest package.
# The cluster here has 4 slots (two runners with 1 each, 2 local): googletest's four
# translation units compile all at once — ninja runs at the cluster's capacity, not at the 2
# local slots — on the runners, and every object is byte-identical to a plain local build.
# (Links within the local slots: test_ninja_cmake.sh.)
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have ninja || skip "no ninja"
have cmake || skip "no cmake"
GTEST_SRC=/usr/src/googletest
[ -f "$GTEST_SRC/CMakeLists.txt" ] || skip "no $GTEST_SRC (Debian's googletest package)"
start_ferryd 127.0.0.6
start_ferryd 127.0.0.7
export FERRY_HOSTS="localhost/2 127.0.0.6:$PORT/1 127.0.0.7:$PORT/1"

# The same source tree configured twice at the same path, once plain and once through ferry,
# so the objects can be compared byte for byte.
configure() { # extra cmake args...
    rm -rf "$TEST_TMP/build"
    cmake -S "$GTEST_SRC" -B "$TEST_TMP/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug "$@" \
        >"$TEST_TMP/cmake.log" 2>&1 || fail "cmake failed: $(tail -20 "$TEST_TMP/cmake.log")"
}
objects() { (cd "$TEST_TMP/build" && find . -name '*.o' | sort); }

note "plain local build"
configure
ninja -C "$TEST_TMP/build" >"$TEST_TMP/local.log" 2>&1 || fail "local build failed: $(tail -20 "$TEST_TMP/local.log")"
keep_objects "$TEST_TMP/build" "$TEST_TMP/ref"
[ "$(objects | wc -l)" -ge 4 ] || fail "googletest built fewer than 4 objects: $(objects)"

note "through ferry ninja"
configure "-DCMAKE_CXX_COMPILER_LAUNCHER=$STAMP;$STAMPS;compile;0;$FERRY" \
    -DCMAKE_JOB_POOL_LINK=ferry_local
timeout 240 "$FERRY" ninja -C "$TEST_TMP/build" >"$TEST_TMP/ferry.log" 2>&1 ||
    fail "ferry ninja failed: $(tail -30 "$TEST_TMP/ferry.log")"
assert_objects_identical "$TEST_TMP/ref" "$TEST_TMP/build" "googletest"
n=$OBJECTS
note "$n objects identical; runners ran $(total_jobs_done 127.0.0.6 127.0.0.7) jobs"
[ "$(total_jobs_done 127.0.0.6 127.0.0.7)" -ge "$n" ] || fail "not every compile ran on a runner"
grep '^[SE] .* compile-' "$STAMPS" >"$TEST_TMP/compiles"
compiles=$("$FIX/max_overlap.sh" "$TEST_TMP/compiles")
note "compiles at once: $compiles (local slots: 2)"
assert_eq 4 "$n" "googletest's translation units"
assert_eq 4 "$compiles" "googletest compiles at once (the cluster has 4 slots, 2 of them local)"
pass
