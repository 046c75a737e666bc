#include "coordinator/runner_fault.hpp"

#include <csignal>
#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

proto::JobResult completed(int exit_code, std::string err, int term_signal = 0) {
    proto::JobResult r;
    r.status = proto::JobStatus::completed;
    r.exit_code = exit_code;
    r.term_signal = term_signal;
    r.stderr_data = std::move(err);
    return r;
}

} // namespace

TEST_CASE("runner fault: a compile error or a success is the user's answer") {
    CHECK_FALSE(runner_fault(completed(0, "")));
    CHECK_FALSE(runner_fault(completed(0, "a.c:1:1: warning: unused variable 'x'\n")));
    CHECK_FALSE(
        runner_fault(completed(1, "a.c: In function 'f':\na.c:2:5: error: 'y' undeclared\n")));
    proto::JobResult failed = completed(1, " signal terminated program cc1");
    failed.status = proto::JobStatus::failed; // already the runner's failure: nothing to add
    CHECK_FALSE(runner_fault(failed));
}

TEST_CASE("runner fault: gcc's program killed by the runner's file size limit") {
    auto fault = runner_fault(completed(
        4, "cc: internal compiler error: File size limit exceeded signal terminated program cc1\n"
           "Please submit a full bug report, with preprocessed source.\n"));
    REQUIRE(fault);
    CHECK(*fault == "the compiler died there: cc: internal compiler error: File size limit "
                    "exceeded signal terminated program cc1");
}

TEST_CASE("runner fault: clang's and memory limits, the driver killed by a signal") {
    CHECK(runner_fault(completed(1, "clang: error: unable to execute command: File size limit "
                                    "exceeded\nclang: error: clang frontend command failed "
                                    "due to signal (use -v to see invocation)\n")));
    CHECK(runner_fault(completed(1, "cc1: out of memory allocating 65536 bytes after a total "
                                    "of 4194304 bytes\n")));
    auto killed = runner_fault(completed(-1, "", SIGKILL));
    REQUIRE(killed);
    CHECK(killed->find("signal 9") != std::string::npos);
}

TEST_CASE("runner fault: the reason is one line, and not too long") {
    std::string err =
        "first line\n" + std::string(500, 'x') + " signal terminated program as\nlast line\n";
    auto fault = runner_fault(completed(4, err));
    REQUIRE(fault);
    CHECK(fault->find('\n') == std::string::npos);
    CHECK(fault->size() < 260);
    CHECK(fault->find("first line") == std::string::npos);
}
