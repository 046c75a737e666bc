// The logger's state is global (one per daemon): each case sets what it uses and puts the
// level back to the default, info.
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/temp_dir.hpp"

#include <cerrno>
#include <doctest/doctest.h>
#include <regex>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace ferry;

namespace {

std::vector<std::string> lines_of(const std::string& path) {
    auto text = read_file(path);
    REQUIRE(text);
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t end; (end = text->find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(text->substr(start, end - start));
    CHECK(start == text->size()); // every line ends with its newline
    return lines;
}

struct LogFile {
    TempDir dir = *TempDir::create("/tmp", "ferry-log-");
    std::string path = dir.path() + "/test.log";
    LogFile() {
        REQUIRE(log::set_file(path));
        log::set_program("ferry-test");
    }
    ~LogFile() { log::set_level(log::Level::info); }
};

} // namespace

TEST_CASE("a log line: local time to the millisecond, program[pid], level, message") {
    LogFile file;
    log::set_level(log::Level::debug);
    log::debug("job {} from {}", 7, "10.0.0.1:5000");
    log::info("plain");
    log::warning("careful: {}", "x");
    log::error("broken");
    auto lines = lines_of(file.path);
    REQUIRE(lines.size() == 4);
    const std::string pid = std::to_string(::getpid());
    const std::string stamp = R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} )";
    const std::string who = "ferry-test\\[" + pid + "\\] ";
    CHECK(std::regex_match(lines[0],
                           std::regex(stamp + who + "debug: job 7 from 10\\.0\\.0\\.1:5000")));
    CHECK(std::regex_match(lines[1], std::regex(stamp + who + "info: plain")));
    CHECK(std::regex_match(lines[2], std::regex(stamp + who + "warning: careful: x")));
    CHECK(std::regex_match(lines[3], std::regex(stamp + who + "error: broken")));
}

TEST_CASE("the level drops what is below it; warnings and errors are always written") {
    LogFile file;
    CHECK(log::level() == log::Level::info); // the default
    log::debug("hidden by default");
    log::info("shown by default");
    log::set_level(log::Level::error);
    CHECK(log::level() == log::Level::error);
    log::info("hidden");
    log::warning("still shown");
    log::error("shown");
    auto lines = lines_of(file.path);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].find("info: shown by default") != std::string::npos);
    CHECK(lines[1].find("warning: still shown") != std::string::npos);
    CHECK(lines[2].find("error: shown") != std::string::npos);
}

TEST_CASE(
    "set_file appends to an existing file, creates a new one 0644, keeps the old on failure") {
    auto dir = TempDir::create("/tmp", "ferry-log-");
    REQUIRE(dir);
    const std::string kept = dir->path() + "/kept.log";
    REQUIRE(write_file(kept, "from before\n"));
    REQUIRE(log::set_file(kept));
    log::info("appended");

    const mode_t old_mask = ::umask(022);
    const std::string fresh = dir->path() + "/fresh.log";
    REQUIRE(log::set_file(fresh));
    ::umask(old_mask);
    struct stat st {};
    REQUIRE(::stat(fresh.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);

    errno = 0;
    CHECK_FALSE(log::set_file(dir->path() + "/no/such/dir.log"));
    CHECK(errno == ENOENT);
    log::info("still to the fresh file");

    auto kept_lines = lines_of(kept);
    REQUIRE(kept_lines.size() == 2);
    CHECK(kept_lines[0] == "from before");
    CHECK(kept_lines[1].find("info: appended") != std::string::npos);
    auto fresh_lines = lines_of(fresh);
    REQUIRE(fresh_lines.size() == 1);
    CHECK(fresh_lines[0].find("info: still to the fresh file") != std::string::npos);
}
