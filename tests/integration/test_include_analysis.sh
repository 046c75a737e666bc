#!/usr/bin/env bash
# include_analysis = "on" (docs/include-analysis.md): the coordinator's include analysis
# replaces the client's scan, and the runner's make rule of the files each compile opened
# proves every answer. Real builds through two runners with gcc, g++, clang and clang++: the
# core and Kbuild fixtures and the traps of issue 11 (a computed include, two same-named
# headers in two -I directories, __has_include of a file never included, #include_next,
# -imacros, -include, a header edited between two compiles, one created between two compiles
# in a search directory before the one it was found in, a warning and an error inside a
# header, hostile names and dot-lines on stderr). Every unit is byte-identical to a local
# compile (object, stderr, stdout, exit status), compiled remotely, and no wrapper ran a scan
# (the coordinator counts the local slots taken for one: `jobs.scan_passes`). Units with
# dependency options (every spelling: -MD, -MMD, -MF, -MT, -MQ, -MP, no -o, Kbuild's
# -Wp,-MMD, a depfile name with a space and a '$') run remotely too: the runner's compile
# writes the depfile, byte-identical to a local compile's, and its rule is the proof; -MMD
# traps where a header of an -I or -idirafter directory has a compiler header's name. A unit
# the analysis refuses (_Pragma("once")), a depfile that is /dev/null and an -MMD unit that
# ships a file only a __has_include names are scanned as before, counted with their
# reasons, and still match (an -MMD unit whose __has_include sits in a group the compile
# skips is served).
source "$(dirname "$0")/lib.sh"
ferry_test_init
have python3 || skip "no python3"
have gcc || skip "no gcc"
setup_core_project
start_ferryd 127.0.0.2
start_ferryd 127.0.0.3
# No backup compiles: a loaded host makes a unit outlast 2 s, and its copy would count twice
# among the runners' jobs, which the suite compares with the units.
cat >"$TEST_TMP/hosts.toml" <<TOML
include_analysis = "on"
[client]
backups = false
[[runner]]
address = "127.0.0.2"
port = $PORT
[[runner]]
address = "127.0.0.3"
port = $PORT
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"

UNITS=0
remote_before=$(total_jobs_done 127.0.0.2 127.0.0.3)
# unit COMPILER "FLAGS" SOURCE OUTPUT...: one unit through ferry, compared with a local compile.
unit() {
    compile_both "$@"
    UNITS=$((UNITS + 1))
}

note "the core fixture"
inc="-I$PROJ/include"
unit gcc "-O2 -g $inc" src/main.c build/main.o
unit g++ "-O2 -g -std=c++20 $inc" src/shapes.cpp build/shapes.o
unit gcc "-O0 -Wall $inc -DNDEBUG" src/warn.c build/warn.o
HAVE_CLANG=
if have_for clang "the clang units" && have_for clang++ "the clang++ unit"; then
    HAVE_CLANG=1
    unit clang "-O2 -g $inc" src/main.c build/main.o
    unit clang++ "-O1 -g -std=c++17 $inc" src/shapes.cpp build/shapes.o
fi

note "the Kbuild fixture: -nostdinc, -isystem, three -include, -imacros, -std=gnu11"
kbuild_fixture_units unit

