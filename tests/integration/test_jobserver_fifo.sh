#!/usr/bin/env bash
# The fifo style (make >= 4.4, ninja >= 1.13; Debian has neither): `ferry run` with
# FERRY_JOBSERVER_STYLE=fifo and a small independent C client, and `ferry ninja` handing the
# fifo to a stand-in for ninja 1.13 (a script that reports 1.13.0 and runs the C client).
# The same clients through the pipe style, for comparison. Concurrency = pool - 1 (the
# command that starts the clients holds the implicit token and does no work).
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
two_runners
build_jsclient
mkdir -p "$TEST_TMP/proj"
cat >"$TEST_TMP/proj/many.sh" <<EOS
for i in \$(seq 1 16); do "$JSCLIENT" "$STAMPS" 300 job\$i || echo "jsclient \$i: \$?" >&2 & done
wait
EOS

for style in fifo pipe; do
    note "ferry run, $style style"
    : >"$STAMPS"
    : >"$FERRY_JOBSERVER_LOG"
    FERRY_JOBSERVER_STYLE=$style timeout 60 "$FERRY" run -- sh "$TEST_TMP/proj/many.sh" \
        >"$TEST_TMP/run.log" 2>&1 || fail "ferry run failed: $(cat "$TEST_TMP/run.log")"
    [ -s "$TEST_TMP/run.log" ] && fail "clients complained: $(cat "$TEST_TMP/run.log")"
    assert_eq 6 "$(pool_size_at_start)" "pool size"
    if [ $style = fifo ]; then
        assert_contains "$FERRY_JOBSERVER_LOG" "--jobserver-auth=fifo:" "fifo auth"
        grep -q -- "--jobserver-fds" "$FERRY_JOBSERVER_LOG" && fail "fifo MAKEFLAGS has -fds"
    fi
    assert_eq 16 "$(grep -c '^E ' "$STAMPS")" "clients that ran"
    assert_eq 5 "$(max_overlap)" "overlap ($style): pool of 6 minus the implicit token"
    assert_tokens_back
    no_jobserver_dirs
done

note "ferry ninja with a ninja that says 1.13: the fifo, no -j"
mkdir -p "$TEST_TMP/bin"
cat >"$TEST_TMP/bin/ninja" <<EOS
#!/bin/sh
if [ "\$1" = --version ]; then echo 1.13.0; exit 0; fi
echo "args: \$*" > "$TEST_TMP/ninja-args"
echo "\$MAKEFLAGS" > "$TEST_TMP/ninja-makeflags"
exec sh "$TEST_TMP/proj/many.sh"
EOS
chmod +x "$TEST_TMP/bin/ninja"
: >"$STAMPS"
: >"$FERRY_JOBSERVER_LOG"
PATH="$TEST_TMP/bin:$PATH" timeout 60 "$FERRY" ninja -C "$TEST_TMP/proj" all \
    >"$TEST_TMP/ninja.log" 2>&1 || fail "ferry ninja failed: $(cat "$TEST_TMP/ninja.log")"
assert_eq "args: -C $TEST_TMP/proj all" "$(cat "$TEST_TMP/ninja-args")" "ninja's arguments"
assert_contains "$TEST_TMP/ninja-makeflags" "--jobserver-auth=fifo:" "ninja 1.13 gets the fifo"
assert_eq 5 "$(max_overlap)" "overlap under ninja 1.13's pool"
assert_tokens_back
no_jobserver_dirs
pass
