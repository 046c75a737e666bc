// ferry_probe: a minimal runner-protocol client for ferryd's integration suites. It talks to
// one ferryd over a blocking socket, so a suite can check the greeting, run a job with a
// manifest it built itself, send garbage, or connect from a chosen source address.
//
//   ferry_probe [--bind ADDR] greeting HOST:PORT
//       waits for the runner's first frame only and closes (no ClientHello, so nothing is
//       logged or counted as a client): 0 and "runner NAME slots N" for a greeting, 102 for
//       an ErrorMsg (refused: its event loop answers all the same), 1 when nothing came.
//       A suite's readiness check: ferryd's port accepts once bound, it greets once serving.
//   ferry_probe [--bind ADDR] hello HOST:PORT
//   ferry_probe [--bind ADDR] stats HOST:PORT
//   ferry_probe [--bind ADDR] garbage HOST:PORT BYTES|hex:HEX   (after the handshake)
//   ferry_probe [--bind ADDR] hello-with HOST:PORT BYTES|hex:HEX (instead of ClientHello)
//   ferry_probe [--bind ADDR] job HOST:PORT COMPILER MANIFEST SYSINC_FILE OUTDIR -- ARGS...
//       MANIFEST: one absolute path per line (read on this machine and shipped)
//       SYSINC_FILE: the compiler's built-in include directories, one per line
//       outputs are named with -o in ARGS (and .dwo beside it with -gsplit-dwarf); they are
//       written under OUTDIR + their absolute path.
//   ferry_probe [--bind ADDR] job-raw HOST:PORT COMPILER CWD OUTPUTS -- ARGS...
//       a job with an empty manifest, sent from the (possibly fake) working directory CWD;
//       OUTPUTS: comma-separated paths to ask back, or "-" for none. For crafted requests
//       that the runner must refuse before it needs any file.
// Environment: FERRY_PROBE_LANG (c/c++), FERRY_PROBE_COMPILER_ID (default: from the greeting),
// FERRY_PROBE_TOOLCHAIN=PATH (`job`: ship this one program as the compiler, unprobed),
// FERRY_PROBE_QUIT_AFTER_NEED=1 (disconnect when NeedFiles arrives),
// FERRY_PROBE_CANCEL_AT_NEED=1 (answer NeedFiles with a JobCancel, then wait for the answer),
// FERRY_PROBE_CANCEL_AFTER_MS=N (`job`: a JobCancel N ms after the request, files or not),
// FERRY_PROBE_CANCEL_FIRST=ID (a JobCancel of job ID, which the runner does not hold, before
// the request),
// FERRY_PROBE_KEY_FILE (answer the runner's challenge with this key and check its proof),
// FERRY_PROBE_AUTH_RESPONSE (send exactly this as the answer: replays, garbage),
// FERRY_PROBE_SHOW_AUTH=1 (print "auth challenge=C response=R" and "authenticated"),
// FERRY_PROBE_TIMEOUT_MS (each step of the greeting and authentication; default: wait).
// Exit: the compiler's exit status for a completed job; 100 refused; 101 failed;
// 102 ferryd sent an ErrorMsg (printed as "error <code>: <message>"); 103 the probe refused
// the runner's authentication (printed as "runner refused: <why>"); 1 for anything else.
#include "compiler/identity.hpp"
#include "coordinator/manifest.hpp"
#include "ipc/messages.hpp"
#include "remote/probe/handshake.hpp"
#include "remote/protocol/auth.hpp"
#include "remote/protocol/frame.hpp"
#include "remote/protocol/messages.hpp"
#include "remote/toolchain/toolchain_spec.hpp"
#include "tests/integration/tools/tcp_connect.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace ferry;

namespace {

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "ferry_probe: %s\n", message.c_str());
    std::exit(1);
}

// The probe's connection: remote/probe's bounded session and handshake, with this tool's
// exit statuses (102 for a runner's ErrorMsg, 103 when the probe refuses the runner).
class Client {
  public:
    Client(const std::string& target, const std::string& bind_addr)
        : m_session(connect(target, bind_addr)) {}

