#include "client/compiler_resolve.hpp"
#include "tests/unit/support/skip.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

using ferry::client::resolve_compiler;
using ferry::client::self_executable;

namespace {

struct FakePath {
    ferry::TempDir tmp = std::move(*ferry::TempDir::create("/tmp", "ferry-client-test"));
    std::string masquerade = tmp.path() + "/masq";
    std::string real = tmp.path() + "/real";
    std::string self = self_executable();

    FakePath() {
        REQUIRE(!self.empty());
        REQUIRE(ferry::make_dirs(masquerade));
        REQUIRE(ferry::make_dirs(real));
        // The masquerade directory: gcc -> this very test binary, as gcc -> ferry would be.
        REQUIRE(::symlink(self.c_str(), (masquerade + "/gcc").c_str()) == 0);
    }
    void add_real_gcc() { REQUIRE(ferry::write_file(real + "/gcc", "#!/bin/sh\nexit 0\n", 0755)); }
    std::string path_env() const { return masquerade + ":" + real; }
};

} // namespace

TEST_CASE("resolution skips ferry itself and finds the real compiler later on PATH") {
    FakePath p;
    p.add_real_gcc();
    auto found = resolve_compiler("gcc", p.path_env(), p.self, "/");
    REQUIRE(found);
    CHECK(*found == p.real + "/gcc");
    CHECK(ferry::client::is_same_program(p.masquerade + "/gcc", p.self));
    CHECK_FALSE(ferry::client::is_same_program(p.real + "/gcc", p.self));
}

TEST_CASE("only ferry on PATH: not found, and the message says so") {
    FakePath p;
    auto found = resolve_compiler("gcc", p.path_env(), p.self, "/");
    REQUIRE_FALSE(found);
    CHECK(found.error().code == ferry::Errc::not_found);
    CHECK(found.error().message == "ferry: cannot find the real gcc on PATH (only ferry itself)");
}

TEST_CASE("a hard link to ferry is ferry too") {
    FakePath p;
    p.add_real_gcc();
    std::string linked = p.tmp.path() + "/hard/gcc";
    REQUIRE(ferry::make_dirs(p.tmp.path() + "/hard"));
    if (ferry::test::skip_unless(::link(p.self.c_str(), linked.c_str()) == 0,
                                 "cannot hard-link the test binary into /tmp"))
        return;
    auto found = resolve_compiler("gcc", p.tmp.path() + "/hard:" + p.real, p.self, "/");
    REQUIRE(found);
    CHECK(*found == p.real + "/gcc");
}

TEST_CASE("a compiler path is used as given, unless it is ferry") {
    FakePath p;
    p.add_real_gcc();
    auto direct = resolve_compiler(p.real + "/gcc", "", p.self, "/");
    REQUIRE(direct);
    CHECK(*direct == p.real + "/gcc");

    auto relative = resolve_compiler("real/gcc", "", p.self, p.tmp.path());
    REQUIRE(relative);
    CHECK(*relative == p.tmp.path() + "/real/gcc");

    // CMAKE_C_COMPILER naming the masquerade symlink: look the name up instead.
    auto through_self = resolve_compiler(p.masquerade + "/gcc", p.path_env(), p.self, "/");
    REQUIRE(through_self);
    CHECK(*through_self == p.real + "/gcc");
}

TEST_CASE("a real system compiler after the masquerade") {
    if (ferry::test::skip_unless(::access("/usr/bin/gcc", X_OK) == 0, "no /usr/bin/gcc")) return;
    FakePath p;
    auto found = resolve_compiler("gcc", p.masquerade + ":/usr/bin", p.self, "/");
    REQUIRE(found);
    CHECK(*found == "/usr/bin/gcc");
}
