// Ids: `<prefix>_<ULID>` (decision D15). Within one process ids are strictly increasing, even
// within one millisecond (a monotonic ULID), so `id ASC` is creation order.
#pragma once

#include <string>
#include <string_view>

namespace customerdb::detail {

// A new id such as "cus_01HZX3F5Q8M5T1V2W3X4Y5Z6A7". Thread-safe.
std::string new_id(std::string_view prefix);

}  // namespace customerdb::detail
