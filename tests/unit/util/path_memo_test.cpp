#include "util/fs.hpp"
#include "util/path_memo.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;

namespace {

constexpr int64_t kSecond = int64_t(1000) * 1000 * 1000;
using Kind = PathMemo::Kind;

// A clock a minute ahead: directories the test made are then old enough to trust.
int64_t a_minute_later() {
    return realtime_ns() + 60 * kSecond;
}

// An old mtime on `dir`, so a change made in the same timestamp tick as the set-up still
// moves it (the racy case is the clock's to judge, tested on its own below).
void age(const std::string& dir) {
    timespec old[2] = {{1600000000, 0}, {1600000000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, dir.c_str(), old, 0) == 0);
}

struct Tree {
    static TempDir make() {
        auto made = TempDir::create("/tmp", "ferry-path-memo-test");
        REQUIRE(made);
        return std::move(*made);
    }
    std::string at(const std::string& rel) const { return join_path(root, rel); }
    TempDir dir = make();
    std::string root = dir.path();
};

// One pass of lookups, the way an analysis makes them: the counters say whether the memo
// answered without looking.
Kind pass(PathMemo& memo, const std::string& path) {
    memo.begin_pass();
    return memo.kind(path);
}

} // namespace

TEST_CASE("a name's answer is kept while its directory is unchanged, and lapses when it changes") {
    Tree t;
    REQUIRE(::mkdir(t.at("inc").c_str(), 0755) == 0);
    REQUIRE(write_file(t.at("inc/there.h"), "x\n"));
    age(t.at("inc"));
    PathMemo memo(a_minute_later);

    CHECK(pass(memo, t.at("inc/gone.h")) == Kind::missing);
    CHECK(pass(memo, t.at("inc/there.h")) == Kind::other);
    CHECK(pass(memo, t.at("inc")) == Kind::directory);
    CHECK(memo.counters().remembered == 0);
    CHECK(pass(memo, t.at("inc/gone.h")) == Kind::missing);
    CHECK(pass(memo, t.at("inc/there.h")) == Kind::other);
    CHECK(memo.counters().remembered == 2);

    SUBCASE("a header created where the search looked before") {
        REQUIRE(write_file(t.at("inc/gone.h"), "y\n"));
        CHECK(pass(memo, t.at("inc/gone.h")) == Kind::other);
    }
    SUBCASE("a header removed") {
        REQUIRE(::unlink(t.at("inc/there.h").c_str()) == 0);
        CHECK(pass(memo, t.at("inc/there.h")) == Kind::missing);
    }
    SUBCASE("a header replaced by a directory of that name") {
        REQUIRE(::unlink(t.at("inc/there.h").c_str()) == 0);
        REQUIRE(::mkdir(t.at("inc/there.h").c_str(), 0755) == 0);
        CHECK(pass(memo, t.at("inc/there.h")) == Kind::directory);
    }
    SUBCASE("the directory replaced by another one (another inode), its old mtime put back") {
        REQUIRE(::rename(t.at("inc").c_str(), t.at("old").c_str()) == 0);
        REQUIRE(::mkdir(t.at("inc").c_str(), 0755) == 0);
        REQUIRE(write_file(t.at("inc/gone.h"), "z\n"));
        age(t.at("inc"));
        CHECK(pass(memo, t.at("inc/gone.h")) == Kind::other);
        CHECK(pass(memo, t.at("inc/there.h")) == Kind::missing);
    }
}

TEST_CASE("within one pass a directory is checked once; the next pass checks it again") {
    Tree t;
    age(t.root);
    PathMemo memo(a_minute_later);
    memo.begin_pass();
    CHECK(memo.kind(t.at("a.h")) == Kind::missing);
    memo.begin_pass();
    CHECK(memo.kind(t.at("a.h")) == Kind::missing);
    const uint64_t checks = memo.counters().dir_checks;
    CHECK(memo.kind(t.at("a.h")) == Kind::missing);
    CHECK(memo.kind(t.at("b.h")) == Kind::missing);
    CHECK(memo.counters().dir_checks == checks); // one stat of the directory answers both
    REQUIRE(write_file(t.at("a.h"), "x\n"));
    CHECK(memo.kind(t.at("a.h")) == Kind::missing); // this pass's snapshot, as documented
    memo.begin_pass();
    CHECK(memo.kind(t.at("a.h")) == Kind::other);
}

