#!/usr/bin/env bash
# Autotools end to end on a real project: GNU hello, Debian bookworm's source
# (tools/real_projects.sh). `./configure CC="ferry gcc"` writes the same config.h as a plain
# `./configure`, then `ferry make` builds objects byte-identical to a plain build's, every
# compile on the runners, with no warning from ferry and every token back.
#
# What configure's tests do through the wrapper: its `$CC -c conftest.c` compiles
# (AC_COMPILE_IFELSE, AC_CHECK_HEADER's compile half, the sizeof and type probes) are scanned
# here and compiled on a runner, those meant to fail too (a bad type, an undeclared function):
# a compile error from the runner's compiler is the user's answer, status and stderr as is. A
# test whose header is missing fails in the scan and compiles here. Its links
# (`$CC -o conftest conftest.c`: AC_LINK_IFELSE, AC_CHECK_FUNC, AC_RUN_IFELSE) and `-E` runs
# (AC_PREPROC_IFELSE) are not distributable and run here, unchanged. Every answer lands in
# config.h, so config.h is the assertion: one status or diagnostic that differs from the
# compiler's own changes a #define. (Once, on the project's machine: of 204 compile tests, 205
# compiles used from runners, 162 of them speculative starts — conftest.c is the same unit
# again and again — 36 starts unused, 2 sent back after the runner lacked <stdio.h>.)
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have gcc || skip "no gcc"
real_project hello
TREE=$TEST_TMP/hello

note "plain configure and make"
fresh_tree "$REAL_PROJECT" "$TREE"
(cd "$TREE" && ./configure >"$TEST_TMP/plain-configure.log" 2>&1) ||
    fail "plain configure failed: $(tail -20 "$TEST_TMP/plain-configure.log")"
(cd "$TREE" && make -j2 >"$TEST_TMP/plain-make.log" 2>&1) ||
    fail "plain make failed: $(tail -20 "$TEST_TMP/plain-make.log")"
keep_objects "$TREE" "$TEST_TMP/ref"
cp "$TREE/config.h" "$TEST_TMP/config.h.plain"
"$TREE/hello" >"$TEST_TMP/hello.plain" || fail "the plain build's hello does not run"

start_core_runners
fresh_tree "$REAL_PROJECT" "$TREE"
note "configure with CC=\"ferry gcc\""
(cd "$TREE" && ./configure CC="$FERRY gcc" >"$TEST_TMP/configure.log" 2>&1) ||
    fail "configure through ferry failed: $(tail -20 "$TEST_TMP/configure.log")"
diff "$TEST_TMP/config.h.plain" "$TREE/config.h" >"$TEST_TMP/config.h.diff" ||
    fail "config.h differs from a plain configure's: $(head -20 "$TEST_TMP/config.h.diff")"
assert_quiet_build "$TEST_TMP/configure.log" "configure"
before=$(remote_counts 127.0.0.2 127.0.0.3)
compiles=$(grep -c "^configure:[0-9]*: $FERRY gcc -c " "$TREE/config.log" || true)
note "config.h identical; $(cut -d' ' -f1 <<<"$before") compiles ran on the runners (config.log: $compiles \$CC -c lines)"
[ "$(cut -d' ' -f1 <<<"$before")" -gt 0 ] || fail "none of configure's $compiles compile tests ran on a runner"

build_through_ferry "$TREE" "$TEST_TMP/ref" hello "$before" "$FERRY" make
assert_tokens_back
"$TREE/hello" >"$TEST_TMP/hello.ferry" || fail "hello built through ferry does not run"
assert_files_identical "$TEST_TMP/hello.plain" "$TEST_TMP/hello.ferry" "hello's greeting"
pass
