#include "command.hpp"

namespace customerdb::cli {

// Placeholder until the command lands.
int snapshot_command(const arguments&) {
  report_error("'snapshot' is not available yet");
  return 1;
}

}  // namespace customerdb::cli
