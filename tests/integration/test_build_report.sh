#!/usr/bin/env bash
# The build report of `ferry make` / `ferry ninja`: the summary's numbers against the
# runners' own counts, the --trace file (lanes, slots, no overlap, one job per compile),
# two builds side by side each reporting only its own jobs, a failing build that still
# writes its trace and keeps make's status, silence when stderr is not a terminal, the
# summary and the title when it is, and an unwritable --trace refused before building.
source "$(dirname "$0")/lib.sh"
ferry_test_init
have make || skip "no make"
have python3 || skip "no python3"
start_ferryd 127.0.0.8
start_ferryd 127.0.0.9
cat >"$TEST_TMP/hosts.toml" <<EOF2
[client]
local_slots = 2
[[runner]]
name = "r1"
address = "127.0.0.8"
port = $PORT
slots = 2
[[runner]]
name = "r2"
address = "127.0.0.9"
port = $PORT
slots = 2
EOF2
unset FERRY_HOSTS
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"

# make_project DIR N: N small C files, one more kept local by -save-temps, and a link.
make_project() {
    local dir=$1 n=$2 i
    mkdir -p "$dir"
    for ((i = 0; i < n; i++)); do
        printf 'int f%d(int x) { return x * %d + 1; }\n' "$i" "$i" >"$dir/f$i.c"
    done
    printf 'int main(void) { return 0; }\n' >"$dir/main.c"
    cat >"$dir/Makefile" <<'MK'
SRCS := $(wildcard f*.c) main.c
OBJS := $(SRCS:.c=.o) temps.o
app: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c
	$(CC) -O1 -c $< -o $@
# -save-temps writes files beside the object: the wrapper keeps this compile here.
temps.o: temps.c
	$(CC) -O1 -save-temps -c $< -o $@
temps.c:
	printf 'int temps(void) { return 7; }\n' >$@
broken.o: broken.c
	$(CC) -c $< -o $@
MK
}

# status_jobs: "r1 N r2 N" — the runners' own job counts, from `ferry status --json` (the
# text's indented detail lines also start with a runner's name).
status_jobs() {
    "$FERRY" status --json |
        python3 -c 'import json, sys; print(" ".join("%s %d" % (r["name"], r["jobs_done"]) for r in json.load(sys.stdin)["runners"]))'
}

cat >"$TEST_TMP/check_trace.py" <<'PY'
# check_trace.py TRACE SLOTS_PER_RUNNER SOURCES... : the trace's lanes and jobs.
import json, os, sys
from collections import defaultdict
trace, slots, sources = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
doc = json.load(open(trace))
assert doc["displayTimeUnit"] == "ms"
proc, thread, xs = {}, {}, []
for e in doc["traceEvents"]:
    if e["ph"] == "M" and e["name"] == "process_name": proc[e["pid"]] = e["args"]["name"]
    elif e["ph"] == "M" and e["name"] == "thread_name": thread[(e["pid"], e["tid"])] = e["args"]["name"]
    elif e["ph"] == "X": xs.append(e)
assert "local" in proc.values() and "queue" in proc.values(), proc
lanes = defaultdict(list)
jobs = {}
for e in xs:
    assert e["ts"] >= 0 and e["dur"] >= 0, e
    assert (e["pid"], e["tid"]) in thread, ("unnamed lane", e)
    lanes[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"], e["name"]))
    if e["args"]["outcome"] in ("remote", "local", "fallback"):
        jobs[e["args"]["job"], e["args"]["pid"]] = (e["name"], e["args"]["outcome"])
for lane, spans in lanes.items():
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        assert b[0] >= a[1], ("overlap on", proc[lane[0]], thread[lane], a, b)
# A job is named by its source; a compile the wrapper keeps local before finding its
# source (-save-temps) is named by its object or its compiler, so sources are matched on
# the stem for remote jobs, and kept-local jobs are counted.
stem = lambda name: os.path.splitext(os.path.basename(name))[0]
by_job = defaultdict(list)
for e in xs: by_job[e["args"]["job"], e["args"]["pid"]].append(e)
remote_stems, remote, local = set(), 0, 0
for key, evs in by_job.items():
    outcome = evs[0]["args"]["outcome"]
    if outcome == "remote":
        # The board records `compile` once every file is sent; a runner that needed nothing
        # answers straight from `send`.
        comp = [e for e in evs if e["cat"] in ("compile", "send")]
        assert comp, ("no compile event for a remote job", evs[0]["name"], evs)
        for e in comp:
            assert proc[e["pid"]] not in ("local", "queue"), ("compile not on a runner lane", e)
            assert 0 <= e["tid"] < slots, ("slot out of range", e)
        remote_stems.add(stem(evs[0]["name"]))
        remote += 1
    elif outcome in ("local", "fallback"):
        assert any(e["cat"] == "local" and proc[e["pid"]] == "local" for e in evs), ("no local-lane event", evs)
        local += 1
missing = [s for s in sources if stem(s) not in remote_stems]
assert len(missing) == local, ("sources not remote", missing, "local jobs", local)
print(remote, local)
PY

# summary_field FILE: "JOBS REMOTE LOCAL SENTBACK r1 N r2 N" from the summary line.
summary_fields() {
    python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"ferry: (\d+) jobs: (\d+) remote(?: \(([^)]*)\))?, (\d+) local, (\d+) sent back", text)
if not m: sys.exit("no summary line in: " + text[-2000:])
per = dict((p.rsplit(" ", 1)[0], int(p.rsplit(" ", 1)[1])) for p in (m.group(3) or "").split(", ") if p)
print(m.group(1), m.group(2), m.group(4), m.group(5), "r1", per.get("r1", 0), "r2", per.get("r2", 0))
PY
}

