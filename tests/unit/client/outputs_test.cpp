#include "client/outputs.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <dirent.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using ferry::client::select_outputs;
using ferry::proto::OutputFile;

TEST_CASE("only expected outputs are kept; anything else is ignored") {
    std::vector<OutputFile> outputs = {{"x.o", "object"},
                                       {"/etc/passwd", "root::0:0"},
                                       {"x.dwo", "dwarf"},
                                       {"x.o", "second copy"},
                                       {"../x.o", "climbing"}};
    auto sel = select_outputs(outputs, {"x.o", "x.dwo"});
    REQUIRE(sel.accepted.size() == 2);
    CHECK(sel.accepted[0]->path == "x.o");
    CHECK(sel.accepted[0]->data == "object");
    CHECK(sel.accepted[1]->path == "x.dwo");
    CHECK(sel.ignored == std::vector<std::string>{"/etc/passwd", "x.o", "../x.o"});
    CHECK(ferry::client::has_output(sel, "x.dwo"));
    CHECK_FALSE(ferry::client::has_output(sel, "/etc/passwd"));
}

TEST_CASE("accepted outputs are written whole, with no temporary left behind") {
    auto tmp = ferry::TempDir::create("/tmp", "ferry-client-out");
    REQUIRE(tmp);
    std::string obj = tmp->path() + "/x.o";
    REQUIRE(ferry::write_file(obj, "stale"));
    std::vector<OutputFile> outputs = {{obj, std::string("\0ELF\x01", 5)},
                                       {tmp->path() + "/evil", "nope"}};
    auto sel = select_outputs(outputs, {obj});
    REQUIRE(ferry::client::write_outputs(sel));
    auto data = ferry::read_file(obj);
    REQUIRE(data);
    CHECK(*data == std::string("\0ELF\x01", 5));
    CHECK_FALSE(ferry::read_file(tmp->path() + "/evil"));

    int entries = 0;
    DIR* dir = ::opendir(tmp->path().c_str());
    REQUIRE(dir != nullptr);
    while (auto* e = ::readdir(dir))
        if (e->d_name[0] != '.') ++entries;
    ::closedir(dir);
    CHECK(entries == 1);
}

TEST_CASE("a failed write is an error") {
    std::vector<OutputFile> outputs = {{"/nonexistent-dir/x.o", "data"}};
    auto sel = select_outputs(outputs, {"/nonexistent-dir/x.o"});
    CHECK_FALSE(ferry::client::write_outputs(sel));
}

TEST_CASE("only a missing path, a regular file or a symlink to one may be replaced") {
    auto tmp = ferry::TempDir::create("/tmp", "ferry-client-special");
    REQUIRE(tmp);
    const std::string d = tmp->path();
    REQUIRE(ferry::write_file(d + "/file.o", "x"));
    REQUIRE(::symlink("file.o", (d + "/link.o").c_str()) == 0);
    REQUIRE(::symlink("missing.o", (d + "/dangling.o").c_str()) == 0);
    REQUIRE(::mkfifo((d + "/fifo").c_str(), 0600) == 0);
    REQUIRE(::mkdir((d + "/dir.o").c_str(), 0700) == 0);
    REQUIRE(::symlink("/dev/null", (d + "/null-link").c_str()) == 0);

    using ferry::client::unreplaceable_output;
    CHECK_FALSE(unreplaceable_output(d + "/none.o"));
    CHECK_FALSE(unreplaceable_output(d + "/file.o"));
    CHECK_FALSE(unreplaceable_output(d + "/link.o"));
    CHECK(unreplaceable_output(d + "/dangling.o"));
    CHECK(unreplaceable_output(d + "/fifo"));
    CHECK(unreplaceable_output(d + "/dir.o"));
    CHECK(unreplaceable_output(d + "/null-link"));
    auto why = unreplaceable_output("/dev/null");
    REQUIRE(why);
    CHECK(why->find("character device") != std::string::npos);
    CHECK(ferry::client::first_unreplaceable_output({d + "/file.o", "/dev/null"}) == why);
}

TEST_CASE("the writer never renames over a device, a fifo or through a dangling symlink") {
    auto tmp = ferry::TempDir::create("/tmp", "ferry-client-special");
    REQUIRE(tmp);
    const std::string fifo = tmp->path() + "/fifo";
    const std::string dangling = tmp->path() + "/dangling.o";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    REQUIRE(::symlink("missing.o", dangling.c_str()) == 0);
    for (const auto& path : {fifo, dangling, std::string("/dev/null")}) {
        std::vector<OutputFile> outputs = {{path, "object"}};
        auto written = ferry::client::write_outputs(select_outputs(outputs, {path}));
        REQUIRE_FALSE(written);
        CHECK(written.error().code == ferry::Errc::compile_locally);
    }
    struct stat st {};
    REQUIRE(::lstat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    REQUIRE(::lstat(dangling.c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("a symlink to a regular file is replaced, its target left alone (as gcc and clang do)") {
    auto tmp = ferry::TempDir::create("/tmp", "ferry-client-special");
    REQUIRE(tmp);
    const std::string target = tmp->path() + "/real.o", link = tmp->path() + "/link.o";
    REQUIRE(ferry::write_file(target, "stale"));
    REQUIRE(::symlink("real.o", link.c_str()) == 0);
    std::vector<OutputFile> outputs = {{link, "object"}};
    REQUIRE(ferry::client::write_outputs(select_outputs(outputs, {link})));
    struct stat st {};
    REQUIRE(::lstat(link.c_str(), &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(ferry::read_file(link).value() == "object");
    CHECK(ferry::read_file(target).value() == "stale");
}
