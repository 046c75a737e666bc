// Properties every message must have, checked on a sample of each by the protocol tests
// (runner messages) and the IPC tests: it round-trips bare and framed, a default one
// round-trips, every truncation and trailing byte is an error, a hostile u32 anywhere gives
// an error or a canonical message, and it encodes to its golden bytes.
#pragma once

#include "remote/protocol/frame.hpp"
#include "util/fs.hpp"

#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <type_traits>

namespace ferry::proto::checks {

template <typename Msg> Result<Msg> decode_payload(std::string_view payload) {
    Msg m;
    FERRY_TRY_VOID(decode(payload, m));
    return m;
}

template <typename Msg> std::string decode_error(std::string_view payload) {
    auto r = decode_payload<Msg>(payload);
    if (r) return "";
    CHECK(r.error().code == Errc::protocol);
    return r.error().message;
}

inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

template <typename Msg> void round_trips(const Msg& msg) {
    CAPTURE(msg_type_name(type_of(msg)));
    const std::string payload = encode(msg);
    auto back = decode_payload<Msg>(payload);
    REQUIRE(back);
    CHECK(*back == msg);
    CHECK(encode(*back) == payload);
    // The default-constructed message differs, so == really compares contents.
    CHECK(!(Msg{} == msg));

    for (int level : {0, 3}) {
        auto f = decode_single_frame(*frame(msg, level));
        REQUIRE(f);
        CHECK(f->type == type_of(msg));
        auto typed = decode_as<Msg>(*f);
        REQUIRE(typed);
        CHECK(*typed == msg);
    }
}

template <typename Msg> void default_round_trips(const Msg&) {
    Msg empty{};
    auto back = decode_payload<Msg>(encode(empty));
    REQUIRE(back);
    CHECK(*back == empty);
}

template <typename Msg> void truncations_fail(const Msg& msg) {
    CAPTURE(msg_type_name(type_of(msg)));
    const std::string payload = encode(msg);
    for (size_t cut = 0; cut < payload.size(); ++cut) {
        CAPTURE(cut);
        CHECK(decode_error<Msg>(std::string_view(payload).substr(0, cut)) != "");
    }
    const std::string err = decode_error<Msg>(payload + std::string(1, '\0'));
    CHECK(contains(err, "1 trailing bytes"));
    CHECK(contains(err, msg_type_name(type_of(msg))));
}

// Covers every count and length field with a hostile value.
template <typename Msg> void hostile_words_are_errors_or_canonical(const Msg& msg) {
    CAPTURE(msg_type_name(type_of(msg)));
    const std::string payload = encode(msg);
    for (size_t at = 0; at + 4 <= payload.size(); ++at) {
        std::string mutated = payload;
        mutated.replace(at, 4, "\xff\xff\xff\xff");
        auto r = decode_payload<Msg>(mutated);
        if (r) CHECK(encode(*r) == mutated);
    }
}

// golden/<msg_type_name>: its MsgType value in one byte, then the payload, as the encoder
// wrote it before the field-list codec replaced it. A change of format must change these
// files on purpose (with kProtocolVersion or kIpcRevision), never by accident.
template <typename Msg> void matches_golden(const Msg& msg, const std::string& dir) {
    const std::string name = msg_type_name(type_of(msg));
    CAPTURE(name);
    auto golden = read_file(join_path(dir, name));
    REQUIRE(golden);
    CHECK(std::string(1, static_cast<char>(type_of(msg))) + encode(msg) == *golden);
    Msg back;
    REQUIRE(decode(std::string_view(*golden).substr(1), back));
    CHECK(back == msg);
}

} // namespace ferry::proto::checks
