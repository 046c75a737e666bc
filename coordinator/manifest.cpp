#include "coordinator/manifest.hpp"

#include "util/fs.hpp"
#include "util/physical_path.hpp"

#include <map>
#include <set>

namespace ferry::coordinator {
namespace {

class Builder {
  public:
    explicit Builder(FileStore& files) : m_store(files) {}

    Result<void> file(const std::string& path, const std::string& cwd) {
        FERRY_TRY(resolved, resolve(path, cwd, false));
        if (!m_seen.insert(resolved->path).second) return ok();
        FERRY_TRY(entry, m_store.entry(resolved->path));
        m_manifest.files.push_back(std::move(*entry));
        return ok();
    }

    // A directory the compile searches or works in; one that does not exist here must not
    // exist there either, so it is simply left out.
    Result<void> directory(const std::string& path, const std::string& cwd) {
        FERRY_TRY(resolved, resolve(path, cwd, true));
        if (m_dirs.insert(resolved->path).second) m_manifest.directories.push_back(resolved->path);
        return ok();
    }

    Manifest take() {
        for (auto& [path, target] : m_links)
            m_manifest.links.push_back({path, target});
        return std::move(m_manifest);
    }

  private:
    Result<PhysicalPath> resolve(const std::string& path, const std::string& cwd,
                                 bool may_be_missing) {
        auto resolved = resolve_physical(path, cwd, may_be_missing);
        if (!resolved) {
            Error e = resolved.error();
            e.code = Errc::compile_locally;
            return e;
        }
        for (auto& link : resolved->links)
            m_links.emplace(link.path, link.target);
        return resolved;
    }

    FileStore& m_store;
    Manifest m_manifest;
    std::set<std::string> m_seen;
    std::set<std::string> m_dirs;
    std::map<std::string, std::string> m_links;
};

} // namespace

Result<Manifest> build_manifest(FileStore& files, const proto::IpcCompile& request) {
    Builder builder(files);
    FERRY_TRY_VOID(builder.directory(request.cwd, "/"));
    for (const auto& path : request.files)
        FERRY_TRY_VOID(builder.file(path, request.cwd));
    for (const auto& dir : request.system_include_dirs)
        FERRY_TRY_VOID(builder.directory(dir, request.cwd));
    for (const auto& output : request.outputs)
        FERRY_TRY_VOID(builder.directory(dirname(absolute_path(request.cwd, output)), "/"));
    return builder.take();
}

} // namespace ferry::coordinator
