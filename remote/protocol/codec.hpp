// The field-list codec: three visitors over a message's one description of its fields
// (remote/protocol/fields.hpp): the Encoder writes them, the Decoder reads them back strictly
// (bounds, list counts, enum ranges, hex digits; an error names the field, as
// "files[2].hash: ..."), and MinSize gives the smallest encoding of an element, which bounds
// a hostile list count before anything is allocated. Included by the .cpp files of the
// message libraries (remote/protocol, ipc/); not part of their contract.
#pragma once

#include "remote/protocol/fields.hpp"
#include "remote/protocol/frame.hpp"
#include "remote/protocol/wire.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ferry::proto::detail {

// A peer's bytes, quoted safely and briefly, for error messages.
std::string quote(std::string_view bytes);
// `digits` lowercase hex digits, or an error naming `what`.
Result<void> check_hex(std::string_view value, size_t digits, std::string_view what);

template <class T> struct IsVector : std::false_type {};
template <class T> struct IsVector<std::vector<T>> : std::true_type {};
template <class T> struct IsPair : std::false_type {};
template <class A, class B> struct IsPair<std::pair<A, B>> : std::true_type {};
template <class T> struct IsHex : std::false_type {};
template <class S> struct IsHex<Hex<S>> : std::true_type {};
template <class T> inline constexpr bool kHexList = false; // Hex over a list of strings
template <class S> inline constexpr bool kHexList<Hex<S>> = IsVector<std::remove_const_t<S>>::value;
template <class T> struct IsNested : std::false_type {};
template <class M> struct IsNested<Nested<M>> : std::true_type {};

struct AnyField {
    template <class... A> void operator()(A&&...) {}
};
template <class T>
concept Described = requires(T& t, AnyField& v) {
    T::fields(t, v);
};

// ---- MinSize ----

class MinSize {
  public:
    template <class T> void operator()(const char*, const T& field) { m_total += of(field); }
    size_t total() const { return m_total; }

    template <class T> static size_t of(const T& field) {
        if constexpr (std::is_same_v<T, bool>)
            return 1;
        else if constexpr (std::is_enum_v<T>)
            return sizeof(std::underlying_type_t<T>);
        else if constexpr (std::is_integral_v<T>)
            return sizeof(T);
        else if constexpr (std::is_same_v<T, std::string> || IsVector<T>::value ||
                           IsNested<T>::value)
            return 4; // a length or a count
        else if constexpr (IsPair<T>::value)
            return of(field.first) + of(field.second);
        else if constexpr (IsHex<T>::value)
            return kHexList<T> ? 4 : 4 + field.digits;
        else {
            static_assert(Described<T>, "a field type the codec does not know");
            MinSize sub;
            T::fields(field, sub);
            return sub.total();
        }
    }

  private:
    size_t m_total = 0;
};

// The smallest encoding of one T, for Reader::count().
template <class T> size_t min_size() {
    static const size_t size = MinSize::of(T{});
    return size;
}

// ---- Encoder ----

class Encoder {
  public:
    template <class T> void operator()(const char*, const T& field) { put(field); }
    std::string take() { return m_w.take(); }

  private:
    template <class T> void put(const T& v);

    Writer m_w;
};

// ---- Decoder ----

template <class Msg> Result<void> decode_message(std::string_view payload, Msg& out);

// Reads fields in order; after the first error it reads nothing more and keeps that error
// and the path of the field it happened in.
class Decoder {
  public:
    explicit Decoder(Reader& r) : m_r(r) {}

    template <class T> void operator()(const char* name, T&& field) {
        if (m_error) return;
        std::string inner;
        if (Result<void> res = get(field, inner); !res) {
            m_error = std::move(res.error());
            m_path = join(name, inner);
        }
    }

    const std::optional<Error>& error() const { return m_error; }
    const std::string& path() const { return m_path; } // of the error's field

  private:
    // "files" + "[2].hash" -> "files[2].hash"; "toolchain" + "files" -> "toolchain.files"
    static std::string join(std::string_view name, std::string_view inner) {
        std::string path(name);
        if (!inner.empty() && inner.front() != '[') path += '.';
        path += inner;
        return path;
    }
    static std::string element(uint32_t i, std::string_view inner) {
        return join("[" + std::to_string(i) + "]", inner);
    }

    template <class T> Result<void> get(T& v, std::string& path);
    Result<void> get_hex(std::string& v, size_t digits, const char* what) {
        FERRY_TRY(x, m_r.str());
        v = std::move(*x);
        return check_hex(v, digits, what);
    }

    Reader& m_r;
    std::optional<Error> m_error;
    std::string m_path;
};

