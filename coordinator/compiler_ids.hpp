// The identity of each local compiler a wrapper asks about. Probing runs the compiler a few
// times, so an identity is kept per path for the coordinator's life and probed again only
// when the binary's size or mtime changes (an upgrade). The probe itself is swappable so the
// cache is testable without a compiler.
#pragma once

#include "compiler/identity.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

namespace ferry::coordinator {

class CompilerIds {
  public:
    using Probe =
        std::function<Result<compiler::Identity>(const std::string& path, const std::string& name)>;
    explicit CompilerIds(Probe probe = {});

    // The identity of the compiler at `path` (absolute). Errc::compile_locally if it cannot
    // be probed.
    Result<compiler::Identity> identity(const std::string& path);

    size_t probes() const { return m_probes; }

  private:
    struct Cached {
        uint64_t size = 0;
        int64_t mtime_ns = 0;
        compiler::Identity identity;
    };
    Probe m_probe;
    std::unordered_map<std::string, Cached> m_cache;
    size_t m_probes = 0;
};

} // namespace ferry::coordinator
