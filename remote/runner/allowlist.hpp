// The compilers this runner offers, resolved once at start-up. A job names a compiler by
// the allowlist name and identity hash it saw in the greeting; anything else is refused,
// so a client can never make the runner execute a program of its choosing.
#pragma once

#include "compiler/identity.hpp"
#include "remote/protocol/messages.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

namespace ferry::runner {

class CompilerAllowlist {
  public:
    CompilerAllowlist() = default;
    explicit CompilerAllowlist(std::vector<compiler::Identity> compilers);

    // `names` empty: the default list found on `path_env`. Otherwise each is a name (looked
    // up on `path_env`) or a path; the allowlist name is its basename. Every failure to
    // probe is an error: an operator who names a compiler expects it to be offered.
    // `with_toolchain`: describe each compiler as files (compiler/toolchain.hpp), which a
    // runner needs only to run its own compilers (--installed-compilers-only, --unsandboxed).
    static Result<CompilerAllowlist> resolve(const std::vector<std::string>& names,
                                             const std::string& path_env,
                                             bool with_toolchain = true);

    // Errc::refused with the message sent to the client when (name, id) is not offered.
    Result<const compiler::Identity*> find(std::string_view name, std::string_view id) const;

    std::vector<proto::CompilerInfo> infos() const;
    const std::vector<compiler::Identity>& compilers() const { return m_compilers; }
    bool empty() const { return m_compilers.empty(); }

  private:
    std::vector<compiler::Identity> m_compilers;
};

} // namespace ferry::runner
