#include "remote/protocol/auth.hpp"

#include "util/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::proto::auth {

namespace {

// Different tags for the two directions: a runner's proof can never pass as a client's answer
// (or the other way round), even though both are HMACs over the same nonces and name.
constexpr std::string_view kClientTag{"ferry-auth-v1 client\0", 21};
constexpr std::string_view kRunnerTag{"ferry-auth-v1 runner\0", 21};

// A key file is 65 bytes; anything much larger is not a key file.
constexpr size_t kMaxKeyFileSize = 4096;

// Every entry point that uses libsodium checks this first. sodium_init is idempotent and
// thread-safe; after init() at program start it costs an atomic load.
bool sodium_ready() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

Error sodium_error() {
    return make_error(Errc::internal,
                      "libsodium could not be initialised (no usable random source?)");
}

std::string to_hex(const unsigned char* data, size_t size) {
    std::string out(2 * size + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, size);
    out.pop_back(); // sodium_bin2hex writes a terminating NUL
    return out;
}

int hex_value(char c, bool allow_upper) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (allow_upper && c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Exactly `out.size()` bytes from 2 * out.size() hex digits; on the wire only lowercase is
// canonical, so only a key file may use upper case.
template <size_t N>
bool from_hex(std::string_view hex, std::array<unsigned char, N>& out, bool allow_upper) {
    if (hex.size() != 2 * N) return false;
    for (size_t i = 0; i < N; ++i) {
        int hi = hex_value(hex[2 * i], allow_upper);
        int lo = hex_value(hex[2 * i + 1], allow_upper);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    return true;
}

using Nonce = std::array<unsigned char, kNonceBytes>;
using Mac = std::array<unsigned char, kMacBytes>;

Mac compute_mac(const Key& key, std::string_view tag, const Nonce& runner_nonce,
                const Nonce& client_nonce, std::string_view client_name) {
    // Callers checked sodium_ready().
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, key.bytes().data(), key.bytes().size());
    auto update = [&](const void* data, size_t size) {
        crypto_auth_hmacsha256_update(&state, static_cast<const unsigned char*>(data), size);
    };
    update(tag.data(), tag.size());
    update(runner_nonce.data(), runner_nonce.size());
    update(client_nonce.data(), client_nonce.size());
    // Length first, so the name cannot be confused with anything that might follow it.
    const auto n = static_cast<uint32_t>(client_name.size());
    const unsigned char length[4] = {
        static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
        static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
    update(length, sizeof length);
    update(client_name.data(), client_name.size());
    Mac mac{};
    crypto_auth_hmacsha256_final(&state, mac.data());
    sodium_memzero(&state, sizeof state);
    return mac;
}

} // namespace

Result<void> init() {
    if (!sodium_ready()) return sodium_error();
    return ok();
}

// ---- the key ----

Key::~Key() {
    sodium_memzero(m_bytes.data(), m_bytes.size());
}

Result<Key> Key::parse(std::string_view text) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && blank(text.back()))
        text.remove_suffix(1);
    Key key;
    if (!from_hex(text, key.m_bytes, true))
        return make_error(Errc::invalid,
                          "expected {} hex digits ({} random bytes, as 'ferry keygen' writes), "
                          "found {} characters that are not",
                          2 * kKeyBytes, kKeyBytes, text.size());
    return key;
}

Result<Key> Key::generate() {
    if (!sodium_ready()) return sodium_error();
    Key key;
    randombytes_buf(key.m_bytes.data(), key.m_bytes.size());
    return key;
}

std::string Key::hex() const {
    return to_hex(m_bytes.data(), m_bytes.size());
}

Result<Key> load_key_file(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd) return errno_error("key file " + path, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno_error("key file " + path, errno);
    if (!S_ISREG(st.st_mode))
        return make_error(Errc::invalid, "key file {} is not a regular file", path);
    if ((st.st_mode & 077) != 0)
        return make_error(Errc::refused,
                          "key file {} is accessible by group or others (mode {:04o}); make it "
                          "private with: chmod 600 {}",
                          path, st.st_mode & 07777, path);
    std::string text;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error("key file " + path, errno);
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > kMaxKeyFileSize)
            return make_error(Errc::invalid, "key file {} is too large to be a key", path);
    }
    auto key = Key::parse(text);
    sodium_memzero(text.data(), text.size());
    sodium_memzero(buf, sizeof buf);
    if (!key) return make_error(Errc::invalid, "key file {}: {}", path, key.error().message);
    return key;
}

