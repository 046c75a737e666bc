#!/usr/bin/env bash
# Issue 8 (findings 1, 2, 3, 7): a hostile client against the sandboxed runner, and the
# toolchain a client ships. Real ferryd on loopback, real gcc/clang; crafted requests are sent
# with ferry_probe (their manifests written by hand, so the client ships only what the test
# says), honest ones through `ferry gcc`. Each case asserts:
#  1. a job cannot read the runner's files (#include of an absolute path, a climb with "..",
#     .incbin): no runner-only marker in diagnostics or object; through ferry the client's
#     file is what the object holds;
#  2. a job cannot see another job running beside it (/proc/1, /proc/self, /proc/PID/cwd of
#     the victim's compiler, the victim's own path): no marker, no process;
#  3. a job cannot write outside its job directory, nor change the runner's cached copy of a
#     file it was sent (a second, honest job still compiles to the reference object);
#  7. a runner whose own file at the client's absolute include path differs still compiles
#     the client's file (ferryd in its own mount namespace, where that path holds another file);
#  - a runner with no compiler on PATH and broken ones on disk runs the toolchain the client
#    ships: objects, .dwo and depfiles identical to local builds, the runner's counters up;
#  - a runner with --installed-compilers-only refuses a compiler whose identity it lacks, and
#    the client compiles locally.
# Which runner ran a job is read from ferryd's own counters (ferry_probe stats).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tools/ferryd_helpers.sh"
have gcc || skip "gcc not installed"
have unshare || skip "unshare not installed"
ferry_test_init
# Mount namespaces with bind mounts need root; CI runs as root.
[ "$(id -u)" -eq 0 ] || skip "needs root (mount namespaces for the runner's own files)"
setup_core_project

# ferryd started as root runs as nobody: what it must reach is reachable by everyone.
chmod 0711 "$TEST_TMP"
RUNNER_TMP="$TEST_TMP/runner-tmp"
mkdir -m 1777 "$RUNNER_TMP"
OUT="$TEST_TMP/out"
mkdir -p "$OUT"
RAND=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')

# A file only the runner is meant to have: on this machine it exists for both sides, so a
# crafted request simply does not ship it, and the marker must never come back.
SECRET_DIR="$TEST_TMP/runner-only"
mkdir -m 0755 "$SECRET_DIR"
SECRET_MARK="FERRY-RUNNER-SECRET-$RAND"
printf '"%s"\n' "$SECRET_MARK" >"$SECRET_DIR/secret"
chmod 0644 "$SECRET_DIR/secret"

A=127.0.0.21 # plain sandboxed runner: cases 1, 2, 3
TMPDIR="$RUNNER_TMP" start_ferryd $A --name hostile

# runner_stat ADDR FIELD: a counter from ferryd's own stats (received, completed, active...).
runner_stat() {
    probe stats "$1:$PORT" | awk -v f="$2" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }'
}

# no_marker WHAT MARKER FILES...: none of the files (text or binary) contains MARKER.
no_marker() {
    local what=$1 mark=$2 f
    shift 2
    for f in "$@"; do
        [ -e "$f" ] || continue
        if grep -aqF -- "$mark" "$f"; then fail "$what: '$mark' found in $f"; fi
    done
}

# A manifest of exactly the source and gcc's implicit stdc-predef.h; the system include
# directories from a scan of an honest unit.
cd "$PROJ" || fail "no project directory"
build_manifest "$TEST_TMP/m" c gcc src/main.c -Iinclude
crafted_manifest() { # SOURCE -> $TEST_TMP/crafted.files
    {
        realpath -s "$1"
        echo /usr/include/stdc-predef.h
    } >"$TEST_TMP/crafted.files"
}

