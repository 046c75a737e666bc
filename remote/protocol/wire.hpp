// Payload serialisation: little-endian integers, u32-length-prefixed strings and lists.
// Every read is bounds-checked; a length larger than what remains is an error before any
// allocation. Each message in messages.hpp is a sequence of these fields.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::proto {

// No list on the wire has more elements than this (a compile's files, args...), so a payload
// of many tiny elements cannot expand into gigabytes of empty strings in memory.
inline constexpr uint32_t kMaxListCount = 1u << 20;

class Writer {
  public:
    void u8(uint8_t v);
    void u32(uint32_t v);
    void u64(uint64_t v);
    void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
    void boolean(bool v) { u8(v ? 1 : 0); }
    void str(std::string_view s);
    void strs(const std::vector<std::string>& v);
    void pairs(const std::vector<std::pair<std::string, std::string>>& v);
    std::string take() { return std::move(m_out); }

  private:
    std::string m_out;
};

class Reader {
  public:
    explicit Reader(std::string_view in) : m_in(in) {}
    Result<uint8_t> u8();
    Result<uint32_t> u32();
    Result<uint64_t> u64();
    Result<int32_t> i32();
    Result<bool> boolean();
    Result<std::string> str();
    Result<std::vector<std::string>> strs();
    Result<std::vector<std::pair<std::string, std::string>>> pairs();
    // A list count, checked against what remains assuming each element needs at least
    // `min_element_size` bytes, so a hostile count cannot trigger a huge reserve(), and
    // against kMaxListCount.
    Result<uint32_t> count(size_t min_element_size);
    Result<void> finish() const; // error if bytes remain
    size_t remaining() const { return m_in.size() - m_pos; }

  private:
    std::string_view m_in;
    size_t m_pos = 0;
};

} // namespace ferry::proto
