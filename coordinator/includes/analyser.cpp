#include "coordinator/includes/analyser.hpp"

#include "coordinator/includes/expression.hpp"
#include "coordinator/includes/macro_table.hpp"
#include "coordinator/includes/walk_memo.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <memory>
#include <memory_resource>
#include <unordered_map>
#include <unordered_set>

namespace ferry::includes {

bool Analysis::trustworthy() const {
    return std::none_of(problems.begin(), problems.end(),
                        [](const Problem& p) { return p.refuse; });
}

namespace {

constexpr int k_max_depth = 200;        // gcc's limit; deeper is a runaway walk
constexpr size_t k_max_visits = 200000; // a walk that explodes through unknown branches
// A visit cheaper than this is walked every time: its entry would cost as much to check.
constexpr uint64_t k_memo_min_work = 64;

// Relative paths are relative to the compile's directory, not to ours.
class CwdFileSystem final : public FileSystem {
  public:
    CwdFileSystem(FileSystem& fs, std::string cwd) : m_fs(fs), m_cwd(std::move(cwd)) {}
    bool is_file(const std::string& path) override {
        return as_is(path) ? m_fs.is_file(path) : m_fs.is_file(disk(path));
    }
    std::optional<std::string> read(const std::string& path) override {
        return as_is(path) ? m_fs.read(path) : m_fs.read(disk(path));
    }
    std::optional<FileStamp> stamp(const std::string& path) override {
        return as_is(path) ? m_fs.stamp(path) : m_fs.stamp(disk(path));
    }

  private:
    // Most paths are absolute: asked as they are, without a copy.
    bool as_is(const std::string& path) const {
        return path.empty() || path[0] == '/' || m_cwd.empty();
    }
    std::string disk(const std::string& path) const { return join_header_path(m_cwd, path); }
    FileSystem& m_fs;
    std::string m_cwd;
};

std::string dir_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return {};
    return slash == 0 ? "/" : path.substr(0, slash);
}

enum class Act : uint8_t { on, maybe, off };

struct Cond {
    Act act = Act::on;
    Act parent = Act::on;
    bool certainly_taken = false; // some branch so far is surely taken: the rest are off
    bool possibly_taken = false;
};

Act combine(Act parent, Act branch) {
    if (parent == Act::off || branch == Act::off) return Act::off;
    return parent == Act::maybe || branch == Act::maybe ? Act::maybe : Act::on;
}

// The include guard of a file: its first directive is `#ifndef X` (or `#if !defined X`) and
// the matching `#endif` is its last. Empty if the pattern is not exact.
std::string guard_of(const LexedFile& f) {
    const auto& d = f.directives;
    if (d.size() < 2 || d.back().kind != DirectiveKind::endif) return {};
    std::string name;
    const auto& t = d[0].tokens;
    if (d[0].kind == DirectiveKind::ifndef && !t.empty() && t[0].kind == TokenKind::identifier) {
        name = t[0].text;
    } else if (d[0].kind == DirectiveKind::if_ && t.size() >= 3 && t[0].text == "!" &&
               t[1].text == "defined") {
        bool paren = t[2].text == "(";
        size_t at = paren ? 3 : 2;
        if (at < t.size() && t[at].kind == TokenKind::identifier &&
            t.size() == (paren ? at + 2 : at + 1))
            name = t[at].text;
    }
    if (name.empty()) return {};
    int depth = 0;
    for (size_t k = 0; k < d.size(); ++k) {
        auto kind = d[k].kind;
        if (kind == DirectiveKind::if_ || kind == DirectiveKind::ifdef ||
            kind == DirectiveKind::ifndef)
            ++depth;
        else if (kind == DirectiveKind::endif && --depth == 0)
            return k + 1 == d.size() ? name : std::string{};
        else if (depth == 1 && (kind == DirectiveKind::else_ || kind == DirectiveKind::elif ||
                                kind == DirectiveKind::elifdef || kind == DirectiveKind::elifndef))
            return {};
    }
    return {};
}

class Walk final : private MacroObserver {
  public:
    Walk(FileSystem& fs, DirectiveCache& cache, const AnalyserInput& in, WalkMemo* memo)
        : m_fs(fs, in.cwd), m_cache(cache), m_in(in), m_macros(nullptr, &m_arena), m_memo(memo) {
        // A C unit over glibc defines some 5 000 macros: no rehash on the way there.
        m_macros.reserve(8192);
        if (m_memo) {
            m_memo->begin_walk();
            // A visit's answer depends on where relative paths start, the search lists and
            // the lexing options, besides what it reads.
            std::string context = in.cwd;
            for (const auto* list : {&in.lists.quote_dirs, &in.lists.angle_dirs}) {
                context += '\1';
                for (const auto& dir : *list)
                    context += dir + '\0';
            }
            context += in.lex.cplusplus ? '+' : 'c';
            context += in.lex.trigraphs ? 't' : '-';
            m_context = hash_hex(context);
        }
    }
    ~Walk() override { m_macros.set_observer(nullptr); }

