// `ferry status --json`: the coordinator's status as one JSON object for scripts. The schema
// is documented in docs/status-json.md and versioned by `schema_version`; within a version
// fields are only ever added, so change this file and that document together.
#pragma once

#include "ipc/messages.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace ferry::monitor {

inline constexpr int kStatusSchemaVersion = 1;

nlohmann::json status_json(const proto::IpcStatus& status, const std::string& config_source);

// The document as one line of text, newline-terminated. Invalid UTF-8 in a runner's error
// or a compiler's version (they come from other machines) is replaced, never thrown on.
std::string status_json_text(const proto::IpcStatus& status, const std::string& config_source);

} // namespace ferry::monitor
