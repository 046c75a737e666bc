#!/usr/bin/env bash
# A job ships the front end its language runs (remote/toolchain/toolchain_spec.hpp): a C
# compile on a fresh runner brings gcc's cc1 and not cc1plus, a C++ compile cc1plus; both
# objects are byte-identical to local ones. A driver whose name says C but which compiles C++
# (a `cc` that is really g++) finds no cc1plus on the runner, and the compile runs again
# here: the object is still the local one, never an error a local compile would not give.
source "$(dirname "$0")/lib.sh"
ferry_test_init
have gcc || skip "no gcc"
have g++ || skip "no g++"
have python3 || skip "no python3"
A=127.0.0.59
start_ferryd "$A"
grep -q "with the compiler each client ships" "$(ferryd_log "$A")" ||
    skip "this ferryd runs its installed compilers (a sandbox needs root): nothing is shipped"
export FERRY_HOSTS="$(hosts_for "$A")"
export FERRY_LOCAL_WHEN_IDLE=0
cache=$(sed -n "s/.* slots, cache \(\/[^ ]*\) (.*/\1/p" "$(ferryd_log "$A")" | head -1)
[ -d "$cache" ] || fail "no cache directory in ferryd's log ($cache)"
CC1=$(gcc -print-prog-name=cc1)
CC1PLUS=$(gcc -print-prog-name=cc1plus)
[ -f "$CC1" ] && [ -f "$CC1PLUS" ] || skip "gcc's front ends not found ($CC1, $CC1PLUS)"

in_cache() { # FILE: the runner's cache holds a file with its content
    local size
    size=$(stat -c %s "$1")
    find "$cache" -type f -size "${size}c" -exec cmp -s "$1" {} \; -print | grep -q .
}

P="$TEST_TMP/proj"
mkdir -p "$P" "$TEST_TMP/ref"
printf 'int twice(int x) { return 2 * x; }\n' >"$P/plain.c"
printf 'template <class T> T twice(T x) { return 2 * x; }\nint use(int& x) { return twice(x); }\n' >"$P/tmpl.cc"
# Valid C++ only (a reference): C's cc1 rejects it.
printf 'int get(int& x) { return x; }\n' >"$P/odd.c"

compile_remote() { # WHAT COMPILER SOURCE OBJECT: remote, identical to the local object
    local what=$1 cc=$2 src=$3 obj=$4 before
    (cd "$P" && $cc -O2 -g -c "$src" -o "$TEST_TMP/ref/$obj") || fail "$what: local $cc failed"
    before=$(remote_counts "$A")
    (cd "$P" && "$FERRY" $cc -O2 -g -c "$src" -o "$obj") >"$TEST_TMP/$obj.log" 2>&1 ||
        fail "$what: ferry $cc failed: $(cat "$TEST_TMP/$obj.log")"
    assert_files_identical "$TEST_TMP/ref/$obj" "$P/$obj" "$what"
    assert_ran_remotely "$before" 1 "$what" "$A"
}

note "a C compile ships cc1, not cc1plus"
compile_remote "gcc plain.c" gcc plain.c plain.o
in_cache "$CC1" || fail "the runner's cache lacks cc1 after a C compile"
! in_cache "$CC1PLUS" || fail "a C compile shipped cc1plus too"

note "a C++ compile ships cc1plus"
compile_remote "g++ tmpl.cc" g++ tmpl.cc tmpl.o
in_cache "$CC1PLUS" || fail "the runner's cache lacks cc1plus after a C++ compile"

note "a 'cc' that is really g++: its .c compiles as C++, here if not there"
mkdir -p "$TEST_TMP/bin"
ln -s "$(readlink -f "$(command -v g++)")" "$TEST_TMP/bin/cc"
(cd "$P" && "$TEST_TMP/bin/cc" -O2 -c odd.c -o "$TEST_TMP/ref/odd.o") || fail "local $TEST_TMP/bin/cc failed"
(cd "$P" && gcc -O2 -c odd.c -o "$TEST_TMP/c.o" 2>/dev/null) && fail "odd.c compiled as C: the trap is not one"
(cd "$P" && "$FERRY" "$TEST_TMP/bin/cc" -O2 -c odd.c -o odd.o) >"$TEST_TMP/odd.log" 2>&1 ||
    fail "ferry $TEST_TMP/bin/cc failed: $(cat "$TEST_TMP/odd.log")"
assert_files_identical "$TEST_TMP/ref/odd.o" "$P/odd.o" "odd.o from a cc that is g++"
! grep -q "cc1plus" "$TEST_TMP/odd.log" || fail "the runner's missing cc1plus reached the user: $(cat "$TEST_TMP/odd.log")"
# It did go there: the runner's answer was "cannot execute cc1plus", read as a missing file.
grep "odd.c" "$(coordinator_log)" | grep -q "cannot execute .cc1plus.*compiling locally" ||
    fail "no remote attempt that missed cc1plus: $(grep -i odd "$(coordinator_log)" | tail -3)"
pass
