#include "coordinator/includes/directive_cache.hpp"

#include "util/hash.hpp"

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

} // namespace ferry::includes
