#include "monitor/web/routes.hpp"

#include "monitor/web/assets.hpp"
#include "monitor/web/http_response.hpp"
#include "monitor/web/json_view.hpp"
#include "monitor/web/sse.hpp"

namespace ferry::monitor::web {

std::string snapshot_message(const proto::IpcJobs& jobs) {
    return sse_message("snapshot", dump(to_json(jobs)));
}

std::string job_message(const proto::IpcJobEvent& event) {
    return sse_message("job", dump(to_json(event)));
}

Router dashboard_router(const Board& board) {
    return [&board](const http::RequestHead& request) -> Reply {
        const bool head_only = request.method == "HEAD";
        auto body_reply = [&](std::string_view type, std::string_view body) {
            Reply r{response_head(200, type, body.size()), false};
            if (!head_only) r.bytes.append(body);
            return r;
        };
        if (request.path == "/state")
            return body_reply("application/json", dump(to_json(board.snapshot())));
        if (request.path == "/events") {
            // The stream opens with the whole picture, so a page needs no other request.
            Reply r{event_stream_head(), !head_only};
            if (!head_only) r.bytes += sse_retry() + snapshot_message(board.snapshot());
            return r;
        }
        if (const Asset* asset = find_asset(request.path))
            return body_reply(content_type(asset->path), asset->bytes);
        return {error_response(404, head_only), false};
    };
}

} // namespace ferry::monitor::web
