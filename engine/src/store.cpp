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
  lookup<address_row, by_customer>(customer_id,
                                   [&](const row_ptr<address_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_customer(
    std::string_view customer_id) const {
  std::vector<row_ptr<membership_row>> out;
  lookup<membership_row, by_customer>(customer_id,
                                      [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_group(std::string_view group_id) const {
  std::vector<row_ptr<membership_row>> out;
  lookup<membership_row, by_group>(boost::make_tuple(std::string(group_id)),
                                   [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_pair(std::string_view customer_id,
                                                               std::string_view group_id) const {
  std::vector<row_ptr<membership_row>> out;
  const auto key = boost::make_tuple(std::string(customer_id), std::string(group_id));
  lookup<membership_row, by_pair>(key, [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

view::default_ids view::default_addresses_of(std::string_view customer_id) const {
  default_ids ids;
  const auto keep = [](std::string_view& slot, const std::string& id) {
    if (slot.empty() || id < slot) slot = id;
  };
  lookup<address_row, by_customer>(customer_id, [&](const row_ptr<address_row>& a) {
    if (a->is_default_billing) keep(ids.billing, a->id);
    if (a->is_default_shipping) keep(ids.shipping, a->id);
  });
  return ids;
}

}  // namespace customerdb::detail
