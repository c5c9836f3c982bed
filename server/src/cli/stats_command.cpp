#include "command.hpp"

namespace customerdb::cli {

// Placeholder until the command lands.
int stats_command(const arguments&) {
  report_error("'stats' is not available yet");
  return 1;
}

}  // namespace customerdb::cli
