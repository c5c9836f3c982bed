#include "command.hpp"

namespace customerdb::cli {

// Placeholder until the command lands.
int serve_command(const arguments&) {
  report_error("'serve' is not available yet");
  return 1;
}

}  // namespace customerdb::cli
