#!/usr/bin/env bash
# `ferry mon --web`: the live dashboard. Without a coordinator it says so in one line and
# fails; with one (two real runners) it serves the page, /state and an event stream that
# follows a real make -j4 build; a headless Chromium sees the runners and a job and takes a
# screenshot (kept in $FERRY_BINARY_DIR/test-artifacts/mon-web.png); hostile clients (an
# oversized head, garbage, POST, a slowloris, 100 connections at once, a stream that is never
# read) get their errors or are dropped while /state keeps answering.
source "$(dirname "$0")/lib.sh"
ferry_test_init
TOOLS="$FERRY_SOURCE_DIR/tests/integration/tools"
have curl || fail "curl is missing (scripts/install-deps.sh installs it)"
have chromium || fail "chromium is missing (scripts/install-deps.sh installs it)"
have node || fail "node is missing (scripts/install-deps.sh installs it)"
export PUPPETEER_DIR="${FERRY_NODE_DIR:-$FERRY_SOURCE_DIR/build/node}"
if [ ! -d "$PUPPETEER_DIR/node_modules/puppeteer-core" ]; then
    note "installing puppeteer-core into $PUPPETEER_DIR"
    npm install --silent --no-audit --no-fund --prefix "$PUPPETEER_DIR" puppeteer-core@22.15.0 ||
        fail "cannot install puppeteer-core (scripts/install-deps.sh does it)"
fi
export TEST_TMP

note "no coordinator: one line, non-zero"
rc=0
timeout 10 "$FERRY" mon --web 127.0.0.1:0 >"$TEST_TMP/nocoord.out" 2>"$TEST_TMP/nocoord.err" || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "ferry mon --web without a coordinator: status $rc"
assert_eq 1 "$(wc -l <"$TEST_TMP/nocoord.err")" "lines on stderr without a coordinator ($(cat "$TEST_TMP/nocoord.err"))"
assert_contains "$TEST_TMP/nocoord.err" "no coordinator" "the message without a coordinator"
rc=0
"$FERRY" mon --web 127.0.0.1:99999 2>"$TEST_TMP/badaddr.err" || rc=$?
assert_eq 2 "$rc" "status for a bad address"

start_core_runners
"$FERRY" status >"$TEST_TMP/status.out" || fail "ferry status did not start the coordinator"

# Port 0: the kernel picks a free one and the dashboard prints it. The file exists before the
# background job opens it: the loop below may read it first.
: >"$TEST_TMP/mon.err"
"$FERRY" mon --web 127.0.0.1:0 2>"$TEST_TMP/mon.err" &
MON_PID=$!
for ((i = 0; i < 100; i++)); do
    WEB_PORT=$(sed -n 's|.*dashboard at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TEST_TMP/mon.err")
    [ -n "$WEB_PORT" ] && break
    kill -0 "$MON_PID" 2>/dev/null || fail "ferry mon --web exited: $(cat "$TEST_TMP/mon.err")"
    sleep 0.1
done
[ -n "$WEB_PORT" ] || fail "ferry mon --web did not print its address: $(cat "$TEST_TMP/mon.err")"
URL="http://127.0.0.1:$WEB_PORT"
note "dashboard at $URL"

check_state() { # python assertions on /state's JSON, as `s`
    curl -sf --max-time 5 "$URL/state" >"$TEST_TMP/state.json" || fail "GET /state failed"
    python3 -c "import json,sys; s=json.load(open(sys.argv[1])); $1" "$TEST_TMP/state.json" ||
        fail "/state: $1: $(head -c 1500 "$TEST_TMP/state.json")"
}
for ((i = 0; i < 50; i++)); do
    check_state 'pass'
    python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if [r['state'] for r in s['status']['runners']] == ['up', 'up'] else 1)" "$TEST_TMP/state.json" && break
    sleep 0.1
done
check_state 'st = s["status"]; assert [r["state"] for r in st["runners"]] == ["up", "up"], "states"; assert all(r["slots"] == 2 for r in st["runners"]), "slots"; assert st["local_slots"] >= 1, "local slots"; assert s["jobs"] == [], "jobs"'
mapfile -t RUNNERS < <(python3 -c "import json,sys; [print(r['name']) for r in json.load(open(sys.argv[1]))['status']['runners']]" "$TEST_TMP/state.json")
note "runners: ${RUNNERS[*]}"

