#!/usr/bin/env bash
# Builds the Debian packages ferry and ferryd (debian/) with dpkg-buildpackage -b, in a staging
# copy of the tree (dpkg-buildpackage writes its results beside the source directory, and the
# checkout's parent is nobody's to write in), and puts the .deb files in OUT_DIR.
#
#   scripts/package.sh [--out DIR]                 full Debian build: configure, compile (with
#                                                  ccache when installed), install, package
#   scripts/package.sh --prebuilt BUILD_DIR [...]  package the binaries of a tree already built
#                                                  (CI's gcc build): no compile, some seconds
#
# OUT_DIR defaults to build/packages. Needs dpkg-dev, debhelper and the Build-Depends of
# debian/control (scripts/install-deps.sh installs them). Prints the paths of the .deb files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/packages"
prebuilt=""
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    --prebuilt) prebuilt=$(cd "$2" && pwd); shift 2 ;;
    -h | --help) usage ;;
    *) echo "package.sh: unknown argument $1" >&2; usage ;;
    esac
done
if [ -n "$prebuilt" ] && [ ! -f "$prebuilt/cmake_install.cmake" ]; then
    echo "package.sh: $prebuilt is not a configured build tree (no cmake_install.cmake)" >&2
    exit 2
fi

version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
mkdir -p "$out"
out=$(cd "$out" && pwd)
# A fixed place under OUT_DIR: dpkg-buildflags puts the source path in the compile flags
# (-ffile-prefix-map), so only a path that stays the same lets ccache hit the next time.
stage="$out/stage"
rm -rf "$stage"
trap 'rm -rf "$stage"' EXIT
src="$stage/ferry-$version"
mkdir -p "$src"
if [ -n "$prebuilt" ]; then
    # The install rules read the files they install from the source tree the build was
    # configured with: debian/ is all this build needs of its own.
    cp -a "$root/debian" "$src/"
else
    # The sources, without build trees, git metadata or the benchmarks' inputs.
    tar -C "$root" --exclude=./build --exclude=./.git --exclude=./bench -cf - . | tar -C "$src" -xf -
    rm -rf "$src/debian/.debhelper" "$src/obj-"*
    # dh sets HOME to a directory of its own for the build: name ccache's cache explicitly.
    if command -v ccache >/dev/null 2>&1; then
        export CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
        export CCACHE_NOHASHDIR=1
        export FERRY_CMAKE_ARGS="-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
    fi
fi

export FERRY_PREBUILT="$prebuilt"
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} parallel=$(nproc)"
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$stage/build.log" 2>&1 || {
    tail -n 60 "$stage/build.log" >&2
    echo "package.sh: dpkg-buildpackage failed (the last lines of its log are above)" >&2
    cp "$stage/build.log" "$out/build.log"
    exit 1
}
# The .deb files (and the -dbgsym .ddeb, .buildinfo and .changes) land beside the source.
find "$stage" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.ddeb' -o -name '*.buildinfo' \
    -o -name '*.changes' \) -exec mv -f {} "$out/" \;
cp "$stage/build.log" "$out/build.log"
ls "$out"/*.deb
