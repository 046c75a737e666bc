# ferry_on: mode ferry with include_analysis = "on" (issue 11): the coordinator's include
# analysis replaces the client's `-E -H` scan for every unit it can serve (-MD/-MMD units
# included: the depfile comes from the runner's compile), and the runner's list of opened
# files proves it. The coordinator
# starts inside the client's cgroup, so the analysis' CPU is counted as the client's.
mode_ferry_on_start() {
    export FERRY_INCLUDE_ANALYSIS=on
    mode_ferry_start
}
mode_ferry_on_describe() { echo "$(mode_ferry_describe), FERRY_INCLUDE_ANALYSIS=on"; }
mode_ferry_on_remote_count() { mode_ferry_remote_count; }
mode_ferry_on_stop() {
    mode_ferry_stop
    unset FERRY_INCLUDE_ANALYSIS
}
