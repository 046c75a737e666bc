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

# fmt and toml++ are used as header-only libraries (both support it; Debian ships their
# headers with the shared builds), and the `ferry` program links libstdc++ statically: the
# wrapper is a process per compile, and loading libstdc++, libfmt and libtomlplusplus, then
# binding their symbols, was half of its CPU (bench/farm/RESULTS.md, session 15). The C
# libraries (libuv, zstd, libsodium, xxHash) stay shared: few symbols, and their security
# updates reach ferry without a rebuild.
add_library(ferry_fmt INTERFACE)
target_link_libraries(ferry_fmt INTERFACE fmt::fmt-header-only)
add_library(ferry_tomlpp INTERFACE)
target_include_directories(ferry_tomlpp SYSTEM INTERFACE ${TOMLPP_INCLUDE_DIRS})
target_compile_definitions(ferry_tomlpp INTERFACE TOML_HEADER_ONLY=1)
