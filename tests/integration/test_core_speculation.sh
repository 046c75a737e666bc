#!/usr/bin/env bash
# Speculative start (client/speculation.hpp): a unit built before is sent to a runner with
# its last file list while the wrapper scans; the answer is used only when the scan yields the
# same request. Checked here: the rebuild runs speculatively and gives the local bytes and
# stderr; a header edited in place (same list) is read anew; a header list that changed
# drops the speculative job and the object is still the local one, and a start answered
# "compile here" (a file missing) is not counted a local compile; `speculate = false` turns
# it off. Speculation belongs to the wrapper's scan: with include_analysis "on" (the default)
# a unit is sent unscanned and nothing is speculated, so this suite keeps the scan.
source "$(dirname "$0")/lib.sh"
ferry_test_init
export FERRY_INCLUDE_ANALYSIS=off
setup_core_project
start_core_runners
mkdir -p "$PROJ/spec"
cat >"$PROJ/spec/unit.c" <<'C'
#include "unit.h"
int unit_value(int x) {
    int unused; /* -Wall says so, locally and remotely alike */
    return x * UNIT_FACTOR + 1;
}
C
echo '#define UNIT_FACTOR 3' >"$PROJ/spec/unit.h"
flags="-O2 -g -Wall -Ispec"

# Speculative starts whose answer was used, by the coordinator's count (`ferry status --json`).
spec_lines() { status_field jobs.speculative_used; }
# The wrapper's confirmation is one-way: the coordinator may count it just after the wrapper
# exits. Waits up to 5 s for the count to reach N, then prints it.
spec_lines_reaching() {
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(spec_lines)" -ge "$1" ] && break
        sleep 0.1
    done
    spec_lines
}
# An unconfirmed start is dropped while it runs, or its answer goes unused if it was faster.
dropped_lines() { status_field jobs.speculative_unused; }
first_log=""

note "first build: nothing to speculate on"
compile_both gcc "$flags" spec/unit.c build/unit.o
first_log=$(coordinator_log)
assert_contains "$TEST_TMP/ferry.err" "unused" "the warning came back"
assert_eq 0 "$(spec_lines)" "speculative jobs after the first build"

note "the same unit again: started before the scan ended, and used"
before=$(total_jobs_done 127.0.0.2 127.0.0.3)
compile_both gcc "$flags" spec/unit.c build/unit.o
assert_eq 1 "$(spec_lines_reaching 1)" "speculative jobs after the rebuild"
assert_eq 1 $(($(total_jobs_done 127.0.0.2 127.0.0.3) - before)) "runner jobs for the rebuild"

note "the header edited in place (same file list): its new text is what gets compiled"
echo '#define UNIT_FACTOR 7' >"$PROJ/spec/unit.h"
compile_both gcc "$flags" spec/unit.c build/unit.o
assert_eq 2 "$(spec_lines_reaching 2)" "speculative jobs after the header edit"

note "the header list changed: the speculative job is dropped, the object is still right"
echo '#include "extra.h"' >"$PROJ/spec/unit.h"
echo '#define UNIT_FACTOR 11' >"$PROJ/spec/extra.h"
compile_both gcc "$flags" spec/unit.c build/unit.o
for _ in $(seq 1 50); do [ "$(dropped_lines)" -ge 1 ] && break; sleep 0.1; done
assert_eq 1 "$(dropped_lines)" "the unconfirmed start was dropped"
assert_eq 2 "$(spec_lines)" "no speculative answer used when the list changed"
# Counted once: the unused start is wasted runner work, not one of the unit's compiles.
assert_eq 2 "$(status_field jobs.speculative_used)" "speculative starts used (status)"
assert_eq 1 "$(status_field jobs.speculative_unused)" "speculative starts unused (status)"
assert_eq 4 "$(status_field jobs.remote)" "remote jobs: first build, two used starts, the new list"
# The start compiled without extra.h, which fails "for want of a file" on the runner: when
# that answer ("compile here") came before the scan ended it is still not a local compile.
assert_eq 0 "$(status_field jobs.local)" "local compiles after the unconfirmed start"
note "and the next rebuild speculates on the new list"
compile_both gcc "$flags" spec/unit.c build/unit.o
assert_eq 3 "$(spec_lines_reaching 3)" "speculative jobs after the new list"

note "a header the memo lists is gone: the start is answered 'compile here' at once, unused"
echo '#define UNIT_FACTOR 13' >"$PROJ/spec/unit.h"
rm "$PROJ/spec/extra.h"
compile_both gcc "$flags" spec/unit.c build/unit.o
for _ in $(seq 1 50); do [ "$(dropped_lines)" -ge 2 ] && break; sleep 0.1; done
assert_eq 2 "$(dropped_lines)" "the start with a missing file went unused"
assert_eq 0 "$(status_field jobs.local)" "local compiles after the start with a missing file"
assert_eq 6 "$(status_field jobs.remote)" "remote jobs: and the scanned request"
note "C++ with clang++ too"
printf '#include <vector>\n#include "unit.h"\nint f(std::vector<int>& v) { return int(v.size()) * UNIT_FACTOR; }\n' \
    >"$PROJ/spec/unit.cpp"
compile_both clang++ "$flags" spec/unit.cpp build/unit.o
compile_both clang++ "$flags" spec/unit.cpp build/unit.o
assert_eq 4 "$(spec_lines_reaching 4)" "speculative jobs after the clang++ rebuild"

note "speculate = false"
cat >"$TEST_TMP/hosts.toml" <<TOML
[client]
speculate = false
[[runner]]
address = "127.0.0.2"
port = $PORT
TOML
unset FERRY_HOSTS
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"
compile_both gcc "$flags" spec/unit.c build/unit.o
compile_both gcc "$flags" spec/unit.c build/unit.o
log=$(ls "$XDG_RUNTIME_DIR"/ferry/*.log | grep -vx "$first_log" || true)
[ -n "$log" ] && [ -f "$log" ] || fail "the second configuration did not get its own coordinator"
assert_eq 2 "$(status_field jobs.remote)" "remote jobs without speculation"
assert_eq 0 "$(status_field jobs.speculative_used)" "speculative answers used with speculate = false"
assert_eq 0 "$(status_field jobs.speculative_unused)" "speculative starts with speculate = false"
pass
