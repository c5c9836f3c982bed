// Which of Medusa's two interfaces a call belongs to: v1 (the seed's method names, behaviour.md)
// or v2 (Medusa 2.x's names, customer_module_v2.hpp). Both run on the same store; where the two
// interfaces' rules differ, the engine asks the call's dialect, each rule in one place:
//   paging         v1: unset take is 15 (D12, D20) and skip needs a limit (D24);
//                  v2: no default limit, skip applies alone (query.cpp, window_of)
//   deleted_at     v1: a condition on it anywhere shows soft-deleted rows (D28);
//                  v2: only with_deleted does (query.cpp, run_query)
//   relation filter v1: soft-deleted related rows match (D28); v2, without with_deleted: only
//                  a filter by id sees them, one through other fields does not (query.cpp,
//                  run_query; predicate.cpp, compile)
//   error order    v1: a misplaced q, take/skip, then the filter; v2: the filter's keys in
//                  order (unknown key or misplaced q), the filter, then take/skip
//                  (query.cpp, run_query; D19)
//   q              v1: one literal substring (D16); v2: every whitespace-separated word must
//                  match a searchable field, each word literal (query.cpp, search_words)
//   delete selector v1: live rows unless it names deleted_at; v2: soft-deleted rows too
//                  (query.cpp, run_query)
//   metadata       v1: deep merge (D10); v2: shallow merge, a key given "" is removed
//                  (entity_steps.hpp, apply_metadata)
//   soft delete    v1: the customer alone; v2: a customer's soft delete and restore cascade
//                  to its addresses (entity_calls.hpp, soft_delete_or_restore)
//   restore        v1: every row found is written (updated_at moves); v2: live rows are left
//                  alone (entity_steps.hpp, restore)
//   documents      v1: an object with keys as an operand is invalid_data (Medusa 1.x reads its
//                  keys as fields); v2: a metadata column compares with it as jsonb
//                  (query.cpp, check_v1_documents)
// and, in customer_module_v2.cpp: a group's name is required (checked once an update's
// targets are found); unknown `select` and `relations` entries are dropped and a dotted
// `select` path loads its relation; created groups carry `customers: []`; messages name the
// address model CustomerAddress.
#pragma once

namespace customerdb::detail {

enum class dialect { v1, v2 };

}  // namespace customerdb::detail
