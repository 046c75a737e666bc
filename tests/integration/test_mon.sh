#!/usr/bin/env bash
# `ferry mon` and `ferry status --json` against a real cluster: with no coordinator mon says so
# in one line and starts none; during a real make -j4 through ferry it shows jobs on a runner
# as name[slot]; status --json parses and agrees with the text status; in a real terminal
# (tmux) the live view shows the runners' bars and the jobs, a 20-column terminal gets cut
# lines, and Ctrl-C restores the screen and the cursor. Hostile: a bad SECONDS is a usage
# error, and a coordinator socket that never answers or answers garbage is a clear error.
source "$(dirname "$0")/lib.sh"
ferry_test_init
have tmux || fail "tmux is missing (scripts/install-deps.sh installs it)"
have python3 || fail "python3 is missing"

start_ferryd 127.0.0.2
start_ferryd 127.0.0.3
cat >"$TEST_TMP/hosts.toml" <<TOML
[client]
local_slots = 2
[[runner]]
name = "r1"
address = "127.0.0.2"
port = $PORT
slots = 2
[[runner]]
name = "r2"
address = "127.0.0.3"
port = $PORT
slots = 2
TOML
export FERRY_HOSTS_FILE="$TEST_TMP/hosts.toml"

note "SECONDS is checked: garbage, negative and zero are usage errors"
for bad in abc -1 0 1x; do
    rc=0
    "$FERRY" mon "$bad" >"$TEST_TMP/bad.out" 2>"$TEST_TMP/bad.err" || rc=$?
    assert_eq 2 "$rc" "exit status of ferry mon $bad ($(cat "$TEST_TMP/bad.err"))"
    [ -s "$TEST_TMP/bad.err" ] || fail "ferry mon $bad printed no message"
done
assert_contains "$TEST_TMP/bad.err" "not a number of seconds" "ferry mon 1x's message"

note "no coordinator: one line, non-zero, and none started"
for args in "" "1" "0.5 --plain"; do
    rc=0
    # shellcheck disable=SC2086
    timeout 20 "$FERRY" mon $args >"$TEST_TMP/none.out" 2>"$TEST_TMP/none.err" || rc=$?
    assert_eq 1 "$rc" "exit status of 'ferry mon $args' with no coordinator"
    assert_eq 1 "$(wc -l <"$TEST_TMP/none.err")" "lines from 'ferry mon $args' ($(cat "$TEST_TMP/none.err"))"
    assert_contains "$TEST_TMP/none.err" "ferry mon: no coordinator is running for $TEST_TMP/hosts.toml"
    [ ! -s "$TEST_TMP/none.out" ] || fail "ferry mon printed to stdout: $(cat "$TEST_TMP/none.out")"
