#include "remote/runner/installed_reuse.hpp"

#include "remote/runner/file_cache.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <sys/stat.h>

namespace ferry::runner {

Result<std::string> reuse_installed(const std::string& cache_dir, const ReuseCandidate& candidate) {
    struct stat st {};
    // lstat: a link here is not the client's file (the client names physical paths), and the
    // size test spares reading a file that cannot match.
    if (candidate.path.empty() || candidate.path.front() != '/' ||
        ::lstat(candidate.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<uint64_t>(st.st_size) != candidate.size)
        return make_error(Errc::not_found, "{}: no installed file of that size", candidate.path);
    auto data = read_file(candidate.path, candidate.size + 1);
    if (!data || data->size() != candidate.size || hash_hex(*data) != candidate.hash)
        return make_error(Errc::not_found, "{}: the installed file differs", candidate.path);
    return FileCache::store(cache_dir, candidate.hash, *data, candidate.mtime_ns);
}

} // namespace ferry::runner
