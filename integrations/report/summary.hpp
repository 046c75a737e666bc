// The build summary: what became of a build's jobs, from the finished JobViews the watch
// collected. Pure: no I/O, so the numbers are tested on synthetic jobs.
//
// A job is one compile: `remote`, `local` (kept here by the wrapper: an option, an output
// that is not a regular file) or `fallback` (sent back by the coordinator or a runner).
// Links and preprocess-only steps also take local slots but are not compiles; they are
// counted apart and never as jobs, so "N jobs" matches the build's compile rules.
#pragma once

#include "ipc/messages.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ferry::integrations::report {

struct Summary {
    uint64_t jobs = 0; // remote + local + sent_back
    uint64_t remote = 0;
    uint64_t local = 0;     // kept local by the wrapper
    uint64_t sent_back = 0; // fallback
    uint64_t links = 0;
    uint64_t preprocess = 0;
    uint64_t speculation_unused = 0; // wasted speculative starts (client/speculation.hpp)
    uint64_t cancelled = 0;
    std::map<std::string, uint64_t> per_runner;        // remote jobs by runner
    std::map<std::string, uint64_t> local_reasons;     // kept local, by reason
    std::map<std::string, uint64_t> sent_back_reasons; // fallback, by reason
    uint64_t waited_us = 0;    // every `wait` and `queue` step, links included
    uint64_t moved_off_ms = 0; // the runners' compile time of remote jobs
};

Summary summarise(const std::vector<proto::JobView>& finished);

// At most 6 lines, each starting "ferry: ", each ending in '\n'. `incomplete` (the watch
// lost the coordinator) adds a line saying the numbers may be short.
std::string summary_text(const Summary& s, bool incomplete = false);

} // namespace ferry::integrations::report
