#!/usr/bin/env bash
# Jobs sent straight to ferryd (no coordinator) come back byte-identical to local compiles at
# the same paths: gcc, g++ (libstdc++ headers reached through "12/../../../../include"),
# clang, clang++, with -O2 -g and -gsplit-dwarf; a compile error comes back with the client's
# paths in its diagnostics; the second job is served from the file cache; nothing is left
# behind once ferryd exits.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
ferry_test_init
setup_core_project
A=127.0.0.4
RUNNER_TMP="$TEST_TMP/runner-tmp"
# ferryd started as root runs as nobody: it must reach and write its TMPDIR.
mkdir -p "$RUNNER_TMP"
chmod 711 "$TEST_TMP"
chmod 1777 "$RUNNER_TMP"
TMPDIR="$RUNNER_TMP" start_ferryd $A

cd "$PROJ"
jobs=0
# remote_vs_local LANG COMPILER SOURCE OUTPUT "FLAGS" [EXTRA_OUTPUT...]
remote_vs_local() {
    local lang=$1 cc=$2 src=$3 out=$4 flags=$5
    shift 5
    local outs=("$out" "$@") f rc_local=0 rc_remote=0
    # shellcheck disable=SC2086
    build_manifest "$TEST_TMP/m" "$lang" "$cc" "$src" $flags
    rm -f "${outs[@]}"
    # shellcheck disable=SC2086
    LC_ALL=C $cc $flags -c "$src" -o "$out" 2>"$TEST_TMP/local.err" || rc_local=$?
    rm -rf "$TEST_TMP/ref" && mkdir -p "$TEST_TMP/ref"
    for f in "${outs[@]}"; do [ -e "$f" ] && mv "$f" "$TEST_TMP/ref/$(basename "$f")"; done
    rm -rf "$TEST_TMP/out"
    # shellcheck disable=SC2086
    LC_ALL=C FERRY_PROBE_LANG=$lang probe job "$A:$PORT" "$cc" "$TEST_TMP/m.files" \
        "$TEST_TMP/m.sysinc" "$TEST_TMP/out" -- $flags -c "$src" -o "$out" \
        >"$TEST_TMP/remote.out" 2>"$TEST_TMP/remote.err" || rc_remote=$?
    jobs=$((jobs + 1))
    assert_eq "$rc_local" "$rc_remote" "exit status of $cc $flags -c $src ($(cat "$TEST_TMP/remote.out"))"
    cmp -s "$TEST_TMP/local.err" "$TEST_TMP/remote.err" ||
        fail "stderr of $cc $flags -c $src differs: $(diff "$TEST_TMP/local.err" "$TEST_TMP/remote.err" | head -20)"
    for f in "${outs[@]}"; do
        if [ -e "$TEST_TMP/ref/$(basename "$f")" ]; then
            assert_files_identical "$TEST_TMP/ref/$(basename "$f")" "$TEST_TMP/out$PROJ/$f" \
                "$f from $cc $flags"
        else
            [ ! -e "$TEST_TMP/out$PROJ/$f" ] || fail "the runner sent $f, a local compile writes none"
        fi
    done
}

for pair in gcc:g++ clang:clang++; do
    cc=${pair%:*}
    cxx=${pair#*:}
    have_for "$cc" "the $cc / $cxx compiles" || continue
    note "$cc / $cxx"
    remote_vs_local c "$cc" src/main.c build/main.o "-O2 -g -Iinclude"
    remote_vs_local c++ "$cxx" src/shapes.cpp build/shapes.o "-O2 -g -std=c++17 -Iinclude"
    remote_vs_local c "$cc" src/main.c build/main.o "-O2 -g -gsplit-dwarf -Iinclude" build/main.dwo
    remote_vs_local c "$cc" src/warn.c build/warn.o "-O2 -Wall -Iinclude"
    # An absolute source path: its diagnostics carry the path, which must be the client's.
    remote_vs_local c "$cc" "$PROJ/src/error.c" build/error.o "-O2 -Wall -I$PROJ/include"
    [ -s "$TEST_TMP/remote.err" ] || fail "$cc: the compile error has no diagnostics"
    assert_contains "$TEST_TMP/remote.err" "$PROJ/src/error.c" "diagnostics name the client's path"
    grep -q "$RUNNER_TMP" "$TEST_TMP/remote.err" && fail "the runner's root shows in diagnostics"
done

note "jobs logged and the cache used"
[ "$(ferryd_jobs_done $A)" -ge "$jobs" ] || fail "ferryd counted $(ferryd_jobs_done $A) jobs, expected $jobs"
assert_contains "$(ferryd_log $A)" "src/main.c -> exit 0 in"
probe stats "$A:$PORT" >"$TEST_TMP/stats.txt"
grep -Eq "hits [1-9]" "$TEST_TMP/stats.txt" || fail "no cache hits: $(cat "$TEST_TMP/stats.txt")"

note "nothing left behind"
stop_ferryd $A
assert_dir_empty "$RUNNER_TMP"
pass
