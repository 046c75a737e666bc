#include "jobserver/makeflags.hpp"

#include <charconv>
#include <fmt/format.h>

namespace ferry::jobserver {
namespace {

constexpr std::string_view kAuth = "--jobserver-auth=";
constexpr std::string_view kFds = "--jobserver-fds=";
constexpr std::string_view kFifo = "fifo:";

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

std::optional<int> parse_int(std::string_view s) {
    int v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// "R,W" -> fds; nullopt if it is not two integers.
std::optional<std::pair<int, int>> parse_fd_pair(std::string_view value) {
    auto comma = value.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    auto r = parse_int(value.substr(0, comma));
    auto w = parse_int(value.substr(comma + 1));
    if (!r || !w) return std::nullopt;
    return std::pair{*r, *w};
}

void set_pipe(Auth& auth, std::pair<int, int> fds) {
    auth.fifo_path.clear();
    if (fds.first < 0 || fds.second < 0) {
        auth.style = Style::none;
        auth.read_fd = auth.write_fd = -1;
        return;
    }
    auth.style = Style::pipe;
    auth.read_fd = fds.first;
    auth.write_fd = fds.second;
}

bool is_jobs_word(std::string_view w) {
    if (w == "-j" || w == "--jobs") return true;
    if (starts_with(w, "--jobs=")) return true;
    return starts_with(w, "-j") && parse_int(w.substr(2)).has_value();
}

} // namespace

std::string Auth::auth_value() const {
    if (style == Style::pipe) return fmt::format("{},{}", read_fd, write_fd);
    if (style == Style::fifo) return std::string(kFifo) + fifo_path;
    return {};
}

std::vector<std::string> split_makeflags(std::string_view makeflags) {
    std::vector<std::string> words;
    std::string cur;
    for (size_t i = 0; i < makeflags.size(); ++i) {
        char c = makeflags[i];
        if (c == '\\' && i + 1 < makeflags.size()) {
            cur += c;
            cur += makeflags[++i];
        } else if (c == ' ' || c == '\t') {
            if (!cur.empty()) words.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    return words;
}

Result<Auth> parse_makeflags(std::string_view makeflags) {
    Auth auth;
    auto words = split_makeflags(makeflags);
    // make puts its single-letter flags first, without a dash ("ks -j3 ..."); a first word
    // with a dash is already an option (" -j3 ..." after the split).
    if (!words.empty() && words[0][0] != '-' && words[0].find('=') == std::string::npos &&
        words[0].find('n') != std::string::npos)
        auth.dry_run = true;
    for (const auto& w : words) {
        std::string_view word = w;
        if (word == "--") break; // what follows are variable assignments
        if (starts_with(word, kAuth)) {
            auto value = word.substr(kAuth.size());
            if (auto fds = parse_fd_pair(value)) {
                set_pipe(auth, *fds);
            } else if (starts_with(value, kFifo) && value.size() > kFifo.size()) {
                auth.style = Style::fifo;
                auth.fifo_path = std::string(value.substr(kFifo.size()));
                auth.read_fd = auth.write_fd = -1;
            } else {
                return make_error(Errc::invalid, "unsupported jobserver auth '{}' in MAKEFLAGS",
                                  value);
            }
        } else if (starts_with(word, kFds)) {
            auto fds = parse_fd_pair(word.substr(kFds.size()));
            if (!fds)
                return make_error(Errc::invalid, "invalid --jobserver-fds '{}' in MAKEFLAGS",
                                  word.substr(kFds.size()));
            set_pipe(auth, *fds);
        } else if (starts_with(word, "-j") && word.size() > 2) {
            if (auto n = parse_int(word.substr(2))) auth.jobs = *n;
        } else if (starts_with(word, "--jobs=")) {
            if (auto n = parse_int(word.substr(7))) auth.jobs = *n;
        }
    }
    return auth;
}

std::string strip_jobserver(std::string_view makeflags) {
    std::string out;
    bool after_dashdash = false;
    for (const auto& w : split_makeflags(makeflags)) {
        std::string_view word = w;
        if (word == "--") after_dashdash = true;
        if (!after_dashdash &&
            (starts_with(word, kAuth) || starts_with(word, kFds) || is_jobs_word(word)))
            continue;
        // make's layout: a leading space when there are no flag letters.
        if (!out.empty() || word[0] == '-') out += ' ';
        out += word;
    }
    return out;
}

std::string compose_makeflags(std::string_view base, ChildStyle style, int jobs, int read_fd,
                              int write_fd, const std::string& fifo_path) {
    auto words = split_makeflags(strip_jobserver(base));
    std::string letters, options, variables;
    bool after_dashdash = false;
    for (size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        if (w == "--") {
            after_dashdash = true;
            continue;
        }
        std::string& sink = after_dashdash            ? variables
                            : (i == 0 && w[0] != '-') ? letters
                                                      : options;
        if (!sink.empty()) sink += ' ';
        sink += w;
    }
    std::string pool;
    switch (style) {
    case ChildStyle::pipe:
        pool = fmt::format("-j{} {}{},{} {}{},{}", jobs, kFds, read_fd, write_fd, kAuth, read_fd,
                           write_fd);
        break;
    case ChildStyle::fifo:
        pool = fmt::format("-j{} {}{}{}", jobs, kAuth, kFifo, fifo_path);
        break;
    }
    // GNU make's own layout: letters (or nothing), a space, options; variables after " -- ".
    std::string out = letters + " " + pool;
    if (!options.empty()) out += " " + options;
    if (!variables.empty()) out += " -- " + variables;
    return out;
}

} // namespace ferry::jobserver
