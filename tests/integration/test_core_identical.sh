#!/usr/bin/env bash
# Issue 2: objects built on two real runners are byte-identical to local compiles (gcc, g++,
# clang, clang++; -O2 -g, -gsplit-dwarf, dependency files), and the runners prove they ran them.
source "$(dirname "$0")/lib.sh"
ferry_test_init
setup_core_project
start_core_runners

inc="-I$PROJ/include"
expected=0
for cc in gcc clang; do
    cxx=g++
    [ $cc = clang ] && cxx=clang++
    note "$cc / $cxx"
    compile_both $cc "-O2 -g $inc" src/main.c build/main.o
    compile_both $cxx "-O2 -g -std=c++17 $inc" src/shapes.cpp build/shapes.o
    compile_both $cc "-O2 -g -gsplit-dwarf $inc" src/main.c build/main.o build/main.dwo
    # g++ 12 at -O2 writes a DWO ID that differs between two local runs of the same command
    # (it depends on cc1plus's address-space layout): there, .o and .dwo must be identical
    # apart from that ID, and the .o and its .dwo must still agree on it.
    if locally_reproducible $cxx "-O2 -g -gsplit-dwarf $inc" src/shapes.cpp build/shapes.o; then
        compile_both $cxx "-O2 -g -gsplit-dwarf $inc" src/shapes.cpp build/shapes.o build/shapes.dwo
    else
        note "$cxx -O2 -gsplit-dwarf is not reproducible locally: comparing apart from the DWO ID"
        DWO_ID_VARIES=1 compile_both $cxx "-O2 -g -gsplit-dwarf $inc" src/shapes.cpp \
            build/shapes.o build/shapes.dwo
    fi
    compile_both $cc "-O2 -g $inc -MD -MF build/main.d" src/main.c build/main.o build/main.d
    compile_both $cxx "-O0 -g -fPIC $inc -MMD -MP -MT custom-target" src/shapes.cpp build/shapes.o build/shapes.d
    compile_both $cc "-O1 $inc -MD" src/main.c build/main.o build/main.d
    compile_both $cc "-O2 -g $inc -Wall" src/warn.c build/warn.o
    # A user's own prefix map (reproducible-build setups) must still apply on the runner.
    compile_both $cc "-O2 -g $inc -ffile-prefix-map=$PROJ=." src/main.c build/main.o
    expected=$((expected + 9))
done
# A relative include path and an output in another directory, as CMake's Makefile generator does.
mkdir -p "$PROJ/build/sub"
compile_both gcc "-g -Iinclude -DNDEBUG" src/main.c build/sub/main.o
expected=$((expected + 1))

a=$(ferryd_jobs_done 127.0.0.2)
b=$(ferryd_jobs_done 127.0.0.3)
note "runner 127.0.0.2 ran $a jobs, 127.0.0.3 ran $b"
[ "$a" -gt 0 ] || fail "runner 127.0.0.2 ran no job"
[ "$b" -gt 0 ] || fail "runner 127.0.0.3 ran no job"
# Every compile above went to a runner: none fell back to local.
[ $((a + b)) -eq $expected ] || fail "$((a + b)) compiles ran on runners, expected $expected"
pass
