// Presents findings: grouped by section, one line each with a marker, the fix indented
// under it, and a last line that sums up ("all well" or "N problem(s), M warning(s)").
// Unicode markers (✓ ! ✗) for a terminal, plain words otherwise so logs and greps stay
// ASCII; or one JSON document for scripts.
#pragma once

#include "doctor/finding.hpp"

#include <string>
#include <vector>

namespace ferry::doctor {

std::string render_text(const std::vector<Finding>& findings, bool unicode);
std::string render_json(const std::vector<Finding>& findings);

} // namespace ferry::doctor
