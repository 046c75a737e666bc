#include "coordinator/manifest.hpp"

#include "compiler/include_dirs.hpp"
#include "util/fs.hpp"
#include "util/physical_path.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sys/stat.h>

namespace ferry::coordinator {
namespace {

class Builder {
  public:
    Builder(FileStore& files, DirLinks& dir_links)
        : m_store(files), m_dir_links(dir_links), m_components(files.clock()) {}

    Result<void> file(const std::string& path, const std::string& cwd) {
        FERRY_TRY(resolved, resolve(path, cwd, false));
        // Before the check for a file seen: each name a compile finds a file by has its own.
        FERRY_TRY_VOID(no_precompiled_header(join_path(cwd, path), resolved->path));
        if (!m_seen.insert(resolved->path).second) return ok();
        m_searched.insert(dirname(resolved->path)); // its includes are looked up here first
        Inode inode;
        FERRY_TRY(entry, m_store.entry(resolved->path, false, &inode, seen_of(*resolved)));
        FERRY_TRY_VOID(one_path_per_inode(resolved->path, inode));
        // Its "..." names are looked up in the directory the compiler used for it (lexical,
        // maybe through a link) and, harmlessly, in its physical one.
        if (const auto* uses = m_store.has_include_uses(entry->hash))
            m_asking.push_back(
                {uses, dirname(join_path(cwd, path)), dirname(resolved->path), resolved->path});
        m_manifest.files.push_back(std::move(*entry));
        return ok();
    }

    // Every file that a name asked about with __has_include (or a wrapper) names in a
    // directory the compile searches, shipped if it exists here: the job then answers as the
    // client does. A name that exists nowhere here exists nowhere in the job either.
    // `search` is every directory the compile searches, absolute. Each file is shipped;
    // has_include_files counts those named by a name in `counted` (all when null).
    Result<void> has_include_lookups(const std::vector<std::string>& search,
                                     const std::unordered_set<std::string>* counted) {
        std::set<std::string> wrappers;
        for (const auto& asking : m_asking)
            wrappers.insert(asking.uses->wrappers.begin(), asking.uses->wrappers.end());
        std::map<std::string, bool> candidates; // path -> counted
        for (const auto& asking : m_asking) {
            const HasIncludeUses& uses = *asking.uses;
            if (!uses.non_literal.empty())
                return make_error(Errc::compile_locally,
                                  "{} uses '{}': __has_include of a name known only to the "
                                  "preprocessor, its file cannot be shipped",
                                  asking.physical, uses.non_literal);
            for (const auto& call : uses.non_literal_calls)
                if (wrappers.count(call))
                    return make_error(Errc::compile_locally,
                                      "{} calls {} (a __has_include wrapper) with a macro: its "
                                      "file cannot be shipped",
                                      asking.physical, call);
            auto add = [&](const HeaderLookup& h) {
                const bool counts = !counted || counted->count(h.name) > 0;
                auto candidate = [&](std::string path) { candidates[std::move(path)] |= counts; };
                if (h.name.starts_with('/')) {
                    candidate(h.name);
                    return;
                }
                candidate(join_path(asking.lexical_dir, h.name));
                candidate(join_path(asking.physical_dir, h.name));
                for (const auto& dir : search)
                    candidate(join_path(dir, h.name));
            };
            for (const auto& lookup : uses.lookups)
                add(lookup);
            for (const auto& call : uses.calls)
                if (wrappers.count(call.macro)) add(call.header);
        }
        m_asking.clear(); // the probed files are asked about, never opened: none is read
        for (const auto& [path, counts] : candidates) {
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0) continue;
            FERRY_TRY_VOID(shippable(path));
            if (S_ISDIR(st.st_mode)) {
                FERRY_TRY_VOID(directory(path, "/"));
            } else if (S_ISREG(st.st_mode)) {
                FERRY_TRY(resolved, resolve(path, "/", false));
                if (!m_seen.insert(resolved->path).second) continue;
                m_searched.insert(dirname(resolved->path));
                Inode inode;
                FERRY_TRY(entry, m_store.entry(resolved->path, true, &inode, seen_of(*resolved)));
                FERRY_TRY_VOID(one_path_per_inode(resolved->path, inode));
                m_manifest.files.push_back(std::move(*entry));
                if (counts) ++m_manifest.has_include_files;
            }
        }
        return ok();
    }

    // A directory the compile searches or works in; one that does not exist here must not
    // exist there either, so it is simply left out.
    Result<void> directory(const std::string& path, const std::string& cwd) {
        FERRY_TRY(resolved, resolve(path, cwd, true));
        if (m_dirs.insert(resolved->path).second) m_manifest.directories.push_back(resolved->path);
        return ok();
    }

