// What an update checks against the store once its rows changed, per entity, for the update
// methods all entities share (entity_methods.cpp). Called inside a write transaction;
// thread-compatible like the view it takes.
#pragma once

#include "customerdb/inputs.hpp"
#include "view.hpp"

namespace customerdb::detail {

// Checks the references of update data after every target row changed, as the database checks
// foreign keys at the end of a statement (decision D19). Only an address refers to another row
// (its customer: not_found `You tried to set relationship customer_id: <id>, ...`).
template <class Data>
void check_update_references(const view&, const Data&) noexcept {}
void check_update_references(const view& v, const update_customer_address_dto& data);

}  // namespace customerdb::detail
