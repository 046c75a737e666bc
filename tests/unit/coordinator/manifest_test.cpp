// The manifest's directories and links beyond the files the scan listed (issue 9): every
// include directory that exists, the links in searched and includer directories, and the
// links along a logical working directory.
#include "coordinator/dir_links.hpp"
#include "coordinator/manifest.hpp"
#include "util/fs.hpp"
#include "util/physical_path.hpp"
#include "util/temp_dir.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

struct Fixture {
    TempDir tmp = std::move(*TempDir::create("/tmp", "ferry-manifest-test"));
    // Physical, so that the manifest's paths can be compared as strings (/tmp may be a link).
    std::string root = resolve_physical(tmp.path())->path;
    FileStore store;
    DirLinks dir_links;

    Fixture() {
        REQUIRE(make_dirs(root + "/p/real"));
        REQUIRE(make_dirs(root + "/p/empty"));
        REQUIRE(make_dirs(root + "/p/target-empty"));
        REQUIRE(write_file(root + "/p/main.c", "#include \"real/po.h\"\n"));
        REQUIRE(write_file(root + "/p/real/po.h", "#pragma once\n"));
        REQUIRE(::symlink("real", (root + "/p/alias").c_str()) == 0);
        REQUIRE(::symlink("nowhere", (root + "/p/dangling").c_str()) == 0);
        REQUIRE(::symlink("target-empty", (root + "/p/linked-empty").c_str()) == 0);
    }

    proto::IpcCompile request(std::vector<std::string> args) const {
        proto::IpcCompile r;
        r.cwd = root + "/p";
        r.args = std::move(args);
        r.files = {root + "/p/main.c", root + "/p/real/po.h"};
        return r;
    }
};

bool has_dir(const Manifest& m, const std::string& dir) {
    return std::find(m.directories.begin(), m.directories.end(), dir) != m.directories.end();
}

bool has_link(const Manifest& m, const std::string& path, const std::string& target) {
    return std::find(m.links.begin(), m.links.end(), proto::SymlinkEntry{path, target}) !=
           m.links.end();
}

} // namespace

TEST_CASE("include directories that exist are shipped, physically; missing ones are not") {
    Fixture f;
    auto m = build_manifest(
        f.store, f.dir_links,
        f.request({"-Iempty", "-iquote", "linked-empty", "-isystem", f.root + "/p/missing",
                   "-idirafter", "gone/deeper", "-Ireal/po.h", "-c", "main.c"}));
    REQUIRE(m);
    CHECK(has_dir(*m, f.root + "/p/empty"));
    CHECK(has_dir(*m, f.root + "/p/target-empty"));
    CHECK(has_link(*m, f.root + "/p/linked-empty", "target-empty"));
    CHECK_FALSE(has_dir(*m, f.root + "/p/missing"));
    CHECK_FALSE(has_dir(*m, f.root + "/p/gone/deeper"));
    CHECK_FALSE(has_dir(*m, f.root + "/p/real/po.h")); // a file, not a directory
}

TEST_CASE("links in the directories a compile includes from travel, dangling ones too") {
    Fixture f;
    auto m = build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"}));
    REQUIRE(m);
    CHECK(has_link(*m, f.root + "/p/alias", "real"));
    CHECK(has_link(*m, f.root + "/p/dangling", "nowhere"));
    // An output the job writes is not recreated as a link (-o link.o, link.o -> real.o).
    REQUIRE(::symlink("real.o", (f.root + "/p/link.o").c_str()) == 0);
    auto r = f.request({"-c", "main.c", "-o", "link.o"});
    r.outputs = {"link.o"};
    m = build_manifest(f.store, f.dir_links, r);
    REQUIRE(m);
    CHECK_FALSE(has_link(*m, f.root + "/p/link.o", "real.o"));
    CHECK(has_link(*m, f.root + "/p/alias", "real"));
    // A link made later (the directory's mtime moves) is seen by the next job.
    REQUIRE(::symlink("real", (f.root + "/p/alias2").c_str()) == 0);
    m = build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"}));
    REQUIRE(m);
    CHECK(has_link(*m, f.root + "/p/alias2", "real"));
}

