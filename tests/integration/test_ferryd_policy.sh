#!/usr/bin/env bash
# What a request may make ferryd do (docs/security.md): crafted requests, sent with ferry_probe
# straight to a runner, try to run another program, read a file outside their job and write
# one. Each is refused with a clear error or confined to the job's private directory, and at
# the end nothing has appeared outside the job directories (which are gone too).
# The runner here is --unsandboxed: the argument policy and the re-rooting are its only walls
# (a sandboxed runner has them too; test_sandbox_hostile attacks the sandbox itself). The
# crafted manifests go out exactly as written (FERRY_PROBE_RAW_MANIFEST).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
ferry_test_init
setup_core_project
A=127.0.0.8

# A directory the runner's user could write to and read from, were the policy to let it:
# ferryd started as root runs jobs as nobody, so it must be reachable by everyone.
chmod 0711 "$TEST_TMP"
TARGET="$TEST_TMP/target"
mkdir -m 1777 "$TARGET"
echo "TOP-SECRET-$$" >"$TARGET/secret.txt"
chmod 0644 "$TARGET/secret.txt"
RUNNER_TMP="$TEST_TMP/runner-tmp"
mkdir -m 1777 "$RUNNER_TMP"
TMPDIR="$RUNNER_TMP" start_ferryd $A --name policy --unsandboxed
export FERRY_PROBE_RAW_MANIFEST=1 FERRY_PROBE_NO_TOOLCHAIN=1
OUT="$TEST_TMP/out"
mkdir -p "$OUT"

n=0
# refused TEXT COMPILER ARGS...: the job is refused (exit 100) and the message says TEXT.
refused() {
    local text=$1 cc=$2 rc=0
    shift 2
    n=$((n + 1))
    probe job-raw "$A:$PORT" "$cc" "$PROJ" - -- "$@" >"$TEST_TMP/refused-$n.txt" 2>&1 || rc=$?
    [ "$rc" = 100 ] || fail "request $n ($cc $*) was not refused (exit $rc): $(cat "$TEST_TMP/refused-$n.txt")"
    assert_contains "$TEST_TMP/refused-$n.txt" "refused: " "request $n ($cc $*)"
    assert_contains "$TEST_TMP/refused-$n.txt" "$text" "request $n ($cc $*)"
}

note "a request cannot run another program"
refused "compiler 'sh' with id" sh -c "touch $TARGET/pwned"
refused "compiler '/bin/sh' with id" /bin/sh -c "touch $TARGET/pwned"
refused "compiler '../gcc' with id" ../gcc -c src/main.c
refused "compiler '/usr/bin/gcc' with id" /usr/bin/gcc -c src/main.c
refused "is not offered by this runner" gcc-does-not-exist -c src/main.c
FERRY_PROBE_COMPILER_ID=0123456789abcdef0123456789abcdef \
    refused "compiler 'gcc' with id 0123456789abcdef0123456789abcdef is not offered" gcc -c src/main.c
# A real id, but another compiler's: the identity belongs to the name.
gxx_id=$(probe hello "$A:$PORT" | sed -n 's/^compiler g++ .* id=\([0-9a-f]*\) .*/\1/p')
[ -n "$gxx_id" ] || fail "the runner offers no g++"
FERRY_PROBE_COMPILER_ID=$gxx_id refused "compiler 'gcc' with id $gxx_id is not offered" gcc -c src/main.c
refused "'-wrapper /bin/sh,-c,touch" gcc -wrapper "/bin/sh,-c,touch $TARGET/pwned" -c src/main.c
refused "'-fplugin=$TARGET/x.so' is not allowed on a runner" gcc -fplugin="$TARGET/x.so" -c src/main.c
refused "'-fplugin-arg-x-y=z' is not allowed" gcc -fplugin-arg-x-y=z -c src/main.c
refused "'-specs=$TARGET/evil.specs' is not allowed" gcc -specs="$TARGET/evil.specs" -c src/main.c
refused "'--specs=$TARGET/evil.specs' is not allowed" gcc --specs="$TARGET/evil.specs" -c src/main.c
refused "'-specs $TARGET/evil.specs' is not allowed" gcc -specs "$TARGET/evil.specs" -c src/main.c
refused "'-B $TARGET' is not allowed" gcc -B "$TARGET" -c src/main.c
refused "'-B$TARGET' is not allowed" gcc -B"$TARGET" -c src/main.c
refused "'--prefix=$TARGET' is not allowed" gcc --prefix="$TARGET" -c src/main.c
refused "'-iplugindir=$TARGET' is not allowed" gcc -iplugindir="$TARGET" -c src/main.c
refused "'-fmodule-mapper=|touch $TARGET/pwned' is not allowed" gcc "-fmodule-mapper=|touch $TARGET/pwned" -c src/main.c
if have_for clang "clang's -Xclang -load"; then
    refused "'-Xclang -load' is not allowed" clang -Xclang -load -Xclang "$TARGET/x.so" -c src/main.c
