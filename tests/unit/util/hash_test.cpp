// The expected digests were computed with xxhsum -H2 (xxHash 0.8.1, Debian's `xxhash`
// package), an implementation independent of ours: `printf 'ferry' | xxhsum -H2`. A digest
// that changes is a new identity for every shipped file and compiler (runner caches, the
// coordinator's memories), so these stay fixed.
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry;

TEST_CASE("hash_hex is XXH3-128, high half first, as xxhsum -H2 prints it") {
    CHECK(hash_hex("") == "99aa06d3014798d86001c324468d497f");
    CHECK(hash_hex("ferry") == "85ca3a0dfcfe59849331f43fcdbd2eb8");
    CHECK(hash_hex("The quick brown fox jumps over the lazy dog") ==
          "ddd650205ca3e7fa24a1cc2e3a8a7651");
}

TEST_CASE("a Hasher fed in pieces gives the digest of the whole") {
    Hasher h;
    CHECK(h.hex_digest() == hash_hex(""));
    h.update("fe");
    h.update("");
    h.update("rry");
    CHECK(h.hex_digest() == "85ca3a0dfcfe59849331f43fcdbd2eb8");
    CHECK(h.hex_digest() == h.hex_digest()); // reading the digest does not end the hash
    h.update(" and more");
    CHECK(h.hex_digest() == hash_hex("ferry and more"));
}

TEST_CASE("hash_file_hex reads files larger than its buffer; a missing file is an error") {
    auto dir = TempDir::create("/tmp", "ferry-hash-");
    REQUIRE(dir);
    // 200000 bytes: more than one 64 KiB read. `head -c 200000 /dev/zero | tr '\0' a | xxhsum -H2`
    const std::string big(200000, 'a');
    const std::string path = dir->path() + "/big";
    REQUIRE(write_file(path, big));
    auto digest = hash_file_hex(path);
    REQUIRE(digest);
    CHECK(*digest == "62877c42deec445efe6260b94654c0f4");
    CHECK(*digest == hash_hex(big));

    auto missing = hash_file_hex(dir->path() + "/absent");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Errc::not_found);
    CHECK(missing.error().message.find(dir->path() + "/absent") != std::string::npos);
}

TEST_CASE("is_hash_hex takes exactly what hash_hex makes") {
    CHECK(is_hash_hex(hash_hex("x")));
    CHECK(is_hash_hex("0123456789abcdef0123456789abcdef"));
    CHECK_FALSE(is_hash_hex("0123456789ABCDEF0123456789abcdef")); // upper case
    CHECK_FALSE(is_hash_hex("0123456789abcdef0123456789abcde"));  // 31 digits
    CHECK_FALSE(is_hash_hex("0123456789abcdef0123456789abcdef0"));
    CHECK_FALSE(is_hash_hex("0123456789abcdef0123456789abcdeg"));
    CHECK_FALSE(is_hash_hex("../../etc/passwd"));
    CHECK_FALSE(is_hash_hex(""));
}
