#!/usr/bin/env bash
# Issue 9: what the compiler learns about a file besides its content must be the client's on
# the runner. __TIMESTAMP__ prints the source's mtime; gcc's `#pragma once` takes two files
# with the same size, mtime and content for one, clang's takes two inodes for two files. The
# runner places cached content by hard link: a link carries the cache entry's mtime and inode,
# so it must give each file the client's mtime and an inode of its own (docs/sandbox.md).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
have gcc || skip "gcc not installed"
have clang || skip "clang not installed"
ferry_test_init
setup_core_project
start_core_runners

# runner_stat ADDR FIELD: a counter from ferryd's own stats (linked, copied, completed...).
runner_stat() {
    probe stats "$1:$PORT" | awk -v f="$2" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }'
}
copies() { echo $(($(runner_stat 127.0.0.2 copied) + $(runner_stat 127.0.0.3 copied))); }

expected=0
cat >"$PROJ/src/stamp.c" <<'EOF'
const char *stamp = __TIMESTAMP__;
EOF
mkdir -p "$PROJ/include/one" "$PROJ/include/two"
cat >"$PROJ/include/one/once.h" <<'EOF'
#pragma once
#define ONCE_CAT2(a, b) a##b
#define ONCE_CAT(a, b) ONCE_CAT2(a, b)
int ONCE_CAT(included_, __COUNTER__) = 1;
EOF
cp "$PROJ/include/one/once.h" "$PROJ/include/two/once.h"
cat >"$PROJ/src/twice.c" <<'EOF'
#include "one/once.h"
#include "two/once.h"
int main(void) { return 0; }
EOF
cp "$PROJ/src/twice.c" "$PROJ/src/twice.cpp"

for cc in gcc clang g++ clang++; do
    src=src/stamp.c
    case $cc in g++ | clang++) src=src/stamp.cpp && cp "$PROJ/src/stamp.c" "$PROJ/$src" ;; esac
    note "$cc: __TIMESTAMP__ is the source's mtime, whatever the runner's cache holds"
    touch -d '2001-02-03 04:05:06' "$PROJ/$src"
    compile_both $cc "-O2 -g" $src build/stamp.o
    strings "$PROJ/build/stamp.o" | grep -q 'Feb  3 04:05:06 2001' ||
        fail "$cc: __TIMESTAMP__ is not the source's mtime"
    # The same content with another mtime: the runner has it cached with the first one.
    touch -d '2011-12-13 14:15:16' "$PROJ/$src"
    compile_both $cc "-O2 -g" $src build/stamp.o
    strings "$PROJ/build/stamp.o" | grep -q 'Dec 13 14:15:16 2011' ||
        fail "$cc: __TIMESTAMP__ is the cached copy's mtime"

    tu=src/twice.c
    case $cc in g++ | clang++) tu=src/twice.cpp ;; esac
    note "$cc: two identical #pragma once headers at two paths, same mtime"
    touch -d '2020-01-01 00:00:00' "$PROJ/include/one/once.h" "$PROJ/include/two/once.h"
    compile_both $cc "-O2 -g -Iinclude" $tu build/twice.o
    note "$cc: the same two headers with different mtimes"
    touch -d '2020-01-02 00:00:00' "$PROJ/include/two/once.h"
    compile_both $cc "-O2 -g -Iinclude" $tu build/twice.o
    expected=$((expected + 4))
done
# The two cases differ where they must: gcc counts one header with equal mtimes, clang two.
(cd "$PROJ" && touch -d '2020-01-01 00:00:00' include/one/once.h include/two/once.h &&
    gcc -Iinclude -c src/twice.c -o "$TEST_TMP/g.o" && clang -Iinclude -c src/twice.c -o "$TEST_TMP/c.o")
nm "$TEST_TMP/g.o" | grep -q included_1 && fail "gcc included the same-mtime copy twice (fixture)"
nm "$TEST_TMP/c.o" | grep -q included_1 || fail "clang included the second copy once (fixture)"

# The include analysis (on by default) finds both once.h files from the directives, so every
# compile above ran remotely: `jobs.local` is the coordinator's count of compiles kept here.
note "runners ran $(ferryd_jobs_done 127.0.0.2) + $(ferryd_jobs_done 127.0.0.3) jobs; $(status_field jobs.local) local; $(copies) files copied"
assert_eq 0 "$(status_field jobs.local)" "compiles kept local with the include analysis"
[ $(($(ferryd_jobs_done 127.0.0.2) + $(ferryd_jobs_done 127.0.0.3))) -ge "$expected" ] ||
    fail "fewer than $expected compiles ran on runners"
# Each same-mtime pair is one content at two paths: one link, one copy at least.
[ "$(copies)" -ge 4 ] || fail "only $(copies) files were copied into mirrors"

# Known gap of the scan (include_analysis = "off", and a unit the analysis refuses), not of the
# mirror: gcc's -H does not list a `#pragma once` header it took for one already read (same
# size, mtime, content), so a same-mtime gcc compile is not shipped two/once.h and compiles
# locally after the runner's "No such file" — the same object, by the local compiler. The
# count is that coordinator's (`jobs.local`): a speculative start of the next compile with the
# same list fails alike, and its answer, when it comes before the wrapper's scan ends, is
# logged "local after" too, but it is not a compile of the build (the scanned request is).
export FERRY_INCLUDE_ANALYSIS=off
touch -d '2020-01-01 00:00:00' "$PROJ/include/one/once.h" "$PROJ/include/two/once.h"
for cc in gcc g++; do
    tu=src/twice.c
    [ $cc = g++ ] && tu=src/twice.cpp
    note "$cc, the scan: the same-mtime #pragma once pair"
    compile_both $cc "-O2 -g -Iinclude" $tu build/twice.o
done
locals=$(status_field jobs.local) # the "off" coordinator's: another configuration, another one
# Only that coordinator's jobs failed for want of once.h (the first one kept none local).
missing=$(cat "$XDG_RUNTIME_DIR"/ferry/*.log | grep -c 'for want of a file .*two/once.h' || true)
[ "$locals" -eq 2 ] && [ "$missing" -ge 2 ] ||
    fail "expected the scan's two gcc/g++ same-mtime compiles local, got $locals ($missing failures for once.h)"
unset FERRY_INCLUDE_ANALYSIS
pass
