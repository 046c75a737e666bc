#include "client/speculation.hpp"
#include "tests/unit/ipc/samples.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::client;

TEST_CASE("speculation key: one unit, one key; any difference, another") {
    const std::vector<std::string> args = {"-O2", "-c", "a.c", "-o", "a.o"};
    const std::string key = speculation_key("/usr/bin/gcc", "gcc", "/src", args);
    CHECK(is_hash_hex(key));
    CHECK(key == speculation_key("/usr/bin/gcc", "gcc", "/src", args));
    CHECK(key != speculation_key("/usr/bin/clang", "gcc", "/src", args));
    CHECK(key != speculation_key("/usr/bin/gcc", "cc", "/src", args));
    CHECK(key != speculation_key("/usr/bin/gcc", "gcc", "/src2", args));
    CHECK(key != speculation_key("/usr/bin/gcc", "gcc", "/src", {"-O2", "-c", "a.c", "-o", "b.o"}));
    // Boundaries count: moving bytes between arguments or fields changes the key.
    CHECK(speculation_key("/x", "gcc", "/src", {"-DA", "B"}) !=
          speculation_key("/x", "gcc", "/src", {"-DAB"}));
    CHECK(speculation_key("/x", "gcc", "/src", {"a", ""}) !=
          speculation_key("/x", "gcc", "/src", {"a"}));
    CHECK(speculation_key("/x", "gcc", "/sr", {"c"}) != speculation_key("/x", "gcc", "/src", {}));
}

TEST_CASE("same_request: only the speculative flag may differ") {
    proto::IpcCompile spec = proto::samples::ipc_compile();
    spec.speculative = true;
    proto::IpcCompile confirmed = spec;
    confirmed.speculative = false;
    CHECK(same_request(spec, confirmed));

    auto differs = [&](auto&& change) {
        proto::IpcCompile other = confirmed;
        change(other);
        return !same_request(spec, other);
    };
    CHECK(differs([](proto::IpcCompile& r) { r.files.push_back("/usr/include/extra.h"); }));
    CHECK(differs([](proto::IpcCompile& r) { r.files.pop_back(); }));
    CHECK(differs([](proto::IpcCompile& r) { std::swap(r.files[0], r.files[1]); }));
    CHECK(differs([](proto::IpcCompile& r) { r.system_include_dirs.clear(); }));
    CHECK(differs([](proto::IpcCompile& r) { r.env.push_back({"SOURCE_DATE_EPOCH", "1"}); }));
    CHECK(differs([](proto::IpcCompile& r) { r.color_diagnostics = !r.color_diagnostics; }));
    CHECK(differs([](proto::IpcCompile& r) { r.args.push_back("-DX"); }));
}
