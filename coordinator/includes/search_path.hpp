// Where `#include` finds a header: the search rules of gcc and clang, over a file-system view.
// `"x.h"` is looked up in the includer's directory, then the quote directories (-iquote),
// then the angle directories; `<x.h>` only in the angle directories (-I, -isystem, the
// built-in list, -idirafter, in the order `-v` prints them: compiler/scan.hpp's ScanResult
// carries both lists). `#include_next` continues after the directory where the current file
// was found. Every path probed that does not exist is recorded: a header created later in an
// earlier directory changes the answer, so a remembered answer is only good while those stay
// absent.
#pragma once

#include "util/path_memo.hpp"
#include "util/stat_cache.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::includes {

// What a file is, without reading it: the device and inode say which file (`#pragma once`),
// with size and times they say which content, so a header whose stamp has not changed need
// not be read again. A file too new to trust (util/stat_cache.hpp's racy rule: it could
// change again within the same timestamp tick) is not `settled`, and is always read.
struct FileStamp : StatStamp {
    bool settled = false;
    std::string identity() const; // dev:ino
    std::string key() const;      // dev:ino:size:mtime:ctime
};

// What the search needs to know about files; tests use real files in a temporary directory.
class FileSystem {
  public:
    virtual ~FileSystem() = default;
    // A file the compiler could open at this path (a directory is not).
    virtual bool is_file(const std::string& path) = 0;
    virtual std::optional<std::string> read(const std::string& path) = 0;
    virtual std::optional<FileStamp> stamp(const std::string& path) = 0;
};

class RealFileSystem final : public FileSystem {
  public:
    bool is_file(const std::string& path) override;
    std::optional<std::string> read(const std::string& path) override;
    std::optional<FileStamp> stamp(const std::string& path) override;
};

// The real file system, with the lookups of one analysis remembered for the next while the
// directories they were made in are unchanged (util/path_memo.hpp): a build's units probe the
// same search path for the same headers. The coordinator's analyst keeps one for every unit.
class RememberingFileSystem final : public FileSystem {
  public:
    explicit RememberingFileSystem(PathMemo::Clock now_ns = {}) : m_memo(std::move(now_ns)) {}
    // One analysis: each directory is checked again, once, before its answers are used.
    void begin_pass() { m_memo.begin_pass(); }
    bool is_file(const std::string& path) override;
    std::optional<std::string> read(const std::string& path) override;
    std::optional<FileStamp> stamp(const std::string& path) override;

  private:
    RealFileSystem m_real;
    PathMemo m_memo;
};

struct SearchLists {
    std::vector<std::string> quote_dirs; // -iquote, searched for "..." only
    std::vector<std::string> angle_dirs; // -I, -isystem, built-in, -idirafter
};

// Where a file was found: an index into quote_dirs ++ angle_dirs, or one of the two places
// outside the chain.
struct FoundIn {
    static constexpr int k_includer_dir = -1; // "..." next to the includer
    static constexpr int k_no_dir = -2;       // an absolute name, the source itself
    int index = k_no_dir;
};

struct SearchResult {
    std::optional<std::string> path; // as the compiler spells it: dir + "/" + name
    FoundIn found_in;
    std::vector<std::string> missing; // probed, not there
};

// `includer_dir`: the directory of the including file as spelled ("" for the working
// directory). `next`: #include_next from a file found at `current`.
SearchResult find_header(FileSystem& fs, const SearchLists& lists, std::string_view name,
                         bool angled, std::string_view includer_dir);
SearchResult find_next_header(FileSystem& fs, const SearchLists& lists, std::string_view name,
                              FoundIn current);

// dir + "/" + name, as gcc builds the path it opens ("" + name stays relative).
std::string join_header_path(std::string_view dir, std::string_view name);

} // namespace ferry::includes
