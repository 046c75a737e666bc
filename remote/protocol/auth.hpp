// Shared-secret authentication of the runner connection (docs/protocol.md, section 7). Both
// sides hold the same 32-byte key; neither ever sends it. ferryd's greeting carries a fresh
// random nonce, the client answers with its own nonce and an HMAC-SHA256 over both nonces and
// its name, and ferryd, once it has checked that, proves it holds the key too with an HMAC
// under another domain tag. Fresh nonces on both sides make a recorded answer or proof
// useless on any other connection; the domain tags stop a proof being reflected as an answer.
// This authenticates the peers at the start of the connection only: nothing after the
// greeting is encrypted or integrity-protected (see docs/security.md).
//
// libsodium is initialised once, at program start (init()), by each program that
// authenticates: ferryd, the coordinator, `ferry doctor`/`keygen`, the probe. Every other
// function here returns an error rather than throwing if that was missed and fails now, since
// they run inside libuv callbacks, where an exception must never go.
//
// Also the key file: 64 hex digits, readable by its owner only (refused otherwise, as ssh
// refuses a private key others can read). This is the only file protocol/ reads.
#pragma once

#include "util/result.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::proto::auth {

inline constexpr size_t kKeyBytes = 32;
inline constexpr size_t kNonceBytes = 32;
inline constexpr size_t kMacBytes = 32;
// On the wire everything is lowercase hex: the challenge is one nonce, the client's answer
// its nonce followed by its HMAC, the runner's proof one HMAC.
inline constexpr size_t kChallengeHexSize = 2 * kNonceBytes;
inline constexpr size_t kResponseHexSize = 2 * (kNonceBytes + kMacBytes);
inline constexpr size_t kProofHexSize = 2 * kMacBytes;

// Initialises libsodium (idempotent, thread-safe). Errc::internal when it cannot (no usable
// random source): nothing can authenticate, and a program should say so and stop.
Result<void> init();

// The secret. Wiped from memory when destroyed.
class Key {
  public:
    // 64 hex digits (either case), surrounding white space allowed: a key file's contents.
    static Result<Key> parse(std::string_view text);
    // 32 fresh random bytes; Errc::internal if libsodium cannot be initialised.
    static Result<Key> generate();

    Key(const Key& other) = default;
    Key& operator=(const Key& other) = default;
    ~Key();

    const std::array<unsigned char, kKeyBytes>& bytes() const { return m_bytes; }
    std::string hex() const; // what a key file holds (without the newline)

  private:
    Key() = default;
    std::array<unsigned char, kKeyBytes> m_bytes{};
};

// Reads a key file. Refused (naming the file) when it is not a regular file, when its mode
// lets group or others read or write it, or when it does not hold exactly one key.
Result<Key> load_key_file(const std::string& path);

// Writes a new key file with mode 0600; refuses to overwrite an existing file.
Result<void> write_new_key_file(const std::string& path);

// ---- runner side ----

// A fresh challenge for RunnerHello.challenge (64 lowercase hex digits); Errc::internal if
// libsodium cannot be initialised (the runner then refuses the connection).
Result<std::string> make_challenge();

// Checks ClientHello.auth_response against the challenge this connection sent. On success
// returns the proof to send back in AuthProof; Errc::refused with a message for the log and
// the client otherwise ("no key", "wrong key", a malformed answer), Errc::internal if
// libsodium cannot be initialised.
Result<std::string> check_response(const Key& key, std::string_view challenge,
                                   std::string_view client_name, std::string_view response);

// ---- client side ----

struct Answer {
    std::string response;       // for ClientHello.auth_response
    std::string expected_proof; // what the runner's AuthProof must carry
};

// Answers RunnerHello.challenge. Errc::refused when the challenge is empty (the runner has
// no key and so cannot prove anything) or malformed, Errc::internal if libsodium cannot be
// initialised.
Result<Answer> answer_challenge(const Key& key, std::string_view challenge,
                                std::string_view client_name);

// Compares a received proof with the expected one in constant time.
Result<void> check_proof(std::string_view expected, std::string_view received);

} // namespace ferry::proto::auth
