// The proof check of include_analysis = "on": the runner's list of opened files against the
// analysis' files, with the spellings the compilers' make rules use.
#include "coordinator/include_proof.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

proto::JobResult opened(std::vector<std::string> files, int exit_code = 0, std::string err = "") {
    proto::JobResult r;
    r.status = proto::JobStatus::completed;
    r.exit_code = exit_code;
    r.stderr_data = std::move(err);
    r.opened_listed = true;
    r.opened = std::move(files);
    return r;
}

ProofBasis basis(std::vector<std::string> files, std::string_view cwd,
                 std::vector<std::string> search_dirs = {}) {
    ProofBasis b;
    b.files = proof_files(files, cwd);
    b.search_dirs = std::move(search_dirs);
    return b;
}

const std::vector<proto::FileEntry> kNoToolchain;

} // namespace

TEST_CASE("proof: every opened file in the analysis, however the rule spells it") {
    auto analysed = basis({"/p/a.c", "inc/a.h", "/usr/include/stdio.h"}, "/p");
    auto v = check_proof(analysed, kNoToolchain,
                         opened({"a.c", "./inc//a.h", "/usr/include/./stdio.h"}), "/p");
    CHECK(v.proved);
    CHECK(v.unexpected.empty());
    // Fewer files opened than analysed: the analysis over-approximates, that is allowed.
    CHECK(check_proof(analysed, kNoToolchain, opened({"a.c"}), "/p").proved);
}

TEST_CASE("proof: a file opened that the analysis did not list is a miss, named") {
    auto analysed = basis({"/p/a.c", "/p/inc/a.h"}, "/p");
    auto v = check_proof(analysed, kNoToolchain,
                         opened({"a.c", "inc/a.h", "other/a.h", "/usr/include/x.h"}), "/p");
    CHECK_FALSE(v.proved);
    CHECK(v.why == "opened a file the analysis did not list");
    REQUIRE(v.unexpected.size() == 2);
    CHECK(v.unexpected[0] == "/p/other/a.h");
    CHECK(v.unexpected[1] == "/usr/include/x.h");
    // ".." is kept (after a symbolic link it means what the kernel says): not the same file.
    CHECK_FALSE(
        check_proof(basis({"/p/inc/a.h"}, "/p"), kNoToolchain, opened({"sub/../inc/a.h"}), "/p")
            .proved);
}

TEST_CASE("proof: a compile that lacked a file, or listed nothing, proves nothing") {
    auto analysed = basis({"/p/a.c"}, "/p");
    auto missing = opened({"a.c"}, 1, "a.c:1:10: fatal error: b.h: No such file or directory\n");
    auto v = check_proof(analysed, kNoToolchain, missing, "/p");
    CHECK_FALSE(v.proved);
    CHECK(v.why == "a file was missing on the runner");
    CHECK(v.detail.find("b.h") != std::string::npos);

    auto unlisted = opened({"a.c"});
    unlisted.opened_listed = false;
    auto u = check_proof(analysed, kNoToolchain, unlisted, "/p");
    CHECK_FALSE(u.proved);
    CHECK(u.why == "the runner listed no opened files");
    // An empty list that was listed proves (a compile reads at least its source, but the
    // check itself asks only for inclusion).
    CHECK(check_proof(analysed, kNoToolchain, opened({}), "/p").proved);
}

TEST_CASE("proof: a failed compile (the user's error) is proved like any other") {
    auto analysed = basis({"/p/a.c", "/p/a.h"}, "/p");
    auto v = check_proof(analysed, kNoToolchain,
                         opened({"a.c", "a.h"}, 1, "a.h:3:1: error: expected ';'\n"), "/p");
    CHECK(v.proved);
}

TEST_CASE("proof: the compiler's own data outside every search directory is not a miss") {
    // clang -fsanitize=address lists its ignore list in the rule; the runner has it as a
    // toolchain file, at the client's path, with the client's content.
    const std::string ignorelist = "/usr/lib/llvm-14/lib/clang/14.0.6/share/asan_ignorelist.txt";
    const std::string header = "/usr/lib/llvm-14/lib/clang/14.0.6/include/stddef.h";
    std::vector<proto::FileEntry> toolchain(2);
    toolchain[0].path = ignorelist;
    toolchain[1].path = header;
    auto analysed =
        basis({"/p/a.c"}, "/p", {"/p/inc", "/usr/lib/llvm-14/lib/clang/14.0.6/include"});
    CHECK(check_proof(analysed, toolchain, opened({ignorelist, "a.c"}), "/p").proved);
    // Not a toolchain file: a miss.
    CHECK_FALSE(check_proof(analysed, kNoToolchain, opened({ignorelist, "a.c"}), "/p").proved);
    // A toolchain file an #include could have found (in a search directory) must be in the
    // analysis like any header: a file found there may hide another one the analysis missed.
    auto v = check_proof(analysed, toolchain, opened({"a.c", header}), "/p");
    CHECK_FALSE(v.proved);
    REQUIRE(v.unexpected.size() == 1);
    CHECK(v.unexpected[0] == header);
}

TEST_CASE("proof: an -MMD rule proves only when the sandbox holds no header the analysis did "
          "not find") {
    const std::vector<proto::FileEntry> shipped = {{"/p/a.c", "", 0, 0},
                                                   {"/usr/include/stdio.h", "", 0, 0}};
    const std::vector<proto::FileEntry> toolchain = {
        {"/usr/bin/gcc-12", "", 0, 0}, {"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "", 0, 0}};
    const std::vector<std::string> searched = {"/p", "/usr/include",
                                               "/usr/lib/gcc/x86_64-linux-gnu/12/include"};
    CHECK(partial_proof_problem(0, searched, shipped, toolchain).empty());
    // A file shipped only because a __has_include names it: the rule would not show it opened.
    CHECK(partial_proof_problem(1, searched, shipped, toolchain) ==
          "-MMD with files only a __has_include names");
    // A compiler file a search could find (here below an -I directory), not shipped.
    auto in_search = toolchain;
    in_search.push_back({"/usr/include/sys/toolchain-own.h", "", 0, 0});
    CHECK(partial_proof_problem(0, searched, shipped, in_search) ==
          "-MMD with compiler files in a searched directory");
    // The same file shipped because the analysis found it: proved as any other.
    auto found = shipped;
    found.push_back({"/usr/include/sys/toolchain-own.h", "", 0, 0});
    CHECK(partial_proof_problem(0, searched, found, in_search).empty());
    // A directory named like a searched one's prefix is not below it.
    CHECK(partial_proof_problem(0, {"/usr/lib/gcc/x86_64-linux-gnu/12/inc"}, shipped, toolchain)
              .empty());
    CHECK_FALSE(partial_proof_problem(0, {"/"}, shipped, toolchain).empty());
}