note "headers, assets, routing"
curl -si --max-time 5 "$URL/" >"$TEST_TMP/index.http"
assert_contains "$TEST_TMP/index.http" "HTTP/1.1 200 OK" "GET /"
assert_contains "$TEST_TMP/index.http" "Cache-Control: no-store" "GET / headers"
assert_contains "$TEST_TMP/index.http" "Content-Security-Policy: default-src 'self'" "GET / headers"
assert_contains "$TEST_TMP/index.http" '<script src="/app.js"' "the page loads its script"
grep -qiE '(src|href)="(https?:)?//' "$TEST_TMP/index.http" && fail "the page refers to another host"
for path in /app.js /app.css /state; do
    assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL$path")" "GET $path"
done
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/../etc/passwd")" "GET outside the routes"
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/favicon.ico")" "GET /favicon.ico"
assert_eq 405 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X DELETE "$URL/state")" "DELETE /state"

note "an IPv6 address: the dashboard listens there, and only there"
: >"$TEST_TMP/mon6.err"
"$FERRY" mon --web "[::1]:0" 2>"$TEST_TMP/mon6.err" &
MON6_PID=$!
WEB6_PORT=
for ((i = 0; i < 100; i++)); do
    WEB6_PORT=$(sed -n 's|.*dashboard at http://\[::1\]:\([0-9]*\)/.*|\1|p' "$TEST_TMP/mon6.err")
    [ -n "$WEB6_PORT" ] && break
    kill -0 "$MON6_PID" 2>/dev/null || fail "ferry mon --web [::1]:0 exited: $(cat "$TEST_TMP/mon6.err")"
    sleep 0.1
done
[ -n "$WEB6_PORT" ] || fail "ferry mon --web [::1]:0 did not print its address: $(cat "$TEST_TMP/mon6.err")"
assert_eq 200 "$(curl -sg -o /dev/null -w '%{http_code}' --max-time 5 "http://[::1]:$WEB6_PORT/state")" "GET /state over IPv6"
rc=0
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$WEB6_PORT/state" || rc=$?
[ "$rc" = 7 ] || fail "the IPv6 dashboard answered on 127.0.0.1:$WEB6_PORT (curl status $rc)"
kill -TERM "$MON6_PID"
wait "$MON6_PID" || fail "ferry mon --web [::1]:0 did not exit cleanly on SIGTERM"

note "a project of 12 units that take >= 1 s each"
PROJ="$TEST_TMP/proj"
slow_units "$PROJ" 12 160
cat >"$PROJ/Makefile" <<'MK'
OBJS := $(patsubst %.c,%.o,$(wildcard unit*.c))
all: $(OBJS)
%.o: %.c
	$(CC) -O2 -g -c $< -o $@
MK

ARTIFACTS="${FERRY_BINARY_DIR:-$TEST_TMP}/test-artifacts"
mkdir -p "$ARTIFACTS"
SHOT="$ARTIFACTS/mon-web.png"
rm -f "$SHOT"
note "headless Chromium on the page"
node "$TOOLS/mon_web_check.mjs" "$URL/" "$SHOT" "${RUNNERS[@]}" >"$TEST_TMP/chromium.log" 2>&1 &
CHECK_PID=$!
for ((i = 0; i < 1200; i++)); do
    grep -q '^READY' "$TEST_TMP/chromium.log" && break
    kill -0 "$CHECK_PID" 2>/dev/null || fail "the browser check ended early: $(cat "$TEST_TMP/chromium.log")"
    sleep 0.1
done
grep -q '^READY' "$TEST_TMP/chromium.log" || fail "the page never showed the runners: $(cat "$TEST_TMP/chromium.log")"

note "the build, with an event stream read alongside"
curl -sN --max-time 240 "$URL/events" >"$TEST_TMP/events.txt" 2>/dev/null &
CURL_PID=$!
(cd "$PROJ" && exec make -j4 CC="$FERRY gcc") >"$TEST_TMP/make.log" 2>&1 &
MAKE_PID=$!
sleep 1
# A stream that is never read, beside the others.
python3 "$TOOLS/http_attack.py" "$WEB_PORT" stalled-stream 4 >"$TEST_TMP/stalled.log" 2>&1 &
STALLED_PID=$!
# While jobs are in flight, /state lists them.
for ((i = 0; i < 100; i++)); do
    check_state 'pass'
    python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s['jobs'] else 1)" "$TEST_TMP/state.json" && break
    sleep 0.1
done
check_state 'j = s["jobs"][0]; assert j["source"].endswith(".c"), j; assert j["pid"] > 0; assert j["phase"] in ("wait", "scan", "queue", "send", "compile", "receive", "local", "waiting"), j; assert isinstance(j["phases"], list)'

