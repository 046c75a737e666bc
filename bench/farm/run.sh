#!/usr/bin/env bash
# bench/farm: a 2-core machine split with cgroup v1 CPU quotas into a client and several
# runners, and the same build four ways on it: local (the client's quota only), distcc,
# icecream and ferry (each with one daemon per runner, inside that runner's quota).
# Every run starts fresh runners (and, for ferry, a fresh coordinator and empty caches),
# times the build, checks its objects against the local build's and that compiles ran
# remotely, and measures the client's CPU per object and the runners' CPU (cpuacct).
#
#   bench/farm/run.sh [--shape default|wide] [--workloads "tiny openssl linux gtest"]
#                     [--modes "local distcc icecream ferry ferry_scan ferry_on ferry_on_base"]
#                     [--runs N]
#                     [--runners "1 2 3"]
#                     [--quick [N]] [--append] [--plot] [--profile] [--self-check]
#
#   --shape default   client 0.4 CPU + 3 runners x 0.4 CPU, 2 slots each (ideal speedup 4.0x)
#   --shape wide      client 0.2 CPU + 6 runners x 0.3 CPU, 2 slots each (ideal speedup 10x)
#   --runners LIST    also run with fewer runners of the shape (for the speedup plot)
#   --quick [N]       only the first N objects (default 40) of openssl and gtest
#   --append          append the report to bench/farm/RESULTS.md (otherwise stdout only)
#   --plot            write bench/farm/speedup-WORKLOAD-SHAPE.svg (gnuplot) from the runs
#   --profile         split each run's CPU by side and process (perf, lib/profile.sh)
#                     (FARM_KEEP_PERF=1 FARM_KEEP=1: its samples kept as run/perf-*.data)
#   --self-check      create the shape's cgroups, check quota and accounting, tear down, exit
#
# Needs root (cgroups), what `scripts/install-deps.sh --bench` installs, and ferry built:
# FERRY, FERRYD (default: build/bench/programs/ferry/ferry, build/bench/programs/ferryd/ferryd);
# ferry runs ferry's defaults (the include analysis on), ferry_scan the client's scan for every
# unit (include_analysis = "off"), ferry_on says "on" explicitly (for builds older than the
# default); ferry_on_base runs FERRY_BASE and FERRYD_BASE, another build, for an A/B of a change.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=lib/common.sh
. "$HERE/lib/common.sh"
# shellcheck source=lib/cgroups.sh
. "$HERE/lib/cgroups.sh"
# shellcheck source=lib/workloads.sh
. "$HERE/lib/workloads.sh"
for m in "$HERE"/lib/modes/*.sh; do . "$m"; done
# shellcheck source=lib/report.sh
. "$HERE/lib/report.sh"
# shellcheck source=lib/profile.sh
. "$HERE/lib/profile.sh"

SHAPE=default WORKLOADS=tiny MODES="local distcc icecream ferry" RUNS=1 RUNNER_COUNTS=""
APPEND=0 PLOT=0 PROFILE=0 SELF_CHECK=0 QUICK_OBJECTS=""
COMMAND_LINE="bench/farm/run.sh $*"
while [ $# -gt 0 ]; do
    case $1 in
    --shape) SHAPE=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --modes) MODES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --runners) RUNNER_COUNTS=$2; shift 2 ;;
    --quick)
        QUICK_OBJECTS=40
        if [[ ${2:-} =~ ^[0-9]+$ ]]; then QUICK_OBJECTS=$2; shift; fi
        shift ;;
    --append) APPEND=1; shift ;;
    --plot) PLOT=1; shift ;;
    --profile) PROFILE=1; shift ;;
    --self-check) SELF_CHECK=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
done

set_shape "$SHAPE"
RUNNER_COUNTS=${RUNNER_COUNTS:-$RUNNERS_MAX}
cg_check
trap teardown EXIT
trap 'exit 130' INT TERM
if [ "$PROFILE" = 1 ]; then
    command -v perf >/dev/null || die "--profile needs perf (scripts/install-deps.sh --bench)"
    cg_enable_perf
fi
make_cgroups

if [ "$SELF_CHECK" = 1 ]; then
    self_check
    exit 0
fi

# Absolute: builds run in their own trees (Kbuild called a relative "build/.../ferry gcc"
# not found).
FERRY=$(realpath -e "${FERRY:-$ROOT/build/bench/programs/ferry/ferry}") || die "no ferry at ${FERRY:-build/bench}"
FERRYD=$(realpath -e "${FERRYD:-$ROOT/build/bench/programs/ferryd/ferryd}") || die "no ferryd at ${FERRYD:-build/bench}"
check_tools
CACHE_DIR=${CACHE_DIR:-/var/tmp/ferry-bench-farm}
WORK=$(mktemp -d /tmp/ferry-farm-XXXXXX)
RUN_DIR=$WORK/run
mkdir -p "$RUN_DIR" "$WORK/park" "$CACHE_DIR"
isolate_environment

RESULTS=$WORK/results.tsv
LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
for wl in $WORKLOADS; do
    "wl_${wl}_fetch"
    prepare_trees "$wl"
    read -ra mode_list <<<"$MODES"
    for ((rep = 1; rep <= RUNS; rep++)); do
        # Interleaved, so drift hits every mode alike, and rotated by one place each run: the
        # first mode of a run is at a disadvantage (2026-12-03, OpenSSL: the same two ferry
        # builds swapped places, and the second was 2.4 s (6%) faster in runner CPU whichever
        # it was), so no mode may be first in every run.
        shift_by=$(((rep - 1) % ${#mode_list[@]}))
        order=("${mode_list[@]:shift_by}" "${mode_list[@]:0:shift_by}")
        # The local build is the reference the others' objects are checked against: in the
        # first run it goes first, wherever the rotation puts it later.
        if ((rep == 1)) && [[ " $MODES " == *" local "* ]]; then
            order=(local)
            for mode in "${mode_list[@]}"; do [ "$mode" = local ] || order+=("$mode"); done
        fi
        for mode in "${order[@]}"; do
            if [ "$mode" = local ]; then
                run_one "$wl" local "$RUNNERS_MAX" "$rep"
                continue
            fi
            for n in $RUNNER_COUNTS; do run_one "$wl" "$mode" "$n" "$rep"; done
        done
    done
done
report >"$WORK/report.md"
cat "$WORK/report.md"
[ "$APPEND" = 0 ] || append_results "$WORK/report.md"
[ "$PLOT" = 0 ] || plot_speedup
