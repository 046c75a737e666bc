#!/usr/bin/env bash
# meson with its ninja on a real project: GNU FriBidi, Debian bookworm's source
# (tools/real_projects.sh), built by its meson.build: table generators compiled, run, and
# their tables compiled into the library, its command-line tools and tests. `CC="ferry gcc"
# meson setup` (meson takes a compiler command of several words from $CC) writes the same
# config.h as a plain setup — meson's compiler checks (has_header, has_function...) run through
# the wrapper, their compiles on the runners — and `ferry ninja` builds objects byte-identical
# to a plain build's, every compile on the runners, with no warning from ferry.
source "$(dirname "$0")/lib.sh"
ferry_test_init
have meson || skip "no meson"
have ninja || skip "no ninja"
have gcc || skip "no gcc"
real_project fribidi
BUILD=$TEST_TMP/build

setup() { # CC value
    rm -rf "$BUILD"
    CC=$1 meson setup "$BUILD" "$REAL_PROJECT" -Ddocs=false >"$TEST_TMP/meson.log" 2>&1 ||
        fail "meson setup with CC=$1 failed: $(tail -20 "$TEST_TMP/meson.log")"
}

note "plain meson setup and ninja"
setup gcc
ninja -C "$BUILD" -j2 >"$TEST_TMP/plain.log" 2>&1 || fail "plain ninja failed: $(tail -20 "$TEST_TMP/plain.log")"
keep_objects "$BUILD" "$TEST_TMP/ref"
cp "$BUILD/config.h" "$TEST_TMP/config.h.plain"

start_core_runners
note "CC=\"ferry gcc\" meson setup"
setup "$FERRY gcc"
diff "$TEST_TMP/config.h.plain" "$BUILD/config.h" >"$TEST_TMP/config.h.diff" ||
    fail "config.h differs from a plain setup's: $(head -20 "$TEST_TMP/config.h.diff")"
assert_quiet_build "$TEST_TMP/meson.log" "meson setup"
before=$(remote_counts 127.0.0.2 127.0.0.3)
note "config.h identical; $(cut -d' ' -f1 <<<"$before") of meson's compiler checks ran on the runners"
[ "$(cut -d' ' -f1 <<<"$before")" -gt 0 ] || fail "none of meson's compiler checks ran on a runner"

build_through_ferry "$BUILD" "$TEST_TMP/ref" FriBidi "$before" "$FERRY" ninja
pass