    Analysis run() {
        auto predefined = m_cache.get(m_in.predefined, m_in.lex);
        Frame top{"<predefined>", {}, {}};
        // The table and the memo borrow macros from their directives (MacroTable::define):
        // the memo keeps the owners of everything it may record.
        if (m_memo) m_memo->keep(predefined);
        if (auto defines = m_cache.defines_of(predefined))
            m_macros.set_base(std::move(defines));
        else
            walk(*predefined, top);
        for (const auto& name : m_in.implicit_includes)
            include(top, name, true, false, 0);
        // -imacros, then -include: found from the working directory first, then the quote
        // chain (gcc's documented rule).
        for (const auto& forced : m_in.forced) {
            Frame cwd_frame{"<command line>", {}, {}};
            include(cwd_frame, forced.name, false, false, 0);
        }
        add_file(m_in.source);
        visit(m_in.source, FoundIn{});
        return std::move(m_out);
    }

  private:
    struct Frame {
        std::string path;
        std::string dir;
        FoundIn found_in;
        int depth = 0;
    };

    CwdFileSystem m_fs;
    DirectiveCache& m_cache;
    const AnalyserInput& m_in;
    // The unit's own macro definitions live here, freed at once with the walk.
    std::pmr::monotonic_buffer_resource m_arena{size_t(256) << 10};
    MacroTable m_macros;
    Analysis m_out;
    std::unordered_set<std::string> m_files;
    std::unordered_set<std::string> m_probes;
    std::unordered_set<std::string> m_asked; // has_include_names
    std::unordered_set<std::string> m_once;
    struct Seen {
        bool stamped = false;
        std::optional<FileStamp> stamp;
        std::optional<std::string> id; // the stamp's identity (#pragma once)
        std::shared_ptr<const LexedFile> lexed;
    };
    std::unordered_map<std::string, Seen> m_seen; // by path, as spelled
    std::unordered_map<const LexedFile*, std::string> m_guards;
    std::vector<std::shared_ptr<const LexedFile>> m_keep; // keeps m_guards' keys alive
    std::vector<Cond> m_conds;
    size_t m_visits = 0;
    uint64_t m_work = 0; // towards AnalyserInput::max_work, with the table's expansion work
    bool m_too_large = false;

    // What a recording has noted of each name (Atom::id), a bit per kind.
    enum Mark : uint8_t {
        k_read = 1,
        k_wrote = 2,
        k_once_read = 4,
        k_once_added = 8,
        k_file = 16,
        k_probe = 32,
        k_asked = 64,
        k_stamped = 128,
    };
    // What a memoised visit is recording (the innermost is the one told): its entry so far,
    // and what it has already noted.
    struct Recording {
        MemoEntry entry;
        std::vector<uint8_t> marks; // by Atom::id
        std::vector<Name> written;  // in the order of first write
        uint64_t visits_at_start = 0;
        uint64_t work_at_start = 0;
        int deepest = 0;
        bool poisoned = false;
    };
    WalkMemo* m_memo;
    std::string m_context; // the part of every memo key this walk shares
    std::vector<std::unique_ptr<Recording>> m_recordings; // a pool: the first m_active
    size_t m_active = 0;

