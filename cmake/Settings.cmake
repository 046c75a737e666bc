# Warnings and sanitizers as an interface target every ferry target links, so the policy
# lives in one place (the ccache way). Warnings are errors in developer/CI builds only:
# a user on a newer compiler must still be able to build a release.
option(FERRY_WERROR "Treat warnings as errors" OFF)
option(FERRY_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(FERRY_FUZZ "Build libFuzzer targets (needs clang)" OFF)

add_library(ferry_settings INTERFACE)
target_compile_options(ferry_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                -Wnon-virtual-dtor -Wold-style-cast)
if(FERRY_WERROR)
  target_compile_options(ferry_settings INTERFACE -Werror)
endif()
if(FERRY_SANITIZE)
  target_compile_options(ferry_settings INTERFACE -fsanitize=address,undefined
                                                  -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(ferry_settings INTERFACE -fsanitize=address,undefined)
endif()
if(FERRY_FUZZ)
  # libFuzzer must see coverage in the code under test, not only in the harness: every ferry
  # target is instrumented (without libFuzzer's main, which only the fuzz targets link).
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "FERRY_FUZZ needs clang (configure with CC=clang CXX=clang++)")
  endif()
  target_compile_options(ferry_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                  -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(ferry_settings INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(ferry_settings INTERFACE ${PROJECT_SOURCE_DIR})
# Precompiled headers (cmake/Precompiled.cmake): the standard library and fmt headers nearly
# every source includes are parsed once per build, not once per source. OFF checks that every
# source still includes what it uses (a precompiled header hides a missing #include <vector>).
option(FERRY_PCH "Precompile the standard and third-party headers most sources include" ON)
