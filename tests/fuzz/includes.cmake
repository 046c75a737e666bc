# Included by tests/fuzz/CMakeLists.txt: the include analysis (coordinator/includes/) on a small
# in-memory project made of the input (fuzz_includes.cpp says how the input is split).
ferry_fuzz_target(fuzz_includes SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_includes.cpp
                  LIBS ferry_includes)