    void send_raw(std::string_view bytes) {
        // FERRY_PROBE_CANCEL_AFTER_MS sends from a second thread: whole frames, one at a time.
        std::lock_guard<std::mutex> lock(m_send_mutex);
        if (auto sent = m_session.send_raw(bytes); !sent) die(sent.error().message);
    }
    template <typename Msg> void send(const Msg& msg) { send_raw(*proto::frame(msg, 1)); }

    // nullopt when the peer closed the connection.
    std::optional<proto::Frame> receive() {
        auto frame = m_session.receive();
        if (!frame) die("bad frame from ferryd: " + frame.error().message);
        return std::move(*frame);
    }

    // nullopt when the peer closed the connection or sent nothing within `timeout_ms`.
    std::optional<proto::Frame> receive_within(int timeout_ms) {
        auto frame = m_session.receive(timeout_ms);
        if (!frame) {
            if (frame.error().code == Errc::timeout) return std::nullopt;
            die("bad frame from ferryd: " + frame.error().message);
        }
        return std::move(*frame);
    }

    proto::Frame expect_frame(const char* what) {
        auto f = receive();
        if (!f) die(std::string("connection closed while waiting for ") + what);
        if (f->type == proto::MsgType::error) {
            auto e = proto::decode_as<proto::ErrorMsg>(*f);
            if (!e) die(e.error().message);
            print_error_and_exit(*e);
        }
        return std::move(*f);
    }

    proto::RunnerHello handshake() {
        probe::HandshakeOptions options;
        options.client_name = "ferry_probe";
        options.timeout_ms = step_timeout_ms();
        if (const char* forced = std::getenv("FERRY_PROBE_AUTH_RESPONSE")) {
            options.forced_response = forced;
        } else if (const char* key_file = std::getenv("FERRY_PROBE_KEY_FILE")) {
            auto key = proto::auth::load_key_file(key_file);
            if (!key) die(key.error().message);
            options.key = std::move(*key);
        }
        auto h = probe::handshake(m_session, options);
        const bool show = std::getenv("FERRY_PROBE_SHOW_AUTH") != nullptr;
        if (show && h.greeted && h.outcome != probe::Handshake::Outcome::runner_has_no_key)
            std::printf("auth challenge=%s response=%s\n", h.hello.challenge.c_str(),
                        h.response.c_str());
        using Outcome = probe::Handshake::Outcome;
        switch (h.outcome) {
        case Outcome::ok:
            break;
        case Outcome::runner_error:
        case Outcome::no_key:
            print_error_and_exit(h.runner_error);
        case Outcome::runner_has_no_key:
            refuse_runner(h.message);
        case Outcome::bad_proof:
            if (h.message == "the runner accepted an answer made without its key") die(h.message);
            refuse_runner(h.message);
        default:
            die(h.message);
        }
        if (show && h.authenticated) std::printf("authenticated\n");
        return std::move(h.hello);
    }

    [[noreturn]] static void refuse_runner(const std::string& why) {
        std::printf("runner refused: %s\n", why.c_str());
        std::fflush(stdout);
        std::exit(103);
    }

    // FERRY_PROBE_TIMEOUT_MS, or -1 (wait).
    static int step_timeout_ms() {
        const char* text = std::getenv("FERRY_PROBE_TIMEOUT_MS");
        return text && *text ? std::atoi(text) : -1;
    }

    [[noreturn]] static void print_error_and_exit(const proto::ErrorMsg& e) {
        std::printf("error %u: %s\n", static_cast<unsigned>(e.code), e.message.c_str());
        std::fflush(stdout);
        std::exit(102);
    }

  private:
    static probe::RunnerSession connect(const std::string& target, const std::string& bind_addr) {
        auto fd = test_tools::connect_v4(target, bind_addr, 3633);
        if (!fd) die(fd.error().message);
        return probe::RunnerSession::adopt(std::move(*fd));
    }

    probe::RunnerSession m_session;
    std::mutex m_send_mutex;
};