    // A directory the compile searches: as directory(), and its links are shipped (take()).
    // Only one that exists here as a directory: a missing -I must stay missing there, and
    // a missing parent must not send the compile local.
    Result<void> searched(const std::string& path, const std::string& cwd) {
        struct stat st {};
        if (::stat(absolute_path(cwd, path).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return ok();
        FERRY_TRY(resolved, resolve(path, cwd, false));
        if (m_dirs.insert(resolved->path).second) m_manifest.directories.push_back(resolved->path);
        m_searched.insert(resolved->path);
        return ok();
    }

    // An output's directory. The output itself is written by the job, never read: a link
    // at its path (-o link.o) is left out of the directory's links, so the compiler in the
    // job writes its own file as before (client/outputs.hpp replaces the link here).
    Result<void> output(const std::string& path, const std::string& cwd) {
        const std::string absolute = absolute_path(cwd, path);
        FERRY_TRY(resolved, resolve(dirname(absolute), "/", true));
        if (m_dirs.insert(resolved->path).second) m_manifest.directories.push_back(resolved->path);
        m_outputs.insert(join_path(resolved->path, basename(absolute)));
        return ok();
    }

    Manifest take() {
        ship_searched_links();
        for (auto& [path, target] : m_links)
            m_manifest.links.push_back({path, target});
        m_manifest.searched.assign(m_searched.begin(), m_searched.end());
        return std::move(m_manifest);
    }

  private:
    // The walk's own lstat of a resolved file, taken with the store's clock: no second stat.
    static const StatSnapshot* seen_of(const PhysicalPath& p) {
        return p.seen ? &*p.seen : nullptr;
    }

    // Two shipped paths that are hard links of one file here become two files in the job
    // (each path gets its own inode there), and clang's `#pragma once` and include-guard
    // optimisation tell files apart by inode: included once here, twice there. Such a
    // compile runs here.
    Result<void> one_path_per_inode(const std::string& path, const Inode& inode) {
        if (inode.nlink < 2) return ok();
        auto [it, inserted] = m_inodes.emplace(std::make_pair(inode.dev, inode.ino), path);
        if (inserted) return ok();
        return make_error(Errc::compile_locally, "{} and {} are hard links of one file", it->second,
                          path);
    }

    // The compiler may try a path through any link in a directory it searches and never
    // enter the file (dir_links.hpp): each is shipped as it is here, with the links its
    // target passes through, so it leads where it leads here, or nowhere (as a dangling one
    // does here). What it points to is in the job only if the job has it anyway.
    //
    // The parents of those directories too: `#include "../alias/po.h"` from src/po.c looks
    // up a link beside src/, and clang never lists a `#pragma once` header it did not enter
    // again. Not "/": its links (bin, lib...) are the system's layout, shipped with the
    // toolchain where a job needs them.
    void ship_searched_links() {
        std::set<std::string> dirs = m_searched;
        for (const auto& dir : m_searched)
            if (dir != "/" && dirname(dir) != "/") dirs.insert(dirname(dir));
        for (const auto& dir : dirs) {
            for (const auto& link : m_dir_links.links_in(dir)) {
                const std::string path = join_path(dir, link.name);
                if (m_outputs.count(path)) continue;
                m_links.emplace(path, link.target);
                if (auto target = resolve_physical(path, "/", true, &m_components))
                    for (auto& seen : target->links)
                        m_links.emplace(seen.path, seen.target);
            }
        }
    }

    // gcc opens `H.gch` (a file, or a directory of candidates) instead of a header H it finds,
    // `-include H` included, and clang does the same for `-include H` with `H.pch`/`H.gch`:
    // CMake's precompiled headers work that way. The scan (`-E`) and the analysis list H,
    // never the precompiled one, so a job would compile H's text instead: another object
    // (measured: g++ 12 -O2 -g, `-include pch.hxx` beside `pch.hxx.gch`). Such a compile
    // stays here.
    Result<void> no_precompiled_header(const std::string& lexical, const std::string& physical) {
        for (const std::string* base : {&lexical, &physical}) {
            if (base == &physical && physical == lexical) break; // the usual case: one name
            for (const char* ext : {".gch", ".pch"}) {
                if (m_dir_links.exists(*base + ext))
                    return make_error(Errc::compile_locally,
                                      "{}{} is a precompiled header the compiler would use "
                                      "instead of {}",
                                      *base, ext, *base);
            }
        }
        return ok();
    }

    // /proc, /sys and /dev are not the client's files to ship: the job has none of them but
    // its few devices, so a name that exists there would be false in the job.
    Result<void> shippable(const std::string& path) {
        auto pseudo = [](std::string_view p) {
            for (std::string_view root : {"/proc", "/sys", "/dev"})
                if (p == root || (p.starts_with(root) && p[root.size()] == '/')) return true;
            return false;
        };
        auto resolved = resolve_physical(path, "/", true, &m_components);
        bool through = resolved && std::any_of(resolved->links.begin(), resolved->links.end(),
                                               [&](const auto& l) { return pseudo(l.path); });
        if (pseudo(normalize_path(path)) || through || (resolved && pseudo(resolved->path)))
            return make_error(Errc::compile_locally,
                              "__has_include names {}, in a file system a job does not have", path);
        return ok();
    }

    Result<PhysicalPath> resolve(const std::string& path, const std::string& cwd,
                                 bool may_be_missing) {
        auto resolved = resolve_physical(path, cwd, may_be_missing, &m_components);
        if (!resolved) {
            Error e = resolved.error();
            e.code = Errc::compile_locally;
            return e;
        }
        for (auto& link : resolved->links) {
            m_links.emplace(link.path, link.target);
            walked_through(link.path);
        }
        return resolved;
    }

    // A path may enter a directory through a link and leave it again ("alias/../up.h",
    // alias -> real/deep): the kernel walks the link's target, so that directory must exist
    // in the job even when nothing in it is shipped, or the path does not resolve there.
    void walked_through(const std::string& link) {
        if (!m_links_walked.insert(link).second) return;
        auto target = resolve_physical(link, "/", true, &m_components);
        if (!target) return; // a dangling link stays dangling there too
        struct stat st {};
        if (::stat(target->path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
        for (auto& seen : target->links)
            m_links.emplace(seen.path, seen.target);
        if (m_dirs.insert(target->path).second) m_manifest.directories.push_back(target->path);
    }

    struct Asking {
        const HasIncludeUses* uses;
        std::string lexical_dir;
        std::string physical_dir;
        std::string physical;
    };

    FileStore& m_store;
    DirLinks& m_dir_links;
    ComponentMemo m_components;   // this job's paths share their directories
    std::vector<Asking> m_asking; // shipped files that use __has_include or call something
    Manifest m_manifest;
    std::set<std::string> m_seen;
    std::set<std::string> m_dirs;
    std::set<std::string> m_searched; // physical
    std::set<std::string> m_outputs;  // physical directory + the output's name
    std::map<std::string, std::string> m_links;
    std::set<std::string> m_links_walked;
    std::map<std::pair<uint64_t, uint64_t>, std::string>
        m_inodes; // hard-linked files shipped // links whose target directory is already listed
};

} // namespace

Result<Manifest> build_manifest(FileStore& files, DirLinks& dir_links,
                                const proto::IpcCompile& request,
                                const std::unordered_set<std::string>* has_include_names) {
    dir_links.begin_pass();
    Builder builder(files, dir_links);
    FERRY_TRY_VOID(builder.searched(request.cwd, "/"));
    // The logical working directory the compiler records (DW_AT_comp_dir): its links make
    // it name the working directory in the job too (client/request.hpp logical_cwd).
    for (const auto& [name, value] : request.env) {
        if (name != "PWD") continue;
        // "/a/./b" or "/a/../b" would be recorded as spelled, but ".." through links does
        // not resolve as a lexical path does: only a normalised one is rebuilt.
        if (value.empty() || value[0] != '/' || normalize_path(value) != value)
            return make_error(Errc::compile_locally, "PWD '{}' is not a normalised path", value);
        FERRY_TRY_VOID(builder.directory(value, "/"));
    }
    for (const auto& path : request.files)
        FERRY_TRY_VOID(builder.file(path, request.cwd));
    // Joined, not normalised: the compiler walks "dir/../x.h" through dir's links.
    std::vector<std::string> search;
    for (const auto& dir : request.system_include_dirs) {
        FERRY_TRY_VOID(builder.searched(dir, request.cwd));
        search.push_back(join_path(request.cwd, dir));
    }
    for (const auto& dir : compiler::include_dirs_in(request.args)) {
        FERRY_TRY_VOID(builder.searched(dir, request.cwd));
        search.push_back(join_path(request.cwd, dir));
    }
    FERRY_TRY_VOID(builder.has_include_lookups(search, has_include_names));
    for (const auto& output : request.outputs)
        FERRY_TRY_VOID(builder.output(output, request.cwd));
    return builder.take();
}

} // namespace ferry::coordinator