Result<void> write_new_key_file(const std::string& path) {
    FERRY_TRY(key, Key::generate());
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        if (errno == EEXIST)
            return make_error(Errc::invalid, "{} already exists: ferry will not overwrite a key",
                              path);
        return errno_error("create " + path, errno);
    }
    // The umask may only have removed bits; make sure no one else can read the key.
    if (::fchmod(fd.get(), 0600) != 0) return errno_error("chmod " + path, errno);
    std::string text = key->hex() + "\n";
    std::string_view rest = text;
    while (!rest.empty()) {
        ssize_t n = ::write(fd.get(), rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            sodium_memzero(text.data(), text.size());
            ::unlink(path.c_str());
            return errno_error("write " + path, err);
        }
        rest.remove_prefix(static_cast<size_t>(n));
    }
    sodium_memzero(text.data(), text.size());
    if (::fsync(fd.get()) != 0) return errno_error("fsync " + path, errno);
    return ok();
}

// ---- the exchange ----

Result<std::string> make_challenge() {
    if (!sodium_ready()) return sodium_error();
    Nonce nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    return to_hex(nonce.data(), nonce.size());
}

Result<std::string> check_response(const Key& key, std::string_view challenge,
                                   std::string_view client_name, std::string_view response) {
    if (!sodium_ready()) return sodium_error();
    Nonce runner_nonce{};
    if (!from_hex(challenge, runner_nonce, false))
        return make_error(Errc::internal, "the challenge sent is not {} hex digits",
                          kChallengeHexSize);
    if (response.empty())
        return make_error(Errc::refused, "the client has no key (this runner requires one)");
    Nonce client_nonce{};
    Mac mac{};
    if (response.size() != kResponseHexSize ||
        !from_hex(response.substr(0, kChallengeHexSize), client_nonce, false) ||
        !from_hex(response.substr(kChallengeHexSize), mac, false))
        return make_error(Errc::refused,
                          "malformed authentication answer ({} bytes, expected {} lowercase hex "
                          "digits)",
                          response.size(), kResponseHexSize);
    const Mac expected = compute_mac(key, kClientTag, runner_nonce, client_nonce, client_name);
    if (sodium_memcmp(expected.data(), mac.data(), mac.size()) != 0)
        return make_error(Errc::refused, "wrong key (the client's answer does not match)");
    const Mac proof = compute_mac(key, kRunnerTag, runner_nonce, client_nonce, client_name);
    return to_hex(proof.data(), proof.size());
}

Result<Answer> answer_challenge(const Key& key, std::string_view challenge,
                                std::string_view client_name) {
    if (challenge.empty())
        return make_error(Errc::refused,
                          "the runner does not authenticate (it has no key), but a key_file is "
                          "configured for it");
    Nonce runner_nonce{};
    if (!from_hex(challenge, runner_nonce, false))
        return make_error(Errc::refused, "malformed authentication challenge ({} bytes)",
                          challenge.size());
    if (!sodium_ready()) return sodium_error();
    Nonce client_nonce{};
    randombytes_buf(client_nonce.data(), client_nonce.size());
    const Mac mac = compute_mac(key, kClientTag, runner_nonce, client_nonce, client_name);
    const Mac proof = compute_mac(key, kRunnerTag, runner_nonce, client_nonce, client_name);
    Answer answer;
    answer.response =
        to_hex(client_nonce.data(), client_nonce.size()) + to_hex(mac.data(), mac.size());
    answer.expected_proof = to_hex(proof.data(), proof.size());
    return answer;
}

Result<void> check_proof(std::string_view expected, std::string_view received) {
    if (!sodium_ready()) return sodium_error();
    Mac want{}, got{};
    if (!from_hex(expected, want, false))
        return make_error(Errc::internal, "the expected proof is not {} hex digits", kProofHexSize);
    if (!from_hex(received, got, false))
        return make_error(Errc::refused, "malformed authentication proof ({} bytes)",
                          received.size());
    if (sodium_memcmp(want.data(), got.data(), got.size()) != 0)
        return make_error(Errc::refused,
                          "the runner could not prove it holds the key (a different key?)");
    return ok();
}

} // namespace ferry::proto::auth
