// A header's walk remembered across units (docs/include-analysis.md, step 6). Every unit of a
// build walks <stdio.h> or <openssl/evp.h> again, mostly with the same macros in effect: a
// memo entry records what one visit of a header *read* (each macro's value at its first
// read, each `#pragma once` identity asked about, the stamp of every file it visited) and
// what it *did* (the macros it left, the `#pragma once` identities it added, the files,
// probes and `__has_include` names it reported, its visits and work). A later visit of the
// same file, found at the same place under the same search lists, replays the entry instead
// of walking when every read still holds (analyser.cpp checks them) — the same answer, in the
// same order, as the walk. Visits that recorded a problem, a `#pragma push_macro`, or a file
// too new to trust are never remembered.
//
// Owned by the coordinator's analyst (one thread at a time), bounded in size.
#pragma once

#include "coordinator/includes/macro_table.hpp"
#include "util/stat_cache.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace ferry::includes {

// Names (macros, paths, `#pragma once` identities) are the memo's interned strings, each
// with a small number of its own (a walk marks what it noted in arrays, not in hash sets).
struct Atom {
    std::string text;
    uint32_t id = 0;
    size_t hash = 0; // name_hash(text): a macro table finds the name by it
    NameRef ref() const { return {text, hash}; }
};
using Name = const Atom*;

struct MemoEntry {
    std::vector<std::pair<Name, MacroValue>> reads;  // first reads, before any write
    std::vector<std::pair<Name, MacroValue>> writes; // the values it left
    std::vector<std::pair<Name, bool>> once_reads;   // identity, present
    std::vector<Name> once_adds;
    std::vector<std::pair<Name, StatStamp>> stamps; // every file it visited
    std::vector<Name> files;                        // as Analysis, in the walk's order
    std::vector<Name> probes;
    std::vector<Name> asked; // __has_include names
    uint64_t visits = 0;
    uint64_t work = 0; // AnalyserInput::max_work's units
    int nesting = 0;   // the deepest #include below the visit, relative to it
    size_t bytes() const;
};

class WalkMemo {
  public:
    // `max_bytes`: past it the memo starts again empty (300 OpenSSL units' entries take
    // 28 MB: a build's headers under a few configurations fit in the default).
    explicit WalkMemo(size_t max_bytes = size_t(128) << 20) : m_max_bytes(max_bytes) {}

    // Before each walk: a memo past its size starts again empty (never during a walk: the
    // walk holds its names).
    void begin_walk();
    // The one copy of `s` the memo keeps, for as long as it keeps its entries.
    Name intern(NameRef s);
    // Keeps `owner` — a lexed file whose #defines a walk may put in its table, the predefined
    // macros' among them — for as long as the entries: their values borrow those macros
    // (MacroValue). A walk keeps each file it lexes before it can record anything from it.
    template <typename T> void keep(const std::shared_ptr<T>& owner) {
        // Asked for every file a walk visits: a lookup, and a copy only of a new owner.
        // The lexed files are the DirectiveCache's too: only the key is the memo's cost.
        if (owner && m_owners.try_emplace(owner.get(), owner).second) m_bytes += 48;
    }

    using Entries = std::vector<std::shared_ptr<const MemoEntry>>;
    // The entries of a key, newest first; null when there are none.
    const Entries* find(const std::string& key) const;
    void add(const std::string& key, std::shared_ptr<const MemoEntry> entry);

    struct Counters {
        uint64_t hits = 0;     // visits replayed
        uint64_t misses = 0;   // visits walked with entries of their key, none valid
        uint64_t recorded = 0; // entries added
        uint64_t resets = 0;   // times the memo went past its size and started again
    };
    Counters& counters() { return m_counters; }
    const Counters& counters() const { return m_counters; }
    size_t bytes() const { return m_bytes; }
    size_t size() const { return m_map.size(); }

  private:
    // A header read under many configurations (<stddef.h> and its __need_* macros) keeps
    // its most recent ones.
    static constexpr size_t k_per_key = 8;
    struct Hash {
        using is_transparent = void;
        size_t operator()(const NameRef& n) const noexcept { return n.hash; }
        size_t operator()(const Atom& a) const noexcept { return a.hash; }
    };
    struct Equal {
        using is_transparent = void;
        bool operator()(const Atom& a, const Atom& b) const { return a.text == b.text; }
        bool operator()(const NameRef& a, const Atom& b) const { return a.text == b.text; }
        bool operator()(const Atom& a, const NameRef& b) const { return a.text == b.text; }
    };
    std::unordered_map<std::string, Entries> m_map;
    std::unordered_set<Atom, Hash, Equal> m_names;
    std::unordered_map<const void*, std::shared_ptr<const void>> m_owners;
    size_t m_bytes = 0;
    size_t m_max_bytes;
    Counters m_counters;
};

} // namespace ferry::includes
