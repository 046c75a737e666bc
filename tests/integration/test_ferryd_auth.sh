#!/usr/bin/env bash
# Shared-secret authentication (docs/security.md): a runner started with --key-file serves
# only clients that prove they hold the key, and proves it holds it too. A client without the
# key, or with another one, is refused with a log line on the runner, and its build still
# succeeds locally with identical objects and one warning line. Key files others can read are
# refused on both sides. The exchange is also driven directly with ferry_probe: right key,
# no key, wrong key, a replayed answer, garbage.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
ferry_test_init
setup_core_project
A=127.0.0.6 # with a key
B=127.0.0.7 # without one
KEY="$TEST_TMP/ferry.key"
OTHER="$TEST_TMP/other.key"

note "ferry keygen writes a private key and never overwrites one"
"$FERRY" keygen "$KEY" 2>"$TEST_TMP/keygen.err" || fail "keygen failed: $(cat "$TEST_TMP/keygen.err")"
assert_eq 600 "$(stat -c %a "$KEY")" "mode of a new key file"
grep -Eqx '[0-9a-f]{64}' "$KEY" || fail "the key file is not 64 hex digits: $(cat "$KEY")"
cp "$KEY" "$TEST_TMP/key.before"
rc=0
"$FERRY" keygen "$KEY" 2>"$TEST_TMP/keygen2.err" || rc=$?
[ "$rc" -ne 0 ] || fail "keygen overwrote an existing key"
assert_contains "$TEST_TMP/keygen2.err" "already exists"
assert_files_identical "$TEST_TMP/key.before" "$KEY" "the key after a refused keygen"
"$FERRY" keygen "$OTHER" 2>/dev/null

note "ferryd refuses a key file others can read"
cp "$KEY" "$TEST_TMP/open.key"
chmod 0644 "$TEST_TMP/open.key"
rc=0
"$FERRYD" --listen "$A:$PORT" --key-file "$TEST_TMP/open.key" 2>"$TEST_TMP/open.err" || rc=$?
assert_eq 2 "$rc" "exit status of ferryd with a 0644 key file"
assert_contains "$TEST_TMP/open.err" "key file $TEST_TMP/open.key is accessible by group or others (mode 0644)"
assert_contains "$TEST_TMP/open.err" "chmod 600"
echo "not a key" >"$TEST_TMP/bad.key"
chmod 0600 "$TEST_TMP/bad.key"
rc=0
"$FERRYD" --listen "$A:$PORT" --key-file "$TEST_TMP/bad.key" 2>"$TEST_TMP/bad.err" || rc=$?
assert_eq 2 "$rc" "exit status of ferryd with a malformed key file"
assert_contains "$TEST_TMP/bad.err" "key file $TEST_TMP/bad.key: expected 64 hex digits"

start_ferryd $A --name keyed --key-file "$KEY"
start_ferryd $B --name open

note "the exchange, driven by ferry_probe"
FERRY_PROBE_KEY_FILE="$KEY" FERRY_PROBE_SHOW_AUTH=1 probe hello "$A:$PORT" >"$TEST_TMP/right.txt" ||
    fail "the right key was refused: $(cat "$TEST_TMP/right.txt")"
assert_contains "$TEST_TMP/right.txt" "authenticated"
assert_contains "$TEST_TMP/right.txt" "runner keyed slots 2"
# The key itself never crosses the wire, in either direction.
if grep -qF "$(cat "$KEY")" "$TEST_TMP/right.txt"; then fail "the key appeared in the exchange"; fi
assert_contains "$(ferryd_log $A)" "client 'ferry_probe' connected (authenticated)"
assert_contains "$(ferryd_log $A)" "authentication: clients must prove they hold the key in $KEY"

expect_refused() { # NAME EXPECTED-MESSAGE [env assignments for the probe...]
    local name=$1 want=$2 rc=0
    shift 2
    env "$@" "$FERRY_PROBE" hello "$A:$PORT" >"$TEST_TMP/$name.txt" || rc=$?
    assert_eq 102 "$rc" "exit status of the probe ($name)"
    assert_contains "$TEST_TMP/$name.txt" "error 4: authentication failed: $want"
    assert_contains "$(ferryd_log $A)" "client 'ferry_probe' refused: authentication failed: $want"
}
expect_refused no-key "the client has no key (this runner requires one)"
expect_refused wrong-key "wrong key" FERRY_PROBE_KEY_FILE="$OTHER"
expect_refused garbage "malformed authentication answer" FERRY_PROBE_AUTH_RESPONSE=xyz
# An answer that was right on one connection is worthless on the next (a fresh challenge).
FERRY_PROBE_KEY_FILE="$KEY" FERRY_PROBE_SHOW_AUTH=1 probe hello "$A:$PORT" >"$TEST_TMP/recorded.txt"
recorded=$(sed -n 's/^auth challenge=[0-9a-f]* response=\([0-9a-f]*\)$/\1/p' "$TEST_TMP/recorded.txt")
assert_eq 128 "${#recorded}" "length of a recorded answer"
expect_refused replay "wrong key" FERRY_PROBE_AUTH_RESPONSE="$recorded"
# A client with a key refuses a runner that has none: it could be anyone.
rc=0
FERRY_PROBE_KEY_FILE="$KEY" probe hello "$B:$PORT" >"$TEST_TMP/unproven.txt" || rc=$?
assert_eq 103 "$rc" "exit status of a keyed probe against a runner without a key"
assert_contains "$TEST_TMP/unproven.txt" "runner refused: the runner does not authenticate"
kill -0 "${FERRYD_PIDS[$A]}" || fail "ferryd died"

