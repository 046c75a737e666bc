# The battery's cases (sourced by test_correctness_battery.sh). A setup function writes a tiny
# project into the current directory (the case's root, $R/NAME); `kase` names the command.
#   kase NAME SETUP COMMAND...      with, as variables on the same line:
#   OUTS='a.o "b c.d"'  the outputs to compare (shell words, relative to IN or absolute)
#   IN=dir              where the command runs, relative to the root (entered logically)
#   ENVS='VAR=value'    extra environment;  PRE='gcc -c x.c'  a compile run first, the same way
#   WHERE=remote|local  where the case must run (default: anywhere)
CASES=()
declare -A C_SETUP=() C_CMD=() C_OUTS=() C_IN=() C_ENV=() C_PRE=() C_WHERE=()
kase() {
    local name=$1 setup=$2
    shift 2
    [ -z "${C_CMD[$name]+set}" ] || fail "two cases are named $name"
    # BATTERY_ONLY=regex runs only the matching cases (while working on one).
    [[ $name =~ ${BATTERY_ONLY:-.} ]] || return 0
    CASES+=("$name")
    C_SETUP[$name]=$setup
    C_CMD[$name]=$(printf '%q ' "$@")
    C_OUTS[$name]=${OUTS:-}
    C_IN[$name]=${IN:-.}
    C_ENV[$name]=${ENVS:-}
    C_PRE[$name]=${PRE:-}
    C_WHERE[$name]=${WHERE:-any}
}
w() { mkdir -p "$(dirname "$1")" && cat >"$1"; }

# ---- projects ----
setup_plain() {
    w include/a.h <<'EOF'
#pragma once
#define A_SCALE 3
int a_scale(void);
EOF
    w src/a.c <<'EOF'
#include <stdio.h>
#include "a.h"
int a_scale(void) { return A_SCALE; }
void hello(void) { printf("%s %d %s\n", __FILE__, A_SCALE, __BASE_FILE__); }
EOF
    w src/b.cc <<'EOF'
#include <vector>
extern "C" {
#include "a.h"
}
const char *g(std::vector<int> &v) {
    v.push_back(A_SCALE);
    return __FILE__;
}
EOF
    w src/w.c <<'EOF'
int warn(int x) {
    int unused;
    if (x = 2) return 1;
}
EOF
    w src/w.cc <<'EOF'
#include <vector>
int warn(std::vector<int> v) {
    int unused;
    for (int i = 0; i < v.size(); ++i) if (v[i] = 2) return 1;
}
EOF
    w src/err.c <<'EOF'
int broken(int x) { return x +; }
int also(void) { return undeclared; }
EOF
    w src/missing.c <<'EOF'
#include "no_such_header.h"
int m;
EOF
    mkdir -p build/CMakeFiles/p.dir/src obj/sub obj/deep/dir
}

