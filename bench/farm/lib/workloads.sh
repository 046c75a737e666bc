# The workloads of bench/farm. Each NAME has:
#   wl_NAME_fetch             sources into $CACHE_DIR (once; kept across runs)
#   wl_NAME_setup TREE        an unpacked, configured tree at TREE, ready for builds (untimed)
#   wl_NAME_clean TREE        removes the objects a timed build makes
#   wl_NAME_build TREE        the timed build, with the mode's driver and compiler prefix:
#                             ${MAKE_DRIVER[@]}, ${NINJA_DRIVER[@]}, $CC_PREFIX (empty: none)
#   wl_NAME_objects TREE      the objects the build makes, relative to TREE, sorted
#   wl_NAME_version           one line for RESULTS.md
# Trees are built at one path ($WORK/tree) whatever the mode, so absolute paths recorded in
# objects (DW_AT_comp_dir, __FILE__) are the same and objects can be compared byte for byte.
# QUICK_OBJECTS (when set, from --quick) limits openssl and gtest to that many objects (tiny
# has 40; Kbuild's directories are chosen with $LINUX_DIRS).

cc_with_prefix() { # gcc|g++ -> "PREFIX gcc" or "gcc"
    if [ -n "$CC_PREFIX" ]; then echo "$CC_PREFIX $1"; else echo "$1"; fi
}

# ---- tiny: generated C units, a plain Makefile, -O2 -g ----
TINY_UNITS=${TINY_UNITS:-40}
wl_tiny_fetch() { :; }
wl_tiny_version() { echo "tiny: $TINY_UNITS generated C units (bench/farm/lib/workloads.sh), -O2 -g"; }
wl_tiny_setup() {
    local tree=$1 i f
    mkdir -p "$tree"
    for ((i = 1; i <= TINY_UNITS; i++)); do
        # Enough work per unit for the optimiser (~0.3 s of gcc -O2 on one CPU), a few system
        # headers for the preprocessor, distinct code per unit.
        {
            printf '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <math.h>\n'
            for ((f = 1; f <= 24; f++)); do
                printf 'static double u%d_f%d(const double *v, int n) {\n' "$i" "$f"
                printf '    double s = %d.0; for (int k = 0; k < n; k++) {\n' "$f"
                printf '        s += v[k] * %d.5 - sqrt(fabs(v[k] + %d));\n' "$((i + f))" "$f"
                printf '        if (s > 1e6) s = fmod(s, %d.0); else s *= 1.0%02d; }\n' "$((f + 7))" "$f"
                printf '    char buf[64]; snprintf(buf, sizeof buf, "%%g", s);\n'
                printf '    return s + (double)strlen(buf); }\n'
            done
            printf 'double unit_%d(const double *v, int n) {\n    double t = 0;\n' "$i"
            for ((f = 1; f <= 24; f++)); do printf '    t += u%d_f%d(v, n);\n' "$i" "$f"; done
            printf '    return t;\n}\n'
        } >"$tree/u$(printf %02d "$i").c"
    done
    cat >"$tree/Makefile" <<'MK'
CC ?= gcc
CFLAGS = -O2 -g
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard u*.c)))
objs: $(OBJS)
%.o: %.c
	$(CC) $(CFLAGS) -c $< -o $@
MK
}
wl_tiny_clean() { rm -f "$1"/u*.o; }
wl_tiny_build() { "${MAKE_DRIVER[@]}" -C "$1" -s CC="$(cc_with_prefix gcc)" objs; }
wl_tiny_objects() { (cd "$1" && ls u*.o); }

# ---- openssl: Debian 12's source package, libcrypto's objects ----
# `apt-get source` through a private, deb-src-only sources list (Debian 12's own list may have
# no deb-src line), with its own lists and cache: the system's apt state is not touched
# (scripts/lib/apt_private.sh). Only bookworm's main archive: this machine's mirror of
# debian-security answers 404 for sources.
# shellcheck source=../../../scripts/lib/apt_private.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/apt_private.sh"
wl_openssl_fetch() {
    local dir=$CACHE_DIR/apt
    ls -d "$CACHE_DIR"/openssl-src/openssl-*/ >/dev/null 2>&1 && return 0
    mkdir -p "$CACHE_DIR/openssl-src"
    note "fetching OpenSSL's source package (apt-get source, private deb-src list in $dir)"
    apt_private_init "$dir" bookworm || die "cannot read bookworm's source list"
    (cd "$CACHE_DIR/openssl-src" && apt_private "$dir" source openssl) >"$dir/source.log" 2>&1 ||
        die "apt-get source openssl failed: $(tail -3 "$dir/source.log")"
}
openssl_src() { ls -d "$CACHE_DIR"/openssl-src/openssl-*/ | sort -V | tail -1; }
wl_openssl_version() { echo "openssl: Debian source package $(basename "$(openssl_src)"), ./Configure linux-x86_64, libcrypto objects${QUICK_OBJECTS:+ (first $QUICK_OBJECTS)}"; }
wl_openssl_setup() {
    local tree=$1
    cp -a "$(openssl_src)" "$tree"
    (cd "$tree" && ./Configure linux-x86_64 >"$tree/.farm-configure.log" 2>&1 &&
        make -s build_generated >>"$tree/.farm-configure.log" 2>&1) ||
        die "OpenSSL configure failed: $(tail -5 "$tree/.farm-configure.log")"
}
# libcrypto.a's prerequisites, as make's database lists them (in the Makefile's order).
openssl_all_objects() {
    # Every reader reads to the end: under pipefail, a writer killed by SIGPIPE fails the run.
    { make -C "$1" -qp 2>/dev/null || true; } |
        awk -F': *' '$1 == "libcrypto.a" && !done { print $2; done = 1 }' | tr ' ' '\n' | grep '\.o$'
}
wl_openssl_objects() {
    if [ -n "${QUICK_OBJECTS:-}" ]; then openssl_all_objects "$1" | sed -n "1,${QUICK_OBJECTS}p"; else openssl_all_objects "$1"; fi | sort
}
# cversion.o embeds buildinf.h, which OpenSSL writes at build time with the date and $(CC)
# ("ferry gcc" against "gcc"): it differs between any two builds of the tree.
wl_openssl_varying() { echo crypto/libcrypto-lib-cversion.o; }
# The objects, and the assembler files perl writes during the build (perlasm): left in the
# tree, every run of a mode after its first would skip that work (the plot's first point
# paid for it, the others did not).
wl_openssl_clean() {
    local src f
    src=$(openssl_src)
    (cd "$1" && wl_openssl_objects "$1" | xargs rm -f)
    while read -r f; do
        [ -e "$src/$f" ] || rm -f "$1/$f"
    done < <(cd "$1" && find crypto providers engines -name '*.s' 2>/dev/null)
}
wl_openssl_build() {
    local objs
    mapfile -t objs < <(wl_openssl_objects "$1")
    "${MAKE_DRIVER[@]}" -C "$1" -s CC="$(cc_with_prefix gcc)" "${objs[@]}"
}

