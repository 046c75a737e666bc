#include "util/stat_cache.hpp"

#include <cerrno>
#include <ctime>

namespace ferry {

namespace {

int64_t nanoseconds(const timespec& ts) {
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

} // namespace

StatStamp stat_stamp(const struct stat& st) {
    return StatStamp{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                     static_cast<uint64_t>(st.st_size), nanoseconds(st.st_mtim),
                     nanoseconds(st.st_ctim)};
}

Result<StatSnapshot> stat_snapshot(const std::string& path, int64_t now_ns) {
    StatSnapshot seen;
    seen.taken_ns = now_ns;
    if (::stat(path.c_str(), &seen.st) != 0)
        return errno_error(fmt::format("stat {}", path), errno);
    seen.stamp = stat_stamp(seen.st);
    return seen;
}

bool stamp_is_racy(const StatStamp& stamp, int64_t taken_ns) {
    const int64_t trusted_before = taken_ns - kRacyWindowNs;
    return stamp.mtime_ns >= trusted_before || stamp.ctime_ns >= trusted_before;
}

int64_t realtime_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return nanoseconds(ts);
}

} // namespace ferry