std::vector<std::string> read_lines(const std::string& path) {
    auto text = read_file(path);
    if (!text) die(text.error().message);
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < text->size()) {
        size_t end = text->find('\n', pos);
        if (end == std::string::npos) end = text->size();
        if (end > pos) lines.push_back(text->substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

int cmd_greeting(Client& c) {
    auto frame = c.receive_within(Client::step_timeout_ms());
    if (!frame) die("no greeting (the connection closed, or nothing came in time)");
    if (frame->type == proto::MsgType::error) {
        auto e = proto::decode_as<proto::ErrorMsg>(*frame);
        if (!e) die(e.error().message);
        Client::print_error_and_exit(*e);
    }
    auto hello = proto::decode_as<proto::RunnerHello>(*frame);
    if (!hello) die("not a greeting: " + hello.error().message);
    std::printf("runner %s slots %u\n", hello->runner_name.c_str(), hello->slots);
    return 0;
}

int cmd_hello(Client& c) {
    auto hello = c.handshake();
    std::printf("runner %s slots %u version %u\n", hello.runner_name.c_str(), hello.slots,
                hello.protocol_version);
    for (const auto& comp : hello.compilers)
        std::printf("compiler %s driver=%s target=%s id=%s version=%s\n", comp.name.c_str(),
                    comp.driver.c_str(), comp.target.c_str(), comp.id.c_str(),
                    comp.version.c_str());
    return 0;
}

int cmd_stats(Client& c) {
    c.handshake();
    c.send_raw(*proto::encode_frame(proto::MsgType::stats_request, {}));
    auto stats = proto::decode_as<proto::Stats>(c.expect_frame("stats"));
    if (!stats) die(stats.error().message);
    std::printf("received %llu completed %llu failed %llu refused %llu active %u queued %u "
                "files %llu hits %llu slots %u linked %llu copied %llu\n",
                static_cast<unsigned long long>(stats->jobs_received),
                static_cast<unsigned long long>(stats->jobs_completed),
                static_cast<unsigned long long>(stats->jobs_failed),
                static_cast<unsigned long long>(stats->jobs_refused), stats->jobs_active,
                stats->jobs_queued, static_cast<unsigned long long>(stats->files_received),
                static_cast<unsigned long long>(stats->cache_hits), stats->slots,
                static_cast<unsigned long long>(stats->files_linked),
                static_cast<unsigned long long>(stats->files_copied));
    return 0;
}

// "hex:4652..." for bytes a shell argument cannot carry (NUL).
std::string unhex(const std::string& text) {
    if (text.rfind("hex:", 0) != 0) return text;
    std::string out;
    for (size_t i = 4; i + 1 < text.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
    return out;
}

// `instead_of_hello`: send the bytes in place of ClientHello (a wrong version, say).
int cmd_garbage(Client& c, const std::string& bytes, bool instead_of_hello) {
    if (instead_of_hello)
        c.expect_frame("the greeting");
    else
        c.handshake();
    c.send_raw(unhex(bytes));
    c.expect_frame("an answer to garbage"); // exits 102 with the error it prints
    die("ferryd accepted garbage");
}

// The result of a job: printed, outputs written under `outdir`, the exit status to return.
int finish_job(const proto::JobResult& result, const std::string& cwd, const std::string& outdir);

int cmd_job_raw(Client& c, const std::string& compiler, const std::string& cwd,
                const std::string& outputs, std::vector<std::string> args) {
    auto hello = c.handshake();
    proto::JobRequest req;
    req.job_id = 9;
    req.compiler_name = compiler;
    for (const auto& comp : hello.compilers)
        if (comp.name == compiler) req.compiler_id = comp.id;
    if (const char* id = std::getenv("FERRY_PROBE_COMPILER_ID")) req.compiler_id = id;
    if (req.compiler_id.empty()) req.compiler_id = std::string(32, '0');
    req.cwd = cwd;
    req.args = std::move(args);
    req.language = "c";
    for (size_t start = 0; outputs != "-" && start <= outputs.size();) {
        size_t comma = std::min(outputs.find(',', start), outputs.size());
        req.outputs.push_back(outputs.substr(start, comma - start));
        start = comma + 1;
    }
    c.send(req);
    for (;;) {
        proto::Frame f = c.expect_frame("the job's result");
        if (f.type == proto::MsgType::need_files) {
            std::printf("need files\n");
            return 1;
        }
        auto result = proto::decode_as<proto::JobResult>(f);
        if (!result) die(result.error().message);
        return finish_job(*result, cwd, "");
    }
}

int cmd_job(Client& c, const std::string& compiler, const std::string& manifest,
            const std::string& sysinc, const std::string& outdir, std::vector<std::string> args) {
    auto hello = c.handshake();
    proto::JobRequest req;
    req.job_id = 7;
    req.compiler_name = compiler;
    const char* id = std::getenv("FERRY_PROBE_COMPILER_ID");
    for (const auto& comp : hello.compilers)
        if (comp.name == compiler) req.compiler_id = comp.id;
    if (id) req.compiler_id = id;
    if (req.compiler_id.empty()) req.compiler_id = std::string(32, '0');
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd)) die("getcwd");
    req.cwd = cwd;
    req.args = args;
    const char* lang = std::getenv("FERRY_PROBE_LANG");
    req.language = lang ? lang : "c";
    for (const char* name : {"LANG", "LC_ALL", "SOURCE_DATE_EPOCH", "CPATH"})
        if (const char* v = std::getenv(name)) req.env.emplace_back(name, v);

    // The manifest as the coordinator makes it (physical paths, links, searched directories)
    // and the compiler as files, so a sandboxed runner gets what it gets from a real client.
    proto::IpcCompile ipc;
    ipc.cwd = req.cwd;
    ipc.files = read_lines(manifest);
    ipc.system_include_dirs = read_lines(sysinc);
    if (std::getenv("FERRY_PROBE_RAW_MANIFEST")) {
        // Crafted manifests: the paths exactly as listed, however hostile.
        for (const auto& path : ipc.files) {
            auto hash = hash_file_hex(path);
            if (!hash) die(hash.error().message);
            req.files.push_back({path, *hash, read_file(path)->size()});
        }
        req.directories = ipc.system_include_dirs;
    } else {
        coordinator::FileStore store;
        coordinator::DirLinks dir_links;
        auto built = coordinator::build_manifest(store, dir_links, ipc);
        if (!built) die(built.error().message);
        req.files = built->files;
        req.links = built->links;
        req.directories = built->directories;
    }
    req.system_include_dirs = ipc.system_include_dirs;
    if (const char* program = std::getenv("FERRY_PROBE_TOOLCHAIN")) {
        // Any program, shipped as the job's whole toolchain: what a hostile client can make
        // a sandboxed runner execute.
        struct stat st {};
        auto hash = hash_file_hex(program);
        if (!hash || ::stat(program, &st) != 0) die(std::string("cannot ship ") + program);
        req.toolchain.program = program;
        req.toolchain.path_env = "/usr/bin:/bin";
        req.toolchain.files.push_back(
            {program, *hash, static_cast<uint64_t>(st.st_size),
             int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec});
    } else if (!std::getenv("FERRY_PROBE_NO_TOOLCHAIN")) {
        std::string path = compiler[0] == '/' ? compiler : find_in_path(compiler, "/usr/bin:/bin");
        auto identity = compiler::probe(path, basename(path));
        if (!identity) die(identity.error().message);
        req.toolchain = remote::toolchain_spec(*identity);
        if (!id) req.compiler_id = identity->id;
    }
    std::map<std::string, std::string> path_of; // hash -> local path
    for (const auto* files : {&req.files, &req.toolchain.files})
        for (const auto& f : *files)
            path_of[f.hash] = f.path;
    for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "-o") {
            req.outputs.push_back(args[i + 1]);
            if (std::find(args.begin(), args.end(), "-gsplit-dwarf") != args.end()) {
                std::string o = args[i + 1];
                req.outputs.push_back(o.substr(0, o.rfind('.')) + ".dwo");
            }
        }
    }
    if (const char* other = std::getenv("FERRY_PROBE_CANCEL_FIRST"))
        c.send(proto::JobCancel{std::strtoull(other, nullptr, 10)});
    c.send(req);
    std::thread canceller;
    if (const char* after = std::getenv("FERRY_PROBE_CANCEL_AFTER_MS")) {
        const auto ms = std::chrono::milliseconds(std::strtoul(after, nullptr, 10));
        canceller = std::thread([&c, ms, id = req.job_id] {
            std::this_thread::sleep_for(ms);
            std::printf("cancelled\n");
            std::fflush(stdout);
            c.send(proto::JobCancel{id});
        });
    }
    // The answer may come before the cancel is sent (a job that was quick): the thread ends
    // either way before the process does.
    struct Join {
        std::thread& t;
        ~Join() {
            if (t.joinable()) t.join();
        }
    } join{canceller};

    for (;;) {
        proto::Frame f = c.expect_frame("the job's result");
        if (f.type == proto::MsgType::need_files) {
            auto need = proto::decode_as<proto::NeedFiles>(f);
            if (!need) die(need.error().message);
            if (std::getenv("FERRY_PROBE_QUIT_AFTER_NEED")) {
                std::printf("need %zu files\n", need->hashes.size());
                return 0;
            }
            if (std::getenv("FERRY_PROBE_CANCEL_AT_NEED")) {
                std::printf("need %zu files: cancelled\n", need->hashes.size());
                c.send(proto::JobCancel{need->job_id});
                continue;
            }
            proto::FileData data;
            data.job_id = need->job_id;
            for (const auto& h : need->hashes) {
                auto content = read_file(path_of.at(h));
                if (!content) die(content.error().message);
                data.blobs.push_back({h, std::move(*content)});
            }
            c.send(data);
            continue;
        }
        auto result = proto::decode_as<proto::JobResult>(f);
        if (!result) die(result.error().message);
        return finish_job(*result, req.cwd, outdir);
    }
}