setup_kbuild() {
    w include/generated/autoconf.h <<'EOF'
#define CONFIG_FOO 1
#define CONFIG_BAR_MODULE 1
EOF
    w include/linux/kconfig.h <<'EOF'
#include <generated/autoconf.h>
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option) (__is_defined(option) || __is_defined(option##_MODULE))
EOF
    w include/linux/compiler_types.h <<'EOF'
#define __section(s) __attribute__((__section__(s)))
EOF
    w drivers/a.c <<'EOF'
#include <stdarg.h>
#include <linux/compiler_types.h>
static const char name[] __section(".modinfo") = KBUILD_MODNAME;
int foo_enabled = IS_ENABLED(CONFIG_FOO) + IS_ENABLED(CONFIG_BAR);
int sum(int n, ...) { va_list ap; va_start(ap, n); int s = va_arg(ap, int); va_end(ap); return s + n + name[0]; }
EOF
}

setup_autotools() {
    w config.h <<'EOF'
#define HAVE_STDLIB_H 1
#define PACKAGE_STRING "demo 1.0"
EOF
    w lib/a.c <<'EOF'
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdlib.h>
const char *pkg(void) { return PACKAGE_STRING; }
EOF
    mkdir -p lib/.deps lib/.libs
}

setup_meson() {
    setup_plain
    mkdir -p builddir/libfoo.a.p
}

setup_trigraph() {
    setup_plain
    w src/t.c <<'EOF'
??=include "a.h"
const char *tri = "??!";
int t(void) { return A_SCALE; }
EOF
    w src/tw.c <<'EOF'
/* what ??/
*/
const char *tw = "??!";
EOF
}

setup_forced() {
    setup_plain
    w include/pre.h <<'EOF'
#define PRE_VALUE 7
int pre_fn(void);
EOF
    w include/mac.h <<'EOF'
#define MAC_VALUE 11
int mac_decl_is_dropped(void) { return 0; }
EOF
    w src/im.c <<'EOF'
#include "a.h"
int im(void) { return PRE_VALUE + MAC_VALUE + A_SCALE; }
EOF
}

setup_search() {
    w sys/s.h <<'EOF'
static int sys_unused_no_warning;
#include_next <stdio.h>
EOF
    w sys/stdio.h <<'EOF'
#define SYS_STDIO_SHADOW 1
EOF
    w q/q.h <<'EOF'
#define Q_ONLY_QUOTE 5
EOF
    w inc/i.h <<'EOF'
#define I_VALUE 9
EOF
    w src/sq.c <<'EOF'
#include "q.h"
#include <i.h>
#include <s.h>
int sq(void) { return Q_ONLY_QUOTE + I_VALUE; }
EOF
}

setup_line() {
    w src/hdr.h <<'EOF'
static const char *hdr_file = __FILE__;
static const char *hdr_base = __BASE_FILE__;
EOF
    w src/lf.c <<'EOF'
#include "hdr.h"
const char *f1 = __FILE__;
#line 100 "renamed.c"
const char *f2 = __FILE__;
int l = __LINE__;
const char *b = __BASE_FILE__;
const char *use(void) { return hdr_file[0] ? hdr_base : f1; }
EOF
}

setup_dates() {
    w src/d.c <<'EOF'
const char *d = __DATE__ " " __TIME__;
EOF
}

setup_z() { w src/z.c <<<'int f(void) { return 42; }'; }
setup_devnode() { setup_z && mkdir dev && mknod dev/null c 1 3; }

setup_once_link() {
    w real/po.h <<'EOF'
#pragma once
#ifdef PO_SEEN
int po_included_twice;
#endif
#define PO_SEEN
EOF
    w real/guard.h <<'EOF'
#ifndef GUARD_H
#define GUARD_H
int guard_once;
#endif
EOF
    ln -s real alias
    w src/po.c <<'EOF'
#include "../real/po.h"
#include "../alias/po.h"
#include "../real/guard.h"
#include "../alias/guard.h"
int po;
EOF
}

setup_lang_memo() {
    w a.c <<<'#include <stdio.h>
int c_only(void) { return printf("c"); }'
    w b.cc <<<'#include <vector>
#include <cstdio>
int cxx(void) { std::vector<int> v(3); return std::printf("%zu", v.size()); }'
}

setup_pragmas() {
    w inc/pp.h <<'EOF'
#define HDR 2
EOF
    w inc/first.h <<<'int from_first;'
    w inc/second.h <<<'int from_second;'
    w inc/op.h <<'EOF'
_Pragma("once")
int op_included;
EOF
    w src/pushpop.c <<'EOF'
#define HDR 1
_Pragma("push_macro(\"HDR\")")
#undef HDR
#include "pp.h"
int hdr_inside = HDR;
_Pragma("pop_macro(\"HDR\")")
int hdr = HDR;
#define INC "first.h"
#pragma push_macro("INC")
#undef INC
#define INC "second.h"
#include INC
#pragma pop_macro("INC")
#include INC
EOF
    w src/digraph.c <<'EOF'
%:include "pp.h"
int dg<:2:> = <% HDR, 1 %>;
EOF
    w src/op.c <<'EOF'
#include "op.h"
#include "op.h"
int op(void) { return op_included; }
EOF
    w src/computed.c <<'EOF'
#define STR(x) #x
#define XSTR(x) STR(x)
#include XSTR(VARIANT.h)
int computed = VARIANT_VALUE;
EOF
    w src/fast.h <<<'#define VARIANT_VALUE 42'
    w src/self.c <<'EOF'
#ifndef SELF_ONCE
#define SELF_ONCE
#include __FILE__
int self_outer;
#else
int self_inner;
#endif
EOF
}

setup_hidden() {
    printf 'ferry-incbin-payload\n' >data.bin
    printf 'asm(".section .rodata\\n.incbin \\"data.bin\\"\\n.previous");\nint g(void) { return 1; }\n' >incbin.c
    printf 'asm(".section .rodata\\n.incbin \\"data.bin\\"\\n.previous");\n' >blob.h
    printf '#include "blob.h"\nint h(void) { return 2; }\n' >uses_blob.c
    printf 'old\n' >dep.txt
    touch -d '2001-01-01' dep.txt
    printf '#pragma GCC dependency "dep.txt"\nint k(void) { return 3; }\n' >pragma_dep.c
}

setup_dirs() { setup_z && mkdir emptydir; }

setup_predef() {
    w p.c <<'EOF'
#if defined __STDC_IEC_559__ && defined __STDC_ISO_10646__
int predef = __STDC_ISO_10646__;
#else
int predef = 0;
#endif
EOF
}

setup_pwd_link() {
    w real/work/src/m.c <<<'int m(void) { return 1; }'
    w real/work/inc/m.h <<<'#define M 1'
    ln -s real alias
}

setup_timestamp() {
    w src/ts.h <<<'static const char *ts_header = __TIMESTAMP__;'
    w src/ts.c <<'EOF'
#include "ts.h"
const char *ts = __TIMESTAMP__;
const char *ts_use(void) { return ts_header; }
EOF
    touch -d '2001-02-03 04:05:06' src/ts.c
    touch -d '1999-12-31 23:59:58' src/ts.h
}

# Two byte-identical #pragma once headers at two paths: gcc includes the second unless its
# mtime is the same too (gcc compares contents and mtimes); clang always includes both.
once_copy() {
    w "$1/po.h" <<'EOF'
#pragma once
#ifdef COPY_SEEN
int second_copy_included;
#endif
#define COPY_SEEN
EOF
}
setup_once_copies() {
    once_copy c1 && once_copy c2
    touch -d '2010-01-01 00:00:00' c1/po.h
    touch -d '2011-01-01 00:00:00' c2/po.h
    w u.c <<<'#include "c1/po.h"
#include "c2/po.h"
int u;'
}
setup_once_copies_same_mtime() {
    setup_once_copies
    touch -d '2010-01-01 00:00:00' c2/po.h
}

setup_has_include() {
    w src/opt.h <<<'#error opt.h must not be included'
    w src/hi.c <<'EOF'
#if __has_include("opt.h")
int have_opt = 1;
#else
int have_opt = 0;
#endif
#if __has_include("nope.h")
int have_nope = 1;
#endif
EOF
    w src/hs.c <<'EOF'
#if __has_include(<sys/epoll.h>)
int have_epoll = 1;
#endif
EOF
}

setup_dotdot_link() {
    w real/up.h <<<'int up_is_right;'
    w real/deep/keep.h <<<'int keep;'
    w up.h <<<'int up_is_wrong;'
    ln -s real/deep alias
    w dd.c <<<'#include "alias/../up.h"
int dd;'
}

# ---- the cases ----
gcc_dir=$(gcc -print-file-name=include)
clang_dir=$(clang -print-file-name=include)

for cc in gcc clang g++ clang++; do
    case $cc in
    *++) src=b.cc std=-std=c++20 warn=src/w.cc ;;
    *) src=a.c std=-std=gnu11 warn=src/w.c ;;
    esac
    n=$cc
    # CMake's Makefile and Ninja generators: absolute source and include paths, -o deep below.
    IN=build OUTS='CMakeFiles/p.dir/src/x.o CMakeFiles/p.dir/src/x.o.d' WHERE=remote \
        kase cmake_$n setup_plain $cc -DFOO=1 -I"$R/cmake_$n/include" -O2 -g $std -MD \
        -MT CMakeFiles/p.dir/src/x.o -MF CMakeFiles/p.dir/src/x.o.d -o CMakeFiles/p.dir/src/x.o \
        -c "$R/cmake_$n/src/$src"
    OUTS='obj/sub/x.o obj/sub/x.dwo' WHERE=remote \
        kase splitdwarf_$n setup_plain $cc -O2 -g -gsplit-dwarf -Iinclude -c src/$src -o obj/sub/x.o
    OUTS='x.o' WHERE=remote \
        kase asan_ubsan_$n setup_plain $cc -fsanitize=address,undefined -g -O1 -Iinclude \
        -c "$R/asan_ubsan_$n/src/$src" -o x.o
    OUTS='w.o' WHERE=remote kase warnings_$n setup_plain $cc -Wall -Wextra -c $warn -o w.o
    # The slower C++ compiles only where they add something.
    [[ $cc == gcc || $cc == clang ]] && OUTS='w.o' kase werror_$n setup_plain $cc -Wall -Werror -c $warn -o w.o
    OUTS='x.o' WHERE=remote kase g3_$n setup_plain $cc -g3 -O0 -Iinclude -c src/$src -o x.o
    [[ $cc == gcc || $cc == clang++ ]] && OUTS='obj/deep/dir/x.o obj/deep/dir/x.d' WHERE=remote \
        kase subdir_md_$n setup_plain $cc -MD -MP -O2 -Iinclude -c src/$src -o obj/deep/dir/x.o
    [[ $cc == clang++ ]] || OUTS='x.o' WHERE=remote kase usr_include_$n setup_plain $cc -I/usr/include -g3 -Iinclude \
        -c src/$src -o x.o