template <class T> void Encoder::put(const T& v) {
    if constexpr (std::is_same_v<T, bool>)
        m_w.boolean(v);
    else if constexpr (std::is_enum_v<T>)
        put(static_cast<std::underlying_type_t<T>>(v));
    else if constexpr (std::is_same_v<T, uint8_t>)
        m_w.u8(v);
    else if constexpr (std::is_same_v<T, uint32_t>)
        m_w.u32(v);
    else if constexpr (std::is_same_v<T, int32_t>)
        m_w.i32(v);
    else if constexpr (std::is_same_v<T, uint64_t>)
        m_w.u64(v);
    else if constexpr (std::is_same_v<T, int64_t>)
        m_w.u64(static_cast<uint64_t>(v));
    else if constexpr (std::is_same_v<T, std::string>)
        m_w.str(v);
    else if constexpr (IsVector<T>::value) {
        m_w.u32(static_cast<uint32_t>(v.size()));
        for (const auto& e : v)
            put(e);
    } else if constexpr (IsPair<T>::value) {
        put(v.first);
        put(v.second);
    } else if constexpr (IsHex<T>::value)
        put(v.value);
    else if constexpr (IsNested<T>::value) {
        Encoder inner;
        using M = std::remove_const_t<std::remove_reference_t<decltype(v.value)>>;
        M::fields(v.value, inner);
        m_w.str(inner.take());
    } else {
        static_assert(Described<T>, "a field type the codec does not know");
        T::fields(v, *this);
    }
}

template <class T> Result<void> Decoder::get(T& v, std::string& path) {
    if constexpr (std::is_same_v<T, bool>) {
        FERRY_TRY(x, m_r.boolean());
        v = *x;
    } else if constexpr (std::is_enum_v<T>) {
        using U = std::underlying_type_t<T>;
        U raw{};
        FERRY_TRY_VOID(get(raw, path));
        const WireRange<T> range = wire_range(T{});
        if (raw < static_cast<U>(range.first) || raw > static_cast<U>(range.last))
            return make_error(Errc::protocol, "bad {} {}", range.what, raw);
        v = static_cast<T>(raw);
    } else if constexpr (std::is_same_v<T, uint8_t>) {
        FERRY_TRY(x, m_r.u8());
        v = *x;
    } else if constexpr (std::is_same_v<T, uint32_t>) {
        FERRY_TRY(x, m_r.u32());
        v = *x;
    } else if constexpr (std::is_same_v<T, int32_t>) {
        FERRY_TRY(x, m_r.i32());
        v = *x;
    } else if constexpr (std::is_same_v<T, uint64_t>) {
        FERRY_TRY(x, m_r.u64());
        v = *x;
    } else if constexpr (std::is_same_v<T, int64_t>) {
        FERRY_TRY(x, m_r.u64());
        v = static_cast<int64_t>(*x);
    } else if constexpr (std::is_same_v<T, std::string>) {
        FERRY_TRY(x, m_r.str());
        v = std::move(*x);
    } else if constexpr (IsVector<T>::value) {
        FERRY_TRY(n, m_r.count(min_size<typename T::value_type>()));
        v.clear();
        v.reserve(*n);
        for (uint32_t i = 0; i < *n; ++i) {
            std::string inner;
            if (auto res = get(v.emplace_back(), inner); !res) {
                path = element(i, inner);
                return res;
            }
        }
    } else if constexpr (IsPair<T>::value) {
        FERRY_TRY_VOID(get(v.first, path));
        FERRY_TRY_VOID(get(v.second, path));
    } else if constexpr (kHexList<T>) {
        FERRY_TRY(n, m_r.count(4 + v.digits));
        v.value.clear();
        v.value.reserve(*n);
        for (uint32_t i = 0; i < *n; ++i) {
            if (auto res = get_hex(v.value.emplace_back(), v.digits, v.what); !res) {
                path = element(i, "");
                return res;
            }
        }
    } else if constexpr (IsHex<T>::value) {
        return get_hex(v.value, v.digits, v.what);
    } else if constexpr (IsNested<T>::value) {
        // Its own payload: its own strictness (trailing bytes) and its own name in errors.
        FERRY_TRY(payload, m_r.str());
        return decode_message(*payload, v.value);
    } else {
        static_assert(Described<T>, "a field type the codec does not know");
        Decoder sub(m_r);
        T::fields(v, sub);
        if (sub.m_error) {
            path = sub.m_path;
            return *sub.m_error;
        }
    }
    return ok();
}

// ---- whole messages ----

template <class Msg> std::string encode_message(const Msg& msg) {
    Encoder e;
    Msg::fields(msg, e);
    return e.take();
}

// Decodes into a fresh message and assigns it only on success, so a failed decode leaves
// `out` untouched; every byte must be consumed. Errors say the message and the field:
// "job_request: files[2].hash: file hash '...' is not 32 lowercase hex digits".
template <class Msg> Result<void> decode_message(std::string_view payload, Msg& out) {
    Reader r(payload);
    Msg msg;
    Decoder d(r);
    Msg::fields(msg, d);
    const char* name = msg_type_name(Msg::kType);
    if (auto& e = d.error())
        return Error{Errc::protocol, fmt::format("{}: {}: {}", name, d.path(), e->message)};
    if (auto end = r.finish(); !end)
        return Error{Errc::protocol, fmt::format("{}: {}", name, end.error().message)};
    out = std::move(msg);
    return ok();
}

} // namespace ferry::proto::detail
