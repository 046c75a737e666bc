// Telling a runner's trouble from the user's compile error. A runner answers
// JobStatus::completed whenever its compiler ran, but a compiler that died of a signal there
// (cc1 killed by the runner's RLIMIT_FSIZE or RLIMIT_CPU, the OOM killer, a crash) or ran out
// of the runner's memory limit has not judged the user's code: that is the runner's failure,
// retried elsewhere or compiled locally, where a genuine internal compiler error shows up
// again as the user's answer (icecream does the same).
#pragma once

#include "remote/protocol/messages.hpp"

#include <optional>
#include <string>

namespace ferry::coordinator {

// Why a completed, failed compile looks like the runner's fault, or nullopt when it is a
// verdict on the code (a compile error, a successful compile).
std::optional<std::string> runner_fault(const proto::JobResult& result);

// Why a failed remote compile may have missed a file the local one would read (an `.incbin`
// the client's check did not recognise, a header found by a rule the scan does not see):
// the job's sandbox holds only what was shipped, so "not found" there proves nothing about
// the code. nullopt when the failure says nothing of a missing file. Such a compile is
// run again locally, whose answer is the user's (distcc retries failed compiles locally
// for the same reason).
std::optional<std::string> missing_input(const proto::JobResult& result);

} // namespace ferry::coordinator
