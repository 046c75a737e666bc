#include "client/outputs.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <dirent.h>
#include <doctest/doctest.h>

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