done

for cc in gcc clang; do
    case $cc in
    gcc) cdir=$gcc_dir ;;
    *) cdir=$clang_dir ;;
    esac
    OUTS='drivers/a.o drivers/.a.o.d' WHERE=remote \
        kase kbuild_$cc setup_kbuild $cc -Wp,-MMD,drivers/.a.o.d -nostdinc -isystem "$cdir" -Iinclude \
        -include include/linux/kconfig.h -D__KERNEL__ -Wall -Wundef -fno-strict-aliasing -fno-common \
        -std=gnu11 -O2 -g '-DKBUILD_MODFILE="drivers/a"' '-DKBUILD_BASENAME="a"' \
        '-DKBUILD_MODNAME="a"' -c -o drivers/a.o drivers/a.c
    IN=builddir OUTS='libfoo.a.p/w.c.o libfoo.a.p/w.c.o.d' WHERE=remote \
        kase meson_$cc setup_meson $cc -Ilibfoo.a.p -I. -I.. -fdiagnostics-color=always \
        -D_FILE_OFFSET_BITS=64 -Wall -Winvalid-pch -O0 -g -fPIC -MD -MQ libfoo.a.p/w.c.o \
        -MF libfoo.a.p/w.c.o.d -o libfoo.a.p/w.c.o -c ../src/w.c
    OUTS='x.o' kase error_$cc setup_plain $cc -c src/err.c -o x.o
    OUTS='x.o' kase missing_header_$cc setup_plain $cc -c src/missing.c -o x.o
    OUTS='t.o' WHERE=remote kase c99_trigraph_$cc setup_trigraph $cc -std=c99 -Iinclude -c src/t.c -o t.o
    OUTS='tw.o' WHERE=remote kase trigraph_warning_$cc setup_trigraph $cc -std=gnu99 -Wall -c src/tw.c -o tw.o
    OUTS='im.o' WHERE=remote kase include_imacros_$cc setup_forced $cc -include include/pre.h \
        -imacros include/mac.h -Iinclude -g -c src/im.c -o im.o
    OUTS='sq.o' WHERE=remote kase isystem_iquote_$cc setup_search $cc -isystem sys -iquote q -Iinc \
        -Wall -Wextra -c src/sq.c -o sq.o
    OUTS='lf.o' WHERE=remote kase line_file_$cc setup_line $cc -g -c src/lf.c -o lf.o
    OUTS='lf.o' WHERE=remote kase prefix_maps_$cc setup_line $cc -g \
        -fdebug-prefix-map="$R/prefix_maps_$cc=/src" -fmacro-prefix-map="$R/prefix_maps_$cc=/src" \
        -c "$R/prefix_maps_$cc/src/lf.c" -o lf.o
    OUTS='dev/null' kase dev_node_output_$cc setup_devnode $cc -c src/z.c -o dev/null
    OUTS='/dev/null' kase dev_null_output_$cc setup_z $cc -c src/z.c -o /dev/null
    OUTS='po.o' IN=src WHERE=remote kase once_symlink_dir_$cc setup_once_link $cc -c po.c -o po.o
    OUTS='pushpop.o' WHERE=remote kase push_pop_macro_$cc setup_pragmas $cc -Iinc -c src/pushpop.c -o pushpop.o
    OUTS='digraph.o' WHERE=remote kase digraph_include_$cc setup_pragmas $cc -Iinc -c src/digraph.c -o digraph.o
    OUTS='op.o' WHERE=remote kase pragma_once_operator_$cc setup_pragmas $cc -Iinc -c src/op.c -o op.o
    OUTS='c.o' WHERE=remote kase computed_include_$cc setup_pragmas $cc -DVARIANT=fast -c src/computed.c -o c.o
    OUTS='s.o' kase self_include_$cc setup_pragmas $cc -c src/self.c -o s.o
    OUTS='i.o' WHERE=local kase incbin_source_$cc setup_hidden $cc -O2 -g -c incbin.c -o i.o
    OUTS='u.o' WHERE=local kase incbin_header_$cc setup_hidden $cc -O2 -g -c uses_blob.c -o u.o
    OUTS='z.o' WHERE=remote kase missing_dirs_werror_$cc setup_dirs $cc -Werror=missing-include-dirs \
        -Iemptydir -c src/z.c -o z.o
    OUTS='z.o' WHERE=remote kase missing_dirs_warn_$cc setup_dirs $cc -Wmissing-include-dirs \
        -Inonexistent -c src/z.c -o z.o
    OUTS='p.o' WHERE=remote kase stdc_predef_$cc setup_predef $cc -g3 -c p.c -o p.o
    IN=alias/work OUTS='m.o' WHERE=remote kase logical_pwd_$cc setup_pwd_link $cc -g -Iinc -c src/m.c -o m.o
    OUTS='ts.o' WHERE=remote kase timestamp_$cc setup_timestamp $cc -c src/ts.c -o ts.o
    OUTS='u.o' WHERE=remote kase once_copies_$cc setup_once_copies $cc -c u.c -o u.o
    # gcc takes the second copy for the first (same content, same mtime) and -H lists it
    # once: the runner misses c2/po.h, says "not found", and the compile is redone here
    # (counted as sent back). The include analysis (on by default; the battery's .scan run sets
    # FERRY_INCLUDE_ANALYSIS=off) names what -H does not: it lists both copies, and the
    # runner's compile proves it.
    once_where=remote
    [ "$cc" != gcc ] || [ "${FERRY_INCLUDE_ANALYSIS:-on}" = on ] || once_where=local
    OUTS='u.o' WHERE=$once_where kase once_copies_same_mtime_$cc setup_once_copies_same_mtime $cc -c u.c -o u.o
    OUTS='hi.o' WHERE=remote kase has_include_$cc setup_has_include $cc -c src/hi.c -o hi.o
    OUTS='hs.o' WHERE=remote kase has_include_system_$cc setup_has_include $cc -c src/hs.c -o hs.o
    OUTS='dd.o' WHERE=remote kase dotdot_through_link_$cc setup_dotdot_link $cc -c dd.c -o dd.o
    OUTS='b.o' PRE="$cc -c a.c -o a.o" WHERE=remote kase lang_memo_c_then_cxx_$cc setup_lang_memo \
        $cc -c b.cc -o b.o
