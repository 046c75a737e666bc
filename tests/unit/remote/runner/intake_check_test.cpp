#include "remote/runner/intake_check.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::runner;
using Verdict = IntakeCheck::Verdict;

namespace {

proto::JobRequest shipped_compiler_job() {
    proto::JobRequest r;
    r.job_id = 7;
    r.compiler_name = "gcc";
    r.compiler_id = "0123";
    r.cwd = "/proj";
    r.args = {"-c", "a.c", "-o", "a.o"};
    r.outputs = {"a.o"};
    r.files = {{"/proj/a.c", hash_hex("int a;"), 6}};
    r.toolchain.program = "/usr/bin/gcc";
    r.toolchain.files = {{"/usr/bin/gcc", hash_hex("elf"), 3}};
    return r;
}

IntakeCheck run_check(const proto::JobRequest& request, IntakePolicy policy = {}) {
    IntakeCheck check;
    check.job_id = request.job_id;
    check.payload = proto::encode(request);
    check.policy = std::make_shared<IntakePolicy>(std::move(policy));
    check_intake(check);
    return check;
}

} // namespace

TEST_CASE("an acceptable request comes back decoded and planned, without its file lists") {
    IntakeCheck check = run_check(shipped_compiler_job());
    REQUIRE(check.verdict == Verdict::accepted);
    CHECK(check.payload.empty());
    CHECK(check.request.job_id == 7);
    CHECK(check.request.files.empty());
    CHECK(check.request.toolchain.files.empty());
    CHECK(check.plan.placements.count(hash_hex("int a;")));
    CHECK(check.plan.placements.count(hash_hex("elf")));
    CHECK(check.installed == nullptr);
}

TEST_CASE("only the toolchain's files may be taken from the runner's own installation") {
    IntakeCheck check = run_check(shipped_compiler_job());
    REQUIRE(check.verdict == Verdict::accepted);
    REQUIRE(check.toolchain.size() == 1);
    const ReuseCandidate& gcc = check.toolchain.at(hash_hex("elf"));
    CHECK(gcc.path == "/usr/bin/gcc");
    CHECK(gcc.size == 3);
    // The project's source is never looked up on the runner, even at a path it may have.
    CHECK(check.toolchain.count(hash_hex("int a;")) == 0);
}

TEST_CASE("a manifest over a limit is refused with the limit, and nothing decoded is kept") {
    proto::JobRequest r = shipped_compiler_job();
    std::string deep = "/proj";
    for (int i = 0; i < 200; ++i)
        deep += "/d";
    r.files.push_back({deep + "/h.h", hash_hex("int h;"), 6});
    IntakeCheck check = run_check(r);
    CHECK(check.verdict == Verdict::refused);
    CHECK(check.message.find("components is over the limit of 128") != std::string::npos);
    CHECK(check.request.files.empty());
    CHECK(check.request.cwd.empty());
}

TEST_CASE("a compiler the runner does not offer is refused before the manifest is planned") {
    proto::JobRequest r = shipped_compiler_job();
    IntakePolicy policy;
    policy.installed_compilers_only = true;
    IntakeCheck check = run_check(r, std::move(policy));
    CHECK(check.verdict == Verdict::refused);
    CHECK(check.plan.placements.empty());
}

TEST_CASE("a sandboxed job that ships no compiler is refused") {
    proto::JobRequest r = shipped_compiler_job();
    r.toolchain.files.clear();
    IntakeCheck check = run_check(r);
    CHECK(check.verdict == Verdict::refused);
    CHECK(check.message == "this runner runs the compiler a job ships, and this job ships none");
}

TEST_CASE("a payload that is not a job request ends the connection") {
    IntakeCheck truncated;
    truncated.job_id = 7;
    truncated.payload = proto::encode(shipped_compiler_job()).substr(0, 20);
    truncated.policy = std::make_shared<IntakePolicy>();
    check_intake(truncated);
    CHECK(truncated.verdict == Verdict::protocol_error);
    CHECK(truncated.message.rfind("job_request:", 0) == 0);
}

TEST_CASE("a request's id can be read before it is decoded") {
    auto id = proto::peek_job_id(proto::encode(shipped_compiler_job()));
    REQUIRE(id);
    CHECK(*id == 7);
    CHECK_FALSE(proto::peek_job_id("abc"));
}
