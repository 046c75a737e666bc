#!/usr/bin/env bash
# Issue 2: the wrapper in its three forms — `ferry gcc`, a masquerade symlink early on PATH,
# and CMake's CMAKE_<LANG>_COMPILER_LAUNCHER — sends jobs to the runner and gives the objects
# a plain build gives.
source "$(dirname "$0")/lib.sh"
ferry_test_init
setup_core_project
start_ferryd 127.0.0.2
export FERRY_HOSTS="$(hosts_for 127.0.0.2)"

note "form 1: ferry gcc"
before=$(ferryd_jobs_done 127.0.0.2)
compile_both gcc "-O2 -g -I$PROJ/include" src/main.c build/main.o
[ "$(ferryd_jobs_done 127.0.0.2)" -gt "$before" ] || fail "ferry gcc did not reach the runner"

note "form 2: masquerade symlinks (gcc, g++, cc -> ferry) first on PATH"
mkdir -p "$TEST_TMP/masq"
for name in gcc g++ cc c++ clang clang++; do ln -s "$FERRY" "$TEST_TMP/masq/$name"; done
before=$(ferryd_jobs_done 127.0.0.2)
(cd "$PROJ" && gcc -O2 -g -Iinclude -c src/main.c -o "$TEST_TMP/ref/plain.o")
(cd "$PROJ" && PATH="$TEST_TMP/masq:$PATH" gcc -O2 -g -Iinclude -c src/main.c -o build/masq.o) ||
    fail "masquerade compile failed"
[ "$(ferryd_jobs_done 127.0.0.2)" -gt "$before" ] || fail "the masquerade did not reach the runner"
# The masquerade found the real gcc, not itself (it would loop or fail otherwise), and the
# object is the same apart from its name: compare a build to the same output name.
(cd "$PROJ" && gcc -O2 -g -Iinclude -c src/main.c -o build/masq-ref.o)
(cd "$PROJ" && mv build/masq.o build/m1.o && gcc -O2 -g -Iinclude -c src/main.c -o build/masq.o &&
    mv build/masq.o build/m2.o)
assert_files_identical "$PROJ/build/m2.o" "$PROJ/build/m1.o" "masquerade object"
# A link through the masquerade runs locally and works.
(cd "$PROJ" && PATH="$TEST_TMP/masq:$PATH" gcc -o build/prog build/m1.o) || fail "link through masquerade"
"$PROJ/build/prog" >/dev/null || fail "the linked program does not run"
# Only ferry's masquerade dir on PATH: it must say it cannot find the real compiler, not loop.
(PATH="$TEST_TMP/masq" "$TEST_TMP/masq/gcc" --version >/dev/null 2>"$TEST_TMP/loop.err") &&
    fail "masquerade with no real compiler succeeded"
assert_contains "$TEST_TMP/loop.err" "gcc" "error naming the missing compiler"

note "form 3: CMake launcher"
have cmake || skip "cmake is not installed"
note "a precompiled header beside a header the compile includes: compiled here, identical"
# gcc reads pch.hxx.gch instead of pch.hxx (CMake's target_precompile_headers works so); the
# scan and the analysis list pch.hxx only, so a job would compile the text: another object.
mkdir -p "$PROJ/pch"
printf '#include <vector>\n#include <string>\n#include <map>\n' >"$PROJ/pch/pch.hxx"
printf 'int f(const std::vector<std::string>& v) { std::map<int, int> m; m[1] = 2; return int(v.size()) + m[1]; }\n' \
    >"$PROJ/pch/use.cpp"
(cd "$PROJ/pch" && g++ -O2 -g -x c++-header pch.hxx -o pch.hxx.gch) || fail "could not precompile pch.hxx"
before=$(ferryd_jobs_done 127.0.0.2)
compile_both g++ "-O2 -g -Winvalid-pch -include $PROJ/pch/pch.hxx" pch/use.cpp pch/use.o
assert_eq "$before" "$(ferryd_jobs_done 127.0.0.2)" "jobs sent to the runner for a unit with a precompiled header"
assert_contains "$(coordinator_log)" "pch.hxx.gch is a precompiled header" "the coordinator's reason"
rm -rf "$PROJ/pch"

mkdir -p "$TEST_TMP/cm"
cat >"$TEST_TMP/cm/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(demo C CXX)
add_executable(demo_c $PROJ/src/main.c)
target_include_directories(demo_c PRIVATE $PROJ/include)
add_executable(demo_cxx $PROJ/src/shapes.cpp)
target_include_directories(demo_cxx PRIVATE $PROJ/include)
CMAKE
build_cmake() { # launcher-or-empty
    rm -rf "$TEST_TMP/cm/build"
    cmake -S "$TEST_TMP/cm" -B "$TEST_TMP/cm/build" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        ${1:+-DCMAKE_C_COMPILER_LAUNCHER=$1 -DCMAKE_CXX_COMPILER_LAUNCHER=$1} >/dev/null
    cmake --build "$TEST_TMP/cm/build" -j2 >/dev/null
}
build_cmake ""
cp "$TEST_TMP/cm/build/CMakeFiles/demo_c.dir/$PROJ/src/main.c.o" "$TEST_TMP/ref/cm-c.o" 2>/dev/null ||
    find "$TEST_TMP/cm/build" -name 'main.c.o' -exec cp {} "$TEST_TMP/ref/cm-c.o" \;
find "$TEST_TMP/cm/build" -name 'shapes.cpp.o' -exec cp {} "$TEST_TMP/ref/cm-cxx.o" \;
before=$(ferryd_jobs_done 127.0.0.2)
build_cmake "$FERRY"
after=$(ferryd_jobs_done 127.0.0.2)
assert_eq 2 $((after - before)) "jobs the CMake build sent to the runner"
assert_files_identical "$TEST_TMP/ref/cm-c.o" "$(find "$TEST_TMP/cm/build" -name 'main.c.o')" "CMake C object"
assert_files_identical "$TEST_TMP/ref/cm-cxx.o" "$(find "$TEST_TMP/cm/build" -name 'shapes.cpp.o')" "CMake C++ object"
"$TEST_TMP/cm/build/demo_cxx" >/dev/null || fail "the CMake-built program does not run"
pass
