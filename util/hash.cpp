#include "util/hash.hpp"

#include "util/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

namespace ferry {

struct Hasher::State {
    XXH3_state_t* st = XXH3_createState();
    ~State() { XXH3_freeState(st); }
};

static std::string to_hex(XXH128_hash_t h) {
    return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::string hash_hex(std::string_view data) {
    return to_hex(XXH3_128bits(data.data(), data.size()));
}

Hasher::Hasher() : m_state(std::make_unique<State>()) {
    XXH3_128bits_reset(m_state->st);
}
Hasher::~Hasher() = default;

void Hasher::update(std::string_view data) {
    XXH3_128bits_update(m_state->st, data.data(), data.size());
}

Result<void> Hasher::update_file(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return errno_error("open " + path, errno);
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("read " + path, errno);
        }
        if (n == 0) return ok();
        update({buf, static_cast<size_t>(n)});
    }
}

std::string Hasher::hex_digest() const {
    return to_hex(XXH3_128bits_digest(m_state->st));
}

Result<std::string> hash_file_hex(const std::string& path) {
    Hasher h;
    FERRY_TRY_VOID(h.update_file(path));
    return h.hex_digest();
}

bool is_hash_hex(std::string_view s) {
    if (s.size() != 32) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace ferry
