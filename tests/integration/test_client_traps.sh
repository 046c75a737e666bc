#!/usr/bin/env bash
# Issue 8, the client's traps. (1) An output that is not a regular file (a device node, a fifo,
# -o /dev/null itself, a dangling symlink, a directory) is written by the compiler itself, never
# replaced by a rename; a symlink to a regular file is replaced, as gcc and clang do locally. A
# source that is not a regular file (/dev/null, a FIFO) compiles here.
# (2) The coordinator is reachable from a deep runtime directory and from a fallback directory
# another user squatted. (3) Sources and headers that make the assembler read files the scan
# cannot see (.incbin, #embed, #pragma GCC dependency) compile locally.
# Every case compares exit status, stderr and the files left behind with a plain local compile;
# whether a job went remote is read from `ferry status`.
export FERRY_IDLE_TIMEOUT=300 # job counts are read from one coordinator across the suite
source "$(dirname "$0")/lib.sh"
ferry_test_init
[ "$(id -u)" -eq 0 ] || skip "needs root (mknod, setpriv, /dev/null)"
start_core_runners
PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ"
cd "$PROJ"
printf 'int f(void) { return 42; }\n' >z.c

remote_jobs() { "$FERRY" status | awk '/^jobs:/ { print $2 }'; }
kept_local() { "$FERRY" status | sed -n 's/^jobs:.* \([0-9]*\) kept local.*/\1/p'; }

# What is at each path: type, and the content's hash for regular files.
describe() {
    local p
    for p in "$@"; do
        if [ -L "$p" ]; then printf 'L->%s ' "$(readlink "$p")"; fi
        if [ -c "$p" ]; then printf 'c:%s ' "$(stat -L -c %t:%T "$p")"
        elif [ -p "$p" ]; then printf 'p '
        elif [ -d "$p" ]; then printf 'd '
        elif [ -f "$p" ]; then printf 'f:%s ' "$(md5sum <"$p" | cut -c1-32)"
        else printf 'none '; fi
    done
}

# Temporary file names in a compiler's messages differ from run to run.
normalise() { sed -E 's#/tmp/cc[A-Za-z0-9]+\.s#TMP.s#g' "$1"; }

# trap_case NAME CC SETUP OUTPUT PATHS...: runs SETUP, compiles z.c to OUTPUT locally,
# records exit status, stderr and PATHS; does it again through ferry; both must agree.
# FIFO_READER=1 reads the fifo ff into ff.out while the compiler writes it.
trap_case() {
    local name=$1 cc=$2 setup=$3 out=$4 rc run
    shift 4
    for run in local ferry; do
        rm -rf "$PROJ/t" && mkdir "$PROJ/t" && cp z.c "$PROJ/t/" && cd "$PROJ/t"
        $setup
        local reader=
        if [ -n "${FIFO_READER:-}" ]; then
            timeout 20 cat ff >ff.out &
            reader=$!
        fi
        if [ $run = local ]; then
            LC_ALL=C $cc -c z.c -o "$out" 2>"$TEST_TMP/$run.err" && rc=0 || rc=$?
        else
            LC_ALL=C "$FERRY" $cc -c z.c -o "$out" 2>"$TEST_TMP/$run.err" && rc=0 || rc=$?
        fi
        if [ -n "$reader" ]; then
            # A compiler that never opened the fifo leaves the reader waiting for a writer.
            timeout 2 sh -c ': >ff' 2>/dev/null || true
            wait "$reader" || true
        fi
        eval "${run}_rc=\$rc"
        eval "${run}_state=\"\$(describe \"\$@\")\""
        cd "$PROJ"
    done
    assert_eq "$local_rc" "$ferry_rc" "$name: exit status"
    assert_eq "$local_state" "$ferry_state" "$name: files left behind"
    [ "$(normalise "$TEST_TMP/local.err")" == "$(normalise "$TEST_TMP/ferry.err")" ] ||
        fail "$name: stderr differs: $(diff "$TEST_TMP/local.err" "$TEST_TMP/ferry.err" | head)"
    note "$name ($cc): rc $local_rc, $local_state"
}

