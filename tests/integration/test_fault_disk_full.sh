#!/usr/bin/env bash
# Issue 4, a runner whose disk is full: ferryd with --limit-file-size 1 (RLIMIT_FSIZE of 1 MiB
# on every compile) gets a source whose assembly and object are larger than that. The compile
# dies there of SIGXFSZ; that is the runner's failure, not the user's compile error: the build
# succeeds with the object compiled locally, identical, with one warning line, and the runner
# keeps compiling the small files.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
A=127.0.0.51
fault_project 8
# About 1.6 MiB of initialised data: the object is over the limit, and so is cc1's assembly.
{
    echo 'const int big_table[400000] = {'
    seq 1 400000 | paste -sd, -
    echo '};'
} >"$FPROJ/src/big.c"
fault_reference
[ "$(stat -c %s "$TEST_TMP/ref/big.o")" -gt $((1 << 20)) ] || fail "big.o is not over 1 MiB"
fault_start_ferryd $A --limit-file-size 1
fault_hosts_toml $A

note "a compile over the runner's file size limit"
fault_build full
fault_check_build full 1 r-$A
clog=$(coordinator_log)
grep -q "big.o: local" "$clog" || fail "big.o was not compiled locally: $(grep big.o "$clog")"
grep -q 'file size limit\|File size limit' "$clog" ||
    fail "the coordinator did not see the file size limit: $(grep -i 'big\|r-127' "$clog")"
remote=$(status_field jobs.remote)
[ "$remote" -ge 1 ] || fail "the runner compiled nothing"
note "$remote job(s) compiled on the runner, big.o locally"
fault_wait_runner_idle $A 10
stop_ferryd $A
fault_assert_runner_tmp_empty $A
pass
