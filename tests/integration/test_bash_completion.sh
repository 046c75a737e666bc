#!/usr/bin/env bash
# Issue 12: the bash completion of ferry and ferryd (dist/bash-completion/). Sources each file
# in a clean bash, checks `complete -p` names its function, and calls the function with
# COMP_WORDS set as bash would: subcommands and options must be exactly what --help lists
# (so a new option without a completion fails here), and arguments that are files complete
# to files. Starts no daemon: seconds.
source "$(dirname "$0")/lib.sh"
ferry_test_init

COMPLETION_DIR=$FERRY_SOURCE_DIR/dist/bash-completion
mkdir -p "$TEST_TMP/files/subdir"
touch "$TEST_TMP/files/hosts.toml" "$TEST_TMP/files/foo.c" "$TEST_TMP/files/trace.json"

# What the completion offers for a command line whose last word is being completed, one word
# per line, sorted: `complete_words ferry doctor --` completes "--" after "ferry doctor".
complete_words() {
    bash --norc --noprofile -c '
        source "$1" || exit 1
        shift
        fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
        [ -n "$fn" ] || { echo "no completion function for $1" >&2; exit 1; }
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION_DIR/$1" "$@" | sed '/^$/d' | sort -u
}
expect_words() { # what, expected (one per line), actual
    [ "$2" == "$3" ] || fail "$1: expected [$(echo $2)], got [$(echo $3)]"
}
expect_has() { # what, word, actual
    echo "$3" | grep -qxF -- "$2" || fail "$1: '$2' not offered (got [$(echo $3)])"
}

note "complete -p after sourcing"
for program in ferry ferryd; do
    bash --norc --noprofile -c 'source "$1" && complete -p "$2"' _ "$COMPLETION_DIR/$program" "$program" \
        >"$TEST_TMP/complete-$program" || fail "sourcing $program's completion registers nothing"
    assert_contains "$TEST_TMP/complete-$program" "-F _$program $program" "complete -p $program"
done

note "ferry: subcommands and options are those of --help"
"$FERRY" --help >"$TEST_TMP/ferry.help"
subcommands=$(help_subcommands <"$TEST_TMP/ferry.help")
offered=$(complete_words ferry "")
for compiler in gcc g++ cc c++ clang clang++; do expect_has "ferry <TAB>" "$compiler" "$offered"; done
expect_words "ferry <TAB> (without the compilers)" "$subcommands" \
    "$(echo "$offered" | grep -vxE 'gcc|g\+\+|cc|c\+\+|clang|clang\+\+')"
expect_words "ferry st<TAB>" "status" "$(complete_words ferry st)"
expect_words "ferry -<TAB>" "$(help_options <"$TEST_TMP/ferry.help" | grep -vx -- -h)" \
    "$(complete_words ferry -)"
for sub in $subcommands; do
    case $sub in make | ninja | run) continue ;; esac
    expect_words "ferry $sub -<TAB>" "$("$FERRY" "$sub" --help | help_options | grep -vx -- -h)" \
        "$(complete_words ferry "$sub" -)"
done
expect_words "ferry make --<TAB>" "$(printf '%s\n' -- --quiet --summary --trace | sort)" \
    "$(complete_words ferry make --)"

note "ferry: files where an argument is a file"
f=$TEST_TMP/files
expect_words "ferry --hosts F<TAB>" "$f/hosts.toml" "$(complete_words ferry --hosts "$f/ho")"
expect_words "ferry make --trace F<TAB>" "$f/trace.json" "$(complete_words ferry make --trace "$f/tr")"
expect_words "ferry keygen F<TAB>" "$f/subdir" "$(complete_words ferry keygen "$f/su")"
expect_words "ferry gcc -c F<TAB>" "$f/foo.c" "$(complete_words ferry gcc -c "$f/fo")"
expect_words "ferry --hosts F status --<TAB>" "--help
--json" "$(complete_words ferry --hosts "$f/hosts.toml" status --)"
expect_has "ferry doctor --compiler g<TAB>" gcc "$(complete_words ferry doctor --compiler gc)"
expect_words "ferry hosts --from-distcc <TAB>" "" "$(complete_words ferry hosts --from-distcc "")"

note "ferryd: options are those of --help; files, directories and users where they go"
expect_words "ferryd -<TAB>" "$("$FERRYD" --help | help_options)" "$(complete_words ferryd -)"
expect_words "ferryd --lis<TAB>" "--listen" "$(complete_words ferryd --lis)"
expect_words "ferryd --config F<TAB>" "$f/hosts.toml" "$(complete_words ferryd --config "$f/ho")"
expect_words "ferryd --cache-dir D<TAB>" "$f/subdir" "$(complete_words ferryd --cache-dir "$f/")"
expect_has "ferryd --user r<TAB>" root "$(complete_words ferryd --user ro)"
expect_words "ferryd --listen <TAB>" "" "$(complete_words ferryd --listen "")"
pass
