#include "store.hpp"

#include <boost/tuple/tuple.hpp>

namespace customerdb::detail {
namespace {

template <class Row>
std::vector<row_ptr<Row>> sorted(std::vector<row_ptr<Row>> rows) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return rows;
}

}  // namespace

std::vector<row_ptr<address_row>> view::addresses_of(std::string_view customer_id) const {
  std::vector<row_ptr<address_row>> out;
  lookup<address_row, by_customer>(key(customer_id),
                                   [&](const row_ptr<address_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_customer(
    std::string_view customer_id) const {
  std::vector<row_ptr<membership_row>> out;
  lookup<membership_row, by_customer>(key(customer_id),
                                      [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_group(std::string_view group_id) const {
  std::vector<row_ptr<membership_row>> out;
  lookup<membership_row, by_group>(boost::make_tuple(key(group_id)),
                                   [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_pair(std::string_view customer_id,
                                                               std::string_view group_id) const {
  std::vector<row_ptr<membership_row>> out;
  lookup<membership_row, by_pair>(boost::make_tuple(key(customer_id), key(group_id)), [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

view::default_ids view::default_addresses_of(std::string_view customer_id) const {
  default_ids ids;
  const auto keep = [](std::string_view& kept, std::string_view id) {
    if (kept.empty() || id < kept) kept = id;
  };
  // The flags and the id are in the address table's slots: no address row is read.
  lookup<address_row, by_customer>(key(customer_id), [&](const slot<address_row>& a) {
    if (a.extra.default_billing) keep(ids.billing, a.id.text());
    if (a.extra.default_shipping) keep(ids.shipping, a.id.text());
  });
  return ids;
}

}  // namespace customerdb::detail
