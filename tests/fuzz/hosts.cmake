# Included by tests/fuzz/CMakeLists.txt: hosts.toml and $FERRY_HOSTS parsers on arbitrary input.
ferry_fuzz_target(fuzz_hosts SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_hosts.cpp LIBS ferry_config)
