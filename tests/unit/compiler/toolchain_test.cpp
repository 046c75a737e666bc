#include "compiler/identity.hpp"
#include "compiler/toolchain.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry::compiler;

namespace {

bool has_file(const ToolchainLayout& t, const std::string& suffix) {
    return std::any_of(t.files.begin(), t.files.end(), [&](const std::string& f) {
        return f.size() >= suffix.size() &&
               f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
}

bool has_link(const ToolchainLayout& t, const std::string& path) {
    return std::any_of(t.links.begin(), t.links.end(),
                       [&](const ferry::SymlinkSeen& l) { return l.path == path; });
}

} // namespace

TEST_CASE("parse_loader_trace: libraries and the interpreter, not the vDSO") {
    auto objects = parse_loader_trace("\tlinux-vdso.so.1 (0x00007ffd)\n"
                                      "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x7f)\n"
                                      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x7f)\n"
                                      "\t/lib64/ld-linux-x86-64.so.2 (0x7f)\n"
                                      "\tlibgone.so => not found\n");
    CHECK(objects == std::vector<std::string>{"/lib/x86_64-linux-gnu/libz.so.1",
                                              "/lib/x86_64-linux-gnu/libc.so.6",
                                              "/lib64/ld-linux-x86-64.so.2"});
}

// CI installs gcc and clang (scripts/install-deps.sh): these are not optional.
TEST_CASE("discover_toolchain: gcc is its driver, cc1, cc1plus, as, objcopy, loader and libs") {
    REQUIRE(::access("/usr/bin/gcc", X_OK) == 0);
    auto gcc = discover_toolchain("/usr/bin/gcc", true, "/usr/local/bin:/usr/bin:/bin");
    REQUIRE(gcc);
    CHECK(gcc->program == "/usr/bin/gcc");
    CHECK(has_file(*gcc, "/cc1"));
    CHECK(has_file(*gcc, "/cc1plus"));
    CHECK(has_file(*gcc, "-as"));
    CHECK(has_file(*gcc, "-objcopy"));
    CHECK(has_file(*gcc, "/libc.so.6"));
    CHECK(has_file(*gcc, "/ld-linux-x86-64.so.2"));
    CHECK(has_link(*gcc, "/usr/bin/gcc")); // Debian: gcc -> gcc-12 -> x86_64-linux-gnu-gcc-12
    CHECK(std::is_sorted(gcc->files.begin(), gcc->files.end()));
    for (const auto& file : gcc->files) {
        CAPTURE(file);
        CHECK(file[0] == '/');
        CHECK(file.find("/../") == std::string::npos);
    }
}

TEST_CASE("discover_toolchain: clang brings the crtbegin.o that selects its libstdc++") {
    REQUIRE(::access("/usr/bin/clang++", X_OK) == 0);
    auto clang = discover_toolchain("/usr/bin/clang++", false, "/usr/bin:/bin");
    REQUIRE(clang);
    CHECK(has_file(*clang, "/crtbegin.o"));
    CHECK(has_file(*clang, "/libc.so.6"));
    CHECK_FALSE(has_file(*clang, "/cc1"));
}

TEST_CASE("discover_toolchain: a program that is not a compiler's is local") {
    auto missing = discover_toolchain("/nonexistent/gcc", true, "/usr/bin");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ferry::Errc::compile_locally);
}

TEST_CASE("identity: the id covers the toolchain's contents") {
    REQUIRE(::access("/usr/bin/gcc", X_OK) == 0);
    auto a = probe("/usr/bin/gcc", "gcc", "/usr/bin:/bin");
    auto b = probe("/usr/bin/gcc", "gcc", "/usr/bin:/bin");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->id == b->id);
    REQUIRE(a->toolchain_files.size() == a->toolchain.files.size());
    for (size_t i = 0; i < a->toolchain_files.size(); ++i) {
        CHECK(a->toolchain_files[i].path == a->toolchain.files[i]);
        CHECK(a->toolchain_files[i].hash.size() == 32);
    }
    // Another PATH is another toolchain: the driver may find another `as`.
    auto c = probe("/usr/bin/gcc", "gcc", "/usr/local/bin:/usr/bin:/bin");
    REQUIRE(c);
    CHECK(c->id != a->id);
}