TEST_CASE("a logical working directory brings its links; one not normalised compiles locally") {
    Fixture f;
    REQUIRE(::symlink("p", (f.root + "/logical").c_str()) == 0);
    auto r = f.request({"-c", "main.c"});
    r.env = {{"PWD", f.root + "/logical"}};
    auto m = build_manifest(f.store, f.dir_links, r);
    REQUIRE(m);
    CHECK(has_link(*m, f.root + "/logical", "p"));
    r.env = {{"PWD", f.root + "/logical/../logical"}};
    auto refused = build_manifest(f.store, f.dir_links, r);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::compile_locally);
}

namespace {
bool has_file(const Manifest& m, const std::string& path) {
    return std::any_of(m.files.begin(), m.files.end(),
                       [&](const proto::FileEntry& e) { return e.path == path; });
}
} // namespace

TEST_CASE("files named by __has_include are shipped where they exist, in every searched place") {
    Fixture f;
    REQUIRE(make_dirs(f.root + "/p/sys/x"));
    REQUIRE(make_dirs(f.root + "/p/wrap"));
    REQUIRE(write_file(f.root + "/p/main.c", "#include \"real/po.h\"\n"
                                             "#if __has_include(\"opt.h\") || "
                                             "__has_include(<x/epoll.h>)\n#endif\n"
                                             "#if W_HAS_INCLUDE(<wrapped.h>) || "
                                             "__has_include(\"nope.h\")\n#endif\n"));
    REQUIRE(write_file(f.root + "/p/opt.h", "int opt;\n"));
    REQUIRE(write_file(f.root + "/p/real/opt.h", "int also;\n"));
    REQUIRE(write_file(f.root + "/p/sys/x/epoll.h", "asm(\".incbin \\\"never.bin\\\"\");\n"));
    REQUIRE(write_file(f.root + "/p/wrap/wrapped.h", "\n"));
    REQUIRE(write_file(f.root + "/p/real/po.h", "#define W_HAS_INCLUDE(h) __has_include(h)\n"));
    auto m = build_manifest(
        f.store, f.dir_links,
        f.request({"-Ireal", "-isystem", "sys", "-idirafter", "wrap", "-c", "main.c"}));
    REQUIRE(m);
    CHECK(has_file(*m, f.root + "/p/opt.h"));
    CHECK(has_file(*m, f.root + "/p/real/opt.h"));    // exists in a searched directory: harmless
    CHECK(has_file(*m, f.root + "/p/sys/x/epoll.h")); // asked about, never read: not local
    CHECK(has_file(*m, f.root + "/p/wrap/wrapped.h"));
    CHECK_FALSE(has_file(*m, f.root + "/p/nope.h"));
    CHECK(m->has_include_files == 4);
    // For the -MMD proof, only files a name the analysis evaluated names are counted (the
    // others are shipped all the same).
    const std::unordered_set<std::string> evaluated = {"opt.h", "nope.h"};
    auto counted = build_manifest(
        f.store, f.dir_links,
        f.request({"-Ireal", "-isystem", "sys", "-idirafter", "wrap", "-c", "main.c"}), &evaluated);
    REQUIRE(counted);
    CHECK(counted->has_include_files == 2);
    CHECK(counted->files.size() == m->files.size());

    REQUIRE(write_file(f.root + "/p/real/po.h",
                       "#define W_HAS_INCLUDE(h) __has_include(h)\n#if W_HAS_INCLUDE(HDR)\n"
                       "#endif\n"));
    auto local = build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"}));
    REQUIRE_FALSE(local);
    CHECK(local.error().code == Errc::compile_locally);
    REQUIRE(write_file(f.root + "/p/real/po.h", "#if __has_include(HDR)\n#endif\n"));
    local = build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"}));
    REQUIRE_FALSE(local);
    CHECK(local.error().message.find("__has_include(HDR)") != std::string::npos);
}

