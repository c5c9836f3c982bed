#include "command.hpp"

namespace customerdb::cli {

// Placeholder until the command lands.
int rpc_command(const arguments&) {
  report_error("'rpc' is not available yet");
  return 1;
}

}  // namespace customerdb::cli
