// Values both of ferry's protocols carry: the runner messages (remote/protocol/messages.hpp)
// and the coordinator's IPC (ipc/messages.hpp) share them, so that the wrapper, which speaks
// only the IPC, needs no runner message type.
#pragma once

#include "remote/protocol/fields.hpp"

#include <string>
#include <utility>
#include <vector>

namespace ferry::proto {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// A compiler a runner offers. `id` is the identity hash (binary + cc1/cc1plus + version +
// target, see compiler/identity.hpp); a job goes only to a runner with the same id and driver.
struct CompilerInfo {
    std::string name;    // as on the runner's allowlist: "gcc", "clang++-14"
    std::string driver;  // "c" (gcc, cc, clang) or "c++" (g++, c++, clang++)
    std::string target;  // -dumpmachine
    std::string version; // first line of --version
    std::string id;      // 32 hex digits

    template <class M, class V> static void fields(M& m, V& v) {
        v("name", m.name);
        v("driver", m.driver);
        v("target", m.target);
        v("version", m.version);
        v("id", m.id);
    }

    bool operator==(const CompilerInfo&) const = default;
};

// An output the compile wrote, as the client will write it.
struct OutputFile {
    std::string path; // as in JobRequest::outputs
    std::string data;

    template <class M, class V> static void fields(M& m, V& v) {
        v("path", m.path);
        v("data", m.data);
    }

    bool operator==(const OutputFile&) const = default;
};

} // namespace ferry::proto
