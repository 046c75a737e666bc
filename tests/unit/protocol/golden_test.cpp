// The bytes on the wire, pinned: every sample message encodes to exactly the bytes in
// golden/<msg_type_name> (its MsgType value in one byte, then the payload), written by the
// encoder before the field-list codec replaced it, and each golden payload decodes back to
// the sample. A change of format must change these files on purpose (with kProtocolVersion
// or kIpcRevision), never by accident.
#include "remote/protocol/messages.hpp"
#include "tests/unit/protocol/samples.hpp"
#include "util/fs.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::proto;

namespace {

template <typename Msg> void check_golden(const Msg& msg) {
    const std::string name = msg_type_name(type_of(msg));
    CAPTURE(name);
    auto golden = read_file(join_path(FERRY_GOLDEN_DIR, name));
    REQUIRE(golden);
    CHECK(std::string(1, static_cast<char>(type_of(msg))) + encode(msg) == *golden);
    Msg back;
    REQUIRE(decode(std::string_view(*golden).substr(1), back));
    CHECK(back == msg);
}

} // namespace

TEST_CASE("every message encodes to its golden bytes and decodes from them") {
    int count = 0;
    samples::for_each_sample([&](const auto& msg) {
        check_golden(msg);
        ++count;
    });
    check_golden(AuthProof{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"});
    CHECK(count == 17);
}
