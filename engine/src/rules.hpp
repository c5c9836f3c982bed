// The unique rules of the store, checked against a view after rows were written: one live
// customer per (email, has_account) (decision D1), one live group per name (D2), and at most
// one default shipping and one default billing address per customer. Commits and imports use
// the same checks.
#pragma once

#include "rows.hpp"
#include "store.hpp"

namespace customerdb::detail {

// Each throws invalid_data "<Table words> with <col>: <val>, ..., already exists." when the
// visible rows of `v` break the rule for `row` (which `v` already holds).
void check_customer(const view& v, const customer_row& row);
void check_group(const view& v, const group_row& row);
void check_address(const view& v, const address_row& row);

}  // namespace customerdb::detail
