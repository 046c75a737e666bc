#!/usr/bin/env bash
# Issue 2: the coordinator starts on first use, holds none of the build's file descriptors,
# and exits by itself when idle.
source "$(dirname "$0")/lib.sh"
export FERRY_IDLE_TIMEOUT=3
ferry_test_init
setup_core_project
start_ferryd 127.0.0.2
export FERRY_HOSTS="$(hosts_for 127.0.0.2)"

coordinator_pids() { pgrep -f "ferry coordinator --socket $XDG_RUNTIME_DIR" || true; }
[ -z "$(coordinator_pids)" ] || fail "a coordinator runs before first use"

# The wrapper is started with an extra inherited descriptor (like make's jobserver pipe):
# the coordinator it starts must not inherit it.
exec 7<>"$TEST_TMP/held-by-build"
(cd "$PROJ" && "$FERRY" gcc -I"$PROJ/include" -c src/main.c -o build/main.o) ||
    fail "first compile failed"
exec 7>&-
pid=$(coordinator_pids)
[ -n "$pid" ] || fail "no coordinator after the first compile"
[ "$(echo "$pid" | wc -l)" -eq 1 ] || fail "more than one coordinator: $pid"
ls -l /proc/"$pid"/fd >"$TEST_TMP/fds" 2>/dev/null
grep -q "held-by-build" "$TEST_TMP/fds" && fail "the coordinator inherited the build's descriptor"
# Its stdio is /dev/null and it leads its own session.
[ "$(readlink /proc/"$pid"/fd/0)" = /dev/null ] || fail "coordinator stdin is not /dev/null"
sid=$(ps -o sid= -p "$pid" | tr -d ' ')
assert_eq "$pid" "$sid" "coordinator session id"
# The socket directory is private.
dir_mode=$(stat -c %a "$XDG_RUNTIME_DIR/ferry")
assert_eq 700 "$dir_mode" "mode of the coordinator's directory"
"$FERRY" status >"$TEST_TMP/status" || fail "ferry status failed"
assert_contains "$TEST_TMP/status" "127.0.0.2" "status lists the runner"

# A second compile reuses the same coordinator.
(cd "$PROJ" && "$FERRY" gcc -I"$PROJ/include" -c src/main.c -o build/main.o) || fail "second compile"
assert_eq "$pid" "$(coordinator_pids)" "coordinator reused"

# Idle for FERRY_IDLE_TIMEOUT seconds: it exits and removes its socket.
wait_gone "$pid" 15 || fail "the coordinator did not exit when idle"
ls "$XDG_RUNTIME_DIR"/ferry/*.sock 2>/dev/null && fail "the socket was left behind"
# And the next compile starts a fresh one.
(cd "$PROJ" && "$FERRY" gcc -I"$PROJ/include" -c src/main.c -o build/main.o) || fail "compile after idle exit"
[ -n "$(coordinator_pids)" ] || fail "no coordinator restarted"
pass
