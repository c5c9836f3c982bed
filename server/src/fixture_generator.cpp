#include "customerdb/server/fixture_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fixture_locales.hpp"
#include "prng.hpp"

namespace customerdb::server {

namespace json = boost::json;

namespace {

using detail::fixture_city;
using detail::fixture_country;
using detail::prng;
using sv = std::string_view;

constexpr std::uint64_t max_customers = 100'000'000;
constexpr std::uint64_t max_groups = 1'000'000;
constexpr std::uint64_t max_addresses = 100;

// Independent random streams, one per table (and one for the fixture as a whole).
enum stream : std::uint64_t {
  plan_stream = 0,
  group_stream = 1,
  customer_stream = 2,
  address_stream = 3,
  membership_stream = 4,
};

constexpr std::int64_t day_ms = 86'400'000;
constexpr std::int64_t year_2021_ms = 1'609'459'200'000;  // 2021-01-01T00:00:00.000Z

// What every row derives from: the options and the time line.
struct plan {
  std::uint64_t seed = 0;
  std::uint64_t customers = 0;
  std::uint64_t groups = 0;
  std::uint64_t addresses = 0;
  std::int64_t start_ms = 0;          // the first customer's time slot begins here
  std::int64_t spacing_ms = 0;        // each customer has a slot this wide
  std::int64_t end_ms = 0;            // the fixture's "now"
  std::int64_t group_spacing_ms = 0;  // groups are created before start_ms, one per slot
  std::uint64_t email_modulus = 0;    // e-mail numbers are (i * multiplier + offset) mod this
  std::uint64_t email_offset = 0;
};

// Coprime with 10, so that i -> i * multiplier mod 10^k is a bijection: unique e-mail numbers.
constexpr std::uint64_t email_multiplier = 7'654'321;

plan make_plan(const fixture_options& o) {
  check_fixture_options(o);
  plan p;
  p.seed = o.seed;
  p.customers = o.customers;
  p.groups = o.groups;
  p.addresses = o.addresses_per_customer;
  prng r = prng::stream(o.seed, plan_stream, 0);
  p.start_ms = year_2021_ms + static_cast<std::int64_t>(r.below(365 * day_ms));
  // About three years of sign-ups; a slot leaves room for the customer's addresses and
  // memberships, whose created_at follow the customer's by a few milliseconds.
  const std::int64_t span = 1095 * day_ms;
  const auto n = static_cast<std::int64_t>(std::max<std::uint64_t>(o.customers, 1));
  p.spacing_ms = std::max(span / n, static_cast<std::int64_t>(p.addresses) + 8);
  p.end_ms = p.start_ms + static_cast<std::int64_t>(o.customers) * p.spacing_ms + day_ms;
  const auto g = static_cast<std::int64_t>(std::max<std::uint64_t>(o.groups, 1));
  p.group_spacing_ms = std::max<std::int64_t>(std::min(7 * day_ms, 730 * day_ms / g), 2);
  p.email_modulus = 1000;
  while (p.email_modulus < o.customers) p.email_modulus *= 10;
  p.email_offset = r.below(p.email_modulus);
  return p;
}

// ---- Small builders ------------------------------------------------------------------------

timestamp at(std::int64_t ms) { return timestamp(std::chrono::milliseconds(ms)); }

// A time in [from, p.end_ms).
std::int64_t later(const plan& p, std::int64_t from, prng& r) {
  return from + static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(p.end_ms - from)));
}

// `<prefix>_<ULID>`: 10 Crockford characters of `ms`, then 80 random bits.
std::string make_id(sv prefix, std::int64_t ms, prng& r) {
  static constexpr char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string id;
  id.reserve(prefix.size() + 27);
  id += prefix;
  id += '_';
  const std::size_t start = id.size();
  id.resize(start + 26);
  auto t = static_cast<std::uint64_t>(ms);
  for (std::size_t i = 10; i-- > 0;) {
    id[start + i] = crockford[t & 31];
    t >>= 5;
  }
  std::uint64_t lo = r.next();
  std::uint64_t hi = r.next() & 0xFFFF;
  for (std::size_t i = 26; i-- > 10;) {
    id[start + i] = crockford[lo & 31];
    lo = (lo >> 5) | (hi << 59);
    hi >>= 5;
  }
  return id;
}

