#include "remote/runner/intake_check.hpp"

#include "remote/runner/arg_policy.hpp"
#include "remote/runner/opened_files.hpp"
#include "remote/toolchain/toolchain_spec.hpp"

#include <utility>

namespace ferry::runner {

using Verdict = IntakeCheck::Verdict;

static void refuse(IntakeCheck& check, std::string message) {
    check.verdict = Verdict::refused;
    check.message = std::move(message);
    check.request = {};
}

void check_intake(IntakeCheck& check) {
    const IntakePolicy& policy = *check.policy;
    proto::JobRequest& request = check.request;
    auto decoded = proto::decode(check.payload, request);
    std::string().swap(check.payload);
    if (!decoded) {
        check.verdict = Verdict::protocol_error;
        check.message = decoded.error().message;
        return;
    }
    if (request.job_id != check.job_id) { // cannot happen: the id was peeked from these bytes
        check.verdict = Verdict::protocol_error;
        check.message = "job_request: the job id changed while it was decoded";
        return;
    }
    auto installed = policy.allowlist.find(request.compiler_name, request.compiler_id);
    // A sandboxed runner runs the compiler the job brings, unless told to run only its own;
    // an installed compiler with the job's identity is the same files either way.
    const bool own_compiler =
        !policy.sandboxed || policy.installed_compilers_only || request.toolchain.program.empty();
    if (own_compiler && !installed) return refuse(check, installed.error().message);
    if (installed) check.installed = *installed;
    if (policy.sandboxed && own_compiler) request.toolchain = remote::toolchain_spec(**installed);
    // Only in the sandbox does the compile write the depfile a local one writes: elsewhere
    // it would name the mirror's paths (docs/include-analysis.md, "On").
    const auto deps = policy.sandboxed ? compiler::DependencyOptions::allowed
                                       : compiler::DependencyOptions::refused;
    if (auto checked = check_arguments(request.args, deps); !checked)
        return refuse(check, checked.error().message);
    if (policy.sandboxed && has_dependency_option(request.args))
        if (auto named = depfile_is_output(request.compiler_name, request.args, request.outputs);
            !named)
            return refuse(check, named.error().message);
    auto plan = policy.sandboxed ? plan_sandboxed_mirror(request, policy.limits)
                                 : plan_mirror(request, policy.limits);
    if (!plan) return refuse(check, plan.error().message);
    if (policy.sandboxed && request.toolchain.files.empty())
        return refuse(check, "this runner runs the compiler a job ships, and this job ships none");
    check.plan = std::move(*plan);
    if (policy.sandboxed)
        for (auto& f : request.toolchain.files)
            check.toolchain.try_emplace(
                f.hash, ReuseCandidate{f.hash, std::move(f.path), f.size, f.mtime_ns});
    // The plan says where every file goes; the lists would only be carried to the job.
    decltype(request.files)().swap(request.files);
    decltype(request.toolchain.files)().swap(request.toolchain.files);
    check.verdict = Verdict::accepted;
}

} // namespace ferry::runner
