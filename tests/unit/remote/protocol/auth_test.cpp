#include "remote/protocol/auth.hpp"
#include "remote/protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

using namespace ferry;
using namespace ferry::proto;
namespace auth = ferry::proto::auth;

namespace {

auth::Key make_key() {
    auto key = auth::Key::generate();
    REQUIRE(key);
    return *key;
}

std::string make_challenge() {
    auto challenge = auth::make_challenge();
    REQUIRE(challenge);
    return *challenge;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string error_of(const Result<std::string>& r) {
    REQUIRE(!r);
    return r.error().message;
}

} // namespace

TEST_CASE("the right key is accepted, and each side proves itself to the other") {
    REQUIRE(auth::init()); // what every program that authenticates does first
    auth::Key key = make_key();
    std::string challenge = make_challenge();
    CHECK(challenge.size() == auth::kChallengeHexSize);

    auto answer = auth::answer_challenge(key, challenge, "laptop");
    REQUIRE(answer);
    CHECK(answer->response.size() == auth::kResponseHexSize);
    // The secret itself never travels.
    CHECK(!contains(answer->response, key.hex()));

    auto proof = auth::check_response(key, challenge, "laptop", answer->response);
    REQUIRE(proof);
    CHECK(proof->size() == auth::kProofHexSize);
    CHECK(*proof == answer->expected_proof);
    CHECK(auth::check_proof(answer->expected_proof, *proof));
    // The proof is not the client's MAC reflected back.
    CHECK(!contains(answer->response, *proof));
}

TEST_CASE("a wrong key is refused on both sides") {
    auth::Key runner_key = make_key();
    auth::Key client_key = make_key();
    std::string challenge = make_challenge();
    auto answer = auth::answer_challenge(client_key, challenge, "laptop");
    REQUIRE(answer);
    auto refused = auth::check_response(runner_key, challenge, "laptop", answer->response);
    REQUIRE(!refused);
    CHECK(refused.error().code == Errc::refused);
    CHECK(contains(refused.error().message, "wrong key"));

    // A runner with another key cannot produce the proof the client expects.
    auto client_answer = auth::answer_challenge(client_key, challenge, "laptop");
    REQUIRE(client_answer);
    auto other = auth::answer_challenge(runner_key, challenge, "laptop");
    REQUIRE(other);
    auto checked = auth::check_proof(client_answer->expected_proof, other->expected_proof);
    REQUIRE(!checked);
    CHECK(contains(checked.error().message, "could not prove"));
}

TEST_CASE("a missing key is refused on both sides") {
    auth::Key key = make_key();
    std::string challenge = make_challenge();
    CHECK(contains(error_of(auth::check_response(key, challenge, "laptop", "")), "no key"));

    // A client with a key refuses a runner that sends no challenge: it cannot prove anything.
    auto answer = auth::answer_challenge(key, "", "laptop");
    REQUIRE(!answer);
    CHECK(answer.error().code == Errc::refused);
    CHECK(contains(answer.error().message, "does not authenticate"));
}

TEST_CASE("an answer recorded on one connection is refused on the next") {
    auth::Key key = make_key();
    std::string first = make_challenge();
    std::string second = make_challenge();
    CHECK(first != second);
    auto answer = auth::answer_challenge(key, first, "laptop");
    REQUIRE(answer);
    REQUIRE(auth::check_response(key, first, "laptop", answer->response));
    CHECK(contains(error_of(auth::check_response(key, second, "laptop", answer->response)),
                   "wrong key"));
    // Bound to the client's name too.
    CHECK(!auth::check_response(key, first, "laptop2", answer->response));

    // And a proof recorded on one connection does not satisfy a client on another: the
    // client's own nonce makes every expected proof new.
    auto again = auth::answer_challenge(key, first, "laptop");
    REQUIRE(again);
    CHECK(again->expected_proof != answer->expected_proof);
    CHECK(!auth::check_proof(again->expected_proof, answer->expected_proof));
}

TEST_CASE("a runner's proof cannot be reflected as a client's answer") {
    auth::Key key = make_key();
    std::string challenge = make_challenge();
    auto answer = auth::answer_challenge(key, challenge, "laptop");
    REQUIRE(answer);
    // Same client nonce, the runner's MAC in place of the client's.
    std::string reflected = answer->response.substr(0, 64) + answer->expected_proof;
    CHECK(!auth::check_response(key, challenge, "laptop", reflected));
}

TEST_CASE("truncated, oversized and non-canonical fields are refused") {
    auth::Key key = make_key();
    std::string challenge = make_challenge();
    auto answer = auth::answer_challenge(key, challenge, "laptop");
    REQUIRE(answer);
    const std::string& good = answer->response;
    for (const std::string& bad :
         {good.substr(0, good.size() - 1), good + "0", good.substr(0, 64), std::string(1, 'x'),
          std::string(4096, 'a'), std::string(good.size(), 'g')}) {
        CAPTURE(bad.size());
        auto r = auth::check_response(key, challenge, "laptop", bad);
        REQUIRE(!r);
        CHECK(r.error().code == Errc::refused);
    }
    // Upper-case hex is not the canonical spelling on the wire.
    std::string upper = good;
    for (auto& c : upper)
        if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
    if (upper != good)
        CHECK(
            contains(error_of(auth::check_response(key, challenge, "laptop", upper)), "malformed"));

    CHECK(!auth::answer_challenge(key, challenge.substr(1), "laptop"));
    CHECK(!auth::answer_challenge(key, challenge + "00", "laptop"));
    CHECK(!auth::check_proof(answer->expected_proof, answer->expected_proof.substr(2)));
    CHECK(!auth::check_proof(answer->expected_proof, answer->expected_proof + "ab"));
    CHECK(!auth::check_proof(answer->expected_proof, ""));
}

TEST_CASE("the auth_proof message decodes only 64 lowercase hex digits") {
    AuthProof proof{std::string(64, 'a')};
    AuthProof back;
    REQUIRE(decode(encode(proof), back));
    CHECK(back == proof);
    auto f = decode_single_frame(*frame(proof));
    REQUIRE(f);
    CHECK(f->type == MsgType::auth_proof);
    CHECK(std::string(msg_type_name(MsgType::auth_proof)) == "auth_proof");
    for (const std::string& bad : {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'A'),
                                   std::string(64, 'z'), std::string()}) {
        AuthProof out;
        CHECK(!decode(encode(AuthProof{bad}), out));
    }
    AuthProof out;
    CHECK(!decode(encode(proof) + "x", out)); // trailing bytes
}