// Fills a pattern: `#` any digit, `N` a digit 2-9, `A` a letter.
std::string fill(sv pattern, prng& r) {
  static constexpr sv letters = "ABDEFGHJLNPRSTUWXYZ";
  std::string out;
  out.reserve(pattern.size());
  for (char c : pattern) {
    if (c == '#') {
      out += static_cast<char>('0' + r.below(10));
    } else if (c == 'N') {
      out += static_cast<char>('2' + r.below(8));
    } else if (c == 'A') {
      out += letters[r.below(letters.size())];
    } else {
      out += c;
    }
  }
  return out;
}

template <std::size_t N>
sv pick(prng& r, const std::array<sv, N>& items) {
  return r.pick(std::span<const sv>(items));
}

const fixture_country& pick_country(prng& r) {
  static const std::vector<unsigned> weights = [] {
    std::vector<unsigned> w;
    for (const auto& c : detail::fixture_countries()) w.push_back(c.weight);
    return w;
  }();
  return detail::fixture_countries()[r.weighted(weights)];
}

std::optional<std::string> nonempty(sv s) {
  if (s.empty()) return std::nullopt;
  return std::string(s);
}

// "YYYY-MM-DD" of a time.
std::string date_of(std::int64_t ms) {
  const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(at(ms))};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

// ---- Groups --------------------------------------------------------------------------------

customer_group_record make_group(const plan& p, std::uint64_t g) {
  prng r = prng::stream(p.seed, group_stream, g);
  const std::int64_t created =
      p.start_ms - static_cast<std::int64_t>(p.groups - g) * p.group_spacing_ms +
      static_cast<std::int64_t>(r.below(static_cast<std::uint64_t>(p.group_spacing_ms - 1)));
  customer_group_record row;
  row.id = make_id("cusgroup", created, r);
  const auto names = detail::group_names();
  row.name = g < names.size() ? std::string(names[g % names.size()])
                              : fmt::format("{} {}", names[g % names.size()], g / names.size() + 1);
  if (r.chance(60)) {
    static constexpr std::array<std::int64_t, 6> discounts{0, 5, 10, 15, 20, 25};
    json::object m;
    m["discount_percent"] = discounts[r.below(discounts.size())];
    m["auto_assign"] = r.chance(40);
    json::object criteria;
    criteria["min_orders"] = static_cast<std::int64_t>(r.below(21));
    json::array codes;
    for (const auto& c : detail::fixture_countries())
      if (r.chance(25)) codes.emplace_back(c.code);
    criteria["countries"] = std::move(codes);
    m["criteria"] = std::move(criteria);
    row.metadata = std::move(m);
  }
  if (r.chance(70)) row.created_by = "admin";
  std::int64_t updated = created;
  if (r.chance(40)) updated = later(p, created, r);
  if (g != 0 && r.chance(4)) {
    updated = later(p, updated, r);
    row.deleted_at = at(updated);
  }
  row.created_at = at(created);
  row.updated_at = at(updated);
  return row;
}

// ---- Customers -----------------------------------------------------------------------------

// The first draws of a customer's stream: when it was created and its id.
struct customer_key {
  std::int64_t created_ms = 0;
  std::string id;
};

customer_key make_key(const plan& p, std::uint64_t i, prng& r) {
  customer_key k;
  // Leaves the rest of the slot free for the addresses and memberships (created_ms + A + 2).
  const auto room = static_cast<std::uint64_t>(p.spacing_ms) - (p.addresses + 6);
  k.created_ms = p.start_ms + static_cast<std::int64_t>(i) * p.spacing_ms +
                 static_cast<std::int64_t>(r.below(room));
  k.id = make_id("cus", k.created_ms, r);
  return k;
}

// A customer with what its addresses are made from.
struct customer_profile {
  customer_record row;
  std::int64_t created_ms = 0;
  const fixture_country* country = nullptr;
  const fixture_city* city = nullptr;
};

