// $FERRY_HOSTS in DISTCC_HOSTS grammar, so a distcc user's host list works unchanged:
//   host[:port][/limit][,option...]   localhost[/N]   --localslots=N   --localslots_cpp=N
// distcc's compression and preprocessing options (lzo, cpp) are accepted and ignored: ferry
// always compresses with zstd and always scans on the client and compiles on the runner. What
// ferry cannot honour (ssh runners, GSSAPI auth, zeroconf) is refused, never silently dropped.
// Each error names the word it is about; `ferry hosts --from-distcc` (which prints the
// equivalent hosts.toml) also gets a note for each word that is accepted but has no effect.
#include "config/hosts.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <vector>

namespace ferry::config {

namespace {

constexpr uint32_t kMaxSlots = 1024;
constexpr uint32_t kDistccLocalDefault = 2; // what distcc gives a bare "localhost"

template <typename... Args>
Error token_error(std::string_view source, std::string_view token,
                  fmt::format_string<Args...> format, Args&&... args) {
    return Error{Errc::invalid, fmt::format("{}: {:?}: {}", source, token,
                                            fmt::format(format, std::forward<Args>(args)...))};
}

std::optional<uint32_t> parse_number(std::string_view text, uint32_t lo, uint32_t hi) {
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi)
        return std::nullopt;
    return value;
}

std::vector<std::string_view> split_tokens(std::string_view spec) {
    std::vector<std::string_view> tokens;
    size_t i = 0;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < spec.size()) {
        if (is_space(spec[i])) {
            ++i;
        } else if (spec[i] == '#') { // distcc's hosts files allow comments; so do we
            while (i < spec.size() && spec[i] != '\n')
                ++i;
        } else {
            size_t start = i;
            while (i < spec.size() && !is_space(spec[i]))
                ++i;
            tokens.push_back(spec.substr(start, i - start));
        }
    }
    return tokens;
}

