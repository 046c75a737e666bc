// Errors as values at module borders (ccache's tl::expected idea; g++ 12 has no std::expected).
// An Error carries a code that tells the caller what to do next: the coordinator maps
// `unavailable`/`timeout`/`protocol` to "retry elsewhere and back off that runner",
// `compile_locally` to "run it here", and `invalid` to "the input itself is wrong".
#pragma once

#include <fmt/format.h>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ferry {

enum class Errc {
    invalid,         // bad input: a malformed frame, a hostile argument, a broken config
    io,              // a local system call failed
    protocol,        // the peer spoke something we do not understand
    timeout,         // the peer was too slow
    unavailable,     // the peer is down, refused or went away
    refused,         // the peer understood and said no (policy, auth)
    compile_locally, // not distributable: the job must run on this machine
    not_found,
    internal,
};

const char* errc_name(Errc code);

struct Error {
    Errc code = Errc::internal;
    std::string message;
};

template <typename... Args>
Error make_error(Errc code, fmt::format_string<Args...> format, Args&&... args) {
    return Error{code, fmt::format(format, std::forward<Args>(args)...)};
}

// Error from errno, with what we were doing: "open /x: No such file or directory".
Error errno_error(std::string_view what, int err);

template <typename T> class [[nodiscard]] Result {
  public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool has_value() const { return m_v.index() == 0; }
    explicit operator bool() const { return has_value(); }
    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(m_v); }
    Error& error() { return std::get<1>(m_v); }

  private:
    std::variant<T, Error> m_v;
};

template <> class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}
    bool has_value() const { return !m_error; }
    explicit operator bool() const { return has_value(); }
    const Error& error() const { return *m_error; }
    Error& error() { return *m_error; }

  private:
    std::optional<Error> m_error;
};

inline Result<void> ok() {
    return {};
}

} // namespace ferry

// Propagate an error: `FERRY_TRY(r, expr);` declares r or returns expr's error.
// `var` is the name being declared: it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define FERRY_TRY(var, expr)                                                                       \
    auto var = (expr);                                                                             \
    if (!(var)) return std::move((var).error())
// NOLINTEND(bugprone-macro-parentheses)

#define FERRY_TRY_VOID(expr)                                                                       \
    do {                                                                                           \
        auto ferry_try_result_ = (expr);                                                           \
        if (!ferry_try_result_) return std::move(ferry_try_result_.error());                       \
    } while (0)
