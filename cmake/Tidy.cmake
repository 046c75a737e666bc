# `cmake --build DIR --target tidy`: clang-tidy with the checked-in .clang-tidy over ferry's own
# sources (cmake/tidy_commands.py picks them from compile_commands.json and drops the
# precompiled header). Fails on any finding. Not part of the build or of CI: it parses every
# source again (about 7 CPU seconds each, some 20 CPU minutes in all on CI's machine).
find_program(FERRY_RUN_CLANG_TIDY NAMES run-clang-tidy-14 run-clang-tidy)
find_program(FERRY_CLANG_TIDY NAMES clang-tidy-14 clang-tidy)
find_package(Python3 COMPONENTS Interpreter)
if(FERRY_RUN_CLANG_TIDY AND FERRY_CLANG_TIDY AND Python3_Interpreter_FOUND)
  cmake_host_system_information(RESULT ferry_tidy_jobs QUERY NUMBER_OF_LOGICAL_CORES)
  add_custom_target(tidy
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/cmake/tidy_commands.py
            ${CMAKE_BINARY_DIR}/compile_commands.json ${CMAKE_BINARY_DIR}/tidy ${PROJECT_SOURCE_DIR}
    COMMAND ${FERRY_RUN_CLANG_TIDY} -quiet -clang-tidy-binary ${FERRY_CLANG_TIDY}
            -j ${ferry_tidy_jobs} -p ${CMAKE_BINARY_DIR}/tidy
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    USES_TERMINAL
    COMMENT "clang-tidy over ferry's sources (.clang-tidy)")
else()
  add_custom_target(tidy
    COMMAND ${CMAKE_COMMAND} -E echo "tidy: needs run-clang-tidy, clang-tidy and python3"
    COMMAND ${CMAKE_COMMAND} -E false)
endif()