# crafted NAME SOURCE [ARGS...]: sends SOURCE alone to runner $A (gcc -c SOURCE -o build/NAME.o
# ARGS); the output text in $TEST_TMP/NAME.txt, the object (if any) under $OUT, status in RC.
crafted() {
    local name=$1 src=$2
    shift 2
    crafted_manifest "$src"
    rm -rf "$OUT"
    RC=0
    probe job "$A:$PORT" gcc "$TEST_TMP/crafted.files" "$TEST_TMP/m.sysinc" "$OUT" \
        -- -c "$src" -o "build/$name.o" "$@" >"$TEST_TMP/$name.txt" 2>&1 || RC=$?
    no_marker "$name" "$SECRET_MARK" "$TEST_TMP/$name.txt" "$OUT$PROJ/build/$name.o"
    no_marker "$name" "root:x:0:0" "$TEST_TMP/$name.txt" "$OUT$PROJ/build/$name.o"
}

note "1. a job cannot read the runner's files"
printf '#include "/etc/passwd"\nint x;\n' >src/read_passwd.c
printf '#include "../../../../../../../../../../etc/hostname"\nint x;\n' >src/read_hostname.c
printf 'const char secret[] =\n#include "%s"\n;\n' "$SECRET_DIR/secret" >src/read_secret.c
printf 'const char secret[] =\n#include "../../../../../../../../../..%s"\n;\n' \
    "$SECRET_DIR/secret" >src/climb_secret.c
printf '__asm__(".section .rodata\\n.incbin \\"%s\\"\\n.previous");\nint x;\n' \
    "$SECRET_DIR/secret" >src/incbin_secret.c
# The same directive split by string concatenation: ferry_probe (like the client) refuses to
# ship a file that says ".incbin", a hostile client need not.
printf '__asm__(".section .rodata\\n.inc" "bin \\"%s\\"\\n.previous");\nint x;\n' \
    "$SECRET_DIR/secret" >src/incbin_split.c
before=$(runner_stat $A completed)
for unit in read_passwd read_hostname read_secret climb_secret; do
    crafted "$unit" "src/$unit.c"
    assert_eq 1 "$RC" "exit status of the crafted $unit ($(head -c 600 "$TEST_TMP/$unit.txt"))"
    assert_contains "$TEST_TMP/$unit.txt" "No such file or directory" "$unit"
    assert_contains "$TEST_TMP/$unit.txt" "completed exit 1" "$unit ran on the runner"
done
crafted incbin_split src/incbin_split.c
[ "$RC" != 0 ] || fail "the crafted .incbin of a runner-only file compiled: $(cat "$TEST_TMP/incbin_split.txt")"
assert_contains "$TEST_TMP/incbin_split.txt" "completed exit" "incbin_split ran on the runner"
assert_eq $((before + 5)) "$(runner_stat $A completed)" "jobs the runner completed"

# Through the real client: the files exist on the client, which ships them (or, for .incbin,
# which -H cannot see, compiles locally); each build matches a local one.
FERRY_HOSTS=$(hosts_for $A)
export FERRY_HOSTS
before=$(runner_stat $A completed)
compile_both gcc "-O2" src/read_passwd.c build/read_passwd.o
compile_both gcc "-O2" src/read_secret.c build/read_secret.o
grep -aqF "$SECRET_MARK" build/read_secret.o || fail "the object lacks the client's secret.h content"
compile_both gcc "-O2" src/climb_secret.c build/climb_secret.o
grep -aqF "$SECRET_MARK" build/climb_secret.o || fail "the object lacks the client's content"
after_remote=$(runner_stat $A completed)
compile_both gcc "-O2" src/incbin_secret.c build/incbin_secret.o
grep -aqF "$SECRET_MARK" build/incbin_secret.o || fail "the .incbin object lacks the client's content"
assert_eq $((before + 3)) "$after_remote" "ferry compiles the runner completed (the absolute includes)"
assert_eq "$after_remote" "$(runner_stat $A completed)" "jobs the runner ran for the .incbin unit"

