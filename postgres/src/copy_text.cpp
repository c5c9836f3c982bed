#include "copy_text.hpp"

namespace customerdb::postgres {

void append_copy_field(std::string& line, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        line += "\\\\";
        break;
      case '\n':
        line += "\\n";
        break;
      case '\r':
        line += "\\r";
        break;
      case '\t':
        line += "\\t";
        break;
      default:
        line += c;
    }
  }
}

void append_copy_null(std::string& line) { line += "\\N"; }

namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes the escapes of one field.
std::string unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c != '\\' || i + 1 == field.size()) {
      out += c;
      continue;
    }
    const char e = field[++i];
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x': {
        int value = 0;
        int digits = 0;
        while (digits < 2 && i + 1 < field.size() && hex_value(field[i + 1]) >= 0)
          value = value * 16 + hex_value(field[++i]), ++digits;
        if (digits == 0)
          out += 'x';
        else
          out += static_cast<char>(value);
        break;
      }
      default:
        if (is_octal(e)) {
          int value = e - '0';
          for (int digits = 1; digits < 3 && i + 1 < field.size() && is_octal(field[i + 1]);
               ++digits)
            value = value * 8 + (field[++i] - '0');
          out += static_cast<char>(value);
        } else {
          out += e;
        }
    }
  }
  return out;
}

}  // namespace

void split_copy_line(std::string_view line, std::vector<std::optional<std::string>>& fields) {
  fields.clear();
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    const auto field = line.substr(start, tab == std::string_view::npos ? tab : tab - start);
    if (field == "\\N") {
      fields.emplace_back(std::nullopt);
    } else if (field.find('\\') == std::string_view::npos) {
      fields.emplace_back(std::string(field));
    } else {
      fields.emplace_back(unescape(field));
    }
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
}

}  // namespace customerdb::postgres
