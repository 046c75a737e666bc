// What the dashboard serves at each path: the embedded page, /state (the board as JSON) and
// /events (the stream). Kept apart from the loop so that routing is testable without sockets.
#pragma once

#include "monitor/board.hpp"
#include "monitor/web/http_server.hpp"

namespace ferry::monitor::web {

// The router for a server showing `board` (which must outlive it).
Router dashboard_router(const Board& board);

// The event-stream messages the dashboard sends (docs/dashboard.md).
std::string snapshot_message(const proto::IpcJobs& jobs);
std::string job_message(const proto::IpcJobEvent& event);

} // namespace ferry::monitor::web
