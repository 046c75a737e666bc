// include_analysis = "on" with dependency options: when the runner's depfile may replace the
// user's by a rename (the compiler writes it in place), and what the runner is sent.
#include "client/remote_depfile.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::client;

TEST_CASE("remote depfile: a new file or a plain one keeps no scan; links and modes do") {
    auto made = TempDir::create("/tmp", "ferry-remote-depfile-test-");
    REQUIRE(made);
    const std::string dir = made->path();
    auto analysis = [&](const std::string& depfile) {
        auto a = compiler::analyse("gcc", {"-MD", "-MF", dir + "/" + depfile, "-c", "a.c"});
        REQUIRE(a.remote);
        return a;
    };
    const unsigned umask = 022;
    CHECK_FALSE(depfile_keeps_scan(analysis("new.d"), umask));
    REQUIRE(write_file(dir + "/plain.d", "x.o: a.c\n", 0644));
    REQUIRE(::chmod((dir + "/plain.d").c_str(), 0644) == 0);
    CHECK_FALSE(depfile_keeps_scan(analysis("plain.d"), umask));
    // The compiler keeps an existing file's mode; a rename would give it 0644.
    REQUIRE(::chmod((dir + "/plain.d").c_str(), 0600) == 0);
    CHECK(depfile_keeps_scan(analysis("plain.d"), umask) ==
          std::optional<std::string>("the dependency file is a link or has its own mode"));
    REQUIRE(::chmod((dir + "/plain.d").c_str(), 0644) == 0);
    // The compiler writes through a symbolic link and into every hard link.
    REQUIRE(::symlink((dir + "/plain.d").c_str(), (dir + "/sym.d").c_str()) == 0);
    CHECK(depfile_keeps_scan(analysis("sym.d"), umask));
    REQUIRE(::link((dir + "/plain.d").c_str(), (dir + "/hard.d").c_str()) == 0);
    CHECK(depfile_keeps_scan(analysis("hard.d"), umask));
    // Not a regular file (-MF /dev/null), or the object itself.
    auto devnull = compiler::analyse("gcc", {"-MD", "-MF", "/dev/null", "-c", "a.c"});
    CHECK(depfile_keeps_scan(devnull, umask) ==
          std::optional<std::string>("the dependency file is not a regular file"));
    auto same =
        compiler::analyse("gcc", {"-MD", "-MF", dir + "/a.o", "-c", "a.c", "-o", dir + "/a.o"});
    CHECK(depfile_keeps_scan(same, umask) ==
          std::optional<std::string>("the dependency file is another output"));
    // No dependency options: nothing to keep the scan for.
    CHECK_FALSE(depfile_keeps_scan(compiler::analyse("gcc", {"-c", "a.c"}), umask));
}

TEST_CASE("remote depfile: the runner gets the user's options and returns the depfile") {
    auto a =
        compiler::analyse("gcc", {"-Wp,-MMD,lib/.x.o.d", "-O2", "-c", "lib/x.c", "-o", "lib/x.o"});
    REQUIRE(a.remote);
    CHECK_FALSE(depfile_is_remote(a));
    auto served = with_remote_depfile(a);
    CHECK(served.remote_args == a.depfile_args);
    CHECK(served.outputs == std::vector<std::string>{"lib/x.o", "lib/.x.o.d"});
    CHECK(depfile_is_remote(served));
    // A failed compile's depfile is written; nothing else of it.
    const std::vector<proto::OutputFile> files = {{"lib/x.o", "o"}, {"lib/.x.o.d", "d"}};
    auto selection = select_outputs(files, served.outputs);
    auto failed = failed_compile_depfile(selection, served);
    REQUIRE(failed.accepted.size() == 1);
    CHECK(failed.accepted[0]->path == "lib/.x.o.d");
    CHECK(failed_compile_depfile(selection, a).accepted.empty());
    // Without dependency options nothing changes.
    auto plain = compiler::analyse("gcc", {"-c", "a.c"});
    CHECK(with_remote_depfile(plain).outputs == plain.outputs);
}
