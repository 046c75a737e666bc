// Compiler names and identities, probed on the installed gcc and clang.
#include "compiler/args.hpp"
#include "compiler/identity.hpp"
#include "tests/unit/support/skip.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <chrono>
#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::compiler;

namespace {

bool executable(const char* path) {
    return access(path, X_OK) == 0;
}

const Identity* find(const std::vector<Identity>& ids, const std::string& name) {
    auto it =
        std::find_if(ids.begin(), ids.end(), [&](const Identity& i) { return i.name == name; });
    return it == ids.end() ? nullptr : &*it;
}

} // namespace

TEST_CASE("compiler names: family, driver, known") {
    CHECK(family_of("clang") == Family::clang);
    CHECK(family_of("clang++-14") == Family::clang);
    CHECK(family_of("x86_64-linux-gnu-clang") == Family::clang);
    CHECK(family_of("/usr/bin/clang-14.0") == Family::clang);
    CHECK(family_of("gcc") == Family::gcc);
    CHECK(family_of("c++") == Family::gcc);
    CHECK(family_of("icc") == Family::gcc);

    CHECK(driver_of("g++") == "c++");
    CHECK(driver_of("c++") == "c++");
    CHECK(driver_of("clang++") == "c++");
    CHECK(driver_of("x86_64-linux-gnu-g++-12") == "c++");
    CHECK(driver_of("/usr/bin/clang++-14") == "c++");
    CHECK(driver_of("gcc") == "c");
    CHECK(driver_of("cc") == "c");
    CHECK(driver_of("clang-14") == "c");

    for (const char* name : {"gcc", "g++", "cc", "c++", "clang", "clang++", "gcc-12", "g++-12",
                             "clang-14", "clang++-14", "clang-14.0", "x86_64-linux-gnu-gcc-12",
                             "x86_64-linux-gnu-g++", "arm-none-eabi-gcc", "/usr/bin/gcc"}) {
        CAPTURE(name);
        CHECK(is_known_compiler_name(name));
    }
    for (const char* name : {"icc", "gcc-", "gcc-x", "c89-gcc", "c99-gcc", "mygcc", "clang-cl",
                             "ccache", "", "-gcc", "gcc-12-", "x86_64-linux-gnu-", "clang++x"}) {
        CAPTURE(name);
        CHECK_FALSE(is_known_compiler_name(name));
    }
}

TEST_CASE("probe: gcc and clang identities") {
    if (ferry::test::skip_unless(executable("/usr/bin/gcc") && executable("/usr/bin/clang") &&
                                     executable("/usr/bin/clang++"),
                                 "needs /usr/bin/gcc, clang, clang++"))
        return;
    auto gcc1 = probe("/usr/bin/gcc", "gcc");
    auto gcc2 = probe("/usr/bin/gcc", "gcc");
    auto clang = probe("/usr/bin/clang", "clang");
    auto clangxx = probe("/usr/bin/clang++", "clang++");
    REQUIRE(gcc1);
    REQUIRE(gcc2);
    REQUIRE(clang);
    REQUIRE(clangxx);
    CHECK(is_hash_hex(gcc1->id));
    CHECK(gcc1->id.size() == 32);
    CHECK(gcc1->id == gcc2->id);
    CHECK(gcc1->id != clang->id);
    CHECK(gcc1->driver == "c");
    CHECK(gcc1->name == "gcc");
    CHECK(gcc1->path == "/usr/bin/gcc");
    CHECK(gcc1->target.find("linux") != std::string::npos);
    CHECK(gcc1->version.find("gcc") != std::string::npos);
    // clang and clang++ are one binary: same version and target, different driver and id.
    CHECK(clang->version == clangxx->version);
    CHECK(clang->target == clangxx->target);
    CHECK(clang->driver == "c");
    CHECK(clangxx->driver == "c++");
    CHECK(clang->id != clangxx->id);
    if (!ferry::test::skip_unless(executable("/usr/bin/g++"), "no /usr/bin/g++")) {
        auto gxx = probe("/usr/bin/g++", "g++");
        REQUIRE(gxx);
        CHECK(gxx->id != gcc1->id);
    }
}

TEST_CASE("probe: failures are errors") {
    CHECK_FALSE(probe("/nonexistent/gcc", "gcc"));
    CHECK_FALSE(probe("/bin/false", "gcc"));
}

TEST_CASE("probe_default_allowlist: PATH order, first name wins, quick") {
    if (ferry::test::skip_unless(executable("/usr/bin/gcc"), "no /usr/bin/gcc")) return;
    auto start = std::chrono::steady_clock::now();
    // /usr/bin twice and a missing directory: names from the first /usr/bin only.
    auto ids = probe_default_allowlist("/nonexistent:/usr/bin::/usr/bin");
    auto elapsed = std::chrono::steady_clock::now() - start;
    MESSAGE("allowlist probe: ", ids.size(), " compilers in ",
            std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), " ms");
    const Identity* gcc = find(ids, "gcc");
    REQUIRE(gcc);
    CHECK(gcc->path == "/usr/bin/gcc");
    CHECK(std::count_if(ids.begin(), ids.end(),
                        [](const Identity& i) { return i.name == "gcc"; }) == 1);
    for (const auto& id : ids) {
        CAPTURE(id.name);
        CHECK(is_known_compiler_name(id.name));
        CHECK(id.id.size() == 32);
    }
    CHECK_FALSE(find(ids, "c89-gcc"));
    if (!ferry::test::skip_unless(executable("/usr/bin/clang++-14"), "no /usr/bin/clang++-14")) {
        const Identity* a = find(ids, "clang++");
        const Identity* b = find(ids, "clang++-14");
        REQUIRE(a);
        REQUIRE(b);
        // One binary, so the same files; but a job runs the program by its own path (clang
        // picks its driver mode from the name), so the identities differ.
        CHECK(a->toolchain.files == b->toolchain.files);
        CHECK(a->id != b->id);
    }
}
