#include "remote/runner/file_cache.hpp"
#include "remote/runner/installed_reuse.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;

namespace {

struct Fixture {
    TempDir tmp = std::move(*TempDir::create("/tmp", "ferry-reuse-test-"));
    std::string installed = tmp.path() + "/usr/lib/cc1";
    std::string cache_dir = tmp.path() + "/cache";
    std::string content = "the installed compiler";
    Fixture() {
        REQUIRE(make_dirs(tmp.path() + "/usr/lib"));
        REQUIRE(write_file_atomic(installed, content, 0755));
    }
    ReuseCandidate candidate() const {
        return ReuseCandidate{hash_hex(content), installed, content.size(), 1234567890123456789};
    }
};

} // namespace

TEST_CASE(
    "an installed file with the shipped content becomes a cache entry with the client's mtime") {
    Fixture f;
    auto cache = FileCache::open(f.cache_dir, 1 << 20);
    REQUIRE(cache);
    auto stored = reuse_installed(f.cache_dir, f.candidate());
    REQUIRE(stored);
    CHECK(*stored == f.cache_dir + "/" + hash_hex(f.content));
    CHECK(*read_file(*stored) == f.content);
    struct stat st {};
    REQUIRE(::stat(stored->c_str(), &st) == 0);
    CHECK((st.st_mode & 0222) == 0);
    CHECK(int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec == 1234567890123456789);
    // A copy, not a link: the entry's mode and mtime are the cache's, the system file's stay.
    struct stat orig {};
    REQUIRE(::stat(f.installed.c_str(), &orig) == 0);
    CHECK(orig.st_ino != st.st_ino);
    // Stored, not yet indexed: the loop adopts it.
    CHECK_FALSE(cache->lookup(hash_hex(f.content)));
    cache->adopt(hash_hex(f.content), f.content.size());
    CHECK(cache->lookup(hash_hex(f.content)) == *stored);
    CHECK(cache->size_bytes() == f.content.size());
}

TEST_CASE(
    "an installed file that differs in content or size, or is no regular file, is not taken") {
    Fixture f;
    SUBCASE("same size, other content") {
        ReuseCandidate c = f.candidate();
        c.hash = hash_hex(std::string(f.content.size(), 'x'));
        CHECK(reuse_installed(f.cache_dir, c).error().code == Errc::not_found);
    }
    SUBCASE("another size") {
        ReuseCandidate c = f.candidate();
        c.size += 1;
        CHECK(reuse_installed(f.cache_dir, c).error().code == Errc::not_found);
    }
    SUBCASE("a symbolic link to the right content") {
        ReuseCandidate c = f.candidate();
        c.path = f.tmp.path() + "/link";
        REQUIRE(::symlink(f.installed.c_str(), c.path.c_str()) == 0);
        CHECK(reuse_installed(f.cache_dir, c).error().code == Errc::not_found);
    }
    SUBCASE("a relative path, a missing file, a directory") {
        for (std::string path :
             {std::string("usr/lib/cc1"), f.tmp.path() + "/nothing", f.tmp.path() + "/usr/lib"}) {
            ReuseCandidate c = f.candidate();
            c.path = path;
            CHECK(reuse_installed(f.cache_dir, c).error().code == Errc::not_found);
        }
    }
    // Nothing was stored for any of them.
    auto cache = FileCache::open(f.cache_dir, 1 << 20);
    REQUIRE(cache);
    CHECK(cache->entries() == 0);
}