note "traps"
T="$TEST_TMP/traps"
mkdir -p "$T/d1" "$T/d2" "$T/inc" "$T/build"
cat >"$T/computed.c" <<'C'
#define H "a.h"
#include H
#define SYS <stddef.h>
#include SYS
int computed(void) { return A_VALUE + (int)sizeof(size_t); }
C
echo '#define A_VALUE 7' >"$T/a.h"
# Two first.h: -Id1 -Id2 finds d1's, whose value the object carries.
echo '#define FIRST 1' >"$T/d1/first.h"
echo '#define FIRST 2' >"$T/d2/first.h"
printf '#include <first.h>\nint first(void) { return FIRST; }\n' >"$T/first.c"
# Two same.h: <same.h> is d1's, which continues to d2's with #include_next.
printf '#define FROM_D1 1\n#include_next <same.h>\n' >"$T/d1/same.h"
echo '#define FROM_D2 2' >"$T/d2/same.h"
printf '#include <same.h>\nint same(void) { return FROM_D1 + FROM_D2; }\n' >"$T/same.c"
# __has_include of a file that exists and is never included: the sandbox must answer yes.
echo '#error never included' >"$T/inc/optional.h"
cat >"$T/has.c" <<'C'
#if __has_include("optional.h")
int has(void) { return 1; }
#else
int has(void) { return 0; }
#endif
#if __has_include(<absent_header.h>)
int absent(void) { return 1; }
#endif
C
# -include and -imacros: their macros decide which header the source includes.
echo '#define FORCED_ON 1' >"$T/inc/force.h"
printf '#define USE_EXTRA\n#include "mac_helper.h"\n' >"$T/inc/mac.h"
echo '#define HELPER 3' >"$T/inc/mac_helper.h"
echo 'static int on(void) { return 1; }' >"$T/inc/on.h"
echo 'static int off(void) { return 0; }' >"$T/inc/off.h"
echo '#define EXTRA 5' >"$T/inc/extra.h"
cat >"$T/forced.c" <<'C'
#if FORCED_ON
#include "on.h"
int forced(void) { return on() + HELPER; }
#else
#include "off.h"
int forced(void) { return off(); }
#endif
#ifdef USE_EXTRA
#include "extra.h"
int extra(void) { return EXTRA; }
#endif
C
# A warning and an error inside a header: the compiler's own stderr and exit status.
printf '#warning "careful in a header"\nstatic int unused_in_header;\n' >"$T/inc/warns.h"
printf 'int broken(void) { return ; }\nint also = ;\n' >"$T/inc/broken.h"
printf '#include "warns.h"\nint warned(void) { return 1; }\n' >"$T/warned.c"
printf '#include "warns.h"\n#include "broken.h"\nint after(void) { return 2; }\n' >"$T/broken.c"
# Hostile: a header whose name looks like an -H line, and dot-lines on stderr naming shipped
# files (gcc prints a #pragma message's "\n" as a newline).
printf '#define ODD 4\n' >"$T/. x.h"
printf '#include ". x.h"\nint odd(void) { return ODD; }\n' >"$T/odd.c"
cat >"$T/dots.c" <<C
#include "a.h"
#pragma message ("x\n. $T/a.h\n.. $T/. x.h\nMultiple include guards may be useful for:\n$T/a.h")
#warning ". a.h"
int dots(void) { return A_VALUE; }
C
# A header edited between two compiles of the same unit.
printf '#define EDITED 1\n' >"$T/inc/edited.h"
printf '#include "edited.h"\nint edited(void) { return EDITED; }\n' >"$T/edited.c"

# A header created, between two compiles, in a search directory before the one it was found
# in. The coordinator remembers lookups while their directories are unchanged
# (util/path_memo.hpp); the directories are aged so that it trusts them, and the second
# compile must see the new header all the same.
mkdir -p "$T/e1" "$T/e2"
echo '#define LATE 1' >"$T/e2/late.h"
printf '#include <late.h>\nint late(void) { return LATE; }\n' >"$T/late.c"

PROJ=$T
mkdir -p "$TEST_TMP/ref"
CCS="gcc"
[ -n "$HAVE_CLANG" ] && CCS="gcc clang"
for cc in $CCS; do
    unit "$cc" "-O2 -g" computed.c build/computed.o
    unit "$cc" "-O2 -Id1 -Id2" first.c build/first.o
    unit "$cc" "-O2 -Id1 -Id2" same.c build/same.o
    unit "$cc" "-O2 -Iinc" has.c build/has.o
    unit "$cc" "-O2 -Iinc -include inc/force.h -imacros inc/mac.h" forced.c build/forced.o
    unit "$cc" "-O2 -Wall -Iinc" warned.c build/warned.o
    unit "$cc" "-O2 -Iinc" broken.c build/broken.o
    assert_eq 1 "$FERRY_RC" "exit status of a compile with an error in a header ($cc)"
    unit "$cc" "-O2" odd.c build/odd.o
    unit "$cc" "-O2" dots.c build/dots.o
    grep -q '^\. ' "$TEST_TMP/ferry.err" || [ "$cc" != gcc ] ||
        fail "the dot-lines of dots.c did not reach stderr: $(cat "$TEST_TMP/ferry.err")"
    unit "$cc" "-O2 -Iinc" edited.c build/edited.o
    printf '#define EDITED 22\n' >"$T/inc/edited.h"
    unit "$cc" "-O2 -Iinc" edited.c build/edited.o
    printf '#define EDITED 1\n' >"$T/inc/edited.h"
    touch -d '2020-01-01' "$T/e1" "$T/e2"
    sleep 2.5 # touch set their ctime: older than the racy window (util/stat_cache.hpp)
    unit "$cc" "-O2 -Ie1 -Ie2" late.c build/late.o
    unit "$cc" "-O2 -Ie1 -Ie2" late.c build/late.o
    echo '#define LATE 2' >"$T/e1/late.h"
    sleep 2.5 # and e1's new stamp too: only the stamp's change tells
    unit "$cc" "-O2 -Ie1 -Ie2" late.c build/late.o
    rm "$T/e1/late.h"
