#include "coordinator/file_store.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <ctime>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

// Sets a file's mtime (seconds since the epoch), like `touch -d`.
void set_mtime(const std::string& path, time_t seconds) {
    timespec times[2] = {{seconds, 0}, {seconds, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

const time_t kLongAgo = 1600000000;

// A clock a minute ahead: the tests set old mtimes, but a file's ctime is always now, and a
// stamp is trusted only once both are older than the racy window (util/stat_cache.hpp).
int64_t a_minute_later() {
    return realtime_ns() + int64_t(60) * 1000 * 1000 * 1000;
}

} // namespace

TEST_CASE("file hashes are cached while the file is unchanged") {
    auto dir = TempDir::create("/tmp", "ferry-coord-test");
    REQUIRE(dir);
    std::string path = join_path(dir->path(), "a.h");
    REQUIRE(write_file(path, "int a;\n"));
    set_mtime(path, kLongAgo);
    FileStore store(a_minute_later);
    auto first = store.entry(path);
    REQUIRE(first);
    CHECK(first->hash == hash_hex("int a;\n"));
    CHECK(first->size == 7);
    CHECK(first->path == path);
    auto second = store.entry(path);
    REQUIRE(second);
    CHECK(second->hash == first->hash);
    CHECK(store.hashes_computed() == 1);
}

TEST_CASE("rewriting a file gives a new hash") {
    auto dir = TempDir::create("/tmp", "ferry-coord-test");
    REQUIRE(dir);
    std::string path = join_path(dir->path(), "b.h");
    REQUIRE(write_file(path, "int b;\n"));
    set_mtime(path, kLongAgo);
    FileStore store(a_minute_later);
    auto before = store.entry(path);
    REQUIRE(before);

    SUBCASE("in place, other size and mtime") {
        REQUIRE(write_file(path, "int b2;\n"));
        set_mtime(path, kLongAgo + 1);
        auto after = store.entry(path);
        REQUIRE(after);
        CHECK(after->hash == hash_hex("int b2;\n"));
    }
    SUBCASE("replaced by rename: same size and mtime, new inode") {
        REQUIRE(write_file_atomic(path, "int c;\n"));
        set_mtime(path, kLongAgo);
        auto after = store.entry(path);
        REQUIRE(after);
        CHECK(after->hash == hash_hex("int c;\n"));
    }
    SUBCASE("in place, same size, mtime moved by a nanosecond") {
        REQUIRE(write_file(path, "int x;\n"));
        timespec times[2] = {{kLongAgo, 1}, {kLongAgo, 1}};
        REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
        auto after = store.entry(path);
        REQUIRE(after);
        CHECK(after->hash == hash_hex("int x;\n"));
    }
    CHECK(store.hashes_computed() == 2);
}

TEST_CASE("a file written just now is not trusted to the cache") {
    auto dir = TempDir::create("/tmp", "ferry-coord-test");
    REQUIRE(dir);
    std::string path = join_path(dir->path(), "racy.h");
    REQUIRE(write_file(path, "1\n"));
    FileStore store;
    REQUIRE(store.entry(path));
    // Same size, and the mtime may not have moved within the timestamp granularity.
    REQUIRE(write_file(path, "2\n"));
    auto after = store.entry(path);
    REQUIRE(after);
    CHECK(after->hash == hash_hex("2\n"));
    CHECK(store.cached() == 0);
}

TEST_CASE("unreadable files and changed blobs mean compile locally") {
    auto dir = TempDir::create("/tmp", "ferry-coord-test");
    REQUIRE(dir);
    FileStore store;
    auto missing = store.entry(join_path(dir->path(), "missing.h"));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Errc::compile_locally);
    auto not_regular = store.entry(dir->path());
    REQUIRE_FALSE(not_regular);
    CHECK(not_regular.error().code == Errc::compile_locally);

    std::string path = join_path(dir->path(), "c.h");
    REQUIRE(write_file(path, "old\n"));
    auto entry = store.entry(path);
    REQUIRE(entry);
    auto blob = store.blob(path, entry->hash);
    REQUIRE(blob);
    CHECK(*blob == "old\n");
    REQUIRE(write_file(path, "new\n"));
    auto changed = store.blob(path, entry->hash);
    REQUIRE_FALSE(changed);
    CHECK(changed.error().code == Errc::compile_locally);
}

TEST_CASE("a stat the caller took, with the store's clock, stands for the store's own") {
    auto dir = TempDir::create("/tmp", "ferry-coord-test");
    REQUIRE(dir);
    std::string path = join_path(dir->path(), "s.h");
    REQUIRE(write_file(path, "int a;\n"));
    set_mtime(path, kLongAgo);
    FileStore store(a_minute_later);
    CHECK(store.clock()() > realtime_ns() + int64_t(30) * 1000 * 1000 * 1000);
    auto seen = stat_snapshot(path, store.clock()());
    REQUIRE(seen);

    // The file changes after the snapshot: the entry says what the snapshot saw and hashes
    // what it reads (a later stat sees another stamp: util/stat_cache.hpp).
    REQUIRE(write_file(path, "int a2;\n"));
    set_mtime(path, kLongAgo + 1);
    auto taken = store.entry(path, false, nullptr, &*seen);
    REQUIRE(taken);
    CHECK(taken->size == 7);
    CHECK(taken->hash == hash_hex("int a2;\n"));
    auto own = store.entry(path);
    REQUIRE(own);
    CHECK(own->size == 8);
    CHECK(own->hash == hash_hex("int a2;\n"));
    CHECK(store.hashes_computed() == 2);

    // What the snapshot says decides: a directory's is refused as the path's.
    auto dir_seen = stat_snapshot(dir->path(), store.clock()());
    REQUIRE(dir_seen);
    auto refused = store.entry(path, false, nullptr, &*dir_seen);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::compile_locally);
}
