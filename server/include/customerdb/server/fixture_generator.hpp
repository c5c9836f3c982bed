// customerdb::server fixture generator: deterministic, realistic rows for every table, as
// `customerdb generate` writes them.
//
// The same options give the same rows, byte for byte once encoded, on every machine: all
// randomness comes from the seed through a generator of our own (no <random> distributions, no
// clock). The rows follow every rule of the engine, so customer_module::import_records accepts
// them:
//   - groups: unique names ("VIP", "Wholesale", ...; "VIP 2" once the list is used up), some with
//     metadata, a few soft-deleted;
//   - customers: names, unique e-mails and phone numbers in the format of their country, some
//     companies, about two thirds with has_account, metadata with nested objects, arrays,
//     numbers and booleans for most, about 1.5% soft-deleted;
//   - addresses: exactly `addresses_per_customer` per customer, mostly in the customer's country
//     (cities with fitting provinces, postal codes and phone numbers; lower-case country codes
//     as Medusa stores them), at most one default shipping and one default billing address per
//     customer;
//   - memberships: 0-3 distinct groups per customer, skewed so that some groups are large.
// Ids are `<prefix>_<ULID>` (cusgroup, cus, cuaddr, cusgc) whose time part is the row's
// created_at; created_at strictly increases within each table, so generation order is id order.
// Timestamps span about three years from a start in 2021 that the seed picks.
#pragma once

#include <cstdint>

#include "customerdb/records.hpp"

namespace customerdb::server {

struct fixture_options {
  // Number of customers (at most 100,000,000).
  std::uint64_t customers = 0;
  // Number of customer groups (at most 1,000,000).
  std::uint64_t groups = 100;
  // Addresses of every customer (at most 100).
  std::uint64_t addresses_per_customer = 2;
  // Any value; equal seeds give equal fixtures.
  std::uint64_t seed = 1;
};

// Throws std::invalid_argument ("at most 100000000 customers") when an option is beyond its
// limit.
void check_fixture_options(const fixture_options& options);

// Calls `visit` once for every row of the fixture, in the order of
// customer_module::export_records: groups, customers, addresses, memberships, each table in id
// order. Memory use does not depend on the number of rows. Throws what check_fixture_options
// throws, and whatever `visit` throws. Thread-safe (keeps no state).
void generate_fixture(const fixture_options& options, const record_visitor& visit);

}  // namespace customerdb::server
