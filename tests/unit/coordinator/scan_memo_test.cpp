#include "coordinator/scan_memo.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

proto::IpcCompile request_for(const std::string& unit, size_t headers = 1) {
    proto::IpcCompile r;
    r.compiler_path = "/usr/bin/gcc";
    r.cwd = "/src";
    r.args = {"-c", unit + ".c", "-o", unit + ".o"};
    for (size_t i = 0; i < headers; ++i)
        r.files.push_back("/src/include/header" + std::to_string(i) + ".h");
    r.memo_key = "key-" + unit;
    return r;
}

size_t cost(const proto::IpcCompile& r) {
    return r.memo_key.size() + proto::encode(r).size();
}

} // namespace

TEST_CASE("scan memo: what was put comes back, replaced by a later put") {
    ScanMemo memo(1 << 20);
    CHECK(!memo.get("key-a"));
    auto a = request_for("a", 3);
    memo.put("key-a", a);
    auto back = memo.get("key-a");
    REQUIRE(back);
    CHECK(*back == a);

    auto a2 = request_for("a", 5);
    memo.put("key-a", a2);
    CHECK(memo.size() == 1);
    CHECK(*memo.get("key-a") == a2);
    CHECK(memo.bytes() == cost(a2));
}

TEST_CASE("scan memo: the least recently used entry goes first when over budget") {
    const auto a = request_for("a", 10), b = request_for("b", 10), c = request_for("c", 10);
    // Room for two of them, not three.
    ScanMemo memo(cost(a) + cost(b) + cost(c) / 2);
    memo.put("key-a", a);
    memo.put("key-b", b);
    CHECK(memo.get("key-a")); // a is now more recent than b
    memo.put("key-c", c);
    CHECK(memo.size() == 2);
    CHECK(memo.get("key-a"));
    CHECK(!memo.get("key-b"));
    CHECK(memo.get("key-c"));
    CHECK(memo.bytes() <= cost(a) + cost(b) + cost(c) / 2);
}

TEST_CASE("scan memo: a request bigger than the whole budget is not kept") {
    const auto small = request_for("s", 1), huge = request_for("h", 1000);
    ScanMemo memo(cost(small) * 3);
    memo.put("key-s", small);
    memo.put("key-h", huge);
    CHECK(!memo.get("key-h"));
    CHECK(memo.get("key-s"));
    CHECK(memo.bytes() == cost(small));
}
