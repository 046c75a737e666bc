#!/usr/bin/env bash
# ferryd --metrics (docs/metrics.md): two runners serve Prometheus text while a real
# `ferry make` builds through them. Every scrape, during the build and after it, must parse
# strictly (tools/prom_check.py), and the counters must agree with the runners' own protocol
# counters (ferry_probe stats) and the coordinator's (`ferry status --json`).
# The metrics port keeps --allow's rule, and its hostile clients (a peer outside --allow, an
# endless request head, a slowloris, more clients than it takes) are dropped while scrapes
# and compiles go on. A non-loopback --metrics without --allow does not start.
source "$(dirname "$0")/lib.sh"
have gcc || skip "gcc not installed"
have curl || skip "curl not installed"
have python3 || skip "python3 not installed"
ferry_test_init
source "$FERRY_SOURCE_DIR/tests/integration/fixtures/jobserver/common.sh"
TOOLS="$FERRY_SOURCE_DIR/tests/integration/tools"
CLIENT="$TOOLS/metrics_client.py"
TF=${FERRY_TIME_FACTOR:-1}

A=127.0.0.41
B=127.0.0.42
OUTSIDE=127.0.0.43 # a host outside --allow
MPORT=$((PORT + 1))
# The coordinator reaches 127.0.0.x from 127.0.0.1 (the loopback route's source address);
# nothing else of 127.0.0.0/8 is let in, so OUTSIDE is another host as far as ferryd can tell.
# Not start_ferryd's default 127.0.0.0/8, which would let OUTSIDE in.
FERRYD_ALLOW="127.0.0.1/32 $A/32 $B/32"

note "--metrics on a non-loopback address without --allow: refused at start-up"
rc=0
timeout 20 "$FERRYD" --listen "$A:$PORT" --metrics "0.0.0.0:$MPORT" --log-file "$TEST_TMP/refused.log" \
    >"$TEST_TMP/refused.out" 2>"$TEST_TMP/refused.err" || rc=$?
assert_eq 2 "$rc" "exit status of ferryd --metrics 0.0.0.0:$MPORT without --allow"
assert_contains "$TEST_TMP/refused.err" "--metrics 0.0.0.0:$MPORT is not a loopback address" \
    "the start-up error"
assert_contains "$TEST_TMP/refused.err" "--allow" "the start-up error names --allow"
rc=0
timeout 20 "$FERRYD" --listen "$A:$PORT" --metrics "$A" >/dev/null 2>"$TEST_TMP/noport.err" || rc=$?
assert_eq 2 "$rc" "exit status of ferryd --metrics without a port"

start_ferryd $A --metrics "$A:$MPORT"
start_ferryd $B --metrics "$B:$MPORT"
assert_contains "$(ferryd_log $A)" "metrics on http://$A:$MPORT/metrics"

