// Fuzzes the include analysis (coordinator/includes/), which the coordinator runs on every
// unit's source and headers by default: the input is a small project of in-memory files. Lines
// starting with `@@` split it into parts; the text before the first is the source
// (/fz/src/main.c, analysed as `main.c` from /fz/src). A separator's words pick the part's
// file by name (kFiles: `@@ inc/a.h`), else the next one in that list; the word `c++` or
// `trigraphs` on any separator sets that lexing option. Search lists: -iquote /fz/quote,
// -I /fz/inc, -isystem /fz/sys; `inc/force.h`, if given, is an -include; `predefined` is the
// compiler's predefined macros. A file no part names does not exist.
//
// Invariants: nothing crashes (ASan, UBSan); every file the analysis lists exists and no path
// it says it probed does; the source is listed; a trustworthy analysis lists the file each
// plain `#include "x"`/`<x>` line at the top of the source opens (the lines before anything
// else: no macro, comment or #if can stand between), by gcc's search rules over the in-memory
// tree; analysing again with the directive cache warm gives the same answer as cold. For each
// part on its own: directive lines increase and lie within the part; an #if condition and
// `!(condition)` are never both known and equal.
#include "coordinator/includes/analyser.hpp"
#include "coordinator/includes/expression.hpp"
#include "coordinator/includes/macro_table.hpp"
#include "coordinator/includes/walk_memo.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory_resource>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace ferry::includes;

namespace {

constexpr std::string_view kCwd = "/fz/src";
constexpr size_t kMaxInput = 16 << 10;
// The walk's bound, smaller than the coordinator's: a walk that reaches it costs some 30 ms
// here (ASan, UBSan, coverage), the default's 5 000 000 some 3 s.
constexpr uint64_t kMaxWork = 50000;

struct File {
    std::string_view name; // on a separator line
    std::string_view path; // empty: not a file
};
constexpr size_t kSource = 0;
constexpr size_t kForced = 7;
constexpr size_t kPredefined = 8;
constexpr std::array<File, 9> kFiles{{{"main.c", "/fz/src/main.c"},
                                      {"local.h", "/fz/src/local.h"},
                                      {"quote/q.h", "/fz/quote/q.h"},
                                      {"inc/a.h", "/fz/inc/a.h"},
                                      {"inc/b.h", "/fz/inc/b.h"},
                                      {"sys/b.h", "/fz/sys/b.h"},
                                      {"sys/c.h", "/fz/sys/c.h"},
                                      {"inc/force.h", "/fz/inc/force.h"},
                                      {"predefined", ""}}};
constexpr std::array<std::string_view, 6> kDirs{"/",         "/fz",     "/fz/src",
                                                "/fz/quote", "/fz/inc", "/fz/sys"};
constexpr std::array<std::string_view, 1> kQuoteDirs{"/fz/quote"};
constexpr std::array<std::string_view, 2> kAngleDirs{"/fz/inc", "/fz/sys"};

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

struct Input {
    std::array<std::optional<std::string>, kFiles.size()> parts;
    LexOptions lex;
};

Input split(std::string_view data) {
    Input in;
    size_t slot = kSource;
    in.parts[slot].emplace();
    for (size_t pos = 0; pos < data.size();) {
        size_t eol = data.find('\n', pos);
        size_t next = eol == std::string_view::npos ? data.size() : eol + 1;
        std::string_view line = data.substr(pos, next - pos);
        pos = next;
        if (!line.starts_with("@@")) {
            if (slot < kFiles.size()) in.parts[slot]->append(line);
            continue;
        }
        std::optional<size_t> named;
        for (size_t w = 2; w < line.size();) {
            size_t end = std::min(line.find_first_of(" \t\r\n", w), line.size());
            std::string_view word = line.substr(w, end - w);
            w = end + 1;
            if (word == "c++") in.lex.cplusplus = true;
            if (word == "trigraphs") in.lex.trigraphs = true;
            for (size_t k = 0; k < kFiles.size(); ++k)
                if (!named && word == kFiles[k].name) named = k;
        }
        slot = named ? *named : slot + 1;
        if (slot < kFiles.size()) in.parts[slot].emplace();
    }
    return in;
}

// The in-memory tree: kDirs and the parts given, no links. A path is resolved component by
// component as the kernel does: each but the last must be a directory, `..` climbs (not
// above /), a trailing slash needs a directory.
class MemFs final : public FileSystem {
  public:
    std::map<std::string, std::string, std::less<>> files; // canonical path -> content

