#include "util/fs.hpp"
#include "util/stat_cache.hpp"
#include "util/temp_dir.hpp"

#include <ctime>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;

namespace {

constexpr int64_t kSecond = int64_t(1000) * 1000 * 1000;

// A clock a minute ahead: files written by the test are then old enough to trust.
int64_t a_minute_later() {
    return realtime_ns() + 60 * kSecond;
}

void set_mtime(const std::string& path, timespec when) {
    timespec times[2] = {when, when};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

StatSnapshot snapshot(const StatCache<std::string>& cache, const std::string& path) {
    auto seen = cache.stat(path);
    REQUIRE(seen);
    return *seen;
}

} // namespace

TEST_CASE("a value is kept while the file's stamp holds, and dropped when it moves") {
    auto dir = TempDir::create("/tmp", "ferry-stat-cache-test");
    REQUIRE(dir);
    const std::string path = join_path(dir->path(), "a.h");
    REQUIRE(write_file(path, "one\n"));
    StatCache<std::string> cache(a_minute_later);
    auto first = snapshot(cache, path);
    CHECK(cache.find(path, first.stamp) == nullptr);
    CHECK(cache.store(path, first, "value 1"));
    REQUIRE(cache.find(path, first.stamp) != nullptr);
    CHECK(*cache.find(path, first.stamp) == "value 1");
    CHECK(cache.find(path, snapshot(cache, path).stamp) != nullptr); // stat again: same stamp
    CHECK(cache.size() == 1);

    SUBCASE("written in place: another size") {
        REQUIRE(write_file(path, "three\n"));
    }
    SUBCASE("replaced by rename, same size and mtime: another inode") {
        REQUIRE(write_file_atomic(path, "two\n"));
        set_mtime(path, first.st.st_mtim);
    }
    SUBCASE("same size, mtime moved by a nanosecond") {
        REQUIRE(write_file(path, "two\n"));
        timespec later = first.st.st_mtim;
        later.tv_nsec = (later.tv_nsec + 1) % 1000000000;
        set_mtime(path, later);
    }
    SUBCASE("same size, the old mtime put back (touch -d, cp -p): only ctime says so") {
        // The ctime comes from a coarse clock: wait until it has moved past the first one.
        for (int i = 0; i < 100; ++i) {
            REQUIRE(write_file(path, "two\n"));
            set_mtime(path, first.st.st_mtim);
            if (snapshot(cache, path).stamp.ctime_ns != first.stamp.ctime_ns) break;
            ::usleep(10 * 1000);
        }
        auto now = snapshot(cache, path).stamp;
        REQUIRE(now.mtime_ns == first.stamp.mtime_ns);
        REQUIRE(now.size == first.stamp.size);
        REQUIRE(now.ino == first.stamp.ino);
    }
    CHECK(cache.find(path, snapshot(cache, path).stamp) == nullptr);
    CHECK(cache.size() == 0); // the stale entry went with the lookup
}

TEST_CASE("the racy rule: a stamp younger than the window is never stored") {
    const int64_t taken = 1700000000 * kSecond;
    StatStamp stamp;
    stamp.mtime_ns = taken - kRacyWindowNs - 1;
    stamp.ctime_ns = taken - kRacyWindowNs - 1;
    CHECK_FALSE(stamp_is_racy(stamp, taken));
    SUBCASE("mtime at the window's edge") {
        stamp.mtime_ns = taken - kRacyWindowNs;
    }
    SUBCASE("ctime inside the window (an old mtime put back just now)") {
        stamp.mtime_ns = 0;
        stamp.ctime_ns = taken - 1;
    }
    SUBCASE("a stamp in the future (clock skew, NFS)") {
        stamp.mtime_ns = taken + 3600 * kSecond;
    }
    CHECK(stamp_is_racy(stamp, taken));
}

TEST_CASE("a file written just now is computed again on every lookup") {
    auto dir = TempDir::create("/tmp", "ferry-stat-cache-test");
    REQUIRE(dir);
    const std::string path = join_path(dir->path(), "racy.h");
    REQUIRE(write_file(path, "1\n"));
    StatCache<std::string> cache; // the real clock
    auto first = snapshot(cache, path);
    CHECK_FALSE(cache.store(path, first, "from 1"));
    // The rewrite a timestamp granularity cannot tell apart: same size, same mtime.
    REQUIRE(write_file(path, "2\n"));
    set_mtime(path, first.st.st_mtim);
    CHECK(cache.find(path, first.stamp) == nullptr);
    CHECK(cache.find(path, snapshot(cache, path).stamp) == nullptr);
    CHECK(cache.size() == 0);
}

TEST_CASE("the clock is read before the stat, so a value computed slowly is judged by then") {
    auto dir = TempDir::create("/tmp", "ferry-stat-cache-test");
    REQUIRE(dir);
    const std::string path = join_path(dir->path(), "slow.h");
    REQUIRE(write_file(path, "x\n"));
    int64_t now = realtime_ns() + 60 * kSecond;
    StatCache<std::string> cache([&] { return now; });
    auto seen = snapshot(cache, path);
    CHECK(seen.taken_ns == now);
    now += 3600 * kSecond; // the computation took an hour; the file was young when it began
    const StatSnapshot young{seen.st, seen.stamp, seen.stamp.mtime_ns + kSecond};
    CHECK_FALSE(cache.store(path, young, "v"));
    CHECK(cache.store(path, seen, "v"));
    // A racy store drops what was there: the value may be older than the file.
    CHECK_FALSE(cache.store(path, young, "w"));
    CHECK(cache.size() == 0);
}

TEST_CASE("stat errors name the file") {
    StatCache<int> cache;
    auto missing = cache.stat("/nonexistent/ferry-stat-cache");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("stat /nonexistent/ferry-stat-cache") == 0);
}
