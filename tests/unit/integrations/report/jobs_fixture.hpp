// Synthetic finished jobs for the report tests: what a coordinator's watch would hand over.
#pragma once

#include "ipc/messages.hpp"

#include <string>
#include <vector>

namespace ferry::integrations::report::testing {

inline proto::PhaseSpan span(std::string phase, std::string lane, int slot, uint64_t start,
                             uint64_t end) {
    return proto::PhaseSpan{std::move(phase), std::move(lane), slot, start, end};
}

// A remote job: wait 10 µs, scan on local slot `id`, queue, then send/compile/receive on
// `runner` slot `slot`, starting at `t`.
inline proto::JobView remote_job(uint64_t id, std::string source, std::string runner, int slot,
                                 uint64_t t, uint64_t compile_ms) {
    proto::JobView j;
    j.id = id;
    j.pid = uint32_t(1000 + id);
    j.build = "b";
    j.source = std::move(source);
    j.runner = runner;
    j.outcome = "remote";
    j.compile_ms = compile_ms;
    j.phases = {span("wait", "", -1, t, t + 10),
                span("scan", "local", int(id), t + 10, t + 100),
                span("queue", "", -1, t + 100, t + 150),
                span("send", runner, slot, t + 150, t + 200),
                span("compile", runner, slot, t + 200, t + 900),
                span("receive", runner, slot, t + 900, t + 950)};
    return j;
}

inline proto::JobView local_job(uint64_t id, std::string source, std::string outcome,
                                std::string reason, int slot, uint64_t t) {
    proto::JobView j;
    j.id = id;
    j.pid = uint32_t(1000 + id);
    j.build = "b";
    j.source = std::move(source);
    j.runner = "local";
    j.outcome = std::move(outcome);
    j.reason = std::move(reason);
    j.phases = {span("wait", "", -1, t, t + 1000),
                span("local", "local", slot, t + 1000, t + 3000)};
    return j;
}

} // namespace ferry::integrations::report::testing
