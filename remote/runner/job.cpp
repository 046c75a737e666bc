#include "remote/runner/job.hpp"

#include "remote/runner/compile_command.hpp"
#include "remote/runner/exec_limits.hpp"
#include "remote/runner/opened_files.hpp"
#include "remote/runner/outputs.hpp"

#include <cstring>
#include <signal.h>
#include <utility>

namespace ferry::runner {

Job::Job(uv_loop_t* loop, JobSetup setup, const JobSettings& settings, Done done)
    : m_loop(loop), m_setup(std::move(setup)), m_settings(settings), m_done(std::move(done)) {}

Job::~Job() {
    // Destroyed while the compiler runs (forced exit): it must not outlive us, and with it
    // gone nothing writes into the directory TempDir is about to remove.
    if (m_spawned && !m_exited) kill_group();
}

std::optional<TempDir> Job::take_dir() {
    if (m_spawned && !m_exited) return std::nullopt;
    return std::exchange(m_setup.dir, std::nullopt);
}

std::optional<NetNamespace> Job::take_net() {
    if (m_spawned && !m_exited) return std::nullopt;
    return std::exchange(m_setup.net, std::nullopt);
}

Result<void> Job::start() {
    CompileCommand cmd = m_setup.sandbox
                             ? build_sandboxed_command(m_setup.request, m_setup.dir->path())
                             : build_compile_command(*m_setup.compiler, m_setup.request,
                                                     m_setup.root, m_setup.rerooted_args,
                                                     m_setup.dir->path(), m_settings.path_env);
    std::optional<SandboxSpec> sandbox = m_setup.sandbox;
    if (sandbox && m_setup.net) sandbox->join_net = true;
    std::vector<std::string> args =
        trampoline_argv(m_settings.limits, cmd.program, cmd.argv, sandbox);

    // The compiler's stdout and stderr: pipes whose read ends the loop watches.
    Pipe out_pipe, err_pipe;
    for (auto [pipe, end] : {std::pair{&m_out, &out_pipe}, std::pair{&m_err, &err_pipe}}) {
        FERRY_TRY(made_pipe, make_pipe());
        *end = std::move(*made_pipe);
        FERRY_TRY(made,
                  event::Handle<uv_pipe_t>::create("uv_pipe_init", this, [this](uv_pipe_t* p) {
                      return uv_pipe_init(m_loop, p, 0);
                  }));
        if (int rc = uv_pipe_open(made->get(), end->read.get()); rc < 0)
            return event::uv_error("uv_pipe_open", rc);
        end->read.release(); // the handle owns it now
        *pipe = std::move(*made);
    }
    FERRY_TRY(timer,
              event::Handle<uv_timer_t>::create("uv_timer_init", this, [this](uv_timer_t* t) {
                  return uv_timer_init(m_loop, t);
              }));
    m_timer = std::move(*timer);
    // --job-timeout runs from before the spawn: a job that cannot be timed never starts.
    FERRY_TRY_VOID(event::start_timer(m_timer, &event::timer_trampoline<Job, &Job::on_timeout>,
                                      uint64_t(m_settings.timeout_seconds) * 1000, 0));

    event::ChildSpec spec;
    spec.program = m_settings.exec_helper;
    spec.argv = std::move(args);
    spec.env = std::move(cmd.env);
    spec.cwd = cmd.cwd;
    // Its own session and process group, so a timeout or a vanished client kills cc1 and as
    // too, and a Ctrl-C meant for ferryd does not reach compiles it still wants to finish.
    spec.new_session = true;
    spec.stdout_fd = out_pipe.write.get();
    spec.stderr_fd = err_pipe.write.get();
    if (sandbox && sandbox->join_net) spec.pass_fds = m_setup.net->pass_order();

    m_start_ns = uv_hrtime();
    auto child = event::ChildProcess::spawn(
        m_loop, spec, [this](int64_t status, int sig) { on_exit(status, sig); });
    if (!child)
        return make_error(Errc::io, "cannot start {}: {}", cmd.program, child.error().message);
    m_process = std::move(*child);
    m_spawned = true;
    m_pid = m_process.pid();
    // Only the child holds the write ends now: its exit (and its children's) ends the reads.
    out_pipe.write.reset();
    err_pipe.write.reset();

    auto alloc = [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        Job* job = event::owner_of<Job>(h);
        *buf = job ? uv_buf_init(job->m_buffer.data(), static_cast<unsigned>(job->m_buffer.size()))
                   : uv_buf_init(nullptr, 0);
    };
    auto read = [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
        if (Job* job = event::owner_of<Job>(s)) job->on_read(s, n);
    };
    for (auto* pipe : {&m_out, &m_err}) {
        if (int read_rc = uv_read_start(pipe->stream(), alloc, read); read_rc != 0) {
            kill_group();
            (pipe == &m_out ? m_out_done : m_err_done) = true;
        }
    }
    return ok();
}

void Job::kill_group() {
    if (m_pid > 0 && !m_exited) ::kill(-m_pid, SIGKILL);
}

void Job::cancel() {
    m_cancelled = true;
    kill_group();
}

void Job::on_timeout() {
    m_timed_out = true;
    kill_group();
}

void Job::on_read(uv_stream_t* stream, ssize_t nread) {
    bool is_out = stream == m_out.stream();
    if (nread < 0) { // EOF or error: this pipe is done either way
        uv_read_stop(stream);
        (is_out ? m_out_done : m_err_done) = true;
        maybe_finish();
        return;
    }
    std::string& sink = is_out ? m_stdout : m_stderr;
    if (sink.size() + static_cast<size_t>(nread) > m_settings.max_output) {
        if (m_kill_reason.empty())
            m_kill_reason = fmt::format("the compiler wrote more than {} MiB to {}",
                                        m_settings.max_output >> 20, is_out ? "stdout" : "stderr");
        kill_group();
        return;
    }
    sink.append(m_buffer.data(), static_cast<size_t>(nread));
}

void Job::on_exit(int64_t exit_status, int term_signal) {
    m_exited = true;
    m_end_ns = uv_hrtime();
    m_exit_status = exit_status;
    m_term_signal = term_signal;
    uv_timer_stop(m_timer.get());
    if (m_timed_out || m_cancelled || !m_kill_reason.empty()) {
        // A grandchild that escaped the group could hold the pipes open for ever; what it
        // would still say does not matter for a job we killed.
        m_out_done = m_err_done = true;
        uv_read_stop(m_out.stream());
        uv_read_stop(m_err.stream());
    }
    maybe_finish();
}

void Job::maybe_finish() {
    if (m_finished || !m_exited || !m_out_done || !m_err_done) return;
    m_finished = true;
    proto::JobResult result = build_result();
    Done done = std::move(m_done);
    done(*this, std::move(result)); // may destroy *this: nothing after this line
}

proto::JobResult cancelled_result(uint64_t job_id) {
    proto::JobResult r;
    r.job_id = job_id;
    r.status = proto::JobStatus::failed;
    r.message = std::string(kCancelledByClient);
    return r;
}

proto::JobResult Job::build_result() {
    proto::JobResult r;
    r.job_id = m_setup.request.job_id;
    r.compile_ms = (m_end_ns - m_start_ns) / 1000000;
    auto failed = [&](std::string message) {
        r.status = proto::JobStatus::failed;
        r.message = std::move(message);
        return r;
    };
    if (m_cancelled) return failed(std::string(kCancelledByClient));
    if (m_timed_out) return failed(fmt::format("timed out after {} s", m_settings.timeout_seconds));
    if (!m_kill_reason.empty()) return failed(m_kill_reason);
    if (m_term_signal == SIGXCPU) return failed("the compiler went over the runner's CPU limit");
    if (m_term_signal == SIGXFSZ)
        return failed("the compiler went over the runner's file size limit");
    if (m_exit_status == 127 && m_stderr.rfind("ferryd: ", 0) == 0)
        return failed("could not run the compiler: " + m_stderr.substr(0, m_stderr.find('\n')));
    // The dynamic loader could not start a program of the toolchain: this runner's problem
    // (a toolchain that does not run here), not the user's compile error.
    if (m_exit_status == 127 &&
        m_stderr.find("error while loading shared libraries") != std::string::npos)
        return failed("the compiler does not run here: " + m_stderr.substr(0, m_stderr.find('\n')));

    auto outputs =
        m_setup.sandbox
            ? collect_sandbox_outputs(*m_setup.sandbox, m_setup.request.cwd,
                                      m_setup.request.outputs, m_settings.max_output_file)
            : collect_outputs(m_setup.root, m_setup.request.cwd, m_setup.request.outputs,
                              m_settings.max_output_file);
    if (!outputs) return failed("reading the outputs: " + outputs.error().message);
    r.status = proto::JobStatus::completed;
    r.exit_code = static_cast<int32_t>(m_exit_status);
    r.term_signal = m_term_signal;
    // In the sandbox the compiler saw the client's own paths: nothing to strip.
    r.stdout_data = m_setup.sandbox ? std::move(m_stdout) : strip_root(m_stdout, m_setup.root);
    r.stderr_data = m_setup.sandbox ? std::move(m_stderr) : strip_root(m_stderr, m_setup.root);
    r.outputs = std::move(*outputs);
    if (lists_opened(m_setup.request)) {
        // Outside the sandbox, its TMPDIR is the job's own directory (sandbox spec's tmp).
        const std::string tmp = m_setup.sandbox ? m_setup.sandbox->tmp : m_setup.dir->path();
        auto opened = read_opened(opened_rule_path(tmp), m_setup.sandbox ? "" : m_setup.root);
        r.opened_listed = opened.has_value();
        if (opened) r.opened = std::move(*opened);
    } else if (m_setup.request.list_opened && m_setup.sandbox) {
        // The user's dependency options took the place of ours (intake allows them only in
        // the sandbox, whose paths are the client's: nothing to strip).
        auto opened =
            opened_from_depfile(m_setup.request.compiler_name, m_setup.request.args, r.outputs);
        r.opened_listed = opened.has_value();
        if (opened) r.opened = std::move(*opened);
    }
    return r;
}

} // namespace ferry::runner
