#!/usr/bin/env bash
# A build's jobserver lends a token for each wrapper waiting for a local slot
# (integrations/make/capacity.hpp). Assembler files compile here: with one local slot, make's
# jobs queue on it while holding every token of the pool (2 runner slots + 1 local), and the
# runner idles. The pool grows by one token for each waiter, up to the runners' slots, so make
# can start more jobs meanwhile, and shrinks back as the waits end. Every object is
# byte-identical to a local one, and every token comes back.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have gcc || skip "no gcc"
start_ferryd 127.0.0.6
cat >"$TEST_TMP/hosts.toml" <<TOML
[client]
local_slots = 1
[[runner]]
address = "127.0.0.6"
port = $PORT
slots = 2
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"

P="$TEST_TMP/proj"
mkdir -p "$P" "$TEST_TMP/ref"
OBJS=""
for i in 1 2 3 4 5 6 7 8; do
    # About a second of the assembler each on this machine: the last two, while fewer than two
    # jobs wait, outlast a poll of the capacity (once a second).
    printf '.data\n.rept %d\n.byte %d\n.endr\n' $((4500000 + i)) "$i" >"$P/slow$i.s"
    OBJS="$OBJS slow$i.o"
done
printf 'all:%s\n%%.o: %%.s\n\t$(CC) -c $< -o $@\n' "$OBJS" >"$P/Makefile"

"$FERRY" make -C "$P" CC="$FERRY gcc" >"$TEST_TMP/build.log" 2>&1 ||
    fail "the build failed: $(tail -5 "$TEST_TMP/build.log")"
note "jobserver log: $(grep -E ' start | resize ' "$FERRY_JOBSERVER_LOG" | tr '\n' '|')"
assert_eq 3 "$(pool_size_at_start)" "pool at the start (2 runner slots + 1 local)"
# One step or two: a slow wrapper (ASan) may be the only one waiting at the first poll.
grep -qE 'resize [34] -> [45] remote=2 local=1 lent=[12] ' "$FERRY_JOBSERVER_LOG" ||
    fail "no token was lent while jobs waited for the local slot: $(cat "$FERRY_JOBSERVER_LOG")"
grep -qE 'resize [0-9]+ -> 5 remote=2 local=1 lent=2 ' "$FERRY_JOBSERVER_LOG" ||
    fail "the loan never reached the runners' two slots: $(cat "$FERRY_JOBSERVER_LOG")"
! grep -qE 'resize [0-9]+ -> ([6-9]|[1-9][0-9]+) ' "$FERRY_JOBSERVER_LOG" ||
    fail "more tokens lent than the runners have slots: $(cat "$FERRY_JOBSERVER_LOG")"
grep -qE 'resize 5 -> [34] remote=2 local=1 lent=[01] ' "$FERRY_JOBSERVER_LOG" ||
    fail "the lent tokens were not taken back as the waits ended: $(cat "$FERRY_JOBSERVER_LOG")"
assert_tokens_back
for i in 1 2 3 4 5 6 7 8; do
    (cd "$P" && gcc -c "slow$i.s" -o "$TEST_TMP/ref/slow$i.o") || fail "local gcc failed"
    assert_files_identical "$TEST_TMP/ref/slow$i.o" "$P/slow$i.o" "slow$i.o"
done
pass
