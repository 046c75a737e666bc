# cgroup v1 CPU quotas and accounting for bench/farm: the cpu controller limits a group, the
# cpuacct controller counts what it used. They may be mounted apart (/sys/fs/cgroup/cpu and
# /sys/fs/cgroup/cpuacct, as on this project's machine) or together (cpu,cpuacct): every
# group is made in each distinct hierarchy, and a process entering it enters all of them.
# Group names carry the run's pid, so two runs never share one; cg_teardown removes them.

CG_CPU=${CG_CPU:-/sys/fs/cgroup/cpu}
CG_ACCT=${CG_ACCT:-/sys/fs/cgroup/cpuacct}
CG_PREFIX=ferry-farm-$$
CG_NAMES=()

# The distinct hierarchy roots (one when cpu and cpuacct are mounted together).
cg_roots() {
    local cpu acct
    cpu=$(realpath "$CG_CPU") acct=$(realpath "$CG_ACCT")
    if [ "$cpu" = "$acct" ]; then echo "$cpu"; else printf '%s\n%s\n' "$cpu" "$acct"; fi
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
}

# Groups of this run still present (for --self-check).
cg_leftovers() {
    local root
    while read -r root; do
        ls -d "$root/$CG_PREFIX"-* 2>/dev/null || true
    done < <(cg_roots)
}
