#include "coordinator/compiler_ids.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

using namespace ferry;
using namespace ferry::coordinator;

TEST_CASE("compiler identities are probed once per binary version") {
    auto dir = TempDir::create("/tmp", "ferry-coord-test");
    REQUIRE(dir);
    std::string path = join_path(dir->path(), "gcc-12");
    REQUIRE(write_file(path, "binary v1", 0755));
    int calls = 0;
    CompilerIds ids(
        [&](const std::string& p, const std::string& name) -> Result<compiler::Identity> {
            ++calls;
            compiler::Identity id;
            id.path = p;
            id.name = name;
            id.id = fmt::format("{:032x}", calls);
            return id;
        },
        // A minute ahead: the binary was just written, and a stamp younger than the racy
        // window is never trusted (util/stat_cache.hpp).
        [] { return realtime_ns() + int64_t(60) * 1000 * 1000 * 1000; });
    auto first = ids.identity(path);
    REQUIRE(first);
    CHECK(first->name == "gcc-12");
    auto again = ids.identity(path);
    REQUIRE(again);
    CHECK(again->id == first->id);
    CHECK(calls == 1);
    // An upgrade: new size and mtime.
    REQUIRE(write_file(path, "binary version 2", 0755));
    timespec times[2] = {{1700000000, 0}, {1700000000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
    auto upgraded = ids.identity(path);
    REQUIRE(upgraded);
    CHECK(upgraded->id != first->id);
    CHECK(calls == 2);
}

TEST_CASE("a compiler that cannot be probed means compile locally") {
    CompilerIds ids([](const std::string&, const std::string&) -> Result<compiler::Identity> {
        return make_error(Errc::io, "exec failed");
    });
    auto missing = ids.identity("/nonexistent/gcc");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Errc::compile_locally);
    auto broken = ids.identity("/bin/sh");
    REQUIRE_FALSE(broken);
    CHECK(broken.error().code == Errc::compile_locally);
    CHECK(broken.error().message == "exec failed");
}