done
OUTS='k.o' WHERE=local kase pragma_dependency_gcc setup_hidden gcc -O2 -c pragma_dep.c -o k.o

# gcc-only command lines. (clang 14 ignores SOURCE_DATE_EPOCH: its __DATE__ is the clock's.)
OUTS='d.o' ENVS='SOURCE_DATE_EPOCH=1000000000' WHERE=remote \
    kase source_date_epoch_gcc setup_dates gcc -g -c src/d.c -o d.o
OUTS='x.o' WHERE=remote kase lto_seed_gcc setup_plain gcc -flto -frandom-seed=x -O2 -Iinclude \
    -c "$R/lto_seed_gcc/src/a.c" -o x.o
OUTS='x.o' WHERE=remote kase lto_seed_g++ setup_plain g++ -flto -frandom-seed=x -O2 -Iinclude \
    -c "$R/lto_seed_g++/src/b.cc" -o x.o
OUTS='x.o' WHERE=remote kase lto_clang setup_plain clang -flto -O2 -Iinclude \
    -c "$R/lto_clang/src/a.c" -o x.o
IN=lib OUTS='a.o .deps/a.Tpo' WHERE=remote kase autotools_gcc setup_autotools gcc -DHAVE_CONFIG_H \
    -I. -I.. -g -O2 -MT a.o -MD -MP -MF .deps/a.Tpo -c -o a.o a.c
