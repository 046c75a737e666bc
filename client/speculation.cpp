#include "client/speculation.hpp"

#include "util/hash.hpp"

#include <unistd.h>

namespace ferry::client {

std::string speculation_key(const std::string& compiler_path, const std::string& compiler_name,
                            const std::string& cwd, const std::vector<std::string>& args) {
    Hasher h;
    // NUL-separated: no two different argument lists hash the same bytes.
    for (const std::string* part : {&compiler_path, &compiler_name, &cwd}) {
        h.update(*part);
        h.update(std::string_view("\0", 1));
    }
    h.update(std::to_string(args.size()));
    for (const auto& arg : args) {
        h.update(std::string_view("\0", 1));
        h.update(arg);
    }
    return h.hex_digest();
}

bool same_request(const proto::IpcCompile& speculative, const proto::IpcCompile& confirmed) {
    proto::IpcCompile a = speculative;
    // The flag is for the coordinator's log, and the memo's request was another wrapper's:
    // who asks is not what is compiled.
    a.speculative = confirmed.speculative;
    a.pid = confirmed.pid;
    a.build = confirmed.build;
    return a == confirmed;
}

std::optional<Speculation> Speculation::start(const config::Config& config,
                                              const std::string& hosts_flag,
                                              const std::string& key) {
    // The wrapper's own connection has just made sure a coordinator runs.
    auto client = ipc::CoordinatorClient::connect(config, hosts_flag, false);
    if (!client) return std::nullopt;
    auto known = client->memo(key);
    if (!known || !*known || (*known)->memo_key != key) return std::nullopt;
    proto::IpcCompile request = std::move(**known);
    request.speculative = true;
    request.pid = static_cast<uint32_t>(::getpid());
    request.build = ipc::current_build();
    if (!client->send_compile(request)) return std::nullopt;
    return Speculation(std::move(*client), std::move(request));
}

} // namespace ferry::client
