# Precompiled headers (FERRY_PCH, cmake/Settings.cmake). Two shared ones, each compiled once per
# build and reused by every target (REUSE_FROM) rather than one per target: every ferry target
# compiles with the same flags (ferry_settings), so one header image fits them all.
#   ferry_pch       the standard library headers most sources include, and fmt (util/result.hpp
#                   brings it to nearly every source)
#   ferry_pch_test  the same and doctest, for the unit tests (tests/unit/)
# Not given one: the fuzz targets (their own -fsanitize=fuzzer flags; clang refuses a header
# image built with other sanitizer flags), ferryd-exec (libc only, by design) and doctest's main
# (it defines DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN before including doctest).
# Only headers from outside the tree: a project header in the image would rebuild everything
# on each edit of it.
set(ferry_pch_headers
  <algorithm> <array> <cerrno> <chrono> <cstddef> <cstdint> <cstdio> <cstdlib> <cstring>
  <functional> <map> <memory> <optional> <set> <string> <string_view> <unordered_map>
  <utility> <variant> <vector>
  <fmt/format.h>)

# ferry_pch_donor(NAME HEADERS... LIBS...): the target that compiles a header image.
function(ferry_pch_donor name)
  cmake_parse_arguments(P "" "" "HEADERS;LIBS" ${ARGN})
  # A donor needs a source of its own; an empty one, written only if missing or changed.
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/${name}.cpp CONTENT "// ${name}'s anchor\n")
  add_library(${name} OBJECT ${CMAKE_BINARY_DIR}/${name}.cpp)
  target_link_libraries(${name} PRIVATE ${P_LIBS})
  target_precompile_headers(${name} PRIVATE ${P_HEADERS}) # every ferry source is C++
endfunction()

# Every target defined under DIR and its subdirectories.
function(ferry_targets_under dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    ferry_targets_under(${sub} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Called once, at the end of the top-level CMakeLists.txt, when every target exists.
function(ferry_precompile_headers)
  if(NOT FERRY_PCH)
    return()
  endif()
  # gcc silently parses the headers again when an image does not fit a source's flags: make
  # that a warning (an error in CI's -Werror build), so a header image cannot quietly stop
  # paying.
  target_compile_options(ferry_settings INTERFACE -Winvalid-pch)
  # gcc before 13 does not keep `#pragma GCC diagnostic` in a header image (GCC PR 64117):
  # libstdc++ 12's char_traits.h silences these three for its own inlined memcpy, and from an
  # image they fire in our sources as the known gcc 12 false positives (seen: vector<string>::
  # push_back in two unit tests, -Werror=array-bounds). Real out-of-bounds accesses are the
  # sanitizer build's job (clang, ASan); FERRY_PCH=OFF keeps these warnings on gcc 12.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(ferry_settings INTERFACE -Wno-array-bounds -Wno-stringop-overflow
                                                    -Wno-stringop-overread)
  endif()
  ferry_pch_donor(ferry_pch HEADERS ${ferry_pch_headers} LIBS ferry_settings ferry_fmt)
  if(TARGET ferry_doctest_main)
    ferry_pch_donor(ferry_pch_test HEADERS ${ferry_pch_headers} <doctest/doctest.h>
                    LIBS ferry_settings ferry_fmt doctest::doctest)
  endif()
  ferry_targets_under(${PROJECT_SOURCE_DIR} targets)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    get_target_property(dir ${target} SOURCE_DIR)
    if(NOT type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$"
       OR target MATCHES "^(ferry_pch|ferry_pch_test|ferry_doctest_main|ferryd-exec|ferry_fmt)$"
       OR dir MATCHES "/tests/fuzz$")
      continue()
    endif()
    get_target_property(no_pch ${target} FERRY_NO_PCH)
    if(no_pch)
      continue() # compiled with other flags than the image's (ferry_includes under sanitizers)
    endif()
    get_target_property(libs ${target} LINK_LIBRARIES)
    if("ferry_doctest_main" IN_LIST libs)
      target_precompile_headers(${target} REUSE_FROM ferry_pch_test)
    else()
      target_precompile_headers(${target} REUSE_FROM ferry_pch)
    endif()
  endforeach()
endfunction()
