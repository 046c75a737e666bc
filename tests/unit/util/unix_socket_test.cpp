#include "util/fs.hpp"
#include "util/temp_dir.hpp"
#include "util/unix_socket.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

TEST_CASE("a socket deeper than sun_path allows can be bound and reached") {
    auto tmp = ferry::TempDir::create("/tmp", "ferry-unix-socket-test");
    REQUIRE(tmp);
    const std::string dir = tmp->path() + "/" + std::string(150, 'd');
    REQUIRE(ferry::make_dirs(dir, 0700));
    const std::string path = dir + "/coordinator-0123456789abcdef-ipc2.sock";
    REQUIRE(path.size() >= sizeof(sockaddr_un::sun_path));

    auto listener = ferry::listen_unix(path, 4);
    if (!listener) FAIL(listener.error().message);
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));

    int err = -1;
    auto client = ferry::connect_unix(path, err);
    if (!client) FAIL(client.error().message);
    CHECK(err == 0);
    ferry::Fd accepted(::accept(listener->get(), nullptr, nullptr));
    CHECK(accepted);
}

TEST_CASE("nobody listening at a long path is ENOENT, like at a short one") {
    auto tmp = ferry::TempDir::create("/tmp", "ferry-unix-socket-test");
    REQUIRE(tmp);
    const std::string dir = tmp->path() + "/" + std::string(150, 'd');
    REQUIRE(ferry::make_dirs(dir, 0700));
    int err = 0;
    CHECK_FALSE(ferry::connect_unix(dir + "/none.sock", err));
    CHECK(err == ENOENT);
    CHECK_FALSE(ferry::connect_unix(tmp->path() + "/none.sock", err));
    CHECK(err == ENOENT);
}
