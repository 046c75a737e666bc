#include "coordinator/compiler_ids.hpp"

#include "util/fs.hpp"

namespace ferry::coordinator {

CompilerIds::CompilerIds(Probe probe, StatCache<compiler::Identity>::Clock now_ns)
    : m_probe(probe ? std::move(probe)
                    : Probe([](const std::string& path, const std::string& name) {
                          return compiler::probe(path, name);
                      })),
      m_cache(std::move(now_ns)) {}

Result<compiler::Identity> CompilerIds::identity(const std::string& path) {
    auto seen = m_cache.stat(path);
    if (!seen) {
        Error e = seen.error();
        e.code = Errc::compile_locally;
        return e;
    }
    if (const compiler::Identity* cached = m_cache.find(path, seen->stamp)) return *cached;
    ++m_probes;
    auto probed = m_probe(path, basename(path));
    if (!probed) {
        Error e = probed.error();
        e.code = Errc::compile_locally;
        return e;
    }
    m_cache.store(path, *seen, *probed);
    return probed;
}

} // namespace ferry::coordinator
