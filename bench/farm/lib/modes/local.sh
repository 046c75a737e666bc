# local: plain make/ninja inside the client's quota, -j = the client's CPUs (rounded up).
mode_local_start() {
    MAKE_DRIVER=(make -j"$CLIENT_SLOTS") NINJA_DRIVER=(ninja -j"$CLIENT_SLOTS") CC_PREFIX=
}
mode_local_describe() { echo "make -j$CLIENT_SLOTS (ninja -j$CLIENT_SLOTS)"; }
mode_local_remote_count() { echo 0; }
mode_local_stop() { :; }
