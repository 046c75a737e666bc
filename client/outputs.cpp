#include "client/outputs.hpp"

#include "util/fs.hpp"

#include <algorithm>

namespace ferry::client {

OutputSelection select_outputs(const std::vector<proto::OutputFile>& outputs,
                               const std::vector<std::string>& expected) {
    OutputSelection selection;
    for (const auto& out : outputs) {
        const bool wanted = std::find(expected.begin(), expected.end(), out.path) != expected.end();
        if (wanted && !has_output(selection, out.path))
            selection.accepted.push_back(&out);
        else
            selection.ignored.push_back(out.path);
    }
    return selection;
}

bool has_output(const OutputSelection& selection, const std::string& path) {
    return std::any_of(selection.accepted.begin(), selection.accepted.end(),
                       [&](const proto::OutputFile* f) { return f->path == path; });
}

Result<void> write_outputs(const OutputSelection& selection) {
    for (const auto* out : selection.accepted)
        FERRY_TRY_VOID(write_file_atomic(out->path, out->data, 0666));
    return ok();
}

} // namespace ferry::client