note "2. a job cannot see another job running beside it"
# The victim: a C++ unit whose constant evaluation takes seconds, from another directory.
VICTIM="$TEST_TMP/victim"
VICTIM_MARK="FERRY-VICTIM-SOURCE-$RAND"
mkdir -p "$VICTIM/build"
cat >"$VICTIM/victim.cpp" <<EOF
constexpr unsigned long slow() {
    unsigned long s = 0;
    for (unsigned i = 0; i < 1500; ++i)
        for (unsigned j = 0; j < 1000; ++j) s += (i ^ j) * 2654435761u;
    return s;
}
constexpr unsigned long kSlow = slow();
const char* victim_marker() { return "$VICTIM_MARK"; }
unsigned long victim_value() { return kSlow; }
EOF
(cd "$VICTIM" && build_manifest "$TEST_TMP/v" c++ g++ victim.cpp)
(cd "$VICTIM" && FERRY_PROBE_LANG=c++ exec "$FERRY_PROBE" job "$A:$PORT" g++ "$TEST_TMP/v.files" \
    "$TEST_TMP/v.sysinc" "$TEST_TMP/victim-out" -- -O2 -c victim.cpp -o build/victim.o \
    >"$TEST_TMP/victim.txt" 2>&1) &
VICTIM_PID=$!
# Until the victim's compiler runs (its files and toolchain travel first): its host pids.
victim_pids=
for ((i = 0; i < 600; i++)); do
    victim_pids=$(pgrep -f "cc1plus .*victim\.cpp" || true)
    [ -z "$victim_pids" ] || break
    kill -0 $VICTIM_PID 2>/dev/null || fail "the victim job ended before it ran: $(cat "$TEST_TMP/victim.txt")"
    sleep 0.05
done
[ -n "$victim_pids" ] || fail "the victim's compiler did not start within 30 s"
assert_eq 1 "$(runner_stat $A active)" "jobs running on the runner with the victim's"
{
    emit() { # PATH: a symbol if the attacker's compile sees PATH
        printf '#if __has_include("%s")\nint ferry_saw_%d;\n#endif\n' "$1" $((++seen))
    }
    seen=0
    emit /proc/1/status
    emit /proc/self/status
    emit /proc/self/cwd/victim.cpp
    emit /proc/1/cwd/victim.cpp
    emit /proc/1/root/proc/1/status
    emit /proc
    emit "$VICTIM/victim.cpp"
    for ((n = 1; n <= 64; n++)); do emit "/proc/$n/cwd/victim.cpp"; done
    for p in $victim_pids; do
        emit "/proc/$p/cwd/victim.cpp"
        emit "/proc/$p/root$VICTIM/victim.cpp"
        emit "/proc/$p/status"
    done
    echo 'int ferry_attack_ran;'
} >src/attack.c
# Sent as listed: the coordinator's manifest sends a compile asking about /proc local (a job
# has no /proc to answer as the client does), and the runner must hold even if one is sent.
FERRY_PROBE_RAW_MANIFEST=1 crafted attack src/attack.c
assert_eq 0 "$RC" "exit status of the attacker ($(head -c 600 "$TEST_TMP/attack.txt"))"
kill -0 $VICTIM_PID 2>/dev/null ||
    fail "the victim finished before the attacker: the jobs did not overlap (make it slower)"
nm "$OUT$PROJ/build/attack.o" >"$TEST_TMP/attack.nm"
assert_contains "$TEST_TMP/attack.nm" ferry_attack_ran "the attacker's object"
if grep -q ferry_saw_ "$TEST_TMP/attack.nm"; then
    fail "the attacker saw paths outside its job: $(grep ferry_saw_ "$TEST_TMP/attack.nm" | tr '\n' ' ') (see src/attack.c)"
fi
no_marker "attacker" "$VICTIM_MARK" "$TEST_TMP/attack.txt" "$OUT$PROJ/build/attack.o"
# And a plain #include of the victim's source through its compiler's /proc entry.
p=$(echo "$victim_pids" | head -1)
printf '#include "/proc/%s/cwd/victim.cpp"\n' "$p" >src/attack_include.c
crafted attack_include src/attack_include.c
assert_eq 1 "$RC" "exit status of the attacker including /proc/$p/cwd/victim.cpp"
assert_contains "$TEST_TMP/attack_include.txt" "No such file or directory"
no_marker "attacker" "$VICTIM_MARK" "$TEST_TMP/attack_include.txt"
rc=0
wait $VICTIM_PID || rc=$?
assert_eq 0 "$rc" "exit status of the victim ($(cat "$TEST_TMP/victim.txt"))"

