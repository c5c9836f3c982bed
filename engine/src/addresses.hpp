// Address steps shared by add_addresses and create (customers with addresses).
#pragma once

#include "customerdb/inputs.hpp"
#include "view.hpp"

namespace customerdb::detail {

// Inserts one address and checks its one-default rule (put_checked). Throws invalid_data when
// the id is taken or the rule is broken. Does not check that the customer exists: callers
// check references after all their rows (decision D19). REQUIRES: data.customer_id.
row_ptr<address_row> insert_address(write_view& t, const create_customer_address_dto& data,
                                    timestamp now);

// Throws not_found `You tried to set relationship customer_id: <id>, but such entity does not
// exist` when `v` holds no customer `customer_id` (decision D7).
void check_customer_exists(const view& v, std::string_view customer_id);

}  // namespace customerdb::detail
