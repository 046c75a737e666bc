// How a message struct describes its fields: once, in wire order, in a static member
//     template <class M, class V> static void fields(M& m, V& v) {
//         v("job_id", m.job_id);
//         v("files", m.files);
//     }
// that the encoder, the decoder and the minimum-size count (remote/protocol/codec.hpp) all
// visit, so a field written is a field read. M is the struct, const when encoding. A field is
// an integer, bool, enum, std::string, another described struct (its fields inline), a
// std::vector or std::pair of those, or one of the wrappers below that add a check or a
// different encoding. The encoding of each is in docs/protocol.md.
#pragma once

#include <cstddef>

namespace ferry::proto {

// A string, or a list of strings, that must be exactly `digits` lowercase hex digits
// (content hashes, the authentication proof): one canonical spelling for each value.
template <class S> struct Hex {
    S& value;
    size_t digits;
    const char* what; // names the value in the error ("file hash")
};
template <class S> Hex<S> hex(S& value, size_t digits, const char* what) {
    return {value, digits, what};
}

// A whole message carried inside another as a length-prefixed payload of its own, decoded
// with its own checks (IpcMemo's request).
template <class M> struct Nested { M& value; };
template <class M> Nested<M> nested(M& value) {
    return {value};
}

// An enum travels in its underlying type's width; a value outside [first, last] is refused.
// Each enum on the wire declares its range with a `wire_range(E)` overload beside it.
template <class E> struct WireRange {
    E first;
    E last;
    const char* what; // "job status": the error says "bad job status 7"
};

} // namespace ferry::proto
