#!/usr/bin/env bash
# The folder graph, checked against its map: every `#include "folder/…"` in ferry's own code
# must follow ARCHITECTURE.md's table ("The tree"), whose "depends on" column names, in
# backquotes, the folders each folder may use. A folder may use what its dependencies use
# (the graph's closure), never a folder that depends on it: the table must have no cycle, and
# a file whose folder has no row is an error too (a new folder gets a row before it gets code).
# Run by CTest (`layers`); prints one line per violation and exits 1, or 0 when the tree and
# the map agree.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# Rows: "folder<TAB>dep dep …" for each table row whose first column names a folder of code.
rows=$(awk -F'|' '
    /^## The tree/ { intable = 1; next }
    intable && /^## / { exit }
    intable && /^\| *`/ {
        n = split($2, a, "`"); folders = ""
        for (i = 2; i <= n; i += 2) { f = a[i]; sub(/\/$/, "", f); folders = folders " " f }
        m = split($(NF - 1), b, "`"); deps = ""
        for (i = 2; i <= m; i += 2) { d = b[i]; sub(/\/$/, "", d); deps = deps " " d }
        k = split(folders, fs, " ")
        for (i = 1; i <= k; i++) print fs[i] "\t" deps
    }' ARCHITECTURE.md)

declare -A deps=()
while IFS=$'\t' read -r folder list; do
    [ -n "$folder" ] || continue
    # Only folders that hold ferry's code take part (tests/, bench/, man/… are rows too).
    [ -d "$folder" ] && compgen -G "$folder/*.[ch]pp" >/dev/null || continue
    deps[$folder]=$list
done <<<"$rows"
[ ${#deps[@]} -gt 0 ] || { echo "check_layers: no table of folders found in ARCHITECTURE.md" >&2; exit 1; }

# The deepest row folder that holds a path (coordinator/includes before coordinator).
owner() {
    local path=$1 best="" f
    for f in "${!deps[@]}"; do
        case "$path" in "$f"/*) [ ${#f} -gt ${#best} ] && best=$f ;; esac
    done
    printf '%s' "$best"
}

# Ferry's C++ files: git's list (new files included) in a checkout, else every one under the root.
sources() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h'
    else
        find . \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -printf '%P\n'
    fi
}

status=0
# A dependency that names no folder of code is a typo in the map.
for f in "${!deps[@]}"; do
    for d in ${deps[$f]}; do
        [ -z "${deps[$d]+x}" ] && [ -d "$d" ] && compgen -G "$d/*.[ch]pp" >/dev/null || continue
        echo "ARCHITECTURE.md: $f depends on \`$d\`, which has no row of its own"
        status=1
    done
done

# The closure of each folder's dependencies, and a cycle check on the way (depth-first).
declare -A closure=() state=()
visit() {
    local f=$1 d all=""
    case "${state[$f]:-}" in
    done) return 0 ;;
    active)
        echo "ARCHITECTURE.md: the table has a cycle through $f"
        status=1
        return 0
        ;;
    esac
    state[$f]=active
    for d in ${deps[$f]}; do
        [ -n "${deps[$d]+x}" ] || continue
        visit "$d"
        all="$all $d ${closure[$d]:-}"
    done
    closure[$f]=$all
    state[$f]=done
}
for f in "${!deps[@]}"; do visit "$f"; done

while IFS= read -r file; do
    from=$(owner "$file")
    if [ -z "$from" ]; then
        echo "$file: its folder has no row in ARCHITECTURE.md's table"
        status=1
        continue
    fi
    while IFS=: read -r line text; do
        inc=${text#*\"}
        inc=${inc%%\"*}
        to=$(owner "$inc")
        [ -n "$to" ] && [ "$to" != "$from" ] || continue
        case " ${closure[$from]} " in *" $to "*) continue ;; esac
        echo "$file:$line: includes \"$inc\" ($to/), which $from/ does not depend on in ARCHITECTURE.md"
        status=1
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" || true)
done < <(sources | grep -v '^tests/\|^bench/\|^build')
exit $status
