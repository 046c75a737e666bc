#include "coordinator/includes/directive_cache.hpp"

#include "util/hash.hpp"

#include <algorithm>

namespace ferry::includes {

namespace {

std::string options_suffix(const LexOptions& options) {
    // Trigraphs change what is a directive; C++ adds raw strings.
    return {options.cplusplus ? '+' : 'c', options.trigraphs ? 't' : '-'};
}

} // namespace

std::shared_ptr<const LexedFile> DirectiveCache::by_stamp(const std::string& stamp_key,
                                                          const LexOptions& options) {
    auto it = m_by_stamp.find(stamp_key + options_suffix(options));
    if (it == m_by_stamp.end()) return nullptr;
    ++m_hits;
    return it->second;
}

void DirectiveCache::remember(const std::string& stamp_key, const LexOptions& options,
                              std::shared_ptr<const LexedFile> lexed) {
    m_by_stamp[stamp_key + options_suffix(options)] = std::move(lexed);
}

std::shared_ptr<const LexedFile> DirectiveCache::get(std::string_view content,
                                                     const LexOptions& options) {
    std::string key = hash_hex(content) + options_suffix(options);
    if (auto it = m_entries.find(key); it != m_entries.end()) {
        ++m_hits;
        return it->second;
    }
    auto lexed = std::make_shared<const LexedFile>(lex_directives(content, options));
    m_entries.emplace(std::move(key), lexed);
    return lexed;
}

std::shared_ptr<const MacroTable>
DirectiveCache::defines_of(const std::shared_ptr<const LexedFile>& lexed) {
    if (auto it = m_defines.find(lexed.get()); it != m_defines.end()) return it->second.table;
    std::shared_ptr<MacroTable> table;
    const bool only_defines =
        std::all_of(lexed->directives.begin(), lexed->directives.end(), [](const Directive& d) {
            return d.kind == DirectiveKind::define || d.kind == DirectiveKind::undef;
        });
    if (only_defines) {
        // What the walk does with them at the top level, where every group is taken.
        table = std::make_shared<MacroTable>();
        for (const auto& d : lexed->directives) {
            if (d.kind == DirectiveKind::define)
                table->define(d, false);
            else if (!d.tokens.empty())
                table->undef(d.tokens[0].text, false);
        }
    }
    m_defines.emplace(lexed.get(), Defines{lexed, table});
    return table;
}

} // namespace ferry::includes