done
unit g++ "-O2 -Id1 -Id2 -x c++" first.c build/first.o

note "dependency options: the runner writes the depfile, its rule is the proof"
# compile_both_argv CC ARGS...: as compile_both for what it cannot spell (no -o, a path with a
# space): ARGS verbatim in $PROJ, the outputs in DEP_OUTS compared.
compile_both_argv() {
    local cc=$1 f
    shift
    (cd "$PROJ" && rm -f "${DEP_OUTS[@]}" && LC_ALL=C $cc "$@" >"$TEST_TMP/local.out" \
        2>"$TEST_TMP/local.err") && LOCAL_RC=0 || LOCAL_RC=$?
    for f in "${DEP_OUTS[@]}"; do
        [ -e "$PROJ/$f" ] || fail "a local '$cc $*' wrote no $f"
        mv "$PROJ/$f" "$TEST_TMP/ref/argv-$(basename "$f")"
    done
    (cd "$PROJ" && LC_ALL=C "$FERRY" $cc "$@" >"$TEST_TMP/ferry.out" 2>"$TEST_TMP/ferry.err") &&
        FERRY_RC=0 || FERRY_RC=$?
    assert_eq "$LOCAL_RC" "$FERRY_RC" "exit status of '$cc $*'"
    cmp -s "$TEST_TMP/local.err" "$TEST_TMP/ferry.err" || fail "stderr differs for '$cc $*'"
    for f in "${DEP_OUTS[@]}"; do
        assert_files_identical "$TEST_TMP/ref/argv-$(basename "$f")" "$PROJ/$f" "$f from '$cc $*'"
    done
    UNITS=$((UNITS + 1))
}
# -MMD traps: <stddef.h> from a system header (-isystem sys), which -MMD leaves out of the
# rule. -Ishadow comes before the compiler's own directory: shadow/stddef.h is the one; an
# -idirafter directory comes after it: the compiler's is the one. A wrong answer changes
# the object (SHADOWED).
mkdir -p "$T/shadow" "$T/after" "$T/sys"
printf '#define SHADOWED 11\ntypedef unsigned long size_t;\n' >"$T/shadow/stddef.h"
printf '#define SHADOWED 12\ntypedef unsigned long size_t;\n' >"$T/after/stddef.h"
printf '#include <stddef.h>\n' >"$T/sys/wrap.h"
cat >"$T/trap.c" <<'C'
#include <wrap.h>
#include "a.h"
#ifndef SHADOWED
#define SHADOWED 13
#endif
int trap(void) { return SHADOWED + (int)sizeof(size_t) + A_VALUE; }
C
DEPCCS="gcc g++"
[ -n "$HAVE_CLANG" ] && DEPCCS="gcc g++ clang clang++"
for cc in $DEPCCS; do
    unit "$cc" "-O2 -MD" computed.c build/computed.o build/computed.d
    unit "$cc" "-O2 -MMD" computed.c build/computed.o build/computed.d
    unit "$cc" "-O2 -MD -MF build/dep.d" computed.c build/computed.o build/dep.d
    unit "$cc" "-O2 -Id1 -Id2 -MMD -MF build/dep.d -MT dep-target" first.c build/first.o build/dep.d
    unit "$cc" '-O2 -MD -MQ $t' computed.c build/computed.o build/computed.d
    unit "$cc" "-O2 -Id1 -Id2 -MMD -MP" same.c build/same.o build/same.d
    unit "$cc" "-O2 -Wp,-MD,build/.computed.o.d" computed.c build/computed.o build/.computed.o.d
    unit "$cc" "-O2 -Wp,-MMD,build/.first.o.d -Id1 -Id2" first.c build/first.o build/.first.o.d
    unit "$cc" "-O2 -Iinc -MD -MP -include inc/force.h -imacros inc/mac.h" forced.c build/forced.o build/forced.d
    DEP_OUTS=(computed.o computed.d)
    compile_both_argv "$cc" -O2 -MD -c computed.c
    DEP_OUTS=(build/computed.o 'build/sp ace$.d')
    compile_both_argv "$cc" -O2 -MMD -MF 'build/sp ace$.d' -MT 'a b$' -c computed.c -o build/computed.o
    for dirs in "-Ishadow -isystem sys" "-idirafter after -isystem sys"; do
        unit "$cc" "-O2 $dirs -MMD" trap.c build/trap.o build/trap.d
        unit "$cc" "-O2 $dirs -MD" trap.c build/trap.o build/trap.d
    done
    # A compile that fails writes its depfile all the same.
    unit "$cc" "-O2 -Iinc -MD" broken.c build/broken.o build/broken.d
    assert_eq 1 "$FERRY_RC" "exit status of a failing compile with -MD ($cc)"
    # A header edited between two builds: the next depfile names what it now includes.
    unit "$cc" "-O2 -Iinc -MMD" edited.c build/edited.o build/edited.d
    ! grep -q extra.h "$PROJ/build/edited.d" || fail "extra.h in the first depfile of edited.c"
    printf '#include "extra.h"\n#define EDITED EXTRA\n' >"$T/inc/edited.h"
    unit "$cc" "-O2 -Iinc -MMD" edited.c build/edited.o build/edited.d
    grep -q "inc/extra.h" "$PROJ/build/edited.d" || fail "the edited header's include is not in the depfile"
    printf '#define EDITED 1\n' >"$T/inc/edited.h"
