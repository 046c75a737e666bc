# Included by coordinator/CMakeLists.txt: where a user's coordinator keeps its socket, lock
# and log. A separate small library so the client can find the coordinator without linking it.
add_library(ferry_coordinator_paths STATIC ${CMAKE_CURRENT_LIST_DIR}/paths.cpp)
target_link_libraries(ferry_coordinator_paths PUBLIC ferry_config)
