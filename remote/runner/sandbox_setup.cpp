#include "remote/runner/sandbox_setup.hpp"

#include "remote/runner/exec_limits.hpp"
#include "remote/runner/job_root.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/subprocess.hpp"
#include "util/temp_dir.hpp"

namespace ferry::runner {

Result<void> check_sandbox(const std::string& exec_helper, const std::string& state_dir,
                           const NetNamespace* net) {
    FERRY_TRY(dir, TempDir::create(state_dir, "sandbox-check-"));
    proto::JobRequest probe;
    probe.cwd = "/";
    probe.outputs = {"/w/probe.o"};
    FERRY_TRY(spec, sandbox_spec(dir->path(), probe));
    spec->join_net = net != nullptr;
    for (const char* sub : {"/dev", kSandboxTmp, kSandboxOldRoot, "/w"})
        FERRY_TRY_VOID(make_dirs(spec->root + sub));
    FERRY_TRY_VOID(make_sandbox_fixtures(*spec));
    RunOptions run;
    run.argv = sandbox_check_argv(*spec);
    run.program = exec_helper;
    if (net) run.pass_fds = net->pass_order();
    FERRY_TRY(result, run_process(run));
    if (result->shell_status() != 0) {
        std::string why = result->err.substr(0, result->err.find('\n'));
        return make_error(
            Errc::unavailable, "{}",
            why.empty() ? fmt::format("the check exited with status {}", result->shell_status())
                        : why);
    }
    return ok();
}

NetNamespacePool lend_network_namespaces(const std::string& exec_helper,
                                         const std::string& state_dir, size_t slots) {
    std::optional<Error> failure;
    auto pool = NetNamespacePool::make(exec_helper, slots, &failure);
    if (auto first = pool.take()) {
        auto joined = check_sandbox(exec_helper, state_dir, &*first);
        if (!joined) {
            log::warning("jobs cannot join a network namespace made beforehand ({}): each "
                         "makes its own",
                         joined.error().message);
            return {};
        }
        pool.give(std::move(*first));
    }
    if (failure)
        log::warning("network namespaces: {} of {} made ({}); jobs beyond them make their own",
                     pool.made(), slots, failure->message);
    else
        log::info("network namespaces: {} made, each lent to one job at a time", pool.made());
    return pool;
}

void seed_cache(FileCache& cache, const CompilerAllowlist& allowlist) {
    size_t added = 0;
    for (const auto& compiler : allowlist.compilers()) {
        for (const auto& file : compiler.toolchain_files) {
            if (cache.lookup(file.hash)) continue;
            auto data = read_file(file.path);
            // Changed since it was probed: a client with the old identity sends it instead.
            if (!data || hash_hex(*data) != file.hash) continue;
            if (cache.insert(file.hash, *data, file.mtime_ns)) ++added;
        }
    }
    cache.trim();
    log::info("cache: {} files of the installed compilers added", added);
}

} // namespace ferry::runner
