# Helpers for the test_ferryd_* suites: they talk to ferryd directly with ferry_probe (no
# coordinator, no wrapper), building each job's manifest the way the wrapper does.
# Source after lib.sh.

# $FERRY_PROBE: lib.sh's.
[ -x "$FERRY_PROBE" ] || skip "ferry_probe not built (set FERRY_PROBE or FERRY_BINARY_DIR)"

probe() { "$FERRY_PROBE" "$@"; }

# build_manifest PREFIX LANG COMPILER SOURCE FLAGS... (run in the compile's cwd)
# Writes PREFIX.files (the source, every file `-H` lists, stdc-predef.h) and PREFIX.sysinc
# (the built-in <...> search directories `-v` prints, in order).
build_manifest() {
    local prefix=$1 lang=$2 cc=$3 src=$4
    shift 4
    "$cc" "$@" -E -H -o /dev/null "$src" 2>"$prefix.h" || fail "scan of $src failed"
    {
        realpath -s "$src"
        sed -n 's/^\.\+ //p' "$prefix.h" | while read -r f; do
            case $f in /*) echo "$f" ;; *) echo "$PWD/$f" ;; esac
        done
        [ -f /usr/include/stdc-predef.h ] && echo /usr/include/stdc-predef.h
    } | awk '!seen[$0]++' >"$prefix.files"
    # Without the job's flags: -I directories would show up in this list too.
    "$cc" -E -v -x "$lang" /dev/null -o /dev/null 2>&1 |
        sed -n '/#include <...> search starts here:/,/End of search list./p' |
        sed '1d;$d;s/^ //' >"$prefix.sysinc"
    [ -s "$prefix.sysinc" ] || fail "no system include directories for $cc"
}

# ferryd_tmp_empty DIR: the TMPDIR a ferryd ran with holds nothing once it has exited.
assert_dir_empty() {
    local left
    left=$(find "$1" -mindepth 1 2>/dev/null | head -5)
    [ -z "$left" ] || fail "files left behind in $1: $left"
}