rc=0
wait "$CHECK_PID" || rc=$?
[ "$rc" = 0 ] || fail "the browser did not show a job: $(cat "$TEST_TMP/chromium.log")"
[ -s "$SHOT" ] || fail "no screenshot at $SHOT"
note "the page showed $(grep '^JOB' "$TEST_TMP/chromium.log"); screenshot: $SHOT"
wait "$STALLED_PID" || fail "the stalled stream client failed: $(cat "$TEST_TMP/stalled.log")"

rc=0
wait "$MAKE_PID" || rc=$?
assert_eq 0 "$rc" "make -j4 through ferry ($(tail -5 "$TEST_TMP/make.log"))"
sleep 1 # the last events of the build reach the stream
kill "$CURL_PID" 2>/dev/null || true
wait "$CURL_PID" 2>/dev/null || true
grep -q '^retry: [0-9]' "$TEST_TMP/events.txt" || fail "no retry hint in the stream: $(head -c 500 "$TEST_TMP/events.txt")"
python3 - "$TEST_TMP/events.txt" <<'PY' || fail "the event stream: $(head -c 1500 "$TEST_TMP/events.txt")"
import json, sys
blocks = open(sys.argv[1]).read().split("\n\n")
kinds, jobs, finished, phases = [], set(), [], set()
for block in blocks:
    lines = [l for l in block.split("\n") if l and not l.startswith(":") and not l.startswith("retry:")]
    if not lines:
        continue
    assert lines[0].startswith("event: "), block
    kind = lines[0][len("event: "):]
    data = json.loads("\n".join(l[len("data: "):] for l in lines[1:]))
    kinds.append(kind)
    if kind == "snapshot":
        assert {"status", "jobs", "now_us"} <= data.keys(), data.keys()
        assert len(data["status"]["runners"]) == 2
    elif kind == "job":
        assert {"job", "finished", "now_us"} <= data.keys(), data.keys()
        jobs.add(data["job"]["id"])
        phases.add(data["job"]["phase"])
        if data["finished"]:
            finished.append(data["job"]["outcome"])
    else:
        raise AssertionError("unknown event " + kind)
assert kinds[0] == "snapshot", kinds[:3]
assert len(jobs) >= 4, f"events for {len(jobs)} jobs"
assert "compile" in phases, phases
assert "remote" in finished, finished
print(f"{len(kinds)} events, {len(jobs)} jobs, phases {sorted(phases)}, outcomes {sorted(set(finished))}", file=sys.stderr)
PY
check_state 'assert s["status"]["jobs_remote"] >= 1, s["status"]; assert s["jobs"] == [] or all(j["source"] for j in s["jobs"])'

note "hostile clients"
python3 "$TOOLS/http_attack.py" "$WEB_PORT" oversized >"$TEST_TMP/attack.log" 2>&1 || fail "oversized head: $(cat "$TEST_TMP/attack.log")"
python3 "$TOOLS/http_attack.py" "$WEB_PORT" garbage >"$TEST_TMP/attack.log" 2>&1 || fail "garbage: $(cat "$TEST_TMP/attack.log")"
python3 "$TOOLS/http_attack.py" "$WEB_PORT" post >"$TEST_TMP/attack.log" 2>&1 || fail "POST: $(cat "$TEST_TMP/attack.log")"
python3 "$TOOLS/http_attack.py" "$WEB_PORT" slowloris >"$TEST_TMP/slow.log" 2>&1 &
SLOW_PID=$!
sleep 1 # connected before the flood fills the server
python3 "$TOOLS/http_attack.py" "$WEB_PORT" flood 100 >"$TEST_TMP/flood.log" 2>&1 || fail "100 connections: $(cat "$TEST_TMP/flood.log")"
note "flood: $(cat "$TEST_TMP/flood.log")"
check_state 'assert len(s["status"]["runners"]) == 2'
wait "$SLOW_PID" || fail "slowloris: $(cat "$TEST_TMP/slow.log")"
note "slowloris: $(cat "$TEST_TMP/slow.log")"
kill -0 "$MON_PID" 2>/dev/null || fail "the dashboard died: $(cat "$TEST_TMP/mon.err")"
check_state 'assert len(s["status"]["runners"]) == 2'

note "SIGTERM stops it"
kill -TERM "$MON_PID"
wait_gone "$MON_PID" 5 || fail "ferry mon --web did not exit on SIGTERM"
rc=0
wait "$MON_PID" || rc=$?
assert_eq 0 "$rc" "status after SIGTERM"
pass
