// A build's id, `<hostname>-<pid>-<random hex>`: what `ferry make`/`run`/`ninja` export as
// $FERRY_BUILD, so every wrapper under them labels its jobs and the coordinator's watch can
// keep two builds side by side apart.
#pragma once

#include <string>

namespace ferry::integrations::report {

std::string new_build_id();

} // namespace ferry::integrations::report