# scrape ADDR NAME: GET /metrics into $TEST_TMP/NAME.txt (headers in NAME.head), checked
# strictly; the samples as `series<TAB>value` in NAME.tsv.
scrape() {
    curl -sS --max-time $((5 * TF)) -D "$TEST_TMP/$2.head" -o "$TEST_TMP/$2.txt" \
        "http://$1:$MPORT/metrics" || fail "scrape of $1 failed"
    python3 "$TOOLS/prom_check.py" "$TEST_TMP/$2.txt" >"$TEST_TMP/$2.tsv" 2>"$TEST_TMP/$2.check" ||
        fail "scrape $2 of $1 is not valid exposition text: $(cat "$TEST_TMP/$2.check")"
}
# metric NAME SERIES: its value in scrape NAME (fails if absent).
metric() {
    local v
    v=$(awk -F'\t' -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' "$TEST_TMP/$1.tsv") ||
        fail "no series $2 in scrape $1"
    echo "$v"
}
sum_metric() { # SERIES SCRAPE...
    local series=$1 total=0 s
    shift
    for s in "$@"; do total=$((total + $(metric "$s" "$series"))); done
    echo $total
}

note "a scrape before any job: headers, HELP/TYPE, every documented family present"
scrape $A idle-a
grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "$TEST_TMP/idle-a.head" ||
    fail "Content-Type: $(cat "$TEST_TMP/idle-a.head")"
grep -qi '^Connection: close' "$TEST_TMP/idle-a.head" || fail "no Connection: close"
assert_eq 0 "$(metric idle-a 'ferryd_jobs_finished_total{result="ok"}')" "ok jobs before any build"
assert_eq 2 "$(metric idle-a ferryd_slots)" "slots"
# Every metric docs/metrics.md documents is served, and nothing undocumented.
grep -o '^| `ferryd_[a-z_]*`' "$FERRY_SOURCE_DIR/docs/metrics.md" | tr -d '|` ' | sort >"$TEST_TMP/documented"
[ -s "$TEST_TMP/documented" ] || fail "docs/metrics.md lists no metric"
sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$TEST_TMP/idle-a.txt" | sort >"$TEST_TMP/served"
cmp -s "$TEST_TMP/documented" "$TEST_TMP/served" ||
    fail "served and documented metrics differ: $(diff "$TEST_TMP/documented" "$TEST_TMP/served" | tr '\n' ' ')"

note "other paths and methods"
python3 "$CLIENT" get $A $A $MPORT / >"$TEST_TMP/root.txt" || fail "no answer for /"
assert_contains "$TEST_TMP/root.txt" "HTTP/1.1 404" "GET /"
assert_contains "$TEST_TMP/root.txt" "/metrics" "GET / points to /metrics"
python3 "$CLIENT" get $A $A $MPORT /metrics POST >"$TEST_TMP/post.txt" || fail "no answer for POST"
assert_contains "$TEST_TMP/post.txt" "HTTP/1.1 405" "POST /metrics"
python3 "$CLIENT" get $A $A $MPORT /metrics HEAD >"$TEST_TMP/head.txt" || fail "no answer for HEAD"
assert_contains "$TEST_TMP/head.txt" "HTTP/1.1 200" "HEAD /metrics"
grep -q '^ferryd_' "$TEST_TMP/head.txt" && fail "HEAD answered with a body"

note "a real build through two runners, scraped while it runs"
fault_project 16
FAULT_JOB_TIMEOUT_MS=$((30000 * TF)) fault_hosts_toml $A $B
fault_build_bg first
i=0
while kill -0 "$BG_PID" 2>/dev/null; do
    i=$((i + 1))
    for r in $A $B; do
        curl -s --max-time $((5 * TF)) -o "$TEST_TMP/mid-$i-$r.txt" "http://$r:$MPORT/metrics" ||
            fail "a scrape of $r during the build failed"
    done
    sleep 0.1
done
fault_build_wait
assert_eq 0 "$BUILD_RC" "status of the build ($(tail -5 "$TEST_TMP/first.err"))"
# Read now: the checks below may outlast the coordinator's idle timeout.
used=$(status_field jobs.remote)
assert_tokens_back
busy_seen=0
conns=0
for f in "$TEST_TMP"/mid-*.txt; do
    python3 "$TOOLS/prom_check.py" "$f" >"${f%.txt}.tsv" 2>"$TEST_TMP/mid.check" ||
        fail "mid-build scrape $f is not valid: $(cat "$TEST_TMP/mid.check")"
    b=$(metric "$(basename "${f%.txt}")" ferryd_slots_busy)
    [ "$b" -le 2 ] || fail "more busy slots than slots in $f: $b"
    [ "$b" -gt 0 ] && busy_seen=$((busy_seen + 1))
    conns=$((conns + $(metric "$(basename "${f%.txt}")" ferryd_connections_open)))
done
note "$i rounds of scrapes during the build; $busy_seen saw a busy slot"
[ "$busy_seen" -gt 0 ] || fail "no scrape during the build saw a busy slot (of $i rounds)"
# The coordinator holds its runner connections while it sends them jobs.
[ "$conns" -gt 0 ] || fail "no scrape during the build counted an open connection"

note "after the build: the counters agree with the runners' stats and the coordinator's"
scrape $A after-a
scrape $B after-b
# Every unit compiles cleanly, so every compile that ran is an ok one.
remote_ok=$(total_jobs_done $A $B)
[ "$remote_ok" -gt 0 ] || fail "the build compiled nothing remotely"
ok_total=$(sum_metric 'ferryd_jobs_finished_total{result="ok"}' after-a after-b)
assert_eq "$remote_ok" "$ok_total" "ok jobs on the runners (metrics vs ferry_probe stats)"
# The coordinator used one answer per remote job (read after the build); a backup's losing
# copy is ok on its runner but not used.
[ "$used" -gt 0 ] && [ "$used" -le "$ok_total" ] ||
    fail "the coordinator used $used remote answers, the runners made $ok_total ok ones"
for s in after-a after-b; do
    finished=0
    for result in ok compile_error signal timeout failed refused cancelled; do
        finished=$((finished + $(metric $s "ferryd_jobs_finished_total{result=\"$result\"}")))
    done
    assert_eq "$(metric $s ferryd_jobs_received_total)" "$finished" "$s: every job received ended once"
    ran=$(metric $s ferryd_job_duration_seconds_count)
    [ "$ran" -ge "$(metric $s 'ferryd_jobs_finished_total{result="ok"}')" ] ||
        fail "$s: fewer durations ($ran) than ok jobs"
    assert_eq 0 "$(metric $s ferryd_slots_busy)" "$s: busy slots after the build"
    assert_eq 0 "$(metric $s ferryd_jobs_queued)" "$s: queued jobs after the build"
done
[ "$(sum_metric ferryd_received_bytes_total after-a after-b)" -gt 0 ] || fail "no bytes received"
[ "$(sum_metric ferryd_sent_bytes_total after-a after-b)" -gt 0 ] || fail "no bytes sent"
misses1=$(sum_metric ferryd_file_cache_misses_total after-a after-b)
hits1=$(sum_metric ferryd_file_cache_hits_total after-a after-b)
[ "$misses1" -gt 0 ] || fail "a first build on fresh runners asked for no file"
# The runners have the client's compiler installed (the same machine): its files come from
# there, not over the connection (remote/runner/installed_reuse.hpp); the objects compared
# with local ones above show it is the same compiler.
reused1=$(sum_metric ferryd_installed_files_reused_total after-a after-b)
[ "$reused1" -gt 0 ] || fail "the runners took no toolchain file from their own installation"

note "a second build: the toolchain and headers come from the runners' caches"
fault_build second
assert_eq 0 "$BUILD_RC" "status of the second build ($(tail -5 "$TEST_TMP/second.err"))"
scrape $A second-a
scrape $B second-b
hits2=$(sum_metric ferryd_file_cache_hits_total second-a second-b)
[ "$hits2" -gt "$hits1" ] || fail "cache hits did not grow in the second build ($hits1 -> $hits2)"
assert_eq "$(total_jobs_done $A $B)" "$(sum_metric 'ferryd_jobs_finished_total{result="ok"}' second-a second-b)" \
    "ok jobs after two builds (metrics vs ferry_probe stats)"
for c in ferryd_received_bytes_total ferryd_sent_bytes_total ferryd_file_cache_misses_total \
    ferryd_job_duration_seconds_count; do
    [ "$(metric second-a $c)" -ge "$(metric after-a $c)" ] || fail "$c went down on $A"
done

note "a peer outside --allow sees no metrics, and is counted"
rc=0
python3 "$CLIENT" get $OUTSIDE $A $MPORT /metrics >"$TEST_TMP/outside.txt" 2>&1 || rc=$?
grep -q 'ferryd_' "$TEST_TMP/outside.txt" && fail "a peer outside --allow read the metrics"
[ "$rc" = 3 ] || assert_contains "$TEST_TMP/outside.txt" "HTTP/1.1 403" "answer to a peer outside --allow"
rc=0
curl -s --max-time 5 --interface $OUTSIDE -o "$TEST_TMP/outside-curl.txt" "http://$A:$MPORT/metrics" || rc=$?
grep -q 'ferryd_' "$TEST_TMP/outside-curl.txt" && fail "curl from outside --allow read the metrics"
python3 "$CLIENT" tcp $OUTSIDE $A $PORT >/dev/null 2>&1 || true # the job port refuses it too
scrape $A outside-a
[ "$(metric outside-a 'ferryd_metrics_responses_total{code="403"}')" -ge 2 ] ||
    fail "the refused scrapes were not counted"
assert_eq 1 "$(metric outside-a 'ferryd_connections_refused_total{reason="not_allowed"}')" \
    "job-port connections refused (not allowed)"

note "hostile clients on the metrics port, while a scrape and a compile go on"
python3 "$CLIENT" slow $A $A $MPORT 0.3 >"$TEST_TMP/slow.txt" 2>&1 &
SLOW=$!
python3 "$CLIENT" big $A $A $MPORT 20000 >"$TEST_TMP/big.txt" 2>&1 ||
    fail "the oversized head: $(cat "$TEST_TMP/big.txt")"
assert_contains "$TEST_TMP/big.txt" "HTTP/1.1 431" "answer to a 20 kB request head"
scrape $A during-slow
mkdir -p "$TEST_TMP/one"
echo 'int one(void) { return 1; }' >"$TEST_TMP/one/one.c"
before=$(total_jobs_done $A $B)
(cd "$TEST_TMP/one" && "$FERRY" gcc -O2 -c one.c -o one.o) || fail "a compile failed while the metrics port was attacked"
[ -s "$TEST_TMP/one/one.o" ] || fail "no object"
assert_eq $((before + 1)) "$(total_jobs_done $A $B)" "the compile ran on a runner"
wait $SLOW || fail "the slow client: $(cat "$TEST_TMP/slow.txt")"
assert_contains "$TEST_TMP/slow.txt" "answer HTTP/1.1 408" "answer to a slowloris"
took=$(sed -n 's/^closed after //p' "$TEST_TMP/slow.txt")
python3 -c "import sys; sys.exit(not float('$took') <= 5 + 2 + 3 * $TF)" ||
    fail "the slow client was dropped after $took s"
note "slowloris dropped after $took s"

note "more simultaneous metrics connections than the cap: the next one gets 503"
python3 "$CLIENT" hold $A $A $MPORT 8 $((4 * TF)) >"$TEST_TMP/hold.txt" 2>&1 &
HOLD=$!
for ((i = 0; i < 100; i++)); do grep -q holding "$TEST_TMP/hold.txt" && break; sleep 0.05; done
grep -q holding "$TEST_TMP/hold.txt" || fail "could not open 8 connections: $(cat "$TEST_TMP/hold.txt")"
rc=0
python3 "$CLIENT" get $A $A $MPORT /metrics >"$TEST_TMP/full.txt" 2>&1 || rc=$?
grep -q 'ferryd_' "$TEST_TMP/full.txt" && fail "a ninth metrics connection was served"
[ "$rc" = 3 ] || assert_contains "$TEST_TMP/full.txt" "HTTP/1.1 503" "answer past the cap"
before=$(total_jobs_done $A $B)
(cd "$TEST_TMP/one" && rm -f one.o && "$FERRY" gcc -O2 -c one.c -o one.o) ||
    fail "a compile failed while the metrics port was full"
assert_eq $((before + 1)) "$(total_jobs_done $A $B)" "the compile ran on a runner"
wait $HOLD || true
# The idle ones were dropped at the request timeout, or closed by the client: either way
# the port serves again.
for ((i = 0; i < 100 * TF; i++)); do
    python3 "$CLIENT" get $A $A $MPORT /metrics >"$TEST_TMP/again.txt" 2>&1 &&
        grep -q '^ferryd_' "$TEST_TMP/again.txt" && break
    sleep 0.1
done
grep -q '^ferryd_' "$TEST_TMP/again.txt" || fail "the metrics port did not serve again: $(head -3 "$TEST_TMP/again.txt")"
scrape $A end-a
for code in 408 431 503; do
    [ "$(metric end-a "ferryd_metrics_responses_total{code=\"$code\"}")" -ge 1 ] ||
        fail "no $code counted"
done

note "SIGTERM: the runners exit cleanly with the metrics port open"
for r in $A $B; do
    stop_ferryd $r
    grep -q "handle still open" "$(ferryd_log $r)" && fail "ferryd on $r leaked libuv handles"
done
pass