done
note "the Kbuild fixture with its -Wp,-MMD depfile"
kbuild_unit() { unit "$1" "$2 -Wp,-MMD,lib/math/.gcd.o.d" "$3" "$4" lib/math/.gcd.o.d; }
kbuild_fixture_units kbuild_unit

note "every unit compiled remotely with the analysis' files, no scan, every answer proved"
assert_eq "$UNITS" "$(( $(total_jobs_done 127.0.0.2 127.0.0.3) - remote_before ))" "units compiled by the runners"
assert_eq 0 "$(status_field jobs.scan_passes)" "scans run by the wrappers"
assert_eq "$UNITS" "$(status_field include_analysis.served)" "units served by the analysis"
assert_eq "$UNITS" "$(status_field include_analysis.superset)" "units proved"
assert_eq 0 "$(status_field include_analysis.missed)" "units the analysis missed (see the coordinator log)"
assert_eq 0 "$(status_field include_analysis.refused)" "units sent back to the scan"
assert_eq on "$(status_field include_analysis.mode)" "mode"
assert_eq 0 "$(status_field jobs.local)" "local compiles"
"$FERRY" status >"$TEST_TMP/status.txt" || fail "ferry status failed"
grep -E "^include analysis \(on\): $UNITS units analysed, $UNITS jobs served, $UNITS proved, 0 missed, median/mean [0-9.]+/[0-9.]+ ms$" \
    "$TEST_TMP/status.txt" >/dev/null || fail "ferry status line: $(cat "$TEST_TMP/status.txt")"
note "$(grep '^include analysis' "$TEST_TMP/status.txt")"