TEST_CASE("__has_include of /proc, /sys or /dev compiles locally: a job has none of them") {
    Fixture f;
    for (const char* name : {"/proc/self/status", "/proc", "/dev/null", "/sys/../proc/1/status"}) {
        REQUIRE(write_file(f.root + "/p/main.c",
                           std::string("#if __has_include(\"") + name + "\")\n#endif\n"));
        auto m = build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"}));
        REQUIRE_FALSE(m);
        CHECK(m.error().code == Errc::compile_locally);
    }
    REQUIRE(
        write_file(f.root + "/p/main.c", "#if __has_include(\"/proc/nothing/here\")\n#endif\n"));
    CHECK(build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"})));
}

TEST_CASE("a path that leaves a linked directory by '..' ships the link's target directory") {
    Fixture f;
    REQUIRE(make_dirs(f.root + "/p/real/deep"));
    REQUIRE(write_file(f.root + "/p/real/up.h", "int up;\n"));
    REQUIRE(::symlink("real/deep", (f.root + "/p/down").c_str()) == 0);
    auto r = f.request({"-c", "main.c"});
    r.files = {f.root + "/p/main.c", f.root + "/p/down/../up.h"};
    auto m = build_manifest(f.store, f.dir_links, r);
    REQUIRE(m);
    CHECK(has_link(*m, f.root + "/p/down", "real/deep"));
    CHECK(has_dir(*m, f.root + "/p/real/deep")); // or "down/.." leads nowhere in the job
}

TEST_CASE("two shipped paths that are hard links of one file compile locally") {
    Fixture f;
    REQUIRE(make_dirs(f.root + "/p/copy"));
    REQUIRE(::link((f.root + "/p/real/po.h").c_str(), (f.root + "/p/copy/po.h").c_str()) == 0);
    auto r = f.request({"-c", "main.c"});
    r.files.push_back(f.root + "/p/copy/po.h");
    auto m = build_manifest(f.store, f.dir_links, r);
    REQUIRE_FALSE(m);
    CHECK(m.error().code == Errc::compile_locally);
    CHECK(m.error().message.find("hard links") != std::string::npos);
    // One of them alone is fine.
    r.files.pop_back();
    CHECK(build_manifest(f.store, f.dir_links, r));
}

TEST_CASE("a header with a precompiled one beside it compiles locally: a job would read its text") {
    Fixture f;
    REQUIRE(build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"})));
    for (const char* pch : {"/p/real/po.h.gch", "/p/real/po.h.pch"}) {
        REQUIRE(write_file(f.root + pch, "precompiled"));
        auto m = build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"}));
        REQUIRE_FALSE(m);
        CHECK(m.error().code == Errc::compile_locally);
        CHECK(m.error().message.find(f.root + pch) != std::string::npos);
        REQUIRE(::unlink((f.root + pch).c_str()) == 0);
    }
    // gcc's directory of candidates, and a header reached through a link: its lexical name.
    REQUIRE(make_dirs(f.root + "/p/real/po.h.gch"));
    CHECK_FALSE(build_manifest(f.store, f.dir_links, f.request({"-c", "main.c"})));
    REQUIRE(::rmdir((f.root + "/p/real/po.h.gch").c_str()) == 0);
    REQUIRE(write_file(f.root + "/p/alias.h", "int a;\n"));
    auto r = f.request({"-c", "main.c"});
    r.files.push_back(f.root + "/p/alias/po.h");
    REQUIRE(build_manifest(f.store, f.dir_links, r));
    REQUIRE(::symlink("real/po.h", (f.root + "/p/lexical.h").c_str()) == 0);
    REQUIRE(write_file(f.root + "/p/lexical.h.gch", "precompiled"));
    r.files.push_back(f.root + "/p/lexical.h");
    CHECK_FALSE(build_manifest(f.store, f.dir_links, r));
}
