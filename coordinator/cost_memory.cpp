#include "coordinator/cost_memory.hpp"

#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <charconv>
#include <fcntl.h>
#include <fmt/format.h>
#include <string_view>
#include <sys/stat.h>

namespace ferry::coordinator {

namespace {

constexpr std::string_view kHeader = "ferry-costs 1\n";

} // namespace

std::string unit_cost_key(const proto::IpcCompile& request) {
    Hasher hasher;
    // Length-prefixed, so no two argument lists hash the same text.
    auto piece = [&hasher](const std::string& text) {
        hasher.update(fmt::format("{}:", text.size()));
        hasher.update(text);
    };
    piece(request.compiler_path);
    piece(request.cwd);
    for (const auto& arg : request.args)
        piece(arg);
    return hasher.hex_digest();
}

void CostMemory::put(const std::string& key, uint64_t ms) {
    if (auto found = m_index.find(key); found != m_index.end()) {
        m_lru.erase(found->second);
        m_index.erase(found);
    }
    if (m_max_entries == 0) return;
    m_lru.push_front(Entry{key, static_cast<uint32_t>(std::clamp<uint64_t>(ms, 1, kMaxMs))});
    m_index.emplace(key, m_lru.begin());
    while (m_index.size() > m_max_entries) {
        m_index.erase(m_lru.back().key);
        m_lru.pop_back();
    }
    m_dirty = true;
}

std::optional<uint32_t> CostMemory::get(const std::string& key) const {
    auto found = m_index.find(key);
    if (found == m_index.end()) return std::nullopt;
    return found->second->ms;
}

void CostMemory::push_back(const std::string& key, uint32_t ms) {
    m_lru.push_back(Entry{key, ms});
    m_index.emplace(key, std::prev(m_lru.end()));
}

void CostMemory::clear() {
    m_lru.clear();
    m_index.clear();
}

Result<void> CostMemory::load(const std::string& path) {
    clear();
    m_dirty = false;
    // Not followed and not waited on: a link, fifo or device put there is no cost file.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) return errno_error("open " + path, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno_error("stat " + path, errno);
    if (!S_ISREG(st.st_mode)) return make_error(Errc::invalid, "{}: not a regular file", path);
    FERRY_TRY(text, read_fd(fd.get(), kMaxFileBytes, path));
    std::string_view rest(*text);
    if (rest.substr(0, kHeader.size()) != kHeader)
        return make_error(Errc::invalid, "{}: not a ferry cost file", path);
    rest.remove_prefix(kHeader.size());
    size_t line_no = 1;
    while (!rest.empty()) {
        ++line_no;
        size_t end = rest.find('\n');
        if (end == std::string_view::npos) {
            clear();
            return make_error(Errc::invalid, "{}: line {} is cut short", path, line_no);
        }
        std::string_view line = rest.substr(0, end);
        rest.remove_prefix(end + 1);
        size_t space = line.find(' ');
        std::string_view key = line.substr(0, space);
        uint64_t ms = 0;
        bool good = space != std::string_view::npos && is_hash_hex(key);
        if (good) {
            std::string_view number = line.substr(space + 1);
            auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), ms);
            good = ec == std::errc() && ptr == number.data() + number.size() && ms >= 1 &&
                   ms <= kMaxMs;
        }
        if (!good || m_index.count(std::string(key)) || m_index.size() >= m_max_entries) {
            clear();
            return make_error(Errc::invalid, "{}: line {} is not a unit's cost", path, line_no);
        }
        push_back(std::string(key), static_cast<uint32_t>(ms));
    }
    return ok();
}

Result<void> CostMemory::save(const std::string& path) {
    std::string text(kHeader);
    for (const auto& entry : m_lru)
        if (is_hash_hex(entry.key)) text += fmt::format("{} {}\n", entry.key, entry.ms);
    FERRY_TRY_VOID(write_file_atomic(path, text, 0600));
    m_dirty = false;
    return ok();
}

} // namespace ferry::coordinator
