#include "ipc/paths.hpp"
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

// Sets an environment variable for one test and puts back what was there.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        if (value)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
    ~ScopedEnv() {
        if (m_old)
            setenv(m_name, m_old->c_str(), 1);
        else
            unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* m_name;
    std::optional<std::string> m_old;
};

struct ScopedXdg : ScopedEnv {
    explicit ScopedXdg(const char* value) : ScopedEnv("XDG_RUNTIME_DIR", value) {}
};

std::string host() {
    char buf[256] = {};
    REQUIRE(gethostname(buf, sizeof buf - 1) == 0);
    return buf;
}

} // namespace

TEST_CASE("runtime_dir creates a private directory under XDG_RUNTIME_DIR") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    ScopedXdg xdg(tmp->path().c_str());
    auto dir = ipc::runtime_dir();
    if (!dir) FAIL(dir.error().message);
    CHECK(*dir == tmp->path() + "/ferry");
    struct stat st {};
    REQUIRE(lstat(dir->c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(st.st_uid == getuid());
    // A second call finds it and accepts it.
    CHECK(ipc::runtime_dir().value() == *dir);
}

TEST_CASE("runtime_dir refuses a directory other users can enter") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    std::string dir = tmp->path() + "/ferry";
    REQUIRE(mkdir(dir.c_str(), 0700) == 0);
    REQUIRE(chmod(dir.c_str(), 0755) == 0);
    ScopedXdg xdg(tmp->path().c_str());
    auto result = ipc::runtime_dir();
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find(dir) != std::string::npos);
    CHECK(result.error().message.find("0755") != std::string::npos);

    REQUIRE(chmod(dir.c_str(), 0710) == 0);
    CHECK_FALSE(ipc::runtime_dir());
    REQUIRE(chmod(dir.c_str(), 0700) == 0);
    CHECK(ipc::runtime_dir());
}

TEST_CASE("runtime_dir refuses a symlink, even to a private directory of ours") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    std::string target = tmp->path() + "/elsewhere";
    REQUIRE(mkdir(target.c_str(), 0700) == 0);
    REQUIRE(symlink(target.c_str(), (tmp->path() + "/ferry").c_str()) == 0);
    ScopedXdg xdg(tmp->path().c_str());
    auto result = ipc::runtime_dir();
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("symbolic link") != std::string::npos);
}

TEST_CASE("runtime_dir refuses a file in the way") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    REQUIRE(write_file(tmp->path() + "/ferry", "x"));
    ScopedXdg xdg(tmp->path().c_str());
    auto result = ipc::runtime_dir();
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("not a directory") != std::string::npos);
}

TEST_CASE("without a usable XDG_RUNTIME_DIR the directory is under $HOME, per host") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    ScopedEnv home("HOME", tmp->path().c_str());
    for (const char* value : {static_cast<const char*>(nullptr), "", "/nonexistent-ferry-xdg"}) {
        ScopedXdg xdg(value);
        auto dir = ipc::runtime_dir();
        if (!dir) FAIL(dir.error().message);
        CHECK(*dir == tmp->path() + "/.cache/ferry/run-" + host());
        struct stat st {};
        REQUIRE(lstat(dir->c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
    }
}

TEST_CASE("a squatted $TMPDIR/ferry-$UID does not matter while $HOME is usable") {
    auto tmp = TempDir::create("/tmp", "ferry-paths-test-");
    REQUIRE(tmp);
    const std::string home_dir = tmp->path() + "/home", tmp_dir = tmp->path() + "/tmp";
    REQUIRE(mkdir(home_dir.c_str(), 0755) == 0);
    REQUIRE(mkdir(tmp_dir.c_str(), 0777) == 0);
    // What another user leaves there looks, to us, like a directory we may not use.
    const std::string squatted = tmp_dir + "/ferry-" + std::to_string(getuid());
    REQUIRE(mkdir(squatted.c_str(), 0777) == 0);
    REQUIRE(chmod(squatted.c_str(), 0777) == 0);
    ScopedXdg xdg(nullptr);
    ScopedEnv tmpdir("TMPDIR", tmp_dir.c_str());
    {
        ScopedEnv home("HOME", home_dir.c_str());
        auto dir = ipc::runtime_dir();
        if (!dir) FAIL(dir.error().message);
        CHECK(dir->rfind(home_dir + "/", 0) == 0);
    }
    {
        // No home of ours: the last resort is $TMPDIR/ferry-$UID, refused here.
        ScopedEnv home("HOME", "/nonexistent-ferry-home");
        auto dir = ipc::runtime_dir();
        REQUIRE_FALSE(dir);
        CHECK(dir.error().message.find(squatted) != std::string::npos);
        REQUIRE(chmod(squatted.c_str(), 0700) == 0);
        CHECK(ipc::runtime_dir().value() == squatted);
    }
    {
        // A home others can write to is not ours to trust.
        REQUIRE(chmod(home_dir.c_str(), 0777) == 0);
        ScopedEnv home("HOME", home_dir.c_str());
        CHECK(ipc::runtime_dir().value() == squatted);
    }
}

TEST_CASE("socket, lock and log paths are per fingerprint") {
    config::Config a;
    a.fingerprint = "0123456789abcdef0123456789abcdef";
    config::Config b;
    b.fingerprint = "fedcba98765432100123456789abcdef";
    CHECK(ipc::socket_path("/run/u/ferry", a) == "/run/u/ferry/coordinator-0123456789abcdef-ipc" +
                                                     std::to_string(ipc::kIpcRevision) + ".sock");
    CHECK(ipc::lock_path("/run/u/ferry", a) == "/run/u/ferry/coordinator-0123456789abcdef-ipc" +
                                                   std::to_string(ipc::kIpcRevision) + ".lock");
    CHECK(ipc::log_path("/run/u/ferry", a) == "/run/u/ferry/coordinator-0123456789abcdef-ipc" +
                                                  std::to_string(ipc::kIpcRevision) + ".log");
    CHECK(ipc::socket_path("/d", a) != ipc::socket_path("/d", b));
}
