#!/usr/bin/env bash
# Issue 12: the Debian packages as a user gets them. Builds ferry and ferryd with
# scripts/package.sh --prebuilt from this build tree (CI has built the project once already:
# no third compile), installs both with dpkg, checks what they put where, starts the
# *installed* ferryd the way ferryd.service does (its ExecStart and User=, a clean
# environment, the installed /etc/ferry/ferryd.toml; only the port comes from the command line),
# compiles through the installed /usr/bin/ferry and through the masquerade directory
# /usr/lib/ferry/bin under make, checks every object against a local compile and that the
# runner compiled them, then purges both packages and checks nothing is left: files, the
# ferry user and group, /etc/ferry, the cache directory, systemd's enablement links.
# Needs root (dpkg -i); skipped outside CI when not root, or when ferry is installed already.
source "$(dirname "$0")/lib.sh"
ferry_test_init

[ "$(id -u)" = 0 ] || skip "installing packages needs root"
for tool in dpkg-buildpackage dh dpkg setpriv make gcc g++; do
    have "$tool" || skip "$tool is not installed (scripts/install-deps.sh)"
done
for pkg in ferry ferryd; do
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok'; then
        skip "package $pkg is installed on this machine already: not replacing it"
    fi
done
getent passwd ferry >/dev/null && skip "a user 'ferry' exists already: not touching it"
[ ! -e /etc/ferry ] || skip "/etc/ferry exists already: not touching it"

BIN_DIR=${FERRY_BINARY_DIR:?FERRY_BINARY_DIR must name the build tree}
INSTALLED_PID=""
# Whatever happens, the machine is left as it was: the runner stopped, both packages purged.
package_cleanup() {
    if [ -n "$INSTALLED_PID" ]; then
        kill -TERM "$INSTALLED_PID" 2>/dev/null
        wait_gone "$INSTALLED_PID" 10 || kill -KILL "$INSTALLED_PID" 2>/dev/null
    fi
    "$FERRY" shutdown >/dev/null 2>&1
    dpkg-query -W ferry ferryd >/dev/null 2>&1 && dpkg --purge ferry ferryd >/dev/null 2>&1
    return 0
}
trap 'rc=$?; set +e; package_cleanup; (exit $rc); ferry_test_cleanup' EXIT

note "build the packages from $BIN_DIR (--prebuilt: nothing compiled)"
t0=$(date +%s%N)
"$FERRY_SOURCE_DIR/scripts/package.sh" --prebuilt "$BIN_DIR" --out "$TEST_TMP/pkg" >"$TEST_TMP/package.out" ||
    fail "scripts/package.sh --prebuilt failed: $(tail -20 "$TEST_TMP/package.out")"
t1=$(date +%s%N)
note "packages built in $(((t1 - t0) / 1000000)) ms"
deb_ferry=$(ls "$TEST_TMP"/pkg/ferry_*.deb)
deb_ferryd=$(ls "$TEST_TMP"/pkg/ferryd_*.deb)
# The build compiled nothing: the tree's own binaries are what the packages hold.
grep -q 'packaging the binaries built in' "$TEST_TMP/pkg/build.log" || fail "debian/rules did not use the prebuilt tree"
if grep -qE '(^|/)(c\+\+|g\+\+|cc|gcc) .* -c ' "$TEST_TMP/pkg/build.log"; then
    fail "the --prebuilt package build compiled something"
fi

note "install both"
dpkg -i "$deb_ferry" "$deb_ferryd" >"$TEST_TMP/dpkg-install.log" 2>&1 ||
    fail "dpkg -i failed: $(tail -20 "$TEST_TMP/dpkg-install.log")"
t2=$(date +%s%N)
for f in /usr/bin/ferry /usr/sbin/ferryd /usr/sbin/ferryd-exec; do
    [ -x "$f" ] || fail "$f is not installed"
