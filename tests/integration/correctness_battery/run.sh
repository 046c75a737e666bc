# The battery's engine (sourced by test_correctness_battery.sh after cases.sh).
# A run recreates the case's root from its setup function, so the local runs and the ferry run
# see the same tree at the same paths; its results land in $TEST_TMP/res/NAME/{local1,local2,ferry}.

# What is at each path: a device keeps its numbers, a regular file is named by its hash.
battery_describe() {
    local p
    for p in "$@"; do
        if [ -L "$p" ]; then printf 'link->%s ' "$(readlink "$p")"; fi
        if [ -c "$p" ]; then printf 'chardev:%s ' "$(stat -L -c %t:%T "$p")"
        elif [ -b "$p" ]; then printf 'blockdev '
        elif [ -p "$p" ]; then printf 'fifo '
        elif [ -d "$p" ]; then printf 'dir '
        elif [ -f "$p" ]; then printf 'file '
        else printf 'none '; fi
    done
}

# Temporary file names in a compiler's messages differ from run to run.
battery_normalise() { sed -E 's#/tmp/cc[A-Za-z0-9_]+\.#/tmp/ccTMP.#g' "$1"; }

# battery_run NAME MODE DEST: one compile of case NAME (MODE local or ferry) into DEST.
battery_run() {
    local name=$1 mode=$2 dest=$3 root="$R/$1" i=0 o rc
    local -a cmd pre envs outs
    eval "cmd=(${C_CMD[$name]})"
    eval "pre=(${C_PRE[$name]})"
    eval "envs=(${C_ENV[$name]})"
    eval "outs=(${C_OUTS[$name]})"
    rm -rf "$root" "$dest"
    mkdir -p "$root" "$dest"
    (cd "$root" && "${C_SETUP[$name]}") >"$dest/setup.log" 2>&1 ||
        fail "$name: its setup ${C_SETUP[$name]} failed: $(cat "$dest/setup.log")"
    local launcher=()
    [ "$mode" = local ] || launcher=("$FERRY")
    # A logical cd: $PWD names the path through any link, as after a shell's cd.
    (
        cd "$root/${C_IN[$name]}" || exit 99
        if [ ${#pre[@]} -gt 0 ]; then
            env LC_ALL=C "${envs[@]}" "${launcher[@]}" "${pre[@]}" >/dev/null 2>&1 || exit 98
        fi
        exec env LC_ALL=C "${envs[@]}" "${launcher[@]}" "${cmd[@]}" >"$dest/stdout" 2>"$dest/stderr"
    ) && rc=0 || rc=$?
    echo "$rc" >"$dest/rc"
    (cd "$root/${C_IN[$name]}" && battery_describe "${outs[@]}") >"$dest/kinds"
    for o in "${outs[@]}"; do
        i=$((i + 1))
        o=$(cd "$root/${C_IN[$name]}" && realpath -sm -- "$o")
        if [ -f "$o" ] && [ ! -L "$o" ]; then cp "$o" "$dest/out.$i"; fi
    done
}

# The local runs of every case, in two parallel groups (they share nothing).
battery_local_phase() {
    local group=$1 k=0 name
    for name in "${CASES[@]}"; do
        k=$((k + 1))
        [ $((k % 2)) = "$group" ] || continue
        battery_run "$name" local "$TEST_TMP/res/$name/local1"
        battery_run "$name" local "$TEST_TMP/res/$name/local2"
    done
}

# "REMOTE SENT_BACK": compiles the coordinator sent to runners, and those it sent back here.
battery_jobs() {
    "$FERRY" status | sed -n 's/^jobs: \([0-9]*\) remote, [0-9]* local (\([0-9]*\) sent back.*/\1 \2/p'
}

# The section of an ELF file that holds byte OFFSET (0-based), for a failure message.
battery_section_at() {
    local name type off size
    while read -r name type off size; do
        [ "$type" != NOBITS ] || continue
        if (($2 >= 16#$off && $2 < 16#$off + 16#$size)); then
            echo "$name"
            return
        fi
    done < <(readelf -SW "$1" 2>/dev/null |
        sed -nE 's/^ *\[ *[0-9]+\] +([^ ]+) +([A-Z_0-9]+) +[0-9a-f]+ +([0-9a-f]+) +([0-9a-f]+) .*/\1 \2 \3 \4/p')
}

# What differs between two regular files, in words.
battery_explain() {
    local a=$1 b=$2 first n sect
    first=$({ cmp "$a" "$b" 2>&1 || true; } | head -1 | sed 's/.* differ: //')
    n=$({ cmp -l "$a" "$b" 2>/dev/null || true; } | wc -l)
    local off
    off=$({ cmp "$a" "$b" 2>/dev/null || true; } | awk '{ sub(",", "", $5); print $5 - 1 }')
    sect=
    [ -z "$off" ] || sect=$(battery_section_at "$a" "$off")
    local syms=
    if [ "$(head -c 4 "$a")" = $'\x7fELF' ]; then
        # Symbols one side defines and the other does not say most about a wrong object.
        syms=$(diff <(nm "$a" 2>/dev/null | awk '{ print $NF }' | sort) \
            <(nm "$b" 2>/dev/null | awk '{ print $NF }' | sort) |
            sed -nE 's/^< /local only: /p; s/^> /ferry only: /p' | head -4 | tr '\n' ' ' || true)
    fi
    echo "$first; sizes $(stat -c %s "$a")/$(stat -c %s "$b"), $n bytes differ${sect:+, first in section $sect}${syms:+; symbols: ${syms% }}"
}

# DWO ID of a skeleton object or a .dwo, empty if none.
battery_dwo_id() { dwo_id "$1"; }

# battery_unify_dwo WANT FILES...: writes the DWO ID WANT over the one FILES carry.
battery_unify_dwo() {
    local want=$1 f have
    shift
    for f in "$@"; do
        have=$(battery_dwo_id "$f")
        [ -n "$have" ] && [ "$have" != "$want" ] || continue
        perl -0777 -pi -e 'BEGIN { ($w, $h) = map { pack "Q<", hex } @ARGV[0, 1]; splice @ARGV, 0, 2 }
                           s/\Q$h\E/$w/g' "$want" "$have" "$f"
    done
}

battery_stderr_diff() { # DIR: the first lines of the diff, on one line
    { diff <(battery_normalise "$1/local1/stderr") <(battery_normalise "$1/ferry/stderr") || true; } |
        head -6 | tr '\n' '|'
}

# battery_compare NAME: sets VERDICT (empty when identical) and NOTES.
battery_compare() {
    local name=$1 d="$TEST_TMP/res/$1" i n o want
    local -a outs
    eval "outs=(${C_OUTS[$name]})"
    VERDICT=
    NOTES=
    n=${#outs[@]}
    # What two local runs do not agree on cannot be compared as is.
    local -a unstable=()
    for ((i = 1; i <= n; i++)); do
        [ -f "$d/local1/out.$i" ] && [ -f "$d/local2/out.$i" ] || continue
        cmp -s "$d/local1/out.$i" "$d/local2/out.$i" && continue
        want=$(battery_dwo_id "$d/local1/out.$i")
        if [ -n "$want" ]; then
            # g++ -gsplit-dwarf: the DWO ID depends on cc1plus's address-space layout.
            battery_unify_dwo "$want" "$d/local2/out.$i" "$d/ferry/out.$i" 2>/dev/null || true
            for ((o = 1; o <= n; o++)); do
                case ${outs[o - 1]} in *.dwo)
                    battery_unify_dwo "$want" "$d/local2/out.$o" "$d/ferry/out.$o" 2>/dev/null || true ;;
                esac
            done
            if cmp -s "$d/local1/out.$i" "$d/local2/out.$i"; then
                NOTES+=" [${outs[i - 1]}: DWO ID varies locally, compared apart from it]"
                continue
            fi
        fi
        unstable[i]=1
        NOTES+=" [${outs[i - 1]}: two local runs differ ($(battery_explain "$d/local1/out.$i" "$d/local2/out.$i")), not compared]"
    done
    local lrc frc
    lrc=$(cat "$d/local1/rc")
    frc=$(cat "$d/ferry/rc")
    [ "$lrc" = "$frc" ] || VERDICT+=" exit status: local $lrc, ferry $frc;"
    [ "$(battery_normalise "$d/local1/stderr")" == "$(battery_normalise "$d/ferry/stderr")" ] ||
        VERDICT+=" stderr: $(battery_stderr_diff "$d");"
    cmp -s "$d/local1/stdout" "$d/ferry/stdout" || VERDICT+=" stdout differs;"
    [ "$(cat "$d/local1/kinds")" == "$(cat "$d/ferry/kinds")" ] ||
        VERDICT+=" what the outputs are (${outs[*]}): local '$(cat "$d/local1/kinds")', ferry '$(cat "$d/ferry/kinds")';"
    for ((i = 1; i <= n; i++)); do
        [ -z "${unstable[i]:-}" ] || continue
        if [ -f "$d/local1/out.$i" ] && [ -f "$d/ferry/out.$i" ]; then
            cmp -s "$d/local1/out.$i" "$d/ferry/out.$i" ||
                VERDICT+=" ${outs[i - 1]}: $(battery_explain "$d/local1/out.$i" "$d/ferry/out.$i");"
        fi
    done
}

battery_run_all() {
    mkdir -p "$TEST_TMP/res"
    local k
    for k in "${!KNOWN_DEFECTS[@]}"; do
        [ -n "${BATTERY_ONLY:-}" ] || [ -n "${C_CMD[$k]+set}" ] || fail "KNOWN_DEFECTS names no case: $k"
    done
    local start=$SECONDS name before after dr dl where verdict line
    battery_local_phase 0 &
    local g0=$!
    battery_local_phase 1 &
    local g1=$!
    wait $g0 || fail "the local runs (group 0) failed"
    wait $g1 || fail "the local runs (group 1) failed"
    note "local runs: $((SECONDS - start)) s"
    local remote=0 local_=0 identical=0 different=0 known=0 fixed=0 none=0
    local -a failures=() fixed_list=()
    before=$(battery_jobs)
    for name in "${CASES[@]}"; do
        battery_run "$name" ferry "$TEST_TMP/res/$name/ferry"
        after=$(battery_jobs)
        dr=$((${after% *} - ${before% *}))
        dl=$((${after#* } - ${before#* }))
        before=$after
        battery_compare "$name"
        if [ "$dl" -eq 0 ] && [ "$dr" -gt 0 ]; then
            where=remote
            remote=$((remote + 1))
        elif [ "$dl" -gt 0 ]; then
            where=local
            local_=$((local_ + 1))
        else
            # The wrapper kept it (it never asked for a runner): `ferry status` counts it as
            # "kept local", which is neither of these.
            where=wrapper
            none=$((none + 1))
        fi
        [ "$dr" -eq 0 ] || [ "$dl" -eq 0 ] || where="mixed(${dr}r/${dl}l)"
        case ${C_WHERE[$name]} in
        any) ;;
        *) [ "$where" = "${C_WHERE[$name]}" ] ||
            VERDICT+=" ran $where ($dr remote, $dl local jobs), must run ${C_WHERE[$name]};" ;;
        esac
        if [ -z "$VERDICT" ]; then
            verdict=identical
            identical=$((identical + 1))
        else
            verdict=DIFFERENT
            different=$((different + 1))
        fi
        line=$(printf '%-30s %-8s %-10s' "$name" "$where" "$verdict")
        if [ -n "${KNOWN_DEFECTS[$name]+set}" ]; then
            if [ -z "$VERDICT" ]; then
                fixed=$((fixed + 1))
                fixed_list+=("$name")
                line+=" KNOWN DEFECT NOW PASSES: remove '$name' from KNOWN_DEFECTS"
            else
                known=$((known + 1))
                line+=" known defect (${KNOWN_DEFECTS[$name]}):$VERDICT"
            fi
        elif [ -n "$VERDICT" ]; then
            failures+=("$name:$VERDICT")
            line+="$VERDICT"
        fi
        echo "$line$NOTES"
    done
    echo "battery: ${#CASES[@]} cases: $remote ran remotely, $local_ fell back locally (coordinator)," \
        "$none compiled locally by the wrapper;" \
        "$identical identical, $different different ($known known defects," \
        "${#failures[@]} new failures, $fixed known defects now passing); $((SECONDS - start)) s"
    # With the include analysis on (the default): how many units the analysis served, and why the others
    # were scanned (docs/include-analysis.md, "What is scanned still").
    if have python3 && [ "$(status_field include_analysis.mode)" = on ]; then
        echo "battery: include analysis served $(status_field include_analysis.served)," \
            "proved $(status_field include_analysis.superset)," \
            "missed $(status_field include_analysis.missed), scanned $(status_field include_analysis.scanned)"
    fi
    local f
    for f in "${failures[@]}"; do echo "FAILED: $f" >&2; done
    [ ${#failures[@]} -eq 0 ] || fail "${#failures[@]} case(s) differ from a local compile: ${failures[*]%%:*}"
    [ "$fixed" -eq 0 ] || fail "known defect(s) now pass, remove them from KNOWN_DEFECTS: ${fixed_list[*]}"
    [ -n "${BATTERY_ONLY:-}" ] || [ "$remote" -ge "$REMOTE_FLOOR" ] ||
        fail "only $remote cases ran remotely, the floor is $REMOTE_FLOOR: compiles went local"
}