std::string make_email(const plan& p, std::uint64_t i, sv first, sv last, sv domain, prng& r) {
  const std::string f = detail::ascii_slug(first);
  const std::string l = detail::ascii_slug(last);
  // Names have no digits, so the number at the end (unique per customer) makes the address
  // unique whatever the letters before it.
  const std::uint64_t number = (i * email_multiplier + p.email_offset) % p.email_modulus;
  std::string local;
  switch (r.below(5)) {
    case 0:
      local = fmt::format("{}.{}", f, l);
      break;
    case 1:
      local = f + l;
      break;
    case 2:
      local = f.substr(0, 1) + l;
      break;
    case 3:
      local = fmt::format("{}_{}", f, l);
      break;
    default:
      local = fmt::format("{}.{}", l, f);
      break;
  }
  return fmt::format("{}{}@{}", local, number, domain);
}

std::string make_company(const fixture_country& c, sv last, prng& r) {
  const sv form = r.pick(c.company_forms);
  switch (r.below(3)) {
    case 0:
      return fmt::format("{} {}", last, form);
    case 1:
      return fmt::format("{} {} {}", r.pick(detail::company_words()),
                         r.pick(detail::company_trades()), form);
    default:
      return fmt::format("{} & {} {}", last, r.pick(c.last_names), form);
  }
}

