#!/usr/bin/env bash
# Nested builds (docs/jobserver.md): `ferry make` under a ferry pool joins it (one pool,
# concurrency = that pool); `ferry make` under a plain `make -j2` owns a cluster-sized pool
# for its part, so the inner build runs at the cluster's size, not at 2.
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
two_runners
cp -r "$FIX/recursive" "$TEST_TMP/proj"
cat >"$TEST_TMP/proj/outer.mk" <<EOF2
# Two parts, each a nested ferry make of the recursive project.
all: p1 p2
p1 p2:
	+"$FERRY" make --no-print-directory -C "$TEST_TMP/proj" SUBS="\$@-a \$@-b" JOBS=6 SECS=0.3
.PHONY: all p1 p2
EOF2

note "ferry make inside ferry make: one pool"
timeout 120 "$FERRY" make -f "$TEST_TMP/proj/outer.mk" >"$TEST_TMP/nested.log" 2>&1 ||
    fail "nested ferry make failed: $(tail -20 "$TEST_TMP/nested.log")"
assert_eq 1 "$(grep -c ' start ' "$FERRY_JOBSERVER_LOG")" "pools made"
assert_eq 24 "$(grep -c '^E ' "$STAMPS")" "jobs that ran"
assert_eq 6 "$(max_overlap)" "overlap across both nested builds (the one pool)"
assert_tokens_back

note "ferry make under a plain make -j2: a cluster pool for the inner part"
: >"$STAMPS"
: >"$FERRY_JOBSERVER_LOG"
cat >"$TEST_TMP/proj/plain.mk" <<EOF2
all:
	+"$FERRY" make --no-print-directory -C "$TEST_TMP/proj" JOBS=12 SECS=0.3
EOF2
timeout 120 make -j2 -f "$TEST_TMP/proj/plain.mk" >"$TEST_TMP/plain.log" 2>&1 ||
    fail "ferry make under make -j2 failed: $(tail -20 "$TEST_TMP/plain.log")"
assert_eq 1 "$(grep -c ' start ' "$FERRY_JOBSERVER_LOG")" "pools made"
assert_eq 6 "$(max_overlap)" "inner overlap: the cluster's size, not the outer -j2"
assert_tokens_back
grep -q "INTERNAL" "$TEST_TMP/plain.log" && fail "the outer make lost tokens: $(cat "$TEST_TMP/plain.log")"
pass