int finish_job(const proto::JobResult& result, const std::string& cwd, const std::string& outdir) {
    std::fwrite(result.stdout_data.data(), 1, result.stdout_data.size(), stdout);
    std::fwrite(result.stderr_data.data(), 1, result.stderr_data.size(), stderr);
    if (result.status == proto::JobStatus::refused) {
        std::printf("refused: %s\n", result.message.c_str());
        return 100;
    }
    if (result.status == proto::JobStatus::failed) {
        std::printf("failed: %s\n", result.message.c_str());
        return 101;
    }
    for (const auto& out : result.outputs) {
        if (outdir.empty()) {
            std::printf("output %s (%zu bytes)\n", out.path.c_str(), out.data.size());
            continue;
        }
        std::string dest = outdir + absolute_path(cwd, out.path);
        if (auto made = make_dirs(dirname(dest)); !made) die(made.error().message);
        if (auto w = write_file(dest, out.data); !w) die(w.error().message);
    }
    std::printf("completed exit %d signal %d outputs %zu\n", result.exit_code, result.term_signal,
                result.outputs.size());
    return result.term_signal ? 128 + result.term_signal : result.exit_code;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string bind_addr;
    if (args.size() >= 2 && args[0] == "--bind") {
        bind_addr = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.size() < 2) die("usage: see the comment at the top of ferry_probe.cpp");
    Client client(args[1], bind_addr);
    const std::string& cmd = args[0];
    if (cmd == "greeting") return cmd_greeting(client);
    if (cmd == "hello") return cmd_hello(client);
    if (cmd == "stats") return cmd_stats(client);
    if (cmd == "garbage" && args.size() == 3) return cmd_garbage(client, args[2], false);
    if (cmd == "hello-with" && args.size() == 3) return cmd_garbage(client, args[2], true);
    if (cmd == "job" && args.size() >= 7 && args[6] == "--")
        return cmd_job(client, args[2], args[3], args[4], args[5],
                       std::vector<std::string>(args.begin() + 7, args.end()));
    if (cmd == "job-raw" && args.size() >= 6 && args[5] == "--")
        return cmd_job_raw(client, args[2], args[3], args[4],
                           std::vector<std::string>(args.begin() + 6, args.end()));
    die("unknown command " + cmd);
}
