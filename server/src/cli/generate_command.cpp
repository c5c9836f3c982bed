#include "command.hpp"

namespace customerdb::cli {

// Placeholder until the command lands.
int generate_command(const arguments&) {
  report_error("'generate' is not available yet");
  return 1;
}

}  // namespace customerdb::cli
