# The report of bench/farm/run.sh: markdown tables from $RESULTS (one row a run, tab-separated:
# workload mode runners rep wall objects client_ms_per_object runner_cpu_s remote check command).

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

versions() {
    echo "GNU Make $(make --version | awk 'NR == 1 { print $3 }'), $(gcc --version | head -1),"
    echo "$(distcc --version 2>/dev/null | head -1 || echo 'distcc -'), icecream $(dpkg-query -W -f='${Version}' icecc 2>/dev/null || echo -),"
    echo "ferry $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+changes'), cmake $(cmake --version | awk 'NR == 1 { print $3 }'), ninja $(ninja --version)."
}

report() {
    local wl mode n col
    echo "## $(date -u +%Y-%m-%d): shape $SHAPE${QUICK_OBJECTS:+, quick ($QUICK_OBJECTS objects)}"
    echo
    echo "Produced by: \`$COMMAND_LINE\`"
    echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load average before the run: $LOAD_BEFORE."
    versions
    echo "CPU quotas (cgroup v1, period 100 ms): client $CLIENT_CPU CPU (-j$CLIENT_SLOTS locally),"
    echo "$RUNNERS_MAX runners x $RUNNER_CPU CPU, $RUNNER_SLOTS slots each; ideal speedup with all runners $(ideal_speedup "$RUNNERS_MAX")x."
    for wl in $WORKLOADS; do
        echo
        echo "### $("wl_${wl}_version")"
        echo
        echo "| mode | runners | median wall (s) | runs (s) | speedup vs local (ideal) | client CPU / object (ms) | runner CPU (s) | objects | remote compiles | objects vs local |"
        echo "|---|---|---|---|---|---|---|---|---|---|"
        local local_median
        local_median=$(awk -F'\t' -v w="$wl" '$1 == w && $2 == "local" { print $5 }' "$RESULTS" | median)
        while IFS=$'\t' read -r mode n; do
            local rows med runs speed
            rows=$(awk -F'\t' -v w="$wl" -v m="$mode" -v n="$n" '$1 == w && $2 == m && $3 == n' "$RESULTS")
            med=$(cut -f5 <<<"$rows" | median)
            runs=$(cut -f5 <<<"$rows" | tr '\n' ' ')
            speed=-
            [ -z "$local_median" ] || speed=$(awk -v l="$local_median" -v m="$med" 'BEGIN { printf "%.2fx", l / m }')
            [ "$mode" = local ] || speed+=" ($(ideal_speedup "$n")x)"
            printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$mode" "$([ "$mode" = local ] && echo 0 || echo "$n")" \
                "$med" "${runs% }" "$speed" "$(cut -f7 <<<"$rows" | median)" "$(cut -f8 <<<"$rows" | median)" \
                "$(cut -f6 <<<"$rows" | head -1)" "$(cut -f9 <<<"$rows" | tail -1)" "$(cut -f10 <<<"$rows" | tail -1)"
        done < <(awk -F'\t' -v w="$wl" '$1 == w && !seen[$2 FS $3]++ { print $2 "\t" $3 }' "$RESULTS")
        if [ -s "$WORK/failed.tsv" ]; then
            echo
            awk -F'\t' -v w="$wl" '$1 == w { print "- " $2 " (runners " $3 ", run " $4 ") did not start: " $5 }' "$WORK/failed.tsv"
        fi
        echo
        echo "Commands:"
        awk -F'\t' -v w="$wl" '$1 == w && !seen[$2]++ { print "- " $2 ": `" $11 "`" }' "$RESULTS"
    done
    profile_report
    echo
    echo "Raw rows (workload, mode, runners, run, wall s, objects, client ms/object, runner CPU s, remote, check):"
    echo
    echo '```'
    cut -f1-10 "$RESULTS"
    echo '```'
}

append_results() {
    local file=$HERE/RESULTS.md
    { echo; cat "$1"; } >>"$file"
    note "appended to $file"
}

# speedup-WORKLOAD-SHAPE.svg: median speedup against the number of runners, one line a tool,
# and the ideal (client + n x runner quota) / client quota.
plot_speedup() {
    local wl mode n dat svg
    command -v gnuplot >/dev/null || die "--plot needs gnuplot (scripts/install-deps.sh --bench)"
    for wl in $WORKLOADS; do
        local local_median plots=()
        local_median=$(awk -F'\t' -v w="$wl" '$1 == w && $2 == "local" { print $5 }' "$RESULTS" | median)
        [ -n "$local_median" ] || { note "no local runs for $wl: no plot"; continue; }
        for mode in $MODES; do
            [ "$mode" != local ] || continue
            dat=$WORK/plot-$wl-$mode.dat
            : >"$dat"
            for n in $(awk -F'\t' -v w="$wl" -v m="$mode" '$1 == w && $2 == m { print $3 }' "$RESULTS" | sort -un); do
                awk -F'\t' -v w="$wl" -v m="$mode" -v n="$n" '$1 == w && $2 == m && $3 == n { print $5 }' "$RESULTS" |
                    median | awk -v n="$n" -v l="$local_median" '{ printf "%d %.3f\n", n, l / $1 }' >>"$dat"
            done
            plots+=("'$dat' using 1:2 with linespoints title '$mode'")
        done
        svg=$HERE/speedup-$wl-$SHAPE${QUICK_OBJECTS:+-quick}.svg
        gnuplot <<GP
set terminal svg size 640,400 dynamic
set output '$svg'
set title "$wl, shape $SHAPE: speedup over the local build (client $CLIENT_CPU CPU)"
set xlabel 'runners ($RUNNER_CPU CPU, $RUNNER_SLOTS slots each)'
set ylabel 'speedup (local median / median)'
set xrange [0.5:$RUNNERS_MAX.5]
set xtics 1
set yrange [0:*]
set key top left noenhanced
ideal(x) = ($CLIENT_CPU + x * $RUNNER_CPU) / $CLIENT_CPU
plot ideal(x) with lines dashtype 2 title 'ideal', $(IFS=,; echo "${plots[*]}")
GP
        note "wrote $svg"
    done
}
