#!/usr/bin/env bash
# A finished job's mirror made into the next job's (docs/sandbox.md, "a mirror made from the
# one before"): real compiles through one ferryd with one slot, so each job's mirror is the
# one the job before left. Between the units the client's tree changes under them — a header
# deleted, a header edited, an include directory removed, a directory that becomes a link — and
# each unit, compiled remotely, sees exactly what a local compile sees: the same object, the
# same diagnostics (a file the job before shipped and this one did not would be found by
# `__has_include`, an -I directory it left would silence -Wmissing-include-dirs). The runner
# says it reused the mirrors (ferryd_mirrors_reused_total), keeps no more than its slots of
# them, and removes them when the client's connection closes. With --no-reuse-mirrors every
# mirror is built from nothing. Cache files removed behind the runner's back (its index still
# names them) are asked from the client again when a mirror's link fails.
source "$(dirname "$0")/lib.sh"
have gcc || skip "gcc not installed"
have curl || skip "curl not installed"
have python3 || skip "python3 not installed"
ferry_test_init
# One compile at a time, each on the runner: the mirror of the job before is the one reused.
export FERRY_LOCAL_WHEN_IDLE=0 FERRY_SPECULATE=0
TOOLS="$FERRY_SOURCE_DIR/tests/integration/tools"
A=127.0.0.2
B=127.0.0.3
MPORT=$((PORT + 1))
RUNNER_TMP=$(fault_runner_tmpdir $A)
TMPDIR="$RUNNER_TMP" start_ferryd $A --jobs 1 --metrics "$A:$MPORT"
start_ferryd $B --jobs 1 --metrics "$B:$MPORT" --no-reuse-mirrors

metric() { # ADDR SERIES
    curl -sS --max-time 10 "http://$1:$MPORT/metrics" >"$TEST_TMP/scrape.txt" || fail "scrape of $1 failed"
    python3 "$TOOLS/prom_check.py" "$TEST_TMP/scrape.txt" >"$TEST_TMP/scrape.tsv" ||
        fail "the scrape of $1 does not parse"
    awk -F'\t' -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' "$TEST_TMP/scrape.tsv" ||
        fail "no $2 in the scrape of $1"
}

PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ/inc" "$PROJ/extra" "$PROJ/real" "$PROJ/build" "$TEST_TMP/ref"
echo '#define VALUE 1' >"$PROJ/inc/value.h"
echo '#define ONLY_A 7' >"$PROJ/inc/only_a.h"
echo '#define EXTRA 3' >"$PROJ/extra/extra.h"
echo '#define MOVED 5' >"$PROJ/real/moved.h"
ln -s real "$PROJ/linked"
cat >"$PROJ/a.c" <<'EOF'
#include "only_a.h"
#include "value.h"
#include "extra.h"
#include <stdio.h>
int a(void) { return printf("%d\n", ONLY_A + VALUE + EXTRA); }
EOF
cat >"$PROJ/b.c" <<'EOF'
#if __has_include("only_a.h")
#error only_a.h is gone on the client: a remote compile that finds it reads the job before's
#endif
#include "value.h"
#include <stdio.h>
int b(void) { return printf("%d\n", VALUE); }
EOF
cat >"$PROJ/c.c" <<'EOF'
#include "moved.h"
int c(void) { return MOVED; }
EOF
FLAGS="-O2 -g -Iinc -Iextra -Ilinked -Wmissing-include-dirs"

# unit ADDR SOURCE: compiled through ferry on ADDR alone and locally, compared; remotely.
unit() {
    export FERRY_HOSTS="$1:$PORT/1"
    local before
    before=$(ferryd_jobs_done "$1")
    compile_both gcc "$FLAGS" "$2" "build/${2%.c}.o"
    assert_eq 0 "$FERRY_RC" "exit status of $2"
    assert_eq $((before + 1)) "$(ferryd_jobs_done "$1")" "$2 compiled on $1"
}

note "unit a, then b with only_a.h deleted and value.h edited on the client"
unit $A a.c
rm "$PROJ/inc/only_a.h"
echo '#define VALUE 2' >"$PROJ/inc/value.h"
unit $A b.c

note "an -I directory removed on the client: the same warning remotely"
rm -r "$PROJ/extra"
unit $A b.c
grep -q "extra.*No such file or directory\|include directory.*extra" "$TEST_TMP/ferry.err" ||
    fail "no warning for the missing -Iextra: $(cat "$TEST_TMP/ferry.err")"

note "a link that becomes a directory, and a header that moves under it"
rm "$PROJ/linked"
mkdir "$PROJ/linked"
echo '#define MOVED 9' >"$PROJ/linked/moved.h"
unit $A c.c
reused=$(metric $A ferryd_mirrors_reused_total)
[ "$reused" -ge 3 ] || fail "ferryd reused $reused mirrors for 4 jobs of one connection"
kept=$(metric $A ferryd_mirror_files_kept_total)
[ "$kept" -ge 10 ] || fail "reused mirrors kept $kept files (the toolchain's are the same)"
note "$reused mirrors reused, $kept files kept"

note "what the runner keeps: at most its slot's mirror, gone with the connection"
jobs_dir=$(find "$RUNNER_TMP" -mindepth 2 -maxdepth 2 -name jobs -type d)
[ -n "$jobs_dir" ] || fail "no jobs directory under $RUNNER_TMP"
assert_eq 0 "$(find "$jobs_dir" -mindepth 1 -maxdepth 1 -name 'job-*' | wc -l)" "job directories after the builds"
assert_eq 1 "$(find "$jobs_dir" -mindepth 1 -maxdepth 1 -name 'mirror-*' | wc -l)" "mirrors kept by a one-slot runner"
"$FERRY" shutdown >/dev/null 2>&1 || true
for ((i = 0; i < 100; i++)); do
    [ -z "$(find "$jobs_dir" -mindepth 1 -maxdepth 1)" ] && break
    sleep 0.1
done
assert_eq 0 "$(find "$jobs_dir" -mindepth 1 -maxdepth 1 | wc -l)" "mirrors kept after the client closed its connection"

note "--no-reuse-mirrors: the same units, every mirror from nothing"
echo '#define ONLY_A 7' >"$PROJ/inc/only_a.h"
mkdir -p "$PROJ/extra" && echo '#define EXTRA 3' >"$PROJ/extra/extra.h"
unit $B a.c
rm "$PROJ/inc/only_a.h"
unit $B b.c
assert_eq 0 "$(metric $B ferryd_mirrors_reused_total)" "mirrors reused with --no-reuse-mirrors"

note "the cache's files removed behind the runner's back: a job's mirror asks for them again"
cache_dir=$(sed -n "s/.* slots, cache \(\/[^ ]*\) (.*/\1/p" "$(ferryd_log $A)" | head -1)
[ -d "$cache_dir" ] || fail "no cache directory in ferryd's log ($cache_dir)"
removed=$(find "$cache_dir" -type f ! -name '.*' -print -delete | wc -l)
[ "$removed" -ge 10 ] || fail "only $removed files in the cache $cache_dir"
unit $A b.c
assert_eq 0 "$(grep -c "failed" "$(ferryd_log $A)")" "failed jobs in ferryd's log"
[ "$(find "$cache_dir" -type f ! -name '.*' | wc -l)" -ge 10 ] || fail "the files asked for again are not in the cache"

stop_ferryd $A
fault_assert_runner_tmp_empty $A
pass
