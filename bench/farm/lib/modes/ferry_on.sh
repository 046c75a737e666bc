# ferry_on: mode ferry with include_analysis = "on" said explicitly — ferry's default now, but
# not of older builds (FERRY_BASE, see ferry_on_base). The coordinator's include analysis
# replaces the client's `-E -H` scan for every unit it can serve (-MD/-MMD units included: the
# depfile comes from the runner's compile), and the runner's list of opened files proves it.
# The coordinator starts inside the client's cgroup, so the analysis' CPU is the client's.
mode_ferry_on_start() { mode_ferry_analysis_start on; }
mode_ferry_on_describe() { mode_ferry_analysis_describe on; }
mode_ferry_on_remote_count() { mode_ferry_remote_count; }
mode_ferry_on_stop() { mode_ferry_analysis_stop; }
