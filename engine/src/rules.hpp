// The unique rules of the store: one live customer per (email, has_account) (decision D1), one
// live group per name (D2), and at most one default shipping and one default billing address
// per customer. Writes, commits and imports use the same checks.
#pragma once

#include "rows.hpp"
#include "view.hpp"

namespace customerdb::detail {

// Each throws invalid_data "<Table words> with <col>: <val>, ..., already exists." when the
// visible rows of `v` break the rule for `row` (which `v` already holds).
void check_customer(const view& v, const customer_row& row);
void check_group(const view& v, const group_row& row);
void check_address(const view& v, const address_row& row);

// Writes `row` into `t` in place of `before` (the visible row it replaces; null for a new row)
// and checks its unique rule at once, against the rows `t` holds at that moment, as the
// database checks each row as it inserts or updates it: a call that breaks several rules
// reports the first row, in the order it writes them, that breaks one (decision D19). A row
// whose unique key is the one `before` had is not checked again. Throws as the checks above;
// `t` then holds the row (the caller's step is undone as a whole).
template <class Row>
void put_checked(write_view& t, row_ptr<Row> row, const Row* before);

// Checks the unique rule of every row `t` wrote whose unique key differs from its committed
// image: a commit's final check against the state it is published onto.
void check_unique(const write_view& t);

}  // namespace customerdb::detail
