#include "coordinator/cost_estimate.hpp"

#include <doctest/doctest.h>

using ferry::coordinator::cost_bytes;
using ferry::coordinator::CostEstimate;
using ferry::coordinator::InputBytes;
using ferry::coordinator::kHeaderDivisor;
using ferry::coordinator::kSourceDivisor;

TEST_CASE("cost bytes: the unit's own file at full weight, included sources and headers less") {
    InputBytes b;
    b.add("/src/test/gtest_unittest.cc", 262000, true);
    b.add("/src/include/gtest/gtest.h", 90000, false);
    b.add("/usr/include/c++/12/vector", 4000, false);
    b.add("/src/src/gtest.cc", 240000, false); // a source another one includes
    b.add("/src/src/gtest-port.cc", 48000, false);
    b.add("/src/src/inl.inc", 6000, false); // not a C or C++ extension: a header
    CHECK(b.main == 262000);
    CHECK(b.sources == 288000);
    CHECK(b.headers == 100000);
    CHECK(cost_bytes(b) == 262000 + 288000 / kSourceDivisor + 100000 / kHeaderDivisor);
    // A main file's extension does not matter: it is the unit.
    InputBytes odd;
    odd.add("/src/unit.h", 1000, true);
    CHECK(odd.main == 1000);
}

TEST_CASE("cost bytes: a long test unit outranks an amalgamation of more bytes") {
    // googletest (bench/cost_model): gtest_unittest.cc, 257 KB of its own, ~40 s of CPU;
    // gtest-all.cc, a page of #include "src/*.cc" (414 KB), ~10 s; both read ~5.7 MB of
    // headers. By all their bytes the amalgamation came first.
    InputBytes test, amalgamation;
    test.add("/g/test/gtest_unittest.cc", 262859, true);
    test.add("/g/include/all-headers.h", 5700000, false);
    amalgamation.add("/g/src/gtest-all.cc", 2201, true);
    amalgamation.add("/g/src/gtest.cc", 413595, false);
    amalgamation.add("/g/include/all-headers.h", 5723449, false);
    CHECK(cost_bytes(test) > 2 * cost_bytes(amalgamation));
    // ... and a unit that is mostly headers is cheap.
    InputBytes main_stub;
    main_stub.add("/g/src/gtest_main.cc", 1967, true);
    main_stub.add("/g/include/all-headers.h", 4769957, false);
    CHECK(cost_bytes(main_stub) < cost_bytes(amalgamation) / 2);
}

TEST_CASE("cost estimate: nothing before a unit of the compiler was learned") {
    CostEstimate e;
    CHECK_FALSE(e.estimate("gcc", 1000));
    // The first guess orders by size alone.
    CHECK(e.rank("gcc", 2048) > e.rank("gcc", 1024));
    CHECK(e.rank("gcc", 0) == 0);
}

TEST_CASE("cost estimate: the rate is per compiler, from the units learned") {
    CostEstimate e;
    e.learn("gcc", 100000, 1000); // 1 ms per 100 bytes
    e.learn("g++", 100000, 8000);
    CHECK(e.estimate("gcc", 300000) == 3000u);
    CHECK(e.estimate("g++", 300000) == 24000u);
    CHECK_FALSE(e.estimate("clang", 300000));
    CHECK_FALSE(e.estimate("gcc", 0)); // unknown size: no estimate
}

TEST_CASE("cost estimate: zero teaches nothing; the newest units weigh most") {
    CostEstimate e;
    e.learn("gcc", 0, 1000);
    e.learn("gcc", 1000, 0);
    CHECK_FALSE(e.estimate("gcc", 1000));
    e.learn("gcc", 100000, 1000);
    for (int i = 0; i < 200; ++i)
        e.learn("gcc", 100000, 3000);
    const auto ms = e.estimate("gcc", 100000);
    REQUIRE(ms);
    CHECK(*ms > 2950u);
    CHECK(*ms <= 3000u);
}

TEST_CASE("cost estimate: bounded, never zero") {
    CostEstimate e;
    e.learn("gcc", 1, CostEstimate::kMaxMs * 10ull);
    CHECK(e.estimate("gcc", 1000000) == CostEstimate::kMaxMs);
    CostEstimate f;
    f.learn("gcc", 1000000000, 1);
    CHECK(f.estimate("gcc", 1) == 1u);
}
