#include "remote/protocol/wire.hpp"

#include <algorithm>

namespace ferry::proto {

namespace {

// Fixed-width little-endian, independent of the host's byte order.
template <typename T> void put_le(std::string& out, T v) {
    for (size_t i = 0; i < sizeof(T); ++i)
        out.push_back(static_cast<char>(static_cast<uint8_t>(v >> (8 * i))));
}

template <typename T> T get_le(std::string_view in, size_t pos) {
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
        v |= static_cast<T>(static_cast<T>(static_cast<uint8_t>(in[pos + i])) << (8 * i));
    return v;
}

Error truncated(size_t need, size_t pos, size_t remaining) {
    return make_error(Errc::protocol, "truncated payload: {} bytes needed at offset {}, {} left",
                      need, pos, remaining);
}

} // namespace

void Writer::u8(uint8_t v) {
    m_out.push_back(static_cast<char>(v));
}
void Writer::u32(uint32_t v) {
    put_le(m_out, v);
}
void Writer::u64(uint64_t v) {
    put_le(m_out, v);
}

void Writer::str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    m_out.append(s);
}

void Writer::strs(const std::vector<std::string>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v)
        str(s);
}

void Writer::pairs(const std::vector<std::pair<std::string, std::string>>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& [key, value] : v) {
        str(key);
        str(value);
    }
}

Result<uint8_t> Reader::u8() {
    if (remaining() < 1) return truncated(1, m_pos, remaining());
    return static_cast<uint8_t>(m_in[m_pos++]);
}

Result<uint32_t> Reader::u32() {
    if (remaining() < 4) return truncated(4, m_pos, remaining());
    auto v = get_le<uint32_t>(m_in, m_pos);
    m_pos += 4;
    return v;
}

Result<uint64_t> Reader::u64() {
    if (remaining() < 8) return truncated(8, m_pos, remaining());
    auto v = get_le<uint64_t>(m_in, m_pos);
    m_pos += 8;
    return v;
}

Result<int32_t> Reader::i32() {
    FERRY_TRY(v, u32());
    return static_cast<int32_t>(*v);
}

// Only 0 and 1: a canonical encoding means every accepted payload re-encodes to itself.
Result<bool> Reader::boolean() {
    FERRY_TRY(v, u8());
    if (*v > 1) return make_error(Errc::protocol, "bad boolean value {}", *v);
    return *v == 1;
}

Result<std::string> Reader::str() {
    FERRY_TRY(len, u32());
    if (*len > remaining())
        return make_error(Errc::protocol, "string of {} bytes at offset {}, only {} left", *len,
                          m_pos - 4, remaining());
    std::string s(m_in.substr(m_pos, *len));
    m_pos += *len;
    return s;
}

Result<std::vector<std::string>> Reader::strs() {
    FERRY_TRY(n, count(4));
    std::vector<std::string> v;
    v.reserve(*n);
    for (uint32_t i = 0; i < *n; ++i) {
        FERRY_TRY(s, str());
        v.push_back(std::move(*s));
    }
    return v;
}

Result<std::vector<std::pair<std::string, std::string>>> Reader::pairs() {
    FERRY_TRY(n, count(8));
    std::vector<std::pair<std::string, std::string>> v;
    v.reserve(*n);
    for (uint32_t i = 0; i < *n; ++i) {
        FERRY_TRY(key, str());
        FERRY_TRY(value, str());
        v.emplace_back(std::move(*key), std::move(*value));
    }
    return v;
}

Result<uint32_t> Reader::count(size_t min_element_size) {
    FERRY_TRY(n, u32());
    if (*n > kMaxListCount)
        return make_error(Errc::protocol,
                          "list of {} elements at offset {} exceeds the limit of {}", *n, m_pos - 4,
                          kMaxListCount);
    // An element of size 0 would let any count through; every element costs at least a byte.
    const size_t min_size = std::max<size_t>(min_element_size, 1);
    if (*n > remaining() / min_size)
        return make_error(Errc::protocol,
                          "list of {} elements at offset {} cannot fit in the {} bytes left", *n,
                          m_pos - 4, remaining());
    return *n;
}

Result<void> Reader::finish() const {
    if (remaining() != 0)
        return make_error(Errc::protocol, "{} trailing bytes after the message", remaining());
    return ok();
}

} // namespace ferry::proto