    bool is_dir(std::string_view path) const {
        return std::find(kDirs.begin(), kDirs.end(), path) != kDirs.end();
    }

    // The canonical path of an existing file or directory.
    std::optional<std::string> canonical(std::string_view path) const {
        if (path.empty() || path[0] != '/') return std::nullopt; // CwdFileSystem joins the cwd
        std::string at = "/";
        for (size_t pos = 1; pos <= path.size();) {
            size_t end = std::min(path.find('/', pos), path.size());
            std::string_view part = path.substr(pos, end - pos);
            pos = end + 1;
            if (part.empty()) continue;
            if (!is_dir(at)) return std::nullopt; // ENOTDIR
            if (part == ".") continue;
            if (part == "..") {
                at = at.substr(0, std::max<size_t>(at.rfind('/'), 1));
                continue;
            }
            at = (at == "/" ? "" : at) + "/" + std::string(part);
            if (!is_dir(at) && !files.count(at)) return std::nullopt;
        }
        if (path.back() == '/' && !is_dir(at)) return std::nullopt;
        return at;
    }

    bool is_file(const std::string& path) override {
        auto c = canonical(path);
        return c && files.count(*c);
    }
    std::optional<std::string> read(const std::string& path) override {
        auto c = canonical(path);
        if (!c) return std::nullopt;
        auto it = files.find(*c);
        if (it == files.end()) return std::nullopt;
        return it->second;
    }
    std::optional<FileStamp> stamp(const std::string& path) override {
        auto c = canonical(path);
        if (!c) return std::nullopt;
        auto it = files.find(*c);
        if (it == files.end()) return std::nullopt;
        FileStamp s;
        s.dev = 1;
        s.ino = static_cast<uint64_t>(std::distance(files.begin(), it)) + 2;
        s.size = it->second.size();
        s.settled = true; // the contents never change within one input
        return s;
    }
};

std::string on_disk(std::string_view spelled) {
    return spelled.starts_with('/') ? std::string(spelled) : join_header_path(kCwd, spelled);
}

// The file gcc opens for `#include "name"` (angled: `<name>`) in the source: the source's
// directory, then -iquote, then -I and -isystem; an absolute name as it is.
std::optional<std::string> gcc_opens(const MemFs& fs, std::string_view name, bool angled) {
    std::vector<std::string> candidates;
    if (name.starts_with('/')) {
        candidates.emplace_back(name);
    } else {
        if (!angled) {
            candidates.push_back(join_header_path(kCwd, name));
            for (auto dir : kQuoteDirs)
                candidates.push_back(join_header_path(dir, name));
        }
        for (auto dir : kAngleDirs)
            candidates.push_back(join_header_path(dir, name));
    }
    for (const auto& path : candidates) {
        auto c = fs.canonical(path);
        if (c && fs.files.count(*c)) return c;
    }
    return std::nullopt;
}

// The plain includes the source starts with: lines that are exactly `#include "name"` or
// `#include <name>` with a name of letters, digits and `_-./`, or empty; the first other line
// ends them (nothing before them but other such lines, so no macro, comment, splice or #if
// can touch them).
std::vector<std::pair<std::string, bool>> leading_includes(std::string_view source) {
    std::vector<std::pair<std::string, bool>> out;
    for (size_t pos = 0; pos < source.size();) {
        size_t eol = source.find('\n', pos);
        if (eol == std::string_view::npos) eol = source.size();
        std::string_view line = source.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.empty()) continue;
        constexpr std::string_view kInclude = "#include ";
        if (!line.starts_with(kInclude) || line.size() < kInclude.size() + 3) break;
        char open = line[kInclude.size()];
        char close = open == '<' ? '>' : '"';
        std::string_view name = line.substr(kInclude.size() + 1, line.size() - kInclude.size() - 2);
        if ((open != '<' && open != '"') || line.back() != close) break;
        bool plain = std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '.' || c == '/';
        });
        if (!plain) break;
        out.emplace_back(std::string(name), open == '<');
    }
    return out;
}

void check_lexed(const LexedFile& lexed, std::string_view content) {
    const auto lines = static_cast<uint32_t>(std::count(content.begin(), content.end(), '\n') + 1);
    uint32_t last = 0;
    for (const auto& d : lexed.directives) {
        check(d.line > last && d.line <= lines, "a directive's line is out of order or range");
        last = d.line;
    }
}

