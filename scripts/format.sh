#!/usr/bin/env bash
# clang-format over ferry's C++ files, with the checked-in .clang-format: `scripts/format.sh`
# rewrites them, `scripts/format.sh --check` lists what differs and fails (CTest `format`).
# Only C++ by name: CMake, shell and the test fixtures (sources written to exercise compilers,
# spaced as their trap needs) are never given to clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(-i)
[ "${1:-}" != --check ] || mode=(--dry-run --Werror)
files() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h'
    else
        find . \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -printf '%P\n'
    fi | grep -v '^build\|^tests/integration/fixtures/\|^tests/integration/correctness_battery/'
}
files | xargs -r clang-format "${mode[@]}"
