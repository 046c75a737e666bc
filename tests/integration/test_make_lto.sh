#!/usr/bin/env bash
# A jobserver-aware compiler under the pool: gcc -flto=jobserver links through ferry make.
# gcc's lto-wrapper runs its LTRANS jobs with `make -f x.mk all` when it finds a usable
# jobserver and with `make -f x.mk -jN all` when it does not: the first is what we want.
# Also run with make 4.4.1 (test_make_lto.make44).
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have gcc || skip "no gcc"
two_runners
# make >= 4.4 (test_make_lto.make44) makes a fifo by default, and gcc 12's lto-wrapper reads
# only a pipe's --jobserver-auth=R,W: such a build asks for the pipe (docs/jobserver.md).
style=()
! make_at_least_44 || style=(--jobserver-style=pipe)
# The link run by plain gcc, then through the wrapper (CC="ferry gcc" links too: its local
# run must keep make's jobserver pipe open for gcc).
for link in gcc "$FERRY gcc"; do
    note "link: $link"
    rm -rf "$TEST_TMP/proj"
    cp -r "$FIX/lto" "$TEST_TMP/proj"
    timeout 120 "$FERRY" make "${style[@]}" -C "$TEST_TMP/proj" LTO_LINK="$link" >"$TEST_TMP/make.log" 2>&1 ||
        fail "ferry make failed: $(tail -30 "$TEST_TMP/make.log"; cat "$TEST_TMP/proj/link.log")"
    "$TEST_TMP/proj/prog" || fail "the LTO program does not run correctly (status $?)"
    ltrans=$(grep -E '^make -f .*\.mk' "$TEST_TMP/proj/link.log" | head -1)
    [ -n "$ltrans" ] || fail "lto-wrapper ran no parallel LTRANS step: $(cat "$TEST_TMP/proj/link.log")"
    [[ "$ltrans" =~ -j ]] && fail "lto-wrapper did not find the jobserver ($link): $ltrans"
    grep -qi "jobserver is not available" "$TEST_TMP/proj/link.log" && fail "gcc: jobserver not available ($link)"
    assert_tokens_back
done
pass