# ---- (1) outputs that are not regular files ----
make_device() { mkdir dev && mknod dev/null c 1 3; }
make_fifo() { mkfifo ff; }
make_symlink() { printf 'stale' >real.o && ln -s real.o link.o; }
make_dangling() { ln -s missing.o link.o; }
make_dir() { mkdir out.o; }

before=$(remote_jobs)
kept_before=$(kept_local)
for cc in gcc clang; do
    trap_case "device node" $cc make_device dev/null dev/null
    FIFO_READER=1 trap_case "fifo" $cc make_fifo ff ff ff.out
    trap_case "dangling symlink" $cc make_dangling link.o link.o missing.o
    trap_case "directory" $cc make_dir out.o out.o
done
assert_eq "$before" "$(remote_jobs)" "jobs sent to runners for outputs that are not regular files"
# Issue 9: a compile the wrapper keeps here is counted, with its reason, so a regression that
# sends everything local shows in `ferry status`.
assert_eq $((kept_before + 8)) "$(kept_local)" "compiles kept local for outputs that are not regular files"
"$FERRY" status | grep -q '^local because:.*an output is not a regular file (8)' ||
    fail "no reason for the kept-local compiles: $("$FERRY" status)"

stat -c %t:%T /dev/null >"$TEST_TMP/devnull.before"
for cc in gcc clang; do
    "$FERRY" $cc -c z.c -o /dev/null || fail "$cc -c z.c -o /dev/null through ferry failed"
done
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
assert_eq "$(cat "$TEST_TMP/devnull.before")" "$(stat -c %t:%T /dev/null)" "/dev/null's device"

# Sources that are not regular files: Kbuild's and autoconf's probes (`-x c /dev/null`), a
# FIFO a generator writes into. Kept here by the wrapper before the coordinator analyses
# them (a FIFO read there would wait for a writer), objects as a local compile makes them.
before=$(remote_jobs)
kept_before=$(kept_local)
for cc in gcc clang; do
    $cc -Werror -fno-stack-protector -c -x c /dev/null -o "probe-$cc.ref.o"
    "$FERRY" $cc -Werror -fno-stack-protector -c -x c /dev/null -o "probe-$cc.o" ||
        fail "$cc -c -x c /dev/null through ferry failed"
    assert_files_identical "probe-$cc.ref.o" "probe-$cc.o" "$cc's object of /dev/null"
    rm -f gen.c && mkfifo gen.c
    (printf 'int g(void) { return 7; }\n' >gen.c) &
    writer=$!
    timeout 20 "$FERRY" $cc -c gen.c -o "gen-$cc.o" || fail "$cc -c FIFO through ferry failed"
    wait "$writer"
    rm -f gen.c && printf 'int g(void) { return 7; }\n' >gen.c
    $cc -c gen.c -o "gen-$cc.ref.o"
    assert_files_identical "gen-$cc.ref.o" "gen-$cc.o" "$cc's object of a FIFO source"
done
assert_eq "$before" "$(remote_jobs)" "jobs sent to runners for sources that are not regular files"
assert_eq $((kept_before + 4)) "$(kept_local)" "compiles kept local for sources that are not regular files"
"$FERRY" status | grep -q '^local because:.*the source is not a regular file (4)' ||
    fail "no reason for the kept-local compiles: $("$FERRY" status)"

# A symlink to a regular file: both compilers replace the link and leave its target alone.
before=$(remote_jobs)
for cc in gcc clang; do
    trap_case "symlink to a regular file" $cc make_symlink link.o link.o real.o
done
assert_eq $((before + 2)) "$(remote_jobs)" "remote jobs for outputs behind a symlink"

