// The bare hash map floor (hash_map_peer.hpp).
#include "hash_map_peer.hpp"

#include <stdexcept>

namespace customerdb::peers {

void hash_map_peer::load(const data_set& data) {
  rows_.reserve(data.customers());
  for (const auto& c : data.records().customers) rows_.emplace(c.id, c);
}

answer hash_map_peer::retrieve(const std::string& id) {
  const auto it = rows_.find(id);
  if (it == rows_.end()) throw std::runtime_error("hash map: no customer " + id);
  const customerdb::customer_record row = it->second;  // the full row, copied out
  return {.ids = {row.id, row.email.value_or(""), row.company_name.value_or("")}, .count = 0};
}

void hash_map_peer::create(const new_customer& c) {
  rows_.emplace(c.id, customerdb::customer_record{.id = c.id,
                                                  .email = c.email,
                                                  .first_name = c.first_name,
                                                  .created_at = c.at,
                                                  .updated_at = c.at});
}

}  // namespace customerdb::peers
