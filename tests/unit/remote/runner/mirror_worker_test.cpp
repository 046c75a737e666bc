#include "remote/runner/mirror_worker.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <uv.h>

using namespace ferry;
using namespace ferry::runner;

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::unique_ptr<MirrorWork> work_in(const std::string& parent, const std::string& cached_blob) {
    proto::JobRequest r;
    r.cwd = "/proj";
    r.files = {{"/proj/a.c", hash_hex("int a;"), 6}, {"/proj/inc/b.h", hash_hex("int b;"), 6}};
    auto plan = plan_mirror(r, {});
    REQUIRE(plan);
    auto work = std::make_unique<MirrorWork>();
    work->job_id = 5;
    auto dir = TempDir::create(parent, "job-");
    REQUIRE(dir);
    work->setup.dir = std::move(*dir);
    work->setup.root = work->setup.dir->path() + "/root";
    work->plan = std::move(*plan);
    work->cached.emplace_back(hash_hex("int a;"), cached_blob);
    work->missing.insert(hash_hex("int b;"));
    return work;
}

// Queues `work` with `queue` (check or start), sees it counted while away, and runs the loop
// until it is back.
template <typename Work>
void through_pool(uv_loop_t& loop, MirrorWorker& worker, std::unique_ptr<Work> work,
                  Result<void> (MirrorWorker::*queue)(std::unique_ptr<Work>&)) {
    REQUIRE((worker.*queue)(work));
    CHECK(!work);
    CHECK(worker.in_flight() == 1);
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(worker.in_flight() == 0);
}

void ignore_checks(std::unique_ptr<IntakeCheck>) {}
void ignore_builds(std::unique_ptr<MirrorWork>) {}

} // namespace

TEST_CASE("MirrorWorker checks a request on the pool and hands it back on the loop") {
    uv_loop_t loop;
    REQUIRE(uv_loop_init(&loop) == 0);
    std::unique_ptr<IntakeCheck> back;
    {
        MirrorWorker worker(
            &loop, [&](std::unique_ptr<IntakeCheck> c) { back = std::move(c); }, ignore_builds);
        auto check = std::make_unique<IntakeCheck>();
        check->job_id = 9;
        check->payload = "not a job request";
        check->policy = std::make_shared<IntakePolicy>();
        through_pool(loop, worker, std::move(check), &MirrorWorker::check);
    }
    REQUIRE(back);
    CHECK(back->job_id == 9);
    CHECK(back->verdict == IntakeCheck::Verdict::protocol_error);
    CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("MirrorWorker builds the mirror on the pool and hands the work back on the loop") {
    auto tmp = TempDir::create("/tmp", "ferry-mirror-worker-");
    REQUIRE(tmp);
    const std::string blob = tmp->path() + "/blob-a";
    REQUIRE(write_file(blob, "int a;"));
    uv_loop_t loop;
    REQUIRE(uv_loop_init(&loop) == 0);
    std::unique_ptr<MirrorWork> back;
    {
        MirrorWorker worker(&loop, ignore_checks,
                            [&](std::unique_ptr<MirrorWork> w) { back = std::move(w); });
        through_pool(loop, worker, work_in(tmp->path(), blob), &MirrorWorker::start);
    }
    REQUIRE(back);
    CHECK(back->built);
    CHECK(back->missing == std::set<std::string>{hash_hex("int b;")});
    auto placed = read_file(back->setup.root + "/proj/a.c");
    REQUIRE(placed);
    CHECK(*placed == "int a;");
    CHECK(exists(back->setup.root + "/proj/inc"));
    CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("a cached file evicted before the worker links it is asked for instead") {
    auto tmp = TempDir::create("/tmp", "ferry-mirror-worker-");
    REQUIRE(tmp);
    auto work = work_in(tmp->path(), tmp->path() + "/evicted");
    build_mirror(*work);
    CHECK(work->built);
    CHECK(work->missing.count(hash_hex("int a;")));
    CHECK(work->missing.count(hash_hex("int b;")));
}

TEST_CASE("a worker destroyed mid-build drops the work and its directory, calling no one") {
    auto tmp = TempDir::create("/tmp", "ferry-mirror-worker-");
    REQUIRE(tmp);
    const std::string blob = tmp->path() + "/blob-a";
    REQUIRE(write_file(blob, "int a;"));
    uv_loop_t loop;
    REQUIRE(uv_loop_init(&loop) == 0);
    bool called = false;
    std::string job_dir;
    {
        MirrorWorker worker(&loop, ignore_checks,
                            [&](std::unique_ptr<MirrorWork>) { called = true; });
        auto work = work_in(tmp->path(), blob);
        job_dir = work->setup.dir->path();
        REQUIRE(worker.start(work));
    } // gone before the loop ran the work's completion
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK_FALSE(called);
    CHECK_FALSE(exists(job_dir));
    CHECK(uv_loop_close(&loop) == 0);
}