note "3. a job cannot write outside its job directory nor change the runner's cache"
EVIL="$TEST_TMP/evil"
mkdir -m 1777 "$EVIL"
mkdir -p "$TEST_TMP/elsewhere"
# The honest job first: it fills the cache with include/util.h and gives the reference.
gcc -O2 -Iinclude -c src/main.c -o "$TEST_TMP/ref-main.o"
build_manifest "$TEST_TMP/m2" c gcc src/main.c -O2 -Iinclude
honest() { # NAME: main.c as the client sends it; its object must be the reference
    rm -rf "$OUT"
    local rc=0
    probe job "$A:$PORT" gcc "$TEST_TMP/m2.files" "$TEST_TMP/m.sysinc" "$OUT" \
        -- -O2 -Iinclude -c src/main.c -o build/main.o >"$TEST_TMP/$1.txt" 2>&1 || rc=$?
    assert_eq 0 "$rc" "exit status of the honest job $1 ($(cat "$TEST_TMP/$1.txt"))"
    assert_files_identical "$TEST_TMP/ref-main.o" "$OUT$PROJ/build/main.o" "object of the honest job $1"
}
honest honest-1
# The runner's cached copies of util.h: found by content.
# cached_copies FILE: the runner's cache entries with FILE's content.
cached_copies() {
    find "$RUNNER_TMP" -path '*/cache/*' -type f -size "-$(($(stat -c %s "$1") / 1024 + 2))k" \
        -exec cmp -s "$1" {} \; -print
}
mapfile -t cached_util < <(cached_copies include/util.h)
mapfile -t cached_stdio < <(cached_copies /usr/include/stdio.h)
mapfile -t cached_local < <(cached_copies src/local.h)
[ "${#cached_util[@]}" -ge 1 ] || fail "no cached copy of include/util.h under $RUNNER_TMP"
[ "${#cached_stdio[@]}" -ge 1 ] || fail "no cached copy of /usr/include/stdio.h under $RUNNER_TMP"
# attack NAME CWD ARGS...: the main.c manifest, compiled with the given output arguments.
attack() {
    local name=$1 dir=$2
    shift 2
    rm -rf "$OUT"
    RC=0
    (cd "$dir" && exec "$FERRY_PROBE" job "$A:$PORT" gcc "$TEST_TMP/m2.files" "$TEST_TMP/m.sysinc" \
        "$OUT" -- "$@") >"$TEST_TMP/$name.txt" 2>&1 || RC=$?
}
attack abs-out "$TEST_TMP/elsewhere" -O2 -I"$PROJ/include" -c "$PROJ/src/main.c" -o "$EVIL/evil.o"
assert_eq 0 "$RC" "exit status with -o $EVIL/evil.o ($(cat "$TEST_TMP/abs-out.txt"))"
[ -s "$OUT$EVIL/evil.o" ] || fail "the object of -o $EVIL/evil.o did not come back"
attack abs-dwo "$TEST_TMP/elsewhere" -O2 -g -gsplit-dwarf -I"$PROJ/include" -c "$PROJ/src/main.c" \
    -o "$EVIL/evil2.o"
assert_eq 0 "$RC" "exit status with -gsplit-dwarf -o $EVIL/evil2.o ($(cat "$TEST_TMP/abs-dwo.txt"))"
[ -s "$OUT$EVIL/evil2.dwo" ] || fail "the .dwo of -o $EVIL/evil2.o did not come back"
for opt in "-MF$EVIL/evil.d" -save-temps "-fdump-tree-all" "-Wp,-MD,$EVIL/evil.d"; do
    attack refused "$PROJ" -O2 -Iinclude -c src/main.c -o build/main.o "$opt"
    assert_eq 100 "$RC" "exit status with $opt ($(cat "$TEST_TMP/refused.txt"))"