// Each #if/#elif of a part, with the part's #defines before it in effect: `!(c)` is the
// negation of `c` whenever both are known.
void check_conditions(const LexedFile& lexed, const LexOptions& lex) {
    std::pmr::monotonic_buffer_resource arena;
    MacroTable macros(nullptr, &arena);
    EvalContext ctx;
    ctx.macros = &macros;
    ctx.cplusplus = lex.cplusplus;
    ctx.has_include = [](const HeaderQuery& q) {
        return q.name.size() % 3 == 0 ? Tri::yes : q.name.size() % 3 == 1 ? Tri::no : Tri::unknown;
    };
    size_t evaluated = 0;
    for (const auto& d : lexed.directives) {
        if (d.kind == DirectiveKind::define) macros.define(d, false);
        if (d.kind == DirectiveKind::undef && !d.tokens.empty())
            macros.undef(d.tokens[0].text, false);
        if ((d.kind != DirectiveKind::if_ && d.kind != DirectiveKind::elif) || ++evaluated > 64)
            continue;
        Tri plain = evaluate(d.tokens, ctx);
        std::vector<Token> negated{{TokenKind::punct, false, "!"}, {TokenKind::punct, false, "("}};
        negated.insert(negated.end(), d.tokens.begin(), d.tokens.end());
        negated.push_back({TokenKind::punct, false, ")"});
        Tri inverse = evaluate(negated, ctx);
        if (plain != Tri::unknown && inverse != Tri::unknown)
            check(plain != inverse, "!(c) evaluates as c");
    }
}

bool same(const Analysis& a, const Analysis& b) {
    if (a.files != b.files || a.probes != b.probes || a.has_include_names != b.has_include_names ||
        a.problems.size() != b.problems.size())
        return false;
    for (size_t k = 0; k < a.problems.size(); ++k) {
        const Problem& p = a.problems[k];
        const Problem& q = b.problems[k];
        if (p.file != q.file || p.line != q.line || p.what != q.what || p.refuse != q.refuse)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > kMaxInput) return 0;
    const Input in = split({reinterpret_cast<const char*>(data), size});

    MemFs fs;
    for (size_t k = 0; k < kFiles.size(); ++k)
        if (in.parts[k] && !kFiles[k].path.empty())
            fs.files.emplace(std::string(kFiles[k].path), *in.parts[k]);

    for (const auto& part : in.parts) {
        if (!part) continue;
        LexedFile lexed = lex_directives(*part, in.lex);
        check_lexed(lexed, *part);
        check_conditions(lexed, in.lex);
        lex_line(*part, in.lex);
    }

    AnalyserInput input;
    input.source = "main.c";
    input.cwd = std::string(kCwd);
    for (auto dir : kQuoteDirs)
        input.lists.quote_dirs.emplace_back(dir);
    for (auto dir : kAngleDirs)
        input.lists.angle_dirs.emplace_back(dir);
    if (in.parts[kPredefined]) input.predefined = *in.parts[kPredefined];
    if (in.parts[kForced]) input.forced.push_back({"force.h", false});
    input.lex = in.lex;
    input.max_work = kMaxWork;

    DirectiveCache cache;
    const Analysis a = analyse(fs, cache, input);

    std::set<std::string> listed;
    for (const auto& f : a.files) {
        auto c = fs.canonical(on_disk(f));
        check(c && fs.files.count(*c), "a file listed does not exist");
        listed.insert(*c);
    }
    check(std::find(a.files.begin(), a.files.end(), input.source) != a.files.end(),
          "the source is not listed");
    for (const auto& p : a.probes) {
        auto c = fs.canonical(on_disk(p));
        check(!c || !fs.files.count(*c), "a path probed as missing exists");
    }
    if (a.trustworthy())
        for (const auto& [name, angled] : leading_includes(*in.parts[kSource]))
            if (auto opened = gcc_opens(fs, name, angled))
                check(listed.count(*opened), "trustworthy, but a plain #include is not listed");

    // Warm: the directives come from the cache, by content and by stamp.
    check(same(a, analyse(fs, cache, input)), "a second analysis differs from the first");

    // The memo (walk_memo.hpp) never changes an answer: headers' visits recorded under other
    // macros (no predefined text, no forced include) must not be replayed where those
    // differ. (A unit replaying its own visits is the unit tests' and the differential
    // test's case; one analysis less per input keeps CI's replay of the corpus short.)
    WalkMemo memo;
    AnalyserInput other = input;
    other.predefined.clear();
    other.forced.clear();
    (void)analyse(fs, cache, other, &memo);
    check(same(a, analyse(fs, cache, input, &memo)), "the memo changed the answer");
    return 0;
}
