# cgroup v1 CPU quotas and accounting for bench/farm: the cpu controller limits a group, the
# cpuacct controller counts what it used. They may be mounted apart (/sys/fs/cgroup/cpu and
# /sys/fs/cgroup/cpuacct, as on this project's machine) or together (cpu,cpuacct): every
# group is made in each distinct hierarchy, and a process entering it enters all of them.
# Group names carry the run's pid, so two runs never share one; cg_teardown removes them.

CG_CPU=${CG_CPU:-/sys/fs/cgroup/cpu}
CG_ACCT=${CG_ACCT:-/sys/fs/cgroup/cpuacct}
CG_PREFIX=ferry-farm-$$
CG_NAMES=()
CG_PERF=""        # the perf_event hierarchy, with --profile
CG_PERF_MOUNTED=0 # mounted by this run: unmounted at teardown

# The distinct hierarchy roots (one when cpu and cpuacct are mounted together).
cg_roots() {
    local cpu acct
    cpu=$(realpath "$CG_CPU") acct=$(realpath "$CG_ACCT")
    if [ "$cpu" = "$acct" ]; then echo "$cpu"; else printf '%s\n%s\n' "$cpu" "$acct"; fi
    [ -z "$CG_PERF" ] || echo "$CG_PERF"
}

# --profile: `perf record --all-cgroups` names each sample's group in the perf_event
# hierarchy, which cgroup v1 machines often leave unmounted (this one does): mounted for the
# run (before make_cgroups, so every group is made there too), unmounted at teardown.
cg_enable_perf() {
    CG_PERF=/sys/fs/cgroup/perf_event
    mountpoint -q "$CG_PERF" && return 0
    { mkdir -p "$CG_PERF" && mount -t cgroup -o perf_event none "$CG_PERF"; } ||
        die "--profile: cannot mount the perf_event cgroup hierarchy at $CG_PERF"
    CG_PERF_MOUNTED=1
}

cg_check() {
    [ -w "$CG_CPU/cgroup.procs" ] && [ -f "$CG_CPU/cpu.cfs_quota_us" ] ||
        die "needs root and cgroup v1's cpu controller at $CG_CPU"
    [ -w "$CG_ACCT/cgroup.procs" ] && [ -f "$CG_ACCT/cpuacct.usage" ] ||
        die "needs root and cgroup v1's cpuacct controller at $CG_ACCT"
}

# cg_create NAME FRACTION: a group limited to FRACTION of one CPU (period 100 ms).
cg_create() {
    local name=$1 fraction=$2 root dir
    while read -r root; do
        dir=$root/$CG_PREFIX-$name
        mkdir "$dir"
    done < <(cg_roots)
    CG_NAMES+=("$name")
    dir=$CG_CPU/$CG_PREFIX-$name
    echo 100000 >"$dir/cpu.cfs_period_us"
    awk -v f="$fraction" 'BEGIN { printf "%d\n", f * 100000 }' >"$dir/cpu.cfs_quota_us"
}

# cg_enter NAME: moves the calling (sub)shell into the group; its children inherit it.
cg_enter() {
    local root
    while read -r root; do
        echo "$BASHPID" >"$root/$CG_PREFIX-$1/cgroup.procs"
    done < <(cg_roots)
}

# cg_exec NAME CMD...: runs CMD inside the group (in a subshell that becomes CMD).
cg_exec() {
    local name=$1
    shift
    (cg_enter "$name" && exec "$@")
}

# CPU time the group used so far, in nanoseconds (children included, dead ones too).
cg_usage_ns() { cat "$CG_ACCT/$CG_PREFIX-$1/cpuacct.usage"; }

cg_quota() { # the group's quota as a fraction of a CPU
    awk '{ q = $1 } END { printf "%.2f\n", q / 100000 }' "$CG_CPU/$CG_PREFIX-$1/cpu.cfs_quota_us"
}

# Processes still in the group (any hierarchy), one pid a line.
cg_procs() {
    local root
    while read -r root; do
        cat "$root/$CG_PREFIX-$1/cgroup.procs" 2>/dev/null || true
    done < <(cg_roots) | sort -u
}

# Removes every group made by this run: what is still inside goes back to the root group
# (the modes stop their daemons first; this only catches stragglers), then rmdir.
cg_teardown() {
    local name root dir pid
    for name in "${CG_NAMES[@]}"; do
        while read -r root; do
            dir=$root/$CG_PREFIX-$name
            [ -d "$dir" ] || continue
            while read -r pid; do
                echo "$pid" >"$root/cgroup.procs" 2>/dev/null || true
            done <"$dir/cgroup.procs"
            rmdir "$dir" 2>/dev/null || echo "farm: could not remove $dir" >&2
        done < <(cg_roots)
    done
    CG_NAMES=()
    if [ "$CG_PERF_MOUNTED" = 1 ]; then
        umount "$CG_PERF" && rmdir "$CG_PERF" || echo "farm: could not unmount $CG_PERF" >&2
        CG_PERF_MOUNTED=0
    fi
}

# Groups of this run still present (for --self-check).
cg_leftovers() {
    local root
    while read -r root; do
        ls -d "$root/$CG_PREFIX"-* 2>/dev/null || true
    done < <(cg_roots)
}
