// Metadata updates: v1 (decision D10) merges objects deeply, v2 shallowly (dialect.hpp); in both
// a key given null is kept as null.
#pragma once

#include "customerdb/dto.hpp"

namespace customerdb::detail {

// Merges `patch` into `target`: nested objects merge recursively, every other value replaces.
void deep_merge(customerdb::metadata& target, const customerdb::metadata& patch);

// Merges `patch` into `target` as Medusa v2 does: every value replaces (nested objects too),
// and a key given "" is removed.
void shallow_merge(customerdb::metadata& target, const customerdb::metadata& patch);

}  // namespace customerdb::detail
