# Warnings and sanitizers as an interface target every ferry target links, so the policy
# lives in one place (the ccache way). Warnings are errors in a git checkout (a developer's,
# CI's) and not elsewhere (a release tarball): a user on a newer compiler must still be able to
# build a release. EXISTS is true for a clone's .git directory and a worktree's .git file. The
# Debian package build passes -DFERRY_WERROR=OFF itself (debian/rules): it builds from a
# checkout too, and a package is a user's build.
if(EXISTS "${PROJECT_SOURCE_DIR}/.git")
  set(ferry_werror_default ON)
else()
  set(ferry_werror_default OFF)
endif()
option(FERRY_WERROR "Treat warnings as errors (default: ON in a git checkout)"
       ${ferry_werror_default})
option(FERRY_ASAN "Build with AddressSanitizer (and LeakSanitizer)" OFF)
option(FERRY_UBSAN "Build with UndefinedBehaviorSanitizer" OFF)
option(FERRY_TSAN "Build with ThreadSanitizer (not with FERRY_ASAN)" OFF)
# The former single option, kept so that older build directories, scripts and notes still work.
option(FERRY_SANITIZE "Shorthand for FERRY_ASAN and FERRY_UBSAN" OFF)
option(FERRY_FUZZ "Build libFuzzer targets (needs clang; implies ASan and UBSan)" OFF)
# Normal variables shadow the cache for the rest of the configure: every user of the options
# (here, remote/runner's static link, the integration suites' time factors) sees the outcome.
if(FERRY_SANITIZE OR FERRY_FUZZ)
  set(FERRY_ASAN ON)
  set(FERRY_UBSAN ON)
endif()
if(FERRY_TSAN AND FERRY_ASAN)
  # Both replace malloc and map shadow memory of their own; the runtimes cannot be combined.
  message(FATAL_ERROR "FERRY_TSAN cannot be combined with FERRY_ASAN (or FERRY_SANITIZE, "
                      "FERRY_FUZZ): use a separate build directory")
endif()
if(FERRY_ASAN OR FERRY_UBSAN OR FERRY_TSAN)
  set(FERRY_ANY_SANITIZER ON)
else()
  set(FERRY_ANY_SANITIZER OFF)
endif()

add_library(ferry_settings INTERFACE)
target_compile_options(ferry_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                -Wnon-virtual-dtor -Wold-style-cast)
if(FERRY_WERROR)
  target_compile_options(ferry_settings INTERFACE -Werror)
endif()
# gcc 12 at -O3 (CMake's Release) reports -Wrestrict on libstdc++'s own inlined memcpy in
# std::string assignments (GCC PR 105329, fixed in 13): seen in several files of a Release
# build, none a real overlap. -O2 (CI) does not report it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(ferry_settings INTERFACE -Wno-restrict)
endif()
set(ferry_sanitizers "")
if(FERRY_ASAN)
  list(APPEND ferry_sanitizers address)
endif()
if(FERRY_UBSAN)
  list(APPEND ferry_sanitizers undefined)
endif()
if(FERRY_TSAN)
  list(APPEND ferry_sanitizers thread)
endif()
if(ferry_sanitizers)
  list(JOIN ferry_sanitizers "," ferry_sanitizers)
  set(ferry_sanitize_flags -fsanitize=${ferry_sanitizers})
  if(FERRY_FUZZ)
    # libFuzzer must see coverage in the code under test, not only in the harness: every ferry
    # target is instrumented (without libFuzzer's main, which only the fuzz targets link).
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
      message(FATAL_ERROR "FERRY_FUZZ needs clang (configure with CC=clang CXX=clang++)")
    endif()
    set(ferry_sanitize_flags -fsanitize=fuzzer-no-link,${ferry_sanitizers})
  endif()
  target_compile_options(ferry_settings INTERFACE ${ferry_sanitize_flags}
                                                  -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(ferry_settings INTERFACE -fsanitize=${ferry_sanitizers})
endif()
target_include_directories(ferry_settings INTERFACE ${PROJECT_SOURCE_DIR})
# Precompiled headers (cmake/Precompiled.cmake): the standard library and fmt headers nearly
# every source includes are parsed once per build, not once per source. OFF checks that every
# source still includes what it uses (a precompiled header hides a missing #include <vector>).
option(FERRY_PCH "Precompile the standard and third-party headers most sources include" ON)
