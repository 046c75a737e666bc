// Files a compile reads that the client's scan cannot list. The scan (-E -H) sees what the
// preprocessor opens; the assembler's `.incbin "f"` and `.include "f"` (in inline asm), C23's
// `#embed` and gcc's `#pragma GCC dependency "f"` (which compares f's mtime and fails when it
// is missing) open files it does not report, so a runner would read its own copy, or none.
// Such a compile must run locally. The test is textual and deliberately coarse: a false
// positive costs one local compile, a miss can cost a wrong object.
#pragma once

#include <optional>
#include <string_view>

namespace ferry::coordinator {

// The first construct in `content` that makes a compile read an unlisted file (".incbin",
// ".include", "#embed", "__has_embed", "GCC dependency"), or nullopt.
std::optional<std::string_view> hidden_read(std::string_view content);

} // namespace ferry::coordinator
