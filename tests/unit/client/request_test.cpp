#include "client/request.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

using ferry::client::forwarded_environment;
using ferry::client::logical_cwd;
using ferry::client::wants_color;

TEST_CASE("colour: a real terminal, unless the command line decides") {
    CHECK(wants_color(true, "xterm-256color", {"-c", "x.c"}));
    CHECK_FALSE(wants_color(false, "xterm", {}));
    CHECK_FALSE(wants_color(true, nullptr, {}));
    CHECK_FALSE(wants_color(true, "", {}));
    CHECK_FALSE(wants_color(true, "dumb", {}));
    CHECK_FALSE(wants_color(true, "xterm", {"-fdiagnostics-color=never"}));
    CHECK_FALSE(wants_color(true, "xterm", {"-fdiagnostics-color"}));
    CHECK_FALSE(wants_color(true, "xterm", {"-fno-diagnostics-color"}));
}

TEST_CASE("only the variables that change the compile travel, only when set") {
    auto env =
        forwarded_environment({"PATH=/bin", "LANG=de_DE.UTF-8", "LANGUAGE=de", "LC_ALL=", "LANGX=1",
                               "COLUMNS=80", "SOURCE_DATE_EPOCH=1700000000", "HOME=/root"});
    ferry::proto::EnvList expected = {{"LANG", "de_DE.UTF-8"},
                                      {"LC_ALL", ""},
                                      {"SOURCE_DATE_EPOCH", "1700000000"},
                                      {"COLUMNS", "80"}};
    CHECK(env == expected);
    CHECK(forwarded_environment({"PATH=/bin"}).empty());
}

TEST_CASE("the request carries the analysis, the file list and the driver") {
    ferry::compiler::Analysis analysis;
    analysis.remote = true;
    analysis.language = "c++";
    analysis.source = "src/a.cc";
    analysis.object = "a.o";
    analysis.outputs = {"a.o"};
    analysis.remote_args = {"-O2", "-c", "src/a.cc", "-o", "a.o"};
    ferry::compiler::ScanResult scan;
    scan.headers = {"src/a.h"};
    ferry::client::CompileInputs in;
    in.compiler_path = "/usr/bin/g++";
    in.compiler_name = "g++";
    in.cwd = "/w";
    in.env = {"LANG=C"};
    auto req = ferry::client::build_request(in, analysis, scan);
    CHECK(req.compiler_path == "/usr/bin/g++");
    CHECK(req.driver == "c++");
    CHECK(req.args == analysis.remote_args);
    CHECK(req.files == std::vector<std::string>{"/w/src/a.cc", "/w/src/a.h"});
    CHECK(req.outputs == analysis.outputs);
    CHECK(req.language == "c++");
    CHECK(req.env == ferry::proto::EnvList{{"LANG", "C"}});
    CHECK_FALSE(req.color_diagnostics);
}

TEST_CASE("logical_cwd: PWD travels when it names the working directory another way") {
    auto dir = ferry::TempDir::create("/tmp", "ferry-pwd-test");
    REQUIRE(dir);
    const std::string real = dir->path() + "/real";
    REQUIRE(ferry::make_dirs(real + "/src"));
    REQUIRE(ferry::make_dirs(dir->path() + "/other"));
    REQUIRE(::symlink("real", (dir->path() + "/link").c_str()) == 0);
    const std::string cwd = real + "/src";
    CHECK(logical_cwd({"PWD=" + dir->path() + "/link/src"}, cwd) == dir->path() + "/link/src");
    CHECK(logical_cwd({"PWD=" + cwd}, cwd).empty());                    // nothing to add
    CHECK(logical_cwd({"PWD=" + dir->path() + "/other"}, cwd).empty()); // stale: gcc ignores it
    CHECK(logical_cwd({"PWD=link/src"}, cwd).empty());                  // relative: ignored too
    CHECK(logical_cwd({}, cwd).empty());
}
