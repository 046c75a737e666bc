#include "coordinator/paths.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;

namespace {

// Sets XDG_RUNTIME_DIR for one test and puts back what was there.
class ScopedXdg {
  public:
    explicit ScopedXdg(const char* value) {
        if (const char* old = std::getenv("XDG_RUNTIME_DIR")) m_old = old;
        if (value)
            setenv("XDG_RUNTIME_DIR", value, 1);
        else
            unsetenv("XDG_RUNTIME_DIR");
    }
    ~ScopedXdg() {
        if (m_old)
            setenv("XDG_RUNTIME_DIR", m_old->c_str(), 1);
        else
            unsetenv("XDG_RUNTIME_DIR");
    }
    ScopedXdg(const ScopedXdg&) = delete;
    ScopedXdg& operator=(const ScopedXdg&) = delete;

  private:
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("runtime_dir creates a private directory under XDG_RUNTIME_DIR") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    ScopedXdg xdg(tmp->path().c_str());
    auto dir = coordinator::runtime_dir();
    if (!dir) FAIL(dir.error().message);
    CHECK(*dir == tmp->path() + "/ferry");
    struct stat st {};
    REQUIRE(lstat(dir->c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(st.st_uid == getuid());
    // A second call finds it and accepts it.
    CHECK(coordinator::runtime_dir().value() == *dir);
}

TEST_CASE("runtime_dir refuses a directory other users can enter") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    std::string dir = tmp->path() + "/ferry";
    REQUIRE(mkdir(dir.c_str(), 0700) == 0);
    REQUIRE(chmod(dir.c_str(), 0755) == 0);
    ScopedXdg xdg(tmp->path().c_str());
    auto result = coordinator::runtime_dir();
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find(dir) != std::string::npos);
    CHECK(result.error().message.find("0755") != std::string::npos);

    REQUIRE(chmod(dir.c_str(), 0710) == 0);
    CHECK_FALSE(coordinator::runtime_dir());
    REQUIRE(chmod(dir.c_str(), 0700) == 0);
    CHECK(coordinator::runtime_dir());
}

TEST_CASE("runtime_dir refuses a symlink, even to a private directory of ours") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    std::string target = tmp->path() + "/elsewhere";
    REQUIRE(mkdir(target.c_str(), 0700) == 0);
    REQUIRE(symlink(target.c_str(), (tmp->path() + "/ferry").c_str()) == 0);
    ScopedXdg xdg(tmp->path().c_str());
    auto result = coordinator::runtime_dir();
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("symbolic link") != std::string::npos);
}

TEST_CASE("runtime_dir refuses a file in the way") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    REQUIRE(write_file(tmp->path() + "/ferry", "x"));
    ScopedXdg xdg(tmp->path().c_str());
    auto result = coordinator::runtime_dir();
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("not a directory") != std::string::npos);
}

TEST_CASE("without a usable XDG_RUNTIME_DIR the directory is /tmp/ferry-$UID") {
    std::string expected = "/tmp/ferry-" + std::to_string(getuid());
    for (const char* value : {static_cast<const char*>(nullptr), "", "/nonexistent-ferry-xdg"}) {
        ScopedXdg xdg(value);
        auto dir = coordinator::runtime_dir();
        // It may be refused if something odd sits there, but it must be that path.
        if (dir)
            CHECK(*dir == expected);
        else
            CHECK(dir.error().message.find(expected) != std::string::npos);
    }
}

TEST_CASE("socket, lock and log paths are per fingerprint") {
    config::Config a;
    a.fingerprint = "0123456789abcdef0123456789abcdef";
    config::Config b;
    b.fingerprint = "fedcba98765432100123456789abcdef";
    CHECK(coordinator::socket_path("/run/u/ferry", a) ==
          "/run/u/ferry/coordinator-0123456789abcdef-ipc" +
              std::to_string(coordinator::kIpcRevision) + ".sock");
    CHECK(coordinator::lock_path("/run/u/ferry", a) ==
          "/run/u/ferry/coordinator-0123456789abcdef-ipc" +
              std::to_string(coordinator::kIpcRevision) + ".lock");
    CHECK(coordinator::log_path("/run/u/ferry", a) ==
          "/run/u/ferry/coordinator-0123456789abcdef-ipc" +
              std::to_string(coordinator::kIpcRevision) + ".log");
    CHECK(coordinator::socket_path("/d", a) != coordinator::socket_path("/d", b));
}
