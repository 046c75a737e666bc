#include "coordinator/cost_memory.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

std::string key(int n) {
    return hash_hex("unit " + std::to_string(n));
}

TempDir temp() {
    auto dir = TempDir::create("/tmp", "ferry-cost-test");
    REQUIRE(dir);
    return std::move(*dir);
}

} // namespace

TEST_CASE("cost memory: the last time put is kept, bounded, oldest out") {
    CostMemory costs(3);
    CHECK_FALSE(costs.get(key(1)));
    costs.put(key(1), 100);
    costs.put(key(1), 250);
    CHECK(*costs.get(key(1)) == 250);
    costs.put(key(2), 200);
    costs.put(key(3), 300);
    costs.put(key(1), 111); // used again: now the newest
    costs.put(key(4), 400);
    CHECK(costs.size() == 3);
    CHECK_FALSE(costs.get(key(2)));
    CHECK(*costs.get(key(1)) == 111);
    CHECK(*costs.get(key(4)) == 400);
    // Clamped: a zero time and a stuck job's hours are not costs.
    costs.put(key(5), 0);
    CHECK(*costs.get(key(5)) == 1);
    costs.put(key(5), uint64_t(1) << 40);
    CHECK(*costs.get(key(5)) == CostMemory::kMaxMs);
}

TEST_CASE("cost memory: unit keys tell compiler, directory and arguments apart") {
    proto::IpcCompile a;
    a.compiler_path = "/usr/bin/gcc";
    a.cwd = "/src";
    a.args = {"-c", "a.c"};
    proto::IpcCompile b = a;
    b.args = {"-c a.c"};
    proto::IpcCompile c = a;
    c.cwd = "/src2";
    CHECK(unit_cost_key(a) == unit_cost_key(a));
    CHECK(unit_cost_key(a) != unit_cost_key(b));
    CHECK(unit_cost_key(a) != unit_cost_key(c));
    CHECK(is_hash_hex(unit_cost_key(a)));
}

TEST_CASE("cost memory: saved and loaded back, newest first") {
    TempDir dir = temp();
    const std::string path = dir.path() + "/costs";
    {
        CostMemory costs(10);
        costs.put(key(1), 1000);
        costs.put(key(2), 2000);
        costs.put("not a hash key", 5); // kept in memory, never written
        CHECK(costs.dirty());
        REQUIRE(costs.save(path));
        CHECK_FALSE(costs.dirty());
    }
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CostMemory loaded(2);
    REQUIRE(loaded.load(path));
    CHECK(loaded.size() == 2);
    CHECK(*loaded.get(key(1)) == 1000);
    CHECK(*loaded.get(key(2)) == 2000);
    loaded.put(key(3), 3000); // key(1), the oldest, goes
    CHECK_FALSE(loaded.get(key(1)));
}

TEST_CASE("cost memory: a corrupt or hostile file is ignored whole") {
    TempDir dir = temp();
    const std::string path = dir.path() + "/costs";
    const std::string good = key(1) + " 100\n";
    auto rejects = [&](const std::string& text, size_t max_entries = 10) {
        REQUIRE(write_file(path, text));
        CostMemory costs(max_entries);
        costs.put(key(9), 9);
        auto loaded = costs.load(path);
        CHECK_FALSE(loaded);
        CHECK(costs.size() == 0);
    };
    SUBCASE("no header") {
        rejects(good);
    }
    SUBCASE("another version") {
        rejects("ferry-costs 2\n" + good);
    }
    SUBCASE("cut short") {
        rejects("ferry-costs 1\n" + good + key(2) + " 10");
    }
    SUBCASE("not a number") {
        rejects("ferry-costs 1\n" + key(2) + " 12x\n");
    }
    SUBCASE("negative") {
        rejects("ferry-costs 1\n" + key(2) + " -5\n");
    }
    SUBCASE("zero") {
        rejects("ferry-costs 1\n" + key(2) + " 0\n");
    }
    SUBCASE("out of range") {
        rejects("ferry-costs 1\n" + key(2) + " 99999999999999999999\n");
    }
    SUBCASE("beyond an hour") {
        rejects("ferry-costs 1\n" + key(2) + " 3600001\n");
    }
    SUBCASE("a key that is no hash") {
        rejects("ferry-costs 1\n../../etc/passwd 5\n");
    }
    SUBCASE("a repeated key") {
        rejects("ferry-costs 1\n" + good + good);
    }
    SUBCASE("more lines than the memory holds") {
        rejects("ferry-costs 1\n" + good + key(2) + " 5\n", 1);
    }
    SUBCASE("too large") {
        std::string text = "ferry-costs 1\n";
        text.resize(CostMemory::kMaxFileBytes + 1, '\n');
        rejects(text);
    }
    SUBCASE("not a regular file") {
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
        CostMemory costs(10);
        CHECK_FALSE(costs.load(path)); // and does not wait for a writer
    }
    SUBCASE("a symbolic link") {
        REQUIRE(write_file(dir.path() + "/real", "ferry-costs 1\n" + good));
        REQUIRE(::symlink("real", path.c_str()) == 0);
        CostMemory costs(10);
        CHECK_FALSE(costs.load(path));
    }
    SUBCASE("missing") {
        CostMemory costs(10);
        auto loaded = costs.load(path);
        REQUIRE_FALSE(loaded);
        CHECK(loaded.error().code == Errc::not_found);
    }
}