json::object make_customer_metadata(const fixture_country& c, std::int64_t created, prng& r) {
  static constexpr std::array<sv, 5> sources{"web", "pos", "mobile_app", "marketplace", "import"};
  static constexpr std::array<sv, 4> tiers{"bronze", "silver", "gold", "platinum"};
  static constexpr std::array<sv, 6> tags{"returning", "wholesale-lead", "gift-buyer",
                                          "eco",       "early-adopter",  "support-priority"};
  static constexpr std::array<sv, 4> notes{
      "Prefers delivery after 6 pm", "Bitte beim Nachbarn abgeben", "Ne pas sonner, bébé qui dort",
      "Allergic to latex — no balloons in gift wraps"};
  json::object m;
  m["source"] = pick(r, sources);
  m["preferred_language"] = c.language;
  m["newsletter"] = r.chance(45);
  if (r.chance(50)) {
    json::object loyalty;
    loyalty["tier"] = pick(r, tiers);
    loyalty["points"] = static_cast<std::int64_t>(r.below(25'000));
    loyalty["member_since"] = date_of(created);
    m["loyalty"] = std::move(loyalty);
  }
  if (r.chance(35)) {
    json::object orders;
    orders["count"] = static_cast<std::int64_t>(r.between(1, 60));
    json::object value;
    value["amount"] = static_cast<std::int64_t>(r.between(1'000, 2'500'000));
    value["currency_code"] = c.currency;
    orders["lifetime_value"] = std::move(value);
    m["orders"] = std::move(orders);
  }
  if (r.chance(25)) {
    json::array t;
    const std::size_t first = r.below(tags.size());
    const std::size_t count = r.between(1, 3);
    for (std::size_t k = 0; k < count; ++k) t.emplace_back(tags[(first + k) % tags.size()]);
    m["tags"] = std::move(t);
  }
  if (r.chance(5)) m["notes"] = pick(r, notes);
  return m;
}

customer_profile make_customer(const plan& p, std::uint64_t i) {
  prng r = prng::stream(p.seed, customer_stream, i);
  customer_key key = make_key(p, i, r);
  customer_profile c;
  c.created_ms = key.created_ms;
  c.country = &pick_country(r);
  c.city = &r.pick(c.country->cities);
  customer_record& row = c.row;
  row.id = std::move(key.id);
  const sv first = r.pick(c.country->first_names);
  const sv last = r.pick(c.country->last_names);
  row.first_name = std::string(first);
  row.last_name = std::string(last);
  row.email = make_email(p, i, first, last, r.pick(c.country->email_domains), r);
  const auto phone_roll = r.below(100);
  if (phone_roll < 55) {
    row.phone = fill(r.pick(c.country->mobile), r);
  } else if (phone_roll < 85) {
    row.phone = fill(c.city->phone, r);
  }
  if (r.chance(25)) row.company_name = make_company(*c.country, last, r);
  row.has_account = r.chance(65);
  if (r.chance(10)) row.created_by = "admin";
  if (r.chance(70)) row.metadata = make_customer_metadata(*c.country, c.created_ms, r);
  std::int64_t updated = c.created_ms;
  if (r.chance(35)) updated = later(p, updated, r);
  if (r.below(1000) < 15) {
    updated = later(p, updated, r);
    row.deleted_at = at(updated);  // soft deletion writes updated_at too
  }
  row.created_at = at(c.created_ms);
  row.updated_at = at(updated);
  return c;
}

// ---- Addresses -----------------------------------------------------------------------------

std::string street_line(const fixture_country& c, prng& r) {
  const sv street = r.pick(c.streets);
  switch (c.style) {
    case detail::street_style::number_first:
      return fmt::format("{} {}", r.between(1, 250), street);
    case detail::street_style::number_last:
      return fmt::format("{} {}", street, r.between(1, 180));
    case detail::street_style::comma_number:
      return fmt::format("{}, {}", street, r.between(1, 200));
    case detail::street_style::block:
      break;
  }
  return fmt::format("{}-{}-{} {}", r.between(1, 9), r.between(1, 20), r.between(1, 30), street);
}

std::optional<json::object> make_address_metadata(prng& r) {
  static constexpr std::array<sv, 4> instructions{"Leave at the front door", "Ring twice",
                                                  "Deliver to reception",
                                                  "Code portail 4821, 3e étage"};
  const auto roll = r.below(100);
  if (roll < 12) {
    json::object m;
    m["delivery_instructions"] = pick(r, instructions);
    return m;
  }
  if (roll < 20) {
    json::object m;
    m["verified"] = true;
    json::object check;
    check["provider"] = "address-api";
    check["score"] = static_cast<std::int64_t>(r.between(70, 100));
    m["verification"] = std::move(check);
    return m;
  }
  return std::nullopt;
}

void make_addresses(const plan& p, std::uint64_t i, const record_visitor& visit) {
  if (p.addresses == 0) return;
  const customer_profile c = make_customer(p, i);
  prng r = prng::stream(p.seed, address_stream, i);
  static constexpr std::array<sv, 6> labels{"Work",         "Office",    "Parents",
                                            "Summer house", "Warehouse", "Pick-up point"};
  const auto a = static_cast<std::int64_t>(p.addresses);
  // At most one default of each kind: an index, or -1 for none.
  std::int64_t shipping = -1;
  const auto shipping_roll = r.below(100);
  if (shipping_roll < 85) {
    shipping = 0;
  } else if (shipping_roll < 93 && a > 1) {
    shipping = static_cast<std::int64_t>(r.between(1, p.addresses - 1));
  }
  std::int64_t billing = -1;
  const auto billing_roll = r.below(100);
  if (billing_roll < 60) {
    billing = shipping >= 0 ? shipping : 0;
  } else if (billing_roll < 85) {
    billing = a > 1 ? 1 : 0;
  }
  for (std::int64_t k = 0; k < a; ++k) {
    customer_address_record row;
    const std::int64_t created = c.created_ms + k;
    row.id = make_id("cuaddr", created, r);
    row.customer_id = c.row.id;
    const fixture_country* country = c.country;
    const fixture_city* city = c.city;
    if (k > 0) {
      if (!r.chance(85)) country = &pick_country(r);
      city = &r.pick(country->cities);
    }
    if (k == 0) {
      if (r.chance(80)) row.address_name = "Home";
    } else if (r.chance(80)) {
      row.address_name = std::string(pick(r, labels));
    }
    row.is_default_shipping = k == shipping;
    row.is_default_billing = k == billing;
    if (c.row.company_name && (row.address_name == "Work" || row.address_name == "Office"))
      row.company = c.row.company_name;
    if (r.chance(90)) {
      row.first_name = c.row.first_name;
      row.last_name = c.row.last_name;
    } else {
      row.first_name = std::string(r.pick(country->first_names));
      row.last_name = std::string(r.pick(country->last_names));
    }
    row.address_1 = street_line(*country, r);
    if (r.chance(25)) row.address_2 = fill(r.pick(country->address_2), r);
    row.city = std::string(city->name);
    row.country_code = std::string(country->code);
    row.province = nonempty(city->province);
    row.postal_code = fill(city->postal_code, r);
    if (c.row.phone && country == c.country && r.chance(60)) {
      row.phone = c.row.phone;
    } else if (r.chance(70)) {
      row.phone = fill(city->phone, r);
    }
    row.metadata = make_address_metadata(r);
    const std::int64_t updated = r.chance(20) ? later(p, created, r) : created;
    row.created_at = at(created);
    row.updated_at = at(updated);
    visit(record(std::move(row)));
  }
}

// ---- Memberships ---------------------------------------------------------------------------

// A group index in [0, groups), low indexes more likely (density falling as 1/sqrt).
std::uint64_t skewed_group(std::uint64_t groups, prng& r) {
  const std::uint64_t u = r.below(std::uint64_t{1} << 32);
  return (((u * u) >> 32) * groups) >> 32;
}

void make_memberships(const plan& p, std::uint64_t i, const std::vector<std::string>& group_ids,
                      const record_visitor& visit) {
  if (p.groups == 0) return;
  prng cr = prng::stream(p.seed, customer_stream, i);
  const customer_key key = make_key(p, i, cr);
  prng r = prng::stream(p.seed, membership_stream, i);
  static constexpr std::array<unsigned, 4> count_weights{30, 45, 18, 7};
  const std::uint64_t count = std::min<std::uint64_t>(r.weighted(count_weights), p.groups);
  static constexpr std::array<sv, 3> rules{"spent_over_500", "signed_up_newsletter", "b2b_domain"};
  std::array<std::uint64_t, 3> chosen{};
  for (std::uint64_t m = 0; m < count; ++m) {
    std::uint64_t g = skewed_group(p.groups, r);
    const auto taken = [&](std::uint64_t x) {
      return std::find(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(m), x) !=
             chosen.begin() + static_cast<std::ptrdiff_t>(m);
    };
    for (int tries = 0; tries < 8 && taken(g); ++tries) g = skewed_group(p.groups, r);
    while (taken(g)) g = (g + 1) % p.groups;  // count <= groups: a free one exists
    chosen[m] = g;
    customer_group_customer_record row;
    const std::int64_t created = key.created_ms + static_cast<std::int64_t>(p.addresses + m);
    row.id = make_id("cusgc", created, r);
    row.customer_id = key.id;
    row.customer_group_id = group_ids[g];
    if (r.chance(15)) row.created_by = "admin";
    if (r.chance(10)) {
      json::object meta;
      meta["added_by_rule"] = pick(r, rules);
      row.metadata = std::move(meta);
    }
    row.created_at = at(created);
    row.updated_at = at(created);
    visit(record(std::move(row)));
  }
}

}  // namespace

void check_fixture_options(const fixture_options& o) {
  if (o.customers > max_customers)
    throw std::invalid_argument(fmt::format("at most {} customers", max_customers));
  if (o.groups > max_groups)
    throw std::invalid_argument(fmt::format("at most {} groups", max_groups));
  if (o.addresses_per_customer > max_addresses)
    throw std::invalid_argument(fmt::format("at most {} addresses per customer", max_addresses));
}

void generate_fixture(const fixture_options& options, const record_visitor& visit) {
  const plan p = make_plan(options);
  std::vector<std::string> group_ids;
  group_ids.reserve(p.groups);
  for (std::uint64_t g = 0; g < p.groups; ++g) {
    customer_group_record row = make_group(p, g);
    group_ids.push_back(row.id);
    visit(record(std::move(row)));
  }
  for (std::uint64_t i = 0; i < p.customers; ++i) visit(record(make_customer(p, i).row));
  for (std::uint64_t i = 0; i < p.customers; ++i) make_addresses(p, i, visit);
  for (std::uint64_t i = 0; i < p.customers; ++i) make_memberships(p, i, group_ids, visit);
}

}  // namespace customerdb::server