    Recording* recording() { return m_active ? m_recordings[m_active - 1].get() : nullptr; }
    // Sets `mark` on `name` in `r`; false if it was set already.
    static bool mark(Recording& r, Name name, Mark mark) {
        if (name->id >= r.marks.size())
            r.marks.resize(std::max<size_t>(name->id + 1, r.marks.size() * 2));
        uint8_t& m = r.marks[name->id];
        if (m & mark) return false;
        m |= mark;
        return true;
    }
    static void note(Recording& r, Mark kind, std::vector<Name>& into, Name item) {
        if (mark(r, item, kind)) into.push_back(item);
    }
    // False if the recording had noted the name already (read, or written first).
    static bool note_read(Recording& r, Name name) {
        if (name->id < r.marks.size() && (r.marks[name->id] & (k_read | k_wrote))) return false;
        return mark(r, name, k_read);
    }
    static void note_write(Recording& r, Name name) {
        if (mark(r, name, k_wrote)) r.written.push_back(name);
    }
    static void note_once_read(Recording& r, Name id, bool present) {
        if (id->id < r.marks.size() && (r.marks[id->id] & (k_once_read | k_once_added))) return;
        if (mark(r, id, k_once_read)) r.entry.once_reads.emplace_back(id, present);
    }
    static void note_once_add(Recording& r, Name id) {
        if (mark(r, id, k_once_added)) r.entry.once_adds.push_back(id);
    }
    // Nothing being recorded can be remembered: it saw a problem, or something no entry
    // can describe.
    void poison() {
        for (size_t k = 0; k < m_active; ++k)
            m_recordings[k]->poisoned = true;
    }
    void read(NameRef name) override {
        Recording& r = *recording();
        Name n = m_memo->intern(name);
        if (note_read(r, n)) r.entry.reads.emplace_back(n, m_macros.value(name));
    }
    void wrote(NameRef name) override { note_write(*recording(), m_memo->intern(name)); }
    void unsupported() override { poison(); }

    void add_file(const std::string& path) {
        if (m_files.insert(path).second) m_out.files.push_back(path);
        if (Recording* r = recording()) note(*r, k_file, r->entry.files, m_memo->intern(path));
    }
    void add_probes(const std::vector<std::string>& missing) {
        for (const auto& p : missing) {
            if (m_probes.insert(p).second) m_out.probes.push_back(p);
            if (Recording* r = recording()) note(*r, k_probe, r->entry.probes, m_memo->intern(p));
        }
    }
    void add_asked(const std::string& name) {
        if (m_asked.insert(name).second) m_out.has_include_names.push_back(name);
        if (Recording* r = recording()) note(*r, k_asked, r->entry.asked, m_memo->intern(name));
    }
    void problem(const Frame& f, uint32_t line, std::string what, bool refuse) {
        record({f.path, line, std::move(what), refuse});
    }
    // A problem is work too: one per visit of a header full of _Pragma made gigabytes.
    void record(Problem p) {
        poison();
        m_work += 1 + p.file.size() + p.what.size();
        m_out.problems.push_back(std::move(p));
    }

    Act current() const { return m_conds.empty() ? Act::on : m_conds.back().act; }

    // The places `name` may be found from frame `f`; two for an #include_next that gcc and
    // clang resolve differently (from a file found next to its includer).
    std::vector<SearchResult> resolve(const Frame& f, const std::string& name, bool angled,
                                      bool next) {
        std::vector<SearchResult> out;
        if (!next || f.found_in.index == FoundIn::k_no_dir) {
            out.push_back(find_header(m_fs, m_in.lists, name, angled, f.dir));
        } else {
            out.push_back(find_next_header(m_fs, m_in.lists, name, f.found_in));
            if (f.found_in.index == FoundIn::k_includer_dir)
                out.push_back(find_header(m_fs, m_in.lists, name, angled, f.dir));
        }
        for (const auto& r : out)
            add_probes(r.missing);
        return out;
    }

