#include "client/wrapper.hpp"

#include "client/compiler_resolve.hpp"
#include "client/forced_includes.hpp"
#include "client/local_compile.hpp"
#include "client/outputs.hpp"
#include "client/remote_depfile.hpp"
#include "client/request.hpp"
#include "client/search_path_cache.hpp"
#include "client/speculation.hpp"
#include "compiler/args.hpp"
#include "compiler/languages.hpp"
#include "compiler/scan.hpp"
#include "config/hosts.hpp"
#include "ipc/coordinator_client.hpp"
#include "ipc/paths.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace ferry::client {
namespace {

// How long one wrapper keeps starting over with a new coordinator connection after losing
// one, and the first pause between tries (doubled each time, up to kMaxReconnectPause).
constexpr auto kReconnectBudget = std::chrono::seconds(3);
constexpr auto kFirstReconnectPause = std::chrono::milliseconds(10);
constexpr auto kMaxReconnectPause = std::chrono::milliseconds(400);

void print_line(const std::string& text) {
    std::fprintf(stderr, "%s\n", text.c_str());
}

void write_verbatim(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return; // nobody reads our output any more; the exit status still counts
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

std::string current_dir() {
    char buf[PATH_MAX];
    if (::getcwd(buf, sizeof buf) == nullptr) return {};
    return buf;
}

// "compile" or "link", for `ferry status` and `ferry mon`.
std::string local_job_kind(const std::vector<std::string>& args) {
    for (const auto& arg : args)
        if (arg == "-c" || arg == "-S" || arg == "-E") return "compile";
    return "link";
}

// For `ferry mon` and the build report only: the last argument that names a source by its
// extension, when the analysis stopped before it reached the inputs.
std::string named_source(const std::vector<std::string>& args) {
    for (auto it = args.rbegin(); it != args.rend(); ++it)
        if (!it->empty() && (*it)[0] != '-' && !compiler::language_of_extension(*it).empty())
            return *it;
    return {};
}

// True when `source` exists and is not a regular file: a device, a FIFO, a directory (a
// missing source is the compiler's to report, wherever it runs; "-" is stdin, kept local by
// the analysis already).
bool source_is_not_regular(const std::string& source) {
    struct stat st {};
    return !source.empty() && source != "-" && ::stat(source.c_str(), &st) == 0 &&
           !S_ISREG(st.st_mode);
}

class Wrapper {
  public:
    explicit Wrapper(const Invocation& inv) : m_inv(inv) {}

    [[noreturn]] void run() {
        m_cwd = current_dir();
        const char* path_env = std::getenv("PATH");
        auto resolved = resolve_compiler(m_inv.compiler, path_env ? path_env : "/usr/bin:/bin",
                                         self_executable(), m_cwd);
        if (!resolved) {
            print_line(resolved.error().message);
            exit_like(127, 0);
        }
        m_compiler_path = std::move(*resolved);
        m_name = basename(m_inv.compiler);
        m_env = current_environment();

        m_source = basename(m_inv.compiler);
        auto config = config::load(config::options_from_environment(m_inv.hosts_flag));
        if (!config) {
            print_line("ferry: " + config.error().message + "; compiling locally");
            compile_locally();
        }
        m_config = std::move(*config);
        if (m_cwd.empty()) compile_locally(); // a deleted cwd: nothing to mirror remotely

        const auto analysis = compiler::analyse(m_name, m_inv.args, m_env);
        if (!analysis.source.empty())
            m_source = analysis.source;
        else if (auto named = named_source(m_inv.args); !named.empty())
            m_source = named; // kept local before the analysis reached the inputs
        else if (!analysis.object.empty())
            m_source = analysis.object;
        if (!analysis.remote || m_config.runners.empty()) {
            m_local_reason = !analysis.remote ? analysis.reason : "no runners configured";
            connect_quietly();
            compile_locally();
        }
        // `-o /dev/null` and the like: the compiler writes into the node (or fails), and
        // only the compiler itself can do that exactly. No warning: nothing went wrong.
        if (first_unreplaceable_output(analysis.outputs)) {
            m_local_reason = "an output is not a regular file";
            connect_quietly();
            compile_locally();
        }
        // `-x c /dev/null`, a FIFO: nothing to ship, and the coordinator would learn that
        // only after analysing the unit. Kbuild's and autoconf's compiler probes are such
        // compiles, a hundred and more before a kernel build's first object, one at a time.
        if (source_is_not_regular(analysis.source)) {
            m_local_reason = "the source is not a regular file";
            connect_quietly();
            compile_locally();
        }
        compile_remotely(analysis);
    }

  private:
    void connect_quietly() {
        auto client = ipc::CoordinatorClient::connect(m_config, m_inv.hosts_flag, true);
        if (client) m_client.emplace(std::move(*client));
    }

    void warn(const std::string& text) {
        if (m_config.warn_on_fallback) print_line(text);
    }

    void lost_coordinator(const Error& e) {
        warn("ferry: lost the coordinator (" + e.message + "); compiling locally");
        m_client.reset();
    }

    // The coordinator went away under us (a crash, SIGKILL): whoever connects first starts
    // the next one. Worth trying again, quietly, before going on without it; `e` says whether
    // the connection was lost (anything else is not cured by a new one). Not a fixed number
    // of tries but a time budget: until a killed coordinator's process is torn down, its
    // listening socket still accepts into its backlog and every such connection is reset
    // (CI saw a sanitized coordinator take longer than three quick tries).
    bool reconnect(const Error& e) {
        m_client.reset();
        if (e.code != Errc::unavailable) return false;
        const auto now = std::chrono::steady_clock::now();
        if (!m_reconnect_deadline) {
            m_reconnect_deadline = now + kReconnectBudget;
        } else {
            if (now + m_reconnect_pause >= *m_reconnect_deadline) return false;
            std::this_thread::sleep_for(m_reconnect_pause);
            m_reconnect_pause = std::min(m_reconnect_pause * 2, kMaxReconnectPause);
        }
        auto client = ipc::CoordinatorClient::connect(m_config, m_inv.hosts_flag, true);
        if (!client) return false;
        m_client.emplace(std::move(*client));
        return true;
    }

    Result<void> acquire_local(const std::string& what) {
        proto::IpcAcquireLocal step;
        step.what = what;
        step.source = m_source;
        if (what != "preprocess") {
            step.reason = m_local_reason;
            step.counted = m_coordinator_said_local;
        }
        auto slot = m_client->acquire_local(step);
        while (!slot && reconnect(slot.error()))
            slot = m_client->acquire_local(step);
        return slot;
    }

    // Under a local slot when a coordinator is there; without one when it is not (a build
    // must never fail because ferry's daemon is missing).
    [[noreturn]] void compile_locally() {
        if (m_client) {
            auto slot = acquire_local(local_job_kind(m_inv.args));
            if (!slot) lost_coordinator(slot.error());
        }
        ProcessResult result = run_compiler_here(m_compiler_path, m_inv.args);
        // Released, not only closed: the release carries the compile's CPU, which the
        // coordinator could not read from /proc once this process has exited.
        if (m_client) (void)m_client->release_local();
        m_client.reset();
        exit_like(result.exit_code, result.term_signal);
    }

    [[noreturn]] void compile_remotely(const compiler::Analysis& analysis) {
        auto client = ipc::CoordinatorClient::connect(m_config, m_inv.hosts_flag, true);
        if (!client) {
            warn("ferry: cannot reach the coordinator (" + client.error().message +
                 "); compiling locally");
            compile_locally();
        }
        m_client.emplace(std::move(*client));

        // include_analysis = "on": the coordinator's analysis replaces the scan where it
        // can; "" when it did, else why this unit is scanned after all (counted there).
        std::string scan_reason;
        bool asked_analysis = false;
        if (m_config.include_analysis == config::IncludeAnalysis::on) {
            // The user's dependency options go to the runner's compile, which writes the
            // depfile at the client's paths and returns it (client/remote_depfile.hpp).
            scan_reason = depfile_keeps_scan(analysis, current_umask()).value_or("");
            if (scan_reason.empty()) {
                asked_analysis = true;
                const compiler::Analysis served = with_remote_depfile(analysis);
                proto::IpcCompile request = make_request(served, compiler::ScanResult{});
                request.analyse = true;
                request.files.clear();
                request.system_include_dirs.clear();
                auto result = send_compile(request);
                if (result.scan_needed.empty()) finish(served, result);
                scan_reason = std::move(result.scan_needed);
            }
        }

        // A unit the analysis was asked about has waited for it already: no speculation.
        const std::string key = m_config.speculate && !asked_analysis
                                    ? speculation_key(m_compiler_path, m_name, m_cwd, m_inv.args)
                                    : "";
        std::optional<Speculation> speculation;
        if (!key.empty()) speculation = Speculation::start(m_config, m_inv.hosts_flag, key);

        // On the way out, an unconfirmed speculative start goes with the process (its
        // connection closes and the coordinator drops the job).
        auto scan = run_scan(analysis);
        if (!scan) {
            m_local_reason = "the scan failed"; // the compiler prints its own diagnostics
            compile_locally();
        }

        proto::IpcCompile request = make_request(analysis, *scan);
        request.memo_key = key;
        // The coordinator counted the scans it asked for; this one it did not see coming.
        if (!asked_analysis) request.scan_reason = scan_reason;
        std::optional<proto::IpcCompileResult> early;
        if (speculation && same_request(speculation->request(), request)) {
            if (auto answer = speculation->result()) {
                speculation->confirm(); // a remote answer, or "compile here" (counted local)
                early = std::move(*answer);
            }
        }
        speculation.reset(); // a start the scan did not confirm is dropped here
        finish(analysis, early ? std::move(*early) : send_compile(request));
    }

    proto::IpcCompile make_request(const compiler::Analysis& analysis,
                                   const compiler::ScanResult& scan) {
        CompileInputs in;
        in.compiler_path = m_compiler_path;
        in.compiler_name = m_name;
        in.cwd = m_cwd;
        in.env = m_env;
        in.stderr_is_tty = ::isatty(STDERR_FILENO) == 1;
        in.term = std::getenv("TERM");
        proto::IpcCompile request = build_request(in, analysis, scan);
        request.pid = static_cast<uint32_t>(::getpid());
        request.source = m_source;
        request.build = ipc::current_build();
        return request;
    }

    // The coordinator's answer; without one, the compile runs here.
    proto::IpcCompileResult send_compile(const proto::IpcCompile& request) {
        auto result = m_client->compile(request);
        while (!result && reconnect(result.error()))
            result = m_client->compile(request);
        if (!result) {
            lost_coordinator(result.error());
            compile_locally();
        }
        return std::move(*result);
    }

    [[noreturn]] void finish(const compiler::Analysis& analysis,
                             const proto::IpcCompileResult& result) {
        if (!result.ran_remotely) {
            if (!result.warning.empty()) print_line(result.warning);
            m_coordinator_said_local = true; // counted there, with its reason
            if (result.lowest_priority) lower_to_idle_priority();
            compile_locally();
        }
        m_client.reset(); // the job is done; free the connection before writing
        finish_remote(analysis, result);
    }

    // The scan (-E -H -v), and the -M pass when there is one, under a local
    // slot. nullopt: compile locally instead (the coordinator went away, or a pass failed).
    std::optional<compiler::ScanResult> run_scan(const compiler::Analysis& analysis) {
        if (auto slot = acquire_local("preprocess"); !slot) {
            lost_coordinator(slot.error());
            return std::nullopt;
        }
        // The search lists come from an earlier scan of the same shape when there is one
        // (the scan then runs without -v).
        std::string cache_dir, key;
        std::optional<compiler::ScanResult> known;
        if (auto dir = ipc::runtime_dir()) {
            cache_dir = join_path(*dir, "search-paths");
            key = search_shape_key(
                {m_compiler_path, m_cwd,
                 shape_args(analysis.remote_args, analysis.source, analysis.outputs), m_env,
                 analysis.language});
            known = load_search_paths(cache_dir, key, m_cwd);
        }
        RunOptions options;
        options.program = m_compiler_path;
        options.argv.push_back(m_compiler_path);
        for (const auto& arg : analysis.scan_args)
            if (!(known && arg == "-v")) options.argv.push_back(arg);
        auto scan = run_process(options);
        // Under the same slot: the files -H does not list (forced includes; everything for
        // clang -MMD), from a -M pass.
        std::optional<Result<std::vector<std::string>>> forced;
        if (scan && scan->term_signal == 0 && scan->exit_code == 0 &&
            analysis.make_rule_pass != compiler::MakeRulePass::none)
            forced = list_make_rule_files(m_compiler_path, analysis, m_cwd);
        if (auto released = m_client->release_local(); !released) {
            // The slot went with the connection; the compile can still go to the next one.
            if (!reconnect(released.error())) {
                lost_coordinator(released.error());
                return std::nullopt;
            }
        }
        if (!scan || scan->term_signal != 0 || scan->exit_code != 0) return std::nullopt;
        if (forced && !*forced) return std::nullopt; // the local compile tells the user why
        auto parsed = compiler::parse_scan_output(scan->err);
        if (known) {
            parsed.quote_dirs = std::move(known->quote_dirs);
            parsed.angle_dirs = std::move(known->angle_dirs);
            parsed.missing_dirs = std::move(known->missing_dirs);
        } else if (!cache_dir.empty()) {
            store_search_paths(cache_dir, key, parsed);
        }
        if (forced) {
            // Spelled by the compiler like -H's paths; files_to_ship drops duplicates.
            for (auto& file : **forced)
                parsed.headers.push_back(std::move(file));
        }
        return parsed;
    }

    [[noreturn]] void finish_remote(const compiler::Analysis& analysis,
                                    const proto::IpcCompileResult& result) {
        const bool succeeded = result.exit_code == 0 && result.term_signal == 0;
        auto selection = select_outputs(result.outputs, analysis.outputs);
        for (const auto& path : selection.ignored)
            print_line("ferry: warning: ignoring unexpected output " + path + " from " +
                       result.runner);
        if (succeeded && !has_output(selection, analysis.object)) {
            // A runner that reports success without the object would lose it: redo it here.
            warn("ferry: " + result.runner + " sent no " + analysis.object + "; compiling locally");
            m_local_reason = "the runner sent no object";
            connect_quietly();
            compile_locally();
        }
        if (succeeded && depfile_is_remote(analysis) && !has_output(selection, analysis.depfile)) {
            warn("ferry: " + result.runner + " sent no " + analysis.depfile +
                 "; compiling locally");
            m_local_reason = "the runner sent no dependency file";
            connect_quietly();
            compile_locally();
        }
        if (succeeded) {
            if (auto written = write_outputs(selection); !written) {
                if (written.error().code == Errc::compile_locally) {
                    // An output became a device or a fifo while the job was away.
                    m_local_reason = "an output is not a regular file";
                    connect_quietly();
                    compile_locally();
                }
                print_line("ferry: " + written.error().message);
                exit_like(1, 0);
            }
        } else {
            // A failed compile writes nothing but its depfile; clang also removes what an
            // earlier build left (gcc does not). Do what the local compiler would.
            const auto depfile = failed_compile_depfile(selection, analysis);
            if (compiler::family_of(m_name) == compiler::Family::clang)
                for (const auto& path : analysis.outputs)
                    if (!has_output(depfile, path) && !unreplaceable_output(path))
                        ::unlink(path.c_str());
            if (auto written = write_outputs(depfile); !written)
                print_line("ferry: " + written.error().message);
        }
        write_verbatim(STDOUT_FILENO, result.stdout_data);
        write_verbatim(STDERR_FILENO, result.stderr_data);
        exit_like(result.exit_code, result.term_signal);
    }

    const Invocation& m_inv;
    std::string m_cwd;
    std::string m_compiler_path;
    std::string m_name;
    std::vector<std::string> m_env;
    config::Config m_config;
    std::optional<ipc::CoordinatorClient> m_client;
    std::string m_source;       // shown by `ferry mon`
    std::string m_local_reason; // why this compile runs here, for `ferry status`
    bool m_coordinator_said_local = false;
    std::optional<std::chrono::steady_clock::time_point> m_reconnect_deadline;
    std::chrono::milliseconds m_reconnect_pause = kFirstReconnectPause;
};

} // namespace

void run_wrapper(const Invocation& invocation) {
    Wrapper(invocation).run();
}

} // namespace ferry::client
