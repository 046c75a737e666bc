#!/usr/bin/env bash
# Issue 2: with one runner stopped, then both, the build still succeeds with identical objects;
# a runner that comes back is used again.
source "$(dirname "$0")/lib.sh"
ferry_test_init
setup_core_project
start_ferryd 127.0.0.2
start_ferryd 127.0.0.3
# Short backoff so the test sees a runner come back.
cat >"$TEST_TMP/hosts.toml" <<TOML
[client]
backoff_ms = 1000
connect_timeout_ms = 1000
[[runner]]
address = "127.0.0.2"
port = $PORT
slots = 2
[[runner]]
address = "127.0.0.3"
port = $PORT
slots = 2
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
inc="-I$PROJ/include"

compile_both gcc "-O2 -g $inc" src/main.c build/main.o
note "stop runner 127.0.0.3"
stop_ferryd 127.0.0.3
before=$(ferryd_jobs_done 127.0.0.2)
for i in 1 2 3; do
    compile_both gcc "-O2 -g $inc" src/main.c build/main.o
    compile_both g++ "-O2 -g $inc" src/shapes.cpp build/shapes.o
done
after=$(ferryd_jobs_done 127.0.0.2)
[ $((after - before)) -ge 6 ] || fail "the remaining runner ran $((after - before)) of 6 jobs"

note "stop runner 127.0.0.2: everything compiles locally"
kill_ferryd 127.0.0.2
for i in 1 2; do
    (cd "$PROJ" && rm -f build/main.o && LC_ALL=C "$FERRY" gcc -O2 -g $inc -c src/main.c -o build/main.o \
        2>"$TEST_TMP/fallback.err") || fail "fallback compile failed: $(cat "$TEST_TMP/fallback.err")"
    (cd "$PROJ" && gcc -O2 -g $inc -c src/main.c -o "$TEST_TMP/ref/local.o")
    assert_files_identical "$TEST_TMP/ref/local.o" "$PROJ/build/main.o" "object compiled after fallback"
    # At most one warning line per compile, and it names the problem.
    [ "$(wc -l <"$TEST_TMP/fallback.err")" -le 1 ] || fail "more than one warning line: $(cat "$TEST_TMP/fallback.err")"
done

note "restart runner 127.0.0.2: it is used again after its backoff"
start_ferryd 127.0.0.2
before=$(ferryd_jobs_done 127.0.0.2) # a new ferryd: its own count, from 0
sleep 2
used=0
for i in 1 2 3 4 5 6; do
    compile_both gcc "-O2 -g $inc" src/main.c build/main.o
    if [ "$(ferryd_jobs_done 127.0.0.2)" -gt "$before" ]; then used=1; break; fi
    sleep 1
done
[ $used = 1 ] || fail "the restarted runner was never used again"
pass
