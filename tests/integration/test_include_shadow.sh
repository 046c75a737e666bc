#!/usr/bin/env bash
# Include analysis in shadow mode (docs/include-analysis.md): with include_analysis = "shadow"
# the coordinator analyses every unit it is sent next to the client's scan and counts the
# comparison in `ferry status --json`. Real builds through two runners: the core and Kbuild
# fixtures and a project of traps (a computed include, two same-named headers in two -I
# directories, #include_next, -include and -imacros of headers whose macros decide an #if, a
# header under #ifdef of a -D macro). Every unit is analysed, none is missed, every object
# is byte-identical to a local compile. A unit the analysis refuses (_Pragma("push_macro"))
# is counted refused and still compiles remotely, correctly. With shadow off the counters
# stay 0.
source "$(dirname "$0")/lib.sh"
ferry_test_init
have python3 || skip "no python3"
have gcc || skip "no gcc"
setup_core_project
start_ferryd 127.0.0.2
start_ferryd 127.0.0.3
cat >"$TEST_TMP/hosts.toml" <<TOML
include_analysis = "shadow"
[[runner]]
address = "127.0.0.2"
port = $PORT
[[runner]]
address = "127.0.0.3"
port = $PORT
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"

# shadow FIELD: a field of the include_analysis object, once the analysis has caught up.
shadow() {
    local i
    for ((i = 0; i < 600; i++)); do
        "$FERRY" status --json >"$TEST_TMP/status.json" || fail "ferry status --json failed"
        python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["include_analysis"]["pending"])' \
            "$TEST_TMP/status.json" && break
        sleep 0.1
    done
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["include_analysis"][sys.argv[2]])' \
        "$TEST_TMP/status.json" "$1"
}

UNITS=0
remote_before=$(total_jobs_done 127.0.0.2 127.0.0.3)
# unit COMPILER "FLAGS" SOURCE OUTPUT...: one unit through ferry, compared with a local compile.
unit() {
    compile_both "$@"
    assert_eq 0 "$FERRY_RC" "exit status of $1 $3"
    UNITS=$((UNITS + 1))
}

note "the core fixture, gcc and g++ (and clang when present)"
inc="-I$PROJ/include"
unit gcc "-O2 -g $inc" src/main.c build/main.o
unit g++ "-O2 -g -std=c++20 $inc" src/shapes.cpp build/shapes.o
unit gcc "-O0 -Wall $inc -DNDEBUG" src/warn.c build/warn.o
if have_for clang "the clang units"; then
    unit clang "-O2 $inc" src/main.c build/main.o
    unit clang++ "-O1 -std=c++17 $inc" src/shapes.cpp build/shapes.o
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
# Two same.h: <same.h> is d1's, which continues to d2's with #include_next.
cat >"$T/d1/same.h" <<'C'
#define FROM_D1 1
#include_next <same.h>
C
echo '#define FROM_D2 2' >"$T/d2/same.h"
cat >"$T/same.c" <<'C'
#include <same.h>
int same(void) { return FROM_D1 + FROM_D2; }
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
echo '#define FEATURE 11' >"$T/inc/feature.h"
cat >"$T/dflag.c" <<'C'
#ifdef WITH_FEATURE
#include "feature.h"
#endif
int dflag(void) {
#ifdef FEATURE
    return FEATURE;
#else
    return 0;
#endif
}
C
PROJ=$T
mkdir -p "$TEST_TMP/ref"
unit gcc "-O2" computed.c build/computed.o
unit gcc "-O2 -Id1 -Id2" same.c build/same.o
unit gcc "-O2 -Iinc -include inc/force.h -imacros inc/mac.h" forced.c build/forced.o
unit gcc "-O2 -Iinc -DWITH_FEATURE" dflag.c build/dflag.o
unit gcc "-O2 -Iinc" dflag.c build/dflag.o
if have_for clang "the clang units of the traps"; then
    unit clang "-O2 -Id1 -Id2" same.c build/same.o
    unit clang "-O2 -Iinc -include inc/force.h -imacros inc/mac.h" forced.c build/forced.o
fi

note "every unit analysed, ran remotely, none missed or refused"
assert_eq "$UNITS" "$(( $(total_jobs_done 127.0.0.2 127.0.0.3) - remote_before ))" "units compiled by the runners"
assert_eq "$UNITS" "$(shadow units)" "units analysed"
assert_eq 0 "$(shadow missed)" "units the analysis missed (see the coordinator log)"
assert_eq 0 "$(shadow refused)" "units the analysis refused"
assert_eq "$UNITS" "$(shadow superset)" "superset units"
python3 -c 'import json, sys; a = json.load(open(sys.argv[1]))["include_analysis"]; sys.exit(not (a["analysis_ms_total"] > 0 and a["analysis_ms_median"] > 0 and a["probe_ms_total"] > 0))' \
    "$TEST_TMP/status.json" || fail "no analysis time recorded: $(cat "$TEST_TMP/status.json")"
"$FERRY" status >"$TEST_TMP/status.txt" || fail "ferry status failed"
grep -E "^include analysis \(shadow\): $UNITS units, $UNITS superset, 0 missed, 0 refused, median/mean [0-9.]+/[0-9.]+ ms$" \
    "$TEST_TMP/status.txt" >/dev/null || fail "ferry status line: $(cat "$TEST_TMP/status.txt")"
note "$(grep '^include analysis' "$TEST_TMP/status.txt")"
note "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["include_analysis"])' "$TEST_TMP/status.json")"

note "a unit the analysis refuses (_Pragma push_macro) is counted, and compiles remotely and right"
echo '#define B_VALUE 9' >"$T/b.h"
cat >"$T/refused.c" <<'C'
#define HDR "a.h"
_Pragma("push_macro(\"HDR\")")
#undef HDR
#define HDR "b.h"
_Pragma("pop_macro(\"HDR\")")
#include HDR
int refused(void) { return A_VALUE; }
C
before=$(total_jobs_done 127.0.0.2 127.0.0.3)
unit gcc "-O2" refused.c build/refused.o
assert_eq $((before + 1)) "$(total_jobs_done 127.0.0.2 127.0.0.3)" "the refused unit ran on a runner"
assert_eq 1 "$(shadow refused)" "refused units"
assert_eq "$UNITS" "$(shadow units)" "units analysed"
assert_eq 0 "$(shadow missed)" "missed units"
grep -q "include analysis refused unit $T/refused.c" "$(coordinator_log)" ||
    fail "the coordinator log does not say why refused.c was refused"

note "shadow off: another coordinator, counters stay 0"
export FERRY_INCLUDE_ANALYSIS=off
unit gcc "-O2 -Iinc -DWITH_FEATURE" dflag.c build/dflag.o
unit gcc "-O2" computed.c build/computed.o
"$FERRY" status --json >"$TEST_TMP/off.json" || fail "ferry status --json failed"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); a = s["include_analysis"]; sys.exit(not (s["jobs"]["remote"] == 2 and a["units"] == a["superset"] == a["missed"] == a["refused"] == 0))' \
    "$TEST_TMP/off.json" || fail "shadow off: $(cat "$TEST_TMP/off.json")"
"$FERRY" status >"$TEST_TMP/off.txt" || fail "ferry status failed"
grep -q "^include analysis" "$TEST_TMP/off.txt" && fail "shadow off prints the include analysis line"
"$FERRY" shutdown >/dev/null 2>&1
unset FERRY_INCLUDE_ANALYSIS
pass
