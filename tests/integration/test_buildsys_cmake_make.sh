#!/usr/bin/env bash
# CMake with its Unix Makefiles generator on a real project: cJSON, Debian bookworm's source
# (tools/real_projects.sh), with its utils and its tests (unity): 27 objects, as many links.
# `CMAKE_C_COMPILER_LAUNCHER=ferry` and `ferry make` (CMake's recursive makefiles under the
# cluster's pool) build objects byte-identical to a plain build's, every compile on the
# runners, with no warning from ferry and every token back. (CMake with ninja:
# test_ninja_cmake.sh, test_ninja_googletest.sh.)
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have cmake || skip "no cmake"
real_project cjson
BUILD=$TEST_TMP/build

configure() { # extra cmake args...
    rm -rf "$BUILD"
    cmake -S "$REAL_PROJECT" -B "$BUILD" -G "Unix Makefiles" -DENABLE_CJSON_UTILS=ON "$@" \
        >"$TEST_TMP/cmake.log" 2>&1 || fail "cmake failed: $(tail -20 "$TEST_TMP/cmake.log")"
}

note "plain local build"
configure
make -C "$BUILD" -j2 >"$TEST_TMP/plain.log" 2>&1 || fail "plain make failed: $(tail -20 "$TEST_TMP/plain.log")"
keep_objects "$BUILD" "$TEST_TMP/ref"

note "through CMAKE_C_COMPILER_LAUNCHER=ferry and ferry make"
start_core_runners
configure -DCMAKE_C_COMPILER_LAUNCHER="$FERRY"
before=$(remote_counts 127.0.0.2 127.0.0.3)
build_through_ferry "$BUILD" "$TEST_TMP/ref" cJSON "$before" "$FERRY" make
assert_tokens_back
(cd "$BUILD" && ctest --output-on-failure >"$TEST_TMP/ctest.log" 2>&1) ||
    fail "cJSON's own tests fail when built through ferry: $(tail -20 "$TEST_TMP/ctest.log")"
pass