# ---- linux: a subset of Debian's linux-source-6.1 (as bench/make_build) ----
LINUX_DIRS=${LINUX_DIRS:-kernel/ lib/ mm/}
linux_tarball() { ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | head -1; }
wl_linux_fetch() { [ -n "$(linux_tarball)" ] || die "needs linux-source-6.1 (scripts/install-deps.sh --bench)"; }
wl_linux_version() { echo "linux: $(basename "$(linux_tarball)"), defconfig, make $LINUX_DIRS"; }
wl_linux_setup() {
    local tree=$1
    mkdir -p "$tree"
    tar -C "$tree" --strip-components=1 -xf "$(linux_tarball)"
    make -C "$tree" -s defconfig >/dev/null
    make -C "$tree" -s -j"$(nproc)" prepare >/dev/null 2>&1
}
# Kbuild records each object's command line and re-runs its compiler probes when CC changes,
# so each mode keeps its own tree; the first build of a tree (untimed) settles them.
wl_linux_objects() {
    local d
    (cd "$1" && for d in $LINUX_DIRS; do find "$d" -name '*.o'; done | sort)
}
wl_linux_clean() { local d; for d in $LINUX_DIRS; do find "$1/$d" \( -name '*.o' -o -name '*.a' \) -delete; done; }
wl_linux_build() {
    # shellcheck disable=SC2086
    "${MAKE_DRIVER[@]}" -C "$1" -s CC="$(cc_with_prefix gcc)" $LINUX_DIRS
}

# ---- gtest: googletest from Debian's googletest package (its sources in /usr/src), CMake + Ninja ----
wl_gtest_fetch() { [ -f /usr/src/googletest/CMakeLists.txt ] || die "needs googletest (/usr/src/googletest)"; }
wl_gtest_version() { echo "gtest: googletest $(dpkg-query -W -f='${Version}' googletest) (/usr/src/googletest), CMake + Ninja, -Dgtest_build_tests=ON${QUICK_OBJECTS:+, first $QUICK_OBJECTS objects}"; }
wl_gtest_setup() {
    local tree=$1
    mkdir -p "$tree"
    cp -a /usr/src/googletest "$tree/src"
}
# The launcher is part of CMake's cache, so the configure runs at build path with the mode's
# launcher each time (untimed, in wl_gtest_prepare_mode).
wl_gtest_prepare_mode() {
    local tree=$1 launcher=()
    [ -z "$CC_PREFIX" ] || launcher=(-DCMAKE_C_COMPILER_LAUNCHER="$CC_PREFIX" -DCMAKE_CXX_COMPILER_LAUNCHER="$CC_PREFIX")
    rm -rf "$tree/build"
    cmake -S "$tree/src" -B "$tree/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -Dgtest_build_tests=ON "${launcher[@]}" >"$tree/.farm-configure.log" 2>&1 ||
        die "googletest configure failed: $(tail -5 "$tree/.farm-configure.log")"
}
wl_gtest_objects() { (cd "$1" && find build -name '*.o' | sort); }
wl_gtest_clean() { [ ! -d "$1/build" ] || find "$1/build" -name '*.o' -delete; }
wl_gtest_build() {
    local objs
    # Objects only: links are local in every mode and not what is compared.
    mapfile -t objs < <(ninja -C "$1/build" -t targets all | awk -F: '$1 ~ /\.o$/ { print $1 }' |
        if [ -n "${QUICK_OBJECTS:-}" ]; then head -n "$QUICK_OBJECTS"; else cat; fi)
    "${NINJA_DRIVER[@]}" -C "$1/build" "${objs[@]}" >/dev/null
}
