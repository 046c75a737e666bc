// The client side of the jobserver: what a process under make (or under ferry's pool) uses
// to run more than one job. Parses MAKEFLAGS, opens the pipe fds or the fifo as its own
// non-blocking descriptions, and hands out Tokens. A process always owns one implicit token
// (the one its parent took to start it); every other token is a byte read from the pool.
//
// acquire() waits with poll() on the pool and an optional cancel fd (a signalfd or a
// self-pipe), then reads without blocking: no busy wait, and no window where a signal
// (SIGCHLD from a finished job) arrives between the check and a blocking read. A Token
// writes back the exact byte it read when it is released or destroyed, so every exit path
// that unwinds returns it.
#pragma once

#include "jobserver/makeflags.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

#include <memory>
#include <string>

namespace ferry::jobserver {

class Client;

// A job slot: implicit (no byte) or explicit (one byte to write back). Move-only.
class Token {
  public:
    Token() = default;
    Token(Token&& other) noexcept;
    Token& operator=(Token&& other) noexcept;
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    ~Token() { release(); }

    bool valid() const { return m_kind != Kind::none; }
    bool is_implicit() const { return m_kind == Kind::implicit; }
    char byte() const { return m_byte; }
    // Gives the slot back (writes the byte for an explicit token). Idempotent.
    void release();

  private:
    friend class Client;
    enum class Kind { none, implicit, explicit_ };
    struct Shared; // the client's state, kept alive by its tokens

    Kind m_kind = Kind::none;
    char m_byte = 0;
    std::shared_ptr<Shared> m_shared;
};

class Client {
  public:
    // From $MAKEFLAGS. Errc::not_found: no jobserver in it (or make -n); Errc::unavailable:
    // the fds are closed or not a pipe, or the fifo cannot be opened (a parent make that
    // did not mark the rule with '+'); Errc::invalid: MAKEFLAGS is malformed.
    static Result<Client> from_environment();
    static Result<Client> from_makeflags(std::string_view makeflags);
    static Result<Client> from_auth(const Auth& auth);

    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;

    const Auth& auth() const { return m_auth; }
    // The fd that becomes readable when a token may be available (for callers' own loops).
    int poll_fd() const;

    // A token without waiting: the implicit one if free, else a byte if one is in the pool.
    // An invalid Token if none is available now.
    Result<Token> try_acquire();
    // Waits until a token is available. Errc::timeout after `timeout_ms` (< 0: forever);
    // Errc::unavailable if `cancel_fd` becomes readable first (it is not read).
    Result<Token> acquire(int cancel_fd = -1, int timeout_ms = -1);

  private:
    Client() = default;
    Auth m_auth;
    std::shared_ptr<Token::Shared> m_shared;
};

} // namespace ferry::jobserver
