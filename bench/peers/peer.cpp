// The base class's versions of the operations (peer.hpp): each throws, naming the peer and the
// operation, since the loops call only what `supports` admits; prepare_durable and close_writers,
// which the loops call for every peer, do nothing.
#include "peer.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace customerdb::peers {

void peer::unsupported(const char* what) const {
  throw std::logic_error(fmt::format("{} does not implement {}", name(), what));
}

void peer::prepare_durable(const data_set&) {}
answer peer::retrieve(const std::string&) { unsupported("retrieve"); }
answer peer::list_by_email(const std::string&) { unsupported("list_by_email"); }
answer peer::first_page() { unsupported("first_page"); }
answer peer::deep_page(std::size_t) { unsupported("deep_page"); }
answer peer::group_page(const std::string&) { unsupported("group_page"); }
answer peer::company_count(const std::string&) { unsupported("company_count"); }
answer peer::search(const std::string&) { unsupported("search"); }
void peer::create(const new_customer&) { unsupported("create"); }
void peer::update_tx(const std::string&, const std::string&) { unsupported("update_tx"); }
void peer::durable_create(const new_customer&) { unsupported("durable_create"); }
void peer::durable_update(const std::string&, const std::string&) { unsupported("durable_update"); }
void peer::open_writers(int) { unsupported("open_writers"); }
void peer::durable_create_on(int, const new_customer&) { unsupported("durable_create_on"); }
void peer::close_writers() {}
void peer::save() { unsupported("save"); }
std::vector<std::string> peer::restart_arguments() { unsupported("restart_arguments"); }

}  // namespace customerdb::peers