TEST_CASE("a name below a missing directory is vouched for by the deepest one that exists") {
    Tree t;
    age(t.root);
    PathMemo memo(a_minute_later);
    CHECK(pass(memo, t.at("bits/deep/types.h")) == Kind::missing);
    CHECK(pass(memo, t.at("bits/deep/types.h")) == Kind::missing);
    CHECK(memo.counters().remembered == 1);
    REQUIRE(::mkdir(t.at("bits").c_str(), 0755) == 0);
    REQUIRE(::mkdir(t.at("bits/deep").c_str(), 0755) == 0);
    REQUIRE(write_file(t.at("bits/deep/types.h"), "x\n"));
    CHECK(pass(memo, t.at("bits/deep/types.h")) == Kind::other);
}

TEST_CASE("symbolic links are never remembered: their targets change behind every directory") {
    Tree t;
    REQUIRE(::mkdir(t.at("inc").c_str(), 0755) == 0);
    REQUIRE(::mkdir(t.at("elsewhere").c_str(), 0755) == 0);
    REQUIRE(::symlink("../elsewhere/x.h", t.at("inc/x.h").c_str()) == 0);
    REQUIRE(::symlink("../elsewhere/sub", t.at("inc/sub").c_str()) == 0);
    age(t.at("inc"));
    age(t.at("elsewhere"));
    PathMemo memo(a_minute_later);

    SUBCASE("a link to a file that appears later") {
        CHECK(pass(memo, t.at("inc/x.h")) == Kind::missing);
        REQUIRE(write_file(t.at("elsewhere/x.h"), "x\n"));
        CHECK(pass(memo, t.at("inc/x.h")) == Kind::other);
        REQUIRE(::unlink(t.at("elsewhere/x.h").c_str()) == 0);
        CHECK(pass(memo, t.at("inc/x.h")) == Kind::missing);
    }
    SUBCASE("a dangling link to a directory, as a component of the name") {
        CHECK(pass(memo, t.at("inc/sub/y.h")) == Kind::missing);
        CHECK(pass(memo, t.at("inc/sub/y.h")) == Kind::missing);
        REQUIRE(::mkdir(t.at("elsewhere/sub").c_str(), 0755) == 0);
        REQUIRE(write_file(t.at("elsewhere/sub/y.h"), "y\n"));
        CHECK(pass(memo, t.at("inc/sub/y.h")) == Kind::other);
    }
    SUBCASE("a link to a directory vouches through its target, whose changes it sees") {
        REQUIRE(::mkdir(t.at("elsewhere/sub").c_str(), 0755) == 0);
        age(t.at("elsewhere/sub"));
        CHECK(pass(memo, t.at("inc/sub/y.h")) == Kind::missing);
        CHECK(pass(memo, t.at("inc/sub/y.h")) == Kind::missing);
        CHECK(memo.counters().remembered == 1);
        REQUIRE(write_file(t.at("elsewhere/sub/y.h"), "y\n"));
        CHECK(pass(memo, t.at("inc/sub/y.h")) == Kind::other);
    }
    CHECK(memo.counters().remembered <= 1);
}

TEST_CASE("a directory changed just now vouches for nothing") {
    Tree t;
    REQUIRE(write_file(t.at("fresh.h"), "x\n")); // the directory's mtime is now
    PathMemo memo;                               // the real clock
    CHECK(pass(memo, t.at("fresh.h")) == Kind::other);
    CHECK(pass(memo, t.at("missing.h")) == Kind::missing);
    CHECK(pass(memo, t.at("fresh.h")) == Kind::other);
    CHECK(pass(memo, t.at("missing.h")) == Kind::missing);
    CHECK(memo.counters().remembered == 0);
    CHECK(memo.size() == 0);
}

TEST_CASE("a path through a file, or under a missing root directory, answers as stat does") {
    Tree t;
    REQUIRE(write_file(t.at("plain"), "x\n"));
    age(t.root);
    PathMemo memo(a_minute_later);
    CHECK(pass(memo, t.at("plain/x.h")) == Kind::missing);
    CHECK(pass(memo, t.at("plain/x.h")) == Kind::missing);
    CHECK(pass(memo, "/nonexistent-ferry-dir/x.h") == Kind::missing);
    CHECK(pass(memo, "/") == Kind::directory);
}
