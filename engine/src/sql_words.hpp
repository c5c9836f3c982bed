// detail::sql_words: text read as PostgreSQL's scanner reads the words of a query, for the
// places where Medusa hands a caller's text to its database inside SQL (an order direction, a
// timestamp literal): its white space, and keywords in any ASCII case. The input functions of
// its types (float8, bool: jsonb_casts.cpp) skip the same white space. Thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace customerdb::detail {

// Whether `c` is white space to the scanner.
constexpr bool is_sql_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Whether `word` is `keyword` (given in lower case) in any ASCII case.
constexpr bool is_keyword(std::string_view word, std::string_view keyword) noexcept {
  return std::equal(word.begin(), word.end(), keyword.begin(), keyword.end(), [](char a, char b) {
    return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
  });
}

// `text` without the white space around it.
constexpr std::string_view trim_sql_space(std::string_view text) noexcept {
  std::size_t first = 0, last = text.size();
  while (first < last && is_sql_space(text[first])) ++first;
  while (last > first && is_sql_space(text[last - 1])) --last;
  return text.substr(first, last - first);
}

}  // namespace customerdb::detail