    void include(const Frame& f, const std::string& name, bool angled, bool next, uint32_t line) {
        bool found = false;
        for (auto& r : resolve(f, name, angled, next)) {
            if (!r.path) continue;
            found = true;
            add_file(*r.path);
            if (f.depth + 1 > k_max_depth) {
                problem(f, line, "#include nested too deeply: " + name, true);
                return;
            }
            visit(*r.path, r.found_in, f.depth + 1);
        }
        // In a decided group the compile needs it: either it fails too (and the fallback
        // costs one scan) or its search differs from ours, which must not pass unnoticed.
        if (!found && current() == Act::on)
            problem(f, line, "header not found here: " + name, true);
    }

    Tri has_include(const Frame& f, const HeaderQuery& q) {
        add_asked(q.name);
        auto results = resolve(f, q.name, q.angled, q.next);
        bool any = false, all = true;
        for (const auto& r : results) {
            if (r.path) add_file(*r.path); // asked about: the sandbox must answer the same
            any = any || r.path.has_value();
            all = all && r.path.has_value();
        }
        return all ? Tri::yes : any ? Tri::unknown : Tri::no;
    }

    std::shared_ptr<const LexedFile> lex(const std::string& path,
                                         const std::optional<FileStamp>& stamp) {
        std::string key = stamp ? stamp->key() : std::string{};
        if (stamp)
            if (auto known = m_cache.by_stamp(key, m_in.lex)) return known;
        auto content = m_fs.read(path);
        if (!content) return nullptr;
        auto lexed = m_cache.get(*content, m_in.lex);
        if (stamp && stamp->settled) m_cache.remember(key, m_in.lex, lexed);
        return lexed;
    }

    // True once the walk has gone past a bound: nothing more is walked, and the answer is
    // refused.
    bool too_large(const std::string& path, uint32_t line) {
        if (!m_too_large &&
            (m_visits > k_max_visits || m_work + m_macros.expansion_work() > m_in.max_work)) {
            m_too_large = true;
            poison();
            m_out.problems.push_back({path, line, "the walk is too large", true});
        }
        return m_too_large;
    }

    Seen& seen_of(const std::string& path) {
        // A header is reached again and again (every guarded <features.h>): one stat and one
        // lookup of its directives per walk.
        Seen& seen = m_seen[path];
        if (!seen.stamped) {
            seen.stamped = true;
            seen.stamp = m_fs.stamp(path);
            if (seen.stamp) seen.id = seen.stamp->identity();
        }
        return seen;
    }

    // A file's content is part of what a recording depends on: its stamp, which must be
    // settled (a file too new to trust may change under the same stamp).
    void note_stamp(Recording& r, const std::string& path, const std::optional<FileStamp>& stamp) {
        if (!stamp || !stamp->settled) {
            poison();
            return;
        }
        Name name = m_memo->intern(path);
        if (mark(r, name, k_stamped)) r.entry.stamps.emplace_back(name, *stamp);
    }

