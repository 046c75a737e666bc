#!/usr/bin/env bash
# Issue 8, the client's traps. (1) An output that is not a regular file (a device node, a fifo,
# -o /dev/null itself, a dangling symlink, a directory) is written by the compiler itself, never
# replaced by a rename; a symlink to a regular file is replaced, as gcc and clang do locally.
# (2) The coordinator is reachable from a deep runtime directory and from a fallback directory
# another user squatted. (3) Sources and headers that make the assembler read files the scan
# cannot see (.incbin, #embed, #pragma GCC dependency) compile locally.
# Every case compares exit status, stderr and the files left behind with a plain local compile;
# whether a job went remote is read from `ferry status`.
source "$(dirname "$0")/lib.sh"
ferry_test_init
[ "$(id -u)" -eq 0 ] || skip "needs root (mknod, setpriv, /dev/null)"
start_core_runners
PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ"
cd "$PROJ"
printf 'int f(void) { return 42; }\n' >z.c

remote_jobs() { "$FERRY" status | awk '/^jobs:/ { print $2 }'; }

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
for cc in gcc clang; do
    trap_case "device node" $cc make_device dev/null dev/null
    FIFO_READER=1 trap_case "fifo" $cc make_fifo ff ff ff.out
    trap_case "dangling symlink" $cc make_dangling link.o link.o missing.o
    trap_case "directory" $cc make_dir out.o out.o
done
assert_eq "$before" "$(remote_jobs)" "jobs sent to runners for outputs that are not regular files"

stat -c %t:%T /dev/null >"$TEST_TMP/devnull.before"
for cc in gcc clang; do
    "$FERRY" $cc -c z.c -o /dev/null || fail "$cc -c z.c -o /dev/null through ferry failed"
done
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
assert_eq "$(cat "$TEST_TMP/devnull.before")" "$(stat -c %t:%T /dev/null)" "/dev/null's device"

# A symlink to a regular file: both compilers replace the link and leave its target alone.
before=$(remote_jobs)
for cc in gcc clang; do
    trap_case "symlink to a regular file" $cc make_symlink link.o link.o real.o
done
assert_eq $((before + 2)) "$(remote_jobs)" "remote jobs for outputs behind a symlink"

pass
