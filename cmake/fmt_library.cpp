// fmt's compiled part, built once into ferry's own static library (target ferry_fmt,
// cmake/Dependencies.cmake). Debian ships fmt's headers and a shared libfmt only; linking that
// makes every `ferry` process load libfmt and the libstdc++ it needs, and header-only fmt
// compiles fmt's formatting core into every source file that formats (it doubled the build).
// Without FMT_HEADER_ONLY the non-template functions of format-inl.h are defined here, once;
// the templates below are the ones the headers declare but leave to the library to
// instantiate (the `extern template`s of format.h, and those defined only in format-inl.h).
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template FMT_API locale_ref::locale_ref(const std::locale& loc);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
} // namespace detail
FMT_END_NAMESPACE