TEST_CASE("keys: parsing and key files") {
    auth::Key key = make_key();
    CHECK(key.hex().size() == 64);
    auto parsed = auth::Key::parse("  " + key.hex() + "\n");
    REQUIRE(parsed);
    CHECK(parsed->bytes() == key.bytes());
    CHECK(make_key().bytes() != key.bytes());
    CHECK(!auth::Key::parse(key.hex().substr(2)));
    CHECK(!auth::Key::parse(key.hex() + "00"));
    CHECK(!auth::Key::parse(key.hex().substr(0, 63) + "z"));
    CHECK(!auth::Key::parse(""));

    auto dir = TempDir::create("/tmp", "ferry-auth-test-");
    REQUIRE(dir);
    const std::string path = dir->path() + "/ferry.key";
    REQUIRE(auth::write_new_key_file(path));
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto loaded = auth::load_key_file(path);
    REQUIRE(loaded);
    auto again = auth::write_new_key_file(path);
    REQUIRE(!again);
    CHECK(contains(again.error().message, "already exists"));
    auto reloaded = auth::load_key_file(path);
    REQUIRE(reloaded);
    CHECK(reloaded->bytes() == loaded->bytes()); // not overwritten

    // Readable by others: refused, naming the file and the fix.
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    auto open_key = auth::load_key_file(path);
    REQUIRE(!open_key);
    CHECK(open_key.error().code == Errc::refused);
    CHECK(contains(open_key.error().message, path));
    CHECK(contains(open_key.error().message, "0644"));
    CHECK(contains(open_key.error().message, "chmod 600"));
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    CHECK(!auth::load_key_file(path));
    REQUIRE(::chmod(path.c_str(), 0400) == 0);
    CHECK(auth::load_key_file(path));

    const std::string bad = dir->path() + "/bad.key";
    REQUIRE(write_file(bad, "not a key\n", 0600));
    auto garbage = auth::load_key_file(bad);
    REQUIRE(!garbage);
    CHECK(contains(garbage.error().message, bad));
    CHECK(!auth::load_key_file(dir->path() + "/missing.key"));
    CHECK(!auth::load_key_file(dir->path())); // a directory
}
