#include "monitor/mon_command.hpp"

#include "config/hosts.hpp"
#include "ipc/coordinator_client.hpp"
#include "monitor/cluster_bars.hpp"
#include "monitor/interval.hpp"
#include "monitor/job_table.hpp"
#include "monitor/live_screen.hpp"
#include "monitor/terminal.hpp"
#include "monitor/watch.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ferry::monitor {
namespace {

// A coordinator that accepts but never answers must not freeze the monitor (nor make it
// deaf to Ctrl-C): past this, the answer counts as missing.
constexpr int kAnswerTimeoutSeconds = 5;

std::string no_coordinator(const config::Config& config) {
    return fmt::format("ferry mon: no coordinator is running for {}",
                       config.source.empty() ? "(no hosts configured)" : config.source);
}

std::optional<ipc::CoordinatorClient> connect_existing(const config::Config& config,
                                                       const std::string& hosts_flag) {
    auto client = ipc::CoordinatorClient::connect(config, hosts_flag, false);
    if (!client) return std::nullopt;
    const struct timeval tv = {kAnswerTimeoutSeconds, 0};
    ::setsockopt(client->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(client->fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return std::move(*client);
}

// The plain block: the header, the bars, the jobs; a blank line ends it.
std::string plain_block(const proto::IpcJobs& snapshot, const std::string& source) {
    std::string out = status_header(snapshot.status, source) + "\n";
    for (const auto& line : cluster_bars(snapshot.status))
        out += line + "\n";
    for (const auto& line : format_job_table(snapshot.jobs, snapshot.now_us))
        out += line + "\n";
    return out;
}

// Refreshes until SIGINT/SIGTERM, from a watch: what the coordinator sends between two
// refreshes is applied as it comes and drawn at the next one. A coordinator that goes away
// (it exits when idle) is waited for, not fatal: the view says so and watches again at the
// next refresh.
int refresh_loop(const config::Config& config, const std::string& hosts_flag,
                 double interval_seconds, bool live) {
    auto signals = SignalPipe::create({SIGINT, SIGTERM, SIGWINCH});
    if (!signals) {
        std::fprintf(stderr, "ferry mon: %s\n", signals.error().message.c_str());
        return 1;
    }
    std::optional<AlternateScreen> screen;
    if (live) screen.emplace(STDOUT_FILENO);
    const auto interval = std::chrono::milliseconds(std::lround(interval_seconds * 1000));
    bool first = true;
    std::optional<CoordinatorWatch> watch;
    for (;;) {
        if (!watch)
            watch = CoordinatorWatch::open(config, hosts_flag, kAnswerTimeoutSeconds * 1000);
        if (watch && !watch->take_news()) watch.reset();
        std::optional<proto::IpcJobs> snapshot;
        if (watch) snapshot = watch->view();
        const std::string notice =
            snapshot ? std::string() : no_coordinator(config) + " (waiting for one)";
        Result<void> written = ok();
        if (live) {
            written = write_all(
                STDOUT_FILENO,
                draw_screen(render_screen(snapshot ? *snapshot : proto::IpcJobs{}, config.source,
                                          terminal_size(STDOUT_FILENO), notice)));
        } else {
            std::string block = first ? "" : "\n";
            block += snapshot ? plain_block(*snapshot, config.source) : notice + "\n";
            written = write_all(STDOUT_FILENO, block);
        }
        if (!written) return 1; // the reader went away (a closed pipe)
        first = false;

        // Wait for the next refresh, taking the coordinator's news as it comes; a stop ends
        // the loop, a resize of the live view redraws at once (a plain block has no size to
        // keep).
        const auto deadline = std::chrono::steady_clock::now() + interval;
        for (bool redraw = false; !redraw;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            struct pollfd pfds[2] = {{signals->fd(), POLLIN, 0},
                                     {watch ? watch->fd() : -1, POLLIN, 0}};
            if (::poll(pfds, 2, static_cast<int>(left.count())) <= 0) continue;
            if (watch && pfds[1].revents != 0 && !watch->take_news()) watch.reset();
            if (pfds[0].revents == 0) continue;
            for (int signo : signals->take()) {
                if (signo == SIGINT || signo == SIGTERM) return 0;
                redraw = redraw || (signo == SIGWINCH && live);
            }
        }
    }
}

} // namespace

void add_mon_options(CLI::App& sub, MonOptions& options) {
    sub.add_option("SECONDS", options.interval,
                   "refresh every SECONDS (decimals allowed) until interrupted; without it, "
                   "print once");
    sub.add_flag("--plain", options.plain,
                 "text blocks separated by a blank line, even on a terminal");
    sub.add_option("--web", options.web,
                   "serve the live dashboard on [ADDR:]PORT (loopback by default) instead");
}

int mon_command(const MonOptions& options, const std::string& hosts_flag) {
    std::optional<double> interval;
    if (!options.interval.empty()) {
        auto parsed = parse_interval(options.interval);
        if (!parsed) {
            std::fprintf(stderr, "ferry mon: %s\n", parsed.error().message.c_str());
            return 2;
        }
        interval = *parsed;
    }
    auto config = config::load(config::options_from_environment(hosts_flag));
    if (!config) {
        std::fprintf(stderr, "ferry mon: %s\n", config.error().message.c_str());
        return 1;
    }
    auto client = connect_existing(*config, hosts_flag);
    if (!client) {
        std::fprintf(stderr, "%s\n", no_coordinator(*config).c_str());
        return 1;
    }
    if (!interval) {
        auto jobs = client->jobs();
        if (!jobs) {
            std::fprintf(stderr, "ferry mon: no usable answer from the coordinator for %s: %s\n",
                         config->source.c_str(), jobs.error().message.c_str());
            return 1;
        }
        return write_all(STDOUT_FILENO, plain_block(*jobs, config->source)) ? 0 : 1;
    }
    client.reset(); // the refresh loop watches on a connection of its own
    const bool live = !options.plain && ::isatty(STDOUT_FILENO);
    return refresh_loop(*config, hosts_flag, *interval, live);
}

} // namespace ferry::monitor
