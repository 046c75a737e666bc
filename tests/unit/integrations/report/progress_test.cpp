#include "integrations/report/progress.hpp"
#include "util/fd.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry::integrations::report;

TEST_CASE("progress text") {
    CHECK(progress_text({37, 6, 12}) == "ferry: 37 done, 6 running, 12 queued");
}

TEST_CASE("the title is pushed, set once per change, and popped; disabled writes nothing") {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    ferry::Fd r(p[0]), w(p[1]);
    {
        TitleProgress t(w.get(), true);
        t.show({1, 2, 3});
        t.show({1, 2, 3});
        t.show({2, 1, 3});
    }
    {
        TitleProgress off(w.get(), false);
        off.show({9, 9, 9});
    }
    w.reset();
    char buf[512];
    ssize_t n = ::read(r.get(), buf, sizeof buf);
    REQUIRE(n > 0);
    std::string got(buf, size_t(n));
    CHECK(got == "\033[22;2t\033]2;ferry: 1 done, 2 running, 3 queued\007"
                 "\033]2;ferry: 2 done, 1 running, 3 queued\007\033[23;2t");
    CHECK_FALSE(terminal_wants_progress(r.get()));
}