done
if ls "$XDG_RUNTIME_DIR"/ferry/*.sock >/dev/null 2>&1; then
    fail "ferry mon started a coordinator: $(ls "$XDG_RUNTIME_DIR"/ferry)"
fi

# A project whose compiles each take a while at -O2 (about 1 s unloaded), so a monitor
# catches them in flight.
PROJ="$TEST_TMP/proj"
slow_units "$PROJ/src" 12 120
cat >"$PROJ/Makefile" <<'MK'
OBJS := $(patsubst src/%.c,obj/%.o,$(wildcard src/*.c))
all: $(OBJS)
obj/%.o: src/%.c | obj
	$(CC) -O2 -g -c $< -o $@
obj:
	mkdir -p obj
MK
build_bg() { # a clean make -j4 through ferry, in the background: BUILD_PID
    rm -rf "$PROJ/obj"
    (cd "$PROJ" && exec timeout 240 make -j4 CC="$FERRY gcc" >"$TEST_TMP/build.log" 2>&1) &
    BUILD_PID=$!
}
build_wait() {
    local rc=0
    wait "$BUILD_PID" || rc=$?
    assert_eq 0 "$rc" "the build's status: $(tail -5 "$TEST_TMP/build.log")"
}
# A job line of the table: pid, phase, runner[slot], time, a source of the build.
JOB_ON_RUNNER='^ *[0-9]+ +[a-z-]+ +r[12]\[[0-9]+\] +[0-9.hms]+ +.*unit[0-9]+\.c'

note "ferry status starts the coordinator; runners come up"
"$FERRY" status >"$TEST_TMP/status0" || fail "ferry status failed"
grep -Eq '^r1 .* up ' "$TEST_TMP/status0" || fail "r1 is not up: $(cat "$TEST_TMP/status0")"

note "ferry mon (plain) during a build shows jobs on runners"
build_bg
seen=""
for ((i = 0; i < 1200; i++)); do
    "$FERRY" mon >"$TEST_TMP/mon.out" 2>"$TEST_TMP/mon.err" || fail "ferry mon failed: $(cat "$TEST_TMP/mon.err")"
    if grep -Eq "$JOB_ON_RUNNER" "$TEST_TMP/mon.out"; then seen=yes; break; fi
    kill -0 "$BUILD_PID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$seen" ] || fail "ferry mon never showed a job on a runner: $(cat "$TEST_TMP/mon.out")"
note "caught in flight: $(grep -E "$JOB_ON_RUNNER" "$TEST_TMP/mon.out" | head -1)"
assert_contains "$TEST_TMP/mon.out" "ferry mon: coordinator pid" "mon's header"
grep -Eq '^r1 +\[[#.]{2}\] +[0-9]/2 +up' "$TEST_TMP/mon.out" || fail "no bar for r1: $(cat "$TEST_TMP/mon.out")"
build_wait

note "ferry status --json parses and agrees with the text status"
"$FERRY" status --json >"$TEST_TMP/status.json" || fail "ferry status --json failed"
"$FERRY" status >"$TEST_TMP/status.txt" || fail "ferry status failed"
python3 - "$TEST_TMP/status.json" >"$TEST_TMP/json.counts" <<'PY' || fail "status --json: $(cat "$TEST_TMP/status.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema_version"] == 1, doc
assert doc["remote_capacity"] == 4, doc
assert doc["local_slots"] == 2, doc
assert isinstance(doc["coordinator_pid"], int) and doc["coordinator_pid"] > 0, doc
assert doc["config_source"].endswith("hosts.toml"), doc
names = sorted(r["name"] for r in doc["runners"])
assert names == ["r1", "r2"], names
for r in doc["runners"]:
    assert r["state"] == "up" and r["slots"] == 2 and r["busy"] == 0, r
    assert any(c["name"] in ("gcc", "cc") or "gcc" in c["version"] for c in r["compilers"]), r
    for key in ("address", "jobs_done", "failures", "last_error", "backoff_ms", "runs_toolchains"):
        assert key in r, (key, r)
j = doc["jobs"]
assert isinstance(j["local_reasons"], dict), j
assert j["local"] == j["sent_back"] + j["kept_local"], j
print(j["remote"], j["local"], j["sent_back"], j["kept_local"], j["links"])
PY
text_counts=$(sed -n 's/^jobs: \([0-9]*\) remote, \([0-9]*\) local (\([0-9]*\) sent back, \([0-9]*\) kept local), \([0-9]*\) links$/\1 \2 \3 \4 \5/p' "$TEST_TMP/status.txt")
assert_eq "$text_counts" "$(cat "$TEST_TMP/json.counts")" "counters of status --json vs status"
remote=$(cut -d' ' -f1 "$TEST_TMP/json.counts")
[ "$remote" -ge 1 ] || fail "no job ran remotely: $(cat "$TEST_TMP/status.txt")"
grep -Eq '^  r1 compiler [^ ]*(gcc|cc): ' "$TEST_TMP/status.txt" || fail "no compilers for r1: $(cat "$TEST_TMP/status.txt")"

# ---- a real terminal ----
export TMUX_TMPDIR="$TEST_TMP/tmux"
mkdir -p "$TMUX_TMPDIR"
TMUX_SOCK="ferrytest-$$"
tmuxc() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
ferry_test_cleanup_tmux() { tmuxc kill-server 2>/dev/null || true; ferry_test_cleanup; }
trap ferry_test_cleanup_tmux EXIT
# The pane runs a script, so it has the suite's environment whatever tmux's server keeps.
pane_script() { # interval
    cat >"$TEST_TMP/pane-$1.sh" <<SH
export XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' HOME='$HOME' FERRY_HOSTS_FILE='$FERRY_HOSTS_FILE'
export FERRY_IDLE_TIMEOUT='$FERRY_IDLE_TIMEOUT' TERM=screen
echo "pane ready"
'$FERRY' mon $1
echo "MON_EXIT=\$?"
exec sleep 600
SH
    echo "$TEST_TMP/pane-$1.sh"
}
pane() { tmuxc capture-pane -p -t "$1"; }
pane_flag() { tmuxc display-message -p -t "$1" "#{$2}"; }
wait_pane() { # target regex seconds what
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        pane "$1" | grep -Eq -- "$2" && return 0
        sleep 0.1
    done
    fail "$4: the pane never showed /$2/:
$(pane "$1")"
}

note "live view in tmux (160x50) during a build"
tmuxc new-session -d -s wide -x 160 -y 50 "bash $(pane_script 0.5)"
wait_pane wide '^ferry mon: coordinator pid' 20 "the live view did not start"
assert_eq 1 "$(pane_flag wide alternate_on)" "the live view is on the alternate screen"
assert_eq 0 "$(pane_flag wide cursor_flag)" "the live view hides the cursor"
build_bg
wait_pane wide "$JOB_ON_RUNNER" 120 "no job on a runner in the live view"
pane wide >"$TEST_TMP/wide.pane"
grep -Eq '^r[12] +\[[#.]{2}\] +[0-9]/2 +up' "$TEST_TMP/wide.pane" || fail "no runner bar: $(cat "$TEST_TMP/wide.pane")"
grep -Eq '^local +\[[#.]{2}\] +[0-9]/2' "$TEST_TMP/wide.pane" || fail "no local bar: $(cat "$TEST_TMP/wide.pane")"
grep -Eq '^queued: [0-9]+' "$TEST_TMP/wide.pane" || fail "no queue line: $(cat "$TEST_TMP/wide.pane")"

note "a 20-column terminal: lines are cut, not wrapped"
tmuxc new-session -d -s narrow -x 20 -y 10 "bash $(pane_script 0.5)"
wait_pane narrow '^ferry mon: coordinat' 20 "the narrow view did not start"
sleep 1.2 # a few refreshes
pane narrow >"$TEST_TMP/narrow.pane"
[ "$(sed -n 1p "$TEST_TMP/narrow.pane")" == "ferry mon: coordinat" ] ||
    fail "the header is not cut at 20 columns: $(cat "$TEST_TMP/narrow.pane")"
sed -n 2p "$TEST_TMP/narrow.pane" | grep -q '^r1 ' ||
    fail "the header wrapped onto the next line: $(cat "$TEST_TMP/narrow.pane")"

note "Ctrl-C restores the screen and the cursor; mon exits 0"
for s in wide narrow; do
    tmuxc send-keys -t "$s" C-c
    wait_pane "$s" '^MON_EXIT=' 10 "ferry mon ($s) did not exit on Ctrl-C"
    pane "$s" >"$TEST_TMP/after.pane"
    assert_contains "$TEST_TMP/after.pane" "MON_EXIT=0" "mon's exit status after Ctrl-C ($s)"
    assert_contains "$TEST_TMP/after.pane" "pane ready" "the screen from before mon ($s)"
    if grep -q 'coordinat' "$TEST_TMP/after.pane"; then
        fail "the live view is still on the screen ($s): $(cat "$TEST_TMP/after.pane")"
    fi
    assert_eq 0 "$(pane_flag "$s" alternate_on)" "back on the normal screen ($s)"
    assert_eq 1 "$(pane_flag "$s" cursor_flag)" "the cursor is visible again ($s)"
done
build_wait

note "a coordinator socket that never answers, or answers garbage: a clear error, no hang"
sock=$(ls "$XDG_RUNTIME_DIR"/ferry/*.sock | head -1)
[ -S "$sock" ] || fail "no coordinator socket under $XDG_RUNTIME_DIR/ferry"
for mode in silent garbage; do
    fake_run="$TEST_TMP/fake-$mode"
    mkdir -p "$fake_run/ferry"
    chmod 0700 "$fake_run" "$fake_run/ferry"
    python3 - "$fake_run/ferry/$(basename "$sock")" "$mode" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
conns = []
while True:
    c, _ = s.accept()
    if sys.argv[2] == "garbage":
        c.sendall(b"\xff" * 4096)
    conns.append(c)
PY
    fake_pid=$!
    for ((i = 0; i < 100; i++)); do [ -S "$fake_run/ferry/$(basename "$sock")" ] && break; sleep 0.05; done
    rc=0
    start=$(date +%s)
    XDG_RUNTIME_DIR="$fake_run" timeout 30 "$FERRY" mon >"$TEST_TMP/fake.out" 2>"$TEST_TMP/fake.err" || rc=$?
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
    assert_eq 1 "$rc" "ferry mon against a $mode coordinator ($(cat "$TEST_TMP/fake.err"))"
    [ $(($(date +%s) - start)) -le 15 ] || fail "ferry mon took too long against a $mode coordinator"
    grep -q '^ferry mon: no usable answer from the coordinator' "$TEST_TMP/fake.err" || fail "no message for a $mode coordinator: $(cat "$TEST_TMP/fake.err")"
done
pass