fi

note "a request cannot run another language's compiler"
# gcc -c x.adb runs gnat1, and -gnatl=FILE writes a listing, with text from the request, at
# any path: the old -g catch-all passed it un-rerooted. Shown here on this machine's gcc
# first, when it has Ada, so the refusals below are known to matter.
printf 'procedure X is begin null; end X;\n' >"$PROJ/src/x.adb"
if (cd "$TEST_TMP" && gcc -c "$PROJ/src/x.adb" -gnatl="$TEST_TMP/local-listing.txt") >/dev/null 2>&1; then
    [ -s "$TEST_TMP/local-listing.txt" ] || fail "local gcc -gnatl= wrote no listing"
    note "(local gcc compiles Ada and writes the -gnatl= listing)"
fi
refused "'-gnatl=$TARGET/listing.txt' is not allowed on a runner: Ada options" \
    gcc -c src/x.adb "-gnatl=$TARGET/listing.txt"
refused "'src/x.adb' is not allowed on a runner: only C and C++ sources" gcc -c src/x.adb
refused "'src/x.adb' is not allowed on a runner: only C and C++ sources" gcc -x c -x none -c src/x.adb
refused "'-x ada' is not allowed on a runner: only C and C++" gcc -x ada -c src/main.c
refused "'-xf95' is not allowed on a runner: only C and C++" gcc -xf95 -c src/main.c
refused "unknown option '-mfoo'" gcc -mfoo -c src/main.c
refused "unknown option '-fbar'" gcc -fbar -c src/main.c

note "a request cannot read a file outside its job"
refused "'@/etc/passwd' is not allowed on a runner: response files" gcc @/etc/passwd -c src/main.c
refused "'@/etc/passwd' is not allowed on a runner: response files" gcc -c src/main.c -D @/etc/passwd
refused "'@$TARGET/secret.txt' is not allowed" gcc -c src/main.c -o "@$TARGET/secret.txt"
refused "'-I =/etc' is not allowed on a runner: a path relative to the sysroot" gcc -I =/etc -c src/main.c
refused "'-isystem\$SYSROOT/etc' is not allowed" gcc '-isystem$SYSROOT/etc' -c src/main.c
refused "'-fprofile-use=$TARGET/x.gcda' is not allowed" gcc -fprofile-use="$TARGET/x.gcda" -c src/main.c
refused "'-fprofile-dir=$TARGET' is not allowed" gcc -fprofile-dir="$TARGET" -c src/main.c
refused "'--sysroot=/' is not allowed" gcc --sysroot=/ -c src/main.c
# A manifest or a search directory that climbs out of the root.
cd "$PROJ"
build_manifest "$TEST_TMP/m" c gcc src/main.c -Iinclude
echo "/usr/../../etc/passwd" >"$TEST_TMP/climb.files"
rc=0
probe job "$A:$PORT" gcc "$TEST_TMP/climb.files" "$TEST_TMP/m.sysinc" "$OUT" \
    -- -c src/main.c -o build/main.o >"$TEST_TMP/climb.txt" 2>&1 || rc=$?
assert_eq 100 "$rc" "exit status for a manifest path that climbs out"
assert_contains "$TEST_TMP/climb.txt" "climbs out of the root"
{ cat "$TEST_TMP/m.sysinc"; echo "/usr/include/../../../etc"; } >"$TEST_TMP/climb.sysinc"
rc=0
probe job "$A:$PORT" gcc "$TEST_TMP/m.files" "$TEST_TMP/climb.sysinc" "$OUT" \
    -- -c src/main.c -o build/main.o -Iinclude >"$TEST_TMP/climb2.txt" 2>&1 || rc=$?
assert_eq 100 "$rc" "exit status for a system include directory that climbs out"
assert_contains "$TEST_TMP/climb2.txt" "system include directory '/usr/include/../../../etc'"

