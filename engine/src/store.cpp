#include "view.hpp"

#include <array>
#include <thread>

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
  lookup<address_row, "customer_id">(key(customer_id),
                                     [&](const row_ptr<address_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_customer(
    std::string_view customer_id) const {
  std::vector<row_ptr<membership_row>> out;
  lookup<membership_row, "customer_id">(
      key(customer_id), [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_group(std::string_view group_id) const {
  std::vector<row_ptr<membership_row>> out;
  lookup<membership_row, "customer_group_id">(
      key(group_id), [&](const row_ptr<membership_row>& r) { out.push_back(r); });
  return sorted(std::move(out));
}

std::vector<row_ptr<membership_row>> view::memberships_of_pair(std::string_view customer_id,
                                                               std::string_view group_id) const {
  // A customer's memberships, filtered by group: a customer is in a few groups, and a hash
  // index by pair would cost every membership a node link and a bucket.
  std::vector<row_ptr<membership_row>> out;
  const key group(group_id);
  lookup<membership_row, "customer_id">(key(customer_id), [&](const slot<membership_row>& m) {
    if (m.extra.group == group) out.push_back(m.row);
  });
  return sorted(std::move(out));
}

namespace {

// The slots of the default addresses among those `lookup` visits: the smallest id of each
// kind (null: none). The flags and the ids are in the address slots: no address row is read.
template <class Lookup>
default_addresses collect_defaults(Lookup&& lookup) {
  default_addresses found;
  const auto keep = [](const slot<address_row>*& kept, const slot<address_row>& a) {
    if (!kept || a.id < kept->id) kept = &a;
  };
  lookup([&](const slot<address_row>& a) {
    if (a.extra.default_billing) keep(found.billing, a);
    if (a.extra.default_shipping) keep(found.shipping, a);
  });
  return found;
}

view::default_ids texts(const default_addresses& d) {
  return {d.billing ? d.billing->id.text() : std::string_view(),
          d.shipping ? d.shipping->id.text() : std::string_view()};
}

}  // namespace

view::default_ids view::default_addresses_of(std::string_view customer_id) const {
  if (!has_writes<address_row>()) {
    // A customer this view inserted has no committed addresses (they would name a customer
    // that did not exist), and the view wrote none.
    const auto* written = writes_ ? writes_->customers.find(customer_id) : nullptr;
    if (written && !written->before) return {};
    const auto* committed = store_->customers.find_slot(key(customer_id));
    if (committed && committed->extra.defaults.valid) return texts(committed->extra.defaults);
  }
  return texts(collect_defaults(
      [&](const auto& f) { lookup<address_row, "customer_id">(key(customer_id), f); }));
}

view::default_ids view::default_addresses_of(const slot<customer_row>& customer) const {
  if (!has_writes<address_row>() && customer.extra.defaults.valid)
    return texts(customer.extra.defaults);
  return default_addresses_of(customer.id.text());
}

namespace {

void refresh(const store& s, const slot<customer_row>& c) {
  const view v(s, nullptr);
  auto found =
      collect_defaults([&](const auto& f) { v.lookup<address_row, "customer_id">(c.id, f); });
  found.valid = true;
  c.extra.defaults = found;
}

}  // namespace

void refresh_default_addresses(const store& s, std::string_view customer_id) {
  if (const auto* c = s.customers.find_slot(key(customer_id))) refresh(s, *c);
}

void refresh_all_default_addresses(const store& s) {
  const auto& idx = s.customers.in_id_order();
  const std::size_t half = idx.size() / 2;
  // A batch of customers at a time: their address buckets are fetched together (each is a
  // cache miss once the tables outgrow the caches), then each customer is refreshed.
  const auto run = [&](auto first, auto last) {
    constexpr std::size_t batch = 16;
    std::array<const slot<customer_row>*, batch> customers;
    while (first != last) {
      std::size_t n = 0;
      for (; n < batch && first != last; ++first) customers[n++] = &*first;
      for (std::size_t i = 0; i < n; ++i)
        s.addresses.prefetch_lookup<"customer_id">(customers[i]->id);
      for (std::size_t i = 0; i < n; ++i) refresh(s, *customers[i]);
    }
  };
  std::thread other([&] { run(idx.nth(half), idx.end()); });
  run(idx.begin(), idx.nth(half));
  other.join();
}

}  // namespace customerdb::detail
