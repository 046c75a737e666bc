#include "coordinator/cost_estimate.hpp"

#include <doctest/doctest.h>

using ferry::coordinator::CostEstimate;

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
