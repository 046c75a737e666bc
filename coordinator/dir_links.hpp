// The symbolic links that sit in the directories a compile searches or includes from, so a
// job can follow a path the compiler tries but -H never lists. A `#pragma once` header (or,
// with clang, a guarded one) reached a second time through a symlinked directory
// ("alias/po.h" after "real/po.h", alias -> real) is opened or looked up but never entered,
// so the scan does not name it; without `alias` the runner finds nothing and fails.
//
// A directory is listed once and remembered until its mtime (or inode) changes: adding,
// removing or retargeting a link (ln -sf unlinks and creates) changes the directory's mtime.
#pragma once

#include "util/path_memo.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ferry::coordinator {

struct DirLink {
    std::string name;   // the entry's name in the directory
    std::string target; // readlink(), verbatim
};

class DirLinks {
  public:
    // One job's manifest: the names it looks up are answered from what was seen before only
    // while their directories are unchanged (util/path_memo.hpp), each checked once a job.
    void begin_pass() { m_lookups.begin_pass(); }
    // Whether anything is at `path` (absolute): the precompiled headers a compile would use
    // instead of a header (`x.h.gch` beside each shipped x.h), missing for almost every job.
    bool exists(const std::string& path) { return m_lookups.kind(path) != PathMemo::Kind::missing; }

    // The links directly in `dir` (absolute, physical). A directory that cannot be read
    // yields no links: then the compile sees the same as before this cache existed, and a
    // path it misses still fails as "file not found" and compiles locally.
    const std::vector<DirLink>& links_in(const std::string& dir);

  private:
    struct Listing {
        int64_t mtime_sec = 0;
        int64_t mtime_nsec = 0;
        uint64_t dev = 0;
        uint64_t ino = 0;
        std::vector<DirLink> links;
        bool racy = false; // listed too soon after a change to be reused
    };
    // A coordinator lives for a user's builds; this bounds what it keeps for directories
    // it will not see again.
    static constexpr size_t kMaxDirs = 8192;

    std::unordered_map<std::string, Listing> m_dirs;
    std::vector<DirLink> m_none;
    PathMemo m_lookups;
};

} // namespace ferry::coordinator
