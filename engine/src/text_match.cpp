#include "text_match.hpp"

#include <cstdint>
#include <vector>

namespace customerdb::detail {
namespace {

// Decodes one UTF-8 code point at `i` (invalid bytes decode as themselves).
char32_t decode(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  if (extra == 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
    ++i;
    return b;
  }
  char32_t cp = b & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

char32_t fold_cp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // Latin-1
  if (c >= 0x100 && c <= 0x17F) {                          // Latin Extended-A
    if (c == 0x130) return 'i';
    if (c == 0x178) return 0xFF;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
    if (c == 0x138 || c == 0x149 || c == 0x17F) return c;
    return c % 2 == 0 ? c + 1 : c;
  }
  if (c == 0x386) return 0x3AC;  // Greek with tonos
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;  // Greek
  if (c >= 0x400 && c <= 0x40F) return c + 80;                // Cyrillic
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x460 && c <= 0x4BF && c != 0x482 && !(c >= 0x483 && c <= 0x489))
    return c % 2 == 0 ? c + 1 : c;  // Cyrillic pairs (Ѡ..ҿ, Ґ included)
  if (c == 0x4C0) return 0x4CF;     // Cyrillic palochka
  if (c >= 0x4C1 && c <= 0x4CE) return c % 2 == 1 ? c + 1 : c;  // Ӂ..ӎ
  if (c >= 0x4D0 && c <= 0x52F) return c % 2 == 0 ? c + 1 : c;  // Ӑ..ԯ
  return c;
}

void encode(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::u32string code_points(std::string_view s, bool ignore_case) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = decode(s, i);
    out.push_back(ignore_case ? fold_cp(c) : c);
  }
  return out;
}

}  // namespace

std::string fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    const std::size_t start = i;
    const char32_t c = decode(text, i);
    if (i - start == 1) {
      out.push_back(static_cast<char>(b));  // an invalid byte stays as it is
    } else {
      encode(fold_cp(c), out);
    }
  }
  return out;
}

folded_search::folded_search(std::string_view needle) : needle_(fold(needle)) {
  for (char c : needle_) ascii_ &= static_cast<unsigned char>(c) < 0x80;
}

bool folded_search::found_in(std::string_view text) const {
  if (needle_.empty()) return true;
  // Folding never makes a text longer (each capital folds to as many bytes or fewer).
  if (needle_.size() > text.size()) return false;
  if (!ascii_) return fold(text).find(needle_) != std::string::npos;
  // An ASCII needle: folding maps ASCII to ASCII and everything else to non-ASCII, so comparing
  // raw bytes with ASCII lower-casing is exact.
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  const char first = needle_[0];
  const std::size_t last = text.size() - needle_.size();
  for (std::size_t i = 0; i <= last; ++i) {
    if (lower(text[i]) != first) continue;
    std::size_t k = 1;
    while (k < needle_.size() && lower(text[i + k]) == needle_[k]) ++k;
    if (k == needle_.size()) return true;
  }
  return false;
}

namespace {
constexpr char32_t any_one = 0xFFFFFFFE, any_run = 0xFFFFFFFF;
}  // namespace

like_pattern::like_pattern(std::string_view pattern, bool ignore_case) : ignore_case_(ignore_case) {
  const std::u32string raw = code_points(pattern, ignore_case);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == U'\\' && i + 1 < raw.size()) {
      tokens_.push_back(raw[++i]);
    } else if (raw[i] == U'%') {
      if (tokens_.empty() || tokens_.back() != any_run) tokens_.push_back(any_run);
    } else if (raw[i] == U'_') {
      tokens_.push_back(any_one);
    } else {
      tokens_.push_back(raw[i]);
    }
  }
  for (const char32_t t : tokens_) min_length_ += t != any_run;
}

bool like_pattern::matches(std::string_view text) const {
  // Every code point takes at least one byte: a text of fewer bytes cannot match.
  if (text.size() < min_length_) return false;
  const std::u32string t = code_points(text, ignore_case_);
  if (t.size() < min_length_) return false;
  const auto& p = tokens_;
  // Greedy matching with backtracking to the last `%`: O(|t| * |p|) at worst.
  std::size_t ti = 0, pi = 0, star = SIZE_MAX, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] != any_run && (p[pi] == any_one || p[pi] == t[ti])) {
      ++ti;
      ++pi;
    } else if (pi < p.size() && p[pi] == any_run) {
      star = pi++;
      mark = ti;
    } else if (star != SIZE_MAX) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == any_run) ++pi;
  return pi == p.size();
}

std::size_t code_point_count(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++n) decode(text, i);
  return n;
}

namespace {

// The white space String.trim removes, as UTF-8 sequences.
constexpr std::string_view white_space[] = {
    " ",      "\t",     "\n",     "\v",     "\f",     "\r",     "\u00A0", "\u1680", "\u2000",
    "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009",
    "\u200A", "\u2028", "\u2029", "\u202F", "\u205F", "\u3000", "\uFEFF",
};

// The length of the white space `text` starts with (`at_end`: ends with), 0 when none.
std::size_t white_space_at(std::string_view text, bool at_end) {
  for (const auto w : white_space) {
    if (at_end ? text.ends_with(w) : text.starts_with(w)) return w.size();
  }
  return 0;
}

}  // namespace

std::string_view trim_white_space(std::string_view text) {
  while (const std::size_t n = white_space_at(text, false)) text.remove_prefix(n);
  while (const std::size_t n = white_space_at(text, true)) text.remove_suffix(n);
  return text;
}

}  // namespace customerdb::detail
