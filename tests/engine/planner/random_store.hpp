// The planner test's random data: a seeded source, value pools with case and LIKE traps, a store
// populated through the public API, and the oracle's copy read back from it.
#pragma once

#include <fmt/format.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/planner/differences.hpp"

namespace customerdb::testing::planner {

struct random_source {
  std::mt19937_64 rng;

  explicit random_source(std::uint64_t seed) : rng(seed) {}
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  // An index drawn with the given weights.
  std::size_t weighted(std::initializer_list<int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int x = between(0, total - 1);
    std::size_t i = 0;
    for (int w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return i - 1;
  }
};

inline const opt_str null_s{};

// Name pools: mixed case, `%` and `_`, empty strings, non-ASCII letters, nulls.
inline const std::vector<opt_str> first_names{
    "John",    "john",  "JOHN",   "Jane",   "jane",   "Ann_a", "Anna",  "anna",  "Émile",
    "émile",   "ÉMILE", "Łukasz", "ŁUKASZ", "łukasz", "Σοφία", "ΣΟΦΙΑ", "σοφια", "Дмитрий",
    "ДМИТРИЙ", "Ёлка",  "ёлка",   "Jo%n",   "50%",    "a_b",   "_",     "%",     "",
    "Zoë",     "Bob",   null_s,   null_s,   null_s,   null_s};
inline const std::vector<opt_str> last_names{
    "Doe",    "DOE",          "doe",  "Smith", "smith", "SMITH", "O'Brien", "Müller", "MÜLLER",
    "müller", "van_der_Berg", "100%", "Núñez", "NÚÑEZ", "Øster", "øster",   "Иванов", "ИВАНОВ",
    "",       null_s,         null_s, null_s,  null_s};
inline const std::vector<opt_str> companies{"Acme",        "ACME",     "acme",     "Acme Inc", "Globex",
                                     "100% Cotton", "a_b corp", "A_B Corp", "Initech",  "Ωmega",
                                     "ωmega",       "Зенит",    "ЗЕНИТ",    "",         null_s,
                                     null_s,        null_s,     null_s,     null_s};
inline const std::vector<opt_str> phones{"555-1000", "555_1000", "+45 1234 5678", "(555) 100%",
                                  null_s,     null_s,     null_s};
inline const std::vector<opt_str> creators{"admin", "Admin", "system", "", null_s, null_s, null_s};
inline const std::vector<opt_str> address_names{"Home",       "home", "HOME", "Work", "HQ_1",
                                         "Summer 50%", "",     null_s, null_s, null_s};
inline const std::vector<opt_str> streets{"Main Street 1", "main street 1", "Elm_2", "Øster Allé 5",
                                   "Тверская 7",    "ТВЕРСКАЯ 7",    null_s};
inline const std::vector<opt_str> streets2{"Apt 5", "apt 5", "c/o Ann", null_s, null_s, null_s, null_s};
inline const std::vector<opt_str> cities{"Oslo",   "OSLO",  "oslo",  "København", "KØBENHAVN", "Москва",
                                  "МОСКВА", "Paris", "Αθήνα", null_s,      null_s};
inline const std::vector<opt_str> countries{"DK", "dk", "US", "NO", "no", null_s};
inline const std::vector<opt_str> provinces{"Capital Region", "capital region", "Île-de-France",
                                     null_s,           null_s,           null_s};
inline const std::vector<opt_str> postal_codes{"1000", "10%0", "2100", "0150", "NW1_6XE", null_s, null_s};
inline const std::vector<opt_str> group_names{
    "VIP",      "vip",    "Regular",      "Wholesale", "B2B_EU", "B2B%",   "50% off", "Ωmega club",
    "Группа",   "ГРУППА", "Gold",         "gold",      "Silver", "Bronze", "Staff",   "Press",
    "Partners", "Beta",   "beta_testers", "EU",        "US",     "",       "Empty",   "Émigrés"};

inline std::vector<std::string> email_pool() {
  std::vector<std::string> out{"john@doe.com",     "JOHN@doe.com",  "jane@doe.com",
                               "j_ne@doe.com",     "a%b@x.com",     "émile@exemple.fr",
                               "ÉMILE@exemple.fr", "ann.lee@x.com", "Ann.Lee@X.com"};
  for (int i = 0; i < 150; ++i) out.push_back(fmt::format("user{}@shop{}.com", i, i % 3));
  return out;
}

inline metadata tier(std::string_view t) {
  metadata m;
  m["tier"] = t;
  return m;
}

struct sizes {
  int customers;
  int filters;  // customers
  int group_filters;
  int address_filters;
  int membership_filters;
};

// Builds the data through the public API.
inline void populate(customer_module& m, manual_clock& clock, random_source& rnd, const sizes& n) {
  const auto tick = [&] {
    static const std::vector<milliseconds> steps{milliseconds{0},    milliseconds{0},
                                                 milliseconds{1},    milliseconds{7},
                                                 milliseconds{1000}, milliseconds{60000}};
    clock.advance(rnd.pick(steps));
  };

  // Groups: 24, then 6 soft-deleted, then 6 more (some reusing the names of deleted ones).
  std::vector<std::string> groups;
  std::vector<opt_str> names(group_names.begin(), group_names.end());
  std::shuffle(names.begin(), names.end(), rnd.rng);
  names[3].reset();
  names[9].reset();  // two groups without a name
  std::vector<create_customer_group_dto> batch;
  for (std::size_t i = 0; i < 24; ++i) {
    create_customer_group_dto g;
    g.name = names[i];
    if (rnd.chance(0.3)) g.metadata = tier("gold");
    g.created_by = rnd.pick(creators);
    batch.push_back(std::move(g));
    if (batch.size() >= static_cast<std::size_t>(rnd.between(1, 4))) {
      for (const auto& created : m.create_customer_group(batch)) groups.push_back(created.id);
      batch.clear();
      tick();
    }
  }
  if (!batch.empty())
    for (const auto& created : m.create_customer_group(batch)) groups.push_back(created.id);
  std::vector<std::string> deleted_groups;
  for (std::size_t i = 1; deleted_groups.size() < 6; i += 3) deleted_groups.push_back(groups[i]);
  for (const auto& g : deleted_groups) {
    tick();
    m.soft_delete_customer_groups(std::vector<std::string>{g});
  }
  for (std::size_t i = 0; i < 6; ++i) {
    tick();
    create_customer_group_dto g;
    // Groups 1, 7, 13 were deleted: reuse their names.
    g.name = i < 3 ? names[1 + 6 * i] : opt_str(fmt::format("Extra_{}", i));
    groups.push_back(m.create_customer_group(g).id);
  }
  const std::string big_group = groups[0];  // ~30% of the customers

  // Customers in batches (one created_at per batch), with addresses; ~10% soft-deleted along
  // the way, which frees their (email, has_account) for later customers.
  const auto emails = email_pool();
  std::set<std::pair<std::string, bool>> taken;  // live (email, has_account)
  struct live_customer {
    std::string id;
    opt_str email;
    bool has_account;
    bool default_shipping = false, default_billing = false;
  };
  std::vector<live_customer> live;
  std::vector<std::string> all_customers;
  const auto soft_delete_some = [&](int count) {
    for (int k = 0; k < count && !live.empty(); ++k) {
      const std::size_t i = rnd.below(live.size());
      if (live[i].email) taken.erase({*live[i].email, live[i].has_account});
      m.soft_delete(live[i].id);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    }
  };
  const int target_deleted = n.customers / 10;
  int deleted = 0;
  while (static_cast<int>(all_customers.size()) < n.customers) {
    tick();
    const int size =
        std::min(rnd.between(1, 25), n.customers - static_cast<int>(all_customers.size()));
    std::vector<create_customer_dto> dtos;
    std::set<std::pair<std::string, bool>> in_batch;
    for (int k = 0; k < size; ++k) {
      create_customer_dto d;
      d.has_account = rnd.chance(0.3);
      if (rnd.chance(0.6)) {
        const std::string& e = rnd.chance(0.4) ? emails[rnd.below(9)] : rnd.pick(emails);
        if (!taken.count({e, d.has_account}) && in_batch.insert({e, d.has_account}).second)
          d.email = e;
      }
      d.first_name = rnd.pick(first_names);
      d.last_name = rnd.pick(last_names);
      d.company_name = rnd.pick(companies);
      d.phone = rnd.pick(phones);
      if (rnd.chance(0.2)) d.metadata = tier(rnd.chance(0.5) ? "gold" : "silver");
      d.created_by = rnd.pick(creators);
      if (rnd.chance(0.9)) {
        const std::size_t count = rnd.weighted({15, 25, 30, 20, 10});
        const int shipping = rnd.chance(0.5) ? static_cast<int>(rnd.below(count + 1)) : -1;
        const int billing = rnd.chance(0.5) ? static_cast<int>(rnd.below(count + 1)) : -1;
        std::vector<create_customer_address_dto> addresses;
        for (std::size_t a = 0; a < count; ++a) {
          create_customer_address_dto ad;
          ad.address_name = rnd.pick(address_names);
          ad.is_default_shipping = static_cast<int>(a) == shipping;
          ad.is_default_billing = static_cast<int>(a) == billing;
          ad.company = rnd.pick(companies);
          ad.first_name = rnd.pick(first_names);
          ad.last_name = rnd.pick(last_names);
          ad.address_1 = rnd.pick(streets);
          ad.address_2 = rnd.pick(streets2);
          ad.city = rnd.pick(cities);
          ad.country_code = rnd.pick(countries);
          ad.province = rnd.pick(provinces);
          ad.postal_code = rnd.pick(postal_codes);
          ad.phone = rnd.pick(phones);
          if (rnd.chance(0.1)) ad.metadata = tier("x");
          addresses.push_back(std::move(ad));
        }
        d.addresses = std::move(addresses);
      }
      dtos.push_back(std::move(d));
    }
    const auto created = m.create(dtos);
    for (std::size_t k = 0; k < created.size(); ++k) {
      live_customer c{
          .id = created[k].id, .email = dtos[k].email, .has_account = dtos[k].has_account};
      if (dtos[k].addresses) {
        for (const auto& a : *dtos[k].addresses) {
          c.default_shipping = c.default_shipping || a.is_default_shipping;
          c.default_billing = c.default_billing || a.is_default_billing;
        }
      }
      if (c.email) taken.insert({*c.email, c.has_account});
      all_customers.push_back(c.id);
      live.push_back(std::move(c));
    }
    if (deleted < target_deleted / 2 && rnd.chance(0.3)) {
      const int k = rnd.between(1, 3);
      soft_delete_some(k);
      deleted += k;
    }
  }

  // Memberships: one big group, the others random; batches with their own created_at.
  std::vector<group_customer_pair> pairs;
  for (const auto& c : all_customers) {
    if (rnd.chance(0.3)) pairs.push_back({c, big_group});
    const std::size_t count = rnd.weighted({35, 35, 20, 10});
    for (std::size_t k = 0; k < count; ++k)
      pairs.push_back({c, groups[1 + rnd.below(groups.size() - 2)]});
    // (the last group stays empty)
  }
  std::shuffle(pairs.begin(), pairs.end(), rnd.rng);
  for (std::size_t i = 0; i < pairs.size(); i += 150) {
    tick();
    const std::size_t end = std::min(pairs.size(), i + 150);
    m.add_customer_to_group(std::span<const group_customer_pair>(pairs.data() + i, end - i));
  }

  // More addresses, added later (other created_at), keeping one default of each kind.
  std::vector<create_customer_address_dto> extra;
  for (int k = 0; k < n.customers / 10; ++k) {
    auto& c = live[rnd.below(live.size())];
    create_customer_address_dto ad;
    ad.customer_id = c.id;
    ad.address_name = rnd.pick(address_names);
    if (!c.default_shipping && rnd.chance(0.5)) ad.is_default_shipping = c.default_shipping = true;
    if (!c.default_billing && rnd.chance(0.5)) ad.is_default_billing = c.default_billing = true;
    ad.city = rnd.pick(cities);
    ad.postal_code = rnd.pick(postal_codes);
    ad.company = rnd.pick(companies);
    extra.push_back(std::move(ad));
    if (extra.size() >= 20) {
      tick();
      m.add_addresses(extra);
      extra.clear();
    }
  }
  if (!extra.empty()) m.add_addresses(extra);

  // Some updates (updated_at moves), then the rest of the soft deletes.
  for (int k = 0; k < n.customers / 20; ++k) {
    tick();
    const opt_str& phone = rnd.pick(phones);
    customer_updatable_fields change;
    if (phone) {
      change.phone = *phone;
    } else {
      change.phone = customerdb::null;
    }
    m.update(rnd.pick(live).id, change);
  }
  while (deleted < target_deleted) {
    tick();
    soft_delete_some(1);
    ++deleted;
  }
}

// Reads everything back into the oracle's tables.
inline oracle_db snapshot(const customer_module& m) {
  find_config all;
  all.take = customerdb::null;
  all.with_deleted = true;
  const auto customers = m.list({}, all);
  const auto groups = m.list_customer_groups({}, all);
  const auto addresses = m.list_addresses({}, all);
  const auto memberships = m.list_customer_group_customers({}, all);

  oracle_db db;
  const auto add = [&](ent e, std::vector<cell> row, bool deleted) {
    table& t = db.of(e);
    t.by_id.emplace(row[0].s, t.rows.size());
    t.rows.push_back(std::move(row));
    t.deleted.push_back(deleted ? 1 : 0);
  };
  // Derived default address ids (D9), from the address flags.
  std::unordered_map<std::string, std::string> default_billing, default_shipping;
  for (const auto& a : addresses) {
    if (a.is_default_billing) BOOST_REQUIRE(default_billing.emplace(a.customer_id, a.id).second);
    if (a.is_default_shipping) BOOST_REQUIRE(default_shipping.emplace(a.customer_id, a.id).second);
  }
  const auto derived = [](const auto& map, const std::string& id) {
    auto it = map.find(id);
    return it == map.end() ? opt_str{} : opt_str{it->second};
  };
  for (const auto& c : customers) {
    const opt_str billing = derived(default_billing, c.id),
                  shipping = derived(default_shipping, c.id);
    BOOST_CHECK_EQUAL(show(c.default_billing_address_id), show(billing));
    BOOST_CHECK_EQUAL(show(c.default_shipping_address_id), show(shipping));
    add(ent::customer,
        {of(c.id), of(c.company_name), of(c.first_name), of(c.last_name), of(c.email), of(c.phone),
         of(c.has_account), of(c.metadata), of(c.created_by), of(billing), of(shipping),
         of(c.created_at), of(c.updated_at), of(c.deleted_at)},
        c.deleted_at.has_value());
  }
  for (const auto& g : groups)
    add(ent::group,
        {of(g.id), of(g.name), of(g.metadata), of(g.created_by), of(g.created_at), of(g.updated_at),
         of(g.deleted_at)},
        g.deleted_at.has_value());
  for (const auto& a : addresses)
    add(ent::address,
        {of(a.id), of(a.customer_id), of(a.address_name), of(a.is_default_shipping),
         of(a.is_default_billing), of(a.company), of(a.first_name), of(a.last_name),
         of(a.address_1), of(a.address_2), of(a.city), of(a.country_code), of(a.province),
         of(a.postal_code), of(a.phone), of(a.metadata), of(a.created_at), of(a.updated_at)},
        false);
  for (const auto& mb : memberships)
    add(ent::membership,
        {of(mb.id), of(mb.customer_id), of(mb.customer_group_id), of(mb.metadata),
         of(mb.created_by), of(mb.created_at), of(mb.updated_at)},
        false);

  for (int e = 0; e < 4; ++e) {
    table& t = db.tables[e];
    t.related.assign(info(static_cast<ent>(e)).relations.size(),
                     std::vector<std::vector<std::size_t>>(t.rows.size()));
  }
  table& cs = db.of(ent::customer);
  table& gs = db.of(ent::group);
  table& as = db.of(ent::address);
  table& ms = db.of(ent::membership);
  for (std::size_t r = 0; r < ms.rows.size(); ++r) {
    const std::size_t c = cs.by_id.at(ms.rows[r][1].s);
    const std::size_t g = gs.by_id.at(ms.rows[r][2].s);
    ms.related[0][r] = {c};
    ms.related[1][r] = {g};
    cs.related[0][c].push_back(g);
    gs.related[0][g].push_back(c);
  }
  for (auto* t : {&cs, &gs})
    for (auto& rs : t->related[0]) {
      std::sort(rs.begin(), rs.end());
      rs.erase(std::unique(rs.begin(), rs.end()), rs.end());
    }
  for (std::size_t r = 0; r < as.rows.size(); ++r) {
    const std::size_t c = cs.by_id.at(as.rows[r][1].s);
    as.related[0][r] = {c};
    cs.related[1][c].push_back(r);
  }
  return db;
}

}  // namespace customerdb::testing::planner