done
# Overwriting a header the job was sent: the object lands on it (in the job's overlay).
attack over-header "$PROJ" -O2 -Iinclude -c src/main.c -o include/util.h
assert_eq 0 "$RC" "exit status with -o include/util.h ($(cat "$TEST_TMP/over-header.txt"))"
assert_files_identical "$TEST_TMP/ref-main.o" "$OUT$PROJ/include/util.h" "the object written over util.h"
attack over-system "$PROJ" -O2 -g -gsplit-dwarf -Iinclude -c src/main.c -o /usr/include/stdio.h
assert_eq 0 "$RC" "exit status with -o /usr/include/stdio.h ($(cat "$TEST_TMP/over-system.txt"))"
attack over-local "$PROJ" -O2 -Iinclude -c src/main.c -o src/local.h
assert_eq 0 "$RC" "exit status with -o src/local.h ($(cat "$TEST_TMP/over-local.txt"))"
for f in "${cached_util[@]}"; do
    assert_files_identical include/util.h "$f" "the runner's cached util.h after the attacks"
done
for f in "${cached_local[@]}"; do
    assert_files_identical src/local.h "$f" "the runner's cached local.h after the attacks"
done
for f in "${cached_stdio[@]}"; do
    assert_files_identical /usr/include/stdio.h "$f" "the runner's cached stdio.h after the attacks"
done
honest honest-2
left=$(find "$EVIL" -mindepth 1 | head -5)
[ -z "$left" ] || fail "files appeared on the runner outside the job: $left"
assert_files_identical "$FERRY_SOURCE_DIR/tests/integration/fixtures/core/include/util.h" \
    include/util.h "the client's util.h"

# ns_ferryd NAME PATH_ENV [SRC DST]...: prints the path of a stand-in for $FERRYD that starts
# ferryd in a mount namespace of its own, where each DST shows SRC (bind mounts nobody else
# sees), with PATH=PATH_ENV. Every step execs, so start_ferryd's pid is ferryd's.
ns_ferryd() {
    local name=$1 path_env=$2 script="$TEST_TMP/ferryd-ns-$1" mounts=""
    shift 2
    while [ $# -ge 2 ]; do
        mounts+="mount --bind \"$1\" \"$2\" && "
        shift 2
    done
    cat >"$script" <<EOF
#!/bin/sh
exec unshare --mount --propagation private sh -c '${mounts}exec env PATH="$path_env" "\$0" "\$@"' "$FERRYD" "\$@"
EOF
    chmod +x "$script"
    echo "$script"
}
# in_runner_ns ADDR CMD...: runs CMD in the mount namespace of ferryd on ADDR.
in_runner_ns() {
    local addr=$1
    shift
    nsenter -t "${FERRYD_PIDS[$addr]}" -m "$@"
}

note "7. the runner's own file at the client's path never replaces the client's"
B=127.0.0.22
mkdir -p "$TEST_TMP/abs"
printf '#define VALUE 42\n' >"$TEST_TMP/abs/x.h"
printf '#define VALUE 666\n' >"$TEST_TMP/runner-x.h"
chmod 0755 "$TEST_TMP/abs"
chmod 0644 "$TEST_TMP/abs/x.h" "$TEST_TMP/runner-x.h"
printf '#include <stdio.h>\n#include "%s"\nint value = VALUE;\nint main(void) { printf("%%d\\n", value); return 0; }\n' \
    "$TEST_TMP/abs/x.h" >src/value.c
FERRYD=$(ns_ferryd other-files "$PATH" "$TEST_TMP/runner-x.h" "$TEST_TMP/abs/x.h") \
    TMPDIR="$RUNNER_TMP" start_ferryd $B --name other-files
assert_eq "#define VALUE 666" "$(in_runner_ns $B cat "$TEST_TMP/abs/x.h")" "x.h as the runner sees it"
assert_eq "#define VALUE 42" "$(cat "$TEST_TMP/abs/x.h")" "x.h as the client sees it"
FERRY_HOSTS=$(hosts_for $B)
export FERRY_HOSTS
before=$(runner_stat $B completed)
compile_both gcc "-O2 -g" src/value.c build/value.o
assert_eq $((before + 1)) "$(runner_stat $B completed)" "jobs the runner with another x.h completed"
gcc -o build/value build/value.o
assert_eq 42 "$(build/value)" "the value compiled on the runner"

note "the toolchain the client ships runs on a runner without (working) compilers"
C=127.0.0.23
printf '#!/bin/sh\necho "wrong compiler" >&2\nexit 1\n' >"$TEST_TMP/wrong-compiler"
chmod 0755 "$TEST_TMP/wrong-compiler"
mkdir -m 0755 "$TEST_TMP/no-compilers"
broken=()
compilers=(gcc g++)
if have_for clang "clang on the broken runner"; then compilers+=(clang clang++); fi
for f in $(for cc in "${compilers[@]}"; do command -v "$cc"; done) \
    "$(gcc -print-prog-name=cc1)" "$(gcc -print-prog-name=cc1plus)"; do
    f=$(readlink -f "$f")
    case " ${broken[*]} " in *" $TEST_TMP/wrong-compiler $f "*) continue ;; esac
    broken+=("$TEST_TMP/wrong-compiler" "$f")