    void visit(const std::string& path, FoundIn found_in, int depth = 0) {
        ++m_visits;
        m_work += 1 + path.size();
        if (too_large(path, 0)) return;
        Seen& seen = seen_of(path);
        Recording* r = recording();
        if (r) {
            r->deepest = std::max(r->deepest, depth);
            note_stamp(*r, path, seen.stamp);
        }
        const std::optional<std::string>& id = seen.id;
        if (id) {
            bool once = m_once.count(*id) != 0;
            if (r) note_once_read(*r, m_memo->intern(*id), once);
            if (once) return;
        }
        if (!seen.lexed) {
            seen.lexed = lex(path, seen.stamp);
            if (m_memo) m_memo->keep(seen.lexed);
        }
        const std::shared_ptr<const LexedFile>& lexed = seen.lexed;
        if (!lexed) {
            record({path, 0, "cannot read a header that exists", true});
            return;
        }
        auto [it, fresh] = m_guards.try_emplace(lexed.get());
        if (fresh) {
            it->second = guard_of(*lexed);
            m_keep.push_back(lexed);
        }
        if (!it->second.empty() && m_macros.state(it->second) == MacroState::defined) return;
        // The source itself is walked once per unit: no entry for it.
        if (m_memo && depth > 0)
            memoised(path, found_in, depth, *lexed, seen.stamp, id);
        else
            enter(path, found_in, depth, *lexed, id);
    }

    void enter(const std::string& path, FoundIn found_in, int depth, const LexedFile& lexed,
               const std::optional<std::string>& id) {
        m_work += lexed.pragma_operators.size();
        if (too_large(path, 0)) return;
        Frame f{path, dir_of(path), found_in, depth};
        for (const auto& op : lexed.pragma_operators)
            problem(f, op.line,
                    op.argument.empty()
                        ? "_Pragma with an argument known only where the macro is used"
                        : "_Pragma(" + op.argument + ") can change what is included",
                    !op.argument.empty());
        walk(lexed, f, id);
    }

    uint64_t work_so_far() const { return m_work + m_macros.expansion_work(); }

    // A visit through the memo: replayed when an entry of its key still holds, else walked
    // and recorded.
    void memoised(const std::string& path, FoundIn found_in, int depth, const LexedFile& lexed,
                  const std::optional<FileStamp>& stamp, const std::optional<std::string>& id) {
        std::string key = m_context;
        key += path;
        key += '\0';
        key += std::to_string(found_in.index);
        key += current() == Act::maybe ? '?' : '!';
        if (const auto* entries = m_memo->find(key)) {
            for (const auto& entry : *entries) {
                if (holds(*entry, depth)) {
                    replay(*entry, depth);
                    ++m_memo->counters().hits;
                    return;
                }
            }
            ++m_memo->counters().misses;
        }
        if (m_active == m_recordings.size()) m_recordings.push_back(std::make_unique<Recording>());
        Recording& r = *m_recordings[m_active++];
        r.entry = MemoEntry{};
        r.written.clear();
        std::fill(r.marks.begin(), r.marks.end(), 0); // keeps its size: no allocation
        r.poisoned = false;
        r.visits_at_start = m_visits;
        r.work_at_start = work_so_far();
        r.deepest = depth;
        note_stamp(r, path, stamp);
        if (m_active == 1) m_macros.set_observer(this);

        enter(path, found_in, depth, lexed, id);

        if (--m_active == 0) m_macros.set_observer(nullptr);
        if (r.poisoned) return; // and so is every recording around it
        MemoEntry& e = r.entry;
        e.writes.reserve(r.written.size());
        for (Name name : r.written)
            e.writes.emplace_back(name, m_macros.value(name->ref()));
        e.visits = m_visits - r.visits_at_start;
        e.work = work_so_far() - r.work_at_start;
        e.nesting = r.deepest - depth;
        if (Recording* outer = recording()) merge(e, depth, *outer);
        if (e.work >= k_memo_min_work) m_memo->add(key, std::make_shared<MemoEntry>(std::move(e)));
    }

    // Whether walking the visit now would do what the entry did.
    bool holds(const MemoEntry& e, int depth) {
        // Within the walk's bounds: where the walk would stop, it stops the same way.
        if (depth + e.nesting > k_max_depth || m_visits + e.visits > k_max_visits ||
            work_so_far() + e.work > m_in.max_work)
            return false;
        for (const auto& [name, value] : e.reads)
            if (!m_macros.holds(name->ref(), value)) return false;
        for (const auto& [id, present] : e.once_reads)
            if ((m_once.count(id->text) != 0) != present) return false;
        for (const auto& [path, stamp] : e.stamps) {
            const Seen& seen = seen_of(path->text);
            if (!seen.stamp || !seen.stamp->settled ||
                static_cast<const StatStamp&>(*seen.stamp) != stamp)
                return false;
        }
        // The search found the same files and missed the same paths.
        for (Name path : e.files)
            if (!m_fs.is_file(path->text)) return false;
        for (Name path : e.probes)
            if (m_fs.is_file(path->text)) return false;
        return true;
    }