done
for name in cc c++ gcc g++ clang clang++; do
    link=/usr/lib/ferry/bin/$name
    [ -L "$link" ] || fail "$link is not a symbolic link"
    assert_eq /usr/bin/ferry "$(readlink -f "$link")" "$link resolves to"
    case $(readlink "$link") in /*) fail "$link is an absolute link: $(readlink "$link")" ;; esac
done
# The manual pages (dh_compress gzips them) and the bash completion, in the package of
# their program.
for f in man1/ferry.1 man5/hosts.toml.5 man5/ferryd.toml.5 man8/ferryd.8 man8/ferryd-exec.8; do
    [ -f "/usr/share/man/$f.gz" ] || [ -f "/usr/share/man/$f" ] || fail "/usr/share/man/$f is not installed"
done
for program in ferry ferryd; do
    f=/usr/share/bash-completion/completions/$program
    [ -f "$f" ] || fail "$f is not installed"
    dpkg -S "$f" | grep -q "^$program:" || fail "$f is not in the package $program: $(dpkg -S "$f")"
done
dpkg-query -W -f='${Conffiles}\n' ferryd | grep -q '^ /etc/ferry/ferryd.toml ' ||
    fail "/etc/ferry/ferryd.toml is not a conffile of ferryd"
unit=/lib/systemd/system/ferryd.service
[ -f "$unit" ] || fail "$unit is not installed"
getent passwd ferry >/dev/null || fail "the postinst did not create the user ferry"
getent group ferry >/dev/null || fail "the postinst did not create the group ferry"
ferry_uid=$(id -u ferry)
[ "$ferry_uid" -lt 1000 ] || fail "ferry is not a system user (uid $ferry_uid)"
if have_for systemd-analyze "the unit's offline check"; then
    # Offline: checks the unit's syntax and that ExecStart names an executable.
    systemd-analyze verify "$unit" >"$TEST_TMP/verify.out" 2>&1 ||
        fail "systemd-analyze verify $unit: $(cat "$TEST_TMP/verify.out")"
    if grep -v 'network-online.target\|multi-user.target' "$TEST_TMP/verify.out" | grep -q ferryd; then
        fail "systemd-analyze verify complains: $(cat "$TEST_TMP/verify.out")"
    fi
fi

note "start the installed ferryd as ferryd.service does"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
unit_user=$(sed -n 's/^User=//p' "$unit")
assert_eq "/usr/sbin/ferryd --config /etc/ferry/ferryd.toml" "$exec_start" "the unit's ExecStart"
assert_eq ferry "$unit_user" "the unit's User="
RLOG="$TEST_TMP/installed-ferryd.log"
# setpriv execs (runuser would stay as a parent holding a PAM session): $INSTALLED_PID is
# ferryd itself, as systemd's main pid is. systemd starts a service in a clean environment (no TMPDIR: the state goes to /dev/shm), in
# /; its stderr is the journal. Only the port is the suite's (the command line wins).
# shellcheck disable=SC2086
(cd / && exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    setpriv --reuid="$unit_user" --regid="$unit_user" --init-groups -- $exec_start --listen "127.0.0.2:$PORT") 2>"$RLOG" &
INSTALLED_PID=$!
ferryd_wait_ready 127.0.0.2 "$INSTALLED_PID" "$RLOG"
assert_contains "$RLOG" "settings from /etc/ferry/ferryd.toml" "the installed ferryd's log"
assert_contains "$RLOG" "compilers start through /usr/sbin/ferryd-exec" "the installed ferryd's log"
assert_contains "$RLOG" "jobs run sandboxed" "the installed ferryd's log"
assert_eq "$ferry_uid" "$(stat -c %u "/proc/$INSTALLED_PID")" "the uid the installed ferryd runs as"

note "compile through the installed /usr/bin/ferry"
export FERRY=/usr/bin/ferry
export FERRY_HOSTS="127.0.0.2:$PORT/2"
setup_core_project
compile_both gcc "-O2 -g -I$PROJ/include" src/main.c build/main.o
compile_both g++ "-O2 -g -I$PROJ/include" src/shapes.cpp build/shapes.o
# At least: a backup compile or a speculative start may add a job, never remove one.
ran=$(ferryd_jobs_done 127.0.0.2)
[ "$ran" -ge 2 ] || fail "the installed runner ran $ran jobs, not the 2 units: $(tail -5 "$RLOG")"

note "make through the masquerade directory"
cat >"$PROJ/Makefile" <<'MK'
OBJS = build/main.o build/warn.o build/shapes.o
all: $(OBJS)
build/%.o: src/%.c
	$(CC) -O2 -g -Iinclude -c $< -o $@
build/%.o: src/%.cpp
	$(CXX) -O2 -g -Iinclude -c $< -o $@
MK
(cd "$PROJ" && rm -f build/*.o && make -s -j2 CC=gcc CXX=g++ >/dev/null 2>&1) || fail "local make failed"
mkdir -p "$TEST_TMP/ref-make"
mv "$PROJ"/build/*.o "$TEST_TMP/ref-make/"
remote_before=$(status_field jobs.remote)
(cd "$PROJ" && PATH=/usr/lib/ferry/bin:$PATH make -s -j2 CC=gcc CXX=g++ >"$TEST_TMP/make.out" 2>&1) ||
    fail "make through /usr/lib/ferry/bin failed: $(cat "$TEST_TMP/make.out")"
for o in main warn shapes; do
    assert_files_identical "$TEST_TMP/ref-make/$o.o" "$PROJ/build/$o.o" "masquerade make: $o.o"
done
remote_after=$(status_field jobs.remote)
assert_eq 3 $((remote_after - remote_before)) "remote jobs of the masquerade make (ferry status --json)"
ran=$(ferryd_jobs_done 127.0.0.2)
[ "$ran" -ge 5 ] || fail "the installed runner ran $ran jobs, not the 5 units: $(tail -5 "$RLOG")"
"$FERRY" shutdown >/dev/null 2>&1 || true
t3=$(date +%s%N)

note "stop it (SIGTERM drains) and purge both packages"
kill -TERM "$INSTALLED_PID"
wait_gone "$INSTALLED_PID" 10 || fail "the installed ferryd did not exit after SIGTERM"
wait "$INSTALLED_PID" 2>/dev/null || true
INSTALLED_PID=""
assert_contains "$RLOG" "exiting" "the installed ferryd's log"
dpkg --purge ferry ferryd >"$TEST_TMP/dpkg-purge.log" 2>&1 ||
    fail "dpkg --purge failed: $(tail -20 "$TEST_TMP/dpkg-purge.log")"
for f in /usr/bin/ferry /usr/sbin/ferryd /usr/sbin/ferryd-exec /usr/lib/ferry /etc/ferry \
    "$unit" /var/cache/ferryd /usr/share/doc/ferry /usr/share/doc/ferryd \
    /etc/systemd/system/multi-user.target.wants/ferryd.service; do
    [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f is left after the purge"
done
! getent passwd ferry >/dev/null || fail "the user ferry is left after the purge"
! getent group ferry >/dev/null || fail "the group ferry is left after the purge"
! dpkg-query -W ferry ferryd >/dev/null 2>&1 || fail "dpkg still knows the packages after the purge"
# The runner's state (its job directories and private cache on /dev/shm) went with it.
left=$(find /dev/shm /tmp -maxdepth 1 -uid "$ferry_uid" 2>/dev/null | head -3)
[ -z "$left" ] || fail "the installed ferryd left files behind: $left"
t4=$(date +%s%N)
note "times: package $(((t1 - t0) / 1000000)) ms, install $(((t2 - t1) / 1000000)) ms, runs $(((t3 - t2) / 1000000)) ms, purge $(((t4 - t3) / 1000000)) ms"
pass
