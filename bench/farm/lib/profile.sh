# --profile: where each run's CPU went, by side (client, runners) and process name, from a
# system-wide `perf record -e cpu-clock --all-cgroups` taken around the build (run_one).
# cpuacct gives each side's total; this splits it: make and its shells, the wrappers, the
# coordinator, the compilers, ferryd and its sandbox trampoline, kernel threads outside the
# farm's groups. Each sample is PERF_PERIOD_NS of one CPU.

PERF_PERIOD_NS=${PERF_PERIOD_NS:-5000000}

# profile_split PERF_DATA WL MODE RUNNERS REP OBJECTS: rows of $WORK/profile.tsv (workload,
# mode, runners, run, side, process, ms per object) and the run's hottest symbols of ferry's
# own processes in $WORK/profile-sym-WL-MODE-RUNNERS-REP.txt.
profile_split() {
    local data=$1 wl=$2 mode=$3 n=$4 rep=$5 objects=$6
    perf report -i "$data" --stdio -q --sort cgroup,comm -F sample,cgroup,comm 2>/dev/null |
        awk -v pre="/$CG_PREFIX-" -v ms="$((PERF_PERIOD_NS / 1000000))" -v objs="$objects" \
            -v row="$wl\t$mode\t$n\t$rep" '
            NF >= 3 {
                g = $2; c = $3
                for (i = 4; i <= NF; i++) c = c " " $i
                if (index(g, pre) == 1) g = substr(g, length(pre) + 1); else g = "outside"
                if (g ~ /^runner[0-9]+$/) g = "runners"
                t[g "\t" c] += $1 * ms
            }
            END { for (k in t) printf "%s\t%s\t%.1f\n", row, k, t[k] / (objs ? objs : 1) }' \
        >>"$WORK/profile.tsv"
    perf report -i "$data" --stdio -q --comms ferry,ferry-coord,ferryd,ferryd-exec \
        --sort comm,dso,sym -F sample,comm,dso,sym 2>/dev/null | sort -k1,1nr | head -30 \
        >"$WORK/profile-sym-$wl-$mode-$n-$rep.txt" || true
    # FARM_KEEP_PERF=1 keeps the samples for a timeline (perf script -F time,cgroup,comm).
    if [ "${FARM_KEEP_PERF:-0}" = 1 ]; then
        mv "$data" "$RUN_DIR/perf-$wl-$mode-$n-$rep.data"
    else
        rm -f "$data"
    fi
}

# The report's section: per workload and mode with all the shape's runners (means over runs),
# each side's processes with at least 1 ms per object, then the symbols of the last run.
profile_report() {
    [ -s "$WORK/profile.tsv" ] || return 0
    local wl mode
    echo
    echo "### CPU by process (--profile: perf record -a -e cpu-clock --all-cgroups, ms per object)"
    for wl in $WORKLOADS; do
        for mode in $MODES; do
            awk -F'\t' -v w="$wl" -v m="$mode" -v n="$RUNNERS_MAX" '$1 == w && $2 == m && $3 == n' "$WORK/profile.tsv" | grep -q . || continue
            echo
            echo "$wl, $mode, $RUNNERS_MAX runners: $(awk -F'\t' -v w="$wl" -v m="$mode" -v n="$RUNNERS_MAX" '
                $1 == w && $2 == m && $3 == n { s[$5] += $7; if (!($4 in r)) { r[$4] = 1; runs++ } }
                END { for (k in s) printf "%s %.0f ms, ", k, s[k] / runs }' "$WORK/profile.tsv" | sed 's/, $//')"
            echo
            echo "| side | process | ms / object |"
            echo "|---|---|---|"
            awk -F'\t' -v w="$wl" -v m="$mode" -v n="$RUNNERS_MAX" '
                $1 == w && $2 == m && $3 == n { s[$5 "\t" $6] += $7; if (!($4 in r)) { r[$4] = 1; runs++ } }
                END { for (k in s) if (s[k] / runs >= 1) printf "%s\t%.1f\n", k, s[k] / runs }' \
                "$WORK/profile.tsv" | sort -t$'\t' -k1,1 -k3,3nr |
                awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }'
            local sym
            sym=$(ls "$WORK"/profile-sym-"$wl"-"$mode"-"$RUNNERS_MAX"-*.txt 2>/dev/null | tail -1)
            if [ -s "$sym" ]; then
                echo
                echo "Hottest symbols of ferry's processes ($(basename "$sym" .txt), samples of ${PERF_PERIOD_NS} ns):"
                echo
                echo '```'
                cat "$sym"
                echo '```'
            fi
        done
    done
}
