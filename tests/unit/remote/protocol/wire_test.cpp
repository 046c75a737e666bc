#include "remote/protocol/wire.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::proto;
using namespace std::string_literals;

TEST_CASE("Writer/Reader round trip, little-endian") {
    Writer w;
    w.u8(0xab);
    w.u32(0x01020304);
    w.u64(0x1122334455667788ull);
    w.i32(-2);
    w.boolean(true);
    w.boolean(false);
    w.str("a\0b"s);
    w.strs({"x", "", "yz"});
    w.pairs({{"K", "V"}, {"", "\0"s}});
    const std::string bytes = w.take();
    CHECK(bytes.substr(1, 4) == "\x04\x03\x02\x01");
    CHECK(bytes.substr(5, 8) == "\x88\x77\x66\x55\x44\x33\x22\x11");
    CHECK(bytes.substr(13, 4) == "\xfe\xff\xff\xff");

    Reader r(bytes);
    CHECK(*r.u8() == 0xab);
    CHECK(*r.u32() == 0x01020304u);
    CHECK(*r.u64() == 0x1122334455667788ull);
    CHECK(*r.i32() == -2);
    CHECK(*r.boolean() == true);
    CHECK(*r.boolean() == false);
    CHECK(*r.str() == "a\0b"s);
    CHECK(*r.strs() == std::vector<std::string>{"x", "", "yz"});
    auto p = r.pairs();
    REQUIRE(p);
    REQUIRE(p->size() == 2);
    CHECK((*p)[1].second == "\0"s);
    CHECK(r.remaining() == 0);
    CHECK(r.finish());
}

TEST_CASE("every read is bounds-checked") {
    CHECK(!Reader("").u8());
    CHECK(!Reader("abc").u32());
    CHECK(!Reader("abcdefg").u64());
    // A string claiming more bytes than remain.
    Writer w;
    w.u32(10);
    std::string bytes = w.take() + "short";
    Reader r(bytes);
    auto s = r.str();
    REQUIRE(!s);
    CHECK(s.error().code == Errc::protocol);
    CHECK(s.error().message == "string of 10 bytes at offset 0, only 5 left");
}

TEST_CASE("booleans are 0 or 1") {
    CHECK(!Reader("\x02").boolean());
    CHECK(!Reader("\xff").boolean());
}

TEST_CASE("finish reports trailing bytes") {
    Reader r("xy");
    REQUIRE(r.u8());
    auto f = r.finish();
    REQUIRE(!f);
    CHECK(f.error().message == "1 trailing bytes after the message");
}

TEST_CASE("hostile counts fail before any reserve") {
    Writer w;
    w.u32(0xffffffffu);
    std::string bytes = w.take() + std::string(100, 'x');
    CHECK(!Reader(bytes).strs());
    CHECK(!Reader(bytes).pairs());
    CHECK(!Reader(bytes).count(1));
    // 25 elements of at least 4 bytes fit in 100 bytes, 26 do not.
    Writer a;
    a.u32(25);
    CHECK(Reader(a.take() + std::string(100, 'x')).count(4));
    Writer b;
    b.u32(26);
    CHECK(!Reader(b.take() + std::string(100, 'x')).count(4));
    // A zero element size still costs a byte per element.
    Writer c;
    c.u32(101);
    CHECK(!Reader(c.take() + std::string(100, 'x')).count(0));
    // Huge element sizes do not overflow the check.
    Writer d;
    d.u32(2);
    CHECK(!Reader(d.take() + std::string(100, 'x')).count(SIZE_MAX / 2 + 1));
}

TEST_CASE("lists are capped at kMaxListCount even when the bytes are there") {
    Writer w;
    w.u32(kMaxListCount + 1);
    std::string bytes = w.take() + std::string((size_t{kMaxListCount} + 1) * 4, '\0');
    auto r = Reader(bytes).strs();
    REQUIRE(!r);
    CHECK(r.error().message.find("exceeds the limit") != std::string::npos);

    Writer ok_w;
    ok_w.u32(kMaxListCount);
    std::string ok_bytes = ok_w.take() + std::string(size_t{kMaxListCount} * 4, '\0');
    auto ok_r = Reader(ok_bytes).strs();
    REQUIRE(ok_r);
    CHECK(ok_r->size() == kMaxListCount);
}
