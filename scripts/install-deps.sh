#!/usr/bin/env bash
# Installs everything ferry needs to build and test, from Debian's packages; with --bench
# also what the benchmarks under bench/ build (a Linux source tree and its build tools) and the
# tools bench/farm compares ferry with (icecream; distcc is always installed).
# Safe to run again. Uses sudo when not root.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libuv1-dev libfmt-dev libtomlplusplus-dev doctest-dev libzstd-dev libcli11-dev libxxhash-dev
  libsodium-dev nlohmann-json3-dev
  # compilers ferry distributes and tests against; clang also builds the fuzzers and sanitizer runs
  gcc g++ clang libclang-rt-14-dev
  # the checked-in style: clang-format (CTest `format`), clang-tidy (the `tidy` target)
  clang-format clang-tidy
  # the real tools the integration suites drive
  make ninja-build googletest iproute2 procps psmisc util-linux tmux
  # the suites' helper scripts (tests/integration/tools/*.py, the trace and metrics checks)
  python3
  # make 4.4.1 and ninja 1.13.2 built from Debian unstable's sources for the jobserver suites
  # (tests/integration/tools/real_tools.sh): `apt-get source` (dpkg-source, xz), and python3
  # and ninja-build above for ninja's configure.py and its build
  dpkg-dev xz-utils
  # the build-system suites (tests/integration/test_buildsys_*.sh): meson, and real projects'
  # sources from Debian bookworm (tools/real_projects.sh: `apt-get source` as above; fribidi's
  # tarball is bzip2, which dpkg-dev pulls in)
  meson
  # the dashboard's browser test (ferry mon --web): headless Chromium driven by puppeteer-core
  chromium curl
  # the comparison in the benchmarks
  distcc hyperfine
  # the Debian packages (scripts/package.sh, tests/integration/test_package.sh): dpkg-buildpackage,
  # dh with its cmake and systemd helpers, the lint, and systemd-analyze for the unit
  dpkg-dev debhelper fakeroot lintian systemd
)
# Node.js and npm for puppeteer-core: Debian's, unless the machine already has a Node.js with
# its own npm (NodeSource's nodejs ships npm inside and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
if [ "${1:-}" = --bench ]; then
  packages+=(linux-source-6.1 bc flex bison libelf-dev libssl-dev
    # bench/farm: icecream to compare with, the plot, perf for --profile, and what OpenSSL's
    # Configure needs (`apt-get source` for its sources is in the list above); valgrind for
    # bench/include_walk's instruction counts
    icecc gnuplot-nox linux-perf perl valgrind)
fi

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}" >&2
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: all dependencies present" >&2

# The dashboard's browser test (tests/integration/test_mon_web.sh) drives Chromium with
# puppeteer-core from the npm registry, installed into the checkout (build/node), never globally.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$root/build/node/node_modules/puppeteer-core" ]; then
    echo "install-deps: installing puppeteer-core into $root/build/node" >&2
    npm install --silent --no-audit --no-fund --prefix "$root/build/node" puppeteer-core@22.15.0
fi
