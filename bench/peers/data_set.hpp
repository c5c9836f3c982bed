// The one deterministic data set every peer loads, and the arguments the timed calls draw from it.
//
// N customers (ids "cus_01HZX" and 21 digits, in id order), two addresses each (the first the
// default shipping and billing address), 100 groups and one membership per customer (customer i
// in group i % 100). Every 20 customers share a company name ("Company k", k = i % (N / 20)), so
// that a listAndCount by company returns a page of 15 and a count of 20. E-mails are
// "customer<i>@example.com". The same values on every run, for every peer.
#pragma once

#include <customerdb/records.hpp>
#include <customerdb/timestamp.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace customerdb::peers {

// A customer the write operations add: the same row for every peer.
struct new_customer {
  std::string id;
  std::string email;
  std::string first_name;
  customerdb::timestamp at;
};

class data_set {
 public:
  explicit data_set(std::size_t customers);

  const customerdb::record_set& records() const noexcept { return records_; }
  std::size_t customers() const noexcept { return records_.customers.size(); }

  // The arguments of the call number `call` (any number; they repeat). Point lookups use
  // 100,000 random customers, their ids and e-mails copied in the order they are looked up (a
  // caller's key is in its own hot memory, as in bench/query_bench.cpp).
  const std::string& id_key(std::size_t call) const { return id_keys_[call % id_keys_.size()]; }
  const std::string& email_key(std::size_t call) const {
    return email_keys_[call % email_keys_.size()];
  }
  const std::string& group_id(std::size_t call) const {
    return records_.customer_groups[call % records_.customer_groups.size()].id;
  }
  std::string company(std::size_t call) const;
  // The skip of the deep page: min(150,000, N / 2).
  std::size_t deep_skip() const noexcept;

  // The `seq`th customer a write operation of kind `kind` (one letter per operation) adds.
  // Its id sorts after every loaded customer, so the pages the checks compare do not move.
  static new_customer new_customer_for(char kind, std::size_t seq);

 private:
  customerdb::record_set records_;
  std::size_t companies_;
  std::vector<std::string> id_keys_;
  std::vector<std::string> email_keys_;
};

}  // namespace customerdb::peers
