#!/usr/bin/env bash
# Queue ahead (integrations/make/capacity.hpp, coordinator/scheduler.hpp): while the runner's
# slots are busy the build's jobserver holds a token more for each, so make starts compiles
# that wait in the coordinator's queue, and the queue sends the longest expected one first —
# here a unit that make reaches last but whose input is a thousand times larger (a unit never
# compiled is ranked by its input bytes). With a FIFO queue, or without the extra tokens (the
# queue never holds a choice), it would start last. The pool shrinks back as the runner
# empties, every token comes back, every object is byte-identical to g++'s own.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
have g++ || skip "no g++"
have python3 || skip "no python3"
start_ferryd 127.0.0.47
cat >"$TEST_TMP/hosts.toml" <<TOML
[client]
local_slots = 1
# Every compile must wait for the runner: none is taken by this machine's idle CPU.
local_when_idle = false
backups = false
queue_ahead = 1
[[runner]]
address = "127.0.0.47"
port = $PORT
slots = 2
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
unset FERRY_QUEUE_AHEAD

P="$TEST_TMP/proj"
mkdir -p "$P" "$TEST_TMP/ref"
# Six units of two or three seconds each (more than a poll of the capacity: the pool grows
# while the first two run), then the big one, last in make's order: the same loop, with 300 KB of
# comment that costs the compiler nothing but ranks it first among units never compiled.
UNITS="s1 s2 s3 s4 s5 s6 big"
for u in $UNITS; do write_spin_unit "$P/$u.cc" $((700000 + ${#u})); done
python3 -c 'import sys; sys.stdout.write("// padding\n" * 30000)' >>"$P/big.cc"
OBJS=""
for u in $UNITS; do OBJS="$OBJS $u.o"; done
printf 'all:%s\n%%.o: %%.cc\n\t$(CXX) $(SPIN) -c $< -o $@\n' "$OBJS" >"$P/Makefile"

(cd "$P" && timeout 240 "$FERRY" make --trace "$TEST_TMP/trace.json" CXX="$FERRY g++" \
    SPIN="${SPIN_FLAGS[*]}") >"$TEST_TMP/build.log" 2>&1 ||
    fail "the build failed: $(tail -5 "$TEST_TMP/build.log")"
note "jobserver log: $(grep -E ' start | resize ' "$FERRY_JOBSERVER_LOG" | tr '\n' '|')"
assert_eq 3 "$(pool_size_at_start)" "pool at the start (2 runner slots + 1 local)"
grep -qE 'resize [0-9]+ -> 5 remote=2 local=1 lent=0 reachable=1 ahead=2$' "$FERRY_JOBSERVER_LOG" ||
    fail "no token went ahead for each busy runner slot: $(cat "$FERRY_JOBSERVER_LOG")"
! grep -qE 'resize [0-9]+ -> ([6-9]|[1-9][0-9]+) ' "$FERRY_JOBSERVER_LOG" ||
    fail "more tokens than the slots and one ahead for each: $(cat "$FERRY_JOBSERVER_LOG")"
grep -qE 'resize [45] -> [34] .* ahead=[01]$' "$FERRY_JOBSERVER_LOG" ||
    fail "the tokens ahead were not taken back as the runner emptied: $(cat "$FERRY_JOBSERVER_LOG")"
assert_tokens_back

# The order the runner got the jobs in: each source's first send or compile in the trace.
python3 - "$TEST_TMP/trace.json" >"$TEST_TMP/order" <<'PY' || fail "trace: $(cat "$TEST_TMP/order")"
import json, os, sys
first = {}
for e in json.load(open(sys.argv[1]))["traceEvents"]:
    if e.get("ph") == "X" and e.get("cat") in ("send", "compile"):
        name = os.path.splitext(os.path.basename(e["name"]))[0]
        first[name] = min(first.get(name, e["ts"]), e["ts"])
print(" ".join(sorted(first, key=first.get)))
PY
order=$(cat "$TEST_TMP/order")
note "dispatch order: $order"
for u in $UNITS; do [[ " $order " == *" $u "* ]] || fail "$u never went to the runner: $order"; done
# Make starts it last, so it can only go before another unit by overtaking one in the queue
# (which of the small ones wait with it depends on when their scans end).
[ "${order##* }" != big ] ||
    fail "the largest unit went to the runner last, after the smaller ones queued before it: $order"

for u in $UNITS; do
    (cd "$P" && g++ "${SPIN_FLAGS[@]}" -c "$u.cc" -o "$TEST_TMP/ref/$u.o") || fail "local g++ failed"
    assert_files_identical "$TEST_TMP/ref/$u.o" "$P/$u.o" "$u.o"
done
pass
