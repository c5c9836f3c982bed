// Address steps shared by add_addresses and create (customers with addresses).
#pragma once

#include "customerdb/inputs.hpp"
#include "store.hpp"

namespace customerdb::detail {

// Inserts one address. Throws invalid_data when customer_id is missing or the id is taken,
// not_found when the customer does not exist (decision D7). The one-default rule is checked
// at commit.
row_ptr<address_row> insert_address(txn& t, const create_customer_address_dto& data, timestamp now);

}  // namespace customerdb::detail
