// The floor: a bare std::unordered_map<std::string, customer_record> keyed by id, for the
// operations a hash map can do at all (retrieve a full row by id, insert one, its memory). No
// indexes, no ordering, no transactions, no unique rules: what any store must cost at least.
#pragma once

#include <customerdb/records.hpp>
#include <unordered_map>

#include "peer.hpp"

namespace customerdb::peers {

class hash_map_peer final : public peer {
 public:
  std::string name() const override { return "hash map"; }
  bool supports(op o) const override {
    return o == op::retrieve || o == op::create || o == op::memory || o == op::bulk_load;
  }

  void load(const data_set& data) override;
  answer retrieve(const std::string& id) override;
  void create(const new_customer& c) override;

 private:
  std::unordered_map<std::string, customerdb::customer_record> rows_;
};

}  // namespace customerdb::peers
