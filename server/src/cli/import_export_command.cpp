#include "command.hpp"

namespace customerdb::cli {

// Placeholders until the commands land.
int import_command(const arguments&) {
  report_error("'import' is not available yet");
  return 1;
}

int export_command(const arguments&) {
  report_error("'export' is not available yet");
  return 1;
}

}  // namespace customerdb::cli
