// The planner oracle's text rules, written from the documentation: UTF-8 decoding and encoding,
// case folding of the documented capitals, and LIKE / ILIKE.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "customerdb/customerdb.hpp"
#include "support/check.hpp"
#include "support/helpers.hpp"

namespace customerdb::testing::planner {

using std::chrono::milliseconds;

using opt_str = std::optional<std::string>;

inline std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
    char32_t cp = extra == 0 ? b : (b & (0x3F >> extra));
    for (int k = 1; k <= extra && i + static_cast<std::size_t>(k) < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

inline std::string encode_utf8(std::u32string_view cps) {
  static constexpr unsigned char lead[] = {0x00, 0xC0, 0xE0, 0xF0};
  std::string out;
  for (const char32_t c : cps) {
    const int extra = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
    out.push_back(static_cast<char>(lead[extra] | (c >> (6 * extra))));
    for (int k = extra - 1; k >= 0; --k)
      out.push_back(static_cast<char>(0x80 | ((c >> (6 * k)) & 0x3F)));
  }
  return out;
}

// The lower case of a capital of ASCII, Latin-1, Latin Extended-A, Greek or Cyrillic (the
// documented folding, "Case folding" in docs/medusa-compatibility.md); other code points are
// returned as they are.
inline char32_t fold_cp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // Latin-1
  if (c == 0x130) return 'i';                                // İ -> i
  if (c == 0x178) return 0xFF;                               // Ÿ -> ÿ
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
    return c % 2 == 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  if (c == 0x386) return 0x3AC;  // Greek with tonos
  if (c >= 0x388 && c <= 0x38A) return c + 0x25;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 0x3F;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;  // Greek
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;                // Cyrillic Ѐ..Џ
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;                // Cyrillic А..Я
  if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
    return c % 2 == 0 ? c + 1 : c;
  if (c == 0x4C0) return 0x4CF;                                 // Ӏ
  if (c >= 0x4C1 && c <= 0x4CE) return c % 2 == 1 ? c + 1 : c;  // Ӂ..Ӎ
  return c;
}

inline std::u32string fold_cps(std::u32string s) {
  for (auto& c : s) c = fold_cp(c);
  return s;
}

inline std::string fold(std::string_view s) { return encode_utf8(fold_cps(decode_utf8(s))); }

// The capitals the random data may switch to when it varies case: those with a plain
// one-to-one pairing (ASCII, Latin-1, Latin Extended-A but Ÿ, the Greek and Cyrillic base
// alphabets). Accented Greek capitals, Ÿ and the extended Cyrillic capitals are covered by
// their own test case (planner_test.cpp).
inline const std::map<char32_t, char32_t>& upper_of() {
  static const std::map<char32_t, char32_t> m = [] {
    std::map<char32_t, char32_t> out;
    const auto add = [&](char32_t from, char32_t to) {
      for (char32_t c = from; c <= to; ++c)
        if (fold_cp(c) != c) out.emplace(fold_cp(c), c);
    };
    add('A', 'Z');
    add(0xC0, 0xDE);
    add(0x100, 0x177);
    add(0x179, 0x17E);
    add(0x391, 0x3A9);
    add(0x400, 0x42F);
    return out;
  }();
  return m;
}

// SQL LIKE over code points: `%` any run, `_` exactly one (decision D17).
inline bool like(std::string_view text, std::string_view pattern, bool ignore_case) {
  std::u32string t = decode_utf8(text), p = decode_utf8(pattern);
  if (ignore_case) {
    t = fold_cps(std::move(t));
    p = fold_cps(std::move(p));
  }
  // match[j]: p[0..j) matches t[0..i).
  std::vector<char> match(p.size() + 1, 0), next(p.size() + 1, 0);
  match[0] = 1;
  for (std::size_t j = 1; j <= p.size() && p[j - 1] == U'%'; ++j) match[j] = 1;
  for (std::size_t i = 1; i <= t.size(); ++i) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t j = 1; j <= p.size(); ++j) {
      if (p[j - 1] == U'%') {
        next[j] = next[j - 1] || match[j];
      } else if (p[j - 1] == U'_' || p[j - 1] == t[i - 1]) {
        next[j] = match[j - 1];
      }
    }
    std::swap(match, next);
  }
  return match[p.size()] != 0;
}

}  // namespace customerdb::testing::planner
