#include "coordinator/compiler_ids.hpp"

#include "util/fs.hpp"

#include <cerrno>
#include <sys/stat.h>

namespace ferry::coordinator {

CompilerIds::CompilerIds(Probe probe)
    : m_probe(probe ? std::move(probe)
                    : Probe([](const std::string& path, const std::string& name) {
                          return compiler::probe(path, name);
                      })) {}

Result<compiler::Identity> CompilerIds::identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        Error e = errno_error(fmt::format("stat {}", path), errno);
        e.code = Errc::compile_locally;
        return e;
    }
    uint64_t size = static_cast<uint64_t>(st.st_size);
    int64_t mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (auto it = m_cache.find(path); it != m_cache.end()) {
        if (it->second.size == size && it->second.mtime_ns == mtime_ns) return it->second.identity;
        m_cache.erase(it);
    }
    ++m_probes;
    auto probed = m_probe(path, basename(path));
    if (!probed) {
        Error e = probed.error();
        e.code = Errc::compile_locally;
        return e;
    }
    m_cache[path] = Cached{size, mtime_ns, *probed};
    return probed;
}

} // namespace ferry::coordinator
