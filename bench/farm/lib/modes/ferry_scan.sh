# ferry_scan: mode ferry with include_analysis = "off": the wrapper runs the compiler's `-E -H`
# scan on the client for every unit, as every ferry did before the include analysis became the
# default (mode ferry, and ferry_on, which says "on" explicitly for builds older than that).
mode_ferry_scan_start() { mode_ferry_analysis_start off; }
mode_ferry_scan_describe() { mode_ferry_analysis_describe off; }
mode_ferry_scan_remote_count() { mode_ferry_remote_count; }
mode_ferry_scan_stop() { mode_ferry_analysis_stop; }