# ---- (2) the runtime directory ----
# A deep XDG_RUNTIME_DIR: the socket path is far over sun_path's 108 bytes.
deep="$TEST_TMP/$(printf 'r%.0s' {1..100})"
mkdir -m 0700 -p "$deep"
compile_deep() { XDG_RUNTIME_DIR="$deep" "$FERRY" "$@"; }
compile_deep gcc -c z.c -o deep.o 2>"$TEST_TMP/deep.err" || fail "compile with a deep runtime dir: $(cat "$TEST_TMP/deep.err")"
gcc -c z.c -o deep.ref.o
assert_files_identical deep.ref.o deep.o "object built with a deep runtime dir"
[ ! -s "$TEST_TMP/deep.err" ] || fail "warnings with a deep runtime dir: $(cat "$TEST_TMP/deep.err")"
assert_eq 1 "$(XDG_RUNTIME_DIR="$deep" "$FERRY" status | awk '/^jobs:/ { print $2 }')" \
    "remote jobs of the coordinator under a ${#deep}-character runtime dir"
XDG_RUNTIME_DIR="$deep" "$FERRY" shutdown >/dev/null 2>&1 || true

# No XDG_RUNTIME_DIR, and another user has taken $TMPDIR/ferry-$UID first.
chmod 0711 "$TEST_TMP"
mkdir -m 1777 "$TEST_TMP/tmp"
mkdir -m 0755 "$TEST_TMP/home2"
squat="$TEST_TMP/tmp/ferry-$(id -u)"
setpriv --reuid=nobody --regid=nogroup --clear-groups mkdir -m 0777 "$squat" ||
    fail "nobody could not create $squat"
[ "$(stat -c %U "$squat")" = nobody ] || fail "$squat is not nobody's"
no_xdg() { env -u XDG_RUNTIME_DIR HOME="$TEST_TMP/home2" TMPDIR="$TEST_TMP/tmp" "$FERRY" "$@"; }
no_xdg gcc -c z.c -o squat.o 2>"$TEST_TMP/squat.err" || fail "compile beside a squatted dir: $(cat "$TEST_TMP/squat.err")"
assert_files_identical deep.ref.o squat.o "object built beside a squatted runtime dir"
[ ! -s "$TEST_TMP/squat.err" ] || fail "warnings beside a squatted dir: $(cat "$TEST_TMP/squat.err")"
assert_eq 1 "$(no_xdg status | awk '/^jobs:/ { print $2 }')" "remote jobs beside a squatted runtime dir"
[ -z "$(ls -A "$squat")" ] || fail "ferry used the squatted $squat: $(ls -A "$squat")"
no_xdg shutdown >/dev/null 2>&1 || true

# ---- (3) files read behind the scan's back ----
printf 'ferry-incbin-payload\n' >data.bin
printf 'asm(".section .rodata\\n.incbin \\"data.bin\\"\\n.previous");\nint g(void) { return 1; }\n' >incbin.c
printf 'asm(".section .rodata\\n.incbin \\"data.bin\\"\\n.previous");\n' >blob.h
printf '#include "blob.h"\nint h(void) { return 2; }\n' >uses_blob.c
printf 'old\n' >dep.txt
touch -d '2001-01-01' dep.txt
printf '#pragma GCC dependency "dep.txt"\nint k(void) { return 3; }\n' >pragma_dep.c
mkdir -p build "$TEST_TMP/ref"
before=$(remote_jobs)
for cc in gcc clang; do
    compile_both $cc "-O2 -g" incbin.c build/incbin.o
    compile_both $cc "-O2 -g" uses_blob.c build/uses_blob.o
done
compile_both gcc "-O2" pragma_dep.c build/pragma_dep.o
assert_eq "$before" "$(remote_jobs)" "jobs sent to runners for sources that read unlisted files"
log=$(coordinator_log)
assert_contains "$log" "contains .incbin" "the coordinator's reason for compiling locally"
assert_contains "$log" "#pragma GCC dependency" "the coordinator's reason for compiling locally"
# The same flags on a plain source do go remote: the count above could have moved.
compile_both gcc "-O2 -g" z.c build/z.o
assert_eq $((before + 1)) "$(remote_jobs)" "remote jobs after a plain source"
pass
