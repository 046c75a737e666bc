// Runs a job's intake off the event loop: checking its request (IntakeCheck: decoding and
// planning a manifest of thousands of entries), building its mirror (creating thousands of
// directories and linking files from the cache are blocking syscalls) and removing its
// directory. On the loop any of these would stall every other client (a ping, a greeting)
// behind one manifest. Each work runs on libuv's thread pool and comes back to the loop
// through its callback (`Checked`, `Done`). A work owns everything it touches (the job's
// directory the whole time, so nothing removes it while a thread is filling it); if the
// MirrorWorker is gone when a work ends, no callback is called and the work (and its
// directory) is dropped on the loop.
#pragma once

#include "remote/runner/installed_reuse.hpp"
#include "remote/runner/intake_check.hpp"
#include "remote/runner/job.hpp"
#include "remote/runner/mirror.hpp"
#include "remote/runner/mirror_reuse.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <uv.h>
#include <vector>

namespace ferry::runner {

struct MirrorWork {
    uint64_t connection_id = 0;
    uint64_t job_id = 0;
    JobSetup setup; // setup.dir is where the mirror goes (setup.root)
    MirrorPlan plan;
    std::vector<std::pair<std::string, std::string>> cached; // hash -> path in the cache
    // In: hashes the cache does not have. Out: also those whose cached copy was evicted
    // before the worker could link it (the client is then asked for them).
    std::set<std::string> missing;
    // In: toolchain files the cache lacks that this machine may have installed
    // (installed_reuse.hpp); `cache_dir` is where they are stored. Out: those reused, with
    // their sizes, for the loop to index (FileCache::adopt); the others join `missing`.
    std::vector<ReuseCandidate> reusable;
    std::string cache_dir;
    std::vector<std::pair<std::string, uint64_t>> reused;
    // In: the plan of a finished job's mirror that setup.dir holds (mirror_reuse.hpp), the
    // contents of `plan` it has at the right places already, and those of them the cache
    // lacks. Out: when the mirror could not be reused (the worker started from nothing),
    // `previous` is null, `kept` empty and `kept_uncached` joined `missing`.
    std::shared_ptr<const MirrorPlan> previous;
    std::set<std::string> kept;
    std::set<std::string> kept_uncached;
    Result<void> built = ok(); // out
    Placed placed;             // out: how the cached files were placed
    Retired retired;           // out: what reusing `previous` kept and removed
    std::string reuse_failed;  // out: why `previous` could not be reused
};

// The blocking part, callable from any thread: directories, the installed files reused,
// then the cached files.
void build_mirror(MirrorWork& work);

class MirrorWorker {
  public:
    using Checked = std::function<void(std::unique_ptr<IntakeCheck>)>;
    using Done = std::function<void(std::unique_ptr<MirrorWork>)>;

    MirrorWorker(uv_loop_t* loop, Checked checked, Done done);
    ~MirrorWorker();
    MirrorWorker(const MirrorWorker&) = delete;
    MirrorWorker& operator=(const MirrorWorker&) = delete;

    // On error (the pool refused the work) the work is handed back untouched.
    Result<void> check(std::unique_ptr<IntakeCheck>& work);
    Result<void> start(std::unique_ptr<MirrorWork>& work);
    // Removes a job directory on the pool: a large mirror takes as long to delete as to
    // build. Removed in place if the pool refuses the work.
    void discard(std::optional<TempDir> dir);
    // Checks and builds queued or running (not removals).
    size_t in_flight() const { return m_state->in_flight; }

  private:
    struct State {
        Checked checked;
        Done done;
        size_t in_flight = 0;
        bool alive = true;
    };
    template <typename Work> Result<void> queue(std::unique_ptr<Work>& work);
    static void deliver(State& state, std::unique_ptr<IntakeCheck> work, int status);
    static void deliver(State& state, std::unique_ptr<MirrorWork> work, int status);

    uv_loop_t* m_loop;
    std::shared_ptr<State> m_state;
};

} // namespace ferry::runner
