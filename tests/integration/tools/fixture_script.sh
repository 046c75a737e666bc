# What the cache-filling fixture scripts (real_tools.sh, real_projects.sh) share: sourced with
# the script's arguments, it sets FIXTURE (1 for --fixture, as CTest's set-up test runs it)
# and defines `note` and `die`, which print with the script's name. Under --fixture a failure
# is a skip, exit 125, except under FERRY_NO_SKIP=1 (CI), where it fails.
FIXTURE_NAME=$(basename "$0" .sh)
FIXTURE=0
[ "${1:-}" != --fixture ] || FIXTURE=1

note() { echo "$FIXTURE_NAME: $*" >&2; }
die() {
    echo "$FIXTURE_NAME: $*" >&2
    [ "$FIXTURE" = 0 ] || [ "${FERRY_NO_SKIP:-0}" != 0 ] || exit 125
    exit 1
}
