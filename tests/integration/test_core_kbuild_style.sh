#!/usr/bin/env bash
# Linux Kbuild's compile lines distribute: -Wp,-MMD,dir/.x.o.d, -nostdinc with -isystem of the
# compiler's own include directory, -include of relative and absolute headers that include
# other headers (one a system header reached only through a forced include), -imacros,
# -fmacro-prefix-map=./=, -DKBUILD_MODFILE='"..."'. With gcc and clang, objects and depfiles are
# byte-identical to local compiles, stderr too, and every compile ran on a runner; a missing
# forced include fails as it does locally.
source "$(dirname "$0")/lib.sh"
ferry_test_init
PROJ="$TEST_TMP/kproj"
mkdir -p "$PROJ" "$TEST_TMP/ref"
cp -r "$FERRY_SOURCE_DIR/tests/integration/fixtures/kbuild/." "$PROJ/"
start_core_runners

src=lib/math/gcd.c
obj=lib/math/gcd.o
dep=lib/math/.gcd.o.d
# What the shell hands the compiler for -DKBUILD_MODFILE='"lib/math/gcd"' (compile_both splits
# words and nothing else, so the quotes stay).
names="-DKBUILD_MODFILE=\"lib/math/gcd\" -DKBUILD_BASENAME=\"gcd\" -D__KBUILD_MODNAME=kmod_gcd"
incs="-I./arch/x86/include -I./include"
forced="-include ./include/linux/compiler-version.h -include ./include/linux/kconfig.h"
forced="$forced -include ./include/linux/compiler_types.h"
codegen="-D__KERNEL__ -fmacro-prefix-map=./= -Wall -Wundef -std=gnu11 -fno-PIE -mno-sse -mno-mmx"
codegen="$codegen -mno-red-zone -mcmodel=kernel -fcf-protection=none -fno-common -O2"

expected=0
for cc in gcc clang; do
    have $cc || { note "no $cc"; continue; }
    note "$cc"
    own_include=$($cc -print-file-name=include)
    [ -d "$own_include" ] || fail "$cc -print-file-name=include gave '$own_include'"
    kbuild="-Wp,-MMD,$dep -nostdinc -isystem $own_include $incs $forced $codegen $names"

    # The Kbuild line itself, with and without debug info.
    compile_both $cc "$kbuild" $src $obj $dep
    [ -s "$PROJ/$dep" ] || fail "no depfile $dep"
    assert_contains "$PROJ/$dep" "include/linux/compiler_types.h" "$cc depfile lists the forced include"
    if grep -q "stddef.h" "$PROJ/$dep"; then fail "$cc -MMD depfile lists a system header"; fi
    compile_both $cc "$kbuild -g -gdwarf-5" $src $obj $dep
    # -Wp,-MD keeps the system headers in the depfile.
    compile_both $cc "${kbuild/-Wp,-MMD,/-Wp,-MD,} -g" $src $obj $dep
    assert_contains "$PROJ/$dep" "stddef.h" "$cc -Wp,-MD depfile lists <stddef.h>"
    # The compiler's own search path instead of -nostdinc; a forced include by absolute path;
    # -imacros, relative and absolute.
    compile_both $cc "-Wp,-MMD,$dep $incs -include $PROJ/include/linux/kconfig.h \
        -include ./include/linux/compiler_types.h -imacros ./include/generated/macros.h \
        -include ./include/linux/compiler-version.h $codegen $names -g" $src $obj $dep
    compile_both $cc "$incs -imacros $PROJ/include/generated/macros.h $forced $codegen $names \
        -MMD -MF $dep -g" $src $obj $dep
    # A diagnostic from inside a forced include ("In file included from <command-line>").
    compile_both $cc "$kbuild -DFIXTURE_FORCED_WARNING" $src $obj $dep
    assert_contains "$TEST_TMP/ferry.err" "a warning from a forced include" "$cc forced warning"
    expected=$((expected + 6))

    # A forced include that does not exist: the compiler's own error, status and stderr.
    before=$(total_jobs_done 127.0.0.2 127.0.0.3)
    rm -rf "$TEST_TMP/ref" && mkdir "$TEST_TMP/ref" # compile_both compares with any file left there
    compile_both $cc "${kbuild/kconfig.h/missing.h}" $src $obj $dep
    [ "$LOCAL_RC" -ne 0 ] || fail "$cc compiled with a missing forced include"
    assert_contains "$TEST_TMP/ferry.err" "missing.h" "$cc names the missing forced include"
    assert_eq "$before" "$(total_jobs_done 127.0.0.2 127.0.0.3)" "runner jobs after a missing forced include"
done
[ "$expected" -gt 0 ] || skip "neither gcc nor clang is installed"

a=$(ferryd_jobs_done 127.0.0.2)
b=$(ferryd_jobs_done 127.0.0.3)
note "runner 127.0.0.2 ran $a jobs, 127.0.0.3 ran $b"
[ $((a + b)) -eq $expected ] || fail "$((a + b)) compiles ran on runners, expected $expected"
pass
