#!/usr/bin/env bash
# Installs everything ferry needs to build and test, from Debian's packages; with --bench
# also what the benchmarks under bench/ build (a Linux source tree and its build tools).
# Safe to run again. Uses sudo when not root.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libuv1-dev libfmt-dev libtomlplusplus-dev doctest-dev libzstd-dev libcli11-dev libxxhash-dev
  libsodium-dev nlohmann-json3-dev
  # compilers ferry distributes and tests against; clang also builds the fuzzers and sanitizer runs
  gcc g++ clang libclang-rt-14-dev
  # the real tools the integration suites drive
  make ninja-build googletest iproute2 procps psmisc util-linux
  # the comparison in the benchmarks
  distcc hyperfine
)
if [ "${1:-}" = --bench ]; then
  packages+=(linux-source-6.1 bc flex bison libelf-dev libssl-dev xz-utils)
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
