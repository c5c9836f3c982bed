// Metadata updates (decision D10): objects merge deeply, a key given null is kept as null.
#pragma once

#include "customerdb/dto.hpp"

namespace customerdb::detail {

// Merges `patch` into `target`: nested objects merge recursively, every other value replaces.
void deep_merge(customerdb::metadata& target, const customerdb::metadata& patch);

}  // namespace customerdb::detail
