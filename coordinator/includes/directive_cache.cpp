#include "coordinator/includes/directive_cache.hpp"

#include "util/hash.hpp"

namespace ferry::includes {

std::shared_ptr<const LexedFile> DirectiveCache::get(std::string_view content,
                                                     const LexOptions& options) {
    // The options are part of the key: trigraphs change what is a directive.
    std::string key = hash_hex(content);
    key += options.cplusplus ? '+' : 'c';
    key += options.trigraphs ? 't' : '-';
    if (auto it = m_entries.find(key); it != m_entries.end()) {
        ++m_hits;
        return it->second;
    }
    auto lexed = std::make_shared<const LexedFile>(lex_directives(content, options));
    m_entries.emplace(std::move(key), lexed);
    return lexed;
}

} // namespace ferry::includes
