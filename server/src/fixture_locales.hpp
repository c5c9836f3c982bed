// The word lists behind generated fixtures: for each country, names, cities with fitting
// provinces, postal-code and phone-number formats, streets, e-mail domains and company forms.
//
// Patterns: `#` is any digit, `N` a digit 2-9, `A` an upper-case letter; other characters are
// kept. Everything here is constant data (thread-safe).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace customerdb::server::detail {

struct fixture_city {
  std::string_view name;
  std::string_view province;     // empty: none
  std::string_view postal_code;  // pattern
  std::string_view phone;        // landline pattern, international form
};

// How an address line is written.
enum class street_style {
  number_first,  // "12 Maple Street", "4 rue de Rivoli"
  number_last,   // "Hauptstraße 12"
  comma_number,  // "Via Roma, 12"
  block,         // "1-2-3 Marunouchi" (Japan)
};

struct fixture_country {
  std::string_view code;      // ISO 3166-1 alpha-2, lower case as Medusa stores it ("us")
  unsigned weight;            // share of customers living there (per cent)
  std::string_view language;  // ISO 639-1
  std::string_view currency;  // ISO 4217, lower case
  std::span<const std::string_view> first_names;
  std::span<const std::string_view> last_names;
  std::span<const fixture_city> cities;
  std::span<const std::string_view> streets;
  street_style style;
  std::span<const std::string_view> address_2;  // patterns ("Apt #")
  std::span<const std::string_view> mobile;     // mobile phone patterns
  std::span<const std::string_view> email_domains;
  std::span<const std::string_view> company_forms;  // "GmbH", "Inc."
};

// Every country, in a fixed order.
std::span<const fixture_country> fixture_countries();

// Words for company names ("Northwind" + "Trading"), group names and address labels.
std::span<const std::string_view> company_words();
std::span<const std::string_view> company_trades();
std::span<const std::string_view> group_names();

// `text` (UTF-8) as lower-case ASCII letters and digits only, for e-mail addresses:
// "Jørgensen" -> "joergensen", "O'Brien" -> "obrien".
std::string ascii_slug(std::string_view text);

}  // namespace customerdb::server::detail