P="$TEST_TMP/p1"
make_project "$P" 12
# Before: the runners' counts, so the comparison is about this build only.
read -r _ r1_before _ r2_before <<<"$(status_jobs)"
note "before: r1 $r1_before r2 $r2_before"

note "ferry make --summary --trace t.json -j4"
(cd "$P" && "$FERRY" make --summary --trace t.json -j4) >"$TEST_TMP/make.out" 2>"$TEST_TMP/make.err" ||
    fail "ferry make failed: $(tail -20 "$TEST_TMP/make.err")"
[ -x "$P/app" ] || fail "the build did not link app"
read -r jobs remote local sent r1n r1 r2n r2 <<<"$(summary_fields "$TEST_TMP/make.err")"
note "summary: $jobs jobs, $remote remote (r1 $r1, r2 $r2), $local local, $sent sent back"
read -r _ r1_after _ r2_after <<<"$(status_jobs)"
assert_eq 14 "$jobs" "jobs in the summary (12 + main.c + temps.c)"
assert_eq "$((r1_after - r1_before + r2_after - r2_before))" "$remote" "remote = the runners' own job counts"
assert_eq "$((r1_after - r1_before))" "$r1" "r1's count in the summary"
assert_eq "$((r2_after - r2_before))" "$r2" "r2's count in the summary"
[ "$local" -ge 1 ] || fail "the -save-temps compile is not counted local"
assert_eq "$jobs" "$((remote + local + sent))" "jobs = remote + local + sent back"
[ "$remote" -ge 1 ] || fail "nothing ran remotely"
grep -q "kept local: .*save-temps" "$TEST_TMP/make.err" ||
    fail "no kept-local reason naming -save-temps: $(cat "$TEST_TMP/make.err")"
[ "$(grep -c '^ferry: ' "$TEST_TMP/make.err")" -le 6 ] || fail "summary longer than 6 lines"
[ -f "$P/t.json" ] || fail "no trace written"
sources=$(cd "$P" && ls f*.c main.c temps.c)
# shellcheck disable=SC2086
out=$(cd "$P" && python3 "$TEST_TMP/check_trace.py" t.json 2 $sources 2>"$TEST_TMP/trace-check.err") ||
    fail "trace check failed: $(tail -3 "$TEST_TMP/trace-check.err")"
read -r t_remote t_local <<<"$out"
assert_eq "$remote" "$t_remote" "remote jobs in the trace"
assert_eq "$((local + sent))" "$t_local" "local jobs in the trace"
ls "$P"/t.json.ferry-tmp-* >/dev/null 2>&1 && fail "a temporary trace file was left behind"