    void replay(const MemoEntry& e, int depth) {
        for (const auto& [name, value] : e.writes)
            m_macros.restore(name->ref(), value);
        for (Name id : e.once_adds)
            m_once.insert(id->text);
        for (Name path : e.files)
            if (m_files.insert(path->text).second) m_out.files.push_back(path->text);
        for (Name path : e.probes)
            if (m_probes.insert(path->text).second) m_out.probes.push_back(path->text);
        for (Name name : e.asked)
            if (m_asked.insert(name->text).second) m_out.has_include_names.push_back(name->text);
        m_visits += e.visits;
        m_work += e.work;
        if (Recording* outer = recording()) merge(e, depth, *outer);
    }

    // What a visit inside `into` read and did, as `into` sees it: a read of a macro `into`
    // wrote first is its own business.
    static void merge(const MemoEntry& e, int depth, Recording& into) {
        for (const auto& [name, value] : e.reads)
            if (note_read(into, name)) into.entry.reads.emplace_back(name, value);
        for (const auto& [name, value] : e.writes)
            note_write(into, name);
        for (const auto& [id, present] : e.once_reads)
            note_once_read(into, id, present);
        for (Name id : e.once_adds)
            note_once_add(into, id);
        for (const auto& [path, stamp] : e.stamps)
            if (mark(into, path, k_stamped)) into.entry.stamps.emplace_back(path, stamp);
        for (Name path : e.files)
            note(into, k_file, into.entry.files, path);
        for (Name path : e.probes)
            note(into, k_probe, into.entry.probes, path);
        for (Name name : e.asked)
            note(into, k_asked, into.entry.asked, name);
        into.deepest = std::max(into.deepest, depth + e.nesting);
    }

    void walk(const LexedFile& file, const Frame& f, const std::optional<std::string>& id = {}) {
        const size_t base = m_conds.size();
        EvalContext ctx;
        ctx.macros = &m_macros;
        ctx.cplusplus = m_in.lex.cplusplus;
        ctx.has_include = [&](const HeaderQuery& q) { return has_include(f, q); };
        for (const auto& d : file.directives) {
            m_work += 1 + d.tokens.size();
            if (too_large(f.path, d.line)) break;
            switch (d.kind) {
            case DirectiveKind::if_:
            case DirectiveKind::ifdef:
            case DirectiveKind::ifndef: {
                Cond c;
                c.parent = current();
                Tri r = c.parent == Act::off ? Tri::no : condition(d, ctx);
                c.act = combine(c.parent, r == Tri::yes  ? Act::on
                                          : r == Tri::no ? Act::off
                                                         : Act::maybe);
                c.certainly_taken = r == Tri::yes;
                c.possibly_taken = r != Tri::no;
                m_conds.push_back(c);
                break;
            }
            case DirectiveKind::elif:
            case DirectiveKind::elifdef:
            case DirectiveKind::elifndef:
            case DirectiveKind::else_: {
                if (m_conds.size() <= base) break; // unbalanced: the compile reports it
                Cond& c = m_conds.back();
                if (c.parent == Act::off || c.certainly_taken) {
                    c.act = Act::off;
                    break;
                }
                Tri r = d.kind == DirectiveKind::else_ ? Tri::yes : condition(d, ctx);
                Act branch = r == Tri::no                         ? Act::off
                             : r == Tri::yes && !c.possibly_taken ? Act::on
                                                                  : Act::maybe;
                c.act = combine(c.parent, branch);
                c.certainly_taken = r == Tri::yes;
                c.possibly_taken = c.possibly_taken || r != Tri::no;
                break;
            }
            case DirectiveKind::endif:
                if (m_conds.size() > base) m_conds.pop_back();
                break;
            default:
                if (current() != Act::off) act_on(d, f, id);
                break;
            }
        }
        m_conds.resize(std::min(m_conds.size(), base)); // an unterminated #if ends with its file
    }

