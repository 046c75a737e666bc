#include "remote/runner/file_cache.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;

TEST_CASE("the cache stores by hash and evicts the least recently used") {
    auto tmp = TempDir::create("/tmp", "ferry-cache-test-");
    REQUIRE(tmp);
    auto cache = FileCache::open(tmp->path() + "/c", 10);
    REQUIRE(cache);
    std::string a = hash_hex("aaaa"), b = hash_hex("bbbb"), c = hash_hex("cccc");
    auto pa = cache->insert(a, "aaaa", 0);
    REQUIRE(pa);
    CHECK(*read_file(*pa) == "aaaa");
    struct stat st {};
    REQUIRE(::stat(pa->c_str(), &st) == 0);
    CHECK((st.st_mode & 0222) == 0); // read-only
    REQUIRE(cache->insert(b, "bbbb", 0));
    CHECK(cache->lookup(a)); // a is now the most recent
    REQUIRE(cache->insert(c, "cccc", 0));
    cache->trim();
    CHECK(cache->size_bytes() <= 10);
    CHECK(cache->lookup(a));
    CHECK_FALSE(cache->lookup(b));
    CHECK(cache->lookup(c));
    CHECK(::access((tmp->path() + "/c/" + b).c_str(), F_OK) != 0);

    SUBCASE("a linked file survives eviction") {
        std::string linked = tmp->path() + "/linked";
        REQUIRE(::link(cache->lookup(a)->c_str(), linked.c_str()) == 0);
        cache->clear();
        CHECK(cache->entries() == 0);
        CHECK(*read_file(linked) == "aaaa");
    }
    SUBCASE("a second ferryd cannot share the directory") {
        CHECK_FALSE(FileCache::open(tmp->path() + "/c", 10));
    }
}

TEST_CASE("a reopened cache knows its entries and drops stray temporaries") {
    auto tmp = TempDir::create("/tmp", "ferry-cache-test-");
    REQUIRE(tmp);
    std::string h = hash_hex("data");
    {
        auto cache = FileCache::open(tmp->path(), 1 << 20);
        REQUIRE(cache);
        REQUIRE(cache->insert(h, "data", 0));
    }
    REQUIRE(write_file(tmp->path() + "/" + h + ".ferry-tmp-abc", "partial"));
    auto again = FileCache::open(tmp->path(), 1 << 20);
    REQUIRE(again);
    CHECK(again->entries() == 1);
    CHECK(again->size_bytes() == 4);
    CHECK(again->lookup(h));
    CHECK(::access((tmp->path() + "/" + h + ".ferry-tmp-abc").c_str(), F_OK) != 0);
}

TEST_CASE("a cache entry is stored with the client's mtime, and keeps it") {
    auto tmp = TempDir::create("/tmp", "ferry-cache-test-");
    REQUIRE(tmp);
    auto cache = FileCache::open(tmp->path(), 1 << 20);
    REQUIRE(cache);
    const int64_t mtime = 1234567890LL * 1000000000 + 123456789;
    std::string h = hash_hex("x");
    auto path = cache->insert(h, "x", mtime);
    REQUIRE(path);
    struct stat st {};
    REQUIRE(::stat(path->c_str(), &st) == 0);
    CHECK(st.st_mtim.tv_sec == 1234567890);
    CHECK(st.st_mtim.tv_nsec == 123456789);
    // Stored again with another client's mtime: jobs may have linked it, so it stays.
    REQUIRE(cache->insert(h, "x", 0));
    REQUIRE(::stat(path->c_str(), &st) == 0);
    CHECK(st.st_mtim.tv_sec == 1234567890);
}

TEST_CASE("indexed() answers from the index; lookup() notices an entry removed behind its back") {
    auto tmp = TempDir::create("/tmp", "ferry-cache-test-");
    REQUIRE(tmp);
    auto cache = FileCache::open(tmp->path() + "/c", 8);
    REQUIRE(cache);
    std::string a = hash_hex("aaaa"), b = hash_hex("bbbb"), c = hash_hex("cccc");
    auto pa = cache->insert(a, "aaaa", 0);
    REQUIRE(pa);
    REQUIRE(cache->insert(b, "bbbb", 0));
    CHECK(cache->indexed(a) == *pa);
    CHECK_FALSE(cache->indexed(c));
    // indexed() marks the entry used, as lookup() does: b goes first.
    REQUIRE(cache->insert(c, "cccc", 0));
    cache->trim();
    CHECK(cache->indexed(a));
    CHECK_FALSE(cache->indexed(b));
    CHECK(cache->indexed(c));

    // Removed behind the cache's back: indexed() still names it (the mirror's link fails and
    // the file is fetched), lookup() finds it gone and forgets it.
    REQUIRE(::unlink(pa->c_str()) == 0);
    CHECK(cache->indexed(a) == *pa);
    CHECK_FALSE(cache->lookup(a));
    CHECK_FALSE(cache->indexed(a));
    CHECK(cache->size_bytes() == 4); // c alone
    // Stored again, it is there for both.
    REQUIRE(cache->insert(a, "aaaa", 0));
    CHECK(cache->lookup(a));
    CHECK(read_file(*cache->indexed(a)));
}
