#include "integrations/report/build_watch.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ferry::integrations::report {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kProgressIntervalMs = 250;
constexpr auto kQuiet = milliseconds(100);
constexpr auto kDrainLimit = milliseconds(3000);
// finish() gives the thread this long beyond the drain before cutting the socket.
constexpr auto kJoinLimit = milliseconds(4000);
constexpr int kFirstSnapshotMs = 10000;
constexpr int kBoardCheckMs = 500;

bool counts_as_job(const std::string& outcome) {
    return outcome == "remote" || outcome == "local" || outcome == "fallback";
}

} // namespace

Result<std::unique_ptr<BuildWatch>> BuildWatch::start(const config::Config& config,
                                                      const std::string& hosts_flag,
                                                      const std::string& build_id,
                                                      ProgressFn progress) {
    FERRY_TRY(client, ipc::CoordinatorClient::connect(config, hosts_flag, true));
    FERRY_TRY_VOID(client->watch(proto::IpcWatch{build_id, false}));
    FERRY_TRY(first, client->next_frame(kFirstSnapshotMs));
    if (!*first) return make_error(Errc::timeout, "the coordinator did not answer the watch");
    FERRY_TRY(snapshot, proto::decode_as<proto::IpcJobs>(**first));

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return errno_error("pipe2", errno);
    Fd wake_read(pipe_fds[0]), wake_write(pipe_fds[1]);
    auto w =
        std::make_unique<BuildWatch>(Private{}, config, hosts_flag, build_id, std::move(*client),
                                     std::move(wake_read), std::move(wake_write));
    w->m_result.start_us = snapshot->now_us;
    for (const auto& job : snapshot->jobs)
        w->m_live[job.id] = job;

    // The build's signals (Ctrl-C, SIGCHLD) belong to the main thread, which waits for them
    // on a signalfd: the watch thread must never be the one a signal is delivered to.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &old);
    BuildWatch* self = w.get();
    w->m_thread = std::thread([self, progress = std::move(progress)]() mutable {
        self->run(progress);
        self->m_done.set_value();
    });
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return w;
}

BuildWatch::BuildWatch(Private, config::Config config, std::string hosts_flag, std::string build_id,
                       ipc::CoordinatorClient watcher, Fd wake_read, Fd wake_write)
    : m_config(std::move(config)), m_hosts_flag(std::move(hosts_flag)),
      m_build(std::move(build_id)), m_watcher(std::move(watcher)),
      m_wake_read(std::move(wake_read)), m_wake_write(std::move(wake_write)) {}

BuildWatch::~BuildWatch() {
    if (!m_joined) (void)finish();
}

LiveCounts BuildWatch::counts() const {
    LiveCounts c;
    for (const auto& job : m_result.finished)
        if (counts_as_job(job.outcome)) ++c.done;
    for (const auto& [id, job] : m_live) {
        if (job.phase == "wait" || job.phase == "queue" || job.phase == "waiting")
            ++c.queued;
        else
            ++c.running;
    }
    return c;
}

bool BuildWatch::handle(const proto::Frame& frame) {
    if (frame.type == proto::MsgType::ipc_job_event) {
        auto event = proto::decode_as<proto::IpcJobEvent>(frame);
        if (!event) {
            m_result.problem = event.error().message;
            return false;
        }
        // The coordinator filters on the build; a job of another build is not ours
        // whatever it says, so it cannot pad this build's summary.
        if (event->job.build != m_build) return true;
        if (event->finished) {
            m_live.erase(event->job.id);
            m_result.finished.push_back(std::move(event->job));
        } else {
            m_live[event->job.id] = std::move(event->job);
        }
        return true;
    }
    if (frame.type == proto::MsgType::ipc_jobs) {
        auto snapshot = proto::decode_as<proto::IpcJobs>(frame);
        if (!snapshot) {
            m_result.problem = snapshot.error().message;
            return false;
        }
        m_live.clear();
        for (auto& job : snapshot->jobs)
            if (job.build == m_build) m_live[job.id] = std::move(job);
        return true;
    }
    m_result.problem = "unexpected frame from the coordinator";
    return false;
}

bool BuildWatch::board_has_our_jobs() {
    // A second watch rather than ipc_jobs_request: its snapshot comes at once, lists only
    // this build's jobs, and next_frame() bounds the wait, so a coordinator that stops
    // answering cannot hold ferry's exit.
    auto client = ipc::CoordinatorClient::connect(m_config, m_hosts_flag, false);
    if (!client) return false; // no coordinator: nothing more will come
    if (!client->watch(proto::IpcWatch{m_build, false})) return false;
    auto frame = client->next_frame(kBoardCheckMs);
    if (!frame || !*frame) return false;
    auto snapshot = proto::decode_as<proto::IpcJobs>(**frame);
    if (!snapshot) return false;
    for (const auto& job : snapshot->jobs)
        if (job.build == m_build) return true;
    return false;
}

void BuildWatch::run(const ProgressFn& progress) {
    auto next_progress = Clock::now();
    Clock::time_point stop_at{}, last_frame = Clock::now();
    bool stopping = false;
    for (;;) {
        if (!stopping && m_stopping.load()) {
            stopping = true;
            stop_at = Clock::now();
        }
        if (stopping) {
            auto now = Clock::now();
            if (m_live.empty() && now - last_frame >= kQuiet && !board_has_our_jobs()) break;
            if (now - stop_at >= kDrainLimit) {
                m_result.incomplete = true;
                m_result.problem = "jobs of the build were still in flight after it ended";
                break;
            }
        }
        pollfd fds[2] = {{m_watcher.fd(), POLLIN, 0}, {m_wake_read.get(), POLLIN, 0}};
        int r = ::poll(fds, 2, stopping ? 50 : kProgressIntervalMs);
        if (r < 0 && errno != EINTR) {
            m_result.incomplete = true;
            m_result.problem = "poll failed";
            break;
        }
        if (r > 0 && fds[1].revents) {
            char buf[16];
            while (::read(m_wake_read.get(), buf, sizeof buf) > 0) {
            }
        }
        if (r > 0 && fds[0].revents) {
            auto frame = m_watcher.next_frame(0);
            if (!frame || !*frame || !handle(**frame)) {
                if (!frame) m_result.problem = frame.error().message;
                if (frame && !*frame) m_result.problem = "the coordinator closed the watch";
                m_result.incomplete = true;
                break;
            }
            last_frame = Clock::now();
        }
        if (progress && Clock::now() >= next_progress) {
            progress(counts());
            next_progress = Clock::now() + milliseconds(kProgressIntervalMs);
        }
    }
    if (progress) progress(counts());
}

WatchResult BuildWatch::finish() {
    if (m_joined) return {};
    m_joined = true;
    m_stopping.store(true);
    [[maybe_unused]] auto n = ::write(m_wake_write.get(), "x", 1);
    const bool stuck =
        m_done.get_future().wait_for(kDrainLimit + kJoinLimit) != std::future_status::ready;
    // Stuck inside a frame the coordinator never finished: cut it.
    if (stuck) ::shutdown(m_watcher.fd(), SHUT_RDWR);
    m_thread.join();
    if (stuck) {
        m_result.incomplete = true;
        m_result.problem = "the coordinator stopped in the middle of a message";
    }
    return std::move(m_result);
}

} // namespace ferry::integrations::report
