// Lexed directives by content: a header's directives depend only on its bytes and the lexing
// options, so the coordinator lexes each content once for every job of a build (the same
// <vector> reached from a thousand units, or by another path, costs one hash), and a file
// whose stamp (device, inode, size, times) has not changed is not even read again. Not
// thread-safe: the coordinator runs on one loop.
#pragma once

#include "coordinator/includes/directive_lexer.hpp"
#include "coordinator/includes/macro_table.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ferry::includes {

class DirectiveCache {
  public:
    // The directives of `content`, lexed now or earlier.
    std::shared_ptr<const LexedFile> get(std::string_view content, const LexOptions& options);

    // The directives of the file with this stamp key (FileStamp::key) if its content was
    // lexed before, without reading it; `remember` records a settled file's stamp.
    std::shared_ptr<const LexedFile> by_stamp(const std::string& stamp_key,
                                              const LexOptions& options);
    void remember(const std::string& stamp_key, const LexOptions& options,
                  std::shared_ptr<const LexedFile> lexed);

    // The macros a file of nothing but #define and #undef leaves in effect (the compiler's
    // predefined macros with the command line's -D/-U, which every unit's walk starts
    // from), made once per such file; null for a file with any other directive (the walk
    // then goes through it as through any file).
    std::shared_ptr<const MacroTable> defines_of(const std::shared_ptr<const LexedFile>& lexed);

    size_t size() const { return m_entries.size(); }
    size_t hits() const { return m_hits; }
    void clear() {
        m_entries.clear();
        m_by_stamp.clear();
        m_defines.clear();
    }

  private:
    struct Defines {
        std::shared_ptr<const LexedFile> lexed; // keeps the key's address unique
        std::shared_ptr<const MacroTable> table;
    };
    std::unordered_map<const LexedFile*, Defines> m_defines;
    std::unordered_map<std::string, std::shared_ptr<const LexedFile>> m_entries;
    std::unordered_map<std::string, std::shared_ptr<const LexedFile>> m_by_stamp;
    size_t m_hits = 0;
};

} // namespace ferry::includes
