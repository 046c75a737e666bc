// The server side of the jobserver: a pool of tokens in a pipe (--jobserver-auth=R,W) or a
// fifo (--jobserver-auth=fifo:PATH). Size is the concurrency a client tree gets, counting
// the implicit token the top client (make) holds without reading one, so the pool holds
// size - 1 bytes. The size can change while clients run: growing writes tokens at once;
// shrinking retires tokens as clients give them back (nothing is ever taken from a running
// job). The pool counts what it issued, so after the last client exits it can tell a leak.
//
// Our read side is our own open file description, never the one a child gets: make 4.3
// sets O_NONBLOCK on the read fd it is given, which on a shared description would change
// ours too. The fifo lives in a private 0700 directory, is created 0600, and is removed
// when the pool goes away (the caller makes sure that happens on signals too).
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"
#include "util/temp_dir.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ferry::jobserver {

// What is in the pool after the build, compared with what should be.
struct Accounting {
    uint32_t expected = 0; // tokens issued and not retired
    uint32_t returned = 0; // tokens found in the pool
    bool complete() const { return returned == expected; }
    // Positive: tokens some client kept; negative: a client wrote more than it took.
    int64_t leaked() const { return int64_t(expected) - int64_t(returned); }
};

class TokenPool {
  public:
    // `size` >= 1 (0 is taken as 1). `dir` is where a private directory for the fifo is made.
    static Result<TokenPool> create_pipe(uint32_t size);
    static Result<TokenPool> create_fifo(uint32_t size, const std::string& dir);

    TokenPool(TokenPool&& other) noexcept;
    TokenPool& operator=(TokenPool&& other) noexcept;
    TokenPool(const TokenPool&) = delete;
    TokenPool& operator=(const TokenPool&) = delete;
    ~TokenPool();

    bool is_fifo() const { return !m_fifo_path.empty(); }
    const std::string& fifo_path() const { return m_fifo_path; }
    // Our fds. A child must not get m_read: use child_read_fd() (a fresh open of the pipe).
    int read_fd() const { return m_read.get(); }
    int write_fd() const { return m_write.get(); }
    Result<Fd> child_read_fd() const;
    Result<Fd> child_write_fd() const;

    uint32_t size() const { return m_target + 1; }
    // Tokens in circulation (in the pool or held by clients), without the implicit one.
    uint32_t issued() const { return m_issued; }
    // Grow now; shrink as tokens come back (call reclaim() when read_fd() is readable).
    Result<void> set_size(uint32_t size);
    // True while tokens must be retired: poll read_fd() for POLLIN and call reclaim().
    bool wants_tokens() const { return m_issued > m_target; }
    // Retires tokens that are in the pool, up to what the size allows. Never blocks.
    Result<void> reclaim();

    // Counts the tokens in the pool and stops handing them out. Call after every client
    // has exited; the pool is empty afterwards (the tokens are taken, not put back).
    Result<Accounting> drain();

  private:
    TokenPool() = default;
    Result<void> write_tokens(uint32_t n);

    Fd m_read;
    Fd m_write;
    std::optional<TempDir> m_dir; // fifo style: the private directory holding the fifo
    std::string m_fifo_path;
    uint32_t m_target = 0; // explicit tokens wanted
    uint32_t m_issued = 0; // explicit tokens written and not retired
};

} // namespace ferry::jobserver