note "no summary when stderr is not a terminal and no --summary"
rm -f "$P"/*.o "$P/app"
(cd "$P" && "$FERRY" make -j4) >/dev/null 2>"$TEST_TMP/quiet.err" || fail "plain ferry make failed"
grep -q "jobs:" "$TEST_TMP/quiet.err" && fail "summary printed without a terminal: $(cat "$TEST_TMP/quiet.err")"
grep -q $'\033' "$TEST_TMP/quiet.err" && fail "escape sequences without a terminal"

if have_for script "the summary on a terminal"; then
    note "on a terminal: the summary by default, the progress in the title, nothing with --quiet"
    rm -f "$P"/*.o "$P/app"
    TERM=xterm script -qec "cd '$P' && '$FERRY' make -j4" "$TEST_TMP/tty.log" >/dev/null </dev/null ||
        fail "ferry make on a terminal failed: $(tail -5 "$TEST_TMP/tty.log")"
    grep -q "ferry: 14 jobs:" "$TEST_TMP/tty.log" || fail "no summary on a terminal: $(tail -5 "$TEST_TMP/tty.log")"
    grep -q $'\033\\[23;2t' "$TEST_TMP/tty.log" || fail "the title was not restored"
    rm -f "$P"/*.o "$P/app"
    TERM=xterm script -qec "cd '$P' && '$FERRY' make --quiet -j4" "$TEST_TMP/tty-quiet.log" >/dev/null </dev/null ||
        fail "ferry make --quiet on a terminal failed"
    grep -q "jobs:" "$TEST_TMP/tty-quiet.log" && fail "--quiet printed a summary"
    grep -q $'\033\\]2;' "$TEST_TMP/tty-quiet.log" && fail "--quiet set the title"
fi

note "two builds at once each summarise their own jobs"
A="$TEST_TMP/a" B="$TEST_TMP/b"
make_project "$A" 10
make_project "$B" 4
(cd "$A" && "$FERRY" make --summary --trace a.json) >/dev/null 2>"$TEST_TMP/a.err" &
pa=$!
(cd "$B" && "$FERRY" make --summary --trace b.json) >/dev/null 2>"$TEST_TMP/b.err" &
pb=$!
wait "$pa" || fail "build a failed: $(tail "$TEST_TMP/a.err")"
wait "$pb" || fail "build b failed: $(tail "$TEST_TMP/b.err")"
read -r ja _ <<<"$(summary_fields "$TEST_TMP/a.err")"
read -r jb _ <<<"$(summary_fields "$TEST_TMP/b.err")"
assert_eq 12 "$ja" "jobs of build a"
assert_eq 6 "$jb" "jobs of build b"
# shellcheck disable=SC2086
(cd "$A" && python3 "$TEST_TMP/check_trace.py" a.json 2 $(ls f*.c main.c temps.c) >/dev/null 2>"$TEST_TMP/a-check.err") ||
    fail "trace of a: $(tail -3 "$TEST_TMP/a-check.err")"
# shellcheck disable=SC2086
(cd "$B" && python3 "$TEST_TMP/check_trace.py" b.json 2 $(ls f*.c main.c temps.c) >/dev/null 2>"$TEST_TMP/b-check.err") ||
    fail "trace of b: $(tail -3 "$TEST_TMP/b-check.err")"

note "a failing build still writes its trace and keeps make's status"
F="$TEST_TMP/fail"
make_project "$F" 3
printf 'int broken( { syntax error\n' >"$F/broken.c"
rc=0
(cd "$F" && "$FERRY" make --trace t.json f0.o f1.o broken.o) >/dev/null 2>"$TEST_TMP/fail.err" || rc=$?
assert_eq 2 "$rc" "ferry make's status for a failed build (make's)"
[ -f "$F/t.json" ] || fail "no trace after a failed build"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(e["ph"]=="X" and e["name"]=="f0.c" for e in d["traceEvents"])' "$F/t.json" ||
    fail "the failed build's trace lacks its jobs"

note "--trace into a directory that does not exist fails before building"
rm -f "$F"/*.o
rc=0
(cd "$F" && "$FERRY" make --trace /nonexistent/dir/t.json f0.o) >/dev/null 2>"$TEST_TMP/bad.err" || rc=$?
assert_eq 2 "$rc" "status for an unwritable trace"
assert_contains "$TEST_TMP/bad.err" "/nonexistent/dir/t.json" "the error names the file"
[ ! -e "$F/f0.o" ] || fail "the build ran despite the unwritable trace"
rc=0
"$FERRY" make --trace >/dev/null 2>"$TEST_TMP/noarg.err" || rc=$?
assert_eq 2 "$rc" "status for --trace without FILE"
assert_contains "$TEST_TMP/noarg.err" "ferry make -- --trace" "the hint for make's --trace"

if have_for ninja "ferry ninja --trace"; then
    note "ferry ninja --trace"
    N="$TEST_TMP/nj"
    make_project "$N" 5
    {
        echo "rule cc"
        echo "  command = $FERRY gcc -O1 -c \$in -o \$out"
        for s in $(cd "$N" && ls f*.c main.c); do echo "build ${s%.c}.o: cc $s"; done
    } >"$N/build.ninja"
    (cd "$N" && "$FERRY" ninja --summary --trace n.json) >"$TEST_TMP/ninja.out" 2>"$TEST_TMP/ninja.err" ||
        fail "ferry ninja failed: $(tail "$TEST_TMP/ninja.out" "$TEST_TMP/ninja.err")"
    read -r jn _ <<<"$(summary_fields "$TEST_TMP/ninja.err")"
    assert_eq 6 "$jn" "jobs of the ninja build"
    # shellcheck disable=SC2086
    (cd "$N" && python3 "$TEST_TMP/check_trace.py" n.json 2 $(ls f*.c main.c) >/dev/null 2>"$TEST_TMP/n-check.err") ||
    fail "trace of the ninja build: $(tail -3 "$TEST_TMP/n-check.err")"
fi
pass
