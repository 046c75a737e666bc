// Whether a path exists, and whether it is a directory, remembered while the directory the
// answer was read from is unchanged. Include analysis looks every header up along the
// search path (`<stdio.h>` in each -I before /usr/include), hundreds of stat(2) calls per
// unit, almost all misses and the same for every unit of a build. A directory's entries
// change only with its stamp (creating, removing or renaming an entry sets its mtime and
// ctime; the dev/inode pair says the path still leads to the same directory), so one stat
// of the directory per pass answers every name looked up in it again.
//
// A pass (`begin_pass`: one unit's analysis, one job's manifest) checks each directory it
// uses once, at first use: its answers are as fresh as the pass's own probes would be.
// Never remembered: a name that is a symbolic link (its target may change while no
// directory on its path does), an answer below a missing component that is a link, one
// whose directory changed within the racy window (stat_cache.hpp: a change in the same
// timestamp tick leaves the stamp as it was), and any error other than "not there".
//
// Not thread-safe: each thread keeps its own.
#pragma once

#include "util/stat_cache.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

namespace ferry {

class PathMemo {
  public:
    enum class Kind : uint8_t {
        missing,   // nothing there (or not reachable: a component is missing or not a dir)
        directory, // stat(2) says a directory
        other,     // stat(2) says anything else: a file a compiler could open
    };
    struct Counters {
        uint64_t lookups = 0;
        uint64_t remembered = 0; // lookups answered without a stat of the path
        uint64_t dir_checks = 0; // stats of a directory vouching for answers
    };
    using Clock = std::function<int64_t()>;

    // `now_ns`: the wall clock (realtime_ns); tests replace it.
    explicit PathMemo(Clock now_ns = {});

    // A new pass: every directory is checked again before its answers are used.
    void begin_pass() { ++m_pass; }
    // What stat(2) of `path` says now (absolute, or relative to the process's directory).
    Kind kind(const std::string& path);

    const Counters& counters() const { return m_counters; }
    size_t size() const { return m_answers.size(); }

  private:
    struct Dir {
        StatStamp stamp;
        uint64_t generation = 0; // moves on whenever the stamp does: older answers lapse
        uint64_t checked_pass = 0;
        bool trusted = false; // in checked_pass: unchanged and not too new
    };
    using DirSlot = std::pair<const std::string, Dir>; // m_dirs' nodes: they never move
    struct Answer {
        Kind kind = Kind::missing;
        DirSlot* dir = nullptr; // the directory vouching for it: no second lookup by name
        uint64_t generation = 0;
    };

    Kind probe(const std::string& path);
    DirSlot& dir_slot(const std::string& dir) { return *m_dirs.try_emplace(dir).first; }
    // The directory this pass, checked once: null when its answers cannot be used.
    const Dir* vouching(DirSlot& dir);
    void remember(const std::string& path, Kind kind, DirSlot& dir);

    // A coordinator lives for a user's builds: this bounds what it keeps of paths it will
    // not see again.
    static constexpr size_t kMaxAnswers = size_t(1) << 18;

    Clock m_now_ns;
    uint64_t m_pass = 1;
    std::unordered_map<std::string, Answer> m_answers;
    std::unordered_map<std::string, Dir> m_dirs; // cleared only with m_answers
    Counters m_counters;
};

} // namespace ferry
