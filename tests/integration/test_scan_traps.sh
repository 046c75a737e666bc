#!/usr/bin/env bash
# Issue 9, traps of real-world command lines in the client's scan and the job's file system:
# (1) the remembered search list of a C compile reused by a C++ one in the same directory;
# (2) what gcc's -fdirectives-only scan missed (_Pragma push_macro/pop_macro and once,
# %:include, ??=include); (3) an empty -I directory under -Werror=missing-include-dirs;
# (4) a working directory entered through a symbolic link (DW_AT_comp_dir is $PWD);
# (5) a #pragma once (or guarded) header reached again through a symlinked directory.
# Every case compares object, depfile, stderr and exit status with a plain local compile
# and checks from `ferry status` that it ran remotely. The scan is what is tested, so the
# include analysis (on by default; its own traps are test_include_analysis') is off here: the
# scan is still every unit's path when the analysis refuses one, and all of them with "off".
export FERRY_IDLE_TIMEOUT=300 # job counts are read from one coordinator across the suite
export FERRY_INCLUDE_ANALYSIS=off
source "$(dirname "$0")/lib.sh"
ferry_test_init
start_core_runners
PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ" "$TEST_TMP/ref"

# The coordinator's counts (`ferry status --json`): a job that failed on its runner for want
# of a file and was compiled again locally is one of `sent_back`, not of `remote`.
remote_jobs() { status_field jobs.remote; }
redone_locally() { status_field jobs.sent_back; }

# both DIR CC "FLAGS" SRC OUT: compiles in DIR (entered with cd, so $PWD is as given) with
# -MD into OUT.d, locally then through ferry; object, depfile, stderr and exit status must
# be equal, and the ferry compile must have run remotely (REMOTE=0 to expect local).
both() {
    local dir=$1 cc=$2 flags=$3 src=$4 out=$5 before after f
    local outs=("$out" "$out.d")
    # shellcheck disable=SC2086
    (cd "$dir" && rm -f "${outs[@]}" && LC_ALL=C $cc $flags -MD -MF "$out.d" -c "$src" -o "$out" \
        2>"$TEST_TMP/local.err") && LOCAL_RC=0 || LOCAL_RC=$?
    for f in "${outs[@]}"; do
        rm -f "$TEST_TMP/ref/$f"
        if [ -e "$dir/$f" ]; then mv "$dir/$f" "$TEST_TMP/ref/$f"; fi
    done
    before=$(remote_jobs)
    local local_before
    local_before=$(redone_locally)
    # shellcheck disable=SC2086
    (cd "$dir" && LC_ALL=C "$FERRY" $cc $flags -MD -MF "$out.d" -c "$src" -o "$out" \
        2>"$TEST_TMP/ferry.err") && FERRY_RC=0 || FERRY_RC=$?
    after=$(remote_jobs)
    local what="'$cc $flags -c $src' in $dir"
    assert_eq "$LOCAL_RC" "$FERRY_RC" "exit status of $what"
    cmp -s "$TEST_TMP/local.err" "$TEST_TMP/ferry.err" ||
        fail "stderr differs for $what:$(diff "$TEST_TMP/local.err" "$TEST_TMP/ferry.err" | head -20)"
    for f in "${outs[@]}"; do
        if [ -e "$TEST_TMP/ref/$f" ]; then
            [ -e "$dir/$f" ] || fail "ferry did not write $f for $what"
            assert_files_identical "$TEST_TMP/ref/$f" "$dir/$f" "$f from $what"
        else
            [ ! -e "$dir/$f" ] || fail "ferry wrote $f, a local compile does not ($what)"
        fi
    done
    assert_eq "$((before + ${REMOTE:-1}))" "$after" "remote jobs after $what"
    assert_eq "$local_before" "$(redone_locally)" "jobs the coordinator sent local after $what"
    note "$what: rc $LOCAL_RC, remote $((after - before))"
}

COMPILERS="gcc clang"
CXX_COMPILERS="g++ clang++"

# ---- (1) the search-list memo and the language ----
mkdir "$PROJ/lang"
printf 'int c_only(void) { return 1; }\n' >"$PROJ/lang/a.c"
printf '#include <vector>\nint n() { return std::vector<int>(3).size(); }\n' >"$PROJ/lang/b.cc"
printf '#include <vector>\nint m() { return std::vector<int>(4).size(); }\n' >"$PROJ/lang/d.c"
for cc in $COMPILERS; do
    both "$PROJ/lang" "$cc" "-O2" a.c a.o
    both "$PROJ/lang" "$cc" "-O2" b.cc b.o # same shape, another language
    both "$PROJ/lang" "$cc" "-O2 -x c++" d.c d.o
done