IN=lib OUTS='.libs/a.o .deps/a.Tpo' WHERE=remote kase libtool_gcc setup_autotools gcc -DHAVE_CONFIG_H \
    -I. -I.. -g -O2 -MT a.lo -MD -MP -MF .deps/a.Tpo -c a.c -fPIC -DPIC -o .libs/a.o
OUTS='b.o' PRE='g++ -c b.cc -o b.o' kase lang_memo_cxx_then_c_gcc setup_lang_memo gcc -c a.c -o a.o
OUTS='x.o' WHERE=remote kase gz_debug_gcc setup_plain gcc -g -gz -Iinclude -c src/a.c -o x.o
OUTS='obj/x.o obj/x.gcno' kase coverage_gcc setup_plain gcc --coverage -Iinclude -c src/a.c -o obj/x.o
OUTS='obj/x.o obj/x.su' kase stack_usage_gcc setup_plain gcc -fstack-usage -Iinclude -c src/a.c -o obj/x.o
OUTS='x.o a.lst' kase asm_listing_gcc setup_plain gcc -g -Wa,-adhln=a.lst -Iinclude -c src/a.c -o x.o
OUTS='obj/x.o obj/x.i obj/x.s obj/a.i obj/a.s a.i a.s' kase save_temps_gcc setup_plain gcc \
    -save-temps=obj -Iinclude -c src/a.c -o obj/x.o
# -o into a directory that does not exist: the compiler's own message, not ferry's.
OUTS='nowhere/x.o' kase output_dir_missing_gcc setup_plain gcc -Iinclude -c src/a.c -o nowhere/x.o
OUTS='nowhere/x.o' kase output_dir_missing_clang setup_plain clang -Iinclude -c src/a.c -o nowhere/x.o
OUTS='x.o' kase record_switches_gcc setup_plain gcc -frecord-gcc-switches -O2 -Iinclude \
    -c src/a.c -o x.o
OUTS='x.s' kase assembly_output_gcc setup_plain gcc -S -O2 -Iinclude src/a.c -o x.s
kase preprocess_only_gcc setup_plain gcc -E -Iinclude src/a.c
