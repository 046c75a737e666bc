#!/usr/bin/env bash
# Small real projects nobody here wrote, one per build system the test_buildsys_*.sh suites
# drive through ferry, as Debian 12 (bookworm) ships their sources:
#   hello    GNU hello: autotools, a generated configure with gnulib's hundreds of checks
#   cjson    cJSON: CMake
#   fribidi  GNU FriBidi: meson (its upstream meson.build; Debian itself builds it with
#            autotools). libinih, the obvious meson example, is not on the project machine's
#            Debian mirror; fribidi needs nothing but a C compiler and builds and runs its own
#            table generators, so its meson.build exercises more than a library's compiles.
#
#   tests/integration/tools/real_projects.sh [--fixture]
#       fetches what is missing, then prints "NAME PATH" for each: the unpacked source tree
#       (Debian's patches applied), to be copied (`cp -a`: configure's timestamps matter), never
#       built in place. With --fixture (the CTest fixture integration.real_projects_setup) a
#       failure is a skip, exit 125, except under FERRY_NO_SKIP=1 (CI), where it fails.
#
# Bookworm, not unstable (tools/real_tools.sh's suite): the machine's own meson, autoconf and
# CMake are bookworm's, and a tree from unstable may want newer ones. Whatever version the
# archive has is fine: the suites compare a build through ferry with a plain build of the same
# tree, and depend on no version. The cache ($FERRY_REAL_PROJECTS_CACHE, default
# /var/tmp/ferry-real-projects) keeps each tree under its name, without its version; a tree is
# there when its .ferry-fetched marker is. Sources come from `apt-get source` through a private,
# deb-src-only list under the cache (scripts/lib/apt_private.sh). Concurrent runs take turns on
# a lock. Needs dpkg-dev (dpkg-source) and xz-utils (scripts/install-deps.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../../scripts/lib/apt_private.sh
. "$HERE/../../../scripts/lib/apt_private.sh"

PROJECTS=(hello cjson fribidi) # Debian source package names, which are also the trees' names
CACHE=${FERRY_REAL_PROJECTS_CACHE:-/var/tmp/ferry-real-projects}

# shellcheck source=fixture_script.sh
. "$HERE/fixture_script.sh" "$@"

fetched() { [ -f "$CACHE/$1/.ferry-fetched" ]; }
all_fetched() {
    local p
    for p in "${PROJECTS[@]}"; do fetched "$p" || return 1; done
}

# fetch PACKAGE WORK: `apt-get source PACKAGE` (bookworm's version) into WORK, then the
# unpacked tree becomes $CACHE/PACKAGE.
fetch() {
    local pkg=$1 work=$2/$1 tree
    mkdir -p "$work"
    (cd "$work" && apt_private "$APT_DIR" source "$pkg") >"$work/source.log" 2>&1 ||
        die "apt-get source $pkg failed: $(tail -3 "$work/source.log")"
    tree=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*")
    [ -n "$tree" ] && [ "$(wc -l <<<"$tree")" = 1 ] || die "apt-get source $pkg unpacked no single tree: $tree"
    touch "$tree/.ferry-fetched"
    rm -rf "${CACHE:?}/$pkg"
    mv "$tree" "$CACHE/$pkg"
}

report() {
    local p
    for p in "${PROJECTS[@]}"; do echo "$p $CACHE/$p"; done
}

if all_fetched; then
    report
    exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9 # another run may be fetching them: wait for it, then look again
if ! all_fetched; then
    command -v dpkg-source >/dev/null 2>&1 || die "needs dpkg-source (scripts/install-deps.sh)"
    start=$SECONDS
    APT_DIR=$CACHE/apt
    note "fetching ${PROJECTS[*]} from Debian bookworm's sources into $CACHE"
    apt_private_init "$APT_DIR" bookworm || die "cannot read Debian bookworm's source list"
    work=$(mktemp -d "$CACHE/fetch.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    for p in "${PROJECTS[@]}"; do
        fetched "$p" || fetch "$p" "$work"
    done
    note "fetched in $((SECONDS - start)) s"
fi
report
