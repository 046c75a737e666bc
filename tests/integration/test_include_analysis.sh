#!/usr/bin/env bash
# include_analysis = "on" (docs/include-analysis.md): the coordinator's include analysis
# replaces the client's scan, and the runner's make rule of the files each compile opened
# proves every answer. Real builds through two runners with gcc, g++, clang and clang++: the
# core and Kbuild fixtures and the traps of issue 11 (a computed include, two same-named
# headers in two -I directories, __has_include of a file never included, #include_next,
# -imacros, -include, a header edited between two compiles, a warning and an error inside a
# header, hostile names and dot-lines on stderr). Every unit is byte-identical to a local
# compile (object, stderr, stdout, exit status), compiled remotely, and no wrapper ran a scan
# (the coordinator counts the local slots taken for one: `jobs.scan_passes`). A unit the
# analysis refuses (_Pragma("once")) and a unit with dependency options are scanned as
# before, counted with their reasons, and still match.
source "$(dirname "$0")/lib.sh"
ferry_test_init
have python3 || skip "no python3"
have gcc || skip "no gcc"
setup_core_project
start_ferryd 127.0.0.2
start_ferryd 127.0.0.3
cat >"$TEST_TMP/hosts.toml" <<TOML
include_analysis = "on"
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
if have clang && have clang++; then
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
done
unit g++ "-O2 -Id1 -Id2 -x c++" first.c build/first.o

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

note "fallbacks to the scan: a refused unit (_Pragma once), dependency options, a missing header"
cat >"$T/once.h" <<'C'
_Pragma("once")
#define ONCE 6
C
printf '#include "once.h"\n#include "once.h"\nint once(void) { return ONCE; }\n' >"$T/once.c"
printf '#include "a.h"\n#include "no_such_header.h"\nint missing(void) { return 0; }\n' >"$T/missing.c"
before=$(total_jobs_done 127.0.0.2 127.0.0.3)
compile_both gcc "-O2" once.c build/once.o
compile_both gcc "-O2 -MD -MF build/dep.d -MT dep-target" computed.c build/computed.o build/dep.d
compile_both gcc "-O2 -Id1 -Id2 -MMD -MP" first.c build/first.o build/first.d
assert_eq $((before + 3)) "$(total_jobs_done 127.0.0.2 127.0.0.3)" "scanned units on the runners"
compile_both gcc "-O2" missing.c build/missing.o
assert_eq 1 "$FERRY_RC" "exit status of a unit with a missing header"
assert_eq 4 "$(status_field jobs.scan_passes)" "scans run by the wrappers"
assert_eq 2 "$(status_field include_analysis.refused)" "units the analysis sent back to the scan"
scanned=$(status_field include_analysis.scanned)
python3 -c 'import json, sys; s = json.loads(sys.argv[1]); sys.exit(not (s == {"the analysis refused": 2, "dependency options": 2}))' \
    "$scanned" || fail "scan reasons: $scanned"
grep -q "include analysis: unit $T/once.c needs the scan (the analysis refused: " "$(coordinator_log)" ||
    fail "the coordinator log does not say why once.c was scanned"

note "off: another coordinator, no analysis, the scan as before"
export FERRY_INCLUDE_ANALYSIS=off
compile_both gcc "-O2" computed.c build/computed.o
assert_eq 1 "$(status_field jobs.scan_passes)" "scans with the analysis off"
assert_eq off "$(status_field include_analysis.mode)" "mode"
"$FERRY" shutdown >/dev/null 2>&1
unset FERRY_INCLUDE_ANALYSIS
pass