# ---- (2) constructs gcc's -fdirectives-only does not evaluate ----
mkdir "$PROJ/dir"
cd "$PROJ/dir"
printf 'int picked_a = 1;\n' >a.h
printf '#error the scan chose b.h, the compile a.h\n' >b.h
cat >pm.c <<'X'
#define HDR "a.h"
_Pragma("push_macro(\"HDR\")")
#undef HDR
#define HDR "b.h"
_Pragma("pop_macro(\"HDR\")")
#include HDR
int f(void) { return picked_a; }
X
printf 'int digraph_h = 2;\n' >dg.h
printf '%%:include "dg.h"\nint g(void) { return digraph_h; }\n' >dg.c
printf 'int trigraph_h = 3;\n' >tg.h
printf '??=include "tg.h"\nint h(void) { return trigraph_h; }\n' >tg.c
printf '_Pragma("once")\nint once_h = 4;\n' >once.h
printf '#include "once.h"\n#include "once.h"\nint k(void) { return once_h; }\n' >once.c
cd "$PROJ"
for cc in $COMPILERS; do
    both "$PROJ/dir" "$cc" "-O2 -g" pm.c pm.o
    both "$PROJ/dir" "$cc" "-O2 -g" dg.c dg.o
    both "$PROJ/dir" "$cc" "-O2 -g" once.c once.o
done
both "$PROJ/dir" gcc "-O2 -g -std=c99" tg.c tg.o
both "$PROJ/dir" gcc "-O2 -g -trigraphs" tg.c tg.o
both "$PROJ/dir" clang "-O2 -g -trigraphs" tg.c tg.o

# ---- (3) every directory the compile searches exists in the job ----
mkdir -p "$PROJ/mi/emptydir" "$PROJ/mi/real-empty" "$PROJ/mi/inc"
ln -s real-empty "$PROJ/mi/linked-empty"
printf '#define MI 5\n' >"$PROJ/mi/inc/mi.h"
printf '#include "mi.h"\nint mi(void) { return MI; }\n' >"$PROJ/mi/mi.c"
for cc in $COMPILERS; do
    for opt in -I -iquote -isystem -idirafter; do
        both "$PROJ/mi" "$cc" "-O2 -Werror=missing-include-dirs -Iinc $opt emptydir" mi.c mi.o
    done
    both "$PROJ/mi" "$cc" "-Wmissing-include-dirs -Werror -Iinc -Ilinked-empty -I$PROJ/mi/emptydir/" mi.c mi.o
    # A directory missing here stays missing there: the warning is the same.
    both "$PROJ/mi" "$cc" "-O2 -Wmissing-include-dirs -Iinc -Inot-there" mi.c mi.o
done

# ---- (4) a working directory entered through a symbolic link ----
mkdir -p "$PROJ/phys/src"
ln -s proj/phys "$TEST_TMP/logical"
printf '#include "w.h"\nint w(void) { return W; }\n' >"$PROJ/phys/src/w.c"
printf '#define W 6\n' >"$PROJ/phys/src/w.h"
for cc in $COMPILERS; do
    both "$TEST_TMP/logical/src" "$cc" "-O0 -g" w.c w.o
    readelf --debug-dump=info "$TEST_TMP/logical/src/w.o" | grep -q "$TEST_TMP/logical/src" ||
        fail "$cc recorded no logical comp_dir: the case proves nothing"
done

# ---- (5) a #pragma once header reached again through a symlinked directory ----
mkdir -p "$PROJ/po/real"
ln -s real "$PROJ/po/alias"
ln -s nowhere "$PROJ/po/dangling"
printf '#pragma once\nint po_value = 7;\n' >"$PROJ/po/real/po.h"
printf '#ifndef GUARD_H\n#define GUARD_H\nint guard_value = 8;\n#endif\n' >"$PROJ/po/real/guard.h"
printf '#include "real/po.h"\n#include "alias/po.h"\nint p(void) { return po_value; }\n' >"$PROJ/po/po.c"
printf '#include "real/guard.h"\n#include "alias/guard.h"\nint q(void) { return guard_value; }\n' >"$PROJ/po/guard.c"
printf '#include "po.h"\n#include "../alias/po.h"\nint r(void) { return po_value; }\n' >"$PROJ/po/real/inner.c"
for cc in $COMPILERS; do
    both "$PROJ/po" "$cc" "-O2 -g" po.c po.o
    both "$PROJ/po" "$cc" "-O2 -g" guard.c guard.o
    both "$PROJ/po" "$cc" "-O2 -g" real/inner.c inner.o
done
for cxx in $CXX_COMPILERS; do
    both "$PROJ/po" "$cxx" "-O2 -g -x c++" po.c po.o
done

pass