bool is_localhost(std::string_view host) {
    constexpr std::string_view kLocalhost = "localhost";
    return host.size() == kLocalhost.size() &&
           std::equal(host.begin(), host.end(), kLocalhost.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

struct State {
    std::string_view source;
    Config config;
    std::vector<std::string> notes;
    std::optional<uint32_t> local_slots;
    bool saw_localhost = false;
    std::map<std::string, std::string_view> endpoints; // endpoint -> token that named it
};

void raise_local_slots(State& state, uint32_t n) {
    // localhost/N and --localslots[_cpp] all size the same pool here (ferry scans and compiles
    // locally under one kind of slot), so the largest request wins.
    state.local_slots = std::max(state.local_slots.value_or(0), n);
}

void add_note(State& state, std::string note) {
    if (std::find(state.notes.begin(), state.notes.end(), note) == state.notes.end())
        state.notes.push_back(std::move(note));
}

// A "--" token: nullopt when it does not size the local pool.
Result<std::optional<uint32_t>> parse_option(std::string_view token, State& state) {
    if (token == "--randomize") {
        add_note(state, "--randomize: not needed, the coordinator spreads jobs over the "
                        "runners by their expected cost");
        return std::optional<uint32_t>();
    }
    for (std::string_view prefix : {"--localslots=", "--localslots_cpp="}) {
        if (token.substr(0, prefix.size()) != prefix) continue;
        std::string_view value = token.substr(prefix.size());
        auto n = parse_number(value, 1, kMaxSlots);
        if (!n)
            return token_error(state.source, token,
                               "expected a number of slots from 1 to {}, got {:?}", kMaxSlots,
                               value);
        return n;
    }
    return token_error(state.source, token,
                       "unknown option (known: --randomize, --localslots=N, "
                       "--localslots_cpp=N)");
}

Result<void> check_host_options(std::string_view token, std::string_view options, State& state) {
    while (!options.empty()) {
        size_t comma = options.find(',');
        std::string_view option = options.substr(0, comma);
        options = comma == std::string_view::npos ? std::string_view() : options.substr(comma + 1);
        if (option == "lzo") { // see the comment at the top
            add_note(state, ",lzo: not needed, ferry always compresses with zstd "
                            "([client] compression_level)");
            continue;
        }
        if (option == "cpp") {
            add_note(state, ",cpp: not needed, ferry always scans on the client and compiles "
                            "on the runner, and ships the headers itself (no pump mode)");
            continue;
        }
        if (option == "auth" || option.substr(0, 5) == "auth=")
            return token_error(state.source, token,
                               "GSSAPI authentication is not supported: ferry "
                               "authenticates runners with a shared key (key_file in "
                               "hosts.toml, or $FERRY_KEY_FILE)");
        return token_error(state.source, token, "unknown host option {:?} (known: lzo, cpp)",
                           option);
    }
    return ok();
}

Result<void> parse_host(std::string_view token, State& state) {
    std::string_view spec = token;
    std::string_view options;
    if (auto comma = spec.find(','); comma != std::string_view::npos) {
        options = spec.substr(comma + 1);
        spec = spec.substr(0, comma);
        FERRY_TRY_VOID(check_host_options(token, options, state));
    }

    std::string_view host;
    std::string_view rest;
    if (!spec.empty() && spec.front() == '[') {
        size_t close = spec.find(']');
        if (close == std::string_view::npos)
            return token_error(state.source, token, "'[' without ']' around an IPv6 address");
        host = spec.substr(0, close + 1);
        rest = spec.substr(close + 1);
    } else {
        size_t end = spec.find_first_of(":/");
        host = spec.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : spec.substr(end);
        if (!rest.empty() && rest.front() == ':' && rest.find(':', 1) != std::string_view::npos &&
            rest.find('/') > rest.find(':', 1))
            return token_error(state.source, token, "an IPv6 address needs brackets: [::1]:3633/4");
    }
    if (host.empty()) return token_error(state.source, token, "no host name");

    std::optional<uint16_t> port;
    std::optional<uint32_t> limit;
    if (!rest.empty() && rest.front() == ':') {
        std::string_view text = rest.substr(1, rest.find('/') - 1);
        auto value = parse_number(text, 1, 65535);
        if (!value)
            return token_error(state.source, token, "expected a port from 1 to 65535, got {:?}",
                               text);
        port = static_cast<uint16_t>(*value);
        rest = rest.substr(1 + text.size());
    }
    if (!rest.empty() && rest.front() == '/') {
        std::string_view text = rest.substr(1);
        limit = parse_number(text, 1, kMaxSlots);
        if (!limit)
            return token_error(state.source, token, "expected a job limit from 1 to {}, got {:?}",
                               kMaxSlots, text);
        rest = {};
    }
    if (!rest.empty())
        return token_error(state.source, token, "unexpected {:?} after the host", rest);

    if (is_localhost(host)) {
        if (port)
            return token_error(state.source, token,
                               "localhost means \"compile here\" and takes no port; for "
                               "a runner on this machine write 127.0.0.1:{}",
                               *port);
        if (state.saw_localhost)
            return token_error(state.source, token, "localhost is given twice");
        state.saw_localhost = true;
        raise_local_slots(state, limit.value_or(kDistccLocalDefault));
        return ok();
    }

    auto canonical = canonical_host(host);
    if (!canonical) return token_error(state.source, token, "{}", canonical.error().message);
    Runner runner;
    runner.host = std::move(*canonical);
    runner.port = port.value_or(kDefaultPort);
    runner.slots = limit.value_or(0);
    runner.name = endpoint_string(runner.host, runner.port);
    if (auto it = state.endpoints.find(runner.name); it != state.endpoints.end())
        return token_error(state.source, token, "{} is already given by {:?}", runner.name,
                           it->second);
    state.endpoints.emplace(runner.name, token);
    state.config.runners.push_back(std::move(runner));
    return ok();
}

} // namespace

Result<DistccHosts> read_distcc_hosts(std::string_view spec, std::string_view source) {
    State state;
    state.source = source;
    for (std::string_view token : split_tokens(spec)) {
        if (token.substr(0, 2) == "--") {
            FERRY_TRY(slots, parse_option(token, state));
            if (*slots) raise_local_slots(state, **slots);
        } else if (token.find('@') != std::string_view::npos) {
            return token_error(source, token,
                               "ssh runners (@host) are not supported: run ferryd on the host "
                               "(ferry does not use ssh; ferryd listens on TCP, port 3633)");
        } else if (token.front() == '+') {
            return token_error(source, token,
                               "{} is not supported: ferry does not discover runners, list "
                               "them (host:port/slots)",
                               token);
        } else {
            FERRY_TRY_VOID(parse_host(token, state));
        }
    }
    state.config.local_slots = state.local_slots.value_or(0);
    state.config.source = std::string(source);
    state.config.fingerprint = hash_hex(std::string("env") + '\0' + std::string(spec));
    return DistccHosts{std::move(state.config), std::move(state.notes)};
}

Result<Config> parse_distcc_hosts(std::string_view spec) {
    FERRY_TRY(read, read_distcc_hosts(spec, "$FERRY_HOSTS"));
    return std::move(read->config);
}

} // namespace ferry::config
