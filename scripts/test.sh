#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): a warnings-as-errors build with every unit and
# integration suite, the threaded unit tests under ThreadSanitizer, then the same suites under
# AddressSanitizer + UndefinedBehaviorSanitizer
# (clang), with the fuzz targets replaying their committed corpora (deterministic: no random
# search in CI; tests/fuzz/campaign.sh runs those by hand). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything a test needs is installed here (scripts/install-deps.sh): a suite or unit test
# that would skip for lack of something fails instead (tests/integration/lib.sh's `skip`,
# tests/unit/support/skip.hpp).
export FERRY_NO_SKIP=1
root=$PWD
jobs=$(nproc)

run_suite() { # build-dir, ctest parallelism, ctest exclusion regex (or ""), cmake args...
    local dir=$1 test_jobs=$2 exclude=$3
    shift 3
    cmake -S "$root" -B "$dir" -G Ninja -DFERRY_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j"$jobs"
    (cd "$dir" && ctest --output-on-failure -j"$test_jobs" --timeout 600 ${exclude:+-E "$exclude"})
}

# Every suite runs in the gcc half. The sanitizer half runs every unit test, the fuzz corpora and
# every integration suite but these: long builds of real projects and batteries of compiles
# (googletest, the 107-case correctness battery in both include-analysis modes, the scan traps,
# __has_include on real headers)
# the terminal monitor in tmux, the idle-CPU suite (it runs alone, measuring the machine's
# load; its meter's code is in the unit tests), and the packages (built from the gcc half's tree:
# they hold no code of their own, and sanitized binaries are nothing anyone installs). Under ASan they repeat the same coordinator and runner paths
# the other suites drive through their error cases, for some eight minutes of CI's 25.
# The real make 4.4.1 / ninja 1.13.2 suites (and their set-up) test the jobserver protocol with
# other programs; the ferry code they drive is what the make 4.3 suites drive under ASan. Four
# suites that mostly wait (a runner's restart, a network cut's timeout, CMake's configure, a
# frozen runner's backup race, the queue-ahead build's g++ loops) are left to the gcc half too:
# their ferry paths are the pool's resize, a link's death, the wrapper's and the scheduler's
# tail and queue order, which test_make_pool, test_fault_runner_dies, test_core_wrapper_forms
# and the scheduler's unit tests drive under ASan. The build systems on real projects (test_buildsys_*, real_projects_setup) drive
# the wrapper paths other suites drive under ASan. CI's whole run must stay under 25 minutes.
sanitize_exclude='^integration\.(test_(ninja_googletest|correctness_battery|scan_traps|has_include_real|mon|local_when_idle|package|real_tools|make_capacity|fault_network_cut|ninja_cmake|tail_backup|queue_ahead|buildsys_[a-z_]+)|real_tools_setup|real_projects_setup|test_[a-z_]+\.(make44|scan))$'

echo "=== build and test (gcc, warnings as errors) (at ${SECONDS} s)"
# -O2 without debug information: a third of the build's CPU is gcc writing DWARF that no CI step
# reads (the sanitizer half, where a report needs file and line, keeps full debug information).
# One suite more than CPUs: the gcc half's suites left a quarter of the CPU idle at -j2 (they
# wait for runners frozen, killed or restarted, for timeouts and for make; session 12: 628 CPU
# s in 431 s on 2 CPUs). The sanitizer half's suites are CPU-bound and keep one per CPU.
run_suite build/ci-gcc $((jobs + 1)) "" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG"

# The unit tests whose code runs on several threads (the runner's pool, libuv's work queue, the
# watchers: ctest label `threads`, tests/unit/CMakeLists.txt) run once more under
# ThreadSanitizer (clang; it excludes ASan, hence a build of its own). Only their targets, at
# -O1 with line tables only (reports keep file:line), with the precompiled headers: the
# cheapest TSan build that still names the racing lines.
if [ "${FERRY_SKIP_TSAN:-0}" != 1 ]; then
    echo "=== threaded unit tests under ThreadSanitizer (clang) (at ${SECONDS} s)"
    tsan_dir=build/ci-tsan
    cmake -S "$root" -B "$tsan_dir" -G Ninja -DFERRY_WERROR=ON -DFERRY_TSAN=ON \
        -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
    # Each unit test is a target of its name (ferry_unit_test).
    mapfile -t tsan_tests < <(cd "$tsan_dir" && ctest -L threads -N | sed -n 's/^ *Test *#[0-9]*: //p')
    cmake --build "$tsan_dir" -j"$jobs" --target "${tsan_tests[@]}"
    (cd "$tsan_dir" && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        ctest -L threads --output-on-failure -j"$jobs" --timeout 600)
fi

if [ "${FERRY_SKIP_SANITIZE:-0}" != 1 ]; then
    echo "=== build and test under ASan+UBSan (clang), fuzz targets on their corpora (at ${SECONDS} s)"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    run_suite build/ci-sanitize "$jobs" "$sanitize_exclude" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=Debug \
        -DFERRY_ASAN=ON -DFERRY_UBSAN=ON -DFERRY_FUZZ=ON
fi
echo "=== all tests passed (at ${SECONDS} s)"
