#include "remote/runner/mirror_worker.hpp"

#include "remote/runner/job_root.hpp"

namespace ferry::runner {

// A finished job's mirror, changed into this job's; when that fails, nothing of it is kept,
// and a mirror that cannot be emptied is not used at all (what is left in it could be seen).
static bool reuse_previous(MirrorWork& work) {
    auto retired = retire_mirror(work.setup.dir->path(), *work.previous, work.plan, work.kept);
    if (retired) {
        work.retired = *retired;
        return true;
    }
    work.reuse_failed = retired.error().message; // logged on the loop
    if (!remove_tree(work.setup.root)) {
        work.built = make_error(Errc::io, "building the mirror: {}, and it cannot be removed",
                                retired.error().message);
        return false;
    }
    work.previous = nullptr;
    work.kept.clear();
    work.missing.merge(work.kept_uncached);
    return true;
}

void build_mirror(MirrorWork& work) {
    if (work.previous && !reuse_previous(work)) return;
    auto made = create_directories(work.setup.root, work.plan, work.previous.get());
    if (made && work.setup.sandbox) made = make_sandbox_fixtures(*work.setup.sandbox);
    if (!made) {
        work.built = Error{made.error().code, "building the mirror: " + made.error().message};
        return;
    }
    for (auto& candidate : work.reusable) {
        auto stored = reuse_installed(work.cache_dir, candidate);
        if (!stored) {
            work.missing.insert(candidate.hash);
            continue;
        }
        work.reused.emplace_back(candidate.hash, candidate.size);
        work.cached.emplace_back(std::move(candidate.hash), std::move(*stored));
    }
    work.reusable.clear();
    for (const auto& [hash, source] : work.cached) {
        if (work.kept.count(hash)) continue;
        auto placed = place_file(work.setup.root, work.plan.placements[hash], source);
        if (!placed) {
            work.built =
                Error{placed.error().code, "building the mirror: " + placed.error().message};
            return;
        }
        // Evicted since the lookup (another job's files were trimmed): fetch it like any
        // file the cache never had.
        if (placed->source_missing) {
            work.missing.insert(hash);
            continue;
        }
        work.placed.linked += placed->linked;
        work.placed.copied += placed->copied;
    }
}

namespace {

template <typename Work> struct Request {
    uv_work_t req{};
    std::unique_ptr<Work> work;
    std::shared_ptr<void> state; // keeps the worker's State alive until after_work
};

struct Discard {
    uv_work_t req{};
    std::optional<TempDir> dir;
};

void run(IntakeCheck& work) {
    check_intake(work);
}
void run(MirrorWork& work) {
    build_mirror(work);
}

} // namespace

void MirrorWorker::discard(std::optional<TempDir> dir) {
    if (!dir) return;
    auto request = std::make_unique<Discard>();
    request->req.data = request.get();
    request->dir = std::move(dir);
    int rc = uv_queue_work(
        m_loop, &request->req,
        [](uv_work_t* req) { static_cast<Discard*>(req->data)->dir.reset(); },
        [](uv_work_t* req, int) {
            std::unique_ptr<Discard> done(static_cast<Discard*>(req->data));
        });
    if (rc == 0) (void)request.release(); // freed by the after-work callback
}

MirrorWorker::MirrorWorker(uv_loop_t* loop, Checked checked, Done done)
    : m_loop(loop), m_state(std::make_shared<State>()) {
    m_state->checked = std::move(checked);
    m_state->done = std::move(done);
}

MirrorWorker::~MirrorWorker() {
    m_state->alive = false;
    m_state->checked = nullptr;
    m_state->done = nullptr;
}

void MirrorWorker::deliver(State& state, std::unique_ptr<IntakeCheck> work, int status) {
    if (status == UV_ECANCELED) {
        work->verdict = IntakeCheck::Verdict::refused;
        work->message = "checking the request was cancelled";
    }
    if (state.alive && state.checked) state.checked(std::move(work));
}

void MirrorWorker::deliver(State& state, std::unique_ptr<MirrorWork> work, int status) {
    if (status == UV_ECANCELED)
        work->built = make_error(Errc::io, "building the mirror was cancelled");
    if (state.alive && state.done) state.done(std::move(work));
}

template <typename Work> Result<void> MirrorWorker::queue(std::unique_ptr<Work>& work) {
    auto request = std::make_unique<Request<Work>>();
    request->req.data = request.get();
    request->state = m_state;
    request->work = std::move(work);
    int rc = uv_queue_work(
        m_loop, &request->req,
        [](uv_work_t* req) { run(*static_cast<Request<Work>*>(req->data)->work); },
        [](uv_work_t* req, int status) {
            std::unique_ptr<Request<Work>> done(static_cast<Request<Work>*>(req->data));
            auto state = std::static_pointer_cast<State>(done->state);
            --state->in_flight;
            deliver(*state, std::move(done->work), status);
        });
    if (rc != 0) {
        work = std::move(request->work);
        return make_error(Errc::io, "thread pool: {}", uv_strerror(rc));
    }
    ++m_state->in_flight;
    (void)request.release(); // freed by the after-work callback
    return ok();
}

Result<void> MirrorWorker::check(std::unique_ptr<IntakeCheck>& work) {
    return queue(work);
}

Result<void> MirrorWorker::start(std::unique_ptr<MirrorWork>& work) {
    return queue(work);
}

} // namespace ferry::runner