# Absolute paths that are allowed are moved into the job's mirror, where only what the client
# sent exists: the compiler sees no /etc/passwd and no secret.
ran() { # NAME ARGS...: a job that runs (and fails to find what it looks for)
    local name=$1 rc=0
    shift
    probe job "$A:$PORT" gcc "$TEST_TMP/m.files" "$TEST_TMP/m.sysinc" "$OUT" -- "$@" \
        >"$TEST_TMP/$name.txt" 2>&1 || rc=$?
    assert_eq 1 "$rc" "exit status of the compile ($name)"
    assert_contains "$TEST_TMP/$name.txt" "completed exit 1"
    if grep -qE "root:x:0:0|TOP-SECRET" "$TEST_TMP/$name.txt"; then
        fail "$name: the compile read a file outside its job: $(cat "$TEST_TMP/$name.txt")"
    fi
}
ran include-passwd -c src/main.c -o build/main.o -Iinclude -include /etc/passwd
assert_contains "$TEST_TMP/include-passwd.txt" "/etc/passwd: No such file or directory"
ran include-secret -c src/main.c -o build/main.o -Iinclude -include "$TARGET/secret.txt"
assert_contains "$TEST_TMP/include-secret.txt" "$TARGET/secret.txt: No such file or directory"
printf '#include <etc/passwd>\nint x;\n' >"$PROJ/src/evil.c"
{ realpath -s "$PROJ/src/evil.c"; echo /usr/include/stdc-predef.h; } >"$TEST_TMP/evil.files"
rc=0
probe job "$A:$PORT" gcc "$TEST_TMP/evil.files" "$TEST_TMP/m.sysinc" "$OUT" \
    -- -I/ -c src/evil.c -o build/evil.o >"$TEST_TMP/root-include.txt" 2>&1 || rc=$?
assert_eq 1 "$rc" "exit status of a compile including <etc/passwd> with -I/"
assert_contains "$TEST_TMP/root-include.txt" "etc/passwd: No such file or directory"
if grep -q "root:x:0:0" "$TEST_TMP/root-include.txt"; then fail "-I/ read the runner's /etc/passwd"; fi

note "a request cannot write a file outside its job"
refused "climbs out of the job directory" gcc -c src/main.c -o ../../../../../../../../x.o
refused "climbs out" gcc -c src/main.c -o "/../../$TARGET/x.o"
refused "'-MF ../x.d' is not allowed" gcc -c src/main.c -MF ../x.d
refused "'-MF$TARGET/x.d' is not allowed" gcc -c src/main.c -MF"$TARGET/x.d"
refused "'-MD' is not allowed" gcc -c src/main.c -MD
refused "'-Wp,-MD,$TARGET/x.d' is not allowed" gcc -c src/main.c "-Wp,-MD,$TARGET/x.d"
refused "'-save-temps' is not allowed" gcc -c src/main.c -save-temps
refused "'-save-temps=obj' is not allowed" gcc -c src/main.c -save-temps=obj
refused "'--save-temps' is not allowed" gcc -c src/main.c --save-temps
refused "'-fdump-tree-all' is not allowed" gcc -c src/main.c -fdump-tree-all
refused "'-fdump-rtl-expand=$TARGET/x' is not allowed" gcc -c src/main.c -fdump-rtl-expand="$TARGET/x"
refused "'-aux-info $TARGET/x.h' is not allowed" gcc -c src/main.c -aux-info "$TARGET/x.h"
refused "'-dumpdir $TARGET/' is not allowed" gcc -c src/main.c -dumpdir "$TARGET/"
# An absolute -o is allowed, and lands in the job's mirror: it comes back to the client and
# never appears at that path on the runner.
rc=0
probe job "$A:$PORT" gcc "$TEST_TMP/m.files" "$TEST_TMP/m.sysinc" "$OUT" \
    -- -c src/main.c -o "$TARGET/main.o" -Iinclude >"$TEST_TMP/abs-out.txt" 2>&1 || rc=$?
assert_eq 0 "$rc" "exit status of a compile with an absolute -o: $(cat "$TEST_TMP/abs-out.txt")"
assert_contains "$TEST_TMP/abs-out.txt" "completed exit 0 signal 0 outputs 1"
[ -s "$OUT$TARGET/main.o" ] || fail "the object did not come back"
[ ! -e "$TARGET/main.o" ] || fail "the runner wrote $TARGET/main.o"

note "every refusal is in the runner's log and its counters"
[ "$(grep -c ': refused: ' "$(ferryd_log $A)")" -ge "$n" ] ||
    fail "fewer than $n refusals logged: $(grep ': refused: ' "$(ferryd_log $A)" | head -5)"
assert_contains "$(ferryd_log $A)" "refused: '@/etc/passwd' is not allowed on a runner"
[ "$(ferryd_stat $A refused)" -ge "$n" ] || fail "fewer than $n refusals counted: $(ferryd_stat $A refused)"

note "nothing appeared outside the job directories, and those are gone"
stop_ferryd $A
left=$(find "$TARGET" -mindepth 1 ! -path "$TARGET/secret.txt" | head -5)
[ -z "$left" ] || fail "files appeared in $TARGET: $left"
assert_eq "TOP-SECRET-$$" "$(cat "$TARGET/secret.txt")" "the secret file"
assert_dir_empty "$RUNNER_TMP"
pass
