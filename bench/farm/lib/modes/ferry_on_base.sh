# ferry_on_base: mode ferry_on with another build of ferry, $FERRY_BASE and $FERRYD_BASE (a
# change's parent, say), so that a change is measured against its base side by side in one
# run, interleaved with the other modes (drift and a neighbour's load hit both alike).
mode_ferry_on_base_start() {
    [ -x "${FERRY_BASE:-}" ] && [ -x "${FERRYD_BASE:-}" ] ||
        { MODE_START_ERROR="mode ferry_on_base needs FERRY_BASE and FERRYD_BASE"; return 1; }
    FERRY_SAVED=$FERRY FERRYD_SAVED=$FERRYD
    FERRY=$(realpath "$FERRY_BASE") FERRYD=$(realpath "$FERRYD_BASE")
    mode_ferry_on_start
}
mode_ferry_on_base_describe() { echo "$(mode_ferry_on_describe) (ferry $FERRY)"; }
mode_ferry_on_base_remote_count() { mode_ferry_remote_count; }
mode_ferry_on_base_stop() {
    mode_ferry_on_stop
    FERRY=$FERRY_SAVED FERRYD=$FERRYD_SAVED
}
