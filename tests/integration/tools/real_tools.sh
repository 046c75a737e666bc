#!/usr/bin/env bash
# The jobserver tools Debian 12 lacks, built from Debian unstable's sources and cached:
# GNU make 4.4.1 (make-dfsg; the fifo jobserver, --jobserver-style) and ninja 1.13.2
# (ninja-build; the first ninja that is a jobserver client). test_real_tools.sh drives ferry
# with them (docs/jobserver.md, "What is tested").
#
#   tests/integration/tools/real_tools.sh [--fixture]
#       builds what is missing, then prints "make PATH" and "ninja PATH". With --fixture (the
#       CTest fixture integration.real_tools_setup) a failure is a skip, exit 125, except
#       under FERRY_NO_SKIP=1 (CI), where it fails.
#
# The cache ($FERRY_REAL_TOOLS_CACHE, default /var/tmp/ferry-real-tools) keeps each binary
# under its version (make-4.4.1/bin/make, ninja-1.13.2/bin/ninja): when both are there and
# answer --version with it, nothing is fetched or built. Otherwise the sources come from
# `apt-get source` through a private, deb-src-only list under the cache (scripts/lib/
# apt_private.sh: the machine's apt sources, lists and cache are left alone), are built in a
# scratch directory under the cache, and only the binary is kept. Concurrent runs (CTest -j)
# take turns on a lock. Needs what scripts/install-deps.sh installs: dpkg-dev (apt-get
# source), a C and C++ compiler, python3 and ninja (ninja's configure.py and its build).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../../scripts/lib/apt_private.sh
. "$HERE/../../../scripts/lib/apt_private.sh"

MAKE_VERSION=4.4.1
NINJA_VERSION=1.13.2
CACHE=${FERRY_REAL_TOOLS_CACHE:-/var/tmp/ferry-real-tools}
MAKE_BIN=$CACHE/make-$MAKE_VERSION/bin/make
NINJA_BIN=$CACHE/ninja-$NINJA_VERSION/bin/ninja
JOBS=2 # CI's machine is small and its 25 minutes are nearly spent: a modest, fixed width

# shellcheck source=fixture_script.sh
. "$HERE/fixture_script.sh" "$@"

# cached BINARY VERSION: the binary is there and says it is VERSION.
cached() { [ -x "$1" ] && "$1" --version 2>/dev/null | head -1 | grep -qF "$2"; }

# debian_version PACKAGE UPSTREAM: the Debian version of the source PACKAGE in the private
# list whose upstream part is UPSTREAM (4.4.1-3 for 4.4.1), so a new Debian revision of the
# same upstream release is still found; the newest if several.
debian_version() {
    APT_GET=apt-cache apt_private "$APT_DIR" showsrc "$1" 2>/dev/null |
        awk -v up="$2" '$1 == "Version:" { v = $2; u = v; sub(/^[0-9]+:/, "", u); sub(/-[^-]*$/, "", u)
                                           if (u == up) print v }' | sort -V | tail -1
}

# fetch PACKAGE UPSTREAM DIR: `apt-get source` of that release into DIR (unpacked, Debian's
# patches applied); prints the unpacked tree.
fetch() {
    local pkg=$1 up=$2 dir=$3 ver
    ver=$(debian_version "$pkg" "$up")
    [ -n "$ver" ] || die "Debian unstable has no $pkg $up any more (it has: $(APT_GET=apt-cache apt_private \
        "$APT_DIR" showsrc "$pkg" 2>/dev/null | awk '$1 == "Version:" { print $2 }' | tr '\n' ' ')); update the version in $0"
    (cd "$dir" && apt_private "$APT_DIR" source "$pkg=$ver") >"$dir/source-$pkg.log" 2>&1 ||
        die "apt-get source $pkg=$ver failed: $(tail -3 "$dir/source-$pkg.log")"
    ls -d "$dir/$pkg-$up"
}

# The dfsg tarball has no doc/ (the manual is not free software in Debian's sense), and
# configure wants doc/Makefile.in: an empty stub. build.sh builds the binary with no make.
build_make() {
    local src=$1
    mkdir -p "$src/doc"
    : >"$src/doc/Makefile.in"
    (cd "$src" && ./configure -q --disable-nls --without-guile --disable-dependency-tracking &&
        ./build.sh) >"$src/ferry-build.log" 2>&1 || die "make $MAKE_VERSION did not build: $(tail -5 "$src/ferry-build.log")"
    install -D -m 0755 "$src/make" "$CACHE/make-$MAKE_VERSION.new/bin/make"
    rm -rf "$CACHE/make-$MAKE_VERSION"
    mv "$CACHE/make-$MAKE_VERSION.new" "$CACHE/make-$MAKE_VERSION"
}

# configure.py writes build.ninja and the installed ninja builds only the binary at -j2;
# `configure.py --bootstrap` (the fallback without a ninja) compiles everything once serially
# and then again with the result: 180 s against 86 s on the project's loaded 2-core machine.
build_ninja() {
    local src=$1
    if command -v ninja >/dev/null 2>&1; then
        (cd "$src" && python3 configure.py && ninja -j"$JOBS" ninja) >"$src/ferry-build.log" 2>&1
    else
        (cd "$src" && python3 configure.py --bootstrap) >"$src/ferry-build.log" 2>&1
    fi || die "ninja $NINJA_VERSION did not build: $(tail -5 "$src/ferry-build.log")"
    install -D -m 0755 "$src/ninja" "$CACHE/ninja-$NINJA_VERSION.new/bin/ninja"
    rm -rf "$CACHE/ninja-$NINJA_VERSION"
    mv "$CACHE/ninja-$NINJA_VERSION.new" "$CACHE/ninja-$NINJA_VERSION"
}

report() {
    echo "make $MAKE_BIN"
    echo "ninja $NINJA_BIN"
}

if cached "$MAKE_BIN" "$MAKE_VERSION" && cached "$NINJA_BIN" "$NINJA_VERSION"; then
    report
    exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9 # another run may be building them: wait for it, then look again
if ! cached "$MAKE_BIN" "$MAKE_VERSION" || ! cached "$NINJA_BIN" "$NINJA_VERSION"; then
    for tool in dpkg-source python3 cc c++; do
        command -v "$tool" >/dev/null 2>&1 || die "needs $tool (scripts/install-deps.sh)"
    done
    start=$SECONDS
    APT_DIR=$CACHE/apt
    note "building make $MAKE_VERSION and ninja $NINJA_VERSION from Debian unstable's sources into $CACHE"
    apt_private_init "$APT_DIR" unstable || die "cannot read Debian unstable's source list"
    work=$(mktemp -d "$CACHE/build.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    # (An assignment, so that a failed fetch stops the script: set -e does not see a
    # command substitution inside another command's arguments.)
    if ! cached "$MAKE_BIN" "$MAKE_VERSION"; then
        src=$(fetch make-dfsg "$MAKE_VERSION" "$work")
        build_make "$src"
    fi
    if ! cached "$NINJA_BIN" "$NINJA_VERSION"; then
        src=$(fetch ninja-build "$NINJA_VERSION" "$work")
        build_ninja "$src"
    fi
    cached "$MAKE_BIN" "$MAKE_VERSION" || die "$MAKE_BIN does not say $MAKE_VERSION"
    cached "$NINJA_BIN" "$NINJA_VERSION" || die "$NINJA_BIN does not say $NINJA_VERSION"
    note "built in $((SECONDS - start)) s"
fi
report
