// The mirrors of finished jobs, kept for the next jobs of the same connection to be made
// from (mirror_reuse.hpp). Only a connection's own mirrors are offered to it: a client's
// next jobs are the ones that share its files, and a mirror never carries one client's
// files into another's job directory. Bounded in number (the oldest goes first); what a
// connection left goes when it closes. A kept directory is named mirror-*, a job's job-*: the
// runner's jobs directory says which is which. Lives on the server's loop.
#pragma once

#include "remote/runner/mirror.hpp"
#include "util/temp_dir.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace ferry::runner {

inline constexpr std::string_view kJobDirPrefix = "job-";
inline constexpr std::string_view kPooledDirPrefix = "mirror-";

struct PooledMirror {
    uint64_t connection_id = 0;
    TempDir dir;                            // the finished job's directory; root/ is the mirror
    std::shared_ptr<const MirrorPlan> plan; // what root/ holds
};

class MirrorPool {
  public:
    // `capacity`: mirrors kept at once, over all connections.
    explicit MirrorPool(size_t capacity) : m_capacity(capacity) {}

    // Keeps `mirror`; returns the mirrors it no longer keeps, to be removed.
    std::vector<PooledMirror> give(PooledMirror mirror);
    // The connection's most recent mirror, if it has one.
    std::optional<PooledMirror> take(uint64_t connection_id);
    // The connection's mirrors, to be removed.
    std::vector<PooledMirror> drop(uint64_t connection_id);
    size_t size() const { return m_mirrors.size(); }

  private:
    std::deque<PooledMirror> m_mirrors; // oldest first
    size_t m_capacity;
};

} // namespace ferry::runner
