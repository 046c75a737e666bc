// Internal to remote/protocol: the pieces every message decoder shares (element readers for
// structs that appear in both protocols, hash checks, error context). Not part of the contract.
#pragma once

#include "remote/protocol/messages.hpp"
#include "remote/protocol/wire.hpp"

#include <string_view>
#include <utility>

// Reads one field into `dst` or returns the reader's error.
#define FERRY_PROTO_READ(dst, expr)                                                                \
    do {                                                                                           \
        auto ferry_read_ = (expr);                                                                 \
        if (!ferry_read_) return std::move(ferry_read_.error());                                   \
        (dst) = std::move(*ferry_read_);                                                           \
    } while (0)

namespace ferry::proto::detail {

// Smallest encodings, for Reader::count(): a string is at least its u32 length.
inline constexpr size_t kMinStr = 4;
inline constexpr size_t kHashStr = 4 + 32;

// A peer's bytes, quoted safely and briefly, for error messages.
std::string quote(std::string_view bytes);

Result<void> check_hash(std::string_view hash, std::string_view what);
Result<std::string> read_hash(Reader& r, std::string_view what);

void write_outputs(Writer& w, const std::vector<OutputFile>& outputs);
Result<std::vector<OutputFile>> read_outputs(Reader& r);
void write_files(Writer& w, const std::vector<FileEntry>& files);
Result<std::vector<FileEntry>> read_files(Reader& r);
void write_compilers(Writer& w, const std::vector<CompilerInfo>& compilers);
Result<std::vector<CompilerInfo>> read_compilers(Reader& r);
void write_links(Writer& w, const std::vector<SymlinkEntry>& links);
Result<std::vector<SymlinkEntry>> read_links(Reader& r);

// Decodes into a fresh message and assigns it only on success, so a failed decode leaves
// `out` untouched; errors are prefixed with the message name and must consume every byte.
template <typename Msg, typename Fn>
Result<void> decode_message(std::string_view payload, Msg& out, Fn&& read_fields) {
    Reader r(payload);
    Msg msg;
    Result<void> res = read_fields(r, msg);
    if (res) res = r.finish();
    if (!res)
        return Error{Errc::protocol,
                     fmt::format("{}: {}", msg_type_name(type_of(msg)), res.error().message)};
    out = std::move(msg);
    return ok();
}

} // namespace ferry::proto::detail
