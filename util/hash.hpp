// Content identities: XXH3-128 (libxxhash). Used for shipped files (runner cache keys) and
// compiler identities; not a security boundary (authentication is HMAC, see remote/).
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ferry {

std::string hash_hex(std::string_view data); // 32 hex digits
Result<std::string> hash_file_hex(const std::string& path);

// Incremental hashing of several pieces (compiler binary + cc1 + version string...).
class Hasher {
  public:
    Hasher();
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;
    void update(std::string_view data);
    Result<void> update_file(const std::string& path);
    std::string hex_digest() const;

  private:
    struct State;
    std::unique_ptr<State> m_state;
};

bool is_hash_hex(std::string_view s);

} // namespace ferry
