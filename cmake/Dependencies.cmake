# Every dependency comes from Debian's packages (scripts/install-deps.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(TOMLPP REQUIRED tomlplusplus)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(doctest REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)

# The `ferry` program is a process per compile, so it loads no C++ shared library: loading and
# binding libstdc++, libfmt and libtomlplusplus was half of its CPU (bench/wrapper_start). Debian
# ships fmt and toml++ as headers plus shared libraries only: fmt's compiled part is built here
# once (cmake/fmt_library.cpp; header-only fmt compiled its formatting core into every source
# file and doubled the build), toml++ is used header-only (a few sources read TOML), and
# programs/ferry links libstdc++ statically. The C libraries (libuv, zstd, libsodium, xxHash)
# stay shared: few symbols, and their security updates reach ferry without a rebuild.
add_library(ferry_fmt STATIC ${PROJECT_SOURCE_DIR}/cmake/fmt_library.cpp)
get_target_property(fmt_includes fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(ferry_fmt SYSTEM PUBLIC ${fmt_includes})
add_library(ferry_tomlpp INTERFACE)
target_include_directories(ferry_tomlpp SYSTEM INTERFACE ${TOMLPP_INCLUDE_DIRS})
target_compile_definitions(ferry_tomlpp INTERFACE TOML_HEADER_ONLY=1)
