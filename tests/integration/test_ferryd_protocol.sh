#!/usr/bin/env bash
# ferryd's front door: the greeting (compilers with identities), --allow, garbage, refusals of
# unknown compilers and of policy-breaking arguments, and that one bad client does not stop
# ferryd from serving the next.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
ferry_test_init
setup_core_project
A=127.0.0.4
B=127.0.0.5
start_ferryd $A --name runner-a
# Not start_ferryd: its --allow 127.0.0.0/8 would let everyone in.
"$FERRYD" --listen "$B:$PORT" --allow 127.0.0.9/32 --jobs 1 --log-file "$(ferryd_log $B)" &
FERRYD_PIDS[$B]=$!
# Asked from $B itself, so its refusal names $B, not the 127.0.0.1 checked below.
ferryd_wait_ready $B "${FERRYD_PIDS[$B]}"

note "greeting"
probe hello "$A:$PORT" >"$TEST_TMP/hello.txt" || fail "no greeting from $A"
assert_contains "$TEST_TMP/hello.txt" "runner runner-a slots 2 version 3"
for cc in gcc g++ clang clang++; do
    have_for $cc "the greeting's $cc" || continue
    grep -F "compiler $cc driver=" "$TEST_TMP/hello.txt" |
        grep -Eq "^compiler [^ ]+ driver=c(\+\+)? target=[^ ]+ id=[0-9a-f]{32} version=." || fail "greeting does not offer $cc with an id: $(cat "$TEST_TMP/hello.txt")"
done
assert_contains "$TEST_TMP/hello.txt" "compiler g++ driver=c++"

note "a peer outside --allow gets an error frame"
rc=0
probe --bind 127.0.0.1 hello "$B:$PORT" >"$TEST_TMP/refused.txt" || rc=$?
assert_eq 102 "$rc" "exit status of a refused probe"
assert_contains "$TEST_TMP/refused.txt" "error 3: address 127.0.0.1 is not allowed (see --allow)"
assert_contains "$(ferryd_log $B)" "refused connection from 127.0.0.1"

note "garbage gets an error frame, and ferryd keeps serving"
rc=0
probe garbage "$A:$PORT" "GET /index.html HTTP/1.1 Host: x" >"$TEST_TMP/garbage.txt" || rc=$?
assert_eq 102 "$rc" "exit status after garbage"
assert_contains "$TEST_TMP/garbage.txt" "error 1:"
# A hostile length: a valid header announcing a 4 GiB payload.
rc=0
probe garbage "$A:$PORT" hex:4652593101030000ffffffffffffffff >"$TEST_TMP/huge.txt" || rc=$?
assert_eq 102 "$rc" "exit status after a huge length"
assert_contains "$TEST_TMP/huge.txt" "error 1:"
# A ClientHello for protocol version 4 (u32 4, two empty strings) in a valid version-3 frame.
rc=0
probe hello-with "$A:$PORT" hex:46525931030200000c0000000c000000040000000000000000000000 \
    >"$TEST_TMP/version.txt" || rc=$?
assert_eq 102 "$rc" "exit status after a wrong protocol version"
assert_contains "$TEST_TMP/version.txt" "error 2: protocol version 4 is not supported"
probe hello "$A:$PORT" >/dev/null || fail "ferryd stopped serving after garbage"
kill -0 "${FERRYD_PIDS[$A]}" || fail "ferryd died"

cd "$PROJ"
build_manifest "$TEST_TMP/m" c gcc src/main.c -Iinclude

note "unknown compiler"
rc=0
FERRY_PROBE_NO_TOOLCHAIN=1 probe job "$A:$PORT" tcc "$TEST_TMP/m.files" "$TEST_TMP/m.sysinc" "$TEST_TMP/out" \
    -- -c src/main.c -o build/main.o -Iinclude >"$TEST_TMP/unknown.txt" || rc=$?
assert_eq 100 "$rc" "exit status for an unknown compiler"
assert_contains "$TEST_TMP/unknown.txt" "refused: compiler 'tcc' with id"
assert_contains "$TEST_TMP/unknown.txt" "is not offered by this runner"

note "a known name with another id"
rc=0
FERRY_PROBE_COMPILER_ID=0123456789abcdef0123456789abcdef FERRY_PROBE_NO_TOOLCHAIN=1 \
    probe job "$A:$PORT" gcc "$TEST_TMP/m.files" "$TEST_TMP/m.sysinc" "$TEST_TMP/out" \
    -- -c src/main.c -o build/main.o -Iinclude >"$TEST_TMP/wrong-id.txt" || rc=$?
assert_eq 100 "$rc" "exit status for a wrong compiler id"
assert_contains "$TEST_TMP/wrong-id.txt" "refused: compiler 'gcc' with id 0123456789abcdef0123456789abcdef"

note "a refused argument"
rc=0
probe job "$A:$PORT" gcc "$TEST_TMP/m.files" "$TEST_TMP/m.sysinc" "$TEST_TMP/out" \
    -- -fplugin=x.so -c src/main.c -o build/main.o -Iinclude >"$TEST_TMP/plugin.txt" || rc=$?
assert_eq 100 "$rc" "exit status for -fplugin"
assert_contains "$TEST_TMP/plugin.txt" "refused: "
assert_contains "$TEST_TMP/plugin.txt" "-fplugin"

note "a manifest path that climbs out of the root"
echo "/usr/../../etc/passwd" >"$TEST_TMP/evil.files"
rc=0
FERRY_PROBE_RAW_MANIFEST=1 probe job "$A:$PORT" gcc "$TEST_TMP/evil.files" "$TEST_TMP/m.sysinc" \
    "$TEST_TMP/out" -- -c src/main.c -o build/main.o >"$TEST_TMP/evil.txt" || rc=$?
assert_eq 100 "$rc" "exit status for an escaping manifest path"
# A sandboxed runner takes physical paths only: no "..", so nothing to climb with.
assert_contains "$TEST_TMP/evil.txt" "file '/usr/../../etc/passwd' is not an absolute, normalised path"
assert_contains "$(ferryd_log $A)" "refused:"

note "stats count what happened"
probe stats "$A:$PORT" >"$TEST_TMP/stats.txt" || fail "no stats"
assert_contains "$TEST_TMP/stats.txt" "refused 4"
assert_contains "$TEST_TMP/stats.txt" "slots 2"
pass
