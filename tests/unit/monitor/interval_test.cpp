#include "monitor/interval.hpp"

#include <doctest/doctest.h>

using ferry::monitor::parse_interval;

TEST_CASE("SECONDS takes whole and decimal numbers") {
    CHECK(*parse_interval("1") == doctest::Approx(1.0));
    CHECK(*parse_interval("0.5") == doctest::Approx(0.5));
    CHECK(*parse_interval("2.25") == doctest::Approx(2.25));
    CHECK(*parse_interval("0.1") == doctest::Approx(0.1));
}

TEST_CASE("SECONDS refuses garbage with a sentence") {
    for (const char* bad : {"", "abc", "-1", "0", "0.0", "1s", " 1", "1 ", "+1", "nan", "inf",
                            "1e3", "0x10", "0.01", "100000", "1,5", "99999999999999999999999"}) {
        CAPTURE(bad);
        auto r = parse_interval(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ferry::Errc::invalid);
        CHECK_FALSE(r.error().message.empty());
    }
}