done
# A runner that runs the compiler each client ships needs none of its own to start.
FERRYD=$(ns_ferryd shipped "$TEST_TMP/no-compilers" "${broken[@]}") \
    TMPDIR="$RUNNER_TMP" start_ferryd $C --name shipped
for cc in "${compilers[@]}" "$(gcc -print-prog-name=cc1)"; do
    rc=0
    in_runner_ns $C "$(command -v "$cc" || echo "$cc")" --version >"$TEST_TMP/broken.txt" 2>&1 || rc=$?
    [ "$rc" != 0 ] && grep -q "wrong compiler" "$TEST_TMP/broken.txt" ||
        fail "$cc still works in the runner's namespace: $(head -3 "$TEST_TMP/broken.txt")"
done
probe hello "$C:$PORT" >"$TEST_TMP/hello-shipped.txt"
if grep -q '^compiler ' "$TEST_TMP/hello-shipped.txt"; then
    fail "the runner without compilers offers some: $(cat "$TEST_TMP/hello-shipped.txt")"
fi
FERRY_HOSTS=$(hosts_for $C)
export FERRY_HOSTS
before=$(runner_stat $C completed)
expected=0
inc="-I$PROJ/include"
for cc in gcc clang; do
    have $cc || continue
    cxx=g++
    [ $cc = clang ] && cxx=clang++
    note "$cc / $cxx, shipped"
    compile_both $cc "-O2 -g $inc -MD" src/main.c build/main.o build/main.d
    compile_both $cc "-O2 -g -gsplit-dwarf $inc" src/main.c build/main.o build/main.dwo
    compile_both $cxx "-O2 -g -std=c++17 $inc -MD" src/shapes.cpp build/shapes.o build/shapes.d
    if locally_reproducible $cxx "-O2 -g -gsplit-dwarf $inc" src/shapes.cpp build/shapes.o; then
        compile_both $cxx "-O2 -g -gsplit-dwarf $inc" src/shapes.cpp build/shapes.o build/shapes.dwo
    else
        DWO_ID_VARIES=1 compile_both $cxx "-O2 -g -gsplit-dwarf $inc" src/shapes.cpp \
            build/shapes.o build/shapes.dwo
    fi
    expected=$((expected + 4))
done
assert_eq $((before + expected)) "$(runner_stat $C completed)" "jobs the runner without compilers completed"

note "--installed-compilers-only refuses a compiler it does not have, and the client compiles locally"
D=127.0.0.24
# The runner's gcc differs from the client's by one byte of cc1: another identity.
cc1=$(readlink -f "$(gcc -print-prog-name=cc1)")
cp "$cc1" "$TEST_TMP/cc1-other"
printf '\0' >>"$TEST_TMP/cc1-other"
FERRYD=$(ns_ferryd installed "$PATH" "$TEST_TMP/cc1-other" "$cc1") \
    TMPDIR="$RUNNER_TMP" start_ferryd $D --name installed --installed-compilers-only --compiler gcc
