#include "coordinator/file_store.hpp"
#include "coordinator/file_store_hidden_reads.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <cctype>
#include <cstdint>
#include <ctime>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>

using ferry::coordinator::hidden_read;

TEST_CASE("inline assembly that reads files is found, in any spelling gas accepts") {
    CHECK(hidden_read("asm(\".incbin \\\"data.bin\\\"\");\n") == ".incbin");
    CHECK(hidden_read("__asm__(\"\\t.INCBIN \\\"x\\\", 4\");") == ".incbin");
    CHECK(hidden_read("#define BLOB(f) asm(\".incbin \" #f)\n") == ".incbin");
    CHECK(hidden_read("asm(\".include \\\"macros.s\\\"\");") == ".include");
    CHECK(hidden_read(" .include \"macros.s\"\n") == ".include");
    // Found after a mention that is not one, in any case.
    CHECK(hidden_read("// see `.include`\nasm(\".Include \\\"m.s\\\"\");") == ".include");
    CHECK(hidden_read("/* embed */ x;\n#EMBED \"d.bin\"") == "#embed");
}

TEST_CASE("#embed, __has_embed and #pragma GCC dependency are found") {
    CHECK(hidden_read("const char d[] = {\n#embed \"d.bin\"\n};") == "#embed");
    CHECK(hidden_read("  #  embed <d.bin>") == "#embed");
    CHECK(hidden_read("%:embed \"d.bin\"") == "#embed");
    CHECK(hidden_read("#if __has_embed(\"x\")\n#endif") == "__has_embed");
    CHECK(hidden_read("#pragma GCC dependency \"parse.y\"\n") == "#pragma GCC dependency");
    CHECK(hidden_read("_Pragma(\"GCC  dependency \\\"parse.y\\\"\")") == "#pragma GCC dependency");
}

TEST_CASE("ordinary sources and prose about these directives are not flagged") {
    CHECK_FALSE(hidden_read(""));
    CHECK_FALSE(hidden_read("#include <stdio.h>\nint main(void) { return 0; }\n"));
    CHECK_FALSE(hidden_read("/// paths to search for `.include` directives\n"));
    CHECK_FALSE(hidden_read("int embedded = 1; /* embed this */ void dependency(void);\n"));
    CHECK_FALSE(hidden_read("asm(\"nop\");\n#pragma GCC diagnostic push\n"));
}

TEST_CASE("the search finds a word in any case at any place, the text's edges included") {
    CHECK(hidden_read(".INCBIN") == ".incbin");
    CHECK(hidden_read("x.IncBin") == ".incbin");
    CHECK_FALSE(hidden_read(".incbi"));
    CHECK(hidden_read("EEmbed e #eMBED") == "#embed"); // upper and lower starts interleaved
    CHECK(hidden_read("Dependency dEPENDENCY GCC DEPENDENCY") == "#pragma GCC dependency");
    CHECK_FALSE(hidden_read("#embe"));
}

// The copy-free search against the plain definition (fold the text, then find), on texts made
// of the words' own characters in both cases, so near-misses and overlaps are frequent.
TEST_CASE("the search agrees with folding the text first, on random texts") {
    auto reference = [](std::string text) -> std::optional<std::string> {
        for (auto& c : text)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (text.find(".incbin") != std::string::npos) return ".incbin";
        return std::nullopt;
    };
    const std::string alphabet = ".iIncCbBN# ";
    uint32_t seed = 12345;
    auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
    int found = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text((next() >> 16) % 24, ' ');
        for (auto& c : text)
            c = alphabet[(next() >> 16) % alphabet.size()];
        if ((next() >> 16) % 4 == 0) { // plant the word, in a random case, at a random place
            std::string word = ".incbin";
            for (auto& c : word)
                if ((next() >> 16) % 2)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            text.insert((next() >> 16) % (text.size() + 1), word);
        }
        const auto want = reference(text);
        const auto got = hidden_read(text);
        REQUIRE_MESSAGE(bool(got) == bool(want), text);
        found += bool(got);
    }
    CHECK(found > 4000); // the planted quarter, and then some
}

TEST_CASE("the file store refuses a file that reads behind the scan's back, once per content") {
    auto dir = ferry::TempDir::create("/tmp", "ferry-hidden-test");
    REQUIRE(dir);
    const std::string path = ferry::join_path(dir->path(), "blob.h");
    REQUIRE(ferry::write_file(path, "asm(\".incbin \\\"data.bin\\\"\");\n"));
    timespec old[2] = {{1600000000, 0}, {1600000000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), old, 0) == 0);
    // A clock a minute ahead: the file's ctime is now, too new to trust (util/stat_cache.hpp).
    ferry::coordinator::FileStore store(
        [] { return ferry::realtime_ns() + int64_t(60) * 1000 * 1000 * 1000; });
    for (int i = 0; i < 2; ++i) {
        auto entry = store.entry(path);
        REQUIRE_FALSE(entry);
        CHECK(entry.error().code == ferry::Errc::compile_locally);
        CHECK(entry.error().message.find(".incbin") != std::string::npos);
    }
    CHECK(store.hashes_computed() == 1); // the verdict came from the cache the second time

    const std::string plain = ferry::join_path(dir->path(), "plain.h");
    REQUIRE(ferry::write_file(plain, "int x;\n"));
    CHECK(store.entry(plain));
}
