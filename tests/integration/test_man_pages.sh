#!/usr/bin/env bash
# Issue 12: the manual pages cannot drift from the programs. Every option `ferry --help`,
# each subcommand's --help and `ferryd --help` print is documented on a tag line of ferry(1)
# or ferryd(8) (under the subcommand's own `.SS ferry NAME` heading for a subcommand), every
# option documented there exists, every subcommand has its heading, and `man` reads every
# page without a warning. The TOML pages are checked against their parsers by the unit tests
# (man/README.md). Starts no daemon: seconds.
source "$(dirname "$0")/lib.sh"
ferry_test_init

MAN_DIR=$FERRY_SOURCE_DIR/man

# The options on the tag lines (the line after .TP) of a page, under the `.SS`/`.SH` heading
# $2 when given, with roff's \- read as -.
page_options() { # page [heading]
    awk -v want="${2:-}" '
        /^\.S[SH] / { heading = substr($0, 5); gsub(/"/, "", heading); next }
        /^\.TP/ { tag = 1; next }
        tag { tag = 0; if (want == "" || heading == want) print }' "$1" |
        sed 's/\\-/-/g' | { grep -oE '(^|[ "])--?[A-Za-z][A-Za-z0-9-]*' || true; } |
        sed 's/^[ "]//' | sort -u
}
# The `ferry NAME` headings of ferry(1).
page_subcommands() { sed -n 's/^\.SS ferry \([a-z]*\)$/\1/p' "$1" | sort -u; }
# Fails naming the words of $2 (one per line) missing from $3.
assert_subset() { # what, words, of
    local missing
    missing=$(comm -23 <(printf '%s\n' "$2" | sed '/^$/d') <(printf '%s\n' "$3" | sed '/^$/d') | tr '\n' ' ')
    [ -z "$missing" ] || fail "$1: $missing"
}

note "ferry(1) against ferry --help"
"$FERRY" --help >"$TEST_TMP/ferry.help" || fail "ferry --help failed"
subcommands=$(help_subcommands <"$TEST_TMP/ferry.help")
[ -n "$subcommands" ] || fail "no subcommands found in ferry --help (has CLI11's layout changed?)"
echo "$subcommands" | grep -qx hosts || fail "ferry --help does not list hosts"
assert_subset "subcommands ferry --help lists without a '.SS ferry NAME' in man/ferry.1" \
    "$subcommands" "$(page_subcommands "$MAN_DIR/ferry.1")"
assert_subset "'.SS ferry NAME' headings in man/ferry.1 that ferry --help does not list" \
    "$(page_subcommands "$MAN_DIR/ferry.1")" "$subcommands"

# ferry's own options: its Options section, and the build options of its usage lines.
all_help=$( {
    help_options <"$TEST_TMP/ferry.help"
    grep -E '^  ferry .*\[' "$TEST_TMP/ferry.help" | grep -oE -- '--[a-z][a-z-]*'
} | sort -u)
for sub in $subcommands; do
    case $sub in make | ninja | run) continue ;; esac # their --help is the build tool's
    "$FERRY" "$sub" --help >"$TEST_TMP/$sub.help" || fail "ferry $sub --help failed"
    own=$(help_options <"$TEST_TMP/$sub.help" | grep -vxE -- '-h|--help' || true)
    in_page=$(page_options "$MAN_DIR/ferry.1" "ferry $sub")
    assert_subset "options of 'ferry $sub --help' missing under '.SS ferry $sub' in man/ferry.1" \
        "$own" "$in_page"
    assert_subset "options under '.SS ferry $sub' in man/ferry.1 that 'ferry $sub --help' does not list" \
        "$in_page" "$own"
    all_help=$(printf '%s\n%s\n' "$all_help" "$own" | sort -u)
done
for build_option in --summary --quiet --trace; do
    echo "$all_help" | grep -qx -- "$build_option" || fail "ferry --help no longer shows $build_option"
done
assert_subset "options ferry prints in --help missing from a tag line of man/ferry.1" \
    "$all_help" "$(page_options "$MAN_DIR/ferry.1")"
assert_subset "options documented in man/ferry.1 that no ferry --help lists" \
    "$(page_options "$MAN_DIR/ferry.1")" "$all_help"

note "ferryd(8) against ferryd --help"
"$FERRYD" --help >"$TEST_TMP/ferryd.help" || fail "ferryd --help failed"
ferryd_help=$(help_options <"$TEST_TMP/ferryd.help")
[ "$(echo "$ferryd_help" | wc -l)" -gt 10 ] || fail "too few ferryd options found: $ferryd_help"
assert_subset "options of ferryd --help missing from a tag line of man/ferryd.8" \
    "$ferryd_help" "$(page_options "$MAN_DIR/ferryd.8" OPTIONS)"
assert_subset "options documented in man/ferryd.8 that ferryd --help does not list" \
    "$(page_options "$MAN_DIR/ferryd.8")" "$ferryd_help"

note "the check itself: a page without an option fails it"
sed '/^\.B \\-\\-json$/d' "$MAN_DIR/ferry.1" >"$TEST_TMP/broken.1"
[ -n "$(comm -23 <(echo "$all_help") <(page_options "$TEST_TMP/broken.1"))" ] ||
    fail "removing --json from the page went unnoticed"

note "every page reads without a warning"
if have man; then
    for page in "$MAN_DIR"/*.[158]; do
        warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
        [ -z "$warnings" ] || fail "man --warnings -l $page: $warnings"
    done
else
    skip "man is not installed (man-db)"
fi
pass
