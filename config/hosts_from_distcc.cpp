#include "config/hosts_from_distcc.hpp"

#include <fmt/format.h>

namespace ferry::config {

namespace {

// The spec as one comment line: TOML comments end at a newline and may not hold other
// control characters, and the words were split on whitespace anyway.
std::string comment_text(std::string_view spec) {
    std::string out;
    bool space = false;
    for (char c : spec) {
        const auto u = static_cast<unsigned char>(c);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    return out;
}

} // namespace

std::string toml_quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\u{:04X}", u);
        } else {
            out += c;
        }
    }
    return out + '"';
}

Result<std::string> hosts_toml_from_distcc(std::string_view spec, std::string_view source) {
    FERRY_TRY(read, read_distcc_hosts(spec, source));
    const Config& config = read->config;
    std::string out;
    out += "# hosts.toml for ferry, from DISTCC_HOSTS (ferry hosts --from-distcc):\n";
    out += fmt::format("#   {}\n", comment_text(spec));
    out += "# Save it as ~/.config/ferry/hosts.toml (or /etc/ferry/hosts.toml); every key is in\n"
           "# hosts.toml(5) and docs/configuration.md.\n";
    for (const std::string& note : read->notes)
        out += fmt::format("# {}\n", note);

    out += "\n[client]\n";
    if (config.local_slots != 0) {
        out += "# localhost/N, --localslots: compiles and scans run here at once.\n";
        out += fmt::format("local_slots = {}\n", config.local_slots);
    } else {
        // Written out so the user sees the choice: distcc without localhost still compiled
        // here when no host was free; ferry sizes its local pool by this machine's CPUs.
        out += "# 0: as many compiles and scans here at once as this machine has CPUs.\n";
        out += "local_slots = 0\n";
    }

    for (const Runner& runner : config.runners) {
        out += "\n[[runner]]\n";
        out += fmt::format("address = {}\n", toml_quoted(runner.host));
        if (runner.port != kDefaultPort) out += fmt::format("port = {}\n", runner.port);
        if (runner.slots != 0) {
            out += fmt::format("slots = {}\n", runner.slots);
        } else {
            out += "# no /limit: the runner's own --jobs (distcc assumed 4)\n";
        }
    }
    return out;
}

} // namespace ferry::config
