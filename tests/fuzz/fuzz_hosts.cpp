// libFuzzer target: arbitrary bytes as a hosts.toml and as $FERRY_HOSTS. Neither parser may
// crash or throw; every error is Errc::invalid and says where; every accepted runner has a
// canonical address (canonical_host is idempotent on it) and a unique endpoint; and a
// $FERRY_HOSTS runner list written back in DISTCC_HOSTS grammar parses to the same runners.
#include "config/hosts.hpp"

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

using namespace ferry;
using namespace ferry::config;

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

void check_runners(const Config& config) {
    std::set<std::string> endpoints;
    std::set<std::string> names;
    for (const Runner& runner : config.runners) {
        check(!runner.name.empty());
        check(runner.port != 0);
        auto again = canonical_host(runner.host);
        check(again && *again == runner.host);
        check(endpoints.insert(endpoint_string(runner.host, runner.port)).second);
        check(names.insert(runner.name).second);
    }
}

void check_error(const Error& error, std::string_view prefix) {
    check(error.code == Errc::invalid);
    check(error.message.substr(0, prefix.size()) == prefix);
}

void round_trip_distcc(const Config& config) {
    std::string spec;
    for (const Runner& runner : config.runners) {
        spec += endpoint_string(runner.host, runner.port);
        if (runner.slots) spec += "/" + std::to_string(runner.slots);
        spec += ' ';
    }
    auto again = parse_distcc_hosts(spec);
    check(again.has_value());
    check(again->runners.size() == config.runners.size());
    for (size_t i = 0; i < config.runners.size(); ++i) {
        check(again->runners[i].host == config.runners[i].host);
        check(again->runners[i].port == config.runners[i].port);
        check(again->runners[i].slots == config.runners[i].slots);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);

    auto toml = parse_hosts_toml(input, "fuzz.toml");
    if (toml)
        check_runners(*toml);
    else
        check_error(toml.error(), "fuzz.toml:");

    auto distcc = parse_distcc_hosts(input);
    if (distcc) {
        check_runners(*distcc);
        round_trip_distcc(*distcc);
    } else {
        check_error(distcc.error(), "$FERRY_HOSTS: ");
    }

    auto host = canonical_host(input);
    if (host) {
        auto again = canonical_host(*host);
        check(again && *again == *host);
    }
    return 0;
}
