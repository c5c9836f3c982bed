#include "customerdb/postgres/redacted_conninfo.hpp"

#include <regex>

namespace customerdb::postgres {

std::string redacted_conninfo(std::string_view conninfo) {
  static const std::regex keyword(R"((password\s*=\s*)('([^'\\]|\\.)*'|\S+))");
  static const std::regex url(R"(^(postgres(ql)?://[^:/@]*:)[^@]*@)");
  std::string s(conninfo);
  s = std::regex_replace(s, keyword, "$1***");
  s = std::regex_replace(s, url, "$1***@");
  return s;
}

}  // namespace customerdb::postgres