note "a peer that never says hello is dropped (it cannot hold a connection slot)"
(exec 3<>"/dev/tcp/$A/$PORT" && timeout 20 cat <&3 >"$TEST_TMP/silent.bin") ||
    fail "the silent connection was not closed by the runner"
grep -aq "no client_hello within 10 s" "$TEST_TMP/silent.bin" || fail "no error frame for a silent peer"
assert_contains "$(ferryd_log $A)" "no client_hello within 10 s, closing"

# ---- through the coordinator ----
hosts_file() { # FILE ADDRESS [key_file line]
    cat >"$1" <<TOML
[client]
backoff_ms = 60000
connect_timeout_ms = 2000
$3
[[runner]]
address = "$2"
port = $PORT
slots = 2
TOML
}
hosts_file "$TEST_TMP/right.toml" $A "key_file = \"ferry.key\"" # relative to the hosts file
hosts_file "$TEST_TMP/nokey.toml" $A ""
hosts_file "$TEST_TMP/wrong.toml" $A "key_file = \"$OTHER\""
hosts_file "$TEST_TMP/openkey.toml" $A "key_file = \"open.key\""
hosts_file "$TEST_TMP/unproven.toml" $B "key_file = \"ferry.key\""
inc="-I$PROJ/include"
(cd "$PROJ" && gcc -O2 -g $inc -c src/main.c -o "$TEST_TMP/ref/main.o")

# ferry_compile HOSTS: compiles src/main.c through ferry with that hosts file, checks the
# object is the local one, leaves stderr in $TEST_TMP/ferry.err.
ferry_compile() {
    (cd "$PROJ" && rm -f build/main.o && LC_ALL=C "$FERRY" --hosts "$1" gcc -O2 -g $inc \
        -c src/main.c -o build/main.o 2>"$TEST_TMP/ferry.err") ||
        fail "compile with $1 failed: $(cat "$TEST_TMP/ferry.err")"
    assert_files_identical "$TEST_TMP/ref/main.o" "$PROJ/build/main.o" "object built with $1"
}

note "the right key: compiled remotely"
ferry_compile "$TEST_TMP/right.toml"
[ ! -s "$TEST_TMP/ferry.err" ] || fail "warnings with the right key: $(cat "$TEST_TMP/ferry.err")"
assert_eq 1 "$(ferryd_jobs_done $A)" "jobs the keyed runner compiled"
# ferry_probe's own connections (above, and ferryd_jobs_done's) do not count.
grep -v "client 'ferry_probe'" "$(ferryd_log $A)" | grep -q "client '.*' connected (authenticated)" ||
    fail "no authenticated coordinator in the log"

# fallback NAME HOSTS RUNNER-LOG-TEXT WARNING-TEXT: refused, compiled locally, one warning line.
fallback() {
    local name=$1 hosts=$2 runner_text=$3 warning_text=$4 log=$5
    note "$name: refused, compiled locally with one warning"
    local before
    before=$(ferryd_jobs_done $A)
    ferry_compile "$hosts"
    assert_eq 1 "$(wc -l <"$TEST_TMP/ferry.err")" "warning lines ($name): $(cat "$TEST_TMP/ferry.err")"
    assert_contains "$TEST_TMP/ferry.err" "$warning_text"
    assert_contains "$TEST_TMP/ferry.err" "compiling locally"
    assert_eq "$before" "$(ferryd_jobs_done $A)" "jobs the keyed runner compiled ($name)"
    [ -z "$runner_text" ] || assert_contains "$log" "$runner_text"
}
fallback "no key" "$TEST_TMP/nokey.toml" "refused: authentication failed: the client has no key" \
    "the client has no key" "$(ferryd_log $A)"
fallback "wrong key" "$TEST_TMP/wrong.toml" "refused: authentication failed: wrong key" \
    "wrong key" "$(ferryd_log $A)"
fallback "a key file others can read" "$TEST_TMP/openkey.toml" "" \
    "key file $TEST_TMP/open.key is accessible by group or others" ""
before_b=$(ferryd_jobs_done $B)
fallback "a runner that cannot prove it holds the key" "$TEST_TMP/unproven.toml" "" \
    "the runner does not authenticate" ""
assert_eq "$before_b" "$(ferryd_jobs_done $B)" "jobs the unkeyed runner compiled for a keyed client"

note "FERRY_KEY_FILE gives \$FERRY_HOSTS runners the key"
before=$(ferryd_jobs_done $A)
(cd "$PROJ" && rm -f build/main.o && FERRY_HOSTS="$A:$PORT/2" FERRY_KEY_FILE="$KEY" LC_ALL=C \
    "$FERRY" gcc -O2 -g $inc -c src/main.c -o build/main.o 2>"$TEST_TMP/env.err") ||
    fail "compile with FERRY_KEY_FILE failed: $(cat "$TEST_TMP/env.err")"
[ ! -s "$TEST_TMP/env.err" ] || fail "warnings with FERRY_KEY_FILE: $(cat "$TEST_TMP/env.err")"
assert_files_identical "$TEST_TMP/ref/main.o" "$PROJ/build/main.o" "object built with FERRY_KEY_FILE"
assert_eq $((before + 1)) "$(ferryd_jobs_done $A)" "jobs compiled with FERRY_KEY_FILE"
pass
