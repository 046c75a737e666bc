#include "remote/runner/job_queue.hpp"

#include <doctest/doctest.h>

using namespace ferry::runner;

TEST_CASE("at most `slots` jobs run; the rest wait in order; past the limit they are refused") {
    JobQueue q(2, 2);
    CHECK(q.admit(1) == JobQueue::Admit::run_now);
    CHECK(q.admit(2) == JobQueue::Admit::run_now);
    CHECK(q.admit(3) == JobQueue::Admit::queued);
    CHECK(q.admit(4) == JobQueue::Admit::queued);
    CHECK(q.admit(5) == JobQueue::Admit::full);
    CHECK(q.running() == 2);
    CHECK(q.waiting() == 2);
    CHECK(q.finish(2) == std::optional<uint64_t>(3));
    CHECK(q.is_running(3));
    CHECK(q.remove_waiting(4));
    CHECK_FALSE(q.remove_waiting(4));
    CHECK(q.finish(1) == std::nullopt);
    CHECK(q.running() == 1);
    CHECK(q.admit(6) == JobQueue::Admit::run_now);
}

TEST_CASE("a waiting queue is never overtaken") {
    JobQueue q(1, 10);
    CHECK(q.admit(1) == JobQueue::Admit::run_now);
    CHECK(q.admit(2) == JobQueue::Admit::queued);
    CHECK(q.admit(3) == JobQueue::Admit::queued);
    CHECK(q.finish(1) == std::optional<uint64_t>(2));
    CHECK(q.finish(2) == std::optional<uint64_t>(3));
    CHECK(q.finish(3) == std::nullopt);
    CHECK(q.running() == 0);
}
