// The coordinator's IPC messages as the browser reads them: JSON objects whose field names
// are those of remote/protocol/messages.hpp, so docs/protocol.md §6 documents both. Built
// with nlohmann/json, so every string (a source path may hold any byte) is escaped correctly.
#pragma once

#include "ipc/messages.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace ferry::monitor::web {

nlohmann::json to_json(const proto::IpcStatus& status);
nlohmann::json to_json(const proto::JobView& job);
nlohmann::json to_json(const proto::IpcJobs& jobs);
nlohmann::json to_json(const proto::IpcJobEvent& event);

// Serialised on one line; bytes that are not UTF-8 become U+FFFD instead of an exception.
std::string dump(const nlohmann::json& value);

} // namespace ferry::monitor::web
