#!/usr/bin/env bash
# Issue 2: a compile error from a runner gives exactly the local stderr and exit status, for C
# and C++ (a long template diagnostic), with warnings and a #warning from the preprocessor;
# the job is not retried elsewhere and not recompiled locally.
source "$(dirname "$0")/lib.sh"
ferry_test_init
setup_core_project
start_core_runners

for cc in gcc clang; do
    cxx=g++
    [ $cc = clang ] && cxx=clang++
    before=$(total_jobs_done 127.0.0.2 127.0.0.3)
    compile_both $cc "-Wall -I$PROJ/include" src/error.c build/error.o
    [ "$FERRY_RC" -ne 0 ] || fail "$cc: error.c compiled"
    assert_contains "$TEST_TMP/ferry.err" "undeclared_identifier" "$cc diagnostic"
    assert_contains "$TEST_TMP/ferry.err" "a preprocessor warning" "$cc #warning"
    # The include of util.h came from an absolute -I: the path must read as on the client.
    compile_both $cxx "-Wall" src/error.cpp build/error.o
    [ "$FERRY_RC" -ne 0 ] || fail "$cxx: error.cpp compiled"
    compile_both $cc "-Wall -Wextra" src/warn.c build/warn.o
    assert_eq 0 "$FERRY_RC" "$cc warn.c status"
    assert_contains "$TEST_TMP/ferry.err" "unused_variable" "$cc warning text"
    after=$(total_jobs_done 127.0.0.2 127.0.0.3)
    # Three compiles, each run exactly once on a runner: errors are answers, not failures.
    assert_eq 3 $((after - before)) "$cc: runner jobs for three compiles"
done
pass
