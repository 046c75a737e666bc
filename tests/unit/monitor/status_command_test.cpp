#include "monitor/status_command.hpp"

#include <doctest/doctest.h>

TEST_CASE("the status table shows every runner and the totals") {
    ferry::proto::IpcStatus status;
    status.pid = 777;
    status.remote_capacity = 2;
    status.local_slots = 8;
    status.local_in_use = 3;
    status.jobs_remote = 12;
    status.jobs_local = 5;
    status.runners.push_back({"alpha", "127.0.0.2:3633", "up", 2, 1, 10, 0, "", {}, false, 0});
    status.runners.push_back(
        {"beta", "127.0.0.3:3633", "backoff", 4, 0, 2, 3, "connection refused", {}, false, 0});
    auto text = ferry::monitor::format_status(status, "$FERRY_HOSTS");
    CHECK(text.find("pid 777") != std::string::npos);
    CHECK(text.find("$FERRY_HOSTS") != std::string::npos);
    CHECK(text.find("127.0.0.3:3633") != std::string::npos);
    CHECK(text.find("backoff") != std::string::npos);
    CHECK(text.find("connection refused") != std::string::npos);
    CHECK(text.find("remote capacity: 2 slots") != std::string::npos);
    CHECK(text.find("3 of 8 in use") != std::string::npos);
    CHECK(text.find("12 remote, 5 local") != std::string::npos);

    status.runners.clear();
    CHECK(ferry::monitor::format_status(status, "").find("no runners") != std::string::npos);
}

TEST_CASE("the status table shows each runner's compilers and its backoff") {
    ferry::proto::IpcStatus status;
    ferry::proto::RunnerStatus up{"alpha", "127.0.0.2:3633", "up", 2, 0, 1, 0, "", {}, true, 0};
    up.compilers = {{"gcc", "c", "x86_64-linux-gnu", "gcc (Debian 12.2.0-14) 12.2.0", "ab"},
                    {"clang-14", "c", "x86_64-pc-linux-gnu", "Debian clang version 14", "cd"}};
    ferry::proto::RunnerStatus down{"beta", "127.0.0.3:3633", "backoff", 4,     0,   0,
                                    1,      "refused",        {},        false, 2500};
    status.runners = {up, down};
    auto text = ferry::monitor::format_status(status, "hosts.toml");
    CHECK(text.find("  alpha compiler gcc: gcc (Debian 12.2.0-14) 12.2.0 (x86_64-linux-gnu)\n") !=
          std::string::npos);
    CHECK(text.find("  alpha compiler clang-14: Debian clang version 14 (x86_64-pc-linux-gnu)\n") !=
          std::string::npos);
    CHECK(text.find("  alpha also runs the client's own compilers") != std::string::npos);
    CHECK(text.find("  beta: next try in 2.5 s\n") != std::string::npos);
    CHECK(text.find("beta also runs") == std::string::npos);
    CHECK(text.find("beta compiler") == std::string::npos);
}

TEST_CASE("the include analysis line: only when shadow mode analysed units") {
    ferry::proto::IpcStatus status;
    CHECK(ferry::monitor::format_status(status, "").find("include analysis") == std::string::npos);
    status.shadow_units = 4;
    status.shadow_superset = 2;
    status.shadow_missed = 1;
    status.shadow_refused = 1;
    status.shadow_median_us = 12'300;
    status.shadow_analysis_us = 60'000;
    CHECK(ferry::monitor::format_status(status, "")
              .find("\ninclude analysis (shadow): 4 units, 2 superset, 1 missed, 1 refused, "
                    "median/mean 12.3/15.0 ms\n") != std::string::npos);
}

TEST_CASE("the speculative starts line: only once there were some") {
    ferry::proto::IpcStatus status;
    CHECK(ferry::monitor::format_status(status, "").find("speculative") == std::string::npos);
    status.speculative_used = 5;
    status.speculative_unused = 2;
    CHECK(ferry::monitor::format_status(status, "")
              .find("\nspeculative starts: 5 used, 2 unused\n") != std::string::npos);
}