    Tri condition(const Directive& d, const EvalContext& ctx) {
        if (d.kind == DirectiveKind::if_ || d.kind == DirectiveKind::elif)
            return evaluate(d.tokens, ctx);
        if (d.tokens.empty() || d.tokens[0].kind != TokenKind::identifier) return Tri::unknown;
        MacroState s = m_macros.state(d.tokens[0]);
        if (s == MacroState::unknown) return Tri::unknown;
        bool defined = s == MacroState::defined;
        bool want = d.kind == DirectiveKind::ifdef || d.kind == DirectiveKind::elifdef;
        return defined == want ? Tri::yes : Tri::no;
    }

    void act_on(const Directive& d, const Frame& f, const std::optional<std::string>& id) {
        const bool uncertain = current() == Act::maybe;
        switch (d.kind) {
        case DirectiveKind::define:
            m_macros.define(d, uncertain);
            break;
        case DirectiveKind::undef:
            if (!d.tokens.empty()) m_macros.undef(d.tokens[0], uncertain);
            break;
        case DirectiveKind::include:
        case DirectiveKind::include_next:
        case DirectiveKind::import:
            include_directive(d, f);
            break;
        case DirectiveKind::pragma:
            pragma(d, f, id, uncertain);
            break;
        default:
            break;
        }
    }

    void include_directive(const Directive& d, const Frame& f) {
        std::string name;
        bool angled = false;
        const bool next = d.kind == DirectiveKind::include_next;
        if (!d.tokens.empty() &&
            (d.tokens[0].kind == TokenKind::header_name || d.tokens[0].kind == TokenKind::string)) {
            header_from_tokens({d.tokens[0]}, name, angled);
        } else {
            Expansion e = m_macros.expand(d.tokens, false);
            if (e.incomplete || !header_from_tokens(e.tokens, name, angled)) {
                problem(f, d.line, "computed #include that could not be expanded", true);
                return;
            }
            if (e.uncertain)
                problem(f, d.line,
                        "computed #include through a macro defined under an undecided "
                        "condition: followed <" +
                            name + "> only",
                        true);
        }
        include(f, name, angled, next, d.line);
    }

    void pragma(const Directive& d, const Frame& f, const std::optional<std::string>& id,
                bool uncertain) {
        if (d.tokens.empty()) return;
        const auto& word = d.tokens[0].text;
        if (word == "once") {
            // Under an undecided condition the compile may read the file again: keep going.
            if (!uncertain && id) {
                m_once.insert(*id);
                if (Recording* r = recording()) note_once_add(*r, m_memo->intern(*id));
            }
        } else if (word == "push_macro" || word == "pop_macro") {
            if (d.tokens.size() < 4 || d.tokens[2].kind != TokenKind::string) {
                problem(f, d.line, "#pragma " + word + " not understood", true);
                return;
            }
            std::string name = d.tokens[2].text.substr(1, d.tokens[2].text.size() - 2);
            if (uncertain)
                problem(f, d.line, "#pragma " + word + " under an undecided condition", true);
            if (word == "push_macro")
                m_macros.push(name);
            else
                m_macros.pop(name);
        } else if (word == "GCC" && d.tokens.size() > 1 && d.tokens[1].text == "dependency") {
            problem(f, d.line, "#pragma GCC dependency reads a file", true);
        }
    }
};

} // namespace

Analysis analyse(FileSystem& fs, DirectiveCache& cache, const AnalyserInput& input,
                 WalkMemo* memo) {
    return Walk(fs, cache, input, memo).run();
}

} // namespace ferry::includes
