#include "remote/runner/exec_limits.hpp"
#include "remote/runner/job_root.hpp"
#include "remote/runner/mirror.hpp"
#include "remote/runner/sandbox.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::runner;

namespace {

const std::string kHash(32, 'a');

proto::JobRequest request() {
    proto::JobRequest r;
    r.cwd = "/home/me/proj";
    r.args = {"-c", "main.c", "-o", "obj/main.o"};
    r.outputs = {"obj/main.o"};
    r.files = {{"/home/me/proj/main.c", kHash, 10}, {"/usr/include/stdio.h", kHash, 10}};
    r.links = {{"/home/me/proj/inc", "../shared/inc"}};
    r.directories = {"/home/me/proj", "/usr/include"};
    r.toolchain.program = "/usr/bin/gcc";
    r.toolchain.files = {
        {"/usr/bin/x86_64-linux-gnu-gcc-12", std::string(32, 'b'), 99, 1700000000000000000}};
    r.toolchain.links = {{"/usr/bin/gcc", "x86_64-linux-gnu-gcc-12"}, {"/lib", "usr/lib"}};
    return r;
}

std::string refusal(const proto::JobRequest& r) {
    auto plan = plan_sandboxed_mirror(r, ManifestLimits{});
    return plan ? "" : plan.error().message;
}

} // namespace

TEST_CASE("plan_sandboxed_mirror: files, links, the toolchain, output and fixture directories") {
    auto plan = plan_sandboxed_mirror(request(), ManifestLimits{});
    REQUIRE(plan);
    CHECK(plan->links.at("/home/me/proj/inc") == "../shared/inc");
    CHECK(plan->links.at("/usr/bin/gcc") == "x86_64-linux-gnu-gcc-12");
    CHECK(plan->placements.at(std::string(32, 'b')) ==
          std::vector<Placement>{{"/usr/bin/x86_64-linux-gnu-gcc-12", 1700000000000000000}});
    for (const char* dir : {"/home/me/proj/obj", "/dev", "/.ferry-tmp", "/.ferry-oldroot"})
        CHECK(plan->every_directory.count(dir));
}

TEST_CASE("plan_sandboxed_mirror: what could reach outside the job is refused") {
    auto r = request();
    r.files.push_back({"/usr/../etc/passwd", kHash, 1});
    CHECK(refusal(r).find("not an absolute, normalised path") != std::string::npos);

    r = request();
    r.files.push_back({"/home/me/proj/inc/x.h", kHash, 10}); // would be written through a link
    CHECK(refusal(r).find("a link") != std::string::npos);

    r = request();
    r.links.push_back({"/home/me/proj/inc/deeper", "/etc"});
    CHECK(refusal(r).find("a link") != std::string::npos);

    r = request();
    r.links.push_back({"/home/me/proj/out", "/.ferry-oldroot/etc"});
    CHECK(refusal(r).find("reserved name") != std::string::npos);

    r = request();
    r.directories.push_back("/.ferry-tmp/x");
    CHECK(refusal(r).find("reserves") != std::string::npos);

    r = request();
    r.files.push_back({"/dev/null", kHash, 10});
    CHECK(refusal(r).find("under /dev") != std::string::npos);

    r = request();
    r.links.push_back({"/", "elsewhere"});
    CHECK_FALSE(refusal(r).empty());

    r = request();
    r.links.push_back({"/home/me/proj/main.c", "other.c"}); // both a file and a link
    CHECK_FALSE(refusal(r).empty());
}

TEST_CASE("plan_mirror (unsandboxed) refuses links: it could not confine them") {
    auto plan = plan_mirror(request(), ManifestLimits{});
    REQUIRE_FALSE(plan);
    CHECK(plan.error().message.find("does not recreate symbolic links") != std::string::npos);
}

TEST_CASE("sandbox_spec: one overlay per output directory, outputs read from its upper layer") {
    auto r = request();
    r.outputs = {"obj/main.o", "obj/main.dwo", "/tmp/x/y.su"};
    auto spec = sandbox_spec("/jobs/job-1", r);
    REQUIRE(spec);
    CHECK(spec->root == "/jobs/job-1/root");
    REQUIRE(spec->writable.size() == 2);
    CHECK(spec->writable[0].path == "/home/me/proj/obj");
    CHECK(spec->writable[1].path == "/tmp/x");
    CHECK(written_output(*spec, r.cwd, "obj/main.dwo") == "/jobs/job-1/upper/0/main.dwo");
    CHECK(written_output(*spec, r.cwd, "/tmp/x/y.su") == "/jobs/job-1/upper/1/y.su");

    r.outputs = {"a,b/main.o"}; // overlayfs options cannot spell it
    CHECK_FALSE(sandbox_spec("/jobs/job-1", r));
}

// parse_trampoline over these words, as ferryd-exec gets them.
static std::optional<TrampolineCall> parse_words(std::vector<std::string> words) {
    std::vector<char*> argv;
    for (auto& w : words)
        argv.push_back(w.data());
    return parse_trampoline(static_cast<int>(argv.size()), argv.data());
}

TEST_CASE("the trampoline's sandbox words round-trip") {
    SandboxSpec spec{"/j/root", "/home/me/proj", "/j/tmp", {{"/home/me/proj", "/j/u/0", "/j/w/0"}}};
    auto words = trampoline_argv(ResourceLimits{}, "/usr/bin/gcc", {"gcc", "-c", "x.c"}, spec);
    auto call = parse_words(words);
    REQUIRE(call);
    REQUIRE(call->sandbox);
    CHECK(call->sandbox->root == spec.root);
    CHECK(call->sandbox->cwd == spec.cwd);
    REQUIRE(call->sandbox->writable.size() == 1);
    CHECK(call->sandbox->writable[0].upper == "/j/u/0");
    CHECK(call->program == "/usr/bin/gcc");
    CHECK(call->argv == std::vector<std::string>{"gcc", "-c", "x.c"});
    CHECK_FALSE(call->check_only);
    CHECK_FALSE(call->sandbox->join_net);

    // A job lent a network namespace says so after the writable directories.
    SandboxSpec lent = spec;
    lent.join_net = true;
    auto joined =
        parse_words(trampoline_argv(ResourceLimits{}, "/usr/bin/gcc", {"gcc", "-c"}, lent));
    REQUIRE(joined);
    REQUIRE(joined->sandbox);
    CHECK(joined->sandbox->join_net);
    CHECK(joined->sandbox->writable.size() == 1);
    CHECK(joined->argv == std::vector<std::string>{"gcc", "-c"});

    auto checked = parse_words(sandbox_check_argv(spec));
    REQUIRE(checked);
    CHECK(checked->check_only);

    // A relative path anywhere in the sandbox words is malformed.
    words[2] = "relative";
    CHECK_FALSE(parse_words(words));
}
