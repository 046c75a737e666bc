# The argument analyser and the runner's argument policy (compiler/).
ferry_fuzz_target(fuzz_args SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_args.cpp LIBS ferry_compiler)
