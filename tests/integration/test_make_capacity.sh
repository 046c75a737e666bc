#!/usr/bin/env bash
# Capacity follows the cluster: a runner stopped in the middle of a build takes its tokens
# out of circulation as they come back (concurrency drops to the new capacity), the build
# succeeds, and the runner started again raises concurrency back. With the machine's make
# (4.3, the pipe) and, as test_make_capacity.make44, make 4.4.1 (the fifo).
source "$(dirname "$0")/lib.sh"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
capacity_cluster
cp -r "$FIX/recursive" "$TEST_TMP/proj"

# Enough 0.3 s jobs to outlast a slow shrink on a loaded machine (capacity_follows lets the
# rest run out without the sleep). The fixture stamps two "E" lines per job (two sub-makes).
JOBS=600
capacity_follows $((2 * JOBS)) "$FERRY" make -C "$TEST_TMP/proj" JOBS=$JOBS SECS=0.3
assert_contains "$FERRY_JOBSERVER_LOG" "$(make_auth)" "the pool's style for $(make --version | head -1)"
pass