note "fallbacks to the scan: a refused unit (_Pragma once), -MF /dev/null, -MMD with a file only a __has_include names, a missing header"
cat >"$T/once.h" <<'C'
_Pragma("once")
#define ONCE 6
C
printf '#include "once.h"\n#include "once.h"\nint once(void) { return ONCE; }\n' >"$T/once.c"
printf '#include "a.h"\n#include "no_such_header.h"\nint missing(void) { return 0; }\n' >"$T/missing.c"
# dup.h in inc and d2: the analysis lists inc's, the manifest ships both (__has_include).
echo '#define DUP 1' >"$T/inc/dup.h"
echo '#define DUP 2' >"$T/d2/dup.h"
printf '#if __has_include(<dup.h>)\n#include <dup.h>\n#endif\nint dup(void) { return DUP; }\n' >"$T/dup.c"
before=$(total_jobs_done 127.0.0.2 127.0.0.3)
compile_both gcc "-O2" once.c build/once.o
compile_both gcc "-O2 -MD -MF /dev/null" computed.c build/computed.o
compile_both gcc "-O2 -Iinc -Id2 -MMD" dup.c build/dup.o build/dup.d
assert_eq $((before + 3)) "$(total_jobs_done 127.0.0.2 127.0.0.3)" "scanned units on the runners"
compile_both gcc "-O2" missing.c build/missing.o
assert_eq 1 "$FERRY_RC" "exit status of a unit with a missing header"
assert_eq 4 "$(status_field jobs.scan_passes)" "scans run by the wrappers"
assert_eq 3 "$(status_field include_analysis.refused)" "units the analysis sent back to the scan"
scanned=$(status_field include_analysis.scanned)
python3 -c 'import json, sys; s = json.loads(sys.argv[1]); sys.exit(not (s == {"the analysis refused": 2, "the dependency file is not a regular file": 1, "-MMD with files only a __has_include names": 1}))' \
    "$scanned" || fail "scan reasons: $scanned"
# The same unit with -MD: its rule lists every file, the proof holds.
served=$(status_field include_analysis.served)
compile_both gcc "-O2 -Iinc -Id2 -MD" dup.c build/dup.o build/dup.d
assert_eq $((served + 1)) "$(status_field include_analysis.served)" "an -MD unit with a __has_include file served"
assert_eq 4 "$(status_field jobs.scan_passes)" "scans run by the wrappers"
# -MMD again, but the __has_include is in a group the analysis decided the compile skips (as
# glibc's <bits/unistd_ext.h> asks for linux/close_range.h under __USE_GNU): no name the
# compile evaluates can open dup.h, so the unit is served (dup.h is still shipped).
printf '#ifdef FERRY_NEVER_DEFINED\n# if __has_include(<dup.h>)\n#  include <dup.h>\n# endif\n#endif\n#define SKIP 4\n' \
    >"$T/inc/skipper.h"
printf '#include <skipper.h>\nint skip(void) { return SKIP; }\n' >"$T/skip.c"
compile_both gcc "-O2 -Iinc -Id2 -MMD" skip.c build/skip.o build/skip.d
assert_eq $((served + 2)) "$(status_field include_analysis.served)" "an -MMD unit whose __has_include is skipped, served"
assert_eq 4 "$(status_field jobs.scan_passes)" "scans run by the wrappers"
grep -q "include analysis: unit $T/once.c needs the scan (the analysis refused: " "$(coordinator_log)" ||
    fail "the coordinator log does not say why once.c was scanned"

note "an unsandboxed runner refuses the user's dependency options (its depfile would name its mirror): the wrapper scans"
# Quiet: this runner also refuses the scanned job, for the links of Debian's /usr/include
# (ARCHITECTURE.md, step 3), and says so on stderr, which the comparison would see.
start_ferryd 127.0.0.4 --unsandboxed
cat >"$TEST_TMP/hosts-unsandboxed.toml" <<TOML
include_analysis = "on"
[client]
warn_on_fallback = false
[[runner]]
address = "127.0.0.4"
port = $PORT
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts-unsandboxed.toml"
compile_both gcc "-O2 -MD" computed.c build/computed.o build/computed.d
grep -q "job .*: refused: '-MD' is not allowed on a runner" "$(ferryd_log 127.0.0.4)" ||
    fail "the unsandboxed runner did not refuse -MD: $(tail -3 "$(ferryd_log 127.0.0.4)")"
assert_eq 1 "$(status_field jobs.scan_passes)" "scans after the refusal"
scanned=$(status_field include_analysis.scanned)
[ "$scanned" = '{"runners refused the dependency options": 1}' ] || fail "scan reasons: $scanned"
"$FERRY" shutdown >/dev/null 2>&1
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"

note "off: another coordinator, no analysis, the scan as before"
export FERRY_INCLUDE_ANALYSIS=off
compile_both gcc "-O2" computed.c build/computed.o
assert_eq 1 "$(status_field jobs.scan_passes)" "scans with the analysis off"
assert_eq off "$(status_field include_analysis.mode)" "mode"
"$FERRY" shutdown >/dev/null 2>&1
unset FERRY_INCLUDE_ANALYSIS
pass
