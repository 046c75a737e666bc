# apt-get with a private, deb-src-only sources list: its own sources list, lists and cache
# under one directory, so `apt-get source` works on a machine whose own list has no deb-src
# line, and the machine's apt sources, lists and cache are never touched. Sourced by
# bench/farm (OpenSSL's sources) and tests/integration/tools/real_tools.sh (make, ninja).

# apt_private DIR ARGS...: apt-get ARGS with DIR's sources.list, lists and cache only.
# `apt_private_init` writes them. APT_GET replaces the apt-get binary (for tests).
apt_private() {
    local dir=$1
    shift
    "${APT_GET:-apt-get}" -q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o APT::Sandbox::User=root "$@"
}

# apt_private_init DIR SUITE: DIR/sources.list naming Debian's SUITE (main, sources only,
# checked with the archive's keyring), and the directories apt wants; then `apt-get update`
# of that list alone, its output in DIR/update.log. Fails with apt's last lines.
apt_private_init() {
    local dir=$1 suite=$2
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
        >"$dir/sources.list"
    apt_private "$dir" update >"$dir/update.log" 2>&1 || {
        echo "apt-get update (deb-src $suite) failed: $(tail -3 "$dir/update.log")" >&2
        return 1
    }
}