client_id=$(probe hello "$A:$PORT" | sed -n 's/^compiler gcc .* id=\([0-9a-f]*\) .*/\1/p')
runner_id=$(probe hello "$D:$PORT" | sed -n 's/^compiler gcc .* id=\([0-9a-f]*\) .*/\1/p')
[ -n "$client_id" ] && [ -n "$runner_id" ] || fail "no gcc identity from the runners"
[ "$client_id" != "$runner_id" ] || fail "the runner's gcc with another cc1 has the client's id $client_id"
for id in 0123456789abcdef0123456789abcdef "$client_id"; do
    rc=0
    FERRY_PROBE_COMPILER_ID=$id probe job "$D:$PORT" gcc "$TEST_TMP/m2.files" "$TEST_TMP/m.sysinc" \
        "$OUT" -- -O2 -Iinclude -c src/main.c -o build/main.o >"$TEST_TMP/installed.txt" 2>&1 || rc=$?
    assert_eq 100 "$rc" "exit status of a job shipping gcc $id ($(cat "$TEST_TMP/installed.txt"))"
    assert_contains "$TEST_TMP/installed.txt" "compiler 'gcc' with id $id is not offered"
done
FERRY_HOSTS=$(hosts_for $D)
export FERRY_HOSTS
before=$(runner_stat $D received)
gcc -O2 -g "$inc" -c src/main.c -o "$TEST_TMP/ref-main-g.o"
rm -f build/main.o
rc=0
LC_ALL=C "$FERRY" gcc -O2 -g "$inc" -c src/main.c -o build/main.o 2>"$TEST_TMP/installed-ferry.err" || rc=$?
assert_eq 0 "$rc" "exit status of ferry gcc with the installed-only runner"
assert_files_identical "$TEST_TMP/ref-main-g.o" build/main.o "object compiled with the installed-only runner"
# The build says once why it compiled locally, and nothing else.
assert_eq "ferry: no runner available for gcc ($D:$PORT: compiler differs); compiling locally" \
    "$(cat "$TEST_TMP/installed-ferry.err")" "ferry's stderr with the installed-only runner"
assert_eq "$before" "$(runner_stat $D received)" "jobs the installed-only runner received from ferry"
assert_eq 0 "$(runner_stat $D completed)" "jobs the installed-only runner completed"
note "1b. an .incbin the client's check does not see must not fail the build"
# The coordinator's textual check (coordinator/file_store_hidden_reads.cpp) looks for ".incbin",
# but `".inc" "bin"` is the same directive once the compiler joins the strings. The job goes
# remote, the assembler finds no file in the sandbox, and the coordinator, seeing a "file not
# found" failure (missing_input, coordinator/runner_fault.cpp), compiles it again locally.
FERRY_HOSTS=$(hosts_for $A)
export FERRY_HOSTS
compile_both gcc "-O2" src/incbin_split.c build/incbin_split.o
grep -aqF "$SECRET_MARK" build/incbin_split.o || fail "the split .incbin object lacks the client's content"

note "a runner that cannot build the sandbox says so and refuses every job"
# overlayfs cannot spell a directory with a comma: the start-up check's overlay fails there.
E=127.0.0.58
BAD_TMP="$TEST_TMP/runner,tmp"
mkdir -m 1777 "$BAD_TMP"
TMPDIR="$BAD_TMP" start_ferryd $E --name unsandboxable
assert_contains "$(ferryd_log $E)" "cannot sandbox jobs"
probe hello "$E:$PORT" >"$TEST_TMP/hello-unsandboxable.txt"
if grep -q '^compiler ' "$TEST_TMP/hello-unsandboxable.txt"; then
    fail "a runner that cannot sandbox offers compilers: $(cat "$TEST_TMP/hello-unsandboxable.txt")"
fi
rc=0
FERRY_PROBE_NO_TOOLCHAIN=1 probe job-raw "$E:$PORT" gcc "$PROJ" build/x.o -- -c src/main.c \
    -o build/x.o >"$TEST_TMP/unsandboxable.txt" 2>&1 || rc=$?
assert_contains "$TEST_TMP/unsandboxable.txt" "cannot sandbox jobs"
pass
