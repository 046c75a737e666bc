// The identity of each local compiler a wrapper asks about. Probing runs the compiler a few
// times, so an identity is kept per path for the coordinator's life and probed again only
// when the binary's stat stamp changes (an upgrade; util/stat_cache.hpp). The probe and the
// clock are swappable so the cache is testable without a compiler.
#pragma once

#include "compiler/identity.hpp"
#include "util/result.hpp"
#include "util/stat_cache.hpp"

#include <functional>
#include <string>

namespace ferry::coordinator {

class CompilerIds {
  public:
    using Probe =
        std::function<Result<compiler::Identity>(const std::string& path, const std::string& name)>;
    // `now_ns`: the wall clock (StatCache's); tests replace it.
    explicit CompilerIds(Probe probe = {}, StatCache<compiler::Identity>::Clock now_ns = {});

    // The identity of the compiler at `path` (absolute). Errc::compile_locally if it cannot
    // be probed.
    Result<compiler::Identity> identity(const std::string& path);

    size_t probes() const { return m_probes; }

  private:
    Probe m_probe;
    StatCache<compiler::Identity> m_cache;
    size_t m_probes = 0;
};

} // namespace ferry::coordinator
