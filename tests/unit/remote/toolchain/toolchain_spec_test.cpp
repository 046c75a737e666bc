#include "remote/toolchain/toolchain_spec.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using ferry::compiler::Identity;
using ferry::remote::toolchain_spec;

namespace {

// A gcc toolchain as a probe finds it: the driver, both front ends, the assembler, a library.
Identity gcc_identity(const std::string& program = "/usr/bin/x86_64-linux-gnu-gcc-12") {
    Identity id;
    id.toolchain.program = program;
    id.toolchain.path_env = "/usr/bin";
    id.toolchain.links.push_back({"/usr/bin/gcc", "x86_64-linux-gnu-gcc-12"});
    const std::string lib = "/usr/lib/gcc/x86_64-linux-gnu/12/";
    for (const std::string& path :
         {program, lib + "cc1", lib + "cc1plus", std::string("/usr/bin/x86_64-linux-gnu-as"),
          std::string("/usr/lib/x86_64-linux-gnu/libisl.so.23")})
        id.toolchain_files.push_back({path, "h-" + path, path.size(), 7});
    return id;
}

std::vector<std::string> paths(const ferry::proto::ToolchainSpec& spec) {
    std::vector<std::string> out;
    for (const auto& f : spec.files)
        out.push_back(f.path);
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& suffix) {
    return std::any_of(v.begin(), v.end(),
                       [&](const std::string& p) { return p.ends_with(suffix); });
}

} // namespace

TEST_CASE("a job ships the front end its language runs, and the rest of the toolchain") {
    const Identity id = gcc_identity();
    const auto whole = toolchain_spec(id);
    CHECK(whole.files.size() == 5);
    CHECK(has(paths(whole), "/cc1"));
    CHECK(has(paths(whole), "/cc1plus"));

    const auto c = toolchain_spec(id, "c");
    CHECK(c.files.size() == 4);
    CHECK(has(paths(c), "/cc1"));
    CHECK_FALSE(has(paths(c), "/cc1plus"));

    const auto cxx = toolchain_spec(id, "c++");
    CHECK(cxx.files.size() == 4);
    CHECK_FALSE(has(paths(cxx), "/cc1"));
    CHECK(has(paths(cxx), "/cc1plus"));

    for (const auto* spec : {&c, &cxx}) {
        CHECK(spec->program == whole.program);
        CHECK(spec->path_env == whole.path_env);
        CHECK(spec->links == whole.links);
        CHECK(has(paths(*spec), "-as"));
        CHECK(has(paths(*spec), "libisl.so.23"));
        // Each file keeps its hash, size and mtime.
        for (const auto& f : spec->files) {
            auto same = std::find_if(whole.files.begin(), whole.files.end(),
                                     [&](const auto& w) { return w.path == f.path; });
            REQUIRE(same != whole.files.end());
            CHECK(*same == f);
        }
    }
}

TEST_CASE("an unknown language keeps both front ends; the program is never left out") {
    const Identity id = gcc_identity();
    for (const char* language : {"", "objective-c", "assembler", "C", "c++ "}) {
        INFO(language);
        CHECK(toolchain_spec(id, language).files.size() == 5);
    }
    // A driver that is itself called cc1 (a user's wrapper) still ships.
    const Identity odd = gcc_identity("/opt/bin/cc1");
    CHECK(has(paths(toolchain_spec(odd, "c++")), "/opt/bin/cc1"));
}
