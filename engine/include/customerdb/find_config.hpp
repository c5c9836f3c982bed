// customerdb::find_config: how list, listAndCount and retrieve shape their results (Medusa's
// FindConfig), and soft_delete_config for softDelete/restore.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "customerdb/patch.hpp"

namespace customerdb {

// The direction of one sort key, and where rows whose value is null go. asc and desc place
// nulls as PostgreSQL does by default (last ascending, first descending); the other two are
// SQL's explicit NULLS FIRST and NULLS LAST where they differ from that default.
enum class sort_direction { asc, desc, asc_nulls_first, desc_nulls_last };

// The direction `text` names as an SQL ORDER BY reads it after a column, as Medusa passes it on:
// ASC or DESC in any case (neither is ASC), optionally followed by NULLS FIRST or NULLS LAST,
// words apart by white space ("desc nulls last", " Asc ", "", "NULLS FIRST"). Throws
// invalid_data `Invalid order direction "<text>" for "<key>": expected ASC or DESC, optionally
// followed by NULLS FIRST or NULLS LAST` for anything else (Medusa sends such text to its
// database in the query, which fails, or, for text that is more SQL, runs it).
sort_direction parse_sort_direction(std::string_view text, std::string_view key);

// Thread-compatible value type.
struct find_config {
  // Scalar fields to return; empty means all (for the id alone, {"id"}: Medusa's `select: []`,
  // which the JSON-RPC server reads so). `id` is always returned.
  std::vector<std::string> select{};
  // Relations to load, e.g. "groups", "addresses", "customers", "customer", "customer_group",
  // and dotted paths such as "groups.customers".
  std::vector<std::string> relations{};
  // Rows to skip; must be >= 0 (decision D12). Applies only together with a limit (D24).
  std::optional<std::int64_t> skip{};
  // Rows to return; must be >= 0. Unset: 15, or no limit when the filter has a top-level `id`
  // condition other than equality with null or "" (D20). customerdb::null: no limit (D12).
  patch<std::int64_t> take{};
  // Sort keys in order; empty means id ascending. Nulls sort last ascending, first descending,
  // unless the direction says otherwise.
  std::vector<std::pair<std::string, sort_direction>> order{};
  // Include soft-deleted customers and groups, also inside loaded relations.
  bool with_deleted = false;
};

// The config of soft_delete / restore.
struct soft_delete_config {
  // Keys to return ("customer_id", "customer_group_id", ...); unset returns every key.
  std::optional<std::vector<std::string>> return_linkable_keys{};
};

// What soft_delete / restore return: a linkable key ("customer_id" or "customer_group_id") to
// the ids affected, e.g. {"customer_id": ["cus_1", "cus_2"]}. Empty when nothing was affected.
using linkable_ids = std::map<std::string, std::vector<std::string>>;

}  // namespace customerdb
